"""``dancu evaluate``: how well a run's ``person_id`` and findings match the ground truth.

Reads a clean run (``links.parquet`` and the standardised source files) and a truth file
(``source, record_id, person_key``, as ``dancu generate`` writes it); reports pairwise
precision / recall / F1 of ``person_id`` overall, within each source and across each pair of
sources, the blocking recall (share of true pairs among the candidate pairs, recomputed with
the run's settings), and — when ``defects.parquet`` sits beside the truth file — the findings
report (recall per defect kind, false findings per rule).

Example:
    >>> m = {"overall": {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "tp": 1, "fp": 0,
    ...      "fn": 1}, "by_source": {}, "across_sources": {}}
    >>> print(metrics_table(m).splitlines()[2])
    overall                       1.0000  0.5000  0.6667         1         0         1
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.config import ResolveConfig
from pipelines.errors import InputError
from pipelines.evaluate.findings import findings_report
from pipelines.evaluate.pairs import blocking_recall_in_parts, pairwise_metrics
from pipelines.io.outdir import scratch_folder
from pipelines.resolve.pairs_store import run_candidates
from pipelines.resolve.records import records_frame

__all__ = ["evaluation", "evaluation_text", "metrics_table"]

SOURCES = ("residents", "civil_events", "insurance")


def _read(path: Path, what: str) -> pl.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: {what} not found; run `dancu clean` (or generate) first")
    return pl.read_parquet(path)


def _fmt(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:.4f}"


def metrics_table(metrics: Mapping[str, Any]) -> str:
    """Return pairwise metrics as a fixed-width table (overall, per source, across sources)."""
    rows = [("overall", metrics["overall"])]
    rows += [(f"within {s}", m) for s, m in metrics["by_source"].items()]
    rows += [(f"{k.replace('|', ' × ')}", m) for k, m in metrics["across_sources"].items()]
    lines = [
        f"{'pairs':<28} {'prec.':>7} {'recall':>7} {'F1':>7} {'tp':>9} {'fp':>9} {'fn':>9}",
        "-" * 82,
    ]
    for name, m in rows:
        lines.append(
            f"{name:<28} {_fmt(m['precision']):>7} {_fmt(m['recall']):>7} {_fmt(m['f1']):>7} "
            f"{m['tp']:>9} {m['fp']:>9} {m['fn']:>9}"
        )
    return "\n".join(lines)


def evaluation(out: Path, truth_path: Path, cfg: ResolveConfig) -> dict[str, Any]:
    """Return the evaluation of the run in ``out`` against ``truth_path`` (JSON-ready)."""
    truth = _read(truth_path, "truth file")
    missing = {"source", "record_id", "person_key"} - set(truth.columns)
    if missing:
        raise InputError(f"{truth_path}: missing column(s) {', '.join(sorted(missing))}")
    links = _read(out / "links.parquet", "links.parquet")
    frames = {
        s: pl.scan_parquet(out / f"{s}.parquet")
        for s in SOURCES
        if (out / f"{s}.parquet").is_file()
    }
    records = records_frame(frames).collect()
    # the candidates as the run made them: spilled in partitions, read one at a time
    # beside the run's outputs, on the disk the user chose (not /tmp, often memory)
    with scratch_folder(out) as folder:
        store = run_candidates(records, folder / "pairs", cfg)
        blocking = blocking_recall_in_parts(
            records.select("rid", "source", "record_id"), store.parts(), truth
        )
    del records
    result: dict[str, Any] = {
        "persons": pairwise_metrics(links, truth),
        "blocking": blocking,
    }
    truth_dir = truth_path.parent
    if (truth_dir / "defects.parquet").is_file() and (truth_dir / "persons.parquet").is_file():
        result["findings_report"] = findings_report(out, truth_dir)
    return result


def evaluation_text(result: Mapping[str, Any]) -> str:
    """Return the evaluation as plain text for the console."""
    blocking = result["blocking"]
    parts = [
        "Person resolution: pairwise precision / recall / F1 of person_id",
        metrics_table(result["persons"]),
        "",
        f"Blocking: {blocking['candidate_pairs']:,} candidate pairs hold "
        f"{blocking['true_pairs_found']:,} of {blocking['true_pairs']:,} true pairs "
        f"(recall {_fmt(blocking['recall'])})",
    ]
    if "findings_report" in result:
        parts += ["", result["findings_report"]]
    return "\n".join(parts)
