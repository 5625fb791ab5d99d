"""The frames GX validates: only the columns a suite reads, and the derived reference columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from gate_outputs import PERSON_IDS, links, residents, write_outputs

from pipelines.gate.frames import References, suite_frames
from pipelines.gate.suites import Expectation, Suite


def _exp(kind: str, column: str) -> Expectation:
    return Expectation(f"x.{column}", kind, {"column": column}, "du", "critical", "Cột", {})


def _suite(name: str, *columns: str, table: bool = False) -> Suite:
    exps = [_exp("expect_column_values_to_be_null", c) for c in columns]
    if table:
        exps.append(_exp("expect_table_row_count_to_equal", ""))
    return Suite(name, Path(f"{name}.json"), tuple(exps))


def broken(column: Any) -> list[str | None]:
    """The values of a pandas column, missing ones as None."""
    return [None if column.isna()[i] else column[i] for i in range(len(column))]


def test_only_needed_columns_are_read_and_shape_frame_has_every_column(tmp_path: Path) -> None:
    out = write_outputs(tmp_path)
    values, shape = suite_frames(
        out, _suite("residents", "birth_date", table=True), References(out)
    )
    assert list(values.columns) == ["birth_date"]
    assert values["birth_date"].tolist() == [dt.date(1990, 3, 5), dt.date(1985, 1, 1),
                                             dt.date(1945, 7, 2)]  # fmt: skip
    assert list(shape.columns) == residents().columns and len(shape) == 3
    values, shape = suite_frames(out, _suite("residents", "birth_date"), References(out))
    assert shape is None


def test_derived_columns_hold_exactly_the_broken_references(tmp_path: Path) -> None:
    # R2 has no links row; links points to R9 (no such resident) and to an unknown person.
    bad_links = pl.concat(
        [
            links().filter(pl.col("record_id") != "R2"),
            pl.DataFrame(
                {
                    "source": ["residents"],
                    "record_id": ["R9"],
                    "person_id": ["PX"],
                    "match_score": [1.0],
                    "match_reason": ["anchor"],
                }
            ),
        ]
    )
    bad_residents = residents().with_columns(
        province_code=pl.Series(["01", "99", "01"]), ward_code=pl.Series(["00004", None, "12345"])
    )
    out = write_outputs(tmp_path, links=bad_links, residents=bad_residents)
    refs = References(out)
    suite = _suite(
        "residents", "unlinked_record_id", "orphan_person_id", "unknown_province_code",
        "unknown_ward_code",
    )  # fmt: skip
    values, _ = suite_frames(out, suite, refs)
    assert broken(values["unlinked_record_id"]) == [None, "R2", None]
    assert values["orphan_person_id"].isna().all()
    assert broken(values["unknown_province_code"]) == [None, "99", None]
    assert broken(values["unknown_ward_code"]) == [None, None, "12345"]
    values, _ = suite_frames(out, _suite("links", "dangling_record_id", "orphan_person_id"), refs)
    assert values["dangling_record_id"].dropna().tolist() == ["R9"]
    assert values["orphan_person_id"].dropna().tolist() == ["PX"]
    values, _ = suite_frames(out, _suite("persons", "unlinked_person_id"), refs)
    assert broken(values["unlinked_person_id"]) == [None, PERSON_IDS[1], None]  # only R2 had it


def test_a_column_missing_from_the_file_is_left_out_not_a_crash(tmp_path: Path) -> None:
    out = write_outputs(tmp_path, residents=residents().drop("phone", "person_id"))
    suite = _suite("residents", "phone", "orphan_person_id", "record_id")
    values, _ = suite_frames(out, suite, References(out))
    assert list(values.columns) == ["record_id"]
