"""Expiry of a chip ID card (CCCD / thẻ căn cước) from the holder's birth date and issue date.

The law in force on the **issue date** decides (DOMAIN.md §1.5). Luật CCCD 2014, Điều 21
(cards issued 1 January 2016 – 30 June 2024): renew at 25, 40 and 60. Luật Căn cước 2023,
Điều 21 (cards issued from 1 July 2024): renew at 14, 25, 40 and 60. A card is valid until the
birthday at this age:

| age at issue | 2014 law | 2023 law |
| --- | --- | --- |
| under 12 | (not issued: not judged) | 14 |
| 12–13 | (not issued: not judged) | 25 |
| 14–22 | 25 | 25 |
| 23–37 | 40 | 40 |
| 38–57 | 60 | 60 |
| 58 and over | never | never |

The grace rule is what shifts the bands: a card issued within the 2 years before a renewal age
(from age 23, 38, 58; under the 2023 law also 12) is valid to the *next* renewal age, and one
issued from age 58 never expires. Ages are completed years on the issue date. The card is valid
through its printed expiry date (the birthday at the renewal age; 28 February for a 29 February
birth in a common year) and expired from the day after.

Worked example: born 20/03/1995, card issued 19/03/2018 (age 22, the day before the 23rd
birthday) → valid until 20/03/2020 (25th birthday), so expired as of 22/11/2026. Issued one day
later, 20/03/2018 (age 23, within 2 years of 25) → valid until 20/03/2035 (40th birthday).

Not judged (null): no birth or issue date; issued before the birth date (the rule
``date.before_birth`` reports that); issued before 2016, when no CCCD card existed yet (the date
belongs to an older document); a card issued under the 2014 law before age 14, which that law
did not allow. A card valid for life expires on :data:`NEVER`.

A birth date known only to the month or year (``birth_date_precision``) could be any day of
that month or year. The expiry is then the *latest* one any of those birthdays gives, so a card
is never called expired when it might not be: the band comes from the earliest possible birthday
(the oldest possible age at issue) and the birthday from the latest one still in that band.

Example:
    >>> import datetime as dt
    >>> df = pl.DataFrame({"born": [dt.date(1995, 3, 20)] * 2, "prec": ["day"] * 2,
    ...     "issued": [dt.date(2018, 3, 19), dt.date(2018, 3, 20)]})
    >>> df.select(card_expiry_date("born", "prec", "issued"))["issued"].to_list()
    [datetime.date(2020, 3, 20), datetime.date(2035, 3, 20)]
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl

from pipelines.vn._exprs import as_expr, named
from pipelines.vn.dates import age_years

__all__ = ["CCCD_START", "LAW_2023_START", "NEVER", "card_expiry_date"]

CCCD_START: Final = dt.date(2016, 1, 1)
"""First issue day of chip-less and chip CCCD cards; earlier issue dates are not judged."""

LAW_2023_START: Final = dt.date(2024, 7, 1)
"""Cards issued from this day follow Luật Căn cước 2023 (renewal also at 14)."""

NEVER: Final = dt.date(9999, 12, 31)
"""Expiry date of a card valid for life (issued at 58 or later)."""

_BANDS_2014: Final = (58, 38, 23, 14)
_BANDS_2023: Final = (58, 38, 23, 12, 0)
"""Lowest age at issue of each band, oldest first."""

_RENEW_AT: Final = {0: 14, 12: 25, 14: 25, 23: 40, 38: 60}
"""Lowest age at issue of a band → the renewal age its cards are valid to (58: never)."""


def _band(age: pl.Expr, lows: tuple[int, ...]) -> pl.Expr:
    """Return the lowest age at issue of the band ``age`` falls in (null below all bands)."""
    return pl.coalesce(pl.when(age >= low).then(pl.lit(low, dtype=pl.Int32)) for low in lows)


def card_expiry_date(
    birth_date: str | pl.Expr, birth_precision: str | pl.Expr, issued_on: str | pl.Expr
) -> pl.Expr:
    """Return the last valid day of a card issued on ``issued_on`` (:data:`NEVER`: for life).

    ``birth_precision`` is ``day`` / ``month`` / ``year`` (null counts as ``day``); a month-
    or year-precision birth date is the 1st of its month / 1 January, as the standardiser
    stores it. Null where the card is not judged (see the module docstring).

    Example:
        >>> import datetime as dt
        >>> df = pl.DataFrame({"born": [dt.date(1960, 1, 1), dt.date(1995, 6, 1)],
        ...     "prec": ["year", "month"], "issued": [dt.date(2018, 6, 1), dt.date(2018, 6, 15)]})
        >>> df.select(card_expiry_date("born", "prec", "issued"))["issued"].to_list()
        [datetime.date(9999, 12, 31), datetime.date(2035, 6, 15)]
    """
    born = as_expr(birth_date)
    precision = as_expr(birth_precision).fill_null("day")
    issued = as_expr(issued_on)
    latest_birth = pl.min_horizontal(
        pl.when(precision == "year")
        .then(pl.date(born.dt.year(), 12, 31))
        .when(precision == "month")
        .then(born.dt.month_end())
        .otherwise(born),
        issued,
    )
    oldest_age = age_years(born, issued)
    band = (
        pl.when(issued >= pl.lit(LAW_2023_START))
        .then(_band(oldest_age, _BANDS_2023))
        .otherwise(_band(oldest_age, _BANDS_2014))
    )
    renew_at = band.replace_strict(_RENEW_AT, default=None, return_dtype=pl.Int32)
    # the latest birthday still in the band: turns ``band`` years old on the issue date
    birthday = pl.min_horizontal(latest_birth, issued.dt.offset_by(pl.format("-{}y", band)))
    expiry = birthday.dt.offset_by(pl.format("{}y", renew_at))
    judged = (
        born.is_not_null()
        & issued.is_not_null()
        & (issued >= pl.lit(CCCD_START))
        & (issued >= born)
        & band.is_not_null()
    )
    result = (
        pl.when(judged & (band == _BANDS_2014[0]))
        .then(pl.lit(NEVER))
        .when(judged)
        .then(expiry)
        .otherwise(None)
        .cast(pl.Date)
    )
    return named(result, issued_on)
