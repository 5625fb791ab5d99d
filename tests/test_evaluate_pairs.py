"""Pairwise metrics by counting: hand-computed values and brute-force pair enumeration."""

from __future__ import annotations

import itertools
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.evaluate.pairs import blocking_recall, blocking_recall_in_parts, pairwise_metrics

SOURCES = ["civil_events", "insurance", "residents"]


def frames(
    rows: list[tuple[str, str, str | None, str | None]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    schema = {"source": pl.String, "record_id": pl.String, "person_id": pl.String}
    a = pl.DataFrame([(s, r, p) for s, r, p, _ in rows], schema=schema, orient="row")
    t = pl.DataFrame(
        [(s, r, k) for s, r, _, k in rows],
        schema={"source": pl.String, "record_id": pl.String, "person_key": pl.String},
        orient="row",
    )
    return a, t


def test_hand_computed_five_records() -> None:
    # predicted {1,2,3} {4,5}; truth {1,2} {3,4,5}
    a, t = frames(
        [
            ("residents", "1", "P1", "K1"),
            ("residents", "2", "P1", "K1"),
            ("residents", "3", "P1", "K2"),
            ("insurance", "4", "P2", "K2"),
            ("insurance", "5", "P2", "K2"),
        ]
    )
    r = pairwise_metrics(a, t)
    m = r["overall"]
    # predicted pairs 3 + 1 = 4; true pairs 1 + 3 = 4; TP = (1,2) and (4,5) = 2
    assert (m["predicted_pairs"], m["true_pairs"], m["tp"], m["fp"], m["fn"]) == (4, 4, 2, 2, 2)
    assert m["precision"] == pytest.approx(0.5)
    assert m["recall"] == pytest.approx(0.5)
    assert m["f1"] == pytest.approx(0.5)
    res = r["by_source"]["residents"]
    assert (res["tp"], res["predicted_pairs"], res["true_pairs"]) == (1, 3, 1)
    assert res["precision"] == pytest.approx(1 / 3) and res["recall"] == 1.0
    ins = r["by_source"]["insurance"]
    assert (ins["precision"], ins["recall"], ins["f1"]) == (1.0, 1.0, 1.0)
    x = r["across_sources"]["insurance|residents"]
    # true across: (3,4) (3,5); predicted across: none
    assert (x["tp"], x["predicted_pairs"], x["true_pairs"]) == (0, 0, 2)
    assert x["precision"] is None and x["recall"] == 0.0 and x["f1"] is None
    assert r["n_records"] == 5 and r["unmatched_assigned"] == r["unmatched_truth"] == 0


def test_unmatched_and_null_labels() -> None:
    a, t = frames(
        [
            ("residents", "1", None, "K1"),
            ("residents", "2", None, "K1"),
            ("residents", "3", "P1", None),
            ("residents", "4", "P1", None),
        ]
    )
    a = pl.concat(
        [a, pl.DataFrame({"source": ["residents"], "record_id": ["X"], "person_id": ["P1"]})]
    )
    r = pairwise_metrics(a, t)
    m = r["overall"]
    assert (m["tp"], m["predicted_pairs"], m["true_pairs"]) == (0, 1, 1)
    assert r["unmatched_assigned"] == 1 and r["unmatched_truth"] == 0
    assert m["f1"] == 0.0


def brute(rows: list[tuple[str, str, str | None, str | None]]) -> dict[str, Any]:
    def counts(keep: Any) -> tuple[int, int, int]:
        tp = pred = true = 0
        for x, y in itertools.combinations(rows, 2):
            if not keep(x, y):
                continue
            p = x[2] is not None and x[2] == y[2]
            k = x[3] is not None and x[3] == y[3]
            pred += p
            true += k
            tp += p and k
        return tp, pred, true

    out: dict[str, Any] = {"overall": counts(lambda x, y: True), "by_source": {}, "across": {}}
    for s in {r[0] for r in rows}:
        out["by_source"][s] = counts(lambda x, y, s=s: x[0] == y[0] == s)
    srcs = sorted({r[0] for r in rows})
    for a, b in itertools.combinations(srcs, 2):
        out["across"][f"{a}|{b}"] = counts(lambda x, y, a=a, b=b: {x[0], y[0]} == {a, b})
    return out


row_strategy = st.lists(
    st.tuples(
        st.sampled_from(SOURCES),
        st.one_of(st.none(), st.sampled_from(["P1", "P2", "P3", "P4"])),
        st.one_of(st.none(), st.sampled_from(["K1", "K2", "K3"])),
    ),
    min_size=0,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(row_strategy)
def test_counting_equals_brute_force(raw: list[tuple[str, str | None, str | None]]) -> None:
    rows = [(s, str(i), p, k) for i, (s, p, k) in enumerate(raw)]
    a, t = frames(rows)
    r = pairwise_metrics(a, t)
    b = brute(rows)

    def triple(m: dict[str, Any]) -> tuple[int, int, int]:
        return m["tp"], m["predicted_pairs"], m["true_pairs"]

    assert triple(r["overall"]) == b["overall"]
    assert {s: triple(m) for s, m in r["by_source"].items()} == b["by_source"]
    assert {k: triple(m) for k, m in r["across_sources"].items()} == b["across"]
    m = r["overall"]
    if m["predicted_pairs"] and m["true_pairs"] and m["tp"]:
        p, rc = m["tp"] / m["predicted_pairs"], m["tp"] / m["true_pairs"]
        assert m["f1"] == pytest.approx(2 * p * rc / (p + rc))


def test_blocking_recall_hand_computed() -> None:
    t = pl.DataFrame(
        {
            "source": ["residents", "residents", "insurance", "residents"],
            "record_id": ["1", "2", "9", "3"],
            "person_key": ["K1", "K1", "K1", "K2"],
        }
    )
    cand = pl.DataFrame(
        {
            "source_l": ["residents", "residents", "insurance", "residents", "residents"],
            "record_id_l": ["2", "1", "9", "1", "3"],
            "source_r": ["residents", "residents", "residents", "residents", "residents"],
            "record_id_r": ["1", "2", "1", "3", "3"],
        }
    )
    cand = pl.concat([cand, cand[:1].with_columns(record_id_r=pl.lit("unknown"))] * 2)
    r = blocking_recall(cand, t)
    # distinct candidates: (1,2), (ins9,1), (1,3), (2,unknown) [self pair dropped]; true: 3
    assert r["candidate_pairs"] == 4
    assert (r["true_pairs"], r["true_pairs_found"]) == (3, 2)
    assert r["recall"] == pytest.approx(2 / 3)
    assert r["by_sources"]["residents|residents"] == {
        "true_pairs": 1,
        "true_pairs_found": 1,
        "recall": 1.0,
    }
    assert r["by_sources"]["insurance|residents"]["true_pairs"] == 2
    assert r["by_sources"]["insurance|residents"]["true_pairs_found"] == 1
    assert r["by_sources"]["insurance|insurance"]["recall"] is None


@settings(max_examples=80, deadline=None)
@given(row_strategy, st.data())
def test_blocking_recall_equals_brute_force(
    raw: list[tuple[str, str | None, str | None]], data: st.DataObject
) -> None:
    rows = [(s, str(i), p, k) for i, (s, p, k) in enumerate(raw)]
    _, t = frames(rows)
    idx = list(range(len(rows)))
    cand_idx = (
        data.draw(st.lists(st.tuples(st.sampled_from(idx), st.sampled_from(idx)))) if idx else []
    )
    cand = pl.DataFrame(
        [(rows[i][0], rows[i][1], rows[j][0], rows[j][1]) for i, j in cand_idx],
        schema={
            "source_l": pl.String,
            "record_id_l": pl.String,
            "source_r": pl.String,
            "record_id_r": pl.String,
        },
        orient="row",
    )
    r = blocking_recall(cand, t)
    true = {
        frozenset((i, j))
        for i, j in itertools.combinations(idx, 2)
        if rows[i][3] is not None and rows[i][3] == rows[j][3]
    }
    found = {frozenset((i, j)) for i, j in cand_idx if i != j} & true
    assert r["true_pairs"] == len(true)
    assert r["true_pairs_found"] == len(found)
    assert r["candidate_pairs"] == len({frozenset((i, j)) for i, j in cand_idx if i != j})


@settings(max_examples=60, deadline=None)
@given(row_strategy, st.data())
def test_blocking_recall_in_parts_equals_brute_force(
    raw: list[tuple[str, str | None, str | None]], data: st.DataObject
) -> None:
    """Distinct record-number pairs in any number of disjoint parts: the same figures."""
    rows = [(s, str(i), p, k) for i, (s, p, k) in enumerate(raw)]
    _, t = frames(rows)
    idx = list(range(len(rows)))
    drawn = (
        data.draw(st.sets(st.tuples(st.sampled_from(idx), st.sampled_from(idx)))) if idx else set()
    )
    pairs = sorted({(min(i, j), max(i, j)) for i, j in drawn if i != j})
    n_parts = data.draw(st.integers(1, 4))
    parts = [
        pl.DataFrame(
            [p for k, p in enumerate(pairs) if k % n_parts == part],
            schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32},
            orient="row",
        )
        for part in range(n_parts)
    ]
    ids = pl.DataFrame(
        {"rid": idx, "source": [r[0] for r in rows], "record_id": [r[1] for r in rows]},
        schema={"rid": pl.UInt32, "source": pl.String, "record_id": pl.String},
    )
    r = blocking_recall_in_parts(ids, parts, t)
    true = {
        (i, j)
        for i, j in itertools.combinations(idx, 2)
        if rows[i][3] is not None and rows[i][3] == rows[j][3]
    }
    assert r["candidate_pairs"] == len(pairs)
    assert r["true_pairs"] == len(true)
    assert r["true_pairs_found"] == len(set(pairs) & true)
    across = {
        (i, j)
        for i, j in set(pairs) & true
        if {rows[i][0], rows[j][0]} == {"insurance", "residents"}
    }
    cell = r["by_sources"].get("insurance|residents", {"true_pairs_found": 0})
    assert cell["true_pairs_found"] == len(across)
