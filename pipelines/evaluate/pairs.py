"""Pairwise accuracy of person resolution against the ground truth, by counting.

A *pair* is an unordered pair of distinct records. Predicted pairs share a ``person_id``,
true pairs share a ``person_key``, true positives share both. With ``n`` records in a group
there are ``n·(n−1)/2`` pairs in it, so every figure is a sum over groups of the contingency
of ``(person_id, person_key)``: nothing is ever materialised pair by pair.

* **overall**: all pairs;
* **within each source**: both records in that source;
* **across each pair of sources** ``a|b`` (sorted names): one record in ``a``, one in ``b``;
  a group with ``n_a`` and ``n_b`` records there holds ``n_a·n_b`` such pairs.

Records are matched on ``(source, record_id)``; those present on one side only are left out
and counted (``unmatched_assigned``, ``unmatched_truth``). A null ``person_id`` or
``person_key`` makes the record a singleton on that side. Precision is ``None`` when nothing
was predicted, recall ``None`` when there is nothing to find, F1 ``None`` if either is.

Example:
    >>> a = pl.DataFrame({"source": ["residents"] * 3, "record_id": ["1", "2", "3"],
    ...                   "person_id": ["P1", "P1", "P1"]})
    >>> t = a.rename({"person_id": "person_key"}).with_columns(
    ...     person_key=pl.Series(["K1", "K1", "K2"]))
    >>> m = pairwise_metrics(a, t)["overall"]
    >>> m["tp"], m["fp"], m["fn"], round(m["precision"], 3), m["recall"]
    (1, 2, 0, 0.333, 1.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import polars as pl

__all__ = ["blocking_recall", "blocking_recall_in_parts", "pairwise_metrics"]

_KEY = ["source", "record_id"]


def _scores(tp: int, predicted: int, true: int) -> dict[str, Any]:
    precision = tp / predicted if predicted else None
    recall = tp / true if true else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else (0.0 if precision == 0 and recall == 0 else None)
    )
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": predicted - tp,
        "fn": true - tp,
        "predicted_pairs": predicted,
        "true_pairs": true,
    }


def _pair_counts(cells: pl.DataFrame, by: list[str], sources: list[str]) -> dict[str, int]:
    """Pairs sharing ``by``: ``"all"``, ``"a|a"`` within each source, ``"a|b"`` across (a < b).

    ``cells`` holds ``by`` columns, ``source`` and ``n`` (records in that cell); the counts
    per group and source are summed once, then every figure is one column expression.
    """
    wide = cells.group_by(by).agg(
        pl.col("n").sum().cast(pl.Int64).alias("total"),
        *(
            pl.col("n").filter(pl.col("source") == s).sum().cast(pl.Int64).alias(f"n{i}")
            for i, s in enumerate(sources)
        ),
    )
    total = pl.col("total")
    exprs = {"all": (total * (total - 1) // 2).sum()}
    for i, a in enumerate(sources):
        exprs[f"{a}|{a}"] = (pl.col(f"n{i}") * (pl.col(f"n{i}") - 1) // 2).sum()
        for j in range(i + 1, len(sources)):
            exprs[f"{a}|{sources[j]}"] = (pl.col(f"n{i}") * pl.col(f"n{j}")).sum()
    row = wide.select(**{k: e.cast(pl.Int64) for k, e in exprs.items()}).row(0, named=True)
    return {k: int(v or 0) for k, v in row.items()}


def pairwise_metrics(assigned: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of ``person_id`` against ``person_key``.

    ``assigned``: ``source, record_id, person_id``; ``truth``: ``source, record_id,
    person_key``. Returns ``{"overall": m, "by_source": {source: m}, "across_sources":
    {"a|b": m}, "n_records", "unmatched_assigned", "unmatched_truth"}`` where each ``m`` has
    ``precision, recall, f1, tp, fp, fn, predicted_pairs, true_pairs`` (module docstring).

    Example:
        >>> a = pl.DataFrame({"source": ["residents", "insurance"], "record_id": ["1", "9"],
        ...                   "person_id": ["P1", "P1"]})
        >>> t = a.rename({"person_id": "person_key"})
        >>> r = pairwise_metrics(a, t)
        >>> r["overall"]["f1"], r["across_sources"]["insurance|residents"]["tp"]
        (1.0, 1)
    """
    left = assigned.select(
        pl.col("source").cast(pl.String),
        pl.col("record_id").cast(pl.String),
        pl.col("person_id").cast(pl.String),
    )
    right = truth.select(
        pl.col("source").cast(pl.String),
        pl.col("record_id").cast(pl.String),
        pl.col("person_key").cast(pl.String),
    )
    full = left.join(right, on=_KEY, how="full", coalesce=False)
    unmatched_assigned = full.filter(pl.col("source_right").is_null()).height
    unmatched_truth = full.filter(pl.col("source").is_null()).height
    both = full.filter(pl.col("source").is_not_null() & pl.col("source_right").is_not_null())
    # A null label pairs with nothing: such rows are dropped from the counts that group on it.
    cells = both.group_by("person_id", "person_key", "source").agg(n=pl.len())
    sources = sorted(both["source"].unique().drop_nulls().to_list())
    tp = _pair_counts(
        cells.drop_nulls(["person_id", "person_key"]), ["person_id", "person_key"], sources
    )
    predicted = _pair_counts(cells.drop_nulls("person_id"), ["person_id"], sources)
    true = _pair_counts(cells.drop_nulls("person_key"), ["person_key"], sources)

    def measure(k: str) -> dict[str, Any]:
        return _scores(tp[k], predicted[k], true[k])

    return {
        "overall": measure("all"),
        "by_source": {s: measure(f"{s}|{s}") for s in sources},
        "across_sources": {f"{a}|{b}": measure(f"{a}|{b}") for a, b in combinations(sources, 2)},
        "n_records": both.height,
        "unmatched_assigned": unmatched_assigned,
        "unmatched_truth": unmatched_truth,
    }


def blocking_recall(pairs_with_ids: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    """Share of the true pairs that blocking proposed as candidates.

    ``pairs_with_ids``: candidate pairs as ``source_l, record_id_l, source_r, record_id_r``
    (either orientation; duplicates and self pairs are ignored). ``truth``: ``source,
    record_id, person_key``. True pairs are counted, not enumerated (module docstring).
    Returns ``candidate_pairs`` (distinct), ``true_pairs``, ``true_pairs_found``, ``recall``
    (``None`` when there are no true pairs) and ``by_sources``: the same per source pair
    ``a|b`` (``a|a`` = within a source).

    Example:
        >>> t = pl.DataFrame({"source": ["residents"] * 3, "record_id": ["1", "2", "3"],
        ...                   "person_key": ["K", "K", "K"]})
        >>> c = pl.DataFrame({"source_l": ["residents"], "record_id_l": ["2"],
        ...                   "source_r": ["residents"], "record_id_r": ["1"]})
        >>> r = blocking_recall(c, t)
        >>> r["true_pairs_found"], r["true_pairs"], round(r["recall"], 3)
        (1, 3, 0.333)
    """
    cand = pairs_with_ids.select(
        pl.col("source_l").cast(pl.String),
        pl.col("record_id_l").cast(pl.String),
        pl.col("source_r").cast(pl.String),
        pl.col("record_id_r").cast(pl.String),
    )
    index = _truth_index(truth)
    cand = cand.join(index, left_on=["source_l", "record_id_l"], right_on=_KEY, how="left").join(
        index, left_on=["source_r", "record_id_r"], right_on=_KEY, how="left", suffix="_r"
    )
    known = cand.filter(pl.col("i").is_not_null() & pl.col("i_r").is_not_null())
    # Unordered pairs: normalise on the integer index, drop self pairs, deduplicate.
    known = (
        known.filter(pl.col("i") != pl.col("i_r"))
        .with_columns(
            pl.min_horizontal("i", "i_r").alias("lo"), pl.max_horizontal("i", "i_r").alias("hi")
        )
        .unique(subset=["lo", "hi"])
    )
    found = known.filter(pl.col("person_key") == pl.col("person_key_r")).select(
        pl.min_horizontal("source_l", "source_r").alias("source_l"),
        pl.max_horizontal("source_l", "source_r").alias("source_r"),
    )
    # Endpoints unknown to the truth only count as candidates (rarely any).
    unknown = cand.filter(pl.col("i").is_null() | pl.col("i_r").is_null())
    swap = (pl.col("source_l") > pl.col("source_r")) | (
        (pl.col("source_l") == pl.col("source_r")) & (pl.col("record_id_l") > pl.col("record_id_r"))
    )
    n_unknown = (
        unknown.select(
            pl.when(swap).then(pl.col(f"{c}_{x}")).otherwise(pl.col(f"{c}_{y}")).alias(f"{c}_{y}")
            for c in _KEY
            for x, y in (("r", "l"), ("l", "r"))
        )
        .filter(
            (pl.col("source_l") != pl.col("source_r"))
            | (pl.col("record_id_l") != pl.col("record_id_r"))
        )
        .unique()
        .height
    )
    counts = found.group_by("source_l", "source_r").len().iter_rows()
    return _recall_summary(known.height + n_unknown, {(a, b): n for a, b, n in counts}, index)


def _truth_index(truth: pl.DataFrame) -> pl.DataFrame:
    """``source, record_id, person_key`` as text, one row per record, with a row index ``i``."""
    return (
        truth.select(
            pl.col("source").cast(pl.String),
            pl.col("record_id").cast(pl.String),
            pl.col("person_key").cast(pl.String),
        )
        .unique(subset=_KEY, keep="first", maintain_order=True)
        .with_row_index("i")
    )


def _recall_summary(
    n_candidates: int, found: Mapping[tuple[str, str], int], index: pl.DataFrame
) -> dict[str, Any]:
    """Return :func:`blocking_recall`'s figures from the true pairs found per source pair."""
    keys = index.drop_nulls("person_key")
    sources = sorted(keys["source"].unique().drop_nulls().to_list())
    cells = keys.group_by("person_key", "source").agg(n=pl.len())
    true = _pair_counts(cells, ["person_key"], sources)
    by_sources: dict[str, dict[str, Any]] = {}
    for a, b in [(s, s) for s in sources] + list(combinations(sources, 2)):
        n_true = true[f"{a}|{b}"]
        n_found = found.get((a, b), 0)
        by_sources[f"{a}|{b}"] = {
            "true_pairs": n_true,
            "true_pairs_found": n_found,
            "recall": n_found / n_true if n_true else None,
        }
    n_true_all = true["all"]
    n_found_all = sum(found.values())
    return {
        "candidate_pairs": n_candidates,
        "true_pairs": n_true_all,
        "true_pairs_found": n_found_all,
        "recall": n_found_all / n_true_all if n_true_all else None,
        "by_sources": by_sources,
    }


def blocking_recall_in_parts(
    ids: pl.DataFrame, parts: Iterable[pl.DataFrame], truth: pl.DataFrame
) -> dict[str, Any]:
    """Return :func:`blocking_recall`'s figures for candidate pairs of record numbers.

    ``ids``: ``rid, source, record_id`` of every record; ``parts``: ``rid_l, rid_r`` pairs in
    disjoint, deduplicated parts (a spilled pair store), read one at a time, so that tens of
    millions of candidates never sit in memory at once.

    Example:
        >>> t = pl.DataFrame({"source": ["residents"] * 3, "record_id": ["1", "2", "3"],
        ...                   "person_key": ["K", "K", "K"]})
        >>> ids = t.select(pl.Series("rid", [0, 1, 2], dtype=pl.UInt32), "source", "record_id")
        >>> part = pl.DataFrame({"rid_l": [0], "rid_r": [1]}, schema_overrides={
        ...     "rid_l": pl.UInt32, "rid_r": pl.UInt32})
        >>> r = blocking_recall_in_parts(ids, [part], t)
        >>> r["true_pairs_found"], r["true_pairs"], r["candidate_pairs"]
        (1, 3, 1)
    """
    index = _truth_index(truth)
    keyed = ids.select(
        "rid", pl.col("source").cast(pl.String), pl.col("record_id").cast(pl.String)
    ).join(index.select(*_KEY, "person_key"), on=_KEY, how="left")
    n_candidates = 0
    found: Counter[tuple[str, str]] = Counter()
    for part in parts:
        n_candidates += part.height
        same = (
            part.select("rid_l", "rid_r")
            .join(keyed.select(rid_l="rid", s_l="source", k_l="person_key"), on="rid_l")
            .join(keyed.select(rid_r="rid", s_r="source", k_r="person_key"), on="rid_r")
            .filter(pl.col("k_l") == pl.col("k_r"))
            .group_by(
                pl.min_horizontal("s_l", "s_r").alias("a"),
                pl.max_horizontal("s_l", "s_r").alias("b"),
            )
            .len()
        )
        for a, b, n in same.iter_rows():
            found[(a, b)] += n
    return _recall_summary(n_candidates, found, index)
