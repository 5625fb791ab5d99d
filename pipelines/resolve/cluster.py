"""Clustering scored pairs into persons, with protection against chaining, and stable ids.

Three steps (CONTRACT.md frames):

1. :func:`connected_components` — the pairs whose ``match_probability`` reaches the threshold
   are edges; each connected component is a candidate person. Vectorised: SciPy's
   ``csgraph.connected_components`` when SciPy is importable, else a NumPy hook-and-compress
   label propagation. Either way the label is the smallest ``rid`` of the component.
2. **Anti-chaining** in :func:`clusters` — fuzzy edges chain: A–B–C where A and C are two
   different people and B (no ID, common name) matches both. A component is *conflicting* when
   two of its records cannot be the same person:

   * two 12-digit personal IDs that no single typo explains (:func:`ids_compatible`: equal,
     one substitution, or one adjacent transposition apart, or the same 6-digit serial with a
     mis-keyed head), or
   * incompatible birth dates (:func:`dates_compatible`): birth years more than 1 apart, or
     two day-precision dates that differ and are neither a day/month swap nor one digit apart
     — unless the two records carry the same personal ID *and* the same (folded) name: then
     one of the dates is simply wrong (BHXH and the register disagreeing on a birth date is a
     finding of its own, ``bhxh.birth_date_differs``), not a second person.

   Conflicts are detected for all components at once in Polars; only conflicting components
   are re-clustered, by a constrained maximum spanning forest: their edges are visited from
   the strongest to the weakest and an edge merges its two groups only when no record of one
   group conflicts with a record of the other. The weakest edges on the paths between
   conflicting records are the ones dropped, and the result never holds a conflicting pair.
   Ties between equal probabilities are broken by the records' ``(source, record_id)``, so
   the split does not depend on row order.
3. :func:`person_ids` — a content-derived, stable ``person_id`` (see its docstring).

A person whose personal ID was re-issued (DOMAIN §1.1, rare) has two unrelated IDs and is
split by design: that is a wrong split we accept to never merge two ID holders.

Example:
    >>> recs = pl.DataFrame({
    ...     "rid": pl.Series([0, 1, 2], dtype=pl.UInt32),
    ...     "source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"],
    ...     "personal_id": ["001090012345", None, "001090099999"]})
    >>> sc = pl.DataFrame({
    ...     "rid_l": pl.Series([0, 1], dtype=pl.UInt32),
    ...     "rid_r": pl.Series([1, 2], dtype=pl.UInt32),
    ...     "match_probability": [0.90, 0.95]})
    >>> clusters(recs, sc, 0.5)["cluster"].to_list()
    [0, 1, 1]
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import polars as pl

__all__ = [
    "clusters",
    "connected_components",
    "dates_compatible",
    "ids_compatible",
    "person_ids",
]

_MAX_DISTINCT = 64
"""A component with more distinct IDs (or day-precision dates) than this is conflicting
without checking pairs: values that are pairwise one typo apart are far fewer."""

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
# conflicts: scalar versions (used while splitting) and vectorised versions (detection)
# --------------------------------------------------------------------------------------------


def ids_compatible(a: str, b: str) -> bool:
    """Tell whether two personal IDs can be one person's: equal, one typo, or same serial.

    One typo = one substituted digit, or two adjacent digits transposed. Digits 7–12 of a
    12-digit ID are a random serial while digits 1–6 restate facts (birth-registration
    province, gender and century, birth year) that clerks mis-key as a unit; two IDs with the
    same serial are one person's ID with a wrong head, not two people (DOMAIN §1.1).

    Example:
        >>> ids_compatible("001090012345", "001090012346"), ids_compatible(
        ...     "001090012345", "001090012354"), ids_compatible("001090012345", "001090099999")
        (True, True, False)
        >>> ids_compatible("088075712683", "056075712683")
        True
    """
    if a == b:
        return True
    if len(a) != len(b):
        return False
    if len(a) == 12 and a[6:] == b[6:]:
        return True
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _day_compatible(a: dt.date, b: dt.date) -> bool:
    if a == b:
        return True
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return True
    sa, sb = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    return sum(x != y for x, y in zip(sa, sb, strict=True)) == 1


def dates_compatible(
    a: dt.date | None,
    a_precision: str | None,
    b: dt.date | None,
    b_precision: str | None,
    a_year: int | None = None,
    b_year: int | None = None,
) -> bool:
    """Tell whether two birth dates can belong to one person.

    Unknown dates are compatible with anything. Years more than 1 apart conflict (any
    precision; ``a_year``/``b_year`` default to the dates' years). Two day-precision dates
    conflict unless equal, a day/month swap, or one digit apart in ``YYYYMMDD``.

    Example:
        >>> d = dt.date
        >>> dates_compatible(d(1990, 3, 5), "day", d(1990, 5, 3), "day"), dates_compatible(
        ...     d(1990, 3, 5), "day", d(1990, 7, 21), "day"), dates_compatible(
        ...     d(1990, 1, 1), "year", d(1991, 6, 1), "day")
        (True, False, True)
    """
    ya = a_year if a_year is not None else (a.year if a is not None else None)
    yb = b_year if b_year is not None else (b.year if b is not None else None)
    if ya is not None and yb is not None and abs(ya - yb) > 1:
        return False
    if a is None or b is None or a_precision != "day" or b_precision != "day":
        return True
    return _day_compatible(a, b)


def _hamming(a: pl.Expr, b: pl.Expr, length: int) -> pl.Expr:
    return pl.sum_horizontal(
        [(a.str.slice(i, 1) != b.str.slice(i, 1)).cast(pl.Int32) for i in range(length)]
    )


def _ids_compatible_expr(a: pl.Expr, b: pl.Expr, length: int) -> pl.Expr:
    ham = _hamming(a, b, length)
    swap = pl.any_horizontal(
        [
            (a.str.slice(i, 1) == b.str.slice(i + 1, 1))
            & (a.str.slice(i + 1, 1) == b.str.slice(i, 1))
            & (a.str.slice(i, 1) != b.str.slice(i, 1))
            for i in range(max(length - 1, 1))
        ]
    )
    same_len = a.str.len_chars() == b.str.len_chars()
    same_serial = (a.str.len_chars() == 12) & (a.str.slice(6, 6) == b.str.slice(6, 6))
    return (a == b) | (same_len & ((ham <= 1) | ((ham == 2) & swap) | same_serial))


def _days_compatible_expr(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    swap = (
        (a.dt.year() == b.dt.year()) & (a.dt.month() == b.dt.day()) & (a.dt.day() == b.dt.month())
    )
    sa, sb = a.dt.strftime("%Y%m%d"), b.dt.strftime("%Y%m%d")
    return (a == b) | swap | (_hamming(sa, sb, 8) == 1)


def _attributes(records: pl.DataFrame) -> pl.DataFrame:
    """``rid, pid, ident, day, year`` (the fields conflicts are judged on), missing as null.

    ``ident`` is the personal ID with the folded name: records sharing it are one person
    whatever their dates say.
    """
    cols = records.columns
    pid = pl.col("personal_id") if "personal_id" in cols else pl.lit(None, dtype=pl.String)
    name = pl.col("name_folded") if "name_folded" in cols else pl.lit(None, dtype=pl.String)
    bdate = pl.col("birth_date") if "birth_date" in cols else pl.lit(None, dtype=pl.Date)
    # Without a precision column a present date is taken at face value (day precision).
    precision = (
        pl.col("birth_date_precision")
        if "birth_date_precision" in cols
        else pl.when(bdate.is_not_null()).then(pl.lit("day"))
    )
    year = bdate.dt.year().cast(pl.Int32)
    if "birth_year" in cols:
        year = pl.coalesce(pl.col("birth_year").cast(pl.Int32), year)
    return records.select(
        pl.col("rid").cast(pl.UInt32),
        pid.cast(pl.String).alias("pid"),
        (pid.cast(pl.String) + "|" + name.cast(pl.String)).alias("ident"),
        pl.when(precision == "day").then(bdate).otherwise(None).cast(pl.Date).alias("day"),
        year.alias("year"),
    )


def _conflicting(attrs: pl.DataFrame) -> pl.Series:
    """Component labels (column ``cluster`` of ``attrs``) whose members conflict."""
    bad: list[pl.Series] = []
    years = attrs.select("cluster", "ident", "year").drop_nulls("year").unique()
    spread = (
        years.group_by("cluster")
        .agg((pl.col("year").max() - pl.col("year").min()).alias("span"), pl.len())
        .filter(pl.col("span") > 1)
    )
    bad.append(spread.filter(pl.col("len") > _MAX_DISTINCT)["cluster"])
    wide = years.join(spread.filter(pl.col("len") <= _MAX_DISTINCT).select("cluster"), on="cluster")
    far = wide.join(wide, on="cluster", suffix="_r").filter(
        (pl.col("year_r") - pl.col("year") > 1) & ~_same_person(pl.col("ident"), pl.col("ident_r"))
    )
    bad.append(far["cluster"])
    for col, check in (("pid", "id"), ("day", "day")):
        keys = ["cluster", col] if check == "id" else ["cluster", "ident", col]
        distinct = attrs.select(keys).drop_nulls(col).unique()
        counts = distinct.group_by("cluster").len()
        bad.append(counts.filter(pl.col("len") > _MAX_DISTINCT)["cluster"])
        several = counts.filter((pl.col("len") > 1) & (pl.col("len") <= _MAX_DISTINCT))
        if several.height == 0:
            continue
        pairs = (
            distinct.join(several.select("cluster"), on="cluster")
            .join(distinct, on="cluster", suffix="_r")
            .filter(pl.col(col) < pl.col(f"{col}_r"))
        )
        if check == "day":
            pairs = pairs.filter(~_same_person(pl.col("ident"), pl.col("ident_r")))
        if pairs.height == 0:
            continue
        if check == "id":
            length = int(pairs.select(pl.col(col).str.len_chars().max()).item() or 0)
            ok = _ids_compatible_expr(pl.col(col), pl.col(f"{col}_r"), length)
        else:
            ok = _days_compatible_expr(pl.col(col), pl.col(f"{col}_r"))
        bad.append(pairs.filter(~ok)["cluster"])
    return pl.concat(bad).unique()


# --------------------------------------------------------------------------------------------
# splitting conflicting components
# --------------------------------------------------------------------------------------------


def _same_person(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Return True where two ``ident`` values (personal ID + folded name) are equal."""
    return (a == b).fill_null(False)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and a == b


@dataclass
class _Group:
    """What a growing group of records holds: distinct IDs, day dates and birth years.

    Dates and years are kept with the record's ``ident`` (personal ID + folded name, or None).
    """

    size: int = 1
    ids: set[str] = field(default_factory=set)
    days: set[tuple[str | None, dt.date]] = field(default_factory=set)
    years: set[tuple[str | None, int]] = field(default_factory=set)

    def conflicts(self, other: _Group) -> bool:
        if any(
            abs(ya - yb) > 1 and not _same(ia, ib)
            for ia, ya in self.years
            for ib, yb in other.years
        ):
            return True
        if any(not ids_compatible(a, b) for a in self.ids for b in other.ids):
            return True
        return any(
            not _day_compatible(da, db) and not _same(ia, ib)
            for ia, da in self.days
            for ib, db in other.days
        )

    def absorb(self, other: _Group) -> None:
        self.size += other.size
        self.ids |= other.ids
        self.days |= other.days
        self.years |= other.years


def _split(records: pl.DataFrame, attrs: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """Constrained maximum spanning forest over the conflicting components' edges.

    ``attrs``: ``rid, cluster, pid, day, year`` of the members of conflicting components;
    ``edges``: their ``rid_l, rid_r, match_probability``. Returns ``rid, cluster`` (new labels
    = smallest rid of each new group).
    """
    if {"source", "record_id"} <= set(records.columns):
        key = records.select("rid", "source", "record_id").join(
            attrs.select("rid"), on="rid", how="semi"
        )
        rank = key.sort("source", "record_id", "rid").select(
            "rid", pl.int_range(pl.len(), dtype=pl.UInt32).alias("rank")
        )
    else:
        rank = attrs.select("rid", pl.col("rid").alias("rank"))
    ordered = (
        edges.join(rank, left_on="rid_l", right_on="rid")
        .join(rank, left_on="rid_r", right_on="rid", suffix="_r")
        .with_columns(
            pl.min_horizontal("rank", "rank_r").alias("lo"),
            pl.max_horizontal("rank", "rank_r").alias("hi"),
        )
        .sort(["match_probability", "lo", "hi"], descending=[True, False, False])
    )
    groups: dict[int, _Group] = {}
    for rid, pid, ident, day, year in attrs.select(
        "rid", "pid", "ident", "day", "year"
    ).iter_rows():
        groups[rid] = _Group(
            ids={pid} if pid is not None else set(),
            days={(ident, day)} if day is not None else set(),
            years={(ident, year)} if year is not None else set(),
        )
    parent = {rid: rid for rid in groups}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for left, right in ordered.select("rid_l", "rid_r").iter_rows():
        a, b = find(left), find(right)
        if a == b or groups[a].conflicts(groups[b]):
            continue
        if groups[a].size < groups[b].size:
            a, b = b, a
        groups[a].absorb(groups[b])
        parent[b] = a
        del groups[b]
    rids = list(parent)
    out = pl.DataFrame(
        {"rid": rids, "root": [find(r) for r in rids]},
        schema={"rid": pl.UInt32, "root": pl.UInt32},
    )
    return out.select("rid", pl.col("rid").min().over("root").alias("cluster"))


def clusters(
    records: pl.DataFrame,
    scores: pl.DataFrame,
    threshold: float,
    *,
    split_conflicts: bool = True,
) -> pl.DataFrame:
    """Cluster records into persons: components of the pairs at or above ``threshold``, split.

    ``records`` needs ``rid`` (0..n-1) and uses ``personal_id``, ``birth_date``,
    ``birth_date_precision``, ``birth_year``, ``source``, ``record_id`` when present.
    ``scores`` needs ``rid_l, rid_r, match_probability``. Returns ``rid, cluster`` (UInt32,
    the smallest rid of the cluster), one row per record in rid order. Components whose
    members conflict (module docstring) are split unless ``split_conflicts`` is false.

    Example:
        >>> recs = pl.DataFrame({"rid": pl.Series([0, 1, 2], dtype=pl.UInt32)})
        >>> sc = pl.DataFrame({"rid_l": [0, 0], "rid_r": [1, 2], "match_probability": [0.9, 0.2]})
        >>> clusters(recs, sc, 0.5)["cluster"].to_list()
        [0, 0, 2]
    """
    n = records.height
    edges = (
        scores.lazy()
        .filter(pl.col("match_probability") >= threshold)
        .select(
            pl.col("rid_l").cast(pl.UInt32),
            pl.col("rid_r").cast(pl.UInt32),
            pl.col("match_probability").cast(pl.Float64),
        )
        .collect()
    )
    labels = connected_components(edges, n)
    base = pl.DataFrame({"rid": pl.int_range(n, dtype=pl.UInt32, eager=True), "cluster": labels})
    if not split_conflicts or edges.height == 0:
        return base
    rid = records["rid"].cast(pl.UInt32)
    if rid.len() and (rid.min() != 0 or rid.max() != n - 1 or rid.n_unique() != n):
        raise ValueError("records.rid must be 0..n-1 (CONTRACT.md)")
    attrs = _attributes(records).join(base, on="rid")
    bad = _conflicting(attrs)
    if bad.len() == 0:
        return base
    sub_attrs = attrs.filter(pl.col("cluster").is_in(bad.implode()))
    members = sub_attrs.select("rid")
    sub_edges = edges.join(members, left_on="rid_l", right_on="rid", how="semi")
    split = _split(records, sub_attrs, sub_edges)
    return (
        base.join(split, on="rid", how="left", suffix="_split")
        .select("rid", pl.coalesce("cluster_split", "cluster").alias("cluster"))
        .sort("rid")
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
