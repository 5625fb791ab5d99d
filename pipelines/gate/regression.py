"""Regression against the last accepted run: no score may drop more than ``[gate] max_drop``.

``dancu gate --accept`` copies the run's ``scorecard.json`` byte for byte to
``history/accepted-scorecard.json``; later gates compare every score (the four words and their
mean, all registers together and each register) with it.

Example:
    >>> now = {"overall": {"dung": 97.0, "du": 99.0, "sach": 90.0, "song": 85.0, "score": 92.75},
    ...        "sources": {}}
    >>> base = {"run_id": "r0", "as_of": "2026-11-15",
    ...         "overall": {"dung": 99.5, "du": 99.0, "sach": 90.0, "song": 85.0, "score": 93.4}}
    >>> [c.name for c in regression_checks(now, base, 2.0) if c.status == "fail"]
    ['regression.all.dung']
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipelines.gate.checks import Check
from pipelines.gate.errors import GateError
from pipelines.gate.thresholds import LABELS, scored_groups
from pipelines.report.history import ACCEPTED_NAME, HISTORY_DIR

__all__ = ["accept_run", "accepted_path", "load_accepted", "regression_checks"]

GROUP = "regression"
_SCORES = ("dung", "du", "sach", "song", "score")


def accepted_path(out: Path) -> Path:
    """Return where the accepted baseline of the output folder ``out`` lives."""
    return out / HISTORY_DIR / ACCEPTED_NAME


def load_accepted(out: Path) -> dict[str, Any] | None:
    """Return the accepted scorecard, or None if no run was accepted yet."""
    path = accepted_path(out)
    if not path.exists():
        return None
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GateError(
            f"{path}: not a readable scorecard ({exc}); delete it and run "
            "`dancu gate --accept` on a run you trust"
        ) from None
    if not isinstance(card, dict) or not isinstance(card.get("overall"), Mapping):
        raise GateError(
            f"{path}: has no 'overall' scores; delete it and run `dancu gate --accept` again"
        )
    return card


def accept_run(scorecard: Path, out: Path) -> Path:
    """Copy ``scorecard`` (byte for byte) to the accepted baseline of ``out``; return its path."""
    path = accepted_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    shutil.copyfile(scorecard, tmp)
    tmp.replace(path)
    return path


def regression_checks(
    card: Mapping[str, Any], accepted: Mapping[str, Any] | None, max_drop: float
) -> list[Check]:
    """Return one check per (group, score) present in both runs: the drop is at most ``max_drop``.

    Without an accepted run there is nothing to compare: one skipped check says how to record
    one. A register missing from either run is skipped, not failed.
    """
    if accepted is None:
        return [
            Check(
                "regression.baseline",
                GROUP,
                passed=True,
                message="no accepted run yet: `dancu gate --accept` records this run as one",
                skipped=True,
            )
        ]
    base_groups = scored_groups(accepted)
    since = f"accepted run {accepted.get('run_id', '?')} as of {accepted.get('as_of', '?')}"
    checks: list[Check] = []
    for group, entry in scored_groups(card).items():
        base = base_groups.get(group)
        if entry is None or base is None:
            if entry is not None or base is not None:
                where = "this run" if entry is None else "the accepted run"
                checks.append(
                    Check(
                        f"regression.{group}", GROUP, True, f"{group} not in {where}", skipped=True
                    )
                )
            continue
        for key in _SCORES:
            name, now, then = f"regression.{group}.{key}", entry.get(key), base.get(key)
            if now is None or then is None:
                checks.append(Check(name, GROUP, True, "no score in one of the runs", skipped=True))
                continue
            change = round(float(now) - float(then), 2)
            text = (
                f"{LABELS[key]} {float(now):.2f}, {float(then):.2f} in the {since}: "
                f"{change:+.2f} points, a drop of at most {max_drop:.2f} allowed"
            )
            dimension = None if key == "score" else key
            checks.append(Check(name, GROUP, change >= -max_drop, text, dimension=dimension))
    return checks
