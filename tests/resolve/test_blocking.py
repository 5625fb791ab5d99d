"""Blocking on hand-built records: which pairs come out, by which rules, and what a cap costs."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.resolve.blocking import (
    DEFAULT_RULES,
    BlockingRule,
    blocking_stats,
    candidate_pairs,
    phonetic_sorted_birth_year_rule,
)
from pipelines.resolve.records import RECORD_COLUMNS, records_frame

D = dt.date
BIT = {rule.name: 1 << i for i, rule in enumerate(DEFAULT_RULES)}


def residents() -> pl.DataFrame:
    rows = [
        # R1/R2: twins, same parents, household, phone and birth date, different given names
        ("R1", "001090384712", "Nguyễn Văn An", "Nam", D(1990, 3, 5), "0912000001", "H1"),
        ("R2", "001090927365", "Nguyễn Văn Bình", "Nam", D(1990, 3, 5), "0912000001", "H1"),
        # R3/R4: father and son with the same name in one household
        ("R3", "001060551203", "Trần Văn Nam", "Nam", D(1960, 7, 1), None, "H2"),
        ("R4", "001090118274", "Trần Văn Nam", "Nam", D(1990, 9, 9), None, "H2"),
        # R5/R6: same common name, different people (other year, nothing shared)
        ("R5", "079085662091", "Nguyễn Văn Hùng", "Nam", D(1985, 1, 2), None, "H3"),
        ("R6", "001075330487", "Nguyễn Văn Hùng", "Nam", D(1975, 5, 5), None, "H4"),
        # R7: a registered person whose insurance record (B1) has lost its accents
        ("R7", "038070912846", "Lê Thị Hòa", "Nữ", D(1970, 4, 4), None, "H5"),
        # R8/R9: one person twice, the second copy with a one-digit ID typo and a year-only date
        ("R8", "045180123456", "Phạm Thị Hạnh", "Nữ", D(1980, 6, 1), None, "H6"),
        ("R9", "045180123457", "Phạm Thị Hạnm", "Nữ", D(1980, 1, 1), None, None),
    ]
    cols = ["record_id", "personal_id", "full_name", "gender", "birth_date", "phone"]
    df = pl.DataFrame(rows, schema=[*cols, "household_id"], orient="row")
    precision = ["day"] * 8 + ["year"]
    return df.with_columns(
        pl.Series("birth_date_precision", precision),
        pl.lit(None, dtype=pl.String).alias("father_name"),
        pl.lit(None, dtype=pl.String).alias("mother_name"),
    )


def insurance() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_id": ["B1"],
            "insurance_code": ["0100000001"],
            "personal_id": ["038070912846"],
            "full_name": ["Le Thi Hoa"],
            "gender": ["Nữ"],
            "birth_date": [D(1970, 4, 4)],
            "birth_date_precision": ["day"],
        }
    )


def civil_events() -> pl.DataFrame:
    # a birth record of the twin R2, with parents' names but no ID
    return pl.DataFrame(
        {
            "record_id": ["E1"],
            "full_name": ["Nguyễn Văn Bình"],
            "gender": ["Nam"],
            "birth_date": [D(1990, 3, 5)],
            "birth_date_precision": ["day"],
            "father_name": ["Nguyễn Văn Cường"],
            "mother_name": ["Lê Thị Dung"],
        }
    )


def frames() -> dict[str, pl.DataFrame]:
    return {"insurance": insurance(), "residents": residents(), "civil_events": civil_events()}


def named_pairs(records: pl.DataFrame, pairs: pl.DataFrame) -> dict[frozenset[str], int]:
    ids = dict(zip(records["rid"].to_list(), records["record_id"].to_list(), strict=True))
    return {
        frozenset((ids[a], ids[b])): bits
        for a, b, bits in pairs.select("rid_l", "rid_r", "rules").iter_rows()
    }


@pytest.fixture
def recs() -> pl.DataFrame:
    return records_frame(frames()).collect()


def test_records_frame_contract(recs: pl.DataFrame) -> None:
    assert tuple(recs.columns) == RECORD_COLUMNS
    assert recs.schema["rid"] == pl.UInt32
    assert recs.schema["birth_year"] == pl.Int32
    # residents first, then civil_events, then insurance, each in input order
    assert recs["record_id"].to_list() == [f"R{i}" for i in range(1, 10)] + ["E1", "B1"]
    assert recs["rid"].to_list() == list(range(11))
    b1 = recs.filter(pl.col("record_id") == "B1").row(0, named=True)
    r7 = recs.filter(pl.col("record_id") == "R7").row(0, named=True)
    assert b1["name_folded"] == r7["name_folded"] == "le thi hoa"
    assert r7["name_tone_key"] == "lê thị hòa"
    assert b1["household_id"] is None  # column missing from insurance → null


def test_records_frame_subset_of_columns() -> None:
    df = pl.DataFrame({"record_id": ["X1", "X2"], "full_name": ["Huỳnh Văn Vy", None]})
    rec = records_frame({"other": df}).collect()
    assert rec["surname_key"].to_list() == ["hoan", None]
    assert rec["source"].to_list() == ["other", "other"]
    assert candidate_pairs(rec).height == 0


def test_expected_pairs_and_rule_bits(recs: pl.DataFrame) -> None:
    got = named_pairs(recs, candidate_pairs(recs))
    # twins share a phone: a candidate (comparison must tell them apart), by phone only
    assert got[frozenset({"R1", "R2"})] == BIT["phone"]
    # the twin's birth record: same name, date, year
    assert got[frozenset({"R2", "E1"})] == (
        BIT["birth_date+surname+given_initial"]
        | BIT["phonetic_sorted+birth_year"]
        | BIT["birth_year+gender+name_shape"]
        | BIT["birth_date+given"]
        | BIT["phonetic+month_day"]
    )
    # father and son: only the household rule brings them together
    assert got[frozenset({"R3", "R4"})] == BIT["household+given"]
    # accent-less insurance copy: ID, date + surname, phonetic name + year
    assert got[frozenset({"R7", "B1"})] == (
        BIT["personal_id"]
        | BIT["birth_date+surname+given_initial"]
        | BIT["phonetic_sorted+birth_year"]
        | BIT["personal_id[6:12]+initial"]
        | BIT["personal_id[0:9]+initial"]
        | BIT["personal_id[0:6,9:12]+initial"]
        | BIT["birth_year+gender+name_shape"]
        | BIT["birth_date+given"]
        | BIT["phonetic+month_day"]
    )
    # one-digit ID typo (last digit) + given-name typo + year-only date
    assert got[frozenset({"R8", "R9"})] == (
        BIT["personal_id[0:9]+initial"] | BIT["birth_year+gender+name_shape"]
    )
    # same common name, different years, nothing shared: not a candidate
    assert frozenset({"R5", "R6"}) not in got
    assert len(got) == 5


def test_pairs_frame_shape(recs: pl.DataFrame) -> None:
    pairs = candidate_pairs(recs)
    assert pairs.schema == pl.Schema({"rid_l": pl.UInt32, "rid_r": pl.UInt32, "rules": pl.UInt32})
    assert (pairs["rid_l"] < pairs["rid_r"]).all()
    assert pairs.select("rid_l", "rid_r").is_duplicated().sum() == 0
    assert (pairs["rules"] > 0).all()


def nguyen_block(n: int = 10) -> pl.DataFrame:
    """Ten different men called Nguyễn Văn Anh born in 1990: one name + year block."""
    return pl.DataFrame(
        {
            "record_id": [f"N{i:02d}" for i in range(n)],
            "full_name": ["Nguyễn Văn Anh"] * n,
            "gender": ["Nam"] * n,
            "birth_date": [D(1990, 1 + i, 1 + i) for i in range(n)],
            "birth_date_precision": ["day"] * n,
        }
    )


def test_capped_block_is_windowed_and_counted() -> None:
    rec = records_frame({"residents": nguyen_block()}).collect()
    rules = [phonetic_sorted_birth_year_rule()]
    pairs = candidate_pairs(rec, rules, max_block=4, window=2)
    # sorted by birth date, each record pairs with the next two: 9 + 8 pairs, not 45
    assert pairs.height == 17
    assert set(pairs.select("rid_l", "rid_r").iter_rows()) == {
        (i, j) for i in range(10) for j in (i + 1, i + 2) if j < 10
    }
    stats = blocking_stats(rec, rules, max_block=4, window=2).row(0, named=True)
    assert stats["blocks"] == 1
    assert stats["largest_block"] == 10
    assert stats["pairs"] == 17
    assert stats["capped_blocks"] == 1
    assert stats["capped_records"] == 10
    assert stats["pairs_full"] == 45
    assert stats["pairs_dropped"] == 28
    # under the cap: all 45 pairs, nothing dropped
    full = blocking_stats(rec, rules, max_block=10, window=2).row(0, named=True)
    assert (full["pairs"], full["capped_blocks"], full["pairs_dropped"]) == (45, 0, 0)
    assert candidate_pairs(rec, rules, max_block=10, window=2).height == 45


def test_stats_match_pairs_per_rule(recs: pl.DataFrame) -> None:
    stats = blocking_stats(recs)
    assert stats["rule"].to_list() == [r.name for r in DEFAULT_RULES]
    for i, rule in enumerate(DEFAULT_RULES):
        alone = candidate_pairs(recs, [rule])
        assert stats["pairs"][i] == alone.height, rule.name


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_invariant_to_row_order(seed: int) -> None:
    base = frames()
    base["residents"] = pl.concat([base["residents"], nguyen_block()], how="diagonal_relaxed")

    def pairs_by_record_id(fr: dict[str, pl.DataFrame]) -> dict[frozenset[str], int]:
        rec = records_frame(fr).collect()
        return named_pairs(rec, candidate_pairs(rec, max_block=4, window=2))

    shuffled = {k: v.sample(fraction=1.0, shuffle=True, seed=seed) for k, v in base.items()}
    assert pairs_by_record_id(shuffled) == pairs_by_record_id(base)


def test_custom_rule_and_bit_limit() -> None:
    rec = pl.DataFrame(
        {"rid": [0, 1], "source": ["s", "s"], "record_id": ["a", "b"], "x": ["k", "k"]}
    )
    rule = BlockingRule("x", (pl.col("x"),))
    assert candidate_pairs(rec, [rule]).rows() == [(0, 1, 1)]
    with pytest.raises(ValueError, match="32"):
        candidate_pairs(rec, [rule] * 33)


def test_stats_from_the_pairs_bits_equal_stats_from_regenerating_them(
    recs: pl.DataFrame,
) -> None:
    pairs = candidate_pairs(recs, max_block=4, window=2)
    assert_frame_equal(
        blocking_stats(recs, max_block=4, window=2),
        blocking_stats(recs, max_block=4, window=2, pairs=pairs),
    )
