"""Masked values (DESIGN §9): what may leave the machine never shows a full value."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.report.masking import findings_examples, masked, masked_expr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("001203012345", "001*******45"),  # personal ID
        ("0912345678", "091*****78"),  # phone
        ("Nguyễn Văn An", "N*** V** A*"),  # name: initials, at most three stars a word
        ("NGUYỄN THỊ MINH KHAI", "N*** T** M*** K***"),
        ("=HYPERLINK(1)", "=HY********1)"),  # formula-like text is masked like any value
        ("12", "**"),
        ("  ", ""),
        (None, ""),
    ],
)
def test_masked(value: str | None, expected: str) -> None:
    assert masked(value) == expected


@pytest.mark.parametrize("value", ["001203012345", "0912345678", "2026-10-31", "R0001234", "ab1"])
def test_masked_shows_at_most_half_of_a_value(value: str) -> None:
    shown = sum(1 for ch in masked(value) if ch != "*")
    assert len(masked(value)) == len(value)
    assert shown <= len(value) // 2


def test_masked_decomposed_name_is_masked_like_the_composed_one() -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"
    assert masked(decomposed) == masked("Nguyễn Văn An")


def test_masked_expr_keeps_nulls() -> None:
    df = pl.DataFrame({"v": ["001203012345", None, "Trần Bình"]})
    assert df.select(masked_expr("v"))["v"].to_list() == ["001*******45", None, "T*** B***"]


def test_findings_examples_are_masked_distinct_ordered_and_limited() -> None:
    findings = pl.DataFrame(
        {
            "source": ["residents"] * 6 + ["insurance"],
            "record_id": ["R6", "R1", "R2", "R3", "R4", "R5", "B1"],
            "rule": ["phone.invalid"] * 5 + ["required.missing", "phone.invalid"],
            "value": ["0900000006", "0900000001", "0900000001", "", "0900000004", None, "0800"],
        }
    )
    examples = findings_examples(findings)
    # insurance sorts before residents; R1 before R4 before R6; the repeat and "" are skipped
    assert examples == {"phone.invalid": ["0**0", "090*****01", "090*****04"]}
    assert findings_examples(findings, per_rule=1) == {"phone.invalid": ["0**0"]}


def test_findings_examples_names_missing_columns() -> None:
    with pytest.raises(ValueError, match="record_id"):
        findings_examples(pl.DataFrame({"source": ["x"], "rule": ["r"], "value": ["v"]}))
