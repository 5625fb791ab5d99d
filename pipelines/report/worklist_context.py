"""What a steward needs beside a finding to act on it, joined from the clean records.

For each finding: the record's name, birth date (as precise as it is known) and personal ID;
the value dancu wrote in the clean record where it repaired the raw one; and, for a duplicate
record or a shared personal ID, the other record (the one to merge into, or one that holds
the same ID as another person). All joins, no per-row Python; the values are full (the
worklists stay on the steward's machine, DESIGN §9).

Example:
    >>> import datetime as dt
    >>> res = pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "person_id": ["P1"],
    ...     "full_name": ["Lê Văn An"], "birth_date": [dt.date(1987, 3, 5)],
    ...     "birth_date_precision": ["day"], "personal_id": ["001087012345"],
    ...     "phone": ["0388123456"]})
    >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "person_id": ["P1"],
    ...     "rule": ["phone.legacy_mobile"], "column": ["phone"], "value": ["01688123456"]})
    >>> worklist_context(f, {"residents": res}).select(
    ...     "record_name", "record_birth", "written").row(0)
    ('Lê Văn An', '05/03/1987', '0388123456')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import polars as pl

from pipelines.report.texts import source_label

__all__ = ["CONTEXT_COLUMNS", "birth_text", "worklist_context"]

CONTEXT_COLUMNS: Final = ("record_name", "record_birth", "record_personal_id", "written",
                          "other_record")  # fmt: skip
"""Columns :func:`worklist_context` adds to the findings."""

_OTHER_RULES: Final = {"duplicate": "person.duplicate_record", "shared": "personal_id.shared"}
_SOURCE_ORDER: Final = {"residents": 0, "civil_events": 1, "insurance": 2}


def birth_text(date: str = "birth_date", precision: str = "birth_date_precision") -> pl.Expr:
    """Return a birth date as written in Vietnam, only as precise as it is known.

    Example:
        >>> import datetime as dt
        >>> df = pl.DataFrame({"birth_date": [dt.date(1987, 3, 5)] * 3,
        ...     "birth_date_precision": ["day", "month", "year"]})
        >>> df.select(birth_text()).to_series().to_list()
        ['05/03/1987', '03/1987', '1987']
    """
    d = pl.col(date)
    p = pl.col(precision)
    return (
        pl.when(p == "year")
        .then(d.dt.strftime("%Y"))
        .when(p == "month")
        .then(d.dt.strftime("%m/%Y"))
        .otherwise(d.dt.strftime("%d/%m/%Y"))
    )


_DATE_FORMS: Final = ("%d/%m/%Y", "%Y-%m-%d", "%-d/%-m/%Y", "%Y%m%d")
"""A date as dancu shows it, then other ways a raw value may write the same date: a date
written in any of them was read, not repaired."""


def _text(dtype: pl.DataType, column: str, form: int = 0) -> pl.Expr:
    """Return a clean value of type ``dtype`` as text (dates in a form of _DATE_FORMS)."""
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return pl.col(column).dt.strftime(_DATE_FORMS[form])
    return pl.col(column).cast(pl.String)


def _people(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every record's identity as text: ``source, record_id, person_id, name, birth, id``."""
    schema = {"source": pl.String, "record_id": pl.String, "person_id": pl.String,
              "record_name": pl.String, "record_birth": pl.String,
              "record_personal_id": pl.String, "event_type": pl.String}  # fmt: skip
    parts = [pl.DataFrame(schema=schema)]
    for source, frame in frames.items():
        cols = frame.columns
        precision = "birth_date_precision" if "birth_date_precision" in cols else None
        birth = (
            birth_text("birth_date", precision) if "birth_date" in cols and precision
            else (pl.col("birth_date").dt.strftime("%d/%m/%Y") if "birth_date" in cols
                  else pl.lit(None, dtype=pl.String))
        )  # fmt: skip

        def col(name: str, cols: list[str] = cols) -> pl.Expr:
            return pl.col(name).cast(pl.String) if name in cols else pl.lit(None, pl.String)

        parts.append(
            frame.select(
                pl.lit(source).alias("source"),
                col("record_id").alias("record_id"),
                col("person_id").alias("person_id"),
                col("full_name").alias("record_name"),
                birth.alias("record_birth"),
                col("personal_id").alias("record_personal_id"),
                col("event_type").alias("event_type"),
            )
        )
    return pl.concat(parts, how="vertical_relaxed")


def _written(
    findings: pl.DataFrame, frames: Mapping[str, pl.DataFrame | pl.LazyFrame]
) -> pl.DataFrame:
    """``source, record_id, column, written``: the clean value of each finding's column.

    One small join per column a finding names, on just the records with a finding on it
    (never every column of every flagged record); dates also in the other forms of
    :data:`_DATE_FORMS` (``_same_1`` …), flagged by ``_same_date``.
    """
    parts: list[pl.LazyFrame] = [pl.LazyFrame(schema={"source": pl.String, "record_id": pl.String,
                                  "column": pl.String, "written": pl.String,
                                  "_same_date": pl.Boolean})]  # fmt: skip
    for source, frame in frames.items():
        mine = findings.filter(pl.col("source") == source).select("record_id", "column")
        schema = frame.lazy().collect_schema()
        columns = [
            c
            for c in mine["column"].drop_nulls().unique().sort().to_list()
            if c in schema and c not in ("person_id", "record_id", "source")
        ]
        for column in columns:
            dtype = schema[column]
            is_date = dtype == pl.Date or isinstance(dtype, pl.Datetime)
            forms = range(len(_DATE_FORMS)) if is_date else range(1)
            flagged = mine.filter(pl.col("column") == column).select("record_id").unique()
            parts.append(
                frame.lazy()
                .select("record_id", column)
                .join(flagged.lazy(), on="record_id", how="semi")
                .select(
                    pl.lit(source).alias("source"),
                    pl.col("record_id").cast(pl.String),
                    pl.lit(column).alias("column"),
                    *(
                        _text(dtype, column, form).alias(
                            "written" if form == 0 else f"_same_{form}"
                        )
                        for form in forms
                    ),
                    pl.lit(is_date).alias("_same_date"),
                )
            )
    return pl.concat(parts, how="diagonal").collect()


def _label(prefix: str, lang: str) -> pl.Expr:
    sources = {s: source_label(s, lang) for s in _SOURCE_ORDER}
    src = pl.col(f"{prefix}source")
    return pl.concat_str(
        src.replace_strict(sources, default=src, return_dtype=pl.String),
        pl.lit(" "),
        pl.col(f"{prefix}record_id"),
        pl.when(pl.col(f"{prefix}record_name").is_not_null())
        .then(pl.concat_str(pl.lit(" – "), pl.col(f"{prefix}record_name")))
        .otherwise(pl.lit("")),
        pl.when(pl.col(f"{prefix}record_birth").is_not_null())
        .then(pl.concat_str(pl.lit(", "), pl.col(f"{prefix}record_birth")))
        .otherwise(pl.lit("")),
    )


def _others(findings: pl.DataFrame, people: pl.DataFrame, lang: str) -> pl.DataFrame:
    """``source, record_id, rule, other_record`` for duplicates and shared IDs."""
    other = people.rename(lambda c: f"o_{c}")
    order = pl.col("o_source").replace_strict(_SOURCE_ORDER, default=9, return_dtype=pl.Int8)
    flagged = findings.filter(pl.col("rule") == _OTHER_RULES["duplicate"]).select(
        "source", "record_id"
    )
    dup = (
        findings.filter(pl.col("rule") == _OTHER_RULES["duplicate"])
        .select("source", "record_id", "rule")
        .join(people.select("source", "record_id", "person_id", "event_type"),
              on=["source", "record_id"])
        .join(other, left_on=["source", "person_id"], right_on=["o_source", "o_person_id"])
        .filter(pl.col("o_record_id") != pl.col("record_id"))
        .filter(pl.col("event_type").eq_missing(pl.col("o_event_type")))
        .join(flagged.rename({"record_id": "o_record_id"}),
              on=["source", "o_record_id"], how="anti")
        .with_columns(pl.col("source").alias("o_source"))
    )  # fmt: skip
    shared = (
        findings.filter(pl.col("rule") == _OTHER_RULES["shared"])
        .select("source", "record_id", "rule", "person_id")
        .join(people.select("source", "record_id", "record_personal_id"),
              on=["source", "record_id"])
        .join(other.filter(pl.col("o_record_personal_id").is_not_null()),
              left_on="record_personal_id", right_on="o_record_personal_id")
        .filter(~pl.col("o_person_id").eq_missing(pl.col("person_id")))
    )  # fmt: skip
    both = pl.concat(
        [d.select("source", "record_id", "rule", "o_source", "o_record_id", "o_record_name",
                  "o_record_birth") for d in (dup, shared)]
    )  # fmt: skip
    return (
        both.with_columns(order.alias("_o"))
        .sort("source", "record_id", "rule", "_o", "o_record_id")
        .group_by("source", "record_id", "rule", maintain_order=True)
        .agg(pl.first("o_source", "o_record_id", "o_record_name", "o_record_birth"),
             pl.len().alias("_n"))
        .select(
            "source", "record_id", "rule",
            pl.concat_str(
                _label("o_", lang),
                pl.when(pl.col("_n") > 1)
                .then(pl.format(" (+{})", pl.col("_n") - 1))
                .otherwise(pl.lit("")),
            ).alias("other_record"),
        )
    )  # fmt: skip


def worklist_context(
    findings: pl.DataFrame,
    frames: Mapping[str, pl.DataFrame],
    lang: str = "vi",
    values: Mapping[str, pl.LazyFrame] | None = None,
) -> pl.DataFrame:
    """Return ``findings`` with :data:`CONTEXT_COLUMNS` from the clean ``frames``.

    ``frames``: source → the kept, standardised records with ``person_id``. ``written`` is
    set only where the clean value differs from the finding's raw value; ``other_record``
    only for ``person.duplicate_record`` (the record of the same person in the same register
    to merge into) and ``personal_id.shared`` (a record of another person with that ID),
    with ``(+n)`` when there are more. ``values``: where to read the written values from
    (source → every clean column, e.g. scans of the spilled registers), when ``frames`` holds
    only the identity columns; only the records with a finding are read.
    """
    people = _people(frames)
    written = _written(findings, frames if values is None else values)
    raw = pl.col("value").cast(pl.String)
    raw_date = raw.str.split(" ").list.first().str.split("T").list.first()
    same_value = pl.col("written").eq_missing(raw)
    for name in ["written", *(f"_same_{i}" for i in range(1, len(_DATE_FORMS)))]:
        if name in written.columns:  # a date written another way was read, not repaired
            same_value = same_value | (
                pl.col("_same_date").fill_null(False)
                & (pl.col(name).eq_missing(raw) | pl.col(name).eq_missing(raw_date))
            )
    return (
        findings.join(
            people.select("source", "record_id", "record_name", "record_birth",
                          "record_personal_id"),
            on=["source", "record_id"], how="left",
        )
        .join(written, on=["source", "record_id", "column"], how="left")
        .with_columns(
            pl.when(pl.col("written").is_not_null() & ~same_value)
            .then(pl.col("written"))
            .alias("written")
        )
        .drop(pl.selectors.starts_with("_same_"))
        .join(_others(findings, people, lang), on=["source", "record_id", "rule"], how="left")
    )  # fmt: skip
