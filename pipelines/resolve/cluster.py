"""Clustering scored pairs into persons, with protection against chaining, and stable ids.

Three steps (CONTRACT.md frames):

1. :func:`connected_components` — the pairs whose ``match_probability`` reaches the threshold
   are edges; each connected component is a candidate person. Vectorised: SciPy's
   ``csgraph.connected_components`` when SciPy is importable, else a NumPy hook-and-compress
   label propagation. Either way the label is the smallest ``rid`` of the component.
2. **Anti-chaining** in :func:`clusters` — fuzzy edges chain: A–B–C where A and C are two
   different people and B (no ID, common name) matches both. Every pair of records inside a
   component is weighed with the same model that scored the candidates (the evidence in
   bits, without the prior); a pair whose own evidence says "two persons" (below
   ``split_below``, 0 bits by default: different persons more likely than one) makes the
   component *conflicting*. Nothing is vetoed by a rule: two different personal IDs, birth
   years far apart or another gender are strong evidence against, weighed against what the
   two records share (an equal personal ID outweighs a mistyped birth date).

   Conflicting components are re-clustered by a constrained maximum spanning forest: their
   edges are visited from the strongest to the weakest and an edge merges its two groups only
   when no pair across them is a contradiction. The weakest edges on the paths between
   contradicting records are the ones dropped, and the result never holds a contradicting
   pair. Ties between equal probabilities are broken by the records' ``(source,
   record_id)``, so the split does not depend on row order.
3. :func:`person_ids` — a content-derived, stable ``person_id`` (see its docstring).

Example:
    >>> recs = pl.DataFrame({
    ...     "rid": pl.Series([0, 1, 2], dtype=pl.UInt32),
    ...     "source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"]})
    >>> sc = pl.DataFrame({
    ...     "rid_l": pl.Series([0, 1], dtype=pl.UInt32),
    ...     "rid_r": pl.Series([1, 2], dtype=pl.UInt32),
    ...     "match_probability": [0.90, 0.95]})
    >>> def weigh(pairs):  # records 0 and 2 contradict each other
    ...     return np.where((pairs["rid_l"] == 0) & (pairs["rid_r"] == 2), -12.0, 5.0)
    >>> clusters(recs, sc, 0.5, weigh=weigh)["cluster"].to_list()
    [0, 1, 1]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import polars as pl

__all__ = [
    "DEFAULT_MAX_COMPONENT",
    "Weigh",
    "clusters",
    "connected_components",
    "pair_frame",
    "person_ids",
    "split_conflicting",
    "with_must_links",
]

DEFAULT_MAX_COMPONENT = 2000
"""Components up to this size have every pair of records weighed (2M pairs at most)."""

_PERSON_ID_HEX = 16
"""Hex digits of the sha256 kept in a person_id (64 bits: collision odds ~3e-8 at 1M persons)."""


# --------------------------------------------------------------------------------------------
# connected components
# --------------------------------------------------------------------------------------------


def _components_numpy(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    """Min-label hook-and-compress: every tree points to smaller ids, roots are minima."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        pl_, pr = parent[left], parent[right]
        lo, hi = np.minimum(pl_, pr), np.maximum(pl_, pr)
        moving = lo != hi
        if not moving.any():
            return parent
        np.minimum.at(parent, hi[moving], lo[moving])
        while True:  # pointer jumping until every node points at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def _components_scipy(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray | None:
    try:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components as scipy_cc
    except ImportError:  # pragma: no cover - SciPy is optional
        return None
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n)).tocsr()
    _, labels = scipy_cc(graph, directed=False, return_labels=True)
    # First occurrence of each label in node order is the component's smallest node.
    _, first = np.unique(labels, return_index=True)
    return np.asarray(first[labels], dtype=np.int64)


def connected_components(edges: pl.DataFrame, n: int, *, use_scipy: bool = True) -> pl.Series:
    """Label every node ``0..n-1`` with the smallest node of its connected component.

    ``edges`` has integer columns ``rid_l`` and ``rid_r`` (undirected; duplicates and self
    loops are harmless). Nodes without edges are their own component. The labels do not
    depend on edge order; set ``use_scipy=False`` to force the NumPy implementation.

    Example:
        >>> e = pl.DataFrame({"rid_l": [0, 3], "rid_r": [2, 4]})
        >>> connected_components(e, 5).to_list()
        [0, 1, 0, 3, 3]
    """
    if n == 0:
        return pl.Series("cluster", [], dtype=pl.UInt32)
    left = edges["rid_l"].to_numpy().astype(np.int64, copy=False)
    right = edges["rid_r"].to_numpy().astype(np.int64, copy=False)
    if len(left) and (max(left.max(), right.max()) >= n or min(left.min(), right.min()) < 0):
        raise ValueError(f"edge endpoints must lie in 0..{n - 1}")
    labels = _components_scipy(left, right, n) if use_scipy and len(left) else None
    if labels is None:
        labels = _components_numpy(left, right, n)
    return pl.Series("cluster", labels, dtype=pl.UInt32)


# --------------------------------------------------------------------------------------------
# contradictions: pairs of one component whose own evidence says "two persons"
# --------------------------------------------------------------------------------------------

Weigh = Callable[[pl.DataFrame], np.ndarray]
"""Scores record pairs (``rid_l, rid_r``): the evidence in bits, log2 of the Bayes factor
without the prior, of the same model that scored the candidates."""


def _component_pairs(base: pl.DataFrame, scores: pl.LazyFrame, max_component: int) -> pl.DataFrame:
    """Every pair of records inside each component of three or more records.

    A component larger than ``max_component`` (a chain of common names) is judged on its
    scored candidate pairs only: all its pairs would be too many.
    """
    sized = base.with_columns(pl.len().over("cluster").alias("size")).filter(pl.col("size") >= 3)
    small = sized.filter(pl.col("size") <= max_component).select("rid", "cluster")
    every = (
        small.join(small, on="cluster", suffix="_r")
        .filter(pl.col("rid") < pl.col("rid_r"))
        .select(pl.col("rid").alias("rid_l"), "rid_r")
    )
    big = sized.filter(pl.col("size") > max_component).select("rid", "cluster")
    if big.height == 0:
        return every
    known = (
        scores.select(pl.col("rid_l").cast(pl.UInt32), pl.col("rid_r").cast(pl.UInt32))
        .join(big.lazy().rename({"rid": "rid_l"}), on="rid_l")
        .join(big.lazy().rename({"rid": "rid_r", "cluster": "cluster_r"}), on="rid_r")
        .filter(pl.col("cluster") == pl.col("cluster_r"))
        .select("rid_l", "rid_r")
        .collect()
    )
    return pl.concat([every, known])


def _split(
    records: pl.DataFrame, members: pl.DataFrame, edges: pl.DataFrame, against: pl.DataFrame
) -> pl.DataFrame:
    """Constrained maximum spanning forest over conflicting components.

    ``members``: ``rid`` of the records of the components to split; ``edges``: their
    ``rid_l, rid_r, match_probability`` at or above the threshold; ``against``: the pairs
    whose own evidence says two persons. Edges are visited strongest first (ties by the
    records' ``(source, record_id)``) and merge two groups unless a pair across them is
    ``against``. Returns ``rid, cluster`` (new labels = smallest rid of each new group).
    """
    if {"source", "record_id"} <= set(records.columns):
        key = records.select("rid", "source", "record_id").join(members, on="rid", how="semi")
        rank = key.sort("source", "record_id", "rid").select(
            "rid", pl.int_range(pl.len(), dtype=pl.UInt32).alias("rank")
        )
    else:
        rank = members.select("rid", pl.col("rid").alias("rank"))
    # week: stewards' must-links (column ``must``) are visited before every scored edge
    must = pl.col("must") if "must" in edges.columns else pl.lit(False)
    ordered = (
        edges.join(rank, left_on="rid_l", right_on="rid")
        .join(rank, left_on="rid_r", right_on="rid", suffix="_r")
        .with_columns(
            must.fill_null(False).alias("must"),
            pl.min_horizontal("rank", "rank_r").alias("lo"),
            pl.max_horizontal("rank", "rank_r").alias("hi"),
        )
        .sort(["must", "match_probability", "lo", "hi"], descending=[True, True, False, False])
    )
    contra: dict[int, set[int]] = {}
    for a, b in against.select("rid_l", "rid_r").iter_rows():
        contra.setdefault(a, set()).add(b)
        contra.setdefault(b, set()).add(a)
    rids = members["rid"].to_list()
    parent = {rid: rid for rid in rids}
    group = {rid: [rid] for rid in rids}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for left, right in ordered.select("rid_l", "rid_r").iter_rows():
        a, b = find(left), find(right)
        if a == b:
            continue
        if len(group[a]) < len(group[b]):
            a, b = b, a
        if any(find(y) == a for x in group[b] for y in contra.get(x, ())):
            continue
        parent[b] = a
        group[a].extend(group.pop(b))
    out = pl.DataFrame(
        {"rid": rids, "root": [find(r) for r in rids]},
        schema={"rid": pl.UInt32, "root": pl.UInt32},
    )
    return out.select("rid", pl.col("rid").min().over("root").alias("cluster"))


def pair_frame(pairs: pl.DataFrame | None) -> pl.DataFrame:
    """``rid_l < rid_r`` (UInt32), distinct, no self pairs: a decisions frame made canonical."""
    schema = {"rid_l": pl.UInt32, "rid_r": pl.UInt32}
    if pairs is None or pairs.height == 0:
        return pl.DataFrame(schema=schema)
    return (
        pairs.select(
            pl.min_horizontal("rid_l", "rid_r").cast(pl.UInt32).alias("rid_l"),
            pl.max_horizontal("rid_l", "rid_r").cast(pl.UInt32).alias("rid_r"),
        )
        .filter(pl.col("rid_l") != pl.col("rid_r"))
        .unique()
        .sort("rid_l", "rid_r")
    )


def _within(pairs: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """Return the ``pairs`` whose records carry the same label in ``labels`` (``rid, cluster``)."""
    lab = labels.select("rid", "cluster")
    return (
        pairs.join(lab.rename({"rid": "rid_l", "cluster": "c_l"}), on="rid_l")
        .join(lab.rename({"rid": "rid_r", "cluster": "c_r"}), on="rid_r")
        .filter(pl.col("c_l") == pl.col("c_r"))
        .select("rid_l", "rid_r")
    )


def clusters(
    records: pl.DataFrame,
    scores: pl.DataFrame | pl.LazyFrame,
    threshold: float,
    *,
    weigh: Weigh | None = None,
    split_below: float = 0.0,
    max_component: int = DEFAULT_MAX_COMPONENT,
    must_link: pl.DataFrame | None = None,
    cannot_link: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Cluster records into persons: components of the pairs at or above ``threshold``, split.

    ``records`` needs ``rid`` (0..n-1) and uses ``source``, ``record_id`` (tie-breaks) when
    present; ``scores`` needs ``rid_l, rid_r, match_probability`` (a lazy scan of scored
    partitions is read twice, never held whole). Returns ``rid, cluster``
    (UInt32, the smallest rid of the cluster), one row per record in rid order.

    With ``weigh`` (module docstring), every pair inside a component of three or more records
    is weighed, and a component holding a pair whose evidence is below ``split_below`` bits
    (different persons are more likely than one) is split.

    Stewards' decisions (``rid_l, rid_r`` frames) constrain the result: a ``must_link`` pair
    is an edge at probability 1, visited before any scored edge when a component is split,
    and no pair of records joined by must-links counts as a contradiction; a ``cannot_link``
    pair joins the contradictions, so no cluster ever holds both its records. Decisions that
    contradict each other (a cannot-link inside a chain of must-links) are refused when they
    are imported; should they meet here, the cannot-link wins.

    Example:
        >>> recs = pl.DataFrame({"rid": pl.Series([0, 1, 2], dtype=pl.UInt32)})
        >>> sc = pl.DataFrame({"rid_l": [0, 0], "rid_r": [1, 2], "match_probability": [0.9, 0.2]})
        >>> clusters(recs, sc, 0.5)["cluster"].to_list()
        [0, 0, 2]
    """
    n = records.height
    scores = scores.lazy()
    must, cannot = pair_frame(must_link), pair_frame(cannot_link)
    edges = with_must_links(
        scores.filter(pl.col("match_probability") >= threshold)
        .select(
            pl.col("rid_l").cast(pl.UInt32),
            pl.col("rid_r").cast(pl.UInt32),
            pl.col("match_probability").cast(pl.Float64),
        )
        .collect(),
        must,
    )
    labels = connected_components(edges, n)
    base = pl.DataFrame({"rid": pl.int_range(n, dtype=pl.UInt32, eager=True), "cluster": labels})
    if (weigh is None and cannot.height == 0) or edges.height == 0:
        return base
    rid = records["rid"].cast(pl.UInt32)
    if rid.len() and (rid.min() != 0 or rid.max() != n - 1 or rid.n_unique() != n):
        raise ValueError("records.rid must be 0..n-1 (CONTRACT.md)")
    return split_conflicting(
        records,
        base,
        edges,
        scores,
        weigh=weigh,
        split_below=split_below,
        max_component=max_component,
        must=must,
        cannot=cannot,
    ).sort("rid")


def with_must_links(edges: pl.DataFrame, must: pl.DataFrame) -> pl.DataFrame:
    """Return ``edges`` (``rid_l, rid_r, match_probability``) with the must-links added.

    A must-link is an edge at probability 1 marked ``must`` (visited first when splitting);
    without must-links the edges are returned as they are.
    """
    if must.height == 0:
        return edges
    return pl.concat(
        [
            edges.with_columns(pl.lit(False).alias("must")),
            must.with_columns(pl.lit(1.0).alias("match_probability"), pl.lit(True).alias("must")),
        ]
    )


def _components_of(pairs: pl.DataFrame, rids: pl.Series) -> pl.DataFrame:
    """Return ``rid, cluster`` of ``rids``: the components of ``pairs`` among them (any rids).

    Like :func:`connected_components` (label = smallest rid), for rids that are not ``0..n-1``.
    """
    nodes = rids.cast(pl.UInt32).unique().sort()
    dense_ids = pl.int_range(nodes.len(), dtype=pl.UInt32, eager=True)
    index = pl.DataFrame({"rid": nodes, "i": dense_ids})
    dense = pairs.join(index.rename({"rid": "rid_l"}), on="rid_l").join(
        index.rename({"rid": "rid_r", "i": "i_r"}), on="rid_r"
    )
    labels = connected_components(dense.select(rid_l="i", rid_r="i_r"), nodes.len())
    return pl.DataFrame({"rid": nodes, "cluster": nodes.gather(labels)})


def split_conflicting(
    records: pl.DataFrame,
    base: pl.DataFrame,
    edges: pl.DataFrame,
    scores: pl.LazyFrame,
    *,
    weigh: Weigh | None,
    split_below: float,
    max_component: int,
    must: pl.DataFrame,
    cannot: pl.DataFrame,
) -> pl.DataFrame:
    """Return ``base`` (``rid, cluster``) with its conflicting components split.

    ``base`` holds whole components (any set of them: every record, or the components of one
    Spark group); ``records`` at least their records (``rid`` and what ``weigh`` and the
    tie-breaks read); ``edges`` their edges with must-links (:func:`with_must_links`);
    ``scores`` the scored pairs read for components above ``max_component``; ``must`` and
    ``cannot`` the canonical decisions (:func:`pair_frame`). Components are independent, so
    splitting them together or apart gives the same labels (:func:`clusters`).
    """
    if weigh is not None:
        pairs = _component_pairs(base, scores, max_component)
        against = pairs.filter(pl.Series(weigh(pairs) < split_below)) if pairs.height else pairs
    else:
        against = must.clear()
    if must.height and against.height:  # records a steward joined never contradict
        joined = _components_of(must, base["rid"])
        against = against.join(_within(against, joined), on=["rid_l", "rid_r"], how="anti")
    if cannot.height:
        against = pl.concat([against, _within(cannot, base)]).unique()
    if against.height == 0:
        return base
    bad = against.join(base.rename({"rid": "rid_l"}), on="rid_l").select("cluster").unique()
    members = base.join(bad, on="cluster", how="semi").select("rid")
    sub_edges = edges.join(members, left_on="rid_l", right_on="rid", how="semi")
    split = _split(records, members, sub_edges, against)
    return base.join(split, on="rid", how="left", suffix="_split").select(
        "rid", pl.coalesce("cluster_split", "cluster").alias("cluster")
    )


# --------------------------------------------------------------------------------------------
# stable person ids
# --------------------------------------------------------------------------------------------


def _person_id(anchor: str) -> str:
    return "P" + hashlib.sha256(anchor.encode("utf-8")).hexdigest()[:_PERSON_ID_HEX].upper()


def person_ids(records: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    r"""Stable ``person_id`` per record: derived from the cluster's content, not its position.

    The id is ``P`` + the first 16 hex digits (upper case) of the sha256 of the cluster's
    *anchor*: its smallest ``(source, record_id)`` as ``source + "\x1f" + record_id``.
    Behaviour between runs:

    * same input, any row order → same ids; adding records that join no existing cluster →
      no existing id changes;
    * a cluster that gains a record with a smaller key than its anchor changes id (the
      anchor moved); one that gains records with larger keys keeps it;
    * two clusters that merge keep the id of the one with the smaller anchor; the other id
      retires;
    * a cluster that splits: the part holding the anchor keeps the id, the other parts get
      new ids from their own smallest records.

    ``records`` needs ``rid, source, record_id``; ``clusters`` is :func:`clusters`' output.
    Returns ``rid, person_id`` in rid order. Raises if two clusters hash to the same id
    (64 bits: ~3e-8 odds at a million persons).

    Example:
        >>> recs = pl.DataFrame({"rid": [0, 1], "source": ["residents"] * 2,
        ...                      "record_id": ["R2", "R1"]})
        >>> out = person_ids(recs, pl.DataFrame({"rid": [0, 1], "cluster": [0, 0]}))
        >>> out["person_id"].n_unique(), out["person_id"][0] == _person_id("residents\x1fR1")
        (1, True)
    """
    joined = records.select(
        pl.col("rid").cast(pl.UInt32), "source", pl.col("record_id").cast(pl.String)
    ).join(clusters.select(pl.col("rid").cast(pl.UInt32), "cluster"), on="rid")
    if joined.height != records.height:
        raise ValueError("every record needs a cluster")
    anchors = (
        joined.group_by("cluster")
        .agg(
            pl.col("source").sort_by("source", "record_id").first(),
            pl.col("record_id").sort_by("source", "record_id").first(),
        )
        .select(
            "cluster",
            pl.concat_str("source", pl.lit("\x1f"), "record_id").alias("anchor"),
        )
    )
    ids = pl.Series("person_id", [_person_id(a) for a in anchors["anchor"]], dtype=pl.String)
    if ids.n_unique() != ids.len():
        raise RuntimeError("person_id collision: raise _PERSON_ID_HEX")
    anchors = anchors.with_columns(ids)
    return (
        joined.join(anchors.select("cluster", "person_id"), on="cluster")
        .select("rid", "person_id")
        .sort("rid")
    )
