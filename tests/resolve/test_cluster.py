"""Clustering: connected components, anti-chaining splits, stable person ids."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.resolve.cluster import (
    clusters,
    connected_components,
    pair_frame,
    person_ids,
    split_conflicting,
    with_must_links,
)

D = dt.date
ID_A = "001090012345"


def edges(pairs: list[tuple[int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"rid_l": [a for a, _ in pairs], "rid_r": [b for _, b in pairs]},
        schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32},
    )


def scores(pairs: list[tuple[int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "rid_l": [min(a, b) for a, b, _ in pairs],
            "rid_r": [max(a, b) for a, b, _ in pairs],
            "match_probability": [p for *_, p in pairs],
        },
        schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32, "match_probability": pl.Float64},
    )


def records(
    pids: list[str | None],
    dates: list[dt.date | None] | None = None,
    precision: list[str | None] | None = None,
    record_ids: list[str] | None = None,
) -> pl.DataFrame:
    n = len(pids)
    return pl.DataFrame(
        {
            "rid": list(range(n)),
            "source": ["residents"] * n,
            "record_id": record_ids or [f"R{i:03d}" for i in range(n)],
            "personal_id": pids,
            "birth_date": dates or [None] * n,
            "birth_date_precision": precision
            or ["day" if d else None for d in (dates or [])]
            or [None] * n,
        },
        schema={
            "rid": pl.UInt32,
            "source": pl.String,
            "record_id": pl.String,
            "personal_id": pl.String,
            "birth_date": pl.Date,
            "birth_date_precision": pl.String,
        },
    )


def groups(labels: list[int]) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for i, lab in enumerate(labels):
        out.setdefault(lab, set()).add(i)
    return {frozenset(g) for g in out.values()}


# ---------------------------------------------------------------- connected components


@pytest.mark.parametrize("use_scipy", [True, False])
def test_components_small_graphs(use_scipy: bool) -> None:
    cc = connected_components(edges([(0, 1), (1, 2), (4, 5)]), 7, use_scipy=use_scipy)
    assert cc.to_list() == [0, 0, 0, 3, 4, 4, 6]
    assert cc.dtype == pl.UInt32
    path = connected_components(edges([(i, i + 1) for i in range(99)][::-1]), 100)
    assert path.to_list() == [0] * 100
    assert connected_components(edges([]), 3, use_scipy=use_scipy).to_list() == [0, 1, 2]
    assert connected_components(edges([]), 0).to_list() == []
    assert connected_components(edges([(2, 2), (2, 1), (1, 2)]), 3).to_list() == [0, 1, 1]


def test_components_reject_out_of_range() -> None:
    with pytest.raises(ValueError, match="endpoints"):
        connected_components(edges([(0, 5)]), 3)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39))))
def test_components_numpy_equals_scipy_and_reference(n: int, raw: list[tuple[int, int]]) -> None:
    pairs = [(a % n, b % n) for a, b in raw]
    e = edges(pairs)
    fast = connected_components(e, n).to_list()
    slow = connected_components(e, n, use_scipy=False).to_list()
    # reference: naive union-find
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    assert fast == slow == [find(i) for i in range(n)]


# ---------------------------------------------------------------- anti-chaining


def by_ids(recs: pl.DataFrame, bits: float = -10.0) -> Callable[[pl.DataFrame], np.ndarray]:
    """A stand-in model: two different personal IDs weigh ``bits``, anything else +3."""
    pids = recs["personal_id"].to_list()

    def weigh(pairs: pl.DataFrame) -> np.ndarray:
        out = []
        for a, b in pairs.select("rid_l", "rid_r").iter_rows():
            pa, pb = pids[a], pids[b]
            out.append(bits if pa is not None and pb is not None and pa != pb else 3.0)
        return np.asarray(out, dtype=np.float64)

    return weigh


def test_a_chain_through_a_record_without_id_is_split_where_evidence_says_so() -> None:
    recs = records([ID_A, None, "001090012999"])
    out = clusters(recs, scores([(0, 1, 0.90), (1, 2, 0.95)]), 0.5, weigh=by_ids(recs))
    labels = out["cluster"].to_list()
    assert labels[0] != labels[2]
    assert labels[1] == labels[2]  # B follows its strongest edge


def test_weak_or_positive_evidence_never_splits() -> None:
    recs = records([ID_A, None, "001090012999"])
    sc = scores([(0, 1, 0.90), (1, 2, 0.95)])
    assert clusters(recs, sc, 0.5, weigh=by_ids(recs, bits=2.0))["cluster"].n_unique() == 1
    # the threshold is the caller's: -1 bit is below 0 but not below -5
    weak = by_ids(recs, bits=-1.0)
    assert clusters(recs, sc, 0.5, weigh=weak)["cluster"].n_unique() == 2
    assert clusters(recs, sc, 0.5, weigh=weak, split_below=-5.0)["cluster"].n_unique() == 1


def test_pairs_of_two_records_are_never_reweighed() -> None:
    recs = records([ID_A, "001090012999"])
    calls: list[int] = []

    def weigh(pairs: pl.DataFrame) -> np.ndarray:
        calls.append(pairs.height)
        return np.full(pairs.height, -50.0)

    out = clusters(recs, scores([(0, 1, 0.99)]), 0.5, weigh=weigh)
    assert out["cluster"].to_list() == [0, 0] and calls == []


def test_unconflicted_components_untouched_and_threshold_applied() -> None:
    recs = records([ID_A, ID_A, None, None])
    out = clusters(recs, scores([(0, 1, 0.99), (2, 3, 0.4), (1, 2, 0.6)]), 0.5, weigh=by_ids(recs))
    assert out["cluster"].to_list() == [0, 0, 0, 3]


def test_clusters_without_optional_columns() -> None:
    recs = pl.DataFrame({"rid": pl.Series([0, 1, 2], dtype=pl.UInt32)})
    assert clusters(recs, scores([(0, 2, 0.9)]), 0.5)["cluster"].to_list() == [0, 1, 0]


@pytest.mark.parametrize("max_component", [2000, 10])
def test_many_distinct_ids_in_one_component_are_all_separated(max_component: int) -> None:
    n = 200
    pids = [f"{i:012d}" if i % 2 == 0 else None for i in range(n)]
    pids = [None if p is None else str(int(p) * 1001).zfill(12) for p in pids]
    recs = records(pids)
    # a chain: each record with an ID is also scored (below the threshold) against the next
    chain = [(i, i + 1, 0.9) for i in range(n - 1)]
    below = [(i, i + 2, 0.01) for i in range(0, n - 2, 2)]
    out = clusters(recs, scores(chain + below), 0.5, weigh=by_ids(recs),
                   max_component=max_component)  # fmt: skip
    with_id = out.join(recs, on="rid").drop_nulls("personal_id")
    assert with_id["cluster"].n_unique() == n // 2


# ---------------------------------------------------------------- property: no contradiction


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.sampled_from([ID_A, "001090012346", "001090012354", "001090099999", "079195000001"]),
        ),
        min_size=2,
        max_size=12,
    ),
    st.data(),
)
def test_property_never_contradicting_records_in_a_cluster(
    pids: list[str | None], data: st.DataObject
) -> None:
    n = len(pids)
    possible = list(itertools.combinations(range(n), 2))
    chosen = data.draw(st.lists(st.sampled_from(possible), unique=True, max_size=len(possible)))
    probs = data.draw(st.lists(st.floats(0.5, 1.0), min_size=len(chosen), max_size=len(chosen)))
    recs = records(pids)
    sc = scores([(a, b, p) for (a, b), p in zip(chosen, probs, strict=True)])
    labels = clusters(recs, sc, 0.5, weigh=by_ids(recs))["cluster"].to_list()
    size = {lab: labels.count(lab) for lab in labels}
    for i, j in possible:
        a, b = pids[i], pids[j]
        # a pair alone is its own scored edge; from three records on, no pair contradicts
        if labels[i] == labels[j] and size[labels[i]] >= 3 and a is not None and b is not None:
            assert a == b, (a, b)
    # every cluster is connected by kept edges: clusters only ever split components
    base = connected_components(sc, n).to_list()
    for i, j in possible:
        if labels[i] == labels[j]:
            assert base[i] == base[j]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.sampled_from([ID_A, "001090012346", "079195000001"])),
        min_size=3,
        max_size=14,
    ),
    st.integers(2, 5),
    st.data(),
)
def test_property_components_split_apart_give_the_labels_of_all_split_together(
    pids: list[str | None], max_component: int, data: st.DataObject
) -> None:
    """What the Spark engine relies on: a group of components is split as it is among all."""
    n = len(pids)
    possible = list(itertools.combinations(range(n), 2))
    chosen = data.draw(st.lists(st.sampled_from(possible), unique=True, max_size=len(possible)))
    probs = data.draw(st.lists(st.floats(0.0, 1.0), min_size=len(chosen), max_size=len(chosen)))
    must = pair_frame(edges(data.draw(st.lists(st.sampled_from(possible), max_size=2))))
    cannot = pair_frame(edges(data.draw(st.lists(st.sampled_from(possible), max_size=2))))
    recs = records(pids)
    sc = scores([(a, b, p) for (a, b), p in zip(chosen, probs, strict=True)])
    weigh = by_ids(recs)
    together = clusters(
        recs, sc, 0.5, weigh=weigh, max_component=max_component, must_link=must, cannot_link=cannot
    )
    kept = with_must_links(sc.filter(pl.col("match_probability") >= 0.5), must)
    base = pl.DataFrame(
        {
            "rid": pl.int_range(n, dtype=pl.UInt32, eager=True),
            "cluster": connected_components(kept, n),
        }
    )
    apart = []
    for _, part in base.group_by("cluster"):
        members = part.select("rid")
        apart.append(
            split_conflicting(
                recs.join(members, on="rid"),
                part,
                kept.join(members, left_on="rid_l", right_on="rid", how="semi"),
                sc.lazy().join(members.lazy(), left_on="rid_l", right_on="rid", how="semi"),
                weigh=weigh,
                split_below=0.0,
                max_component=max_component,
                must=must,
                cannot=cannot,
            )
        )
    assert pl.concat(apart).sort("rid")["cluster"].to_list() == together["cluster"].to_list()


# ---------------------------------------------------------------- stable person ids


def _ids_by_record(recs: pl.DataFrame, sc: pl.DataFrame) -> dict[str, str]:
    pid = person_ids(recs, clusters(recs, sc, 0.5, weigh=by_ids(recs)))
    return dict(pid.join(recs, on="rid").select("record_id", "person_id").iter_rows())


def _permute(
    recs: pl.DataFrame, sc: pl.DataFrame, perm: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reorder records by ``perm`` (new rid i = old rid perm[i]) and remap the scores."""
    new_of_old = {old: new for new, old in enumerate(perm)}
    recs2 = recs[perm].with_columns(rid=pl.int_range(pl.len(), dtype=pl.UInt32))
    rows = [
        (new_of_old[a], new_of_old[b], p)
        for a, b, p in sc.select("rid_l", "rid_r", "match_probability").iter_rows()
    ]
    return recs2, scores(rows)


def test_person_ids_stable_under_permutation_and_additions() -> None:
    recs = records([ID_A, None, "001090012999", None, "079195000001", None])
    sc = scores([(0, 1, 0.9), (1, 2, 0.9), (3, 4, 0.8), (4, 5, 0.7)])
    before = _ids_by_record(recs, sc)
    assert len(set(before.values())) == 3
    assert all(v.startswith("P") and len(v) == 17 for v in before.values())
    rng = np.random.default_rng(7)
    for _ in range(5):
        perm = [int(x) for x in rng.permutation(recs.height)]
        assert _ids_by_record(*_permute(recs, sc, perm)) == before
    # add unrelated records (including one sorting before everything): no id changes
    more = pl.concat(
        [
            recs,
            records(["034080000002", None], record_ids=["A000", "Z999"]).with_columns(
                rid=pl.Series([6, 7], dtype=pl.UInt32)
            ),
        ]
    )
    after = _ids_by_record(more, pl.concat([sc, scores([(6, 7, 0.99)])]))
    assert {k: after[k] for k in before} == before
    assert after["A000"] == after["Z999"] not in before.values()


def test_person_ids_depend_on_anchor_only() -> None:
    recs = records([None, None], record_ids=["R9", "R1"])
    out = person_ids(recs, pl.DataFrame({"rid": [0, 1], "cluster": [0, 0]}))
    alone = person_ids(
        recs[1:].with_columns(rid=pl.Series([0], dtype=pl.UInt32)),
        pl.DataFrame({"rid": [0], "cluster": [0]}),
    )
    assert out["person_id"].to_list() == [alone["person_id"][0]] * 2
