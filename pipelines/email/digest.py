"""The model of one weekly message: the report model, compared with the run a week earlier.

A message is drawn from the same :class:`~pipelines.report.model.Report` as the HTML report,
for the ``shared`` audience (counts and scores only: no record id, no file link). The national
message covers every register, the worst provinces and the three things to do first; a
province message holds that province's figures and nothing of any other province. Changes
compare with the run of about a week earlier (:func:`pipelines.email.week.comparison_run`) and
the trend shows one run per ISO week.

Example:
    >>> card = {"run_id": "r2", "as_of": "2026-11-22", "overall": {"rows": 10,
    ...     "dung": 90.0, "du": 100.0, "sach": 100.0, "song": 80.0, "score": 92.5},
    ...     "sources": {}, "provinces": []}
    >>> before = dict(card, run_id="r1", as_of="2026-11-15",
    ...     overall=dict(card["overall"], score=93.6))
    >>> m = national_model(card, [before], "vi")
    >>> m.week, m.comparison, m.scope.scores["score"].change, m.trend.labels
    ((2026, 47), 'week', -1.1, ('W46', 'W47'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipelines.config import MinScores
from pipelines.email.week import comparison_run, iso_week, run_date, weekly_runs
from pipelines.report.model import Report, build_model

__all__ = ["ACTIONS", "TREND_WEEKS", "national_model", "province_model"]

ACTIONS = 3
"""Things to do first in a message."""

TREND_WEEKS = 8
"""Weeks drawn in a message's trend."""


def _common(card: Mapping[str, Any], history: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    comparison = comparison_run(card, history)
    runs = weekly_runs(card, history, TREND_WEEKS)
    return {
        "before": comparison.card,
        "comparison": comparison.kind,
        "trend_runs": runs,
        "trend_labels": [f"W{iso_week(run_date(r))[1]:02d}" for r in runs],
        "week": iso_week(run_date(card)),
        "audience": "shared",
        "n_actions": ACTIONS,
    }


def national_model(
    card: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    lang: str,
    targets: MinScores | None = None,
) -> Report:
    """Return the model of the national message: every register, the worst provinces."""
    return build_model(card, lang=lang, targets=targets, **_common(card, history))


def province_model(
    card: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    code: str,
    name: str,
    lang: str,
    targets: MinScores | None = None,
) -> Report:
    """Return the model of one province's message: that province's scores, rules and trend.

    ``name`` is used when the run has no record of the province.

    Example:
        >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"score": 95.0},
        ...     "provinces": [{"province_code": "01", "province_name": "Thành phố Hà Nội",
        ...                    "rows": 4, "score": 90.0, "rules": []}]}
        >>> m = province_model(card, [], "01", "Hà Nội", "vi")
        >>> m.province, m.scope.scores["score"].value, m.sources, m.provinces
        (('01', 'Thành phố Hà Nội'), 90.0, (), ())
    """
    return build_model(
        card, lang=lang, targets=targets, province=(code, name), **_common(card, history)
    )
