"""Benchmark: generate N residents, clean them with dancu, run Splink on the same raw files.

Each command runs in its own process so its peak memory is its own. Per-stage seconds and the
process's peak memory at the end of each stage come from the run's ``manifest.json``;
accuracy comes from the generator's ground truth. Unless ``--no-splink``, the anchor (Splink
5.0.0 + DuckDB 2.0.0, in its own ``uv`` environment, configured as STACK.md says) reads the
same raw CSV files; both tools are scored with the same pair counting over every record,
and printed side by side: precision, recall, F1, seconds (dancu's resolve stage, Splink's
train + predict + cluster) and peak memory. Then the true pairs each tool missed, by the
modifications (febrl profile) or defects (default profile) their records carry. Figures go
to ``DIR/bench-PROFILE.json``; the missed pairs to ``DIR/PROFILE/missed-pairs.parquet``.
Used by ``make bench`` (``N_BENCH=…``, ``PROFILE=default|febrl``, ``SPLINK=0``,
``ENGINE=spark``: the same files cleaned on Spark too, seconds, memory of the process tree
and whether the outputs are identical side by side).

Example:
    >>> print(stage_table([{"name": "ingest", "source": "residents", "rows_in": 10,
    ...                     "seconds": 0.5, "peak_rss_mb": 120.0}]).splitlines()[2])
    ingest        residents            10      0.50      120
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["main", "speed_line", "stage_table"]

ROOT = Path(__file__).resolve().parents[1]


def _memory_kb(pid: int) -> int:
    """Return the proportional set size (KB) of ``pid``: shared pages split among sharers.

    Spark's Python workers are forked from one daemon and share most of their pages; summing
    their resident sizes would count those pages once per worker. Falls back to the resident
    size where ``smaps_rollup`` is not readable.
    """
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        return (
            int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * resource.getpagesize() // 1024
        )
    except OSError:
        return 0


def _tree_memory_mb(root: int) -> float:
    """Return the memory (MB, proportional set size) of process ``root`` and its descendants."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = {root}, {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - tree
        tree |= frontier
    return sum(_memory_kb(pid) for pid in tree) / 1024


def _run(args: Sequence[str]) -> tuple[float, float]:
    """Run a dancu command; return (seconds, peak MB of its process tree).

    The tree's memory (proportional set sizes) is sampled twice a second: a Spark run's JVM
    and Python workers are descendants of the dancu process, and they count.
    """
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "pipelines.cli", *args])
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, _tree_memory_mb(child.pid))
        time.sleep(0.5)
    seconds = time.perf_counter() - start
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args)
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


def speed_line(rows: Sequence[Mapping[str, Any]]) -> str:
    """Return how dancu compares with the anchor: F1 difference and speed ratio.

    Example:
        >>> print(speed_line([{"tool": "dancu", "f1": 0.99, "seconds": 10.0},
        ...                   {"tool": "splink", "f1": 0.97, "seconds": 25.0}]))
        dancu F1 − Splink F1 = +0.0200; Splink's seconds / dancu's = 2.50×
    """
    by = {r["tool"]: r for r in rows}
    d, s = by["dancu"], by["splink"]
    diff = "n/a" if d["f1"] is None or s["f1"] is None else f"{d['f1'] - s['f1']:+.4f}"
    ratio = s["seconds"] / d["seconds"] if d["seconds"] else float("nan")
    return f"dancu F1 − Splink F1 = {diff}; Splink's seconds / dancu's = {ratio:.2f}×"


def engine_line(
    local_out: Path,
    spark_out: Path,
    local: Mapping[str, Any] | None,
    spark: Mapping[str, Any] | None,
) -> str:
    """Return how the Spark run compares with the local one: seconds, memory, same outputs."""
    if local is None or spark is None:
        return "engines: a run failed, nothing to compare"
    import polars as pl

    same = [
        name
        for name in ("links.parquet", "persons.parquet", "findings.parquet")
        if pl.read_parquet(local_out / name).equals(pl.read_parquet(spark_out / name))
    ]
    ratio = spark["clean_seconds"] / local["clean_seconds"]
    return (
        f"engines: spark clean {spark['clean_seconds']:.1f} s vs local "
        f"{local['clean_seconds']:.1f} s ({ratio:.2f}×); process tree peak "
        f"{spark['tree_peak_mb']:.0f} vs {local['tree_peak_mb']:.0f} MB; identical "
        f"{', '.join(same) if same else 'nothing'} (of links, persons, findings)"
    )


def _default_uv() -> str:
    return shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=Path("data/bench"))
    parser.add_argument("--as-of", default="2026-11-22")
    parser.add_argument("--profile", choices=("default", "febrl"), default="default")
    parser.add_argument("--no-splink", action="store_true", help="Skip the Splink anchor.")
    parser.add_argument("--uv", default=None, help="uv executable (default: on PATH, .tools/).")
    parser.add_argument("--top", type=int, default=30, help="Kinds listed in the misses table.")
    parser.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="spark: also clean the same files with --engine spark and compare the two runs.",
    )
    parser.add_argument("--spark-master", default="local[2]", help="Master for --engine spark.")
    return parser


def _dancu(
    args: argparse.Namespace, raw: Path, out: Path, engine: Sequence[str] = ()
) -> dict[str, Any] | None:
    """Clean ``raw`` with dancu and print its stages and evaluation; None if the run failed."""
    import polars as pl

    from pipelines.config import ResolveConfig
    from pipelines.evaluate.report import evaluation, evaluation_text

    try:  # --fresh: no ids carried from the last bench (its folder is replaced as usual)
        clean_s, tree_peak = _run(
            ["clean", "--raw", str(raw), "--out", str(out), "--as-of", args.as_of, "--fresh",
             "-q", *engine]
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        print(f"\n!! dancu clean FAILED (exit {exc.returncode}); its traceback is above")
        return None
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    peak = max(float(s.get("peak_rss_mb", 0)) for s in manifest["stages"])
    print(
        f"clean     {clean_s:7.1f} s   peak {peak:7.0f} MB (process), "
        f"{tree_peak:7.0f} MB (process tree)\n"
    )
    print(stage_table(manifest["stages"]))
    print("\n== dancu's accuracy against the generator's ground truth")
    start = time.perf_counter()
    print(evaluation_text(evaluation(out, raw / "_truth" / "truth.parquet", ResolveConfig())))
    print(f"(evaluated in {time.perf_counter() - start:.1f} s)")
    return {
        "assigned": pl.read_parquet(out / "links.parquet"),
        "seconds": sum(s["seconds"] for s in manifest["stages"] if s["name"] == "resolve"),
        "timed": f"resolve stage (clean {clean_s:.1f} s)",
        "peak_mb": max(peak, tree_peak),  # a Spark run's JVM and workers count
        "tree_peak_mb": tree_peak,
        "clean_seconds": clean_s,
        "stages": manifest["stages"],
    }


def _splink(args: argparse.Namespace, raw: Path, anchor: Path) -> dict[str, Any]:
    """Run the Splink anchor on ``raw`` and print what it took."""
    from pipelines.anchor.run import run_splink, splink_assignment

    print(f"\n== Splink anchor on the same raw files (log: {anchor / 'splink.log'})")
    start = time.perf_counter()
    figures = run_splink(args.uv or _default_uv(), raw, anchor)
    sec = figures["seconds"]
    print(
        f"process {time.perf_counter() - start:.1f} s, pre-processing "
        f"{sec['preprocess']:.1f} s, {figures['predicted_pairs']:,} scored pairs"
    )
    return {
        **figures,
        "assigned": splink_assignment(anchor),
        "seconds": sec["train_predict_cluster"],
        "timed": f"train {sec['train']:.1f} + predict {sec['predict']:.1f} "
        f"+ cluster {sec['cluster']:.1f}",
        "peak_mb": figures["peak_rss_mb"],
    }


def _row(tool: str, result: Mapping[str, Any] | None, truth: Any) -> dict[str, Any]:
    """Return a side-by-side row; a tool that failed has no figures."""
    from pipelines.evaluate.side_by_side import scored

    if result is None:
        empty = dict.fromkeys(("precision", "recall", "f1", "seconds", "peak_mb"))
        return {"tool": tool, "records": truth.height, **empty, "timed": "FAILED"}
    overall = scored(result["assigned"], truth)["overall"]
    return {
        "tool": tool,
        "records": truth.height,
        **{k: overall[k] for k in ("precision", "recall", "f1", "tp", "fp", "fn")},
        "seconds": result["seconds"],
        "timed": result["timed"],
        "peak_mb": result["peak_mb"],
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its report."""
    args = _parser().parse_args(argv)
    base = args.dir / args.profile
    raw, out, anchor = base / "raw", base / "clean", base / "splink"
    gen_s, gen_peak = _run(
        ["generate", "--out", str(raw), "--residents", str(args.residents),
         "--seed", str(args.seed), "--as-of", args.as_of, "--profile", args.profile, "-q"]
    )  # fmt: skip

    import polars as pl

    from pipelines.evaluate.missed import (
        false_pair_names,
        missed_by_kind,
        missed_pairs,
        missed_table,
        pair_kinds,
        recall_by_changes,
        record_kinds,
        true_pairs,
    )
    from pipelines.evaluate.side_by_side import side_by_side_table

    truth = pl.read_parquet(raw / "_truth" / "truth.parquet")
    print(
        f"\n== dancu bench, profile {args.profile}: {args.residents:,} residents, "
        f"{truth.height:,} records in all"
    )
    print(f"generate  {gen_s:7.1f} s   peak {gen_peak:7.0f} MB")
    results: dict[str, dict[str, Any] | None] = {"dancu": _dancu(args, raw, out)}
    if args.engine == "spark":
        print(f"\n== dancu on Spark ({args.spark_master}), the same raw files")
        spark_out = base / "clean-spark"
        engine = ["--engine", "spark", "--spark-master", args.spark_master]
        results["dancu-spark"] = _dancu(args, raw, spark_out, engine)
        print(engine_line(out, spark_out, results["dancu"], results["dancu-spark"]))
    if not args.no_splink:
        results["splink"] = _splink(args, raw, anchor)

    rows = [_row(tool, r, truth) for tool, r in results.items()]
    print(f"\n== side by side: profile {args.profile}, {args.residents:,} residents")
    print(side_by_side_table(rows))
    if all(r is not None for r in results.values()) and "splink" in results:
        print(speed_line(rows))

    done = {tool: r["assigned"] for tool, r in results.items() if r is not None}
    by_kind = single = pl.DataFrame()
    namesakes: dict[str, dict[str, int]] = {}
    if done:
        pairs = pair_kinds(true_pairs(truth), record_kinds(raw / "_truth"))
        by_kind = missed_by_kind(pairs, done)
        print("\n== true pairs missed, by what was done to either record")
        print(missed_table(by_kind, list(done), args.top))
        print("\n== recall by the number of logged changes the two records carry")
        print(recall_by_changes(pairs, done))
        single = missed_by_kind(pairs.filter(pl.col("changes") == 1), done)
        print("\n== true pairs whose two records differ by exactly one logged change")
        print(missed_table(single, list(done), args.top))
        missed = missed_pairs(pairs, done)
        missed.write_parquet(base / "missed-pairs.parquet")
        print(f"({missed.height:,} pairs missed by a tool: {base / 'missed-pairs.parquet'})")
        persons = pl.read_parquet(raw / "_truth" / "persons.parquet").with_columns(
            pl.col("birth_date").cast(pl.String)
        )
        print("\n== false pairs (records of two people put together)")
        for tool, assigned in done.items():
            c = namesakes[tool] = false_pair_names(assigned, truth, persons)
            print(
                f"{tool:<8} {c['false_pairs']:>9,} false pairs, {c['same_name']:,} between "
                f"people of the same name, {c['same_name_and_year']:,} also born the same year"
            )

    report = {
        "profile": args.profile,
        "residents": args.residents,
        "seed": args.seed,
        "records": truth.height,
        "generate_seconds": gen_s,
        "side_by_side": rows,
        "tools": {
            tool: None
            if r is None
            else {k: v for k, v in r.items() if k != "assigned"} | {"namesakes": namesakes[tool]}
            for tool, r in results.items()
        },
        "missed_by_kind": by_kind.to_dicts(),
        "missed_by_single_change": single.to_dicts(),
    }
    target = args.dir / f"bench-{args.profile}.json"
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nfigures: {target}")
    if results["dancu"] is None:
        sys.exit(1)


if __name__ == "__main__":
    main()
