"""Clustering: connected components, anti-chaining splits, stable person ids."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.resolve.cluster import (
    clusters,
    connected_components,
    dates_compatible,
    ids_compatible,
    person_ids,
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


# ---------------------------------------------------------------- compatibility rules


def test_ids_compatible() -> None:
    assert ids_compatible(ID_A, ID_A)
    assert ids_compatible(ID_A, "001090012349")  # one substitution
    assert ids_compatible(ID_A, "010090012345")  # adjacent transposition
    assert not ids_compatible(ID_A, "001090012543")  # non-adjacent swap
    assert not ids_compatible(ID_A, "001090012999")
    assert not ids_compatible(ID_A, "00109001234")


def test_dates_compatible() -> None:
    assert dates_compatible(D(1990, 3, 5), "day", D(1990, 5, 3), "day")  # swap
    assert dates_compatible(D(1990, 3, 5), "day", D(1990, 3, 8), "day")  # one digit
    assert dates_compatible(D(1990, 3, 5), "day", D(1991, 3, 5), "day")  # one digit (year)
    assert not dates_compatible(D(1990, 3, 5), "day", D(1990, 4, 17), "day")
    assert not dates_compatible(D(1990, 1, 1), "year", D(1993, 1, 1), "year")
    assert dates_compatible(D(1990, 1, 1), "year", D(1990, 11, 30), "day")
    assert dates_compatible(None, None, D(1990, 11, 30), "day")


# ---------------------------------------------------------------- anti-chaining


def test_chain_through_record_without_id_is_split() -> None:
    recs = records([ID_A, None, "001090012999"])  # A and C differ in 3 digits
    out = clusters(recs, scores([(0, 1, 0.90), (1, 2, 0.95)]), 0.5)["cluster"].to_list()
    assert out[0] != out[2]
    assert out[1] == out[2]  # B follows its strongest edge


def test_ids_one_typo_apart_stay_together() -> None:
    for other in ("001090012346", "001090012354"):
        recs = records([ID_A, None, other])
        out = clusters(recs, scores([(0, 1, 0.90), (1, 2, 0.95)]), 0.5)
        assert out["cluster"].n_unique() == 1


def test_incompatible_birth_dates_split_and_swaps_do_not() -> None:
    dates = [D(1990, 3, 5), None, D(1990, 7, 21)]
    recs = records([None, None, None], dates, ["day", None, "day"])
    out = clusters(recs, scores([(0, 1, 0.99), (1, 2, 0.9)]), 0.5)["cluster"].to_list()
    assert out == [0, 0, 2]
    recs = records([None, None, None], [D(1990, 3, 5), None, D(1990, 5, 3)], ["day", None, "day"])
    assert clusters(recs, scores([(0, 1, 0.99), (1, 2, 0.9)]), 0.5)["cluster"].n_unique() == 1
    years = records([None, None], [D(1990, 1, 1), D(1995, 1, 1)], ["year", "year"])
    assert clusters(years, scores([(0, 1, 0.99)]), 0.5)["cluster"].to_list() == [0, 1]


def test_ids_with_the_same_serial_and_a_miskeyed_head_are_compatible() -> None:
    assert ids_compatible("088075712683", "056075712683")  # province prefix
    assert ids_compatible("066174777642", "066181777642")  # gender/century and year
    assert not ids_compatible("066174777642", "066174777699")  # serials differ in two digits
    recs = records(["088075712683", "056075712683", "001090099999"])
    out = clusters(recs, scores([(0, 1, 0.99), (1, 2, 0.95)]), 0.5)["cluster"].to_list()
    assert out == [0, 0, 2]


def test_same_id_and_name_hold_together_despite_a_wrong_birth_date() -> None:
    # BHXH has the birth date a year and a day off: same ID and same name → one person
    recs = records([ID_A, ID_A, None], [D(1975, 4, 11), D(1976, 4, 10), D(1975, 4, 11)])
    recs = recs.with_columns(pl.Series("name_folded", ["nguyen ngoc tai"] * 3))
    pairs = scores([(0, 1, 0.99), (0, 2, 0.95), (1, 2, 0.9)])
    # the waiver is only between the two records sharing ID and name: the record without an
    # ID still conflicts with the 1976 date, so it stays apart (conservative by design)
    assert clusters(recs, pairs, 0.5)["cluster"].to_list() == [0, 0, 2]
    pair = recs.head(2)
    assert clusters(pair, scores([(0, 1, 0.99)]), 0.5)["cluster"].to_list() == [0, 0]
    # the third record (no ID) still may not join the wrong date through the other two
    far = records([ID_A, ID_A, None], [D(1975, 4, 11), D(1980, 9, 2), D(1980, 9, 2)])
    far = far.with_columns(pl.Series("name_folded", ["nguyen ngoc tai"] * 3))
    out = clusters(far, scores([(0, 1, 0.99), (1, 2, 0.95)]), 0.5)["cluster"].to_list()
    assert out[0] == out[1] and out[2] != out[0]
    # the same ID under another name is not waived: the dates still split them
    other = recs.with_columns(pl.Series("name_folded", ["nguyen ngoc tai", "le van binh", None]))
    assert clusters(other, scores([(0, 1, 0.99)]), 0.5)["cluster"].to_list() == [0, 1, 2]


def test_unconflicted_components_untouched_and_threshold_applied() -> None:
    recs = records([ID_A, ID_A, None, None])
    out = clusters(recs, scores([(0, 1, 0.99), (2, 3, 0.4), (1, 2, 0.6)]), 0.5)
    assert out["cluster"].to_list() == [0, 0, 0, 3]
    no_split = clusters(
        records([ID_A, "999999999999"]), scores([(0, 1, 0.99)]), 0.5, split_conflicts=False
    )
    assert no_split["cluster"].to_list() == [0, 0]


def test_clusters_without_optional_columns() -> None:
    recs = pl.DataFrame({"rid": pl.Series([0, 1, 2], dtype=pl.UInt32)})
    assert clusters(recs, scores([(0, 2, 0.9)]), 0.5)["cluster"].to_list() == [0, 1, 0]


def test_many_distinct_ids_in_one_component_are_all_separated() -> None:
    n = 200
    pids = [f"{i:012d}" if i % 2 == 0 else None for i in range(n)]
    pids = [None if p is None else str(int(p) * 1001).zfill(12) for p in pids]
    recs = records(pids)
    out = clusters(recs, scores([(i, i + 1, 0.9) for i in range(n - 1)]), 0.5)
    with_id = out.join(recs, on="rid").drop_nulls("personal_id")
    assert with_id["cluster"].n_unique() == n // 2


# ---------------------------------------------------------------- property: no conflicts


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
def test_property_never_conflicting_ids_in_a_cluster(
    pids: list[str | None], data: st.DataObject
) -> None:
    n = len(pids)
    possible = list(itertools.combinations(range(n), 2))
    chosen = data.draw(st.lists(st.sampled_from(possible), unique=True, max_size=len(possible)))
    probs = data.draw(st.lists(st.floats(0.5, 1.0), min_size=len(chosen), max_size=len(chosen)))
    recs = records(pids)
    out = clusters(recs, scores([(a, b, p) for (a, b), p in zip(chosen, probs, strict=True)]), 0.5)
    labels = out["cluster"].to_list()
    for i, j in possible:
        a, b = pids[i], pids[j]
        if labels[i] == labels[j] and a is not None and b is not None:
            assert ids_compatible(a, b), (a, b)
    # every cluster is connected by kept edges: clusters only ever split components
    base = connected_components(
        scores([(a, b, p) for (a, b), p in zip(chosen, probs, strict=True)]), n
    ).to_list()
    for i, j in possible:
        if labels[i] == labels[j]:
            assert base[i] == base[j]


# ---------------------------------------------------------------- stable person ids


def _ids_by_record(recs: pl.DataFrame, sc: pl.DataFrame) -> dict[str, str]:
    pid = person_ids(recs, clusters(recs, sc, 0.5))
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
