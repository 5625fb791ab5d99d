"""Compact console summary of a run, built from its manifest (counts only, no values)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["scores_table", "summary_table"]


def summary_table(manifest: Mapping[str, Any]) -> str:
    """Return a fixed-width table of rows in / kept / quarantined per source.

    Example:
        >>> m = {"run_id": "abc", "as_of": "2026-11-22", "accounting": {
        ...     "residents": {"rows_in": 10, "rows_kept": 9, "rows_quarantined": 1, "ok": True}}}
        >>> print(summary_table(m).splitlines()[2])
        residents            10         9           1
    """
    accounting: Mapping[str, Mapping[str, Any]] = manifest.get("accounting", {})
    flagged: Mapping[str, Mapping[str, Any]] = manifest.get("findings", {})
    header = f"{'source':<13} {'rows in':>9} {'kept':>9} {'quarantined':>11}"
    if flagged:
        header += f" {'with findings':>13}"
    lines = [
        f"run {manifest.get('run_id', '?')} as of {manifest.get('as_of', '?')}",
        header,
    ]
    totals = [0, 0, 0]
    for source, acc in accounting.items():
        counts = [int(acc["rows_in"]), int(acc["rows_kept"]), int(acc["rows_quarantined"])]
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        line = f"{source:<13} {counts[0]:>9,} {counts[1]:>9,} {counts[2]:>11,}"
        if flagged:
            line += f" {int(flagged.get(source, {}).get('records', 0)):>13,}"
        lines.append(line)
    if len(accounting) > 1:
        line = f"{'total':<13} {totals[0]:>9,} {totals[1]:>9,} {totals[2]:>11,}"
        if flagged:
            line += f" {sum(int(f.get('records', 0)) for f in flagged.values()):>13,}"
        lines.append(line)
    return "\n".join(lines)


def _score(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1f}"


def _change(value: Any) -> str:
    if value is None:
        return ""
    v = round(float(value), 1)
    return "±0.0" if v == 0 else f"{v:+.1f}"


def scores_table(card: Mapping[str, Any]) -> str:
    """Return the four scores and their mean per register, then all registers together.

    The last column is the change of ``score`` since the previous run, when there is one.

    Example:
        >>> card = {"overall": {"rows": 10, "dung": 90.0, "du": 100.0, "sach": 95.0,
        ...     "song": 85.0, "score": 92.5}, "sources": {"residents": {"rows": 10,
        ...     "dung": 90.0, "du": 100.0, "sach": 95.0, "song": 85.0, "score": 92.5}},
        ...     "change": {"overall": {"score": -1.25}, "sources": {}}}
        >>> print(scores_table(card))
        register           rows   đúng     đủ   sạch   sống  score  change
        residents            10   90.0  100.0   95.0   85.0   92.5
        all registers        10   90.0  100.0   95.0   85.0   92.5    -1.2
    """
    words = ("dung", "du", "sach", "song", "score")
    head = ("đúng", "đủ", "sạch", "sống", "score")
    lines = [f"{'register':<13} {'rows':>9} " + " ".join(f"{h:>6}" for h in head) + "  change"]
    change = card.get("change") or {}
    groups = [(s, b, (change.get("sources") or {}).get(s)) for s, b in card["sources"].items()]
    groups.append(("all registers", card["overall"], change.get("overall")))
    for name, body, delta in groups:
        cells = " ".join(f"{_score(body.get(w)):>6}" for w in words)
        moved = _change((delta or {}).get("score"))
        lines.append(f"{name:<13} {int(body.get('rows', 0)):>9,} {cells}  {moved:>6}".rstrip())
    return "\n".join(lines)
