"""The frames passed between stages: their schemas and the builders of their rows.

Every stage that emits findings or rule tallies (validate, resolve, reconcile) and every stage
that reads them (score, reports, gate) takes the shapes from here, so no stage imports another
stage for a schema: the import graph follows the data flow (DESIGN §2), and a column added to a
contract is added once. ``findings.parquet`` and ``links.parquet`` are written with exactly
these columns (DESIGN §5).

Example:
    >>> f = pl.DataFrame({"source": ["insurance"], "record_id": ["B1"], "person_id": ["P1"],
    ...     "status": ["active"], "province_code": ["01"]})
    >>> row = finding_rows(f, "insurance.active_after_death", "status", pl.col("status"))
    >>> row.schema == FINDINGS_SCHEMA, row["message"][0]
    (True, 'status is still active although the person has died')
    >>> rule_tally(f, "insurance.active_after_death").row(0)
    ('insurance', '01', 'insurance.active_after_death', 1)
"""

from __future__ import annotations

import polars as pl

from pipelines.rules import RULES

__all__ = [
    "FINDINGS_SCHEMA",
    "LINKS_SCHEMA",
    "TALLY_SCHEMA",
    "empty_findings",
    "empty_tally",
    "finding_rows",
    "rule_tally",
]

FINDINGS_SCHEMA = pl.Schema(
    {
        "source": pl.String(),
        "record_id": pl.String(),
        "person_id": pl.String(),
        "rule": pl.String(),
        "dimension": pl.String(),
        "column": pl.String(),
        "value": pl.String(),
        "message": pl.String(),
        "province_code": pl.String(),
    }
)
"""Columns of ``findings.parquet``: one row per (kept record, problem) (DESIGN §5)."""

TALLY_SCHEMA = pl.Schema(
    {
        "source": pl.String(),
        "province_code": pl.String(),
        "rule": pl.String(),
        "checked": pl.Int64(),
    }
)
"""How many records of a source and province each rule was checked on (the score's
denominators)."""

LINKS_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "record_id": pl.String(),
    "person_id": pl.String(),
    "match_score": pl.Float64(),
    "match_reason": pl.String(),
    "person_since": pl.Date(),
}
"""Columns of ``links.parquet`` (DESIGN §5); ``person_since`` is the as-of date of the run
that first gave the record's person its id (ids are carried from run to run)."""


def empty_findings() -> pl.DataFrame:
    """Return an empty findings frame with the contract's columns."""
    return pl.DataFrame(schema=FINDINGS_SCHEMA)


def empty_tally() -> pl.DataFrame:
    """Return an empty tally frame."""
    return pl.DataFrame(schema=TALLY_SCHEMA)


def finding_rows(frame: pl.DataFrame, rule: str, column: str, value: pl.Expr) -> pl.DataFrame:
    """Return one finding of ``rule`` on ``column`` per row of ``frame``.

    ``frame`` needs ``source, record_id, person_id, province_code``; ``value`` is the value the
    finding shows. The dimension and the (English) message come from the rule registry.
    """
    r = RULES[rule]
    return frame.select(
        "source",
        "record_id",
        "person_id",
        pl.lit(rule).alias("rule"),
        pl.lit(r.dimension).alias("dimension"),
        pl.lit(column).alias("column"),
        value.cast(pl.String).alias("value"),
        pl.lit(r.message.en.replace("{column}", column)).alias("message"),
        pl.col("province_code").cast(pl.String),
    ).cast(FINDINGS_SCHEMA)


def rule_tally(frame: pl.DataFrame, rule: str, applies: pl.Expr | None = None) -> pl.DataFrame:
    """Return the number of records of ``frame`` (where ``applies``) per source and province.

    Example:
        >>> f = pl.DataFrame({"source": ["insurance"] * 3, "province_code": ["01", "01", None],
        ...     "status": ["active", "closed", "active"]})
        >>> rule_tally(f, "insurance.active_after_death").rows()
        [('insurance', '01', 'insurance.active_after_death', 2), ('insurance', None, \
'insurance.active_after_death', 1)]
    """
    lf = frame.lazy()
    if "province_code" not in frame.columns:
        lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias("province_code"))
    if applies is not None:
        lf = lf.filter(applies.fill_null(False))
    return (
        lf.group_by("source", "province_code")
        .agg(pl.len().cast(pl.Int64).alias("checked"))
        .select("source", "province_code", pl.lit(rule).alias("rule"), "checked")
        .sort("source", "province_code", nulls_last=True)
        .cast(TALLY_SCHEMA)
        .collect()
    )
