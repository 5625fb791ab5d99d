import datetime as dt

import numpy as np
import polars as pl
import pytest

from pipelines.resolve.compare import FIELDS, LEVELS, comparisons


def _records(rows: list[dict]) -> pl.DataFrame:
    schema = {
        "full_name": pl.String,
        "birth_date": pl.Date,
        "birth_date_precision": pl.String,
        "personal_id": pl.String,
        "legacy_id": pl.String,
        "insurance_code": pl.String,
        "phone": pl.String,
        "gender": pl.String,
        "province_code": pl.String,
        "ward_code": pl.String,
        "father_name": pl.String,
        "mother_name": pl.String,
    }
    df = pl.DataFrame(rows, schema=schema)
    return df.with_row_index("rid").with_columns(pl.col("rid").cast(pl.UInt32))


def _pair_levels(a: dict, b: dict, field: str) -> int:
    rec = _records([a, b])
    pairs = pl.DataFrame(
        {"rid_l": [0], "rid_r": [1]}, schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32}
    )
    out = comparisons(rec, pairs)
    return int(out[f"g_{field}"][0])


def _name_levels(a: str | None, b: str | None) -> tuple[str | None, ...]:
    """The three name levels as labels (None for no information)."""
    out = []
    for part in ("surname", "middle", "given"):
        level = _pair_levels({"full_name": a}, {"full_name": b}, part)
        out.append(None if level == -1 else LEVELS[part][level])
    return tuple(out)


EXACT = ("exact", "exact", "exact")
FOLDED = ("same without accents",) * 3


@pytest.mark.parametrize(
    ("a", "b", "levels"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An", EXACT),
        ("Lê Thị Hoà", "Lê Thị Hòa", EXACT),  # tone style is canonical already
        ("Trần Thị Thuỷ", "TRẦN THỊ THỦY", EXACT),
        ("Nguyễn Văn An", "Nguyen Van An", ("same without accents",) * 2 + ("exact",)),
        ("Nguyễn Thị Trân", "Nguyễn Thị Trần", ("exact", "exact", "same without accents")),
        ("Hoàng Văn Nam", "Huỳnh Văn Nam", ("same sound (Hoàng/Huỳnh, Vũ/Võ…)", "exact", "exact")),
        ("Vũ Thị Lan", "Võ Thị Lan", ("same sound (Hoàng/Huỳnh, Vũ/Võ…)", "exact", "exact")),
        # written given-name first: read back in Vietnamese order
        ("Văn An Nguyễn", "Nguyễn Văn An", EXACT),
        # other orders of the same tokens compare as the same tokens without accents
        ("An Văn Mai", "Mai An Văn", FOLDED),
        ("Nguyễn Văn Hùng", "Nguyễn Hùng", ("exact", "one name has none", "exact")),
        ("Nguyễn Thị Minh Khai", "Nguyễn Thị Khai", ("exact", "one holds the other", "exact")),
        ("Nguyễn Văn Hùnh", "Nguyễn Văn Hùng", ("exact", "exact", "close (one letter or JW≥0.92)")),
        ("Nguyễn Văn An", "Trần Thị Bích", ("differs", "differs", "differs")),
        (
            "Nguyễng Thị Hằng",
            "Nguyễn Thị Hằng",
            ("same sound (Hoàng/Huỳnh, Vũ/Võ…)", "exact", "exact"),
        ),
        ("Nguyeen Thị Hằng", "Nguyễn Thị Hằng", ("similar (JW≥0.8)", "exact", "exact")),
        (
            "Nguyễn Văn Quân",
            "Nguyễn Văn Quâng",
            ("exact", "exact", "close (one letter or JW≥0.92)"),
        ),
        ("Lê Thị Tâm", "Lê Thị Tầm", ("exact", "exact", "same without accents")),
    ],
)
def test_name_levels(a: str, b: str, levels: tuple[str, ...]) -> None:
    assert _name_levels(a, b) == levels
    assert _name_levels(b, a) == levels


def test_regional_spelling_is_at_least_the_same_sound() -> None:
    levels = LEVELS["given"]
    given = _name_levels("Trần Văn Dũng", "Chần Văn Giũng")[2]
    assert given is not None and levels.index(given) >= levels.index("same sound")


def test_null_name_is_no_information() -> None:
    assert _name_levels(None, "Nguyễn Văn An") == (None, None, None)
    assert _name_levels(None, None) == (None, None, None)
    assert _name_levels("Lan", "Lan") == (None, None, "exact")  # one token: a given name
    assert _name_levels("Lê Lan", "Lê Lan") == ("exact", None, "exact")  # neither has a middle


BD = {label: i for i, label in enumerate(LEVELS["birth_date"])}


def _bd(a: dt.date | None, pa: str | None, b: dt.date | None, pb: str | None) -> int:
    return _pair_levels(
        {"birth_date": a, "birth_date_precision": pa},
        {"birth_date": b, "birth_date_precision": pb},
        "birth_date",
    )


MONTH = "same month (a month-only date)"
YEAR = "same year (a year-only date)"
FIRST = "same month (a 1st-of-month date)"
JAN1 = "same year (a 1 January date)"


@pytest.mark.parametrize(
    ("a", "pa", "b", "pb", "level"),
    [
        (dt.date(1990, 5, 3), "day", dt.date(1990, 5, 3), "day", "exact"),
        (dt.date(1990, 5, 3), "day", dt.date(1990, 3, 5), "day", "day/month swapped"),
        (dt.date(1990, 5, 1), "day", dt.date(1990, 1, 5), "day", "day/month swapped"),
        (dt.date(1990, 7, 15), "day", dt.date(1990, 7, 16), "day", "one digit off"),
        (dt.date(1989, 7, 15), "day", dt.date(1998, 7, 15), "day", "one digit off"),
        (dt.date(1990, 7, 1), "month", dt.date(1990, 7, 15), "day", MONTH),
        (dt.date(1990, 1, 1), "year", dt.date(1990, 7, 15), "day", YEAR),
        (dt.date(1990, 7, 15), "day", dt.date(1991, 2, 3), "day", "year within 1"),
        (dt.date(1990, 1, 1), "year", dt.date(1991, 2, 3), "day", "year within 1"),
        (dt.date(1990, 7, 15), "day", dt.date(1995, 2, 3), "day", "differs"),
        (dt.date(1990, 7, 15), "day", dt.date(1990, 2, 3), "day", "same year, another day"),
        # year-only 1990 is not "exact" with a full 1990-01-01
        (dt.date(1990, 1, 1), "year", dt.date(1990, 1, 1), "day", YEAR),
        # an unknown day and month written as 01/01, an unknown day as the 1st (DOMAIN §8.1)
        (dt.date(1949, 1, 1), "day", dt.date(1949, 4, 20), "day", JAN1),
        (dt.date(1949, 4, 1), "day", dt.date(1949, 4, 20), "day", FIRST),
        (dt.date(1949, 1, 1), "day", dt.date(1949, 1, 1), "day", "exact, on a 1st or 1 January"),
    ],
)
def test_birth_date_levels(a: dt.date, pa: str, b: dt.date, pb: str, level: str) -> None:
    assert _bd(a, pa, b, pb) == BD[level]
    assert _bd(b, pb, a, pa) == BD[level]


def test_birth_date_null_and_missing_precision() -> None:
    assert _bd(None, None, dt.date(1990, 1, 1), "day") == -1
    assert _bd(dt.date(1990, 5, 3), None, dt.date(1990, 5, 3), None) == BD["exact"]


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("001190000123", "001190000123", 2),
        ("001190000123", "001190000124", 1),  # one substitution
        ("001190000123", "001190000132", 1),  # adjacent transposition
        ("001190000123", "001190000321", 0),  # non-adjacent swap
        ("001190000123", "079185432101", 0),
        ("001190000123", "00119000012", 0),  # different length
        (None, "001190000123", -1),
    ],
)
def test_personal_id_levels(a: str | None, b: str | None, level: int) -> None:
    assert _pair_levels({"personal_id": a}, {"personal_id": b}, "personal_id") == level
    assert _pair_levels({"personal_id": b}, {"personal_id": a}, "personal_id") == level


def test_other_fields() -> None:
    base = {"phone": "0912345678", "gender": "Nam", "province_code": "01", "ward_code": "00004"}
    assert _pair_levels(base, dict(base), "phone") == 2
    assert _pair_levels(base, {**base, "phone": "0912345679"}, "phone") == 1  # one typo
    assert _pair_levels(base, {**base, "phone": "0912399999"}, "phone") == 0
    assert _pair_levels(base, {**base, "phone": None}, "phone") == -1
    assert _pair_levels(base, {**base, "gender": "Nữ"}, "gender") == 0
    assert household(base, dict(base)) == "parents unknown, same ward"
    assert household(base, {**base, "ward_code": "00007"}) == "parents unknown, same province"
    other = {**base, "ward_code": "26734", "province_code": "79"}
    assert household(base, other) == "parents unknown, another province"
    assert _pair_levels(base, {**base, "ward_code": None, "province_code": None}, "household") == -1
    assert (
        _pair_levels(
            {"insurance_code": "0123456789"}, {"insurance_code": "0123456798"}, "insurance_code"
        )
        == 1
    )
    assert _pair_levels({"legacy_id": "012345678"}, {"legacy_id": "012345678"}, "legacy_id") == 2


def household(a: dict[str, object], b: dict[str, object]) -> str:
    return LEVELS["household"][_pair_levels(a, b, "household")]


def test_parents_and_address_are_one_field() -> None:
    a = {"father_name": "Nguyễn Văn Ba", "mother_name": "Lê Thị Tư", "ward_code": "00004",
         "province_code": "01"}  # fmt: skip
    b = {"father_name": "Nguyen Van Ba", "mother_name": "Le Thi Tu", "ward_code": "00004",
         "province_code": "01"}  # fmt: skip
    assert household(a, b) == "both parents agree, same ward"
    assert household(a, {**b, "mother_name": "Phạm Thị Năm"}) == "one parent agrees, same ward"
    assert household(a, {"father_name": "Nguyễn Văn Ba"}) == "one parent agrees, address unknown"
    moved = {"father_name": "Trần Văn Sáu", "province_code": "79", "ward_code": "26734"}
    assert household(a, moved) == "parents differ, another province"
    assert _pair_levels(a, {"father_name": None}, "household") == -1
    # levels run from the weakest to the strongest outcome
    levels = LEVELS["household"]
    assert levels[0] == "parents differ, another province"
    assert levels[-1] == "both parents agree, same ward"


def test_all_null_record_gives_no_information() -> None:
    full = {
        "full_name": "Nguyễn Văn An",
        "birth_date": dt.date(1990, 1, 2),
        "birth_date_precision": "day",
        "personal_id": "001090000001",
        "legacy_id": "012345678",
        "insurance_code": "0123456789",
        "phone": "0912345678",
        "gender": "Nam",
        "province_code": "01",
        "ward_code": "00004",
        "father_name": "Nguyễn Văn Ba",
        "mother_name": "Lê Thị Tư",
    }
    rec = _records([full, {}])
    pairs = pl.DataFrame(
        {"rid_l": [0], "rid_r": [1]}, schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32}
    )
    out = comparisons(rec, pairs)
    assert out.columns == ["rid_l", "rid_r", *[f"g_{f}" for f in FIELDS]]
    assert all(out[f"g_{f}"].dtype == pl.Int8 for f in FIELDS)
    assert out.select(pl.exclude("rid_l", "rid_r")).row(0) == (-1,) * len(FIELDS)


def _random_records(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    names = [
        "Nguyễn Văn An",
        "Nguyen Van An",
        "Nguyễn An",
        "Hoàng Thị Thủy",
        "Huỳnh Thị Thuỷ",
        "Văn An Nguyễn",
        "Trần Thị Trân",
        "Trần Thị Trần",
        None,
    ]
    ids = ["001190000123", "001190000132", "001190000124", "079185432101", None]
    dates = [
        dt.date(1990, 5, 3),
        dt.date(1990, 3, 5),
        dt.date(1990, 5, 4),
        dt.date(1991, 1, 1),
        None,
    ]
    precs = ["day", "month", "year", None]
    rows = [
        {
            "full_name": names[rng.integers(len(names))],
            "personal_id": ids[rng.integers(len(ids))],
            "birth_date": dates[rng.integers(len(dates))],
            "birth_date_precision": precs[rng.integers(len(precs))],
            "phone": ["0912345678", None][rng.integers(2)],
            "gender": ["Nam", "Nữ", None][rng.integers(3)],
            "province_code": ["01", "79", None][rng.integers(3)],
            "ward_code": ["00004", "26734", None][rng.integers(3)],
            "father_name": ["Nguyễn Văn Ba", "Nguyen Van Ba", None][rng.integers(3)],
            "mother_name": ["Lê Thị Tư", None][rng.integers(2)],
        }
        for _ in range(n)
    ]
    return _records(rows)


def test_symmetric() -> None:
    rec = _random_records(60, seed=3)
    rng = np.random.default_rng(4)
    a = rng.integers(0, 60, 400).astype(np.uint32)
    b = rng.integers(0, 60, 400).astype(np.uint32)
    fwd = comparisons(rec, pl.DataFrame({"rid_l": a, "rid_r": b}))
    rev = comparisons(rec, pl.DataFrame({"rid_l": b, "rid_r": a}))
    assert fwd.drop("rid_l", "rid_r").equals(rev.drop("rid_l", "rid_r"))


def test_rid_order_and_gaps_do_not_matter() -> None:
    rec = _random_records(40, seed=5)
    pairs = pl.DataFrame(
        {"rid_l": np.arange(0, 39, dtype=np.uint32), "rid_r": np.arange(1, 40, dtype=np.uint32)}
    )
    base = comparisons(rec, pairs)
    shuffled = rec.with_columns(pl.col("rid") * 3 + 7).sample(fraction=1.0, shuffle=True, seed=1)
    moved = pairs.with_columns(pl.all() * 3 + 7)
    out = comparisons(shuffled, moved)
    assert out.drop("rid_l", "rid_r").equals(base.drop("rid_l", "rid_r"))


def test_empty_pairs() -> None:
    rec = _random_records(3, seed=1)
    out = comparisons(rec, pl.DataFrame(schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32}))
    assert out.height == 0 and out.columns[2:] == [f"g_{f}" for f in FIELDS]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Phạm Minh Khôi", "Phạm Minh Khang", "differs"),  # siblings: another given name
        ("Nguyễn Thị Lan", "Nguyễn Thị Hoa", "differs"),
        ("Trần Lan Huỳnh", "Trần Lan Huygn", "similar (JW≥0.8)"),  # two letters off
    ],
)
def test_a_clearly_different_given_name_is_not_a_typo(a: str, b: str, expected: str) -> None:
    assert _name_levels(a, b)[2] == expected
