"""Validate stage: run the Pandera rule schema of a source and turn failures into findings.

Every failing (row, rule) becomes one row of ``findings.parquet`` with the rule's id,
dimension, the column, the raw value and a plain-words message. Rules marked ``nulls`` remove
the failing value from the clean record (the finding keeps it). Failures of the typed contract
itself (a wrong type, a duplicate record id) are defects in dancu and stop the run.

Example:
    >>> import datetime as dt
    >>> from pipelines.standardise import standardised
    >>> lf = pl.LazyFrame({"source": ["residents"], "record_id": ["R1"],
    ...     "personal_id": ["0012"], "full_name": ["An"], "source_row": [1]})
    >>> std = standardised(lf, "residents", dt.date(2026, 11, 22)).collect()
    >>> clean, findings = validated(std, "residents", dt.date(2025, 11, 22))
    >>> findings["rule"].to_list(), clean["personal_id"].to_list()
    (['personal_id.format'], [None])
"""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from pipelines.contracts import (
    FINDINGS_SCHEMA,
    TALLY_SCHEMA,
    empty_findings,
    empty_tally,
    finding_rows,
)
from pipelines.errors import ContractError
from pipelines.privacy import schema_errors_summary
from pipelines.rules import RULES
from schemas.standardised import STALE_BEFORE, RuleCheck, checks_for, rule_schema, typed_schema

__all__ = ["FINDINGS_SCHEMA", "empty_findings", "finding_rows", "validated", "validated_with_tally"]

_HELPER_SUFFIXES = ("__raw", "__state", "__legacy", "__maybe_landline")
_RULES_TABLE = pl.DataFrame(
    {
        "rule": list(RULES),
        "dimension": [r.dimension for r in RULES.values()],
        "template": [r.message.en for r in RULES.values()],
    }
)


def _failures(df: pl.DataFrame, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return Pandera's failure cases of ``df`` and the tally of records each rule checked.

    The failure cases cover the typed contract and every rule check.
    """
    cases = []
    try:
        typed_schema(source, df.columns).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases.append(exc.failure_cases.select("column", "check", "index"))
    checks = checks_for(source, df.columns)
    outcomes = df.select(c.passes.alias(c.name) for c in checks)
    try:
        rule_schema(checks, name=source).validate(outcomes, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases.append(exc.failure_cases.select("column", "check", "index"))
    empty = pl.DataFrame(schema={"column": pl.String, "check": pl.String, "index": pl.Int32})
    failures = pl.concat([empty, *(c.cast(empty.schema) for c in cases)])
    return failures, _tally(df, outcomes, checks, source)


def _tally(
    df: pl.DataFrame, outcomes: pl.DataFrame, checks: list[RuleCheck], source: str
) -> pl.DataFrame:
    """Return per province and rule the records checked (an outcome not null on any column)."""
    by_rule: dict[str, list[str]] = {}
    for c in checks:
        by_rule.setdefault(c.rule, []).append(c.name)
    if not by_rule:
        return empty_tally()
    province = df["province_code"] if "province_code" in df.columns else None
    applied = outcomes.select(
        pl.any_horizontal(pl.col(n).is_not_null() for n in names).alias(rule)
        for rule, names in by_rule.items()
    )
    if province is not None:
        applied = applied.with_columns(province.cast(pl.String).alias("province_code"))
    else:
        applied = applied.with_columns(pl.lit(None, dtype=pl.String).alias("province_code"))
    return (
        applied.group_by("province_code")
        .agg(pl.col(rule).sum() for rule in by_rule)
        .unpivot(index="province_code", variable_name="rule", value_name="checked")
        .select(pl.lit(source).alias("source"), "province_code", "rule", "checked")
        .filter(pl.col("checked") > 0)
        .sort("rule", "province_code", nulls_last=True)
        .cast(TALLY_SCHEMA)
    )


def _contract_errors(fc: pl.DataFrame, source: str) -> None:
    """Raise ContractError for failures that are not data rules (dancu defects)."""
    bad = fc.filter(pl.col("index").is_null() | ~pl.col("check").str.contains("@", literal=True))
    if bad.height:
        checks = ", ".join(sorted({f"{c} ({k})" for c, k in bad.select("column", "check").rows()}))
        raise ContractError(f"standardised {source} breaks its typed contract: {checks}")


def _findings(df: pl.DataFrame, fc: pl.DataFrame) -> pl.DataFrame:
    """Return one finding per (row, rule) failure, with the raw value and message."""
    hits = (
        fc.select(
            pl.col("index").cast(pl.UInt32).alias("__row"),
            pl.col("check").str.split_exact("@", 1).struct.rename_fields(["rule", "column"]),
        )
        .unnest("check")
        .unique(maintain_order=True)
    )
    if hits.is_empty():
        return empty_findings()
    rows = df.with_row_index("__row")
    parts = []
    for column, group in hits.partition_by("column", as_dict=True, maintain_order=True).items():
        name = str(column[0])
        value_col = f"{name}__raw" if f"{name}__raw" in df.columns else name
        parts.append(
            group.join(rows, on="__row", how="left").select(
                "__row",
                "source",
                "record_id",
                pl.lit(None, dtype=pl.String).alias("person_id"),
                "rule",
                "column",
                pl.col(value_col).cast(pl.String).alias("value"),
                (pl.col("province_code") if "province_code" in df.columns else pl.lit(None))
                .cast(pl.String)
                .alias("province_code"),
            )
        )
    found = pl.concat(parts).join(_RULES_TABLE, on="rule", how="left")
    return (
        found.sort("__row", "rule", "column", maintain_order=True)
        .with_columns(
            pl.col("template")
            .str.replace_all("{column}", pl.col("column"), literal=True)
            .alias("message")
        )
        .select(FINDINGS_SCHEMA.names())
        .cast(FINDINGS_SCHEMA)
    )


def _nulled(df: pl.DataFrame, fc: pl.DataFrame) -> pl.DataFrame:
    """Return ``df`` with the values of failing cells removed where the rule says so."""
    nulling = [r.id for r in RULES.values() if r.nulls]
    hits = fc.filter(pl.col("check").str.split("@").list.first().is_in(nulling)).select(
        pl.col("index").cast(pl.UInt32), pl.col("check").str.split("@").list.last().alias("column")
    )
    if hits.is_empty():
        return df
    row = pl.int_range(pl.len(), dtype=pl.UInt32)
    return df.with_columns(
        pl.when(row.is_in(group["index"].implode()))
        .then(None)
        .otherwise(pl.col(str(column[0])))
        .alias(str(column[0]))
        for column, group in hits.partition_by("column", as_dict=True).items()
    )


def validated(
    df: pl.DataFrame, source: str, stale_before: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``(clean, findings)`` for a standardised frame of ``source``.

    ``clean`` has the canonical columns (helper columns dropped), failing values removed
    where the rule says so, and is checked against the source's typed model.
    """
    clean, findings, _ = validated_with_tally(df, source, stale_before)
    return clean, findings


def validated_with_tally(
    df: pl.DataFrame, source: str, stale_before: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return ``(clean, findings, tally)``: :func:`validated` plus the rule tally.

    The tally counts, per province, the records each rule was checked on
    (:data:`pipelines.contracts.TALLY_SCHEMA`).
    """
    frame = df.with_columns(pl.lit(stale_before, dtype=pl.Date).alias(STALE_BEFORE))
    fc, tally = _failures(frame, source)
    _contract_errors(fc, source)
    findings = _findings(frame, fc)
    helpers = [c for c in frame.columns if c.startswith("__") or c.endswith(_HELPER_SUFFIXES)]
    clean = _nulled(frame, fc).drop(helpers)
    try:
        typed_schema(source, clean.columns).validate(clean, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ContractError(
            f"clean {source} breaks its typed contract:\n{schema_errors_summary(exc)}"
        ) from None
    return clean, findings, tally
