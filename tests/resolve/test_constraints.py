"""Stewards' decisions as clustering constraints: must-links join, cannot-links never crossed."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.resolve.cluster import clusters


def recs(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "rid": list(range(n)),
            "source": ["residents"] * n,
            "record_id": [f"R{i:03d}" for i in range(n)],
        },
        schema={"rid": pl.UInt32, "source": pl.String, "record_id": pl.String},
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


def pairs(items: list[tuple[int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"rid_l": [a for a, _ in items], "rid_r": [b for _, b in items]},
        schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32},
    )


def together(labels: list[int], a: int, b: int) -> bool:
    return labels[a] == labels[b]


def test_a_must_link_joins_records_the_model_left_apart() -> None:
    sc = scores([(0, 1, 0.6)])  # below the threshold
    assert clusters(recs(3), sc, 0.9)["cluster"].to_list() == [0, 1, 2]
    got = clusters(recs(3), sc, 0.9, must_link=pairs([(1, 0)]))["cluster"].to_list()
    assert got == [0, 0, 2]


def test_a_cannot_link_splits_a_strong_pair_without_any_weighing() -> None:
    sc = scores([(0, 1, 0.999), (1, 2, 0.95)])
    got = clusters(recs(3), sc, 0.9, cannot_link=pairs([(0, 1)]))["cluster"].to_list()
    assert not together(got, 0, 1)
    assert together(got, 1, 2)  # the other edge still holds


def test_a_cannot_link_across_a_chain_drops_its_weakest_link() -> None:
    sc = scores([(0, 1, 0.99), (1, 2, 0.92), (2, 3, 0.99)])
    got = clusters(recs(4), sc, 0.9, cannot_link=pairs([(0, 3)]))["cluster"].to_list()
    assert together(got, 0, 1) and together(got, 2, 3) and not together(got, 0, 3)


def test_a_must_link_overrides_the_evidence_against() -> None:
    sc = scores([(0, 1, 0.95), (1, 2, 0.95)])

    def weigh(p: pl.DataFrame) -> np.ndarray:  # records 0 and 2 look like two persons
        return np.where((p["rid_l"] == 0) & (p["rid_r"] == 2), -20.0, 5.0)

    assert not together(clusters(recs(3), sc, 0.9, weigh=weigh)["cluster"].to_list(), 0, 2)
    got = clusters(recs(3), sc, 0.9, weigh=weigh, must_link=pairs([(0, 2)]))["cluster"].to_list()
    assert got == [0, 0, 0]


def test_must_links_are_visited_before_any_scored_edge() -> None:
    # a steward joined 0 and 1; 0–3 and 1–2 are certain to the model; 3 and 2 contradict
    sc = scores([(0, 3, 1.0), (1, 2, 1.0), (0, 1, 0.2)])

    def weigh(p: pl.DataFrame) -> np.ndarray:
        return np.where((p["rid_l"] == 2) & (p["rid_r"] == 3), -20.0, 5.0)

    got = clusters(recs(4), sc, 0.9, weigh=weigh, must_link=pairs([(0, 1)]))["cluster"].to_list()
    assert together(got, 0, 1)
    assert not together(got, 2, 3)


def test_decisions_on_records_already_apart_or_together_change_nothing() -> None:
    sc = scores([(0, 1, 0.99)])
    plain = clusters(recs(4), sc, 0.9)
    same = clusters(recs(4), sc, 0.9, must_link=pairs([(0, 1)]), cannot_link=pairs([(2, 3)]))
    assert same.equals(plain)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(0.0, 1.0)), max_size=20),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=4),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=4),
    st.booleans(),
)
def test_property_decisions_are_honoured(
    edges: list[tuple[int, int, float]],
    must: list[tuple[int, int]],
    cannot: list[tuple[int, int]],
    with_weigh: bool,
) -> None:
    n = 8
    sc = scores([(a, b, p) for a, b, p in edges if a != b])
    must = [(a, b) for a, b in must if a != b]
    cannot = [(a, b) for a, b in cannot if a != b]

    def weigh(p: pl.DataFrame) -> np.ndarray:  # odd and even records look like two persons
        return np.where((p["rid_l"] % 2) != (p["rid_r"] % 2), -3.0, 3.0)

    got = clusters(
        recs(n),
        sc,
        0.5,
        weigh=weigh if with_weigh else None,
        must_link=pairs(must),
        cannot_link=pairs(cannot),
    )["cluster"].to_list()
    assert len(got) == n
    for a, b in cannot:
        assert not together(got, a, b)
    # a must-link holds unless a cannot-link lies inside its chain of must-links
    comp = list(range(n))

    def root(x: int) -> int:
        while comp[x] != x:
            x = comp[x]
        return x

    for a, b in must:
        comp[root(a)] = root(b)
    if not any(root(a) == root(b) for a, b in cannot):
        for a, b in must:
            assert together(got, a, b)
