"""The scorecards of earlier runs kept in ``<out>/history/`` (layout in docs/scorecard.md).

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> card = {"run_id": "r1", "generated_at": "2026-11-24T12:00:00.000001+00:00",
    ...         "overall": {}}
    >>> history_name(card)
    'scorecard-20261124T120000000001Z.json'
    >>> _ = write_history(card, out)
    >>> [c["run_id"] for c in load_history(out)]
    ['r1']
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pipelines.errors import InputError, OutputError

__all__ = [
    "ACCEPTED_NAME",
    "HISTORY_DIR",
    "history_name",
    "load_history",
    "load_scorecard",
    "previous_scorecard",
    "write_history",
]

HISTORY_DIR = "history"
"""Sub-folder of the output folder that keeps one scorecard per run."""

ACCEPTED_NAME = "accepted-scorecard.json"
"""The gate's accepted baseline inside ``history/`` (``dancu gate --accept``)."""

_PREFIX = "scorecard-"


def history_name(card: dict[str, Any]) -> str:
    """Return the history file name of a scorecard: its ``generated_at`` in UTC, sortable."""
    stamp = dt.datetime.fromisoformat(str(card["generated_at"])).astimezone(dt.UTC)
    return f"{_PREFIX}{stamp.strftime('%Y%m%dT%H%M%S%fZ')}.json"


def write_history(card: dict[str, Any], out: Path) -> Path:
    """Write ``card`` into ``out/history/`` under :func:`history_name`; return the path."""
    folder = out / HISTORY_DIR
    path = folder / history_name(card)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc}") from exc
    return path


def load_history(out: Path) -> list[dict[str, Any]]:
    """Return the scorecards in ``out/history/``, oldest first; unreadable files are skipped.

    A file that is not valid JSON (a run killed while writing) is not a run: it is left out
    rather than stopping a report.
    """
    folder = out / HISTORY_DIR
    if not folder.is_dir():
        return []
    cards = []
    for path in sorted(folder.glob(f"{_PREFIX}*.json")):
        try:
            card = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(card, dict) and "overall" in card:
            cards.append(card)
    cards.sort(key=lambda c: str(c.get("generated_at", "")))
    return cards


def previous_scorecard(
    history: list[dict[str, Any]], generated_at: str | None = None
) -> dict[str, Any] | None:
    """Return the most recent scorecard generated before ``generated_at`` (or the last one).

    Example:
        >>> runs = [{"generated_at": "2026-11-01"}, {"generated_at": "2026-11-08"}]
        >>> previous_scorecard(runs, "2026-11-08")
        {'generated_at': '2026-11-01'}
        >>> previous_scorecard([], "2026-11-08") is None
        True
    """
    earlier = [
        c for c in history if generated_at is None or str(c.get("generated_at")) < generated_at
    ]
    return earlier[-1] if earlier else None


def load_scorecard(out: Path) -> dict[str, Any]:
    """Return ``out/scorecard.json``, or raise InputError naming the file and what to do.

    Example:
        >>> import tempfile
        >>> try:
        ...     load_scorecard(Path(tempfile.mkdtemp()))
        ... except InputError as exc:
        ...     print(str(exc).split(": ")[-1])
        run `dancu clean` first
    """
    path = out / "scorecard.json"
    if not path.is_file():
        raise InputError(f"{path} not found: run `dancu clean` first")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the scorecard: {exc}") from exc
    if not isinstance(card, dict) or "overall" not in card:
        raise InputError(f"{path}: not a scorecard (no 'overall'; see docs/scorecard.md)")
    return card
