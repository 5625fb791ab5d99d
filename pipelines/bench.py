"""Benchmark: generate N residents, run the pipeline, report seconds, peak memory, accuracy.

Each command runs in its own process so its peak memory is its own. Per-stage seconds and the
process's peak memory at the end of each stage come from the run's ``manifest.json``;
accuracy comes from the generator's ground truth. Used by ``make bench`` (``N_BENCH=…``).

Example:
    >>> print(stage_table([{"name": "ingest", "source": "residents", "rows_in": 10,
    ...                     "seconds": 0.5, "peak_rss_mb": 120.0}]).splitlines()[2])
    ingest        residents            10      0.50      120
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["main", "stage_table"]


def _run(args: Sequence[str]) -> tuple[float, float]:
    """Run a dancu command; return (seconds, peak MB of the child processes so far)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines.cli", *args], check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak


def stage_table(stages: Sequence[Mapping[str, Any]]) -> str:
    """Return a fixed-width table of the manifest's stages: seconds and peak memory."""
    lines = [
        f"{'stage':<13} {'source':<13} {'rows in':>9} {'seconds':>9} {'peak MB':>8}",
        "-" * 56,
    ]
    for s in stages:
        lines.append(
            f"{s['name']:<13} {s['source']:<13} {s['rows_in']:>9} {s['seconds']:>9.2f} "
            f"{s.get('peak_rss_mb', 0):>8.0f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=Path("data/bench"))
    parser.add_argument("--as-of", default="2026-11-22")
    args = parser.parse_args(argv)
    raw, out = args.dir / "raw", args.dir / "clean"
    gen_s, gen_peak = _run(
        ["generate", "--out", str(raw), "--residents", str(args.residents),
         "--seed", str(args.seed), "--as-of", args.as_of, "-q"]
    )  # fmt: skip
    clean_s, clean_peak = _run(
        ["clean", "--raw", str(raw), "--out", str(out), "--as-of", args.as_of, "-q"]
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = sum(int(a["rows_in"]) for a in manifest["accounting"].values())

    from pipelines.config import ResolveConfig
    from pipelines.evaluate.report import evaluation, evaluation_text

    print(f"\n== dancu bench: {args.residents:,} residents, {rows:,} records in all")
    print(f"generate  {gen_s:7.1f} s   peak {gen_peak:7.0f} MB")
    print(f"clean     {clean_s:7.1f} s   peak {clean_peak:7.0f} MB (process, incl. start-up)\n")
    print(stage_table(manifest["stages"]))
    print("\n== accuracy against the generator's ground truth")
    start = time.perf_counter()
    print(evaluation_text(evaluation(out, raw / "_truth" / "truth.parquet", ResolveConfig())))
    print(f"(evaluated in {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
