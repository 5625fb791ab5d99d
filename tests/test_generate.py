"""The synthetic data generator: determinism, realism and a truthful defect log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from pathlib import Path

import numpy as np
import phonenumbers
import polars as pl
import pytest

from pipelines.config import DefectRates, GenerateConfig
from pipelines.generate import GenerateSummary, choose_vietnamese_headers, run_generate
from pipelines.generate.addresses import load_units
from pipelines.generate.ids import PREFIX_CODES
from pipelines.generate.phones import draw_mobiles, landline
from pipelines.generate.provinces import AREA_CODE
from pipelines.generate.writer import VIETNAMESE_HEADERS
from pipelines.progress import silent

N = 3000
AS_OF = dt.date(2026, 11, 22)
# generous rates so every defect kind shows up in a small sample
RATES = DefectRates(
    duplicate_person=0.15,
    bad_id_length=0.02,
    id_gender_mismatch=0.02,
    id_year_mismatch=0.02,
    id_bad_prefix=0.02,
    missing_id_adult=0.02,
    impossible_date=0.02,
    future_date=0.02,
    legacy_phone=0.05,
    landline_phone=0.05,
    vietnamese_headers=0.0,
)
SOURCES = ("residents", "civil_events", "insurance")
ID_DEFECTS = {
    "id_bad_length",
    "id_gender_mismatch",
    "id_year_mismatch",
    "id_bad_prefix",
    "id_missing",
    "id_typo",
}
_TO_CANON = {v: k for k, v in VIETNAMESE_HEADERS.items()}
# DOMAIN.md §3.1: legacy 11-digit mobile prefix -> its 10-digit replacement
_LEGACY_TO_NEW = {
    **{f"016{d}": f"03{d}" for d in range(2, 10)},
    **{"0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078"},
    **{"0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082"},
    **{"0186": "056", "0188": "058", "0199": "059"},
}
PHONE_DEFECTS = {"phone_changed", "phone_legacy_11_digit", "phone_landline"}


def _updated_on(value: str) -> dt.date:
    """Parse a raw ``updated_at`` (``2026-10-02`` or ``02/10/2026 14:03``)."""
    if value[4] == "-":
        return dt.date.fromisoformat(value[:10])
    return dt.datetime.strptime(value[:10], "%d/%m/%Y").date()


def _is_valid_phone(raw: str) -> bool:
    """Judge a raw phone as the pipeline does: digits, +84 -> 0, legacy 01xx converted."""
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("84"):
        digits = "0" + digits[2:]
    if len(digits) == 11 and digits[:4] in _LEGACY_TO_NEW:
        digits = _LEGACY_TO_NEW[digits[:4]] + digits[4:]
    return bool(phonenumbers.is_valid_number(phonenumbers.parse(digits, "VN")))


def _cfg(seed: int, **rates: float) -> GenerateConfig:
    return GenerateConfig(
        residents=N, seed=seed, as_of=AS_OF, rates=dataclasses.replace(RATES, **rates)
    )


def _read(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    return frame.rename({c: _TO_CANON.get(c, c) for c in frame.columns})


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateSummary]:
    out = tmp_path_factory.mktemp("gen")
    (out / "residents.parquet").write_bytes(b"stale")
    (out / "keep_me.txt").write_text("not ours")
    return out, run_generate(out, _cfg(7), silent())


@pytest.fixture(scope="module")
def raw(run: tuple[Path, GenerateSummary]) -> dict[str, pl.DataFrame]:
    _, summary = run
    return {s: _read(summary.files[s]) for s in SOURCES}


@pytest.fixture(scope="module")
def truth(run: tuple[Path, GenerateSummary]) -> dict[str, pl.DataFrame]:
    out, _ = run
    return {
        n: pl.read_parquet(out / "_truth" / f"{n}.parquet") for n in ("truth", "defects", "persons")
    }


def _defect_values(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame], kind: str
) -> pl.DataFrame:
    rows = truth["defects"].filter(pl.col("defect") == kind)
    assert rows.height > 0, f"no {kind} defects generated"
    frames = []
    for (source, column), part in rows.group_by("source", "column"):
        id_col = "event_id" if source == "civil_events" else "record_id"
        frames.append(
            part.join(
                raw[str(source)].select(
                    pl.col(id_col).alias("record_id"), pl.col(str(column)).alias("value")
                ),
                on="record_id",
                how="left",
            )
        )
    return pl.concat(frames)


def test_files_and_stale_cleanup(run: tuple[Path, GenerateSummary]) -> None:
    out, summary = run
    assert set(summary.files) == set(SOURCES)
    assert not (out / "residents.parquet").exists()
    assert (out / "keep_me.txt").exists()
    for source in SOURCES:
        assert [p.name for p in out.glob(f"{source}.*")] == [f"{source}.csv"]
    assert summary.rows["residents"] > N
    assert summary.files["insurance"].read_bytes().startswith(b"\xef\xbb\xbf")


def test_same_seed_same_bytes_other_seed_differs(
    run: tuple[Path, GenerateSummary], tmp_path: Path
) -> None:
    out, summary = run
    again = run_generate(tmp_path / "a", _cfg(7), silent())
    other = run_generate(tmp_path / "b", _cfg(8), silent())
    for source in SOURCES:
        assert again.files[source].read_bytes() == summary.files[source].read_bytes()
        assert other.files[source].read_bytes() != summary.files[source].read_bytes()
    for name in ("truth", "defects", "persons"):
        assert pl.read_parquet(tmp_path / "a" / "_truth" / f"{name}.parquet").equals(
            pl.read_parquet(out / "_truth" / f"{name}.parquet")
        )


def test_record_ids_unique_and_truth_covers_every_record(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    t = truth["truth"]
    assert t.select("source", "record_id").is_duplicated().sum() == 0
    for source, frame in raw.items():
        ids = frame["event_id" if source == "civil_events" else "record_id"]
        assert ids.n_unique() == frame.height
        covered = t.filter(pl.col("source") == source)
        assert sorted(covered["record_id"].to_list()) == sorted(ids.to_list())
    assert t["person_key"].is_in(truth["persons"]["person_key"].implode()).all()


def test_surname_distribution(truth: dict[str, pl.DataFrame]) -> None:
    surname = truth["persons"]["full_name"].str.split(" ").list.first()
    share = (surname == "Nguyễn").sum() / surname.len()
    assert 0.33 < share < 0.44
    tokens = truth["persons"]["full_name"].str.split(" ").list.len()
    assert 0.58 < (tokens == 3).mean() < 0.74  # type: ignore[operator]
    assert 0.24 < (tokens >= 4).mean() < 0.40  # type: ignore[operator]


def test_personal_id_structure_without_id_defects(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    bad = truth["defects"].filter(
        pl.col("source") == "residents", pl.col("defect").is_in(list(ID_DEFECTS))
    )
    res = (
        raw["residents"]
        .join(bad.select("record_id"), on="record_id", how="anti")
        .join(truth["truth"].select("record_id", "person_key"), on="record_id")
        .join(
            truth["persons"].select(
                "person_key", pl.col("gender").alias("sex"), pl.col("birth_date").alias("dob")
            ),
            on="person_key",
        )
        .with_columns(pid=pl.col("personal_id").str.replace_all(" ", ""))
        .filter(pl.col("pid").is_not_null())
    )
    assert res.height > N * 0.8
    assert res["pid"].str.contains(r"^\d{12}$").all()
    year = res["dob"].dt.year()
    female = res["sex"] == "Nữ"
    digit4 = (year // 100 - 19) * 2 + female.cast(pl.Int32)
    assert (res["pid"].str.slice(3, 1).cast(pl.Int32) == digit4).all()
    assert (res["pid"].str.slice(4, 2).cast(pl.Int32) == year % 100).all()
    assert res["pid"].str.slice(0, 3).cast(pl.Int32).is_in(list(PREFIX_CODES)).all()


def test_personal_id_unique_per_person(truth: dict[str, pl.DataFrame]) -> None:
    pid = truth["persons"]["personal_id"].drop_nulls()
    assert pid.n_unique() == pid.len()


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        ("phone_legacy_11_digit", lambda v: re.fullmatch(r"01\d{9}", v) is not None),
        ("phone_landline", lambda v: re.fullmatch(r"02\d{9}", v) is not None),
        ("name_no_accents", lambda v: v.isascii()),
        ("name_upper", lambda v: v == v.upper()),
        ("name_nfd", lambda v: unicodedata.normalize("NFC", v) != v),
        ("name_eth", lambda v: "\u00d0" in v or "\u00f0" in v),
        ("name_extra_spaces", lambda v: "  " in v or v != v.strip()),
        ("id_bad_length", lambda v: re.fullmatch(r"\d{12}", v.replace(" ", "")) is None),
        ("id_bad_prefix", lambda v: int(v.replace(" ", "")[:3]) not in PREFIX_CODES),
        ("date_impossible", lambda v: v[:2] in ("31", "30", "00", "32")),
        ("date_partial", lambda v: re.fullmatch(r"\d{4}", v) is not None),
        ("date_future", lambda v: dt.datetime.strptime(v, "%d/%m/%Y").date() > AS_OF),
        ("date_format_variant", lambda v: re.fullmatch(r"\d{2}/\d{2}/\d{4}", v) is None),
        ("date_day_month_swap", lambda v: re.fullmatch(r"\d{2}/\d{2}/\d{4}", v) is not None),
        ("updated_at_stale", lambda v: (AS_OF - _updated_on(v)).days > 400),
    ],
)
def test_logged_defect_is_in_the_raw_value(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame], kind: str, check: object
) -> None:
    values = _defect_values(raw, truth, kind)
    assert callable(check)
    failing = [v for v in values["value"].to_list() if v is None or not check(v)]
    assert failing == []


def test_missing_and_gender_year_mismatch_ids(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    assert (
        _defect_values(raw, truth, "id_missing")["value"].null_count()
        == _defect_values(raw, truth, "id_missing").height
    )
    for kind, sl in (("id_gender_mismatch", (3, 1)), ("id_year_mismatch", (4, 2))):
        v = (
            _defect_values(raw, truth, kind)
            .join(truth["truth"].select("record_id", "person_key"), on="record_id")
            .join(truth["persons"].select("person_key", "personal_id"), on="person_key")
        )
        got = v["value"].str.replace_all(" ", "").str.slice(*sl)
        assert (got != v["personal_id"].str.slice(*sl)).all()


def test_deaths_not_reflected_and_benefits_after_death(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    hidden = _defect_values(raw, truth, "death_not_reflected")
    assert hidden["value"].is_in(["alive", "còn sống", "Còn sống"]).all()
    keys = truth["truth"].join(hidden.select("record_id"), on="record_id")["person_key"]
    deaths = (
        raw["civil_events"]
        .join(
            truth["truth"].filter(pl.col("source") == "civil_events"),
            left_on="event_id",
            right_on="record_id",
        )
        .filter(pl.col("event_type").str.to_lowercase().is_in(["death", "khai_tu", "khai tử"]))
    )
    assert keys.is_in(deaths["person_key"].implode()).any()
    after = (
        _defect_values(raw, truth, "benefit_after_death")
        .join(truth["truth"].select("record_id", "person_key"), on="record_id")
        .join(truth["persons"].select("person_key", "death_date", "is_deceased"), on="person_key")
    )
    assert after["is_deceased"].all()


def test_households_share_id_and_parents(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    registered = truth["truth"].filter(pl.col("source") == "residents")["person_key"].implode()
    persons = truth["persons"].filter(pl.col("person_key").is_in(registered))
    sizes = persons.group_by("household_id").len()["len"]
    assert sizes.max() <= 6 and (sizes >= 2).mean() > 0.99  # type: ignore[operator]
    children = persons.filter(pl.col("household_role") == "child")
    fathers = persons.filter(pl.col("household_role") == "father").select(
        "household_id", pl.col("full_name").alias("father_full")
    )
    res = raw["residents"].join(truth["truth"].select("record_id", "person_key"), on="record_id")
    kids = res.join(children.select("person_key", "household_id"), on="person_key").join(
        fathers, on="household_id"
    )
    assert kids.height > 100
    assert (kids["father_name"] == kids["father_full"]).all()
    assert (kids["household_id"] == kids["household_id_right"]).all()
    surname_ok = (
        kids["full_name"].str.split(" ").list.first()
        == kids["father_full"].str.split(" ").list.first()
    )
    assert surname_ok.mean() > 0.5  # type: ignore[operator]


def test_duplicates_share_person_key(truth: dict[str, pl.DataFrame]) -> None:
    res = truth["truth"].filter(pl.col("source") == "residents")
    per_person = res.group_by("person_key").len()["len"]
    assert (per_person > 1).sum() > N * 0.1


def test_legacy_addresses_have_district(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    legacy = truth["defects"].filter(pl.col("defect") == "address_legacy_unit")
    res = raw["residents"]
    with_district = res.filter(pl.col("district").is_not_null())["record_id"]
    assert sorted(with_district.to_list()) == sorted(legacy["record_id"].to_list())


def test_vietnamese_headers_follow_the_rate(tmp_path: Path) -> None:
    assert any(any(choose_vietnamese_headers(seed, 0.5).values()) for seed in range(5))
    assert not any(choose_vietnamese_headers(3, 0.0).values())
    cfg = dataclasses.replace(_cfg(3, vietnamese_headers=1.0), residents=200)
    summary = run_generate(tmp_path, cfg, silent())
    header = summary.files["residents"].read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Mã hồ sơ,Số định danh cá nhân")
    assert "Họ và tên" in header


def test_legacy_address_maps_to_the_true_current_ward(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    legacy = load_units().legacy.with_row_index("legacy_row")
    wards = load_units().wards.with_row_index("ward_idx").select("ward_idx", "ward_code")
    crosswalk = legacy.join(wards, on="ward_idx").select("district", "ward", "ward_code")
    res = (
        raw["residents"]
        .filter(pl.col("district").is_not_null())
        .join(truth["truth"].select("record_id", "person_key"), on="record_id")
        .join(
            truth["persons"].select("person_key", pl.col("ward_code").alias("true_ward")),
            on="person_key",
        )
        .join(crosswalk, on=["district", "ward"], how="inner")
    )
    assert res.height > 50
    ok = res.group_by("record_id").agg((pl.col("ward_code") == pl.col("true_ward")).any())
    moved = truth["defects"].filter(pl.col("defect") == "address_moved")["record_id"].implode()
    assert ok.filter(~pl.col("record_id").is_in(moved))["ward_code"].all()


def test_drawn_mobiles_and_landlines_are_valid_phonenumbers() -> None:
    rng = np.random.default_rng(5)
    mobiles = draw_mobiles(rng, 50_000).unique().to_list()
    assert [m for m in mobiles if not _is_valid_phone(m)] == []
    assert {m[:3] for m in mobiles} >= {"089", "099", "032", "091"}
    codes = pl.Series([*AREA_CODE, "no-such-province"] * 300)
    lines = landline(rng, codes)
    assert (lines.str.len_chars() == 11).all()
    assert [x for x in lines.to_list() if not _is_valid_phone(x)] == []


def test_generated_phones_are_valid_unless_meant_otherwise(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    defects = truth["defects"].filter(
        pl.col("column") == "phone", ~pl.col("defect").is_in(list(PHONE_DEFECTS))
    )
    phones = [
        raw[source].join(defects, on="record_id", how="anti")["phone"].drop_nulls()
        for source in ("residents", "insurance")
    ]
    values = pl.concat(phones).to_list()
    assert len(values) > 2000
    assert any(re.fullmatch(r"01\d{9}", v) for v in values)  # legacy forms are included
    assert [v for v in values if not _is_valid_phone(v)] == []


def test_updated_at_stale_logged_exactly_past_the_window(
    raw: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame]
) -> None:
    for source in ("residents", "insurance"):
        logged = set(
            truth["defects"]
            .filter(
                pl.col("source") == source,
                pl.col("column") == "updated_at",
                pl.col("defect") == "updated_at_stale",
            )["record_id"]
            .to_list()
        )
        assert logged, f"no stale {source} records"
        age = {
            rid: (AS_OF - _updated_on(v)).days
            for rid, v in raw[source].select("record_id", "updated_at").iter_rows()
        }
        assert all(days >= 0 for days in age.values())
        assert {rid for rid, days in age.items() if days > 365} == logged
        assert all(age[rid] > 400 for rid in logged)
        assert all(days <= 330 for rid, days in age.items() if rid not in logged)
