"""The records frame: every source stacked, with the match keys blocking and comparison use.

One row per record of every standardised source, in a stable order (residents, civil_events,
insurance, then any other source in the order given; each in input order), numbered by ``rid``
(UInt32, 0..n-1). The columns are those of ``CONTRACT.md``; a column a source does not have is
null, so plain data with only a subset of the columns still yields the full frame.

Keys (all null when the name is null):

- ``name_folded``: lower-case ASCII fold (``name_key_folded``);
- ``name_tone_key``: lower-case of the canonical name (NFC, canonical tone placement, as
  ``name_key_toneless_style`` gives for a standardised name);
- ``name_phonetic``: regional-confusion key (``name_key_phonetic``);
- ``name_sorted``: folded tokens sorted, insensitive to name order;
- ``surname_key``: phonetic key of the first token (Hoàng≡Huỳnh, Vũ≡Võ); null for one token;
- ``given_key``: folded last token;
- ``father_folded`` / ``mother_folded``: folded parents' names.

Example:
    >>> import datetime as dt
    >>> res = pl.DataFrame({"record_id": ["R1"], "full_name": ["Huỳnh Thị Thủy"],
    ...     "birth_date": [dt.date(1990, 5, 1)]})
    >>> ins = pl.DataFrame({"record_id": ["B1"], "full_name": ["Hoàng Thị Thuỷ"]})
    >>> rec = records_frame({"insurance": ins, "residents": res}).collect()
    >>> rec.select("rid", "source", "surname_key", "given_key", "birth_year").rows()
    [(0, 'residents', 'hoan', 'thuy', 1990), (1, 'insurance', 'hoan', 'thuy', None)]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import polars as pl

from pipelines.vn.names import (
    name_key_folded,
    name_key_phonetic,
    name_tokens_sorted_key,
    surname,
)

__all__ = ["BASE_COLUMNS", "RECORD_COLUMNS", "SOURCE_ORDER", "records_frame"]

SOURCE_ORDER: Final[tuple[str, ...]] = ("residents", "civil_events", "insurance")
"""Stacking order of the known sources; other sources follow in the order given."""

BASE_COLUMNS: Final[dict[str, type[pl.DataType] | pl.DataType]] = {
    "record_id": pl.String,
    "personal_id": pl.String,
    "legacy_id": pl.String,
    "insurance_code": pl.String,
    "full_name": pl.String,
    "gender": pl.String,
    "birth_date": pl.Date,
    "birth_date_precision": pl.String,
    "phone": pl.String,
    "province_code": pl.String,
    "ward_code": pl.String,
    "father_name": pl.String,
    "mother_name": pl.String,
    "household_id": pl.String,
}
"""Columns taken from the standardised sources (missing → null), with their types."""

RECORD_COLUMNS: Final[tuple[str, ...]] = (
    "rid",
    "source",
    "record_id",
    "personal_id",
    "legacy_id",
    "insurance_code",
    "full_name",
    "name_folded",
    "name_tone_key",
    "name_phonetic",
    "name_sorted",
    "surname_key",
    "given_key",
    "gender",
    "birth_date",
    "birth_date_precision",
    "birth_year",
    "phone",
    "province_code",
    "ward_code",
    "father_name",
    "mother_name",
    "father_folded",
    "mother_folded",
    "household_id",
)
"""Columns of the records frame, in order (CONTRACT.md)."""


def _source_part(source: str, frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    lf = frame.lazy()
    present = lf.collect_schema().names()
    return lf.select(
        pl.lit(source, dtype=pl.String).alias("source"),
        *[
            (pl.col(c) if c in present else pl.lit(None)).cast(dtype).alias(c)
            for c, dtype in BASE_COLUMNS.items()
        ],
    )


def _blank_to_null(col: str) -> pl.Expr:
    e = pl.col(col).str.strip_chars()
    return pl.when(e.str.len_chars() > 0).then(e).alias(col)


def records_frame(frames: Mapping[str, pl.DataFrame | pl.LazyFrame]) -> pl.LazyFrame:
    """Stack the standardised source frames into the records frame of ``CONTRACT.md``.

    Pure: builds a lazy plan, reads nothing. ``frames`` maps a source name to its standardised
    frame; the name becomes ``source``. Blank strings in ID, phone and code columns become null.

    Example:
        >>> df = pl.DataFrame({"record_id": ["R1", "R2"],
        ...     "full_name": ["Nguyễn Văn An", "An Nguyễn Văn"], "personal_id": ["001", " "]})
        >>> rec = records_frame({"residents": df}).collect()
        >>> rec.select("rid", "name_sorted", "personal_id").rows()
        [(0, 'an nguyen van', '001'), (1, 'an nguyen van', None)]
    """
    order = [s for s in SOURCE_ORDER if s in frames] + [s for s in frames if s not in SOURCE_ORDER]
    if not order:
        raise ValueError("records_frame needs at least one source frame")
    stacked = pl.concat([_source_part(s, frames[s]) for s in order], how="vertical")
    ids = ["personal_id", "legacy_id", "insurance_code", "phone", "household_id"]
    codes = ["province_code", "ward_code", "gender", "birth_date_precision", "record_id"]
    return (
        stacked.with_row_index("rid")
        .with_columns(*[_blank_to_null(c) for c in ids + codes], _blank_to_null("full_name"))
        .with_columns(
            name_key_folded("full_name").alias("name_folded"),
            # full_name is canonical already (NFC, one tone style): its lowercase is the key
            pl.col("full_name").str.to_lowercase().alias("name_tone_key"),
            name_key_phonetic("full_name").alias("name_phonetic"),
            name_tokens_sorted_key("full_name").alias("name_sorted"),
            name_key_phonetic(surname("full_name")).alias("surname_key"),
            pl.col("birth_date").dt.year().cast(pl.Int32).alias("birth_year"),
            name_key_folded("father_name").alias("father_folded"),
            name_key_folded("mother_name").alias("mother_folded"),
        )
        .with_columns(pl.col("name_folded").str.split(" ").list.last().alias("given_key"))
        .with_columns(pl.col("rid").cast(pl.UInt32))
        .select(RECORD_COLUMNS)
    )
