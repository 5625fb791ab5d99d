"""Words and numbers shared by the reports, the e-mail and the worklist, in Vietnamese or English.

Labels, the names of the four words, registers and columns, rule wording, number and date
formats, and the "what to do first" list. Vietnamese is the default; ``lang="en"`` gives
English. The card-derived tables live in :mod:`pipelines.report.summary` (``top_rules`` and
``runs_for_trend`` are re-exported here).

Example:
    >>> fmt_num(1234567.0, "vi", 1), fmt_num(95.94, "en", 1), fmt_delta(-0.84, "vi")
    ('1.234.567,0', '95.9', '−0,8')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pipelines.report.summary import province_most_failing, runs_for_trend, top_rules
from pipelines.rules import DIMENSIONS, RULES

__all__ = [
    "DIMENSIONS",
    "change_arrow",
    "column_label",
    "dimension_label",
    "fmt_date",
    "fmt_delta",
    "fmt_int",
    "fmt_num",
    "fmt_score",
    "fmt_timestamp",
    "label",
    "rule_meaning",
    "rule_message",
    "runs_for_trend",
    "source_label",
    "top_rules",
    "what_to_do",
]


_DIM = {
    "vi": {"dung": "đúng", "du": "đủ", "sach": "sạch", "song": "sống", "score": "điểm chung"},
    "en": {
        "dung": "correct (đúng)",
        "du": "complete (đủ)",
        "sach": "clean (sạch)",
        "song": "current (sống)",
        "score": "overall",
    },
}

_SOURCES = {
    "vi": {"residents": "Dân cư", "civil_events": "Hộ tịch", "insurance": "Bảo hiểm xã hội"},
    "en": {"residents": "Residents", "civil_events": "Civil events", "insurance": "Insurance"},
}

_COLUMNS_VI = {
    "personal_id": "số định danh cá nhân",
    "legacy_id": "số CMND cũ",
    "insurance_code": "mã số BHXH",
    "full_name": "họ tên",
    "gender": "giới tính",
    "birth_date": "ngày sinh",
    "death_date": "ngày mất",
    "event_date": "ngày sự kiện",
    "event_type": "loại sự kiện",
    "id_issued_on": "ngày cấp thẻ căn cước",
    "registered_on": "ngày đăng ký",
    "phone": "số điện thoại",
    "address": "địa chỉ",
    "province": "tỉnh/thành",
    "ward": "phường/xã",
    "district": "quận/huyện",
    "status": "trạng thái",
    "updated_at": "ngày cập nhật",
    "record_id": "mã hồ sơ",
    "event_id": "mã sự kiện",
    "ethnicity": "dân tộc",
    "father_name": "họ tên cha",
    "mother_name": "họ tên mẹ",
    "household_id": "số hộ",
    "spouse_personal_id": "số định danh vợ/chồng",
    "spouse_name": "họ tên vợ/chồng",
    "employer_code": "mã đơn vị",
    "benefit": "chế độ hưởng",
    "last_paid_on": "ngày chi trả gần nhất",
    "person_id": "mã người",
}

_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Chất lượng dữ liệu dân cư: đúng, đủ, sạch, sống",
        "run": "Lần chạy",
        "as_of": "Dữ liệu tính đến ngày",
        "generated": "Tạo lúc",
        "scores": "Bốn điểm",
        "change": "Thay đổi so với lần trước",
        "first_run": "lần chạy đầu tiên",
        "since": "so với",
        "compared_with": "Thay đổi so với lần chạy có dữ liệu đến ngày {date}.",
        "no_previous": "Chưa có lần chạy trước để so sánh.",
        "failed_records": "{n} bản ghi vi phạm",
        "records_failing": "Bản ghi vi phạm",
        "of_rows": "trên {n} bản ghi",
        "trend": "Xu hướng",
        "trend_one": "Mới có một lần chạy; xu hướng sẽ hiện từ lần chạy thứ hai.",
        "trend_runs": "{n} lần chạy gần nhất, cũ nhất trước.",
        "chart": "Biểu đồ điểm qua các lần chạy",
        "by_source": "Theo nguồn dữ liệu",
        "source": "Nguồn",
        "rows": "Số bản ghi",
        "quarantined": "Bị tách riêng",
        "total": "Tổng",
        "change_short": "Thay đổi",
        "by_province": "Theo tỉnh/thành (kém nhất trước)",
        "province": "Tỉnh/thành",
        "code": "Mã",
        "unplaced": "Chưa xác định tỉnh/thành",
        "no_provinces": "Chưa có bản ghi nào xác định được tỉnh/thành.",
        "top_rules": "Các quy tắc bị vi phạm nhiều nhất",
        "rule": "Quy tắc",
        "dimension": "Chiều",
        "meaning": "Ý nghĩa",
        "checked": "Đã kiểm tra",
        "failed": "Vi phạm",
        "rule_score": "Điểm",
        "examples": "Ví dụ (đã che)",
        "no_failures": "Không có quy tắc nào bị vi phạm.",
        "todo": "Việc cần làm trước",
        "todo_item": "Sửa {n} bản ghi vi phạm «{rule}» ({dim}; {sources}): {meaning}",
        "todo_where": "Bắt đầu từ {province}: {n} bản ghi.",
        "todo_none": "Không có việc gấp: mọi quy tắc đều đạt.",
        "more_provinces": "… và {n} tỉnh/thành khác (xem scorecard.json).",
        "unknown_province": "Chưa xác định",
        "privacy": "Giá trị ví dụ đã được che; danh sách đầy đủ nằm trong data/clean/.",
        "score_of": "điểm",
        "footer": "Tạo bởi dancu từ scorecard.json. Trang này xem được khi không có mạng.",
    },
    "en": {
        "title": "Resident data quality: correct, complete, clean, current",
        "run": "Run",
        "as_of": "Data as of",
        "generated": "Generated at",
        "scores": "The four scores",
        "change": "Change since the last run",
        "first_run": "first run",
        "since": "since",
        "compared_with": "Change since the run with data as of {date}.",
        "no_previous": "No earlier run to compare with.",
        "failed_records": "{n} records failing",
        "records_failing": "Records failing",
        "of_rows": "over {n} records",
        "trend": "Trend",
        "trend_one": "Only one run so far; the trend shows from the second run.",
        "trend_runs": "The last {n} runs, oldest first.",
        "chart": "Chart of the scores over the runs",
        "by_source": "By register",
        "source": "Register",
        "rows": "Records",
        "quarantined": "Quarantined",
        "total": "Total",
        "change_short": "Change",
        "by_province": "By province (worst first)",
        "province": "Province",
        "code": "Code",
        "unplaced": "Province unknown",
        "no_provinces": "No record has a known province yet.",
        "top_rules": "Rules that fail most",
        "rule": "Rule",
        "dimension": "Word",
        "meaning": "Meaning",
        "checked": "Checked",
        "failed": "Failed",
        "rule_score": "Score",
        "examples": "Examples (masked)",
        "no_failures": "No rule failed.",
        "todo": "What to do first",
        "todo_item": "Fix the {n} records failing “{rule}” ({dim}; {sources}): {meaning}",
        "todo_where": "Start with {province}: {n} records.",
        "todo_none": "Nothing urgent: every rule passes.",
        "more_provinces": "… and {n} more provinces (see scorecard.json).",
        "unknown_province": "Unknown",
        "privacy": "Example values are masked; the full lists stay in data/clean/.",
        "score_of": "score",
        "footer": "Made by dancu from scorecard.json. This page needs no network.",
    },
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def label(key: str, lang: str) -> str:
    """Return the label ``key`` in ``lang`` (``vi`` unless ``en``).

    Example:
        >>> label("trend", "en"), label("trend", "vi")
        ('Trend', 'Xu hướng')
    """
    return _LABELS[_lang(lang)][key]


def dimension_label(dim: str, lang: str) -> str:
    """Return the name of a word (``dung`` … ``song``, or ``score``) in ``lang``.

    Example:
        >>> dimension_label("du", "vi"), dimension_label("du", "en")
        ('đủ', 'complete (đủ)')
    """
    return _DIM[_lang(lang)].get(dim, dim)


def source_label(source: str, lang: str) -> str:
    """Return the display name of a register.

    Example:
        >>> source_label("civil_events", "vi")
        'Hộ tịch'
    """
    return _SOURCES[_lang(lang)].get(source, source)


def column_label(column: str | None, lang: str) -> str:
    """Return a column's name in plain words (Vietnamese), or the column name itself.

    Example:
        >>> column_label("birth_date", "vi"), column_label("birth_date", "en")
        ('ngày sinh', 'birth_date')
    """
    if not column:
        return ""
    return column if lang == "en" else _COLUMNS_VI.get(column, column)


def rule_meaning(rule: str, lang: str) -> str:
    """Return the plain-words meaning of a rule in ``lang`` (English when no translation).

    Example:
        >>> rule_meaning("age.implausible", "vi")
        'Người còn sống không quá 120 tuổi.'
    """
    return RULES[rule].meaning(lang) if rule in RULES else rule


def rule_message(rule: str, column: str | None, english: str | None, lang: str) -> str:
    """Return the worklist message of a finding: Vietnamese from the rule, else ``english``.

    Example:
        >>> rule_message("required.missing", "phone", "phone is empty", "vi")
        'số điện thoại bị trống'
    """
    if rule in RULES and (lang != "en" or not english):
        return RULES[rule].message(lang).format(column=column_label(column, lang))
    return english or rule


def fmt_num(value: float | None, lang: str, decimals: int = 1) -> str:
    """Return a number in the reader's format: ``1.234,5`` in Vietnamese, ``1,234.5`` in English.

    Example:
        >>> fmt_num(95.94, "vi"), fmt_num(1234567, "vi", 0), fmt_num(None, "vi")
        ('95,9', '1.234.567', '—')
    """
    if value is None:
        return "—"
    text = f"{float(value):,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_int(value: float | None, lang: str) -> str:
    """Return a count with thousands separators in the reader's format.

    Example:
        >>> fmt_int(39701, "vi"), fmt_int(39701, "en")
        ('39.701', '39,701')
    """
    return fmt_num(value, lang, 0)


def fmt_score(value: float | None, lang: str) -> str:
    """Return a score (0–100) with the 2 decimals of ``scorecard.json``.

    Example:
        >>> fmt_score(95.91, "vi"), fmt_score(100, "en"), fmt_score(None, "en")
        ('95,91', '100.00', '—')
    """
    return fmt_num(value, lang, 2)


def fmt_delta(value: float | None, lang: str, decimals: int = 1) -> str:
    """Return a signed change of a score (``+1,2``, ``−0,8``, ``±0,0``), or ``—``.

    Example:
        >>> fmt_delta(1.23, "en"), fmt_delta(-0.4, "vi", 2), fmt_delta(0.001, "vi")
        ('+1.2', '−0,40', '±0,0')
    """
    if value is None:
        return "—"
    text = fmt_num(abs(value), lang, decimals)
    if not text.strip("0,."):
        return "±" + text
    return ("+" if value > 0 else "−") + text


def change_arrow(value: float | None) -> str:
    """Return ``▲`` for a rise of a score, ``▼`` for a fall, ``=`` when it is the same (to 0.01).

    Example:
        >>> change_arrow(0.4), change_arrow(-0.001), change_arrow(None)
        ('▲', '=', '')
    """
    if value is None:
        return ""
    rounded = round(value, 2)
    return "▲" if rounded > 0 else "▼" if rounded < 0 else "="


def fmt_date(iso: str | None, lang: str, short: bool = False) -> str:
    """Return an ISO date as ``22/11/2026`` (Vietnamese) or ``2026-11-22`` (English).

    ``short`` drops the year: ``22/11`` or ``Nov 22``. Text that is not a date is returned as is.

    Example:
        >>> fmt_date("2026-11-22", "vi"), fmt_date("2026-11-22", "en", short=True)
        ('22/11/2026', 'Nov 22')
    """
    if not iso:
        return "—"
    try:
        day = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    if lang == "en":
        return f"{_MONTHS_EN[day.month - 1]} {day.day}" if short else day.isoformat()
    return day.strftime("%d/%m") if short else day.strftime("%d/%m/%Y")


def fmt_timestamp(iso: str | None, lang: str) -> str:
    """Return an ISO timestamp in UTC to the minute: ``24/11/2026 12:00 UTC`` in Vietnamese.

    Example:
        >>> fmt_timestamp("2026-11-24T19:05:09+07:00", "vi")
        '24/11/2026 12:05 UTC'
        >>> fmt_timestamp("2026-11-24T12:05:09+00:00", "en")
        '2026-11-24 12:05 UTC'
    """
    if not iso:
        return "—"
    try:
        stamp = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    return f"{fmt_date(stamp.date().isoformat(), lang)} {stamp:%H:%M} UTC"


def what_to_do(card: Mapping[str, Any], lang: str, n: int = 3) -> list[str]:
    """Return up to ``n`` actions: the rules with most failed records, with their meaning.

    Each action names the province with the most records failing that rule, when the card's
    provinces carry their ``rules``.

    Example:
        >>> card = {"sources": {"residents": {"rules": [{"rule": "age.implausible",
        ...     "dimension": "song", "checked": 10, "failed": 2, "score": 80.0}]}},
        ...     "provinces": [{"province_code": "01", "province_name": "Thành phố Hà Nội",
        ...         "rules": [{"rule": "age.implausible", "failed": 2}]}]}
        >>> for line in what_to_do(card, "en")[0].split(": "):
        ...     print(line)
        Fix the 2 records failing “age.implausible” (current (sống); Residents)
        A living person is at most 120 years old. Start with Thành phố Hà Nội
        2 records.
    """
    items = top_rules(card, n)
    if not items:
        return [label("todo_none", lang)]
    out = []
    for t in items:
        text = label("todo_item", lang).format(
            n=fmt_int(t["failed"], lang),
            rule=t["rule"],
            dim=dimension_label(t["dimension"], lang),
            sources=", ".join(source_label(s, lang) for s in t["sources"]),
            meaning=rule_meaning(t["rule"], lang),
        )
        where = province_most_failing(card, t["rule"])
        if where is not None:
            province, failed = where
            name = province.get("province_name") or province.get("province_code")
            text += " " + label("todo_where", lang).format(province=name, n=fmt_int(failed, lang))
        out.append(text)
    return out
