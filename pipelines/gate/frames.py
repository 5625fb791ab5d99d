"""The clean outputs as the pandas frames GX validates, with only the columns a suite reads.

GX 1.x validates pandas, not Polars, and is slow on wide frames, so each suite gets two frames:

- the **values frame**: the columns its expectations read, plus *derived* columns that turn a
  cross-file rule into a column GX can check (below);
- the **shape frame**: every column of the file, empty, with the file's row count, for the
  table-level expectations (column set, row count).

Derived columns hold the offending value where a reference is broken and are null otherwise,
so ``expect_column_values_to_be_null`` on them lists the broken ids:

===================== ==================================================================
``orphan_person_id``   ``person_id`` not found in ``persons.parquet``
``unlinked_record_id`` ``record_id`` of a register's record with no row in ``links.parquet``
``dangling_record_id`` (links) ``record_id`` not found in its ``source``'s output
``unlinked_person_id`` (persons) ``person_id`` no row of ``links.parquet`` carries
``unknown_province_code`` ``province_code`` that is not a current (post-2025) province
``unknown_ward_code``  ``ward_code`` that is not a current (post-2025) ward
===================== ==================================================================

Example:
    >>> import datetime as dt
    >>> df = pl.DataFrame({"d": [dt.date(2026, 1, 2), None], "s": ["a", None]})
    >>> pdf = pandas_frame(df)
    >>> pdf["d"].tolist(), str(pdf["s"].dtype) in {"object", "str"}
    ([datetime.date(2026, 1, 2), None], True)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from pipelines.gate.suites import Suite, is_table_level

__all__ = ["DERIVED", "References", "output_path", "pandas_frame", "suite_frames"]

SOURCES = ("residents", "civil_events", "insurance")
_SEP = "\x1f"


def output_path(out: Path, name: str) -> Path:
    """Return the path of the clean output ``name`` (``persons``, ``links``…) in ``out``."""
    return out / f"{name}.parquet"


def _keys(source: pl.Expr, record_id: pl.Expr) -> pl.Expr:
    return pl.concat_str([source, record_id], separator=_SEP)


class References:
    """The key sets of a run's outputs that cross-file checks compare against, read once."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def _column(self, name: str, column: str) -> pl.Series:
        path = output_path(self.out, name)
        if not path.exists():
            return pl.Series(column, [], dtype=pl.String)
        return pl.read_parquet(path, columns=[column])[column].drop_nulls().unique()

    @cached_property
    def person_ids(self) -> pl.Series:
        """Return every ``person_id`` of ``persons.parquet``."""
        return self._column("persons", "person_id")

    @cached_property
    def linked_person_ids(self) -> pl.Series:
        """Return every ``person_id`` in ``links.parquet``."""
        return self._column("links", "person_id")

    @cached_property
    def linked_keys(self) -> pl.Series:
        """Return ``source␟record_id`` of every row of ``links.parquet``."""
        links = pl.read_parquet(output_path(self.out, "links"), columns=["source", "record_id"])
        return links.select(_keys(pl.col("source"), pl.col("record_id")).alias("key"))["key"]

    @cached_property
    def record_keys(self) -> pl.Series:
        """Return ``source␟record_id`` of every record of the registers' outputs."""
        ids = [self._column(s, "record_id").to_frame() for s in SOURCES]
        keys = [
            f.select(_keys(pl.lit(s), pl.col("record_id")).alias("key"))
            for s, f in zip(SOURCES, ids, strict=True)
        ]
        return pl.concat(keys)["key"]

    @cached_property
    def province_codes(self) -> pl.Series:
        """Return the current (post-July-2025) province codes."""
        from pipelines.vn.admin_units import current_provinces

        return current_provinces()["province_code"]

    @cached_property
    def ward_codes(self) -> pl.Series:
        """Return the current (post-July-2025) ward codes."""
        from pipelines.vn.admin_units import current_wards

        return current_wards()["ward_code"]


def _unless(value: pl.Expr, ok: pl.Expr) -> pl.Expr:
    return pl.when(ok).then(None).otherwise(value)


def _orphan_person_id(_: str, refs: References) -> pl.Expr:
    return _unless(pl.col("person_id"), pl.col("person_id").is_in(refs.person_ids.implode()))


def _unlinked_record_id(name: str, refs: References) -> pl.Expr:
    key = _keys(pl.lit(name), pl.col("record_id"))
    return _unless(pl.col("record_id"), key.is_in(refs.linked_keys.implode()))


def _dangling_record_id(_: str, refs: References) -> pl.Expr:
    key = _keys(pl.col("source"), pl.col("record_id"))
    return _unless(pl.col("record_id"), key.is_in(refs.record_keys.implode()))


def _unlinked_person_id(_: str, refs: References) -> pl.Expr:
    return _unless(pl.col("person_id"), pl.col("person_id").is_in(refs.linked_person_ids.implode()))


def _unknown_province_code(_: str, refs: References) -> pl.Expr:
    known = pl.col("province_code").is_in(refs.province_codes.implode())
    return _unless(pl.col("province_code"), known)


def _unknown_ward_code(_: str, refs: References) -> pl.Expr:
    return _unless(pl.col("ward_code"), pl.col("ward_code").is_in(refs.ward_codes.implode()))


Deriver = Callable[[str, References], pl.Expr]

DERIVED: dict[str, tuple[tuple[str, ...], Deriver]] = {
    "orphan_person_id": (("person_id",), _orphan_person_id),
    "unlinked_record_id": (("record_id",), _unlinked_record_id),
    "dangling_record_id": (("source", "record_id"), _dangling_record_id),
    "unlinked_person_id": (("person_id",), _unlinked_person_id),
    "unknown_province_code": (("province_code",), _unknown_province_code),
    "unknown_ward_code": (("ward_code",), _unknown_ward_code),
}
"""Derived column → (the file columns it needs, the function returning its expression)."""


def pandas_frame(df: pl.DataFrame) -> Any:
    """Return ``df`` as a pandas DataFrame without pyarrow; dates become ``datetime.date``.

    Date columns are Python dates (object dtype) so that GX compares them with the ``date``
    bounds of a suite (``"2026-11-22"``, ``$PARAMETER as_of``); numbers keep their dtype.
    """
    import pandas as pd

    data: dict[str, Any] = {}
    for name, series in df.to_dict().items():
        if series.dtype in (pl.Date, pl.Datetime):
            data[name] = np.array(series.to_list(), dtype=object)
        else:
            data[name] = series.to_numpy()
    return pd.DataFrame(data, index=pd.RangeIndex(df.height))


def suite_frames(out: Path, suite: Suite, refs: References) -> tuple[Any, Any]:
    """Return the values frame and the shape frame of ``suite``'s output (module docstring).

    Columns a suite reads that the file lacks are left out: GX then reports those checks as
    failed ("column … does not exist") instead of the gate crashing.
    """
    import pandas as pd

    path = output_path(out, suite.name)
    schema = pl.read_parquet_schema(path)
    wanted = suite.columns()
    base = [c for c in wanted if c in schema]
    for column in wanted:
        if column in DERIVED and column not in schema:
            base += [c for c in DERIVED[column][0] if c in schema]
    df = pl.read_parquet(path, columns=list(dict.fromkeys(base)))
    derived = [
        DERIVED[c][1](suite.name, refs).alias(c)
        for c in wanted
        if c in DERIVED and c not in schema and all(b in schema for b in DERIVED[c][0])
    ]
    if derived:
        df = df.with_columns(derived)
    values = pandas_frame(df.select([c for c in wanted if c in df.columns]))
    shape = None
    if any(is_table_level(e.type) for e in suite.expectations):
        shape = pd.DataFrame(index=pd.RangeIndex(df.height), columns=list(schema))
    return values, shape
