"""Compact console summary of a run, built from its manifest (counts only, no values)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["summary_table"]


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
    if flagged:
        lines.append("records with findings, by word (đúng / đủ / sạch / sống):")
        for source, f in flagged.items():
            words = " / ".join(
                f"{int(f.get(f'records_{w}', 0)):,}" for w in ("dung", "du", "sach", "song")
            )
            lines.append(f"  {source:<13} {words}")
    return "\n".join(lines)
