"""Finding keys, and what the stewards' finding decisions do to a run's findings.

Every finding has a stable key made from its record and rule: ``DC:R0001234|phone.invalid|
phone`` (register code and record id as in pair keys, then the rule and the column; a
fourth part ``|2``, ``|3``… only where one record holds the same rule on the same column
twice). A steward marks a worklist row ``đã sửa tại nguồn`` (stored as ``fixed``) or
``không phải lỗi`` (``not_error``); :func:`findings_with_decisions` applies the stored
decisions to this run's findings:

* ``not_error`` on a finding still showing with the value the steward saw: the finding is
  **suppressed** — it leaves the findings (and the scores) and is listed apart, counted as a
  false alarm, never silently dropped; with another value now, the decision **no longer
  applies** and the finding shows again;
* ``fixed`` on a finding still showing: the finding is **reopened** (``mở lại``); a fixed
  finding that no longer shows is confirmed.

Pure functions of frames.

Example:
    >>> f = pl.DataFrame({"source": ["residents"] * 2, "record_id": ["R1", "R2"],
    ...     "rule": ["phone.invalid"] * 2, "column": ["phone"] * 2, "value": ["12", "34"]})
    >>> f.select(finding_key()).to_series().to_list()
    ['DC:R1|phone.invalid|phone', 'DC:R2|phone.invalid|phone']
    >>> d = pl.DataFrame({"finding_key": ["DC:R1|phone.invalid|phone"], "status": ["not_error"],
    ...     "value": ["12"]})
    >>> week = findings_with_decisions(f, d)
    >>> week.open["record_id"].to_list(), week.suppressed["record_id"].to_list()
    (['R2'], ['R1'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import polars as pl

from pipelines.resolve.review import SOURCE_CODES

__all__ = [
    "DECISION_COLUMNS",
    "FINDING_DECISIONS",
    "FindingsWeek",
    "finding_key",
    "finding_key_parts",
    "findings_with_decisions",
    "with_finding_keys",
]

FINDING_DECISIONS: Final = ("fixed", "not_error")
"""Stored finding decisions: ``fixed`` (đã sửa tại nguồn), ``not_error`` (không phải lỗi)."""

DECISION_COLUMNS: Final = ("decided_by", "decided_on", "note")
"""Who decided, when, and their note, as the worklist says (any may be null)."""

_CODE_SOURCE: Final = {v: k for k, v in SOURCE_CODES.items()}


def finding_key() -> pl.Expr:
    """Return the base finding key of each row (``source, record_id, rule, column``).

    Example:
        >>> f = pl.DataFrame({"source": ["insurance"], "record_id": ["B|7"],
        ...     "rule": ["required.missing"], "column": ["gender"]})
        >>> f.select(finding_key()).item()
        'BH:B%7C7|required.missing|gender'
    """
    code = pl.col("source").replace_strict(SOURCE_CODES, default=pl.col("source"),
                                           return_dtype=pl.String)  # fmt: skip
    record = (
        pl.col("record_id")
        .cast(pl.String)
        .str.replace_all("%", "%25", literal=True)
        .str.replace_all("|", "%7C", literal=True)
    )
    return pl.concat_str(
        code, pl.lit(":"), record, pl.lit("|"), "rule", pl.lit("|"),
        pl.col("column").fill_null(""),
    ).alias("finding_key")  # fmt: skip


def finding_key_parts(key: str) -> tuple[str, str, str, str] | None:
    """Return ``(source, record_id, rule, column)`` of a finding key, or None if it is not one.

    Example:
        >>> finding_key_parts("DC:R1|phone.invalid|phone"), finding_key_parts("DC:R1|DC:R2")
        (('residents', 'R1', 'phone.invalid', 'phone'), None)
    """
    parts = key.split("|")
    if len(parts) not in (3, 4) or (len(parts) == 4 and not parts[3].isdigit()):
        return None
    code, sep, record = parts[0].partition(":")
    if not sep or code not in _CODE_SOURCE or not record or not parts[1] or ":" in parts[1]:
        return None
    return (
        _CODE_SOURCE[code],
        record.replace("%7C", "|").replace("%25", "%"),
        parts[1],
        parts[2],
    )


def with_finding_keys(findings: pl.DataFrame) -> pl.DataFrame:
    """Return ``findings`` with ``finding_key`` (unique: a repeated rule gets ``|2``, ``|3``…).

    Repeats are numbered in value order, so the keys do not depend on row order.

    Example:
        >>> f = pl.DataFrame({"source": ["residents"] * 2, "record_id": ["R1"] * 2,
        ...     "rule": ["x.y"] * 2, "column": ["ward"] * 2, "value": ["b", "a"]})
        >>> with_finding_keys(f)["finding_key"].to_list()
        ['DC:R1|x.y|ward|2', 'DC:R1|x.y|ward']
    """
    base = finding_key()
    nth = pl.col("value").rank("ordinal").over(base).cast(pl.Int64)
    return findings.with_columns(
        pl.when(nth > 1)
        .then(pl.concat_str(base, pl.lit("|"), nth.cast(pl.String)))
        .otherwise(base)
        .alias("finding_key")
    )


@dataclass(frozen=True)
class FindingsWeek:
    """A run's findings with the stewards' decisions applied.

    Attributes:
        open: the findings that stand, with ``finding_key`` and ``finding_status`` (``open``
            or ``reopened``) and, for reopened ones, who marked them fixed and when.
        suppressed: the findings a steward marked ``không phải lỗi`` (same columns;
            ``finding_status`` is ``not_error``).
        decisions: one row per stored decision: ``finding_key, decision, outcome``
            (``suppressed``, ``no_longer_applies``, ``reopened``, ``confirmed``: a fixed
            finding that no longer shows, ``resolved``: a false alarm that no longer shows).
        counts: the outcomes counted, for the manifest.
    """

    open: pl.DataFrame
    suppressed: pl.DataFrame
    decisions: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def _empty_decisions() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"finding_key": pl.String, "status": pl.String, "value": pl.String,
                **dict.fromkeys(DECISION_COLUMNS, pl.String)}
    )  # fmt: skip


def findings_with_decisions(
    findings: pl.DataFrame, decisions: pl.DataFrame | None = None
) -> FindingsWeek:
    """Apply the stored finding ``decisions`` to this run's ``findings`` (module docstring).

    ``findings``: the run's findings (``source, record_id, rule, column, value`` at least;
    ``finding_key`` is added when missing). ``decisions``: ``finding_key, status`` (``fixed``
    / ``not_error``), ``value`` (the value the steward saw) and, when known, ``decided_by,
    decided_on, note``.
    """
    keyed = findings if "finding_key" in findings.columns else with_finding_keys(findings)
    stored = _empty_decisions() if decisions is None else decisions
    for column in ("value", *DECISION_COLUMNS):
        if column not in stored.columns:
            stored = stored.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    stored = stored.select(
        "finding_key",
        pl.col("status").alias("decision"),
        pl.col("value").cast(pl.String).alias("decided_value"),
        *(pl.col(c).cast(pl.String) for c in DECISION_COLUMNS),
    ).unique("finding_key", keep="last")
    joined = keyed.join(stored, on="finding_key", how="left")
    same_value = pl.col("value").eq_missing(pl.col("decided_value"))
    is_false_alarm = (pl.col("decision") == "not_error") & same_value
    is_reopened = pl.col("decision") == "fixed"
    shown = joined.filter(~is_false_alarm.fill_null(False))
    open_ = shown.with_columns(
        pl.when(is_reopened.fill_null(False))
        .then(pl.lit("reopened"))
        .otherwise(pl.lit("open"))
        .alias("finding_status"),
        *(pl.when(is_reopened.fill_null(False)).then(pl.col(c)).alias(c) for c in DECISION_COLUMNS),
    ).drop("decision", "decided_value")
    suppressed = (
        joined.filter(is_false_alarm.fill_null(False))
        .with_columns(pl.lit("not_error").alias("finding_status"))
        .drop("decision", "decided_value")
    )
    present = keyed.select("finding_key", "value").unique("finding_key")
    outcome = (
        stored.join(present, on="finding_key", how="left")
        .with_columns(pl.col("finding_key").is_in(present["finding_key"].implode()).alias("_on"))
        .select(
            "finding_key",
            "decision",
            pl.when(~pl.col("_on") & (pl.col("decision") == "fixed"))
            .then(pl.lit("confirmed"))
            .when(~pl.col("_on"))
            .then(pl.lit("resolved"))
            .when(pl.col("decision") == "fixed")
            .then(pl.lit("reopened"))
            .when(pl.col("value").eq_missing(pl.col("decided_value")))
            .then(pl.lit("suppressed"))
            .otherwise(pl.lit("no_longer_applies"))
            .alias("outcome"),
        )
        .sort("finding_key")
    )
    counts = {k: 0 for k in ("suppressed", "no_longer_applies", "reopened", "confirmed",
                             "resolved")}  # fmt: skip
    counts.update(dict(outcome.group_by("outcome").len().iter_rows()))
    return FindingsWeek(open_, suppressed, outcome, counts)
