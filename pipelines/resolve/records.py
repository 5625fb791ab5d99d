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
- ``surname_key``: phonetic key of the surname (Hoàng≡Huỳnh, Vũ≡Võ); null for one token;
- ``given_key``: folded given name;
- ``surname_tone``, ``middle_tone``, ``given_tone``: the parts in lower case with accents,
  whose frequencies weigh an exact agreement (a name written given-name first, ``Ngọc Thắm
  Lê``, is read in Vietnamese order for these keys);
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
from typing import Final, TypeVar

import polars as pl

from pipelines.resolve.names import name_part_columns
from pipelines.vn.names import ORDER_SURNAMES, name_key_folded, token_keys
from pipelines.vn.text import ascii_fold

__all__ = [
    "BASE_COLUMNS",
    "RECORD_COLUMNS",
    "SOURCE_ORDER",
    "name_keys",
    "records_frame",
    "with_birth_parts",
]

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

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
    "birth_date_digits": pl.String,
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
    "surname_tone",
    "middle_tone",
    "given_tone",
    "gender",
    "birth_date",
    "birth_date_precision",
    "birth_digits",
    "birth_year",
    "birth_month",
    "birth_day",
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


YEARS: Final[tuple[int, int]] = (1800, 2100)
"""Birth years taken as years when matching; a year outside (``0942``, ``4944``) is a typo,
compared by its digits only."""


def with_birth_parts(frame: FrameT) -> FrameT:
    """Add ``birth_digits``, ``birth_year``, ``birth_month``, ``birth_day`` (matching parts).

    Needs ``birth_date``; uses ``birth_date_digits`` (as written, also when impossible) and
    ``birth_date_precision`` when present. A year outside :data:`YEARS`, a month outside
    1–12 or a day outside 1–31 is null: only the digits tell something then.

    Example:
        >>> import datetime as dt
        >>> df = pl.DataFrame({"birth_date": [None, dt.date(1990, 3, 5)],
        ...                    "birth_date_digits": ["19504116", None]})
        >>> with_birth_parts(df).select("birth_digits", "birth_year", "birth_month").rows()
        [('19504116', 1950, None), ('19900305', 1990, 3)]
    """
    names = frame.collect_schema().names()
    if "birth_date_digits" not in names:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("birth_date_digits"))
    if "birth_date_precision" not in names:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("birth_date_precision"))
    return frame.with_columns(_birth_digits().alias("birth_digits")).with_columns(
        _digits_part(0, 4, YEARS).alias("birth_year"),
        _digits_part(4, 6, (1, 12)).cast(pl.Int8).alias("birth_month"),
        _digits_part(6, 8, (1, 31)).cast(pl.Int8).alias("birth_day"),
        # an impossible date (no value) was written as a day: its digits are day-precise
        pl.coalesce(
            "birth_date_precision",
            pl.when(pl.col("birth_digits").is_not_null()).then(pl.lit("day")),
        ).alias("birth_date_precision"),
    )


def _birth_digits() -> pl.Expr:
    """``YYYYMMDD`` of the birth date as written (also impossible), else of the parsed date."""
    d = pl.col("birth_date")
    parsed = pl.concat_str(
        d.dt.year().cast(pl.String).str.zfill(4),
        d.dt.month().cast(pl.String).str.zfill(2),
        d.dt.day().cast(pl.String).str.zfill(2),
    )
    return pl.coalesce(pl.col("birth_date_digits"), parsed)


def _digits_part(start: int, end: int, valid: tuple[int, int]) -> pl.Expr:
    """Return ``birth_digits[start:end]`` as an int within ``valid`` (inclusive), else null."""
    value = pl.col("birth_digits").str.slice(start, end - start).str.to_integer(strict=False)
    return pl.when(value.is_between(*valid)).then(value).cast(pl.Int32)


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
    stacked = (
        stacked.with_row_index("rid")
        .with_columns(*[_blank_to_null(c) for c in ids + codes], _blank_to_null("full_name"))
        .pipe(with_birth_parts)
    )
    return (
        stacked.join(
            name_keys(stacked.select("full_name")),
            on="full_name",
            how="left",
            nulls_equal=False,
            maintain_order="left",
        )
        .with_columns(
            name_key_folded("father_name").alias("father_folded"),
            name_key_folded("mother_name").alias("mother_folded"),
            pl.col("rid").cast(pl.UInt32),
        )
        .select(RECORD_COLUMNS)
    )


def name_keys(names: pl.LazyFrame) -> pl.LazyFrame:
    """Return the name keys of the records frame for each distinct ``full_name`` of ``names``.

    Computed word by word (a province's names use a few thousand distinct words): each
    distinct word is keyed once (:func:`~pipelines.vn.names.token_keys`), a name written
    given-name first is put back in Vietnamese order (:func:`~pipelines.vn.names.vietnamese_order`),
    and the keys are the words' keys joined; ``full_name`` is canonical already (NFC, one
    tone style), so its lower case is the tone key. Same keys as the whole-name functions.

    Example:
        >>> keys = name_keys(pl.LazyFrame({"full_name": ["Ngọc Thắm Lê"]})).collect()
        >>> keys.select("name_tone_key", "name_phonetic", "surname_key", "given_key").row(0)
        ('lê ngọc thắm', 'ne ngot tham', 'ne', 'tham')
    """
    named = (
        names.filter(pl.col("full_name").is_not_null())
        .unique("full_name")
        .with_row_index("_n")
        .with_columns(pl.col("full_name").str.strip_chars().str.split(" ").alias("_w"))
        .collect()  # read once: the steps below use it three times
    )
    words = (
        named.select("_n", "full_name", "_w")
        .explode("_w")
        .with_columns(pl.int_range(pl.len()).over("_n").alias("_pos"))
    )
    vocab = words.select(pl.col("_w").unique()).with_columns(token_keys(pl.col("_w")))
    words = words.join(vocab, on="_w", how="left", nulls_equal=True, maintain_order="left")
    surnames = sorted(ORDER_SURNAMES)
    known = pl.col("folded").drop_nulls()
    ends = words.group_by("_n").agg(
        pl.len().alias("_count"), known.first().alias("_first"), known.last().alias("_last")
    )
    western = (
        (pl.col("_count") >= 2)
        & ~pl.col("_first").is_in(surnames).fill_null(False)
        & pl.col("_last").is_in(surnames).fill_null(False)
    )
    words = words.join(
        ends.select("_n", "_count", western.alias("_western")), on="_n", maintain_order="left"
    )
    first_known = pl.col("folded").is_not_null() & (
        pl.col("folded").is_not_null().cum_sum().over("_n") == 1
    )
    keyed = (
        words.lazy()
        .with_columns(
            pl.when(pl.col("_western") & (pl.col("_pos") == pl.col("_count") - 1))
            .then(0)
            .when(pl.col("_western"))
            .then(pl.col("_pos") + 1)
            .otherwise(pl.col("_pos"))
            .alias("_pos")
        )
        .sort("_n", "_pos")
        .with_columns(
            pl.when(first_known).then("phonetic_first").otherwise("phonetic").alias("phonetic")
        )
        .group_by("_n", maintain_order=True)
        .agg(
            pl.col("full_name").first(),
            pl.col("tone").str.join(" ").alias("name_tone_key"),
            pl.col("folded").drop_nulls().str.join(" ").alias("name_folded"),
            pl.col("phonetic").drop_nulls().str.join(" ").alias("name_phonetic"),
            pl.col("folded").drop_nulls().sort().str.join(" ").alias("name_sorted"),
            pl.when(pl.col("phonetic").drop_nulls().len() >= 2)
            .then(pl.col("phonetic").drop_nulls().first())
            .alias("surname_key"),
        )
        .with_columns(
            pl.when(pl.col(c).str.len_bytes() > 0).then(pl.col(c)).alias(c)
            for c in ("name_tone_key", "name_folded", "name_phonetic", "name_sorted")
        )
    )
    return (
        keyed.with_columns(*name_part_columns(pl.col("name_tone_key")))
        .with_columns(ascii_fold(pl.col("given_tone")).alias("given_key"))
        .drop("_n")
    )
