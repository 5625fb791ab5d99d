"""What the previous run in an output folder left for the next one to carry forward.

``dancu clean`` reads, before it replaces ``--out``: the previous run's id and as-of date
(``manifest.json``), its links (``source, record_id, person_id``, and ``person_since`` when
written by a dancu that dates ids) to carry person ids forward, its findings (to count what
is new and what was resolved), and every person id named in the id events of ``history/``
(so a retired id is never given to someone else).

Example:
    >>> import tempfile
    >>> read_previous_run(Path(tempfile.mkdtemp()) / "none").links is None
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl

from pipelines.errors import OutputFolderError
from pipelines.resolve.scoring import FSParams

__all__ = ["EVENTS_PREFIX", "PreviousRun", "read_previous_run"]

EVENTS_PREFIX: Final = "person_events-"
"""Name prefix of the id event files kept in ``history/`` (one per run)."""

_FINDING_COLUMNS: Final = ("source", "record_id", "rule", "column", "value", "province_code")


@dataclass(frozen=True)
class PreviousRun:
    """The previous run of an output folder (all None on a first run).

    Attributes:
        run_id, as_of: from its manifest.
        links: ``source, record_id, person_id`` (``person_since`` when present).
        findings: its findings (``source, record_id, rule, column, value, province_code``
            and ``finding_key`` when written).
        issued: every person id named in ``history/person_events-*.parquet``.
        model: its fitted matching model (``model.json``), None when it had none.
        records: how many records it resolved (its manifest).
    """

    run_id: str | None = None
    as_of: str | None = None
    links: pl.DataFrame | None = None
    findings: pl.DataFrame | None = None
    issued: pl.Series = field(default_factory=lambda: pl.Series("person_id", [], pl.String))
    model: FSParams | None = None
    records: int | None = None


def _parquet(path: Path, columns: list[str], hint: str) -> pl.DataFrame | None:
    if not path.is_file():
        return None
    try:
        names = pl.read_parquet_schema(path)
        return pl.read_parquet(path, columns=[c for c in columns if c in names])
    except Exception as exc:  # polars raises several kinds for a broken file
        raise OutputFolderError(
            f"{path}: the previous run's {hint} cannot be read ({type(exc).__name__}); run "
            "with --fresh to start the person ids afresh"
        ) from None


def read_previous_run(out: Path) -> PreviousRun:
    """Return what the run in ``out`` left (module docstring); empty if there is none."""
    if not out.is_dir():
        return PreviousRun()
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if not isinstance(manifest, dict):
        manifest = {}
    links = _parquet(
        out / "links.parquet", ["source", "record_id", "person_id", "person_since"], "links"
    )
    if links is not None and not {"source", "record_id", "person_id"} <= set(links.columns):
        raise OutputFolderError(
            f"{out / 'links.parquet'}: has no person ids; run with --fresh to start afresh"
        )
    findings = _parquet(out / "findings.parquet", [*_FINDING_COLUMNS, "finding_key"], "findings")
    if findings is not None and not set(_FINDING_COLUMNS) <= set(findings.columns):
        findings = None
    issued = [pl.Series("person_id", [], pl.String)]
    history = out / "history"
    for path in sorted(history.glob(f"{EVENTS_PREFIX}*.parquet")) if history.is_dir() else []:
        events = _parquet(path, ["person_id", "other_person_id"], "id events")
        if events is not None:
            issued += [events[c].cast(pl.String) for c in events.columns]
    model = None
    try:
        model = FSParams.from_json((out / "model.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        model = None  # no model, a run without candidate pairs, or an older format: refit
    resolution = manifest.get("resolution")
    records = None
    if isinstance(resolution, dict) and isinstance(resolution.get("records"), int):
        records = int(resolution["records"])
    return PreviousRun(
        run_id=str(manifest["run_id"]) if manifest.get("run_id") else None,
        as_of=str(manifest["as_of"]) if manifest.get("as_of") else None,
        links=links,
        findings=findings,
        issued=pl.concat(issued).drop_nulls().unique().sort().rename("person_id"),
        model=model,
        records=records,
    )
