"""What the reports show, taken from a scorecard: pure functions, no wording, no formatting.

Both reports (Markdown, HTML) and the e-mail draw their tables from these functions, so the
same numbers appear everywhere (docs/scorecard.md describes the card).

Example:
    >>> card = {"provinces": [{"province_code": "01", "score": 97.0},
    ...                       {"province_code": "79", "score": 91.5}]}
    >>> [p["province_code"] for p in provinces_worst_first(card)]
    ['79', '01']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "WORDS",
    "change_of",
    "previous_as_of",
    "province_most_failing",
    "provinces_worst_first",
    "runs_for_trend",
    "top_rules",
]

WORDS = ("dung", "du", "sach", "song", "score")
"""The four words in their fixed order, then their mean ``score``."""


def _run_key(card: Mapping[str, Any]) -> tuple[str, str]:
    return str(card.get("run_id", "")), str(card.get("generated_at", ""))


def runs_for_trend(card: Mapping[str, Any], history: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Return the earlier runs and then ``card``, oldest first by ``generated_at``.

    A run is one ``(run_id, generated_at)`` pair: ``history`` may hold ``card`` itself (it is
    dropped) or the same run twice (kept once).

    Example:
        >>> a = {"run_id": "a", "generated_at": "2026-11-01T00:00:00+00:00"}
        >>> b = {"run_id": "b", "generated_at": "2026-11-08T00:00:00+00:00"}
        >>> [r["run_id"] for r in runs_for_trend(b, [b, a, a])]
        ['a', 'b']
    """
    current = _run_key(card)
    earlier: dict[tuple[str, str], Mapping[str, Any]] = {}
    for run in history:
        key = _run_key(run)
        if key != current:
            earlier.setdefault(key, run)
    ordered = sorted(earlier.values(), key=lambda r: str(r.get("generated_at", "")))
    return [*ordered, card]


def change_of(card: Mapping[str, Any], source: str | None = None) -> dict[str, Any]:
    """Return the change since the previous run of ``overall`` (or of ``source``); ``{}`` if none.

    Example:
        >>> change_of({"change": {"overall": {"score": -0.38}}})
        {'score': -0.38}
        >>> change_of({"change": None}), change_of({"change": {"sources": {}}}, "insurance")
        ({}, {})
    """
    change = card.get("change") or {}
    if source is None:
        return dict(change.get("overall") or {})
    return dict((change.get("sources") or {}).get(source) or {})


def previous_as_of(card: Mapping[str, Any]) -> str | None:
    """Return the as-of date (ISO) of the run the changes compare with, or None on a first run.

    Example:
        >>> previous_as_of({"previous": {"as_of": "2026-11-15"}}), previous_as_of({})
        ('2026-11-15', None)
    """
    previous = card.get("previous") or {}
    return str(previous["as_of"]) if previous.get("as_of") else None


def provinces_worst_first(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the provinces by ``score``, lowest first; provinces without a score come last.

    Example:
        >>> card = {"provinces": [{"province_code": "02", "score": None},
        ...     {"province_code": "01", "score": 99.0}, {"province_code": "04", "score": 99.0}]}
        >>> [p["province_code"] for p in provinces_worst_first(card)]
        ['01', '04', '02']
    """
    provinces = [dict(p) for p in card.get("provinces") or []]
    return sorted(
        provinces,
        key=lambda p: (
            p.get("score") is None,
            float(p.get("score") or 0.0),
            str(p.get("province_code", "")),
        ),
    )


def top_rules(card: Mapping[str, Any], limit: int = 8) -> list[dict[str, Any]]:
    """Return the rules with failures, most failed records first, summed over the registers.

    Each item: ``rule``, ``dimension``, ``checked``, ``failed``, ``score`` (recomputed from the
    sums, rounded to 2 decimals like the card) and ``sources`` (registers where it failed).

    Example:
        >>> card = {"sources": {"residents": {"rules": [
        ...     {"rule": "phone.invalid", "dimension": "dung", "checked": 10, "failed": 2,
        ...      "score": 80.0}]}}}
        >>> top_rules(card)[0]["score"], top_rules(card)[0]["sources"]
        (80.0, ['residents'])
    """
    totals: dict[str, dict[str, Any]] = {}
    for source, body in (card.get("sources") or {}).items():
        for r in (body or {}).get("rules") or []:
            empty = {"rule": r["rule"], "dimension": r.get("dimension", "")}
            t = totals.setdefault(r["rule"], {**empty, "checked": 0, "failed": 0, "sources": []})
            failed = int(r.get("failed") or 0)
            t["checked"] += int(r.get("checked") or 0)
            t["failed"] += failed
            if failed > 0:
                t["sources"].append(source)
    items = [t for t in totals.values() if t["failed"] > 0]
    for t in items:
        t["score"] = round(100.0 * (1 - t["failed"] / t["checked"]), 2) if t["checked"] else None
    items.sort(key=lambda t: (-t["failed"], t["rule"]))
    return items[:limit]


def province_most_failing(card: Mapping[str, Any], rule: str) -> tuple[dict[str, Any], int] | None:
    """Return the province with the most records failing ``rule`` and that count, or None.

    Ties go to the lower province code. Uses the per-province ``rules`` of the card.

    Example:
        >>> card = {"provinces": [
        ...     {"province_code": "01", "rules": [{"rule": "phone.invalid", "failed": 3}]},
        ...     {"province_code": "79", "rules": [{"rule": "phone.invalid", "failed": 9}]}]}
        >>> province, n = province_most_failing(card, "phone.invalid")
        >>> province["province_code"], n
        ('79', 9)
    """
    best: tuple[dict[str, Any], int] | None = None
    for p in sorted(card.get("provinces") or [], key=lambda p: str(p.get("province_code", ""))):
        failed = sum(int(r.get("failed") or 0) for r in p.get("rules") or [] if r["rule"] == rule)
        if failed > 0 and (best is None or failed > best[1]):
            best = (dict(p), failed)
    return best
