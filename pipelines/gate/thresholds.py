"""The ``[gate]`` thresholds on a run's scorecard and findings.

Score floors per group and word, the share of quarantined input rows, and the share of records
with a finding of a critical rule (``[gate] critical_rules``).

Example:
    >>> from pipelines.config import GateConfig
    >>> card = {"overall": {"rows": 10, "quarantined": 0, "dung": 90.0, "du": 100.0,
    ...         "sach": 100.0, "song": 100.0, "score": 97.5,
    ...         "failed_records": {"dung": 1, "du": 0, "sach": 0, "song": 0}}, "sources": {}}
    >>> [c.name for c in score_checks(card, GateConfig().min_score) if c.status == "fail"]
    ['min_score.all.dung']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import polars as pl

from pipelines.config import MinScores, ScoreFloors
from pipelines.gate.checks import Check
from pipelines.report.masking import findings_examples

__all__ = [
    "GROUPS",
    "LABELS",
    "critical_checks",
    "quarantine_checks",
    "score_checks",
    "scored_groups",
]

GROUPS = ("all", "residents", "civil_events", "insurance")
"""``all`` is the scorecard's ``overall``; the others are its ``sources``."""
LABELS = {"dung": "đúng", "du": "đủ", "sach": "sạch", "song": "sống", "score": "score"}
GROUP = "thresholds"


def scored_groups(card: Mapping[str, Any]) -> dict[str, Mapping[str, Any] | None]:
    """Return each of :data:`GROUPS` → its scorecard entry, or None when not in the run.

    Example:
        >>> scored_groups({"overall": {"rows": 1}, "sources": {"insurance": {"rows": 1}}})
        {'all': {'rows': 1}, 'residents': None, 'civil_events': None, 'insurance': {'rows': 1}}
    """
    sources = card.get("sources") or {}
    found: dict[str, Mapping[str, Any] | None] = {"all": card.get("overall")}
    for name in GROUPS[1:]:
        found[name] = sources.get(name) or None
    return found


def _absent(name: str, group: str) -> Check:
    return Check(name, GROUP, passed=True, message=f"{group} is not in this run", skipped=True)


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def score_checks(card: Mapping[str, Any], floors: MinScores) -> list[Check]:
    """Return one check per (group, score): the score is at least its ``[gate.min_score]``."""
    checks: list[Check] = []
    for group, entry in scored_groups(card).items():
        floor: ScoreFloors = getattr(floors, group)
        if entry is None:
            checks.append(_absent(f"min_score.{group}", group))
            continue
        failed = entry.get("failed_records") or {}
        for f in fields(ScoreFloors):
            key, minimum = f.name, float(getattr(floor, f.name))
            name, value = f"min_score.{group}.{key}", entry.get(key)
            if value is None:
                checks.append(
                    Check(name, GROUP, True, f"{group} has no records to score", skipped=True)
                )
                continue
            ok = float(value) >= minimum
            text = f"{LABELS[key]} {float(value):.2f}, minimum {minimum:.2f}"
            if not ok and key in failed:
                text += f" ({int(failed[key]):,} of {int(entry['rows']):,} records fail it)"
            checks.append(Check(name, GROUP, ok, text, dimension=None if key == "score" else key))
    return checks


def quarantine_checks(card: Mapping[str, Any], max_share: float) -> list[Check]:
    """Return one check per group: quarantined / (kept + quarantined) is at most ``max_share``."""
    checks: list[Check] = []
    for group, entry in scored_groups(card).items():
        name = f"quarantine_share.{group}"
        if entry is None:
            checks.append(_absent(name, group))
            continue
        quarantined = int(entry.get("quarantined") or 0)
        total = int(entry.get("rows") or 0) + quarantined
        share = quarantined / total if total else 0.0
        text = (
            f"{quarantined:,} of {total:,} input rows quarantined ({_pct(share)}), "
            f"at most {_pct(max_share)} allowed"
        )
        checks.append(Check(name, GROUP, share <= max_share, text, dimension="du"))
    return checks


def critical_checks(
    card: Mapping[str, Any],
    findings: pl.DataFrame,
    rules: Sequence[str],
    max_share: float,
) -> list[Check]:
    """Return one check per group: records with a finding of a critical rule / records.

    ``findings`` needs ``source``, ``record_id``, ``rule`` and ``value`` (for masked examples).

    Example:
        >>> card = {"overall": {"rows": 4}, "sources": {"residents": {"rows": 4}}}
        >>> f = pl.DataFrame({"source": ["residents"] * 2, "record_id": ["R1", "R1"],
        ...     "rule": ["personal_id.format", "date.future"], "value": ["123", "2099"]})
        >>> checks = critical_checks(card, f, ["date.future"], 0.2)
        >>> for part in checks[1].message.split("; "):
        ...     print(part)
        1 of 4 records (25.00 %) have a critical finding, at most 20.00 % allowed
        by rule: date.future 1
        examples (masked): date.future: 2**9
        >>> [c.status for c in checks]
        ['fail', 'fail', 'skip', 'skip']
    """
    critical = findings.filter(pl.col("rule").is_in(list(rules)))
    checks: list[Check] = []
    for group, entry in scored_groups(card).items():
        name = f"critical_findings.{group}"
        if entry is None:
            checks.append(_absent(name, group))
            continue
        mine = critical if group == "all" else critical.filter(pl.col("source") == group)
        bad = mine.select(pl.struct("source", "record_id").n_unique()).item() if mine.height else 0
        rows = int(entry.get("rows") or 0)
        share = bad / rows if rows else 0.0
        text = (
            f"{bad:,} of {rows:,} records ({_pct(share)}) have a critical finding, "
            f"at most {_pct(max_share)} allowed"
        )
        ok = share <= max_share
        if not ok:
            by_rule = (
                mine.group_by("rule")
                .agg(pl.struct("source", "record_id").n_unique().alias("n"))
                .sort(["n", "rule"], descending=[True, False])
            )
            text += "; by rule: " + ", ".join(f"{r} {n:,}" for r, n in by_rule.iter_rows())
            examples = findings_examples(mine, per_rule=1)
            if examples:
                shown = ", ".join(f"{r}: {v[0]}" for r, v in sorted(examples.items()))
                text += f"; examples (masked): {shown}"
        checks.append(Check(name, GROUP, ok, text))
    return checks
