"""ISO weeks of runs: which earlier run a week's e-mail compares with, and one run per week.

A run's week is the ISO week of its ``as_of`` date (the date the data describes), not of the
day it ran.

Example:
    >>> card = {"run_id": "b", "as_of": "2026-11-22", "generated_at": "2026-11-23T08:00:00"}
    >>> week_tag(run_date(card))
    '2026-W47'
    >>> earlier = {"run_id": "a", "as_of": "2026-11-15", "generated_at": "2026-11-16T08:00:00"}
    >>> comparison_run(card, [earlier, card]).kind
    'week'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pipelines.errors import InputError

__all__ = [
    "Comparison",
    "comparison_run",
    "iso_week",
    "run_date",
    "week_tag",
    "weekly_runs",
]

NEAR_DAYS = (4, 10)
"""A run this many days (inclusive) before ``as_of`` counts as "about a week earlier"."""


def run_date(card: Mapping[str, Any]) -> dt.date:
    """Return the ``as_of`` date of a scorecard, or raise InputError naming the problem.

    Example:
        >>> run_date({"as_of": "2026-11-22"})
        datetime.date(2026, 11, 22)
    """
    value = card.get("as_of")
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(
            f"scorecard of run {card.get('run_id', '?')}: as_of {value!r} is not a date YYYY-MM-DD"
        ) from None


def iso_week(day: dt.date) -> tuple[int, int]:
    """Return the ISO (year, week) of ``day``; the year is the ISO year, as in ``2026-W53``.

    Example:
        >>> iso_week(dt.date(2026, 11, 22)), iso_week(dt.date(2027, 1, 1))
        ((2026, 47), (2026, 53))
    """
    year, week, _ = day.isocalendar()
    return year, week


def week_tag(day: dt.date) -> str:
    """Return the ISO week of ``day`` as ``YYYY-Www`` (used in file names).

    Example:
        >>> week_tag(dt.date(2026, 1, 2))
        '2026-W01'
    """
    year, week = iso_week(day)
    return f"{year}-W{week:02d}"


def _order(card: Mapping[str, Any]) -> tuple[dt.date, str]:
    return run_date(card), str(card.get("generated_at", ""))


def _earlier_runs(
    card: Mapping[str, Any], history: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """Return the runs of ``history`` before ``card`` (by as_of, then generated_at)."""
    here = _order(card)
    return [
        h
        for h in history
        if h.get("run_id") != card.get("run_id") and "as_of" in h and _order(h) < here
    ]


@dataclass(frozen=True)
class Comparison:
    """The earlier run a message compares with.

    ``kind``: ``week`` (a run 4–10 days earlier, the one closest to a week), ``latest`` (no
    such run: the most recent earlier one) or ``none`` (no earlier run at all).
    """

    kind: Literal["week", "latest", "none"]
    card: Mapping[str, Any] | None = None


def comparison_run(card: Mapping[str, Any], history: Sequence[Mapping[str, Any]]) -> Comparison:
    """Return the run of about a week before ``card`` among ``history``.

    Among runs whose as_of is 4 to 10 days earlier, the one closest to 7 days (a tie goes to
    the later date; several runs of one date: the last generated). Otherwise the most recent
    earlier run; otherwise none.

    Example:
        >>> card = {"run_id": "c", "as_of": "2026-11-22", "generated_at": "3"}
        >>> runs = [{"run_id": "a", "as_of": "2026-11-14", "generated_at": "1"},
        ...         {"run_id": "b", "as_of": "2026-11-21", "generated_at": "2"}]
        >>> c = comparison_run(card, runs)
        >>> c.kind, c.card["run_id"]
        ('week', 'a')
        >>> comparison_run(card, runs[1:]).kind, comparison_run(card, []).kind
        ('latest', 'none')
    """
    earlier = _earlier_runs(card, history)
    if not earlier:
        return Comparison("none")
    day = run_date(card)
    lo, hi = NEAR_DAYS
    near = [h for h in earlier if lo <= (day - run_date(h)).days <= hi]
    if near:
        best = max(
            near,
            key=lambda h: (-abs((day - run_date(h)).days - 7), *_order(h)),
        )
        return Comparison("week", best)
    return Comparison("latest", max(earlier, key=_order))


def weekly_runs(
    card: Mapping[str, Any], history: Sequence[Mapping[str, Any]], weeks: int = 8
) -> list[Mapping[str, Any]]:
    """Return one run per ISO week for the trend, oldest first, ending with ``card``.

    A week's run is its last one (by as_of, then generated_at); weeks after ``card``'s and
    weeks more than ``weeks - 1`` weeks before it are left out.

    Example:
        >>> card = {"run_id": "c", "as_of": "2026-11-22", "generated_at": "3"}
        >>> runs = [{"run_id": "a", "as_of": "2026-11-09", "generated_at": "1"},
        ...         {"run_id": "b", "as_of": "2026-11-10", "generated_at": "2"}, card]
        >>> [r["run_id"] for r in weekly_runs(card, runs)]
        ['b', 'c']
    """
    day = run_date(card)
    first = day - dt.timedelta(weeks=weeks - 1)
    current = iso_week(day)
    by_week: dict[tuple[int, int], Mapping[str, Any]] = {}
    for h in sorted(_earlier_runs(card, history), key=_order):
        when = run_date(h)
        if iso_week(when) < iso_week(first) or iso_week(when) == current:
            continue
        by_week[iso_week(when)] = h
    by_week[current] = card
    return [by_week[w] for w in sorted(by_week)]
