"""What the reports show, taken from a scorecard: pure functions, no wording, no formatting.

The report model (:mod:`pipelines.report.model`) draws its tables from these functions, so the
reports and the e-mail show the same numbers (docs/scorecard.md describes the card).

Example:
    >>> card = {"provinces": [{"province_code": "01", "score": 97.0},
    ...                       {"province_code": "79", "score": 91.5}]}
    >>> [p["province_code"] for p in provinces_worst_first(card)]
    ['79', '01']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pipelines.rules import RULES

__all__ = [
    "WORDS",
    "change_of",
    "national_rules",
    "previous_as_of",
    "province_rules",
    "provinces_by_share",
    "provinces_worst_first",
    "ranked",
    "rule_totals",
    "runs_for_trend",
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


def rule_totals(
    rule_lists: Iterable[tuple[str, Sequence[Mapping[str, Any]]]],
) -> list[dict[str, Any]]:
    """Return the rules with failures, ``checked`` and ``failed`` summed over the named lists.

    ``rule_lists`` holds ``(name, rules)`` pairs, e.g. the registers of a card and their
    ``rules``; each item gets ``rule``, ``dimension``, ``checked``, ``failed``, ``score``
    (recomputed from the sums, 2 decimals like the card), ``share`` (failed / checked) and
    ``sources`` (the names where it failed). Unordered: see :func:`ranked`.

    Example:
        >>> rows = [{"rule": "phone.invalid", "dimension": "dung", "checked": 10, "failed": 2}]
        >>> rule_totals([("residents", rows), ("insurance", rows)])[0]["failed"]
        4
    """
    totals: dict[str, dict[str, Any]] = {}
    for name, rules in rule_lists:
        for r in rules or []:
            empty = {"rule": r["rule"], "dimension": r.get("dimension", "")}
            t = totals.setdefault(r["rule"], {**empty, "checked": 0, "failed": 0, "sources": []})
            failed = int(r.get("failed") or 0)
            t["checked"] += int(r.get("checked") or 0)
            t["failed"] += failed
            if failed > 0:
                t["sources"].append(name)
    items = [t for t in totals.values() if t["failed"] > 0]
    for t in items:
        t["checked"] = max(t["checked"], t["failed"])
        t["share"] = t["failed"] / t["checked"]
        t["score"] = round(100.0 * (1 - t["share"]), 2)
    return items


def ranked(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return rule items most urgent first: by priority, then share failing, then failed records.

    Priority puts legal and financial harm first (the severity in the rule registry).
    A rule that fails 30 % of the records it checks comes before one that fails 3 % of more
    records: the share says how badly a province or register does at it, whatever its size.

    Example:
        >>> items = [
        ...     {"rule": "updated_at.stale", "share": 0.3, "failed": 900},
        ...     {"rule": "phone.invalid", "share": 0.01, "failed": 50},
        ...     {"rule": "death.not_reflected", "share": 0.3, "failed": 842}]
        >>> [i["rule"] for i in ranked(items)]
        ['death.not_reflected', 'phone.invalid', 'updated_at.stale']
    """

    def key(t: dict[str, Any]) -> tuple[int, float, int, str]:
        rule = RULES.get(t["rule"])
        priority = rule.priority if rule is not None else 9
        return priority, -float(t["share"]), -int(t["failed"]), str(t["rule"])

    return sorted(items, key=key)


def national_rules(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the failing rules of every register of ``card``, summed, most urgent first.

    Example:
        >>> card = {"sources": {"residents": {"rules": [
        ...     {"rule": "phone.invalid", "dimension": "dung", "checked": 10, "failed": 2}]}}}
        >>> national_rules(card)[0]["score"], national_rules(card)[0]["sources"]
        (80.0, ['residents'])
    """
    sources = card.get("sources") or {}
    return ranked(rule_totals((s, (b or {}).get("rules") or []) for s, b in sources.items()))


def province_rules(province: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the failing rules of one ``provinces`` item, most urgent first."""
    items = rule_totals([("", province.get("rules") or [])])
    return ranked({**t, "sources": []} for t in items)


def provinces_by_share(card: Mapping[str, Any], rule: str, n: int = 3) -> list[dict[str, Any]]:
    """Return the ``n`` provinces where ``rule`` fails the largest share of checked records.

    Each item: ``province_code``, ``province_name``, ``failed``, ``checked``, ``share``; ties
    go to more failed records, then the lower code.

    Example:
        >>> card = {"provinces": [
        ...     {"province_code": "01", "rules": [{"rule": "r", "checked": 900, "failed": 9}]},
        ...     {"province_code": "79", "rules": [{"rule": "r", "checked": 90, "failed": 9}]}]}
        >>> [p["province_code"] for p in provinces_by_share(card, "r")]
        ['79', '01']
    """
    found: list[dict[str, Any]] = []
    for p in card.get("provinces") or []:
        for r in p.get("rules") or []:
            failed, checked = int(r.get("failed") or 0), int(r.get("checked") or 0)
            if r["rule"] == rule and failed > 0:
                checked = max(checked, failed)
                found.append(
                    {
                        "province_code": str(p.get("province_code")),
                        "province_name": str(p.get("province_name") or p.get("province_code")),
                        "failed": failed,
                        "checked": checked,
                        "share": failed / checked,
                    }
                )
    found.sort(key=lambda p: (-p["share"], -p["failed"], p["province_code"]))
    return found[:n]
