"""Standardise one source: raw text in, typed canonical candidates out (raw text kept).

The stage repairs what can be repaired without doubt (Unicode, spacing, case, tone placement,
separators in numbers, legacy mobile prefixes, old address units → current codes) and parses
what has a type (dates, gender, codes). It does not judge: every column it changes keeps its
raw text in ``<column>__raw`` and, for dates and phones, a few helper columns, so that the
validation models (``schemas/standardised.py``) can decide which values break which rule.

Example:
    >>> import datetime as dt
    >>> lf = pl.LazyFrame({"record_id": ["R1"], "full_name": ["NGUYỄN  văn an"],
    ...                    "birth_date": ["05/03/1987"], "source": ["residents"]})
    >>> out = standardised(lf, "residents", dt.date(2026, 11, 22)).collect()
    >>> out.select("full_name", "birth_date", "birth_date_precision").row(0)
    ('Nguyễn Văn An', datetime.date(1987, 3, 5), 'day')
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.standardise.codes import (
    EVENT_TYPE,
    INSURANCE_STATUS,
    RESIDENT_STATUS,
    canonical_code,
)
from pipelines.standardise.fields import DATE_DIGITS, DATE_PRECISION, FIELDS, raw_name
from pipelines.vn.addresses import standardised_addresses
from pipelines.vn.dates import parsed_date
from pipelines.vn.gender import NumericConvention, canonical_gender
from pipelines.vn.ids import id_digits
from pipelines.vn.phones import phone_info
from pipelines.vn.text import clean_name, clean_text, on_distinct

__all__ = ["AS_OF", "standardised"]

AS_OF = "__as_of"
"""Helper column holding the run's as-of date, for checks that compare dates with it."""

_STATUS = {"residents": RESIDENT_STATUS, "insurance": INSURANCE_STATUS}


def _first_pass(
    column: str, kind: str, source: str, pivot: int, gender: NumericConvention
) -> pl.Expr:
    """Return the expression that standardises ``column`` of ``kind`` (first pass)."""
    col = pl.col(column)
    if kind == "id":
        return col.str.strip_chars().alias(column)
    if kind == "name":
        return clean_name(column)
    if kind in ("text", "province", "ward", "district"):
        return clean_text(column)
    if kind in ("personal_id", "legacy_id", "insurance_code"):
        return id_digits(column)
    if kind == "gender":
        return on_distinct(column, pre=lambda e: canonical_gender(e, numeric_convention=gender))
    if kind == "date":
        return parsed_date(column, two_digit_pivot=pivot).alias(f"{column}__parsed")
    if kind == "phone":
        return phone_info(column).alias(f"{column}__phone")
    if kind == "status":
        table = _STATUS[source]
        return on_distinct(column, pre=lambda e: canonical_code(e, table))
    if kind == "event_type":
        return on_distinct(column, pre=lambda e: canonical_code(e, EVENT_TYPE))
    raise ValueError(f"no standardiser for {column} ({kind})")


def _second_pass(column: str, kind: str) -> list[pl.Expr]:
    """Return expressions that unpack the first pass's structs into typed columns."""
    if kind == "date":
        parsed = pl.col(f"{column}__parsed").struct
        out = [
            parsed.field("value").alias(column),
            pl.when(parsed.field("impossible"))
            .then(pl.lit("impossible"))
            .when(parsed.field("unparseable"))
            .then(pl.lit("unparseable"))
            .otherwise(None)
            .alias(f"{column}__state"),
        ]
        if column in DATE_PRECISION:
            out.append(
                pl.when(parsed.field("value").is_not_null())
                .then(parsed.field("precision"))
                .alias(DATE_PRECISION[column])
            )
        if column in DATE_DIGITS:
            out.append(parsed.field("digits").alias(DATE_DIGITS[column]))
        return out
    if kind == "phone":
        info = pl.col(f"{column}__phone").struct
        return [
            info.field("canonical").alias(column),
            info.field("legacy").alias(f"{column}__legacy"),
            info.field("maybe_landline").alias(f"{column}__maybe_landline"),
        ]
    return []


def _moved_ids(columns: set[str]) -> list[pl.Expr]:
    """Return expressions moving numbers that sit in the wrong ID column.

    A 9-digit value in ``personal_id`` is an old CMND: it moves to ``legacy_id`` (if that is
    empty). A 12-digit value in ``insurance_code`` is a personal ID (BHXH policy since
    2025-08): it fills an empty ``personal_id``.
    """
    pid = pl.col("personal_id")
    exprs: list[pl.Expr] = []
    if "insurance_code" in columns:
        code = pl.col("insurance_code")
        is_id = code.str.len_chars() == 12
        exprs.append(pl.when(is_id).then(None).otherwise(code).alias("insurance_code"))
        pid = pl.coalesce(pid, pl.when(is_id).then(code))
    cmnd = pid.str.len_chars() == 9
    exprs.append(pl.when(cmnd).then(None).otherwise(pid).alias("personal_id"))
    if "legacy_id" in columns:
        exprs.append(pl.coalesce(pl.col("legacy_id"), pl.when(cmnd).then(pid)).alias("legacy_id"))
    return exprs


def standardised(
    lf: pl.LazyFrame,
    source: str,
    as_of: dt.date,
    gender_numeric: NumericConvention = "bhxh",
) -> pl.LazyFrame:
    """Return ``lf`` (canonical text columns of ``source``) with canonical candidate values.

    Adds ``<column>__raw`` for every standardised column, ``<date>__state``
    (``impossible`` / ``unparseable`` / null), ``birth_date_precision``, ``phone__legacy``,
    ``phone__maybe_landline``, the address codes (``province_code``, ``ward_code``,
    ``address_unit_status`` and the legacy codes) and ``__as_of``. Columns the stage does not
    know are carried through untouched.
    """
    fields = FIELDS[source]
    schema = lf.collect_schema()
    present = {
        c: k for c, k in fields.items() if c in schema and c not in ("record_id", "event_id")
    }
    pivot = as_of.year % 100
    lf = lf.with_columns(pl.col(c).alias(raw_name(c)) for c in present)
    lf = lf.with_columns(
        _first_pass(c, k, source, pivot, gender_numeric) for c, k in present.items()
    )
    second = [e for c, k in present.items() for e in _second_pass(c, k)]
    if second:
        lf = lf.with_columns(second)
    helpers = [f"{c}__parsed" for c, k in present.items() if k == "date"]
    helpers += [f"{c}__phone" for c, k in present.items() if k == "phone"]
    lf = lf.drop(helpers)
    if "personal_id" in present:
        lf = lf.with_columns(_moved_ids(set(present)))
    if "province" in present:
        added = [c for c in ("ward", "district") if c not in schema]
        lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in added)
        lf = standardised_addresses(lf).drop(added)
    return lf.with_columns(pl.lit(as_of, dtype=pl.Date).alias(AS_OF))
