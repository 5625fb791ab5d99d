"""Words of the e-mail that the shared report texts lack, and the sentences both parts use.

Vietnamese by default, English with ``lang="en"``; numbers in the reader's format
(:func:`pipelines.report.texts.fmt_num`).

Example:
    >>> arrow_delta(-1.1, "vi"), arrow_delta(0.42, "en"), arrow_delta(0.0, "vi")
    ('▼1,1', '▲0.4', '±0,0')
"""

from __future__ import annotations

from pipelines.email.digest import Digest
from pipelines.report.texts import fmt_date, fmt_num, label, rule_meaning

__all__ = [
    "arrow_delta",
    "comparison_sentence",
    "email_label",
    "heading",
    "meaning",
    "run_line",
    "subject",
    "trend_heading",
    "week_text",
]

_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "subject": "[dancu] Chất lượng dữ liệu tuần {week}: {score} ({delta})",
        "subject_province": (
            "[dancu] Chất lượng dữ liệu tuần {week} – {province}: {score} ({delta})"
        ),
        "subject_first": "lần chạy đầu",
        "heading": "Chất lượng dữ liệu dân cư – tuần {week}",
        "heading_province": "Chất lượng dữ liệu dân cư – {province} – tuần {week}",
        "run_line": "Dữ liệu tính đến ngày {as_of} · lần chạy {run_id}",
        "cmp_week": "So sánh với tuần {week} (dữ liệu tính đến ngày {as_of}).",
        "cmp_latest": (
            "Không có lần chạy nào khoảng một tuần trước (4–10 ngày); so sánh với lần chạy gần "
            "nhất trước đó (dữ liệu tính đến ngày {as_of})."
        ),
        "cmp_none": (
            "Đây là lần chạy đầu tiên: chưa có lần chạy nào trước để so sánh, nên chưa có số "
            "thay đổi."
        ),
        "cmp_province_missing": (
            "Lần chạy được so sánh không có bản ghi nào của tỉnh/thành này, nên chưa có số "
            "thay đổi."
        ),
        "change": "Thay đổi",
        "trend_weeks": "Xu hướng {n} tuần gần nhất",
        "week": "Tuần",
        "worst": "{n} tỉnh/thành có điểm chung thấp nhất",
        "no_provinces": "Lần chạy này chưa có điểm theo tỉnh/thành.",
        "no_rows_province": "Lần chạy này không có bản ghi nào của {province}.",
        "records_line": "{n} bản ghi",
        "report": "Báo cáo đầy đủ",
        "report_missing": "Báo cáo HTML chưa được tạo; khi có, nó nằm ở {path}.",
        "attachment": "Bảng điểm dạng Markdown được đính kèm: scorecard.md.",
        "privacy": "Thư này chỉ có số đếm và điểm; không có dữ liệu cá nhân nào.",
        "footer": "Thư gửi tự động bởi dancu.",
        "chart_alt": "Biểu đồ điểm chung theo tuần: {values}",
        "rule_line": "{failed} / {checked} bản ghi vi phạm, điểm {score}",
    },
    "en": {
        "subject": "[dancu] Data quality week {week}: {score} ({delta})",
        "subject_province": "[dancu] Data quality week {week} – {province}: {score} ({delta})",
        "subject_first": "first run",
        "heading": "Resident data quality – week {week}",
        "heading_province": "Resident data quality – {province} – week {week}",
        "run_line": "Data as of {as_of} · run {run_id}",
        "cmp_week": "Compared with week {week} (data as of {as_of}).",
        "cmp_latest": (
            "No run about a week earlier (4–10 days); compared with the most recent earlier run "
            "(data as of {as_of})."
        ),
        "cmp_none": "This is the first run: there is no earlier run to compare with yet.",
        "cmp_province_missing": (
            "The run compared with had no records of this province, so there is no change yet."
        ),
        "change": "Change",
        "trend_weeks": "Trend over the last {n} weeks",
        "week": "Week",
        "worst": "The {n} provinces with the lowest overall score",
        "no_provinces": "This run has no scores by province.",
        "no_rows_province": "This run has no records of {province}.",
        "records_line": "{n} records",
        "report": "Full report",
        "report_missing": "The HTML report has not been written; it will be at {path}.",
        "attachment": "The Markdown scorecard is attached: scorecard.md.",
        "privacy": "This message holds counts and scores only; no personal data.",
        "footer": "Sent automatically by dancu.",
        "chart_alt": "Overall score by week: {values}",
        "rule_line": "{failed} of {checked} records fail, score {score}",
    },
}


def email_label(key: str, lang: str) -> str:
    """Return the e-mail label ``key`` in ``lang`` (``vi`` unless ``en``).

    Example:
        >>> email_label("week", "vi")
        'Tuần'
    """
    return _LABELS["en" if lang == "en" else "vi"][key]


def arrow_delta(value: float | None, lang: str) -> str:
    """Return a change as ``▲1,2`` / ``▼1,1`` / ``±0,0`` (one decimal), or ``—``."""
    if value is None:
        return "—"
    text = fmt_num(abs(value), lang)
    if text in ("0,0", "0.0"):
        return "±" + text
    return ("▲" if value > 0 else "▼") + text


def week_text(week: tuple[int, int]) -> str:
    """Return an ISO week as ``47/2026``.

    Example:
        >>> week_text((2026, 7))
        '7/2026'
    """
    return f"{week[1]}/{week[0]}"


def subject(d: Digest, lang: str) -> str:
    """Return the subject: ISO week, overall score and its change.

    Example:
        >>> import datetime as dt
        >>> from pathlib import Path
        >>> d = Digest("r", dt.date(2026, 11, 22), (2026, 47), None, 10,
        ...     {"score": 95.91}, {"score": -1.1}, "week", dt.date(2026, 11, 15),
        ...     (), (), (), (), Path("x"), False)
        >>> subject(d, "vi")
        '[dancu] Chất lượng dữ liệu tuần 47/2026: 95,9 (▼1,1)'
    """
    score = fmt_num(d.scores.get("score"), lang)
    delta = (
        email_label("subject_first", lang)
        if d.comparison == "none"
        else arrow_delta(d.changes.get("score"), lang)
    )
    if d.province is None:
        return email_label("subject", lang).format(week=week_text(d.week), score=score, delta=delta)
    return email_label("subject_province", lang).format(
        week=week_text(d.week), province=d.province[1], score=score, delta=delta
    )


def heading(d: Digest, lang: str) -> str:
    """Return the first line of the message body."""
    if d.province is None:
        return email_label("heading", lang).format(week=week_text(d.week))
    return email_label("heading_province", lang).format(
        province=d.province[1], week=week_text(d.week)
    )


def run_line(d: Digest, lang: str) -> str:
    """Return the line naming the run and its as-of date."""
    as_of = fmt_date(d.as_of.isoformat(), lang)
    return email_label("run_line", lang).format(as_of=as_of, run_id=d.run_id)


def comparison_sentence(d: Digest, lang: str) -> str:
    """Return what the changes compare with, in plain words (or that there is nothing yet)."""
    if d.comparison == "none" or d.compared_as_of is None:
        return email_label("cmp_none", lang)
    year, week, _ = d.compared_as_of.isocalendar()
    key = "cmp_week" if d.comparison == "week" else "cmp_latest"
    text = email_label(key, lang).format(
        week=week_text((year, week)), as_of=fmt_date(d.compared_as_of.isoformat(), lang)
    )
    if d.province is not None and d.rows and all(v is None for v in d.changes.values()):
        text += " " + email_label("cmp_province_missing", lang)
    return text


def trend_heading(n: int, lang: str) -> str:
    """Return the heading of the trend section (``label('trend')`` for a single week)."""
    return email_label("trend_weeks", lang).format(n=n) if n > 1 else label("trend", lang)


def meaning(rule: str, lang: str) -> str:
    """Return what a rule asks, in plain words, without Markdown code marks.

    Example:
        >>> meaning("age.implausible", "vi")
        'Người còn sống không quá 120 tuổi.'
    """
    return rule_meaning(rule, lang).replace("`", "")
