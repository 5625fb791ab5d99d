"""Words and numbers shared by the reports, the e-mail and the worklist, in Vietnamese or English.

The names of the four words, registers and columns, rule wording (from the rule registry),
labels (:mod:`pipelines.report.labels`), and number, share and date formats. Vietnamese is the
default; ``lang="en"`` gives English. A score below 100 is never shown as 100.

Example:
    >>> fmt_num(1234567.0, "vi", 1), fmt_num(95.94, "en", 1), fmt_delta(-0.84, "vi")
    ('1.234.567,0', '95.9', '−0,8')
    >>> fmt_score(99.96, "vi", 1), fmt_score(100, "vi", 1), fmt_share(3 / 2000, "vi")
    ('99,9', '100,0', '0,15%')
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from pipelines.report.labels import LABELS
from pipelines.rules import DIMENSIONS, RULES

__all__ = [
    "DIMENSIONS",
    "change_arrow",
    "code_label",
    "column_label",
    "dimension_label",
    "fmt_change",
    "fmt_date",
    "fmt_delta",
    "fmt_int",
    "fmt_num",
    "fmt_score",
    "fmt_share",
    "fmt_timestamp",
    "label",
    "rule_message",
    "source_label",
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

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def label(key: str, lang: str) -> str:
    """Return the label ``key`` in ``lang`` (``vi`` unless ``en``).

    Example:
        >>> label("trend", "en"), label("trend", "vi")
        ('Trend', 'Xu hướng')
    """
    return LABELS[_lang(lang)][key]


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


_CODES_VI = {
    "alive": "còn sống",
    "deceased": "đã mất",
    "active": "đang tham gia",
    "suspended": "tạm dừng",
    "closed": "đã đóng",
    "birth": "khai sinh",
    "death": "khai tử",
    "marriage": "kết hôn",
}


def code_label(value: str, lang: str) -> str:
    """Return a canonical status or event code in the reader's words (Vietnamese only).

    Example:
        >>> code_label("alive", "vi"), code_label("active", "vi"), code_label("alive", "en")
        ('còn sống', 'đang tham gia', 'alive')
        >>> code_label("Còn sống", "vi")  # a raw value is shown as written
        'Còn sống'
    """
    return value if lang == "en" else _CODES_VI.get(value, value)


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


def fmt_score(value: float | None, lang: str, decimals: int = 2) -> str:
    """Return a score (0–100) with ``decimals`` decimals, never rounded up to 100.

    A score below 100 that would round to 100 is cut instead (99,96 → ``99,9``): 100 reads as
    "nothing wrong", which is only true of 100 itself.

    Example:
        >>> fmt_score(95.91, "vi"), fmt_score(100, "en"), fmt_score(None, "en")
        ('95,91', '100.00', '—')
        >>> fmt_score(99.996, "en"), fmt_score(99.96, "vi", 1), fmt_score(99.94, "vi", 1)
        ('99.99', '99,9', '99,9')
    """
    if value is None:
        return "—"
    if value < 100 and round(value, decimals) >= 100:
        cut = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)
        return fmt_num(float(cut), lang, decimals)
    return fmt_num(value, lang, decimals)


def fmt_share(share: float | None, lang: str) -> str:
    """Return a share (0–1) as a percentage: 1 decimal from 1 %, 2 below, ``<0,01%`` for less.

    Example:
        >>> fmt_share(1503 / 2000, "vi"), fmt_share(3 / 2000, "vi"), fmt_share(1e-6, "en")
        ('75,1%', '0,15%', '<0.01%')
    """
    if share is None:
        return "—"
    pct = 100.0 * share
    if 0 < pct < 0.01:
        return "<" + fmt_num(0.01, lang, 2) + "%"
    return fmt_num(pct, lang, 1 if pct >= 1 else 2) + "%"


def fmt_delta(value: float | None, lang: str, decimals: int = 1) -> str:
    """Return a signed change of a score (``+1,2``, ``−0,8``, ``±0,0``), or ``—``.

    Example:
        >>> fmt_delta(1.23, "en"), fmt_delta(-0.4, "vi", 2), fmt_delta(0.001, "vi")
        ('+1.2', '−0,40', '±0,0')
    """
    return _marked(value, lang, decimals, ("+", "−"))


def _marked(value: float | None, lang: str, decimals: int, marks: tuple[str, str]) -> str:
    """Return ``|value|`` after its mark for a rise or a fall; ``±`` when it shows as 0."""
    if value is None:
        return "—"
    text = fmt_num(abs(value), lang, decimals)
    if not text.strip("0,."):
        return "±" + text
    return (marks[0] if value > 0 else marks[1]) + text


def fmt_change(value: float | None, lang: str, decimals: int = 1) -> str:
    """Return a change with its arrow and no sign: ``▲1,2``, ``▼1,1``, ``±0,0``, or ``—``.

    Example:
        >>> fmt_change(-1.1, "vi"), fmt_change(0.42, "en"), fmt_change(0.0, "vi")
        ('▼1,1', '▲0.4', '±0,0')
    """
    return _marked(value, lang, decimals, ("▲", "▼"))


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
