"""Start the Splink anchor in its own environment and read back what it found.

Splink 5.0.0 and DuckDB 2.0.0 are never installed in dancu's environment: ``uv run
--no-project --with …`` builds a throw-away one (cached by uv after the first run) and runs
:mod:`pipelines.anchor.splink_run` from the repository root.

Example:
    >>> splink_command("uv", Path("raw"), Path("out"))[:6]
    ['uv', 'run', '--no-project', '--with', 'splink==5.0.0', '--with']
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import polars as pl

__all__ = [
    "DUCKDB_VERSION",
    "SPLINK_VERSION",
    "AnchorError",
    "run_splink",
    "splink_assignment",
    "splink_command",
]

SPLINK_VERSION = "5.0.0"
DUCKDB_VERSION = "2.0.0"
ROOT = Path(__file__).resolve().parents[2]


class AnchorError(RuntimeError):
    """The Splink run failed; the message ends with the tail of its log."""


def splink_command(uv: str, raw: Path, out: Path) -> list[str]:
    """Return the command that runs the anchor on ``raw`` into ``out``."""
    return [
        uv,
        "run",
        "--no-project",
        "--with",
        f"splink=={SPLINK_VERSION}",
        "--with",
        f"duckdb=={DUCKDB_VERSION}",
        "python",
        "-m",
        "pipelines.anchor.splink_run",
        "--raw",
        str(raw.resolve()),
        "--out",
        str(out.resolve()),
    ]


def run_splink(uv: str, raw: Path, out: Path) -> dict[str, Any]:
    """Run the anchor (Splink's messages go to ``out/splink.log``); return ``splink.json``."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("splink.json", "clusters.parquet"):
        (out / stale).unlink(missing_ok=True)
    log = out / "splink.log"
    with log.open("w", encoding="utf-8") as fh:
        done = subprocess.run(
            splink_command(uv, raw, out), cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, check=False
        )
    if done.returncode != 0 or not (out / "splink.json").is_file():
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
        raise AnchorError(f"Splink anchor failed (exit {done.returncode}); {log}:\n{tail}")
    result: dict[str, Any] = json.loads((out / "splink.json").read_text(encoding="utf-8"))
    return result


def splink_assignment(out: Path) -> pl.DataFrame:
    """Return Splink's clusters as ``source, record_id, person_id`` (what dancu's links hold).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "cluster_id": ["c"]}
        ...              ).write_parquet(d / "clusters.parquet")
        >>> splink_assignment(d).columns
        ['source', 'record_id', 'person_id']
    """
    return pl.read_parquet(out / "clusters.parquet").select(
        "source", "record_id", pl.col("cluster_id").cast(pl.String).alias("person_id")
    )
