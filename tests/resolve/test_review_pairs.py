"""Review pairs: the band, the pair key, the evidence in bits, decisions as constraints."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from pipelines.resolve.review import (
    NAME_FREQUENCY,
    pair_constraints,
    pair_key,
    pair_key_parts,
    record_fingerprints,
    review_pairs,
)
from pipelines.resolve.scoring import FSParams

PARAMS = FSParams(
    m={"personal_id": [0.05, 0.05, 0.9], "phone": [0.3, 0.1, 0.6], "gender": [0.02, 0.98]},
    u={"personal_id": [0.98, 0.01, 0.01], "phone": [0.97, 0.02, 0.01], "gender": [0.5, 0.5]},
    prior=0.001,
    levels={
        "personal_id": ["differs", "one typo", "exact"],
        "phone": ["differs", "one typo", "exact"],
        "gender": ["differs", "same"],
    },
)
KEYS = pl.DataFrame(
    {
        "rid": [0, 1, 2, 3],
        "source": ["residents", "residents", "insurance", "civil_events"],
        "record_id": ["R2", "R1", "B1", "E1"],
        "province_code": [None, "01", "79", None],
    },
    schema_overrides={"rid": pl.UInt32},
)


def scored(rows: list[tuple[int, int, int, int, int, float | None]]) -> pl.DataFrame:
    """Pairs with their levels; the weight is the model's (or given) and the probability from it."""
    w = PARAMS.weights()
    out = []
    for a, b, g_id, g_phone, g_gender, extra in rows:
        total = PARAMS.prior_weight() + sum(
            w[f][g] if g >= 0 else 0.0
            for f, g in (("personal_id", g_id), ("phone", g_phone), ("gender", g_gender))
        )
        total += extra or 0.0
        out.append((a, b, total, 1 / (1 + 2**-total), g_id, g_phone, g_gender))
    return pl.DataFrame(
        out,
        schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32, "match_weight": pl.Float64,
                "match_probability": pl.Float64, "g_personal_id": pl.Int8, "g_phone": pl.Int8,
                "g_gender": pl.Int8},
        orient="row",
    )  # fmt: skip


def test_only_pairs_in_the_band_are_asked_lower_bound_in_upper_out() -> None:
    sc = scored([(0, 1, 2, 0, 1, None), (0, 2, 0, 2, 1, None), (1, 3, 1, -1, 1, None)])
    probs = sc["match_probability"].to_list()
    lo, hi = sorted(probs)[0], sorted(probs)[2]
    out = review_pairs(sc, PARAMS, KEYS, (lo, hi))
    assert sorted(out["match_probability"].to_list()) == sorted(probs)[:2]


def test_the_pair_key_names_both_records_in_register_then_id_order() -> None:
    sc = scored([(0, 1, 2, 0, 1, None), (2, 3, 2, 0, 1, None)])
    out = review_pairs(sc, PARAMS, KEYS, (0.0, 1.0))
    assert out["pair_key"].to_list() == ["DC:R1|DC:R2", "HT:E1|BH:B1"]
    first = out.row(0, named=True)
    assert (first["record_id_l"], first["rid_l"], first["record_id_r"]) == ("R1", 1, "R2")
    assert out["province_code"].to_list() == ["01", "79"]


def test_decided_pairs_are_never_asked_again() -> None:
    sc = scored([(0, 1, 2, 0, 1, None), (2, 3, 2, 0, 1, None)])
    decided = pl.DataFrame({"pair_key": ["DC:R1|DC:R2"]})
    out = review_pairs(sc, PARAMS, KEYS, (0.0, 1.0), decided=decided)
    assert out["pair_key"].to_list() == ["HT:E1|BH:B1"]


def test_the_evidence_adds_up_to_the_weight_strongest_first() -> None:
    sc = scored([(0, 1, 2, 0, 0, -1.5)])  # ID exact, phone differs, gender differs; a common name
    out = review_pairs(sc, PARAMS, KEYS, (0.0, 1.0))
    lines = out["evidence"][0].to_list()
    assert [abs(x["weight"]) for x in lines] == sorted((abs(x["weight"]) for x in lines),
                                                        reverse=True)  # fmt: skip
    fields = {x["field"]: x for x in lines}
    assert fields["personal_id"]["level"] == "exact" and fields["personal_id"]["weight"] > 0
    assert fields["phone"]["weight"] < 0 and fields["gender"]["weight"] < 0
    assert fields[NAME_FREQUENCY] == {"field": NAME_FREQUENCY, "level": "common name",
                                      "weight": -1.5}  # fmt: skip
    total = PARAMS.prior_weight() + sum(x["weight"] for x in lines)
    assert math.isclose(total, out["match_weight"][0], abs_tol=0.03)


def test_chunks_give_the_same_rows_as_the_whole() -> None:
    rows = [(a, b, ga, gp, 1, None) for a, b, ga, gp in
            [(0, 1, 1, 2), (0, 2, 0, 2), (1, 2, 1, 1), (1, 3, 2, 0), (2, 3, 0, 1)]]  # fmt: skip
    sc = scored(rows)
    whole = review_pairs(sc, PARAMS, KEYS, (0.01, 0.99))
    parts = pl.concat([review_pairs(sc.slice(i, 2), PARAMS, KEYS, (0.01, 0.99))
                       for i in range(0, sc.height, 2)]).sort("pair_key")  # fmt: skip
    assert parts.equals(whole)
    assert review_pairs(sc.clear(), PARAMS, KEYS, (0.01, 0.99)).schema == whole.schema


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12),
       st.sampled_from(["residents", "civil_events", "insurance"]),
       st.sampled_from(["residents", "civil_events", "insurance"]))  # fmt: skip
def test_property_pair_keys_read_back_and_do_not_depend_on_order(
    a: str, b: str, sa: str, sb: str
) -> None:
    one = pl.select(pair_key(pl.lit(sa), pl.lit(a), pl.lit(sb), pl.lit(b))).item()
    two = pl.select(pair_key(pl.lit(sb), pl.lit(b), pl.lit(sa), pl.lit(a))).item()
    assert one == two
    parts = pair_key_parts(one)
    assert parts is not None
    assert {(parts[0], parts[1]), (parts[2], parts[3])} == {(sa, a), (sb, b)}


def test_a_key_out_of_order_or_of_an_unknown_register_is_not_a_key() -> None:
    assert pair_key_parts("DC:R2|DC:R1") is None
    assert pair_key_parts("BH:B1|DC:R1") is None
    assert pair_key_parts("ZZ:R1|DC:R2") is None
    assert pair_key_parts("DC:R1") is None
    assert pair_key_parts("DC:R1|DC:R2") == ("residents", "R1", "residents", "R2")


def test_fingerprints_follow_identity_fields_only() -> None:
    base = pl.DataFrame(
        {"source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"],
         "full_name": ["Lê An", "Lê An", "Lê Ân"], "birth_date": [dt.date(1990, 1, 2)] * 3,
         "phone": ["0912345678", "0987654321", "0912345678"]}
    )  # fmt: skip
    fp = record_fingerprints(base)["fingerprint"].to_list()
    assert fp[0] == fp[1] != fp[2]  # another phone is the same identity; another name is not


def decisions(*rows: tuple[str, str, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (pair_key_str(a, b), "residents", a, "residents", b, d, fa, fb)
            for a, b, d, fa, fb in rows
        ],
        schema=["pair_key", "source_l", "record_id_l", "source_r", "record_id_r", "decision",
                "fingerprint_l", "fingerprint_r"],
        orient="row",
    )  # fmt: skip


def pair_key_str(a: str, b: str) -> str:
    return str(pl.select(pair_key(pl.lit("residents"), pl.lit(a), pl.lit("residents"),
                                  pl.lit(b))).item())  # fmt: skip


def test_decisions_apply_while_both_records_are_as_the_steward_saw_them() -> None:
    keys = pl.DataFrame(
        {"rid": [0, 1, 2, 3], "source": ["residents"] * 4, "record_id": ["R1", "R2", "R3", "R4"],
         "fingerprint": ["f1", "f2", "f3", "f4-new"]}
    )  # fmt: skip
    d = decisions(
        ("R1", "R2", "same", "f1", "f2"),
        ("R2", "R3", "different", "f2", "f3"),
        ("R3", "R4", "same", "f3", "f4"),  # R4 changed since
        ("R1", "R9", "different", "f1", "f9"),  # R9 left the delivery
    )
    must, cannot, status = pair_constraints(d, keys)
    assert must.rows() == [(0, 1)]
    assert cannot.rows() == [(1, 2)]
    assert dict(status.select("pair_key", "status").iter_rows()) == {
        pair_key_str("R1", "R2"): "applied",
        pair_key_str("R2", "R3"): "applied",
        pair_key_str("R3", "R4"): "record_changed",
        pair_key_str("R1", "R9"): "record_gone",
    }
