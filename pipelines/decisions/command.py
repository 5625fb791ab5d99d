"""``dancu review import``: bring the stewards' decisions home into ``OUT/decisions/``.

Reads the filled files (:mod:`pipelines.decisions.sheets`), checks them against the run in
the output folder (:mod:`pipelines.decisions.imports`) and stores the merged decisions
(:mod:`pipelines.decisions.store`), all or nothing. The caller holds the output folder
(:func:`pipelines.io.guard.adding_to`); a filled file that lies in the output folder (a review
file or worklist filled in place) is then recorded in the folder's marker as it is now, so
the next ``dancu clean`` may replace it — its decisions are stored, and a copy of it is kept
in ``decisions/imported/``.

Example:
    >>> import tempfile
    >>> try:
    ...     run_review_import(Path(tempfile.mkdtemp()), [])
    ... except InputError as exc:
    ...     print(str(exc).split("; ")[0])
    no files to import
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.decisions.imports import Imported, RunRecords, imported_decisions
from pipelines.decisions.sheets import FilledFile, read_filled
from pipelines.decisions.store import (
    DECISIONS_DIR,
    read_finding_decisions,
    read_pair_decisions,
    write_decisions,
)
from pipelines.errors import InputError
from pipelines.io.outdir import read_marker, record_written
from pipelines.resolve.records import records_frame
from pipelines.resolve.review import pair_key_parts, record_fingerprints

__all__ = ["ImportResult", "run_review_import"]

_SOURCES = ("residents", "civil_events", "insurance")


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    folder: Path
    counts: dict[str, int] = field(default_factory=dict)
    recorded: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return the summary printed by the command (counts only)."""
        c = self.counts
        out = [
            f"imported {c['files']} file(s): {c['pairs_same']} pair(s) 'cùng người', "
            f"{c['pairs_different']} 'khác người' ({c['pairs_changed']} changed a stored "
            f"decision); {c['findings_fixed']} finding(s) 'đã sửa tại nguồn', "
            f"{c['findings_not_error']} 'không phải lỗi', {c['findings_reverted']} set back",
            f"stored: {c['stored_pairs']} pair decision(s), {c['stored_findings']} finding "
            f"decision(s) in {self.folder}",
            "they apply from the next `dancu clean`",
        ]
        if self.recorded:
            out.append(
                f"{len(self.recorded)} filled file(s) in the output folder recorded as imported: "
                "the next clean replaces them (a copy is in decisions/imported/)"
            )
        return out


def _run_records(out: Path, files: Sequence[FilledFile]) -> RunRecords:
    links_path = out / "links.parquet"
    if not links_path.is_file():
        raise InputError(f"{out}: no run here (no links.parquet); run `dancu clean` first")
    records = pl.read_parquet(links_path, columns=["source", "record_id"])
    wanted: set[tuple[str, str]] = set()
    for file in files:
        if file.pairs.height and "pair_key" in file.pairs.columns:
            for key in file.pairs["pair_key"].drop_nulls().to_list():
                parts = pair_key_parts(key)
                if parts is not None:
                    wanted |= {(parts[0], parts[1]), (parts[2], parts[3])}
    frames = {}
    for source in _SOURCES:
        path = out / f"{source}.parquet"
        ids = [r for s, r in wanted if s == source]
        if ids and path.is_file():
            frame = pl.read_parquet(path)
            frames[source] = frame.filter(pl.col("record_id").str.strip_chars().is_in(ids))
    schema = {"source": pl.String, "record_id": pl.String, "fingerprint": pl.String}
    prints = (
        record_fingerprints(records_frame(frames).collect())
        if frames
        else pl.DataFrame(schema=schema)
    )
    listed: list[pl.DataFrame] = []
    for name in ("findings.parquet", "findings_suppressed.parquet"):
        path = out / name
        if path.is_file() and "finding_key" in pl.read_parquet_schema(path):
            listed.append(pl.read_parquet(path, columns=["finding_key", "value"]))
    findings = (
        pl.concat(listed)
        if listed
        else pl.DataFrame(schema={"finding_key": pl.String, "value": pl.String})
    )
    return RunRecords(records=records, fingerprints=prints, findings=findings)


def _inside(out: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(out.resolve())
    except ValueError:
        return False
    return True


def run_review_import(
    out: Path, paths: Sequence[Path], *, now: dt.datetime | None = None
) -> ImportResult:
    """Import the filled ``paths`` into ``out/decisions/`` (module docstring).

    Raises :class:`~pipelines.errors.InputError` (exit code 2) when a file cannot be read or
    any row has a problem; nothing is stored then.
    """
    if not paths:
        raise InputError("no files to import; give the filled review files and worklists")
    now = now or dt.datetime.now(dt.UTC)
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise InputError(f"{missing[0]}: not found")
    files = [read_filled(p) for p in paths]
    run = _run_records(out, files)
    imported: Imported = imported_decisions(
        files, run, read_pair_decisions(out), read_finding_decisions(out), now
    )
    write_decisions(out, imported.pairs, imported.findings, paths, imported.counts, now)
    marker = read_marker(out)
    ours = marker.files if marker is not None else {}
    inside = [
        p
        for p in paths
        if _inside(out, p) and p.resolve().relative_to(out.resolve()).as_posix() in ours
    ]  # only files dancu wrote there: anyone else's stay theirs
    recorded = []
    if inside:
        record_written(out, inside, "review import")
        recorded = [p.resolve().relative_to(out.resolve()).as_posix() for p in inside]
    return ImportResult(folder=out / DECISIONS_DIR, counts=imported.counts, recorded=recorded)
