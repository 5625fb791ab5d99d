"""The import's checks on plain frames: contradicting decisions, later words, set-backs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.decisions.imports import RunRecords, imported_decisions, normalised_choice
from pipelines.decisions.sheets import FilledFile
from pipelines.decisions.store import FINDING_DECISIONS_SCHEMA, PAIR_DECISIONS_SCHEMA
from pipelines.errors import InputError
from pipelines.resolve.review import pair_key

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
RECORDS = ["R1", "R2", "R3", "R4"]


def key(a: str, b: str) -> str:
    lit = pl.lit
    return str(pl.select(pair_key(lit("residents"), lit(a), lit("residents"), lit(b))).item())


def run() -> RunRecords:
    return RunRecords(
        records=pl.DataFrame({"source": ["residents"] * 4, "record_id": RECORDS}),
        fingerprints=pl.DataFrame(
            {
                "source": ["residents"] * 4,
                "record_id": RECORDS,
                "fingerprint": [f"f{r}" for r in RECORDS],
            }
        ),
        findings=pl.DataFrame({"finding_key": ["DC:R1|phone.invalid|phone"], "value": ["12"]}),
    )


def pair_file(*decided: tuple[str, str, str], name: str = "01-ha-noi.xlsx") -> FilledFile:
    rows = [
        {"pair_key": key(a, b), "decision": d, "record_id_1": min(a, b),
         "record_id_2": max(a, b), "fingerprint_1": f"f{min(a, b)}",
         "fingerprint_2": f"f{max(a, b)}", "sheet": "Cặp cần xem xét", "row": i + 2}
        for i, (a, b, d) in enumerate(decided)
    ]  # fmt: skip
    return FilledFile(Path(name), "r1", pairs=pl.DataFrame(rows))


def empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema=PAIR_DECISIONS_SCHEMA)


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_DECISIONS_SCHEMA)


def test_choices_are_read_in_either_language_with_or_without_accents() -> None:
    typed = ["cùng người", "CÙNG NGƯỜI", "cung nguoi", "same person", "khác người",
             "different persons", "không phải lỗi", "khong phai loi", "not an error",
             "đã sửa tại nguồn", "fixed at source", "chưa xử lý", "mở lại"]  # fmt: skip
    assert [normalised_choice(t) for t in typed] == [
        "same", "same", "same", "same", "different", "different", "not_error", "not_error",
        "not_error", "fixed", "fixed", "open", "reopened",
    ]  # fmt: skip
    assert normalised_choice("có") is None


def test_a_different_inside_a_chain_of_same_is_refused() -> None:
    file = pair_file(("R1", "R2", "cùng người"), ("R2", "R3", "cùng người"),
                     ("R1", "R3", "khác người"))  # fmt: skip
    with pytest.raises(InputError, match="row 4: 'khác người' for two records"):
        imported_decisions([file], run(), empty_pairs(), empty_findings(), NOW)


def test_stored_decisions_count_in_the_chain_and_a_later_word_replaces_an_earlier() -> None:
    first = imported_decisions([pair_file(("R1", "R2", "cùng người"))], run(), empty_pairs(),
                               empty_findings(), NOW)  # fmt: skip
    with pytest.raises(InputError, match="'khác người' for two records"):
        imported_decisions(
            [pair_file(("R2", "R3", "cùng người"), ("R1", "R3", "khác người"))],
            run(), first.pairs, empty_findings(), NOW,
        )  # fmt: skip
    again = imported_decisions([pair_file(("R1", "R2", "khác người"))], run(), first.pairs,
                               empty_findings(), NOW)  # fmt: skip
    assert again.pairs.select("pair_key", "decision").rows() == [(key("R1", "R2"), "different")]
    assert again.counts["pairs_changed"] == 1


def test_worklist_rows_count_only_where_the_steward_changed_the_status() -> None:
    rows = pl.DataFrame(
        {"finding_key": ["DC:R1|phone.invalid|phone", "DC:R2|phone.invalid|phone",
                         "DC:R3|phone.invalid|phone"],
         "status": ["không phải lỗi", "chưa xử lý", "không phải lỗi"],
         "status_written": ["open", "open", "not_error"],
         "raw_value": ["12", "34", "56"], "sheet": ["s"] * 3, "row": [2, 3, 4]}
    )  # fmt: skip
    out = imported_decisions([FilledFile(Path("w.xlsx"), "r1", findings=rows)], run(),
                             empty_pairs(), empty_findings(), NOW)  # fmt: skip
    assert out.findings.select("finding_key", "status", "value").rows() == [
        ("DC:R1|phone.invalid|phone", "not_error", "12")
    ]
    # next week R1 is on the false-alarm sheet (written "not_error"); set back to open
    back = rows.head(1).with_columns(status=pl.lit("chưa xử lý"),
                                     status_written=pl.lit("not_error"))  # fmt: skip
    undone = imported_decisions([FilledFile(Path("w.xlsx"), "r1", findings=back)], run(),
                                empty_pairs(), out.findings, NOW)  # fmt: skip
    assert undone.findings.height == 0 and undone.counts["findings_reverted"] == 1


def test_a_worklist_value_that_changed_since_is_refused() -> None:
    rows = pl.DataFrame(
        {"finding_key": ["DC:R1|phone.invalid|phone"], "status": ["không phải lỗi"],
         "status_written": ["open"], "raw_value": ["99"], "sheet": ["s"], "row": [2]}
    )  # fmt: skip
    with pytest.raises(InputError, match="row 2: the record changed since the worklist"):
        imported_decisions([FilledFile(Path("w.xlsx"), "r1", findings=rows)], run(),
                           empty_pairs(), empty_findings(), NOW)  # fmt: skip


def test_a_file_without_its_hidden_columns_is_refused_naming_them() -> None:
    """A sheet copied without dancu's hidden key columns cannot be matched: say which."""
    pairs = pair_file(("R1", "R2", "cùng người")).pairs.drop("fingerprint_2")
    rows = pl.DataFrame({"finding_key": ["DC:R1|phone.invalid|phone"],
                         "status": ["không phải lỗi"], "sheet": ["s"], "row": [2]})  # fmt: skip
    files = [FilledFile(Path("p.xlsx"), "r1", pairs=pairs),
             FilledFile(Path("w.xlsx"), "r1", findings=rows)]  # fmt: skip
    with pytest.raises(InputError) as caught:
        imported_decisions(files, run(), empty_pairs(), empty_findings(), NOW)
    text = str(caught.value)
    assert "p.xlsx" in text and "pair sheet lacks its column(s) fingerprint_2" in text
    assert "w.xlsx" in text and "raw_value, status_written" in text
