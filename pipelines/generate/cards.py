"""Issue dates of residents' chip ID cards: valid cards, and expired ones as a logged defect.

The renewal law is in :mod:`pipelines.vn.cards` (renew at 25, 40, 60, from mid-2024 also 14;
a card issued in the 2 years before a renewal age lasts to the next one; from 58 for life).
This module draws dates with margins instead of reusing that code, so the generator is an
independent check of the rule:

* a **valid** card is issued at an age from which it lasts past the as-of date with at least
  :data:`MARGIN_DAYS` to spare, at least :data:`MARGIN_DAYS` after the start of its age band;
* an **expired** card (defect ``card_expired``) is issued at least a year inside its age band
  (15–22 → 25, 24–37 → 40, 39–57 → 60) and expired at least 1.5 years before the as-of date,
  so a birth date known only to the year still gives an expired card.

Days are counted from 1970-01-01 (:mod:`pipelines.generate.dates`).

Example:
    >>> import numpy as np
    >>> from pipelines.generate.dates import day_number
    >>> born = np.array([day_number(dt.date(1990, 5, 1))]); now = day_number(dt.date(2026, 11, 22))
    >>> bool(valid_issue_days(np.array([0.5]), born, np.array([now]), np.array([now]))[0] > 0)
    True
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import polars as pl

from pipelines.generate.dates import day_number
from pipelines.generate.defects import DefectLog
from pipelines.generate.records import format_date

__all__ = [
    "CHILD_CARD_SHARE",
    "MARGIN_DAYS",
    "expired_issue_days",
    "valid_issue_days",
    "with_card_dates",
]

MARGIN_DAYS: Final = 30
"""Distance of every drawn date from the rule's boundaries (birthdays, law dates)."""

CHILD_CARD_SHARE: Final = 0.1
"""Share of children under 14 with a personal ID whose parents asked for a card (2023 law)."""

_YEAR: Final = 365.2425
_CCCD_START: Final = day_number(dt.date(2016, 1, 1))
_LAW_2023: Final = day_number(dt.date(2024, 7, 1))
_EXPIRED_BEFORE: Final = int(1.5 * _YEAR)
_BANDS: Final = ((25, 14), (40, 23), (60, 38))
"""(renewal age, lowest age at issue of the cards valid to it), both laws alike from 14 up."""


def _years(age: float | np.ndarray) -> np.ndarray:
    return np.ceil(np.asarray(age) * _YEAR).astype(np.int64)


def _draw(u: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Return a day in ``[lo, hi]`` at position ``u`` (0–1), or -1 where the range is empty."""
    span = np.maximum(hi - lo + 1, 1)
    day = lo + np.minimum(np.floor(u * span).astype(np.int64), span - 1)
    return np.where(lo <= hi, day, -1)


def valid_issue_days(
    u: np.ndarray, birth: np.ndarray, ref: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Return issue days of cards still valid on ``ref`` (-1 where none can be).

    ``u`` places the date in the allowed range, ``ref`` is the day the card must be valid on
    (the as-of date; a death date for the visibly deceased), ``end`` the last possible issue
    day (the as-of or death date). From 14 the card is issued no earlier than the start of
    the age band that lasts past ``ref``; under 14 it is a 2023-law card (from July 2024).

    Example:
        >>> import numpy as np
        >>> born = day_number(dt.date(2000, 6, 1)); now = day_number(dt.date(2026, 11, 22))
        >>> day = valid_issue_days(np.array([0.0]), np.array([born]), np.array([now]),
        ...                        np.array([now]))[0]
        >>> str(np.datetime64(int(day), "D"))  # aged 26: issued from 23 (+30 days), valid to 40
        '2023-07-02'
    """
    age = (ref + MARGIN_DAYS - birth) / _YEAR
    low_age = np.select([age < 14, age < 25, age < 40, age < 60], [0, 14, 23, 38], 58)
    lo = np.where(
        age < 14,
        np.maximum(_LAW_2023 + MARGIN_DAYS, birth),
        np.maximum(_CCCD_START + MARGIN_DAYS, birth + _years(low_age) + MARGIN_DAYS),
    )
    return _draw(u, lo, end)


def expired_issue_days(u: np.ndarray, birth: np.ndarray, as_of: int, end: np.ndarray) -> np.ndarray:
    """Return issue days of cards expired well before ``as_of`` (-1 where none can be).

    The card belongs to the latest age band whose renewal age was reached at least 1.5 years
    before ``as_of`` and that leaves a year inside the band after 2016 and before ``end``.

    Example:
        >>> import numpy as np
        >>> born = day_number(dt.date(1995, 1, 10)); now = day_number(dt.date(2026, 11, 22))
        >>> day = expired_issue_days(np.array([0.0]), np.array([born]), now, np.array([now]))
        >>> str(np.datetime64(int(day[0]), "D"))  # 2016 at 21: expired at 25, in 2020
        '2016-01-31'
    """
    out = np.full(len(birth), -1, dtype=np.int64)
    for renew_at, low_age in _BANDS:
        lo = np.maximum(_CCCD_START + MARGIN_DAYS, birth + _years(low_age + 1))
        hi = np.minimum(birth + _years(renew_at - 3), end)
        passed = birth + _years(renew_at) <= as_of - _EXPIRED_BEFORE
        day = _draw(u, lo, hi)
        out = np.where(passed & (day >= 0), day, out)
    return out


def with_card_dates(
    df: pl.DataFrame,
    rng: np.random.Generator,
    log: DefectLog,
    source: str,
    *,
    person: np.ndarray,
    birth: np.ndarray,
    birth_usable: np.ndarray,
    death: np.ndarray,
    shown_dead: np.ndarray,
    as_of: int,
    rate: float,
    mixed_share: float,
) -> pl.DataFrame:
    """Return ``df`` with ``id_issued_on``: the card issue date of records with a personal ID.

    ``person`` maps each record to its person (records of one person share the valid date),
    ``birth`` is the birth day the record shows (after a day/month swap), ``birth_usable``
    False where the record's birth date was made impossible or future, ``death`` the death
    day (-1 alive), ``shown_dead`` where the register shows the death. A share ``rate`` of the
    records gets an expired card instead, logged ``card_expired``; only records the rule
    judges can get one (shown alive, a 12-digit ID, a usable birth date).

    Example:
        >>> import numpy as np
        >>> df = pl.DataFrame({"record_id": ["R1"], "personal_id": ["001095012345"]})
        >>> born = np.array([day_number(dt.date(1995, 1, 10))])
        >>> out = with_card_dates(df, np.random.default_rng(0), DefectLog(), "residents",
        ...     person=np.array([0]), birth=born, birth_usable=np.array([True]),
        ...     death=np.array([-1]), shown_dead=np.array([False]),
        ...     as_of=day_number(dt.date(2026, 11, 22)), rate=1.0, mixed_share=0.0)
        >>> out["id_issued_on"].str.slice(-4).cast(int).item() <= 2017  # at 21-22: expired
        True
    """
    n = df.height
    n_people = int(person.max()) + 1 if n else 0
    place = rng.random(n_people)[person]
    child_card = (rng.random(n_people) < CHILD_CARD_SHARE)[person]
    dead = death >= 0
    end = np.where(dead, np.minimum(death, as_of), as_of)
    ref = np.where(shown_dead, death, as_of)
    valid = valid_issue_days(place, birth, ref, end)
    young = ref + MARGIN_DAYS - birth < 14 * _YEAR
    valid = np.where(young & ~child_card, -1, valid)

    pid = df["personal_id"]
    has_id = pid.is_not_null().to_numpy()
    judged_id = (pid.str.replace_all(" ", "").str.len_chars() == 12).fill_null(False).to_numpy()
    expired = expired_issue_days(rng.random(n), birth, as_of, end)
    candidate = ~shown_dead & judged_id & birth_usable & (expired >= 0)
    share = max(float(candidate.mean()), 1e-9) if n else 1.0
    chosen = candidate & (rng.random(n) < min(rate / share, 1.0))
    days = np.where(chosen, expired, valid)
    present = has_id & (days >= 0)
    df = format_date(
        df, rng, log, source, "id_issued_on", np.maximum(days, 0), mixed_share, present=present
    )
    log.add(
        source, df.filter(pl.lit(pl.Series(chosen)))["record_id"], "id_issued_on", "card_expired"
    )
    return df
