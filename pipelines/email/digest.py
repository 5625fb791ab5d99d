"""The figures of one weekly message, read from a scorecard and the runs before it.

A *digest* holds numbers only (scores, changes, counts, rule ids, province names): the text
and HTML parts are drawn from it, so both always show the same figures. A national digest
covers every register and the five worst provinces; a province digest holds that province's
figures and nothing of any other province.

Example:
    >>> card = {"run_id": "r2", "as_of": "2026-11-22", "overall": {"rows": 10,
    ...     "dung": 90.0, "du": 100.0, "sach": 100.0, "song": 80.0, "score": 92.5},
    ...     "sources": {}, "provinces": []}
    >>> before = dict(card, run_id="r1", as_of="2026-11-15",
    ...     overall=dict(card["overall"], score=93.6))
    >>> d = national_digest(card, [before], Path("/tmp/reports/scorecard.html"))
    >>> d.week, d.comparison, d.changes["score"]
    ((2026, 47), 'week', -1.1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.email.week import comparison_run, iso_week, run_date, weekly_runs
from pipelines.report.texts import DIMENSIONS, top_rules

__all__ = [
    "WORDS",
    "Digest",
    "Line",
    "RuleLine",
    "TrendPoint",
    "national_digest",
    "province_digest",
    "province_entry",
]

WORDS = (*DIMENSIONS, "score")
"""The four words and the overall score, in display order."""

Scores = Mapping[str, float | None]


@dataclass(frozen=True)
class Line:
    """One row of a table: a register (``key`` = source id) or a province (``key`` = code)."""

    key: str
    name: str
    rows: int | None
    scores: Scores
    changes: Scores


@dataclass(frozen=True)
class RuleLine:
    """A rule with failures: records checked and failed, and its score."""

    rule: str
    dimension: str
    checked: int
    failed: int
    score: float | None


@dataclass(frozen=True)
class TrendPoint:
    """The scores of the run that stands for one ISO week."""

    as_of: dt.date
    week: tuple[int, int]
    scores: Scores


@dataclass(frozen=True)
class Digest:
    """Everything one message shows; ``province`` is ``(code, name)`` for a province message."""

    run_id: str
    as_of: dt.date
    week: tuple[int, int]
    province: tuple[str, str] | None
    rows: int | None
    scores: Scores
    changes: Scores
    comparison: str
    """``week``, ``latest`` or ``none`` (see :func:`pipelines.email.week.comparison_run`)."""
    compared_as_of: dt.date | None
    sources: tuple[Line, ...]
    worst_provinces: tuple[Line, ...]
    rules: tuple[RuleLine, ...]
    trend: tuple[TrendPoint, ...]
    report: Path
    report_exists: bool


def _number(value: Any) -> float | None:
    """Return ``value`` as a float, or None when it is missing or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _scores(group: Mapping[str, Any] | None) -> dict[str, float | None]:
    """Return the five scores of a scorecard group (None where missing or null)."""
    group = group or {}
    return {w: _number(group.get(w)) for w in WORDS}


def _changes(now: Scores, before: Mapping[str, Any] | None) -> dict[str, float | None]:
    """Return ``now - before`` per score, rounded to 2 decimals; None where either is missing.

    Example:
        >>> _changes({"score": 95.9, "dung": None}, {"score": 97.0, "dung": 99.0})["score"]
        -1.1
    """
    if before is None:
        return dict.fromkeys(WORDS)
    then = _scores(before)
    out: dict[str, float | None] = {}
    for w in WORDS:
        a, b = now.get(w), then.get(w)
        out[w] = None if a is None or b is None else round(a - b, 2)
    return out


def _rows(group: Mapping[str, Any] | None) -> int | None:
    value = (group or {}).get("rows")
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def province_entry(card: Mapping[str, Any] | None, code: str) -> Mapping[str, Any] | None:
    """Return the ``provinces`` item of ``card`` with ``province_code`` = ``code``, if any.

    Example:
        >>> province_entry({"provinces": [{"province_code": "01", "rows": 3}]}, "01")["rows"]
        3
    """
    for item in (card or {}).get("provinces") or []:
        if str(item.get("province_code")) == code:
            return dict(item)
    return None


def _worst_provinces(
    card: Mapping[str, Any], before: Mapping[str, Any] | None, n: int
) -> tuple[Line, ...]:
    scored = [
        p
        for p in card.get("provinces") or []
        if p.get("province_code") and _rows(p) and _number(p.get("score")) is not None
    ]
    scored.sort(key=lambda p: (float(p["score"]), str(p["province_code"])))
    lines = []
    for p in scored[:n]:
        code = str(p["province_code"])
        now = _scores(p)
        lines.append(
            Line(
                code,
                str(p.get("province_name") or code),
                _rows(p),
                now,
                _changes(now, province_entry(before, code) if before else None),
            )
        )
    return tuple(lines)


def _source_lines(card: Mapping[str, Any], before: Mapping[str, Any] | None) -> tuple[Line, ...]:
    then = (before or {}).get("sources") or {}
    lines = []
    for source, body in (card.get("sources") or {}).items():
        now = _scores(body)
        earlier = then.get(source) if before is not None else None
        lines.append(Line(source, source, _rows(body), now, _changes(now, earlier)))
    return tuple(lines)


def _rule_lines(rules: Sequence[Mapping[str, Any]], n: int) -> tuple[RuleLine, ...]:
    failing = [r for r in rules if int(r.get("failed", 0) or 0) > 0]
    failing.sort(key=lambda r: (-int(r.get("failed", 0) or 0), str(r.get("rule"))))
    return tuple(
        RuleLine(
            str(r["rule"]),
            str(r.get("dimension", "")),
            int(r.get("checked", 0) or 0),
            int(r.get("failed", 0) or 0),
            _number(r.get("score")),
        )
        for r in failing[:n]
    )


def _trend(
    card: Mapping[str, Any], history: Sequence[Mapping[str, Any]], code: str | None, weeks: int
) -> tuple[TrendPoint, ...]:
    points = []
    for run in weekly_runs(card, history, weeks):
        group = run.get("overall") if code is None else province_entry(run, code)
        day = run_date(run)
        points.append(TrendPoint(day, iso_week(day), _scores(group)))
    return tuple(points)


def national_digest(
    card: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    report: Path,
    n_provinces: int = 5,
    n_rules: int = 5,
    weeks: int = 8,
) -> Digest:
    """Return the figures of the national message: all registers, the worst provinces.

    Example:
        >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"score": 95.0},
        ...     "sources": {"residents": {"rows": 5, "score": 95.0, "rules": []}}}
        >>> d = national_digest(card, [], Path("r.html"))
        >>> d.comparison, d.sources[0].key, d.changes["score"] is None
        ('none', 'residents', True)
    """
    comparison = comparison_run(card, history)
    before = comparison.card
    now = _scores(card.get("overall"))
    return Digest(
        run_id=str(card.get("run_id", "")),
        as_of=run_date(card),
        week=iso_week(run_date(card)),
        province=None,
        rows=_rows(card.get("overall")),
        scores=now,
        changes=_changes(now, before.get("overall") if before else None),
        comparison=comparison.kind,
        compared_as_of=run_date(before) if before else None,
        sources=_source_lines(card, before),
        worst_provinces=_worst_provinces(card, before, n_provinces),
        rules=tuple(
            RuleLine(t["rule"], t["dimension"], t["checked"], t["failed"], t["score"])
            for t in top_rules(card, n_rules)
        ),
        trend=_trend(card, history, None, weeks),
        report=report,
        report_exists=report.is_file(),
    )


def province_digest(
    card: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    code: str,
    name: str,
    report: Path,
    n_rules: int = 5,
    weeks: int = 8,
) -> Digest:
    """Return the figures of one province's message: that province's scores, rules and trend.

    ``name`` is used when the run has no record of the province.

    Example:
        >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"score": 95.0},
        ...     "provinces": [{"province_code": "01", "province_name": "Thành phố Hà Nội",
        ...                    "rows": 4, "score": 90.0, "rules": []}]}
        >>> d = province_digest(card, [], "01", "Hà Nội", Path("r.html"))
        >>> d.province, d.scores["score"], d.sources
        (('01', 'Thành phố Hà Nội'), 90.0, ())
    """
    comparison = comparison_run(card, history)
    before = comparison.card
    entry = province_entry(card, code)
    now = _scores(entry)
    earlier = province_entry(before, code) if before else None
    changes = _changes(now, earlier) if earlier is not None else dict.fromkeys(WORDS)
    return Digest(
        run_id=str(card.get("run_id", "")),
        as_of=run_date(card),
        week=iso_week(run_date(card)),
        province=(code, str((entry or {}).get("province_name") or name)),
        rows=_rows(entry) if entry is not None else 0,
        scores=now,
        changes=changes,
        comparison=comparison.kind,
        compared_as_of=run_date(before) if before else None,
        sources=(),
        worst_provinces=(),
        rules=_rule_lines((entry or {}).get("rules") or [], n_rules),
        trend=_trend(card, history, code, weeks),
        report=report,
        report_exists=report.is_file(),
    )
