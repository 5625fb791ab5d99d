"""The sentences of a message that are not in the report: subject, heading, comparison.

Example:
    >>> import datetime as dt
    >>> from pipelines.email.digest import national_model
    >>> card = {"run_id": "r", "as_of": "2026-11-22", "overall": {"score": 95.91},
    ...     "sources": {}, "provinces": []}
    >>> before = dict(card, run_id="r0", as_of="2026-11-15", overall={"score": 97.01})
    >>> subject(national_model(card, [before], "vi"))
    '[dancu] Chất lượng dữ liệu tuần 47/2026: 95,9 (▼1,1)'
"""

from __future__ import annotations

import datetime as dt

from pipelines.report.model import Report
from pipelines.report.texts import fmt_change, fmt_date, fmt_score, label

__all__ = ["chart_alt", "comparison_sentence", "heading", "run_line", "subject", "week_text"]


def week_text(week: tuple[int, int]) -> str:
    """Return an ISO week as ``47/2026``.

    Example:
        >>> week_text((2026, 7))
        '7/2026'
    """
    return f"{week[1]}/{week[0]}"


def subject(m: Report) -> str:
    """Return the subject: ISO week, overall score (never rounded up to 100) and its change."""
    score = fmt_score(m.scope.scores["score"].value, m.lang, 1)
    delta = (
        label("subject_first", m.lang)
        if m.comparison == "none"
        else fmt_change(m.scope.scores["score"].change, m.lang)
    )
    if m.province is None:
        return label("subject", m.lang).format(week=week_text(m.week), score=score, delta=delta)
    return label("subject_province", m.lang).format(
        week=week_text(m.week), province=m.province[1], score=score, delta=delta
    )


def heading(m: Report) -> str:
    """Return the first line of the message body."""
    if m.province is None:
        return label("heading", m.lang).format(week=week_text(m.week))
    return label("heading_province", m.lang).format(province=m.province[1], week=week_text(m.week))


def run_line(m: Report) -> str:
    """Return the line naming the run and its as-of date."""
    return label("run_line", m.lang).format(as_of=fmt_date(m.as_of, m.lang), run_id=m.run_id)


def comparison_sentence(m: Report) -> str:
    """Return what the changes compare with, in plain words (or that there is nothing yet)."""
    if m.comparison == "none" or m.compared_as_of is None:
        return label("cmp_none", m.lang)
    day = dt.date.fromisoformat(m.compared_as_of[:10])
    year, week, _ = day.isocalendar()
    key = "cmp_week" if m.comparison == "week" else "cmp_latest"
    text = label(key, m.lang).format(
        week=week_text((year, week)), as_of=fmt_date(m.compared_as_of, m.lang)
    )
    changes = [s.change for s in m.scope.scores.values()]
    if m.province is not None and m.scope.rows and all(c is None for c in changes):
        text += " " + label("cmp_province_missing", m.lang)
    return text


def chart_alt(m: Report) -> str:
    """Return the text of the chart image for readers who do not load images."""
    values = ", ".join(
        f"{week} {fmt_score(v, m.lang, 1)}"
        for week, v in zip(m.trend.labels, m.trend.values["score"], strict=True)
    )
    return label("chart_alt", m.lang).format(values=values)
