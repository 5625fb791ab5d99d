"""Dates as register clerks write them, built from integer components.

Building from components lets impossible dates (``31/02/1990``) be written too. Days are
counted from 1970-01-01.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

__all__ = ["EPOCH", "FORMATS", "components", "date_text", "day_number", "day_numbers"]

EPOCH = dt.date(1970, 1, 1)
_EXCEL_OFFSET = (EPOCH - dt.date(1899, 12, 30)).days
FORMATS = ("dd/mm/yyyy", "yyyy-mm-dd", "yyyymmdd", "d/m/yyyy", "ngày d tháng m năm yyyy", "excel")


def day_number(date: dt.date) -> int:
    """Return the day number of ``date`` (days since 1970-01-01).

    Example:
        >>> day_number(dt.date(1970, 1, 2))
        1
    """
    return (date - EPOCH).days


def components(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (year, month, day) int64 arrays for day numbers.

    Example:
        >>> import numpy as np
        >>> [int(a[0]) for a in components(np.array([0]))]
        [1970, 1, 1]
    """
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def day_numbers(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Return the day numbers of valid (year, month, day) arrays: the inverse of ``components``.

    Example:
        >>> import numpy as np
        >>> day_numbers(np.array([1970, 2000]), np.array([1, 3]), np.array([2, 5])).tolist()
        [1, 11021]
    """
    months = (np.asarray(year, dtype=np.int64) - 1970) * 12 + np.asarray(month) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + np.asarray(day, dtype=np.int64) - 1


def date_text(
    year: pl.Expr, month: pl.Expr, day: pl.Expr, fmt: pl.Expr, precision: pl.Expr, days: pl.Expr
) -> pl.Expr:
    """Return a date written in format ``fmt`` (index into ``FORMATS``), or partially.

    ``precision`` ``year`` gives ``1942``, ``month`` gives ``03/1951``. Excel serials are
    computed from ``days`` (day number); where it is null (impossible date) ``dd/mm/yyyy``
    is written instead.

    Example:
        >>> import polars as pl
        >>> e = date_text(pl.lit(1987), pl.lit(3), pl.lit(5), pl.lit(4), pl.lit("day"), pl.lit(0))
        >>> pl.select(e).item()
        'ngày 5 tháng 3 năm 1987'
    """
    y = year.cast(pl.String)
    m, d = month.cast(pl.String), day.cast(pl.String)
    mm, dd = m.str.zfill(2), d.str.zfill(2)
    serial = (days.cast(pl.Int64) + _EXCEL_OFFSET).cast(pl.String)
    return (
        pl.when(precision == "year")
        .then(y)
        .when(precision == "month")
        .then(pl.concat_str(mm, y, separator="/"))
        .when(fmt == 1)
        .then(pl.concat_str(y, mm, dd, separator="-"))
        .when(fmt == 2)
        .then(pl.concat_str(y, mm, dd))
        .when(fmt == 3)
        .then(pl.concat_str(d, m, y, separator="/"))
        .when(fmt == 4)
        .then(pl.format("ngày {} tháng {} năm {}", d, m, y))
        .when((fmt == 5) & serial.is_not_null())
        .then(serial)
        .otherwise(pl.concat_str(dd, mm, y, separator="/"))
    )
