"""Defect injection with its ground-truth log: a value is logged only if it really changed."""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["DefectLog", "inject"]

LOG_SCHEMA = {"source": pl.String, "record_id": pl.String, "column": pl.String, "defect": pl.String}


class DefectLog:
    """Collects (source, record_id, column, defect) rows.

    Example:
        >>> import polars as pl
        >>> log = DefectLog()
        >>> log.add("residents", pl.Series(["R1"]), "phone", "phone_landline")
        >>> log.frame().height
        1
    """

    def __init__(self) -> None:
        self._frames: list[pl.DataFrame] = []
        self._removed: list[pl.DataFrame] = []

    def add(self, source: str, record_ids: pl.Series, column: str, defect: str) -> None:
        """Log one defect kind for the given records."""
        if record_ids.len():
            self._frames.append(
                pl.DataFrame({"record_id": record_ids.cast(pl.String)}).select(
                    pl.lit(source).alias("source"),
                    "record_id",
                    pl.lit(column).alias("column"),
                    pl.lit(defect).alias("defect"),
                )
            )

    def remove(self, source: str, record_ids: pl.Series, column: str, defect: str) -> None:
        """Forget a logged defect for these records (a later change overwrote it)."""
        if record_ids.len():
            before = len(self._frames)
            self.add(source, record_ids, column, defect)
            self._removed.extend(self._frames[before:])
            del self._frames[before:]

    def frame(self) -> pl.DataFrame:
        """Return all logged defects, sorted for byte-stable output."""
        if not self._frames:
            return pl.DataFrame(schema=LOG_SCHEMA)
        out = pl.concat(self._frames)
        if self._removed:
            out = out.join(pl.concat(self._removed), on=list(LOG_SCHEMA), how="anti")
        return out.unique().sort("source", "record_id", "column", "defect")


def inject(
    df: pl.DataFrame,
    log: DefectLog,
    source: str,
    column: str,
    defect: str,
    mask: np.ndarray | pl.Series | pl.Expr,
    value: pl.Expr,
    id_column: str = "record_id",
    log_as: str | None = None,
    supersedes: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Return ``df`` with ``column`` set to ``value`` where ``mask``; log rows that changed.

    The log names ``log_as`` (default ``column``) as the column. Defect kinds in
    ``supersedes`` are removed from the log of the changed rows (their value is gone).

    Example:
        >>> import polars as pl, numpy as np
        >>> log = DefectLog()
        >>> df = pl.DataFrame({"record_id": ["R1", "R2"], "name": ["An", "AN"]})
        >>> inject(df, log, "residents", "name", "name_upper", np.array([True, True]),
        ...        pl.col("name").str.to_uppercase())["name"].to_list()
        ['AN', 'AN']
        >>> log.frame()["record_id"].to_list()
        ['R1']
    """
    cond = mask if isinstance(mask, pl.Expr) else pl.lit(pl.Series(mask, dtype=pl.Boolean))
    new = pl.when(cond).then(value).otherwise(pl.col(column))
    df = df.with_columns(new.alias("_new")).with_columns(
        pl.col("_new").ne_missing(pl.col(column)).alias("_changed")
    )
    changed = df.filter(pl.col("_changed"))[id_column]
    for older in supersedes:
        log.remove(source, changed, log_as or column, older)
    log.add(source, changed, log_as or column, defect)
    return df.with_columns(pl.col("_new").alias(column)).drop("_new", "_changed")
