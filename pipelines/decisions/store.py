"""The ``decisions/`` folder of an output folder: the stewards' decisions, kept across runs.

Like ``history/``, ``decisions/`` is carried from run to run and never replaced by ``dancu
clean``; only ``dancu review import`` writes it:

* ``pairs.parquet`` — one row per decided pair (:data:`PAIR_DECISIONS_SCHEMA`): ``same`` or
  ``different``, the fingerprints of both records as the steward saw them, who and when
  (where the file says), the file and run it came from, when it was imported;
* ``findings.parquet`` — one row per decided finding (:data:`FINDING_DECISIONS_SCHEMA`):
  ``fixed`` or ``not_error``, the value the steward saw, who, when, note;
* ``imports.jsonl`` — one line per import: when, the files (name, sha256), the counts;
* ``imported/`` — a copy of every imported file, named by the time of the import.

A later import replaces the decision on the same pair or finding (the latest word counts).
Each table is written to a temporary name and renamed into place; an import that fails
before writing leaves everything as it was.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> read_pair_decisions(out).height, read_finding_decisions(out).columns[:2]
    (0, ['finding_key', 'source'])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.errors import InputError, OutputError

__all__ = [
    "DECISIONS_DIR",
    "FINDING_DECISIONS_SCHEMA",
    "PAIR_DECISIONS_SCHEMA",
    "read_finding_decisions",
    "read_pair_decisions",
    "write_decisions",
]

DECISIONS_DIR: Final = "decisions"
PAIRS_FILE: Final = "pairs.parquet"
FINDINGS_FILE: Final = "findings.parquet"
LOG_FILE: Final = "imports.jsonl"
IMPORTED_DIR: Final = "imported"

_WHO: Final = {
    "decided_by": pl.String(),
    "decided_on": pl.String(),
    "note": pl.String(),
    "run_id": pl.String(),
    "file": pl.String(),
    "imported_at": pl.String(),
}

PAIR_DECISIONS_SCHEMA: Final = pl.Schema(
    {
        "pair_key": pl.String(),
        "source_l": pl.String(),
        "record_id_l": pl.String(),
        "source_r": pl.String(),
        "record_id_r": pl.String(),
        "decision": pl.String(),
        "fingerprint_l": pl.String(),
        "fingerprint_r": pl.String(),
        "match_probability": pl.Float64(),
        **_WHO,
    }
)
"""Columns of ``decisions/pairs.parquet``."""

FINDING_DECISIONS_SCHEMA: Final = pl.Schema(
    {
        "finding_key": pl.String(),
        "source": pl.String(),
        "record_id": pl.String(),
        "rule": pl.String(),
        "column": pl.String(),
        "value": pl.String(),
        "status": pl.String(),
        **_WHO,
    }
)
"""Columns of ``decisions/findings.parquet``."""


def _read(path: Path, schema: pl.Schema) -> pl.DataFrame:
    if not path.is_file():
        return pl.DataFrame(schema=schema)
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several kinds for a broken file
        raise InputError(
            f"{path}: the stored decisions cannot be read ({type(exc).__name__}); restore the "
            "file from a backup, or move it away to start without decisions"
        ) from None
    missing = [c for c in schema.names() if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: not a decisions file (no column {', '.join(missing)})")
    return frame.select(schema.names()).cast(schema)


def read_pair_decisions(out: Path) -> pl.DataFrame:
    """Return the stored pair decisions of output folder ``out`` (empty when none)."""
    return _read(out / DECISIONS_DIR / PAIRS_FILE, PAIR_DECISIONS_SCHEMA)


def read_finding_decisions(out: Path) -> pl.DataFrame:
    """Return the stored finding decisions of output folder ``out`` (empty when none)."""
    return _read(out / DECISIONS_DIR / FINDINGS_FILE, FINDING_DECISIONS_SCHEMA)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _replace_parquet(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.write_parquet(tmp, compression="zstd", statistics=True)
    os.replace(tmp, path)


def write_decisions(
    out: Path,
    pairs: pl.DataFrame,
    findings: pl.DataFrame,
    files: Sequence[Path],
    counts: Mapping[str, Any],
    now: dt.datetime,
) -> list[Path]:
    """Store the merged decision tables, log the import and keep a copy of each file.

    ``pairs`` and ``findings`` are the complete tables after the import (stored decisions
    with the new ones merged in). Returns the paths written.
    """
    folder = out / DECISIONS_DIR
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    written: list[Path] = []
    try:
        (folder / IMPORTED_DIR).mkdir(parents=True, exist_ok=True)
        copies = []
        for path in files:
            target = folder / IMPORTED_DIR / f"{stamp}-{path.name}"
            n = 1
            while target.exists():
                n += 1
                target = folder / IMPORTED_DIR / f"{stamp}-{n}-{path.name}"
            shutil.copy2(path, target)
            copies.append(target)
        _replace_parquet(pairs.select(PAIR_DECISIONS_SCHEMA.names()), folder / PAIRS_FILE)
        _replace_parquet(findings.select(FINDING_DECISIONS_SCHEMA.names()), folder / FINDINGS_FILE)
        entry = {
            "imported_at": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "files": [
                {"name": p.name, "sha256": _sha256(p), "copy": c.relative_to(folder).as_posix()}
                for p, c in zip(files, copies, strict=True)
            ],
            "counts": dict(counts),
        }
        with (folder / LOG_FILE).open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot store the decisions: {exc.strerror or exc}; run the import again"
        ) from exc
    written += [folder / PAIRS_FILE, folder / FINDINGS_FILE, folder / LOG_FILE, *copies]
    return written
