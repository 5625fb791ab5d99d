import itertools
import json
from collections.abc import Sequence

import numpy as np
import polars as pl
import pytest

from pipelines.resolve.compare import LEVELS as FIELD_LEVELS
from pipelines.resolve.compare import comparisons
from pipelines.resolve.names import name_part_columns
from pipelines.resolve.scoring import FSParams, estimate_m, estimate_u, score

TRUE_M = {
    "name": [0.02, 0.08, 0.15, 0.75],
    "birth_date": [0.03, 0.07, 0.9],
    "personal_id": [0.05, 0.95],
    "phone": [0.3, 0.7],
}
TRUE_U = {
    "name": [0.7, 0.2, 0.07, 0.03],
    "birth_date": [0.6, 0.35, 0.05],
    "personal_id": [0.999, 0.001],
    "phone": [0.99, 0.01],
}
LEVELS = {f: [str(k) for k in range(len(v))] for f, v in TRUE_M.items()}


def _synthetic(n: int, lam: float, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < lam
    cols: dict[str, np.ndarray] = {}
    for f in TRUE_M:
        k = len(TRUE_M[f])
        gm = rng.choice(k, size=n, p=TRUE_M[f])
        gu = rng.choice(k, size=n, p=TRUE_U[f])
        g = np.where(is_match, gm, gu)
        g = np.where(rng.random(n) < 0.1, -1, g)  # 10 % no information
        cols[f"g_{f}"] = g.astype(np.int8)
    return pl.DataFrame(
        {"rid_l": np.arange(n, dtype=np.uint32), "rid_r": np.arange(n, dtype=np.uint32) + 1, **cols}
    )


def test_em_recovers_m_and_prior() -> None:
    cmp = _synthetic(200_000, lam=0.25, seed=7)
    u_start = {f: list(np.asarray(v) * 0.8 + 0.2 / len(v)) for f, v in TRUE_U.items()}
    p = estimate_m(cmp, u_start, prior=0.1, levels=LEVELS)
    assert p.converged
    assert p.prior_candidates == pytest.approx(0.25, abs=0.01)
    for f, m in TRUE_M.items():
        assert np.allclose(p.m[f], m, atol=0.02), (f, p.m[f], m)
        assert np.allclose(p.u_candidates[f], TRUE_U[f], atol=0.02), (f, p.u_candidates[f])


def test_weights_monotone_in_level() -> None:
    cmp = _synthetic(100_000, lam=0.3, seed=11)
    p = estimate_m(cmp, TRUE_U, prior=0.1, levels=LEVELS)
    for f, w in p.weights().items():
        assert all(a < b for a, b in itertools.pairwise(w)), (f, w)


def test_em_ignores_labels_and_prior_for_random_pairs() -> None:
    cmp = _synthetic(50_000, lam=0.2, seed=2)
    p = estimate_m(cmp, TRUE_U, prior=0.1, levels=LEVELS, n_records=10_000)
    expected = p.prior_candidates * cmp.height / (10_000 * 9_999 / 2)
    assert p.prior == pytest.approx(expected)
    assert p.u == {f: [float(x) for x in v] for f, v in TRUE_U.items()}


def test_params_json_round_trip() -> None:
    cmp = _synthetic(5_000, lam=0.2, seed=1)
    p = estimate_m(cmp, TRUE_U, levels=LEVELS)
    text = p.to_json()
    assert json.loads(text)["levels"]["name"] == LEVELS["name"]
    assert FSParams.from_json(text) == p


def _records(names: list[str], phones: Sequence[str | None] | None = None) -> pl.DataFrame:
    n = len(names)
    return pl.DataFrame(
        {
            "rid": np.arange(n, dtype=np.uint32),
            "full_name": names,
            "phone": list(phones) if phones is not None else [None] * n,
        },
        schema_overrides={"phone": pl.String},
    ).with_columns(name_part_columns(pl.col("full_name").str.to_lowercase()))


def test_estimate_u_from_random_pairs() -> None:
    rec = _records(["Nguyễn Văn Hùng"] * 50 + [f"Trần Thị Sxw{i}" for i in range(150)])
    u = estimate_u(rec, ["given"], n_pairs=200_000, seed=0, smoothing=0.0)
    exact = u["given"][FIELD_LEVELS["given"].index("exact")]
    # two random distinct records share the common name with probability ≈ (50·49)/(200·199)
    assert exact == pytest.approx(50 * 49 / (200 * 199), rel=0.1)
    assert sum(u["given"]) == pytest.approx(1.0)


def test_term_frequency_common_name_weaker_than_rare() -> None:
    names = ["Nguyễn Văn Hùng"] * 200 + [f"Lò Văn {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXY"] * 2
    names += [f"Đinh Thị Khánh Vy{i}" for i in range(300)]
    rec = _records(names)
    u = estimate_u(rec, ["given"], n_pairs=100_000, seed=1)
    exact = FIELD_LEVELS["given"].index("exact")
    m = {"given": [0.01] * exact + [0.91]}
    p = FSParams(
        m=m,
        u=u,
        prior=0.001,
        levels={"given": list(FIELD_LEVELS["given"])},
        tf_levels={"given": {str(exact): "given_tone"}},
        u_random=u,
    )
    common = (0, 1)  # both "Nguyễn Văn Hùng"
    rare = (200, 225)  # both "Lò Văn A"
    pairs = pl.DataFrame(
        {"rid_l": [common[0], rare[0]], "rid_r": [common[1], rare[1]]},
        schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32},
    )
    cmp = comparisons(rec, pairs)
    assert cmp["g_given"].to_list() == [exact, exact]
    with_tf = score(cmp, p, rec)
    without = score(cmp, p)
    w = with_tf["match_weight"].to_list()
    assert w[0] < w[1]
    assert without["match_weight"][0] == without["match_weight"][1]
    # the adjustment is log2(u_exact / tf(value))
    tf_common = 200 / rec.height
    expected = without["match_weight"][0] + np.log2(u["given"][exact] / tf_common)
    assert w[0] == pytest.approx(expected)


def test_score_frame_and_reason() -> None:
    cmp = pl.DataFrame(
        {
            "rid_l": [0, 1, 2],
            "rid_r": [5, 6, 7],
            "g_name": [3, 0, -1],
            "g_birth_date": [2, 0, -1],
            "g_personal_id": [1, -1, -1],
            "g_phone": [-1, 1, -1],
        },
        schema_overrides={
            c: pl.Int8 for c in ["g_name", "g_birth_date", "g_personal_id", "g_phone"]
        }
        | {"rid_l": pl.UInt32, "rid_r": pl.UInt32},
    )
    levels = {f: [f"L{k}" for k in range(len(v))] for f, v in TRUE_M.items()}
    p = FSParams(m=TRUE_M, u=TRUE_U, prior=0.01, levels=levels)
    s = score(cmp, p)
    assert s.columns == ["rid_l", "rid_r", "match_weight", "match_probability", "match_reason"]
    assert s["match_weight"].dtype == pl.Float64
    w = p.weights()
    prior_w = np.log2(0.01 / 0.99)
    exp0 = prior_w + w["name"][3] + w["birth_date"][2] + w["personal_id"][1]
    assert s["match_weight"][0] == pytest.approx(exp0)
    assert s["match_weight"][2] == pytest.approx(prior_w)  # all -1: prior only
    assert s["match_probability"][0] == pytest.approx(1 / (1 + 2**-exp0))
    assert s["match_reason"][0] == "personal_id L1; name L3; birth_date L2"
    assert s["match_reason"][2] == ""
    assert s["match_reason"][1].split("; ")[0] in {"name L0", "phone L1", "birth_date L0"}


def test_end_to_end_on_tiny_records() -> None:
    names = ["Nguyễn Văn An", "Nguyen Van An", "Trần Thị Bích", "Trần Thị Bich", "Lê Văn Tám"] * 40
    phones = [f"09{i:08d}" for i in range(200)]
    rec = _records(names, phones)
    pairs = pl.DataFrame(
        {"rid_l": np.arange(0, 199, dtype=np.uint32), "rid_r": np.arange(1, 200, dtype=np.uint32)}
    )
    cmp = comparisons(rec, pairs)
    u = estimate_u(rec, ["given", "phone"], n_pairs=20_000, seed=0)
    p = estimate_m(cmp, u, n_records=rec.height)
    s = score(cmp, p, rec)
    assert s.height == 199
    assert s["match_probability"].is_between(0, 1).all()


def test_em_with_no_candidate_pairs_keeps_start_values_without_warnings() -> None:
    from pipelines.resolve.scoring import estimate_m

    empty = pl.DataFrame(schema={"g_phone": pl.Int8, "g_gender": pl.Int8})
    params = estimate_m(empty, {"phone": [0.99, 0.01], "gender": [0.5, 0.5]}, n_records=10)
    assert params.iterations == 0
    assert params.converged is False
    assert abs(sum(params.m["phone"]) - 1.0) < 1e-9
