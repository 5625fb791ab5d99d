"""Golden-record survivorship on hand-built persons."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from pipelines.resolve.golden import GOLDEN_COLUMNS, golden_records

D = dt.date


def records() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": ["P1", "P1", "P1", "P2", "P2"],
            "source": ["insurance", "residents", "residents", "residents", "civil_events"],
            "record_id": ["B1", "R2", "R1", "R3", "E1"],
            "personal_id": ["001090012345", None, "001090012345", None, None],
            "full_name": ["Nguyen Van An", "Nguyễn Văn An", "Nguyễn Văn Ân", "Lê Thị Hoa", None],
            "gender": ["Nam", None, "Nam", "Nữ", "Nữ"],
            "birth_date": [D(1990, 3, 5), D(1990, 1, 1), D(1990, 3, 5), D(1950, 1, 1), None],
            "birth_date_precision": ["day", "year", "day", "year", None],
            "phone": ["0912345678", "0987654321", None, None, None],
            "province_code": ["79", "01", "01", "38", "38"],
            "ward_code": [None, "00004", "00001", None, None],
            "updated_at": [D(2026, 10, 1), D(2026, 9, 1), D(2024, 1, 1), D(2020, 1, 1), None],
            "status": [None, "alive", "alive", "alive", None],
            "death_date": [None, None, None, None, None],
            "event_type": [None, None, None, None, "death"],
            "event_date": [None, None, None, None, D(2025, 6, 30)],
        },
        schema_overrides={"death_date": pl.Date, "event_date": pl.Date},
    )


def test_survivorship_prefers_register_then_recency_then_precision() -> None:
    golden = golden_records(records())
    assert golden.columns == GOLDEN_COLUMNS
    p1 = golden.filter(pl.col("person_id") == "P1").row(0, named=True)
    # residents beat insurance; within residents the most recently updated record (R2) wins
    assert p1["full_name"] == "Nguyễn Văn An"
    assert p1["phone"] == "0987654321"
    assert p1["ward_code"] == "00004"
    # R2 has no ID and no gender: the next resident record supplies them, not insurance
    assert p1["personal_id"] == "001090012345"
    assert p1["gender"] == "Nam"
    # a day-precision birth date beats the more recent year-only one
    assert (p1["birth_date"], p1["birth_date_precision"]) == (D(1990, 3, 5), "day")
    assert p1["n_records"] == 3
    assert p1["is_deceased"] is False


def test_a_civil_death_event_marks_the_person_deceased_even_if_the_register_says_alive() -> None:
    p2 = golden_records(records()).filter(pl.col("person_id") == "P2").row(0, named=True)
    assert p2["is_deceased"] is True
    assert p2["death_date"] == D(2025, 6, 30)


def test_result_does_not_depend_on_row_order() -> None:
    frame = records()
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=7)
    assert_frame_equal(golden_records(frame), golden_records(shuffled))
