"""Golden records: one row per person, each field taken from the best record that has it.

Survivorship, field by field, among the person's records that have a value:
1. **source priority**: residents (the population register) over civil events (hộ tịch) over
   insurance (BHXH) — the register is the legal reference, BHXH copies it;
2. **validity**: values that failed a rule were already removed by validation, so only valid
   values compete; a day-precision birth date beats a month- or year-only one;
3. **recency**: the most recently updated record (``updated_at``) wins within a source;
4. **stability**: ties go to the smallest ``(source, record_id)``, so the result never depends
   on row order.

``is_deceased`` is true when any record says so: a resident with status ``deceased``, a death
date, or a civil ``death`` event; ``death_date`` is the civil death event's date first, else the
register's. ``n_records`` counts the person's records in all sources.

Example:
    >>> import datetime as dt
    >>> recs = pl.DataFrame({
    ...     "person_id": ["P1", "P1"], "source": ["insurance", "residents"],
    ...     "record_id": ["B1", "R1"], "full_name": ["Nguyen Van An", "Nguyễn Văn An"],
    ...     "updated_at": [dt.date(2026, 1, 1), dt.date(2020, 1, 1)]})
    >>> golden_records(recs).select("person_id", "full_name", "n_records").row(0)
    ('P1', 'Nguyễn Văn An', 2)
"""

from __future__ import annotations

import polars as pl

__all__ = ["GOLDEN_COLUMNS", "GOLDEN_INPUTS", "SOURCE_PRIORITY", "golden_records"]

SOURCE_PRIORITY = {"residents": 0, "civil_events": 1, "insurance": 2}
"""Lower wins: the population register is the reference."""

GOLDEN_COLUMNS = [
    "person_id",
    "personal_id",
    "full_name",
    "gender",
    "birth_date",
    "birth_date_precision",
    "province_code",
    "ward_code",
    "phone",
    "is_deceased",
    "death_date",
    "n_records",
]
"""Columns of ``persons.parquet`` (DESIGN §5)."""

_FIELDS = ["personal_id", "full_name", "gender", "province_code", "ward_code", "phone"]
GOLDEN_INPUTS: tuple[str, ...] = (
    "source",
    "record_id",
    *_FIELDS,
    "birth_date",
    "birth_date_precision",
    "updated_at",
    "status",
    "death_date",
    "event_type",
    "event_date",
)
"""Columns of the standardised records :func:`golden_records` reads (besides ``person_id``)."""
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def _ensure(frame: pl.DataFrame, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    missing = {c: t for c, t in columns.items() if c not in frame.columns}
    return frame.with_columns(pl.lit(None, dtype=t).alias(c) for c, t in missing.items())


def golden_records(records: pl.DataFrame) -> pl.DataFrame:
    """Return one golden row per ``person_id`` from the person's standardised records.

    ``records`` needs ``person_id``, ``source``, ``record_id``; the other inputs
    (``personal_id``, ``full_name``, ``gender``, ``birth_date``, ``birth_date_precision``,
    ``province_code``, ``ward_code``, ``phone``, ``updated_at``, ``status``, ``death_date``,
    ``event_type``, ``event_date``) are used when present.
    """
    frame = _ensure(
        records,
        {
            **dict.fromkeys(_FIELDS, pl.String()),
            "birth_date": pl.Date(),
            "birth_date_precision": pl.String(),
            "updated_at": pl.Date(),
            "status": pl.String(),
            "death_date": pl.Date(),
            "event_type": pl.String(),
            "event_date": pl.Date(),
        },
    )
    ranked = frame.with_columns(
        pl.col("source").replace_strict(SOURCE_PRIORITY, default=9).alias("__priority"),
        pl.col("birth_date_precision")
        .replace_strict(_PRECISION_RANK, default=9)
        .alias("__precision"),
        # a civil subject's birth date is the birth event's date when it is a birth record
        pl.when(pl.col("source") == "civil_events")
        .then(None)
        .otherwise(pl.col("death_date"))
        .alias("__register_death"),
        pl.when(pl.col("event_type") == "death").then(pl.col("event_date")).alias("__civil_death"),
    ).sort(
        ["person_id", "__priority", "updated_at", "source", "record_id"],
        descending=[False, False, True, False, False],
        nulls_last=True,
    )

    def best(column: str) -> pl.Expr:
        return pl.col(column).drop_nulls().first()

    birth = (
        ranked.sort(
            ["person_id", "__precision", "__priority", "updated_at", "source", "record_id"],
            descending=[False, False, False, True, False, False],
            nulls_last=True,
        )
        .group_by("person_id", maintain_order=True)
        .agg(
            pl.col("birth_date").drop_nulls().first(),
            pl.col("birth_date_precision").filter(pl.col("birth_date").is_not_null()).first(),
        )
    )
    main = ranked.group_by("person_id", maintain_order=True).agg(
        *(best(c) for c in _FIELDS),
        (
            (pl.col("status") == "deceased").any()
            | pl.col("__register_death").is_not_null().any()
            | pl.col("__civil_death").is_not_null().any()
        ).alias("is_deceased"),
        pl.coalesce(best("__civil_death"), best("__register_death")).alias("death_date"),
        pl.len().cast(pl.UInt32).alias("n_records"),
    )
    return (
        main.join(birth, on="person_id", how="left", maintain_order="left")
        .select(GOLDEN_COLUMNS)
        .sort("person_id")
    )
