"""Birth-date modifications on ISO text ``YYYY-MM-DD``, and how a date is finally written.

A digit typo may give an impossible date (``1950-41-16``, ``1984-05-32``, ``4944-09-28``,
``0942-05-03``): the text keeps it, as a register without date validation would. A
placeholder is what a system without partial dates stores: ``YYYY-01-01`` for an unknown day
and month, ``YYYY-MM-01`` for an unknown day (DOMAIN §8.1).

Example:
    >>> import polars as pl
    >>> day_month_swap(pl.Series(["1987-03-05"])).to_list()
    ['1987-05-03']
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.generate.febrl.digits import digit_transpose, digit_typo

__all__ = [
    "DATE_DIGITS",
    "date_digit_transpose",
    "date_digit_typo",
    "date_text",
    "day_month_swap",
    "placeholder_date",
]

DATE_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9)
"""Positions of the digits in ``YYYY-MM-DD``."""
_PAIRS = (0, 1, 2, 5, 8)  # adjacent digit pairs inside the year, the month and the day


def date_digit_typo(dates: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Return ISO ``dates`` with exactly one digit mistyped (the dashes stay).

    Example:
        >>> import numpy as np, polars as pl
        >>> out = date_digit_typo(pl.Series(["1950-01-16"]), np.random.default_rng(3))[0]
        >>> sum(a != b for a, b in zip(out, "1950-01-16")), out[4] + out[7]
        (1, '--')
    """
    return digit_typo(dates, rng, DATE_DIGITS)


def date_digit_transpose(dates: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Return ISO ``dates`` with two adjacent digits of the year, month or day swapped.

    Example:
        >>> import numpy as np, polars as pl
        >>> date_digit_transpose(pl.Series(["1111-11-12"]), np.random.default_rng(0)).to_list()
        ['1111-11-21']
    """
    return digit_transpose(dates, rng, _PAIRS)


def day_month_swap(dates: pl.Series) -> pl.Series:
    """Return ISO ``dates`` with day and month swapped (``YYYY-DD-MM``; may be impossible).

    Example:
        >>> day_month_swap(pl.Series(["1987-03-25"])).to_list()
        ['1987-25-03']
    """
    d = pl.col(dates.name)
    return (
        dates.to_frame()
        .select(pl.concat_str(d.str.slice(0, 5), d.str.slice(8, 2), pl.lit("-"), d.str.slice(5, 2)))
        .to_series()
    )


def placeholder_date(dates: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Return ISO ``dates`` as placeholders: ``YYYY-01-01`` or ``YYYY-MM-01`` (half each).

    When the drawn form equals the date, the other form is used; a date already
    ``YYYY-01-01`` stays as it is.

    Example:
        >>> import numpy as np, polars as pl
        >>> placeholder_date(pl.Series(["1949-04-01"]), np.random.default_rng(0)).to_list()
        ['1949-01-01']
    """
    frame = pl.DataFrame({"d": dates, "u": rng.random(dates.len()) < 0.5})
    d = pl.col("d")
    year_only = pl.concat_str(d.str.slice(0, 4), pl.lit("-01-01"))
    month_only = pl.concat_str(d.str.slice(0, 8), pl.lit("01"))
    first = pl.when(pl.col("u")).then(year_only).otherwise(month_only)
    second = pl.when(pl.col("u")).then(month_only).otherwise(year_only)
    return frame.select(
        pl.when(first != d).then(first).otherwise(second).alias(dates.name)
    ).to_series()


def date_text(iso: pl.Expr, day_first: pl.Expr) -> pl.Expr:
    """Return ISO date text as written: ``yyyy-mm-dd``, or ``dd/mm/yyyy`` where ``day_first``.

    Digits are moved, never parsed, so an impossible date is written as it is.

    Example:
        >>> import polars as pl
        >>> pl.select(date_text(pl.lit("1950-41-16"), pl.lit(True))).item()
        '16/41/1950'
    """
    dmy = pl.concat_str(
        iso.str.slice(8, 2), iso.str.slice(5, 2), iso.str.slice(0, 4), separator="/"
    )
    return pl.when(day_first).then(dmy).otherwise(iso)
