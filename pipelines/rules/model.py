"""What a rule declaration holds: :class:`Rule`, its texts, severities and priorities.

Example:
    >>> Text("đã mất", "deceased")("en"), severity_label("financial", "vi")
    ('deceased', 'tài chính')
    >>> priority_label(1, "vi")
    '1 – gấp: pháp lý, tài chính'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES",
    "PRIORITY_LABELS",
    "SEVERITIES",
    "Dimension",
    "Outcome",
    "Rule",
    "Severity",
    "Text",
    "priority_label",
    "severity_label",
]

Dimension = Literal["dung", "du", "sach", "song"]
DIMENSIONS: tuple[str, ...] = ("dung", "du", "sach", "song")
"""The four words, in their fixed order: đúng, đủ, sạch, sống."""
DIMENSION_NAMES: Final = {"dung": "đúng", "du": "đủ", "sach": "sạch", "song": "sống"}
"""The four words as written in Vietnamese."""

Outcome = Literal["quarantine", "finding"]
Severity = Literal["legal", "financial", "identity", "completeness", "form"]

SEVERITIES: Final[dict[str, tuple[int, str, str]]] = {
    # severity: (priority, Vietnamese, English)
    "legal": (1, "pháp lý", "legal"),
    "financial": (1, "tài chính", "financial"),
    "identity": (2, "danh tính", "identity"),
    "completeness": (3, "thiếu, sai dạng, chưa liên kết", "missing, unreadable, not linked"),
    "form": (4, "hình thức, cập nhật", "form, currency"),
}
"""What is at stake when a rule fails, and the priority (1 = most urgent) that follows:
legal or financial harm (the state acts on or pays for wrong facts today) first, then a
person who cannot be identified for sure, then missing, unreadable or unlinked values, then
form and currency (the value was repaired or only needs bringing up to date)."""

PRIORITY_LABELS: Final[dict[str, dict[int, str]]] = {
    "vi": {
        1: "1 – gấp: pháp lý, tài chính",
        2: "2 – danh tính",
        3: "3 – thiếu, sai dạng, chưa liên kết",
        4: "4 – hình thức, cập nhật",
    },
    "en": {
        1: "1 – urgent: legal, financial",
        2: "2 – identity",
        3: "3 – missing, unreadable, not linked",
        4: "4 – form, currency",
    },
}
"""The text of each priority in the worklists and reports."""


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def severity_label(severity: str, lang: str) -> str:
    """Return the name of a severity in ``lang`` (``vi`` unless ``en``)."""
    _, vi, en = SEVERITIES[severity]
    return en if _lang(lang) == "en" else vi


def priority_label(priority: int, lang: str) -> str:
    """Return the text of a priority number (``1 – gấp: pháp lý, tài chính``)."""
    return PRIORITY_LABELS[_lang(lang)].get(priority, str(priority))


@dataclass(frozen=True)
class Text:
    """One text in both languages; calling it with a language returns that language's text."""

    vi: str
    en: str

    def __call__(self, lang: str) -> str:
        """Return the text in ``lang`` (Vietnamese unless ``en``)."""
        return self.en if _lang(lang) == "en" else self.vi


@dataclass(frozen=True)
class Rule:
    """One data rule: what it checks, which word it counts against, how urgent, what to do.

    ``message`` is the plain-words problem a steward reads in the worklist; ``{column}`` in it
    is replaced by the column's name (Vietnamese column names in Vietnamese). ``nulls`` says
    the failing value is removed from the clean output (it stays in the finding's ``value``).
    ``critical`` rules make a record unsafe to use: the gate caps the share of records with
    one (``[gate] critical_rules``).
    """

    id: str
    dimension: Dimension
    severity: Severity
    title: Text
    meaning: Text
    message: Text
    action: Text
    critical: bool = False
    outcome: Outcome = "finding"
    nulls: bool = False

    @property
    def priority(self) -> int:
        """Return the worklist priority of the rule (1 = most urgent), from its severity."""
        return SEVERITIES[self.severity][0]

    def text(self, field: Literal["title", "meaning", "message", "action"], lang: str) -> str:
        """Return one of the rule's texts in ``lang``."""
        value: Text = getattr(self, field)
        return value(lang)
