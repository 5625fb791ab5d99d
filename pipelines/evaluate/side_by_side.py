"""Two tools on the same records: pairwise precision / recall / F1, seconds, peak memory.

Both tools are scored by :func:`pipelines.evaluate.pairs.pairwise_metrics` over *every*
record of the truth: a record a tool did not assign (dancu's quarantine) counts as a
singleton, so the recall denominator is all true pairs for both.

Example:
    >>> row = {"tool": "dancu", "records": 10, "precision": 1.0, "recall": 0.5, "f1": 2 / 3,
    ...        "seconds": 1.5, "timed": "resolve", "peak_mb": 900.0}
    >>> side_by_side_table([row]).splitlines()[2].split()
    ['dancu', '10', '1.0000', '0.5000', '0.6667', '1.5', 'resolve', '900']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from pipelines.evaluate.pairs import pairwise_metrics

__all__ = ["over_truth", "scored", "side_by_side_table"]


def over_truth(assigned: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Return one row per truth record with the tool's ``person_id`` (null if it had none).

    Example:
        >>> t = pl.DataFrame({"source": ["r", "r"], "record_id": ["1", "2"],
        ...                   "person_key": ["K", "K"]})
        >>> a = pl.DataFrame({"source": ["r"], "record_id": ["1"], "person_id": ["P"]})
        >>> over_truth(a, t)["person_id"].to_list()
        ['P', None]
    """
    keys = truth.select(pl.col("source").cast(pl.String), pl.col("record_id").cast(pl.String))
    ids = assigned.select(
        pl.col("source").cast(pl.String),
        pl.col("record_id").cast(pl.String),
        pl.col("person_id").cast(pl.String),
    ).unique(subset=["source", "record_id"], keep="first")
    return keys.join(ids, on=["source", "record_id"], how="left", maintain_order="left")


def scored(assigned: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    """Return :func:`pairwise_metrics` of ``assigned`` over all truth records.

    Example:
        >>> t = pl.DataFrame({"source": ["r", "r"], "record_id": ["1", "2"],
        ...                   "person_key": ["K", "K"]})
        >>> scored(pl.DataFrame(schema={"source": pl.String, "record_id": pl.String,
        ...                             "person_id": pl.String}), t)["overall"]["recall"]
        0.0
    """
    return pairwise_metrics(over_truth(assigned, truth), truth)


def _num(value: float | None, fmt: str) -> str:
    return "n/a" if value is None else format(value, fmt)


def side_by_side_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Return one line per tool: records, precision, recall, F1, seconds (what), peak MB."""
    head = (
        f"{'tool':<8} {'records':>9} {'prec.':>8} {'recall':>7} {'F1':>7} {'seconds':>8}  "
        f"{'timed':<40} {'peak MB':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['tool']:<8} {r['records']:>9,} {_num(r['precision'], '.4f'):>8} "
            f"{_num(r['recall'], '.4f'):>7} {_num(r['f1'], '.4f'):>7} "
            f"{_num(r['seconds'], '.1f'):>8}  {r['timed']:<40} {_num(r['peak_mb'], ',.0f'):>7}"
        )
    return "\n".join(lines)
