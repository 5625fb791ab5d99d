"""``dancu evaluate --labels``: the stewards' pair decisions as labels that measure the model.

Every decided pair is a labelled pair: ``cùng người`` a true match, ``khác người`` a true
non-match. The model's *automatic* decision on it is whether its match probability reaches
``[resolve] match_threshold`` — what dancu would have done had nobody decided (like Splink's
truth-space accuracy from labelled pairs). The probability is this run's
(``review_pairs.parquet``, decided rows) where the run already applied the decision, else the
one the review file showed (stored with the decision).

Read the figures for what they are: stewards decide the doubtful pairs only, those of the
review band, so these are the precision and recall of the automatic decisions *where the
model doubts*, not over all pairs (``dancu evaluate --truth`` measures those on synthetic data).

Example:
    >>> d = pl.DataFrame({"pair_key": ["a", "b", "c", "d"],
    ...     "decision": ["same", "same", "different", "different"],
    ...     "match_probability": [0.96, 0.6, 0.93, 0.55]})
    >>> m = label_metrics(d, None, 0.9)
    >>> m["tp"], m["fn"], m["fp"], m["tn"], m["precision"], m["recall"]
    (1, 1, 1, 1, 0.5, 0.5)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.decisions.store import read_pair_decisions
from pipelines.errors import InputError

__all__ = ["label_evaluation", "label_metrics", "labels_text"]

_BANDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0000001)


def _ratio(a: int, b: int) -> float | None:
    return None if b == 0 else a / b


def label_metrics(
    decisions: pl.DataFrame, review: pl.DataFrame | None, threshold: float
) -> dict[str, Any]:
    """Return the confusion counts, precision, recall and F1 of the automatic decisions.

    ``decisions``: ``pair_key, decision`` and the ``match_probability`` shown to the steward;
    ``review``: the run's ``review_pairs.parquet`` (its decided rows' probabilities win).
    Also ``by_band``: per band of probability, the pairs and the share labelled same.
    """
    current = (
        review.filter(pl.col("status") == "decided").select(
            "pair_key", pl.col("match_probability").alias("_now")
        )
        if review is not None and "status" in review.columns
        else pl.DataFrame(schema={"pair_key": pl.String, "_now": pl.Float64})
    )
    labelled = (
        decisions.select("pair_key", "decision", "match_probability")
        .join(current, on="pair_key", how="left")
        .with_columns(
            pl.when(pl.col("_now").is_not_null())
            .then(pl.lit("this run"))
            .otherwise(pl.lit("review file"))
            .alias("scored_by"),
            pl.coalesce("_now", "match_probability").alias("p"),
        )
        .filter(pl.col("p").is_not_null())
    )
    same, auto = pl.col("decision") == "same", pl.col("p") >= threshold
    counts = labelled.select(
        (same & auto).sum().alias("tp"),
        (~same & auto).sum().alias("fp"),
        (same & ~auto).sum().alias("fn"),
        (~same & ~auto).sum().alias("tn"),
    ).row(0, named=True)
    tp, fp, fn, tn = (int(counts[k]) for k in ("tp", "fp", "fn", "tn"))
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = (
        None
        if precision is None or recall is None or precision + recall == 0
        else 2 * precision * recall / (precision + recall)
    )
    bands = []
    for lo, hi in itertools.pairwise(_BANDS):
        part = labelled.filter((pl.col("p") >= lo) & (pl.col("p") < hi))
        if part.height:
            bands.append(
                {
                    "from": lo,
                    "to": min(hi, 1.0),
                    "pairs": part.height,
                    "same": int(part.filter(same).height),
                    "mean_probability": round(float(part.select(pl.col("p").mean()).item()), 4),
                }
            )
    return {
        "labelled_pairs": labelled.height,
        "unscored": decisions.height - labelled.height,
        "scored_by_this_run": labelled.filter(pl.col("scored_by") == "this run").height,
        "threshold": threshold,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "by_band": bands,
    }


def label_evaluation(out: Path, threshold: float) -> dict[str, Any]:
    """Return :func:`label_metrics` of the decisions stored in ``out/decisions/``."""
    decisions = read_pair_decisions(out)
    if decisions.height == 0:
        raise InputError(
            f"{out / 'decisions'}: no pair decisions yet; fill the review files in "
            f"{out / 'reports' / 'review'} and import them (dancu review import)"
        )
    path = out / "review_pairs.parquet"
    review = pl.read_parquet(path) if path.is_file() else None
    return label_metrics(decisions, review, threshold)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def labels_text(result: Mapping[str, Any]) -> str:
    """Return the label evaluation as plain text (counts and ratios only)."""
    r = result
    lines = [
        f"Automatic decisions against {r['labelled_pairs']} stewards' decisions "
        f"(match_threshold {r['threshold']}; {r['scored_by_this_run']} scored by this run, "
        f"the others by the run that asked)",
        f"{'':<26}{'decided same':>14}{'decided different':>19}",
        f"{'dancu merges (p >= t)':<26}{r['tp']:>14}{r['fp']:>19}",
        f"{'dancu keeps apart':<26}{r['fn']:>14}{r['tn']:>19}",
        f"precision {_fmt(r['precision'])}  recall {_fmt(r['recall'])}  F1 {_fmt(r['f1'])}",
        "by match probability:",
    ]
    for b in r["by_band"]:
        lines.append(
            f"  {b['from']:.2f}–{b['to']:.2f}: {b['pairs']:>5} pairs, {b['same']:>5} decided "
            f"same, mean probability {b['mean_probability']:.3f}"
        )
    lines.append(
        "(stewards decide the doubtful pairs of the review band: these measure the automatic "
        "decisions where the model doubts, not over all pairs)"
    )
    if r["unscored"]:
        lines.append(f"{r['unscored']} decision(s) without a probability were left out")
    return "\n".join(lines)
