"""The ingest stage: canonical columns, source row numbers, and unusable rows split off.

Pure frame logic: no file access. A row is *quarantined* when it cannot be used at all:
no record id (``record_id.missing``), a later copy of a record id (``record_id.duplicate``),
or neither a name nor a personal ID (``record.unusable``). Each reason is one quarantine row;
a row with several reasons is still one input row.

Example:
    >>> from pipelines.ingest.headers import map_headers
    >>> raw = pl.LazyFrame({"Mã hồ sơ": ["R1", "R1", None], "Họ và tên": ["An", "Bình", "Chi"]})
    >>> hm = map_headers(["Mã hồ sơ", "Họ và tên"], "residents", "residents.csv")
    >>> res = ingest(raw, hm, "residents.csv")
    >>> res.kept.select("record_id", "_row").collect().rows()
    [('R1', 1)]
    >>> res.quarantine.select("rule").collect()["rule"].to_list()
    ['record_id.duplicate', 'record_id.missing']
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.ingest.headers import CANONICAL, ROW_ID, HeaderMap
from pipelines.rules import rule_id

__all__ = [
    "QUARANTINE_SCHEMA",
    "IngestResult",
    "empty_quarantine",
    "ingest",
    "kept_columns",
]

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "record_id": pl.String(),
    "rule": pl.String(),
    "column": pl.String(),
    "value": pl.String(),
    "message": pl.String(),
    "source_row": pl.Int64(),
}
"""Columns of ``quarantine.parquet``: the DESIGN §5 contract plus ``source_row`` (1-based)."""

_MISSING = "_q_missing"
_DUPLICATE = "_q_duplicate"
_UNUSABLE = "_q_unusable"
_FIRST = "_q_first_row"


@dataclass(frozen=True)
class IngestResult:
    """Output of :func:`ingest` for one source.

    Attributes:
        kept: usable rows: canonical columns (all String), extra columns, ``source``,
            ``record_id`` (for civil_events a copy of ``event_id``) and ``_row`` (Int64,
            1-based data row number in the file).
        quarantine: one row per (rejected row, reason), columns :data:`QUARANTINE_SCHEMA`.
    """

    kept: pl.LazyFrame
    quarantine: pl.LazyFrame


def empty_quarantine() -> pl.DataFrame:
    """Return an empty quarantine frame with the contract schema.

    Example:
        >>> empty_quarantine().columns[:3]
        ['source', 'record_id', 'rule']
    """
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def kept_columns(headers: HeaderMap) -> list[str]:
    """Return the column order of the kept frame for a file with ``headers``.

    Canonical columns of the source first (absent ones added as null), then other
    recognised canonical columns, then extra columns, then ``source`` and ``_row``.

    Example:
        >>> from pipelines.ingest.headers import map_headers
        >>> kept_columns(map_headers(["ID", "Họ tên", "x"], "insurance", "i.csv"))[-4:]
        ['updated_at', 'x', 'source', '_row']
    """
    source = headers.source
    canonical = list(CANONICAL[source])
    if ROW_ID[source] != "record_id":
        canonical.insert(canonical.index(ROW_ID[source]) + 1, "record_id")
    others = [c for c in headers.rename.values() if c not in canonical]
    return [*canonical, *others, *headers.extra, "source", "_row"]


def _reason(
    flag: str, rule: str, column: str, value: pl.Expr, message: pl.Expr
) -> tuple[str, pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    return flag, pl.lit(rule), pl.lit(column), value, message, pl.col("_row")


def ingest(raw: pl.LazyFrame, headers: HeaderMap, file_name: str) -> IngestResult:
    """Map ``raw`` (all-text columns, original headers) to canonical columns and split rows.

    ``file_name`` only appears in quarantine messages. Row order is kept.

    Example:
        >>> from pipelines.ingest.headers import map_headers
        >>> hm = map_headers(["ID", "Họ tên", "CCCD"], "insurance", "insurance.csv")
        >>> raw = pl.LazyFrame({"ID": ["B1"], "Họ tên": [None], "CCCD": [None]})
        >>> ingest(raw, hm, "insurance.csv").quarantine.collect()["rule"].to_list()
        ['record.unusable']
    """
    source = headers.source
    row_id = ROW_ID[source]
    columns = kept_columns(headers)
    present = set(headers.rename.values())
    missing_canonical = [c for c in CANONICAL[source] if c not in present]

    frame = (
        raw.with_row_index("_row", offset=1)
        .with_columns(pl.col("_row").cast(pl.Int64))
        .rename(headers.rename)
        .with_columns(
            *(pl.lit(None, dtype=pl.String).alias(c) for c in missing_canonical),
            pl.lit(source, dtype=pl.String).alias("source"),
        )
    )
    if row_id != "record_id":
        frame = frame.with_columns(pl.col(row_id).alias("record_id"))

    rid = pl.col("record_id")
    flagged = frame.with_columns(
        rid.is_null().alias(_MISSING),
        (rid.is_not_null() & (pl.col("_row") != pl.col("_row").min().over("record_id"))).alias(
            _DUPLICATE
        ),
        pl.col("_row").min().over("record_id").alias(_FIRST),
        (pl.col("full_name").is_null() & pl.col("personal_id").is_null()).alias(_UNUSABLE),
    )
    bad = pl.col(_MISSING) | pl.col(_DUPLICATE) | pl.col(_UNUSABLE)
    kept = flagged.filter(~bad).select(columns)

    row_text = pl.col("_row").cast(pl.String)
    reasons = [
        _reason(
            _MISSING,
            rule_id("record_id.missing"),
            row_id,
            pl.lit(None, dtype=pl.String),
            pl.concat_str(
                pl.lit("row "), row_text,
                pl.lit(f" of {file_name} has no {row_id}; a record without an id cannot be "
                       "tracked, so it is set aside"),
            ),
        ),
        _reason(
            _DUPLICATE,
            rule_id("record_id.duplicate"),
            row_id,
            rid,
            pl.concat_str(
                pl.lit(f"{row_id} "), rid,
                pl.lit(f" appears more than once in {file_name} (rows "),
                pl.col(_FIRST).cast(pl.String), pl.lit(" and "), row_text,
                pl.lit("); the first copy is kept"),
            ),
        ),
        _reason(
            _UNUSABLE,
            rule_id("record.unusable"),
            "full_name, personal_id",
            pl.lit(None, dtype=pl.String),
            pl.concat_str(
                pl.lit("row "), row_text,
                pl.lit(f" of {file_name} has neither full_name nor personal_id; the record "
                       "cannot be matched to a person"),
            ),
        ),
    ]  # fmt: skip
    parts = [
        flagged.filter(pl.col(flag)).select(
            pl.col("source"),
            rid.alias("record_id"),
            rule.alias("rule"),
            column.alias("column"),
            value.cast(pl.String).alias("value"),
            message.alias("message"),
            row.alias("source_row"),
        )
        for flag, rule, column, value, message, row in reasons
    ]
    quarantine = pl.concat(parts, how="vertical").sort("source_row", maintain_order=True)
    return IngestResult(kept=kept, quarantine=quarantine)
