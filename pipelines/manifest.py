"""Build ``manifest.json``: run id, as-of date, versions, inputs, stages, outputs, accounting.

The manifest is the one output allowed to differ between two runs on the same inputs
(``generated_at`` and stage seconds); everything else a run writes is byte-identical.

Example:
    >>> run_id_for(["ab", "cd"], dt.date(2026, 11, 22), "0.1.0")
    'fbd3768d9342'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import platform
import resource
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "InputInfo",
    "StageRecord",
    "accounting",
    "build_manifest",
    "package_versions",
    "run_id_for",
]

_PACKAGES = {
    "dancu": "dancu",
    "polars": "polars",
    "pandera": "pandera",
    "great_expectations": "great-expectations",
    "rapidfuzz": "rapidfuzz",
}


@dataclass(frozen=True)
class InputInfo:
    """What the manifest records about one input file."""

    source: str
    path: str
    format: str
    sha256: str
    rows: int
    columns: dict[str, str]
    """Raw header → canonical column, for recognised headers."""
    extra_columns: list[str]
    encoding: str | None = None
    """Text encoding of a CSV file (``utf-8``, ``utf-16-le``, ``windows-1258``, ``tcvn3``…)."""
    layout: dict[str, Any] = field(default_factory=dict)
    """Header row, sheets read, rows skipped (title lines, footers) and why, ignored columns."""


@dataclass(frozen=True)
class StageRecord:
    """Row counts and seconds of one stage on one source."""

    name: str
    source: str
    rows_in: int
    rows_out: int
    rows_quarantined: int
    seconds: float
    peak_rss_mb: float = field(default_factory=lambda: current_peak_rss_mb())
    """Peak resident memory of the process when the stage ended (MB)."""


def current_peak_rss_mb() -> float:
    """Return the peak resident set size of this process so far, in MB (Linux: KiB units)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def package_versions() -> dict[str, str]:
    """Return the versions of Python and the packages that shape the outputs.

    Example:
        >>> sorted(package_versions())[:3]
        ['dancu', 'great_expectations', 'pandera']
    """
    versions: dict[str, str] = {}
    for key, dist in _PACKAGES.items():
        try:
            versions[key] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[key] = "not installed"
    versions["python"] = platform.python_version()
    return versions


def run_id_for(input_hashes: Iterable[str], as_of: dt.date, version: str) -> str:
    """Return the reproducible run id: 12 hex digits of sha256(input hashes, as-of, version).

    Example:
        >>> len(run_id_for(["00"], dt.date(2026, 1, 1), "0.1.0"))
        12
    """
    text = "\n".join([*input_hashes, as_of.isoformat(), version])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def accounting(rows_in: int, rows_kept: int, rows_quarantined: int) -> dict[str, Any]:
    """Return one source's row accounting; ``ok`` is true when the rows reconcile.

    Example:
        >>> accounting(10, 8, 2)["ok"], accounting(10, 8, 1)["ok"]
        (True, False)
    """
    return {
        "rows_in": rows_in,
        "rows_kept": rows_kept,
        "rows_quarantined": rows_quarantined,
        "ok": rows_in == rows_kept + rows_quarantined,
    }


def build_manifest(
    *,
    run_id: str,
    as_of: dt.date,
    generated_at: dt.datetime,
    inputs: Sequence[InputInfo],
    stages: Sequence[StageRecord],
    outputs: Mapping[str, int],
    counts: Mapping[str, Mapping[str, Any]],
    seconds: float,
    findings: Mapping[str, Mapping[str, int]] | None = None,
    resolution: Mapping[str, Any] | None = None,
    decisions: Mapping[str, Any] | None = None,
    engine: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the manifest as a JSON-ready dict (DESIGN §5).

    ``engine``: where the run computed (``name``: local or spark, ``master``).

    Example:
        >>> m = build_manifest(run_id="r", as_of=dt.date(2026, 11, 22),
        ...     generated_at=dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC), inputs=[],
        ...     stages=[], outputs={}, counts={}, seconds=0.5)
        >>> m["as_of"], m["generated_at"]
        ('2026-11-22', '2026-11-22T08:00:00+00:00')
    """
    return {
        "run_id": run_id,
        "as_of": as_of.isoformat(),
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "versions": package_versions(),
        "inputs": {
            info.source: {k: v for k, v in asdict(info).items() if k != "source"} for info in inputs
        },
        "stages": [asdict(s) for s in stages],
        "outputs": dict(outputs),
        "accounting": {source: dict(c) for source, c in counts.items()},
        "findings": {source: dict(f) for source, f in (findings or {}).items()},
        "resolution": dict(resolution or {}),
        "decisions": dict(decisions or {}),
        "engine": dict(engine or {"name": "local"}),
        "seconds": round(seconds, 3),
    }
