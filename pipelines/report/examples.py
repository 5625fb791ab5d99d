"""Example records of a rule: the first few (register, record id) of its findings.

The report shows record ids, not values: a record id is what a steward types into the
worklist's filter or the source system to find the record, and it is not personal data. Masked
values (``N*** V** A*``) identified nothing. Examples are taken per rule over the run and per
(province, rule), in (register, record id) order, so a run always shows the same ones.

Example:
    >>> f = pl.DataFrame({"source": ["residents", "insurance", "residents"],
    ...     "record_id": ["R2", "B1", "R1"], "rule": ["phone.invalid"] * 3,
    ...     "province_code": ["01", "79", "01"]})
    >>> ex = record_examples(f)
    >>> ex.of("phone.invalid")
    (('residents', 'R1'), ('residents', 'R2'), ('insurance', 'B1'))
    >>> ex.of("phone.invalid", "79")
    (('insurance', 'B1'),)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

__all__ = ["EXAMPLE_COLUMNS", "Examples", "record_examples"]

EXAMPLE_COLUMNS = ("source", "record_id", "rule", "province_code")
"""Columns of ``findings.parquet`` the examples are read from."""

_SOURCE_ORDER = {"residents": 0, "civil_events": 1, "insurance": 2}

Record = tuple[str, str]


@dataclass(frozen=True)
class Examples:
    """Example records per rule over the run, and per (province code, rule)."""

    national: Mapping[str, tuple[Record, ...]] = field(default_factory=dict)
    by_province: Mapping[tuple[str | None, str], tuple[Record, ...]] = field(default_factory=dict)

    def of(self, rule: str, province: str | None = "*") -> tuple[Record, ...]:
        """Return the examples of ``rule``, over the run or in one province (None: unplaced)."""
        if province == "*":
            return self.national.get(rule, ())
        return self.by_province.get((province, rule), ())


def record_examples(findings: pl.DataFrame, per_rule: int = 3) -> Examples:
    """Return up to ``per_rule`` distinct example records per rule and per (province, rule)."""
    missing = set(EXAMPLE_COLUMNS) - set(findings.columns)
    if missing:
        raise ValueError(f"findings: missing column(s) {', '.join(sorted(missing))}")
    records = (
        findings.lazy()
        .select(*(pl.col(c).cast(pl.String) for c in EXAMPLE_COLUMNS))
        .filter(pl.col("record_id").is_not_null())
        .unique()
        .with_columns(
            _order=pl.col("source").replace_strict(
                _SOURCE_ORDER, default=len(_SOURCE_ORDER), return_dtype=pl.Int8
            )
        )
        .sort("rule", "_order", "source", "record_id", "province_code", nulls_last=True)
    )
    national = (
        records.unique(["rule", "source", "record_id"], keep="first", maintain_order=True)
        .group_by("rule", maintain_order=True)
        .head(per_rule)
        .collect()
    )
    local = records.group_by("province_code", "rule", maintain_order=True).head(per_rule).collect()
    out: dict[str, list[Record]] = {}
    for rule, source, record in national.select("rule", "source", "record_id").iter_rows():
        out.setdefault(rule, []).append((source, record))
    by: dict[tuple[str | None, str], list[Record]] = {}
    for code, rule, source, record in local.select(
        "province_code", "rule", "source", "record_id"
    ).iter_rows():
        by.setdefault((code, rule), []).append((source, record))
    return Examples({k: tuple(v) for k, v in out.items()}, {k: tuple(v) for k, v in by.items()})
