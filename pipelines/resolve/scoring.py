"""Fellegi–Sunter scoring: u from random pairs, m by unsupervised EM, term-frequency names.

For each comparison field ``f`` and level ``k`` (``compare.LEVELS``) the model holds
``m[f][k] = P(level k | match)`` and ``u[f][k] = P(level k | non-match)``; level ``-1`` (no
information) contributes nothing. A pair's ``match_weight`` is
``log2(prior / (1 - prior)) + Σ_f log2(m[f][k_f] / u[f][k_f])`` and ``match_probability`` is
``1 / (1 + 2^-match_weight)``.

- :func:`estimate_u` compares *random* record pairs (almost all non-matches), never candidates.
- :func:`estimate_m` runs EM on the candidate comparisons with ``u`` held fixed: it never sees
  ground truth. It works on the distinct comparison patterns with their counts, so its cost
  follows the number of patterns (thousands), not pairs.
- :func:`score` adds the Splink-style term-frequency adjustment on the exact-name levels:
  ``log2(u[name][k] / tf(value))`` where ``tf`` is the share of records holding that exact
  value (the larger of the two sides), so agreeing on "Nguyễn Văn Hùng" counts less than
  agreeing on a rare name.

Thresholds are not here (they live in the configuration).

Example:
    >>> import numpy as np
    >>> cmp = pl.DataFrame({"rid_l": [0, 1], "rid_r": [2, 3], "g_phone": [1, 0]},
    ...     schema_overrides={"rid_l": pl.UInt32, "rid_r": pl.UInt32, "g_phone": pl.Int8})
    >>> params = FSParams(m={"phone": [0.2, 0.8]}, u={"phone": [0.99, 0.01]}, prior=0.5,
    ...     levels={"phone": ["differs", "exact"]})
    >>> score(cmp, params)["match_reason"].to_list()
    ['phone exact', 'phone differs']
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Final

import numpy as np
import polars as pl

from pipelines.resolve.compare import FIELDS, LEVELS, NAME_TF, comparisons

__all__ = [
    "FSParams",
    "estimate_m",
    "estimate_u",
    "fit",
    "level_patterns",
    "match_reasons",
    "score",
    "tf_column",
    "with_tf_columns",
]

PATTERN_COUNT: Final = "pairs"
"""Column of :func:`level_patterns` holding how many pairs show each pattern."""

_EPS: Final = 1e-6


@dataclass
class FSParams:
    """Fellegi–Sunter parameters; JSON-serialisable so a run can record them.

    ``m``/``u`` map a field to probabilities indexed by level (0..k); ``prior`` is the share of
    matches among candidate pairs; ``levels`` holds the level labels; ``tf_levels`` maps an
    exact-name level (as a string, JSON keys) to the records column its term frequency is
    taken from; ``u_random`` (random pairs, used by the term-frequency adjustment) and
    ``u_candidates``/``prior_candidates`` (EM's non-match class on the candidates) are kept
    for the record; ``iterations``/``converged`` describe the EM run.

    Example:
        >>> p = FSParams(m={"phone": [0.1, 0.9]}, u={"phone": [0.999, 0.001]}, prior=0.01,
        ...     levels={"phone": ["differs", "exact"]})
        >>> FSParams.from_json(p.to_json()) == p
        True
        >>> round(p.weights()["phone"][1], 2)
        9.81
    """

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    levels: dict[str, list[str]]
    tf_levels: dict[str, dict[str, str]] = field(default_factory=dict)
    u_random: dict[str, list[float]] = field(default_factory=dict)
    u_candidates: dict[str, list[float]] = field(default_factory=dict)
    prior_candidates: float = 0.0
    iterations: int = 0
    converged: bool = False

    def prior_weight(self) -> float:
        """Return ``log2(prior / (1 - prior))``, the weight every pair starts from."""
        return math.log2(self.prior / (1.0 - self.prior))

    def weights(self) -> dict[str, list[float]]:
        """Return the log2 Bayes factor ``log2(m/u)`` per field and level."""
        return {
            f: [math.log2(max(m, _EPS) / max(u, _EPS)) for m, u in zip(ms, self.u[f], strict=True)]
            for f, ms in self.m.items()
        }

    def to_json(self) -> str:
        """Serialise to a JSON string."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> FSParams:
        """Load from :meth:`to_json` output."""
        return cls(**json.loads(text))


def _fields_of(frame: pl.DataFrame) -> list[str]:
    return [c[2:] for c in frame.columns if c.startswith("g_")]


def estimate_u(
    records: pl.DataFrame,
    fields: list[str] | None = None,
    n_pairs: int = 1_000_000,
    seed: int = 0,
    smoothing: float = 1.0,
) -> dict[str, list[float]]:
    """Estimate ``u`` (level distribution among non-matches) from random record pairs.

    Draws ``n_pairs`` uniformly random pairs of distinct records (not candidate pairs: they
    are overwhelmingly non-matches), compares them with :func:`compare.comparisons` and
    returns, per field, level frequencies among the informative (non ``-1``) comparisons with
    ``smoothing`` pseudo-counts per level (so a level never seen still has ``u > 0``).

    Example:
        >>> rec = pl.DataFrame({"rid": pl.Series(range(4), dtype=pl.UInt32),
        ...     "phone": ["1", "1", "2", "3"]})
        >>> u = estimate_u(rec, ["phone"], n_pairs=1000, seed=1, smoothing=0.0)
        >>> 0.1 < u["phone"][2] < 0.25
        True
    """
    fields = list(fields) if fields is not None else list(FIELDS)
    n = records.height
    if n < 2:
        raise ValueError("estimate_u needs at least two records")
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, size=n_pairs, dtype=np.int64)
    b = rng.integers(0, n - 1, size=n_pairs, dtype=np.int64)
    b = np.where(b >= a, b + 1, b)  # distinct from a
    rid = records["rid"].cast(pl.UInt32)
    ra, rb = rid.gather(a), rid.gather(b)
    pairs = pl.DataFrame({"rid_l": ra, "rid_r": rb}).select(
        pl.min_horizontal("rid_l", "rid_r").alias("rid_l"),
        pl.max_horizontal("rid_l", "rid_r").alias("rid_r"),
    )
    cmp = comparisons(records, pairs)
    out: dict[str, list[float]] = {}
    for f in fields:
        k = len(LEVELS[f])
        counts = np.bincount(cmp[f"g_{f}"].filter(cmp[f"g_{f}"] >= 0).to_numpy(), minlength=k)
        freq = counts.astype(np.float64) + smoothing
        total = freq.sum()
        out[f] = (freq / total).tolist() if total > 0 else [1.0 / k] * k
    return out


def _start_m(k: int) -> np.ndarray:
    """Start values: mass rising geometrically with the level (top level ≈ 2/3)."""
    w = 3.0 ** np.arange(k, dtype=np.float64)
    return w / w.sum()


def estimate_m(
    comparisons: pl.DataFrame,
    u: dict[str, list[float]],
    prior: float = 0.1,
    iterations: int = 200,
    tol: float = 1e-6,
    n_records: int | None = None,
    levels: Mapping[str, Sequence[str]] | None = None,
    m_floor: float = 1e-3,
) -> FSParams:
    """Estimate ``m`` by EM on the candidate comparisons (unsupervised: no ground truth).

    Candidate pairs are not random pairs: their non-matches agree on the blocking fields far
    more often than ``u`` says (same name and birth year by construction), so EM with ``u``
    held fixed pushes those non-matches into the match class. Here EM fits a two-class
    mixture on the candidates with both ``m`` and a *candidate* ``u`` free (started at the
    random-pair ``u``; ``m`` started with geometrically more mass on stronger levels; the
    candidate match share started at ``prior``), until the largest change of any parameter
    is below ``tol``. Every ``m`` is floored at ``m_floor`` (then renormalised): a level the
    candidates never show for matches (a gender mismatch in clean synthetic data) keeps a
    bounded penalty instead of a veto. A level no candidate shows at all gets ``m = u`` (weight
    0: it says nothing). It works on the distinct level patterns with counts, so its cost
    follows the number of patterns, not pairs: ``comparisons`` is one row per pair, or the
    patterns themselves with their counts in a ``pairs`` column (:func:`level_patterns`,
    summed over partitions of the candidates).

    The returned parameters score as Splink does: ``m`` from EM, ``u`` from random pairs
    and ``prior`` = probability that two random records match = expected matches among the
    candidates / ``n_records·(n_records-1)/2``. Without ``n_records`` they score on the
    candidate population instead (``u`` = candidate ``u``, ``prior`` = candidate share).

    Example:
        >>> cmp = pl.DataFrame({"g_phone": [1] * 30 + [0] * 70,
        ...     "g_gender": [1] * 30 + [0, 1] * 35}, schema={"g_phone": pl.Int8,
        ...     "g_gender": pl.Int8})
        >>> u = {"phone": [0.99, 0.01], "gender": [0.5, 0.5]}
        >>> p = estimate_m(cmp, u, prior=0.2)
        >>> p.converged, p.m["phone"][1] > 0.8, p.u["phone"][1] < 0.1
        (True, True, True)
    """
    fields = [f for f in _fields_of(comparisons) if f in u]
    if not fields:
        raise ValueError("no g_<field> column of comparisons has a u")
    src = levels or LEVELS
    labels = {f: list(src.get(f, [str(k) for k in range(len(u[f]))])) for f in fields}
    cols = [f"g_{f}" for f in fields]
    counted = [PATTERN_COUNT] if PATTERN_COUNT in comparisons.columns else []
    # sorted: group_by returns the patterns in any order, and EM's sums must not depend on it
    # (the same inputs give the same parameters to the last bit, so the same bytes)
    patt = level_patterns(comparisons.select(*cols, *counted)).sort(cols)
    cnt = patt[PATTERN_COUNT].to_numpy().astype(np.float64)
    g = {f: patt[f"g_{f}"].to_numpy().astype(np.int64) for f in fields}
    u_arr = {f: np.asarray(u[f], dtype=np.float64) for f in fields}
    m_arr = {f: _start_m(len(u[f])) for f in fields}
    lam = float(np.clip(prior, _EPS, 1 - _EPS))
    converged = False
    it = 0
    if cnt.sum() == 0:  # no candidate pairs: nothing to learn, keep the starting values
        iterations = 0
    while it < iterations:
        it += 1
        logit = np.full(len(cnt), math.log(lam) - math.log1p(-lam))
        for f in fields:
            known = g[f] >= 0
            idx = np.where(known, g[f], 0)
            lr = np.log(np.maximum(m_arr[f][idx], _EPS)) - np.log(np.maximum(u_arr[f][idx], _EPS))
            logit += np.where(known, lr, 0.0)
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        wm, wu = post * cnt, (1.0 - post) * cnt
        new_lam = float(np.clip(wm.sum() / cnt.sum(), _EPS, 1 - _EPS))
        delta = abs(new_lam - lam)
        for f in fields:
            k = len(u[f])
            known = g[f] >= 0
            mass = np.bincount(g[f][known], weights=wm[known], minlength=k) + _EPS
            umass = np.bincount(g[f][known], weights=wu[known], minlength=k) + _EPS
            new_m = np.maximum(mass / mass.sum(), m_floor)
            new_m, new_u = new_m / new_m.sum(), umass / umass.sum()
            delta = max(delta, float(np.abs(new_m - m_arr[f]).max()))
            delta = max(delta, float(np.abs(new_u - u_arr[f]).max()))
            m_arr[f], u_arr[f] = new_m, new_u
        lam = new_lam
        if delta < tol:
            converged = True
            break
    # A level no candidate pair shows tells nothing: EM left it at its floor, the random pairs
    # at their smoothing, and their ratio would be an invented weight. Make it neutral.
    for f in fields:
        seen = np.bincount(g[f][g[f] >= 0], weights=cnt[g[f] >= 0], minlength=len(u[f]))
        unseen = seen == 0
        m_arr[f] = np.where(unseen, np.asarray(u[f], dtype=np.float64), m_arr[f])
    u_cand = {f: u_arr[f].tolist() for f in fields}
    u_rand = {f: list(map(float, u[f])) for f in fields}
    if n_records is not None and n_records > 1:
        total_pairs = n_records * (n_records - 1) / 2.0
        score_prior = float(np.clip(lam * cnt.sum() / total_pairs, 1e-300, 1 - _EPS))
        score_u = u_rand
    else:
        score_prior, score_u = lam, u_cand
    return FSParams(
        m={f: m_arr[f].tolist() for f in fields},
        u=score_u,
        prior=score_prior,
        levels=labels,
        tf_levels={f: dict(NAME_TF[f]) for f in fields if f in NAME_TF},
        u_random=u_rand,
        u_candidates=u_cand,
        prior_candidates=lam,
        iterations=it,
        converged=converged,
    )


def level_patterns(comparisons: pl.DataFrame) -> pl.DataFrame:
    """Return the distinct ``g_*`` level patterns of ``comparisons`` and how many pairs show each.

    Patterns of several partitions of the candidates add up: concatenate them and
    sum ``pairs`` over the ``g_*`` columns (what :func:`estimate_m` needs is only this).

    Example:
        >>> cmp = pl.DataFrame({"rid_l": [0, 0, 1], "rid_r": [1, 2, 2], "g_phone": [1, 0, 1]})
        >>> level_patterns(cmp).sort("g_phone").rows()
        [(0, 1), (1, 2)]
    """
    cols = [c for c in comparisons.columns if c.startswith("g_")]
    if PATTERN_COUNT in comparisons.columns:
        return comparisons.group_by(cols).agg(pl.col(PATTERN_COUNT).sum())
    return comparisons.group_by(cols).agg(pl.len().cast(pl.Int64).alias(PATTERN_COUNT))


def fit(
    records: pl.DataFrame,
    comparisons: pl.DataFrame,
    n_u_pairs: int = 1_000_000,
    seed: int = 0,
    prior: float = 0.1,
    iterations: int = 200,
) -> FSParams:
    """:func:`estimate_u` on random pairs of ``records`` then :func:`estimate_m` on candidates.

    Example:
        >>> rec = pl.DataFrame({"rid": pl.Series(range(4), dtype=pl.UInt32),
        ...     "phone": ["1", "1", "2", "3"], "gender": ["Nam", "Nam", "Nữ", "Nam"]})
        >>> from pipelines.resolve.compare import comparisons as cmp_
        >>> pairs = pl.DataFrame({"rid_l": [0, 0], "rid_r": [1, 2]},
        ...     schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32})
        >>> sorted(fit(rec, cmp_(rec, pairs), n_u_pairs=100).m)[:3]
        ['birth_date', 'gender', 'given']
    """
    present = [f for f in _fields_of(comparisons) if f in LEVELS]
    u = estimate_u(records, present, n_pairs=n_u_pairs, seed=seed)
    return estimate_m(comparisons, u, prior=prior, iterations=iterations, n_records=records.height)


def tf_column(column: str) -> str:
    """Return the name of the records column holding the term frequency of ``column``."""
    return f"tf_{column}"


def _tf_expr(column: str) -> pl.Expr:
    n_known = pl.col(column).is_not_null().sum().clip(lower_bound=1)
    return (
        pl.when(pl.col(column).is_not_null())
        .then(pl.len().over(column) / n_known)
        .cast(pl.Float64)
        .alias(tf_column(column))
    )


def with_tf_columns(records: pl.DataFrame) -> pl.DataFrame:
    """Add ``tf_<column>`` (share of records holding each row's value) for the name columns.

    :func:`score` reads them instead of counting the values again, which matters when the
    candidates are scored in many partitions.

    Example:
        >>> rec = pl.DataFrame({"rid": [0, 1, 2], "given_tone": ["an", "an", None]})
        >>> with_tf_columns(rec)["tf_given_tone"].to_list()
        [1.0, 1.0, None]
    """
    columns = {c for levels in NAME_TF.values() for c in levels.values()} | {"name_tone_key"}
    present = sorted(c for c in columns if c in records.columns)
    return records.with_columns(_tf_expr(c) for c in present)


def _tf_table(records: pl.DataFrame, column: str) -> pl.Series:
    """Share of records holding each row's value of ``column`` (null where the value is)."""
    if tf_column(column) in records.columns:
        return records[tf_column(column)]
    return records.select(_tf_expr(column))[tf_column(column)]


def score(
    comparisons: pl.DataFrame,
    params: FSParams,
    records: pl.DataFrame | None = None,
    *,
    reasons: bool = True,
) -> pl.DataFrame:
    """Score candidate comparisons: ``match_weight``, ``match_probability``, ``match_reason``.

    ``records`` (with ``rid`` and the name columns of ``params.tf_levels``) enables the
    term-frequency adjustment of the exact-name levels; without it plain level weights are
    used. ``match_reason`` names the (up to) three comparisons with the largest absolute
    weights, strongest first, e.g. ``"personal_id exact; given exact; birth_date exact"``;
    with ``reasons=False`` it is left out (scoring millions of candidates, only the pairs
    that become links need one: :func:`match_reasons`).

    Example:
        >>> cmp = pl.DataFrame({"rid_l": [0], "rid_r": [1], "g_phone": [1], "g_gender": [0]},
        ...     schema_overrides={"rid_l": pl.UInt32, "rid_r": pl.UInt32, "g_phone": pl.Int8,
        ...     "g_gender": pl.Int8})
        >>> p = FSParams(m={"phone": [0.1, 0.9], "gender": [0.05, 0.95]},
        ...     u={"phone": [0.99, 0.01], "gender": [0.5, 0.5]}, prior=0.5,
        ...     levels={"phone": ["differs", "exact"], "gender": ["differs", "same"]})
        >>> s = score(cmp, p)
        >>> round(s["match_weight"][0], 2), s["match_reason"][0]
        (3.17, 'phone exact; gender differs')
    """
    fields = [f for f in params.m if f"g_{f}" in comparisons.columns]
    per_field = {f: _field_weights(comparisons, params, records, f) for f in fields}
    if records is not None:
        per_field = _cap_by_full_name(comparisons, params, records, per_field)
    total = np.full(comparisons.height, params.prior_weight(), dtype=np.float64)
    for w in per_field.values():
        total += w
    prob = 1.0 / (1.0 + np.exp2(-np.clip(total, -1000, 1000)))
    out = pl.DataFrame(
        {
            "rid_l": comparisons["rid_l"],
            "rid_r": comparisons["rid_r"],
            "match_weight": total,
            "match_probability": prob,
        }
    )
    if reasons:
        out = out.with_columns(_reason_series(comparisons, params, fields, per_field))
    return out


def match_reasons(
    comparisons: pl.DataFrame, params: FSParams, records: pl.DataFrame | None = None
) -> pl.Series:
    """Return ``match_reason`` of each comparison (see :func:`score`).

    Example:
        >>> cmp = pl.DataFrame({"rid_l": [0], "rid_r": [1], "g_phone": [1]},
        ...     schema_overrides={"rid_l": pl.UInt32, "rid_r": pl.UInt32, "g_phone": pl.Int8})
        >>> p = FSParams(m={"phone": [0.1, 0.9]}, u={"phone": [0.99, 0.01]}, prior=0.5,
        ...     levels={"phone": ["differs", "exact"]})
        >>> match_reasons(cmp, p).to_list()
        ['phone exact']
    """
    return score(comparisons, params, records, reasons=True)["match_reason"]


def _field_weights(
    comparisons: pl.DataFrame, params: FSParams, records: pl.DataFrame | None, f: str
) -> np.ndarray:
    """Per pair, field ``f``'s weight (level weight, plus the term-frequency adjustment)."""
    g = comparisons[f"g_{f}"].to_numpy().astype(np.int64)
    w = np.append(np.asarray(params.weights()[f], dtype=np.float64), 0.0)  # index -1 → 0.0
    out = w[g]
    if records is not None and f in params.tf_levels:
        out = out + _tf_adjustment(comparisons, params, records, f, params.tf_levels[f])
    return out


def _reason_series(
    comparisons: pl.DataFrame,
    params: FSParams,
    fields: list[str],
    per_field: dict[str, np.ndarray],
) -> pl.Series:
    n = comparisons.height
    wmat = np.zeros((n, len(fields)), dtype=np.float64)
    lab = np.zeros((n, len(fields)), dtype=np.int64)  # global label id; 0 = none
    label_text: list[str] = [""]
    for j, f in enumerate(fields):
        g = comparisons[f"g_{f}"].to_numpy().astype(np.int64)
        wmat[:, j] = per_field[f]
        base = len(label_text) - 1
        label_text.extend(f"{f} {t}" for t in params.levels[f])
        lab[:, j] = np.where(g >= 0, base + 1 + g, 0)
    return _reasons(wmat, lab, label_text).alias("match_reason")


def _tf_adjustment(
    comparisons: pl.DataFrame,
    params: FSParams,
    records: pl.DataFrame,
    field_name: str,
    levels: Mapping[str, str],
) -> np.ndarray:
    """Per pair ``log2(u_level / max(tf_l, tf_r))`` on the exact levels of a field, else 0."""
    g = comparisons[f"g_{field_name}"].to_numpy()
    adj = np.zeros(comparisons.height, dtype=np.float64)
    rid = records["rid"].cast(pl.Int64)
    identity = rid.equals(pl.Series("rid", np.arange(records.height, dtype=np.int64)))
    order = None if identity else rid.arg_sort()
    for level_s, column in levels.items():
        level = int(level_s)
        rows = np.flatnonzero(g == level)
        if rows.size == 0 or column not in records.columns:
            continue
        tf = _tf_table(records, column)
        if order is not None:
            tf = tf.gather(order)
            sorted_rid = rid.gather(order)
            pos_l = sorted_rid.search_sorted(comparisons["rid_l"].gather(rows).cast(pl.Int64))
            pos_r = sorted_rid.search_sorted(comparisons["rid_r"].gather(rows).cast(pl.Int64))
        else:
            pos_l = comparisons["rid_l"].gather(rows)
            pos_r = comparisons["rid_r"].gather(rows)
        tf_pair = np.fmax(tf.gather(pos_l).to_numpy(), tf.gather(pos_r).to_numpy())
        u_level = max((params.u_random or params.u)[field_name][level], _EPS)
        ok = np.isfinite(tf_pair) & (tf_pair > 0)
        adj[rows[ok]] = np.log2(u_level / tf_pair[ok])
    return adj


_NAME_PARTS: Final = ("surname", "middle", "given")


def _cap_by_full_name(
    comparisons: pl.DataFrame,
    params: FSParams,
    records: pl.DataFrame,
    per_field: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Cap the evidence of a name exact in every part at what the full name's frequency says.

    The three parts are weighed as independent, each by how rare it is; but a full name is
    not a free combination of its parts, and several different people in the data may carry
    one rare full name. When surname, middle and given name are all exact, their summed
    weight may not exceed ``Σ log2 m(exact part) - log2 tf(full name)``, the weight the full
    name's own share of the records gives; the excess is taken off each part in proportion.
    """
    if not set(_NAME_PARTS) <= set(per_field) or "name_tone_key" not in records.columns:
        return per_field
    exact = {p: int(next(iter(params.tf_levels.get(p, {"-9": ""})))) for p in _NAME_PARTS}
    if -9 in exact.values():
        return per_field
    g = {p: comparisons[f"g_{p}"].to_numpy() for p in _NAME_PARTS}
    rows = np.flatnonzero(
        (g["surname"] == exact["surname"])
        & (g["given"] == exact["given"])
        & ((g["middle"] == exact["middle"]) | (g["middle"] == -1))
    )
    if rows.size == 0:
        return per_field
    tf = _pair_tf(comparisons, records, "name_tone_key", rows)
    log_m = {p: math.log2(max(params.m[p][exact[p]], _EPS)) for p in _NAME_PARTS}
    middle = np.where(g["middle"][rows] == -1, 0.0, log_m["middle"])
    cap = log_m["surname"] + log_m["given"] + middle
    cap = cap - np.log2(np.where(np.isfinite(tf) & (tf > 0), tf, 1.0))
    parts = np.stack([per_field[p][rows] for p in _NAME_PARTS], axis=1)
    total = parts.sum(axis=1)
    excess = np.where(np.isfinite(tf) & (total > cap) & (total > 0), total - cap, 0.0)
    share = np.divide(parts, total[:, None], out=np.zeros_like(parts), where=total[:, None] > 0)
    capped = parts - share * excess[:, None]
    out = dict(per_field)
    for j, p in enumerate(_NAME_PARTS):
        column = per_field[p].copy()
        column[rows] = capped[:, j]
        out[p] = column
    return out


def _pair_tf(
    comparisons: pl.DataFrame, records: pl.DataFrame, column: str, rows: np.ndarray
) -> np.ndarray:
    """``max(tf_l, tf_r)`` of ``column`` for the comparison ``rows``."""
    tf = _tf_table(records, column)
    rid = records["rid"].cast(pl.Int64)
    if rid.equals(pl.Series("rid", np.arange(records.height, dtype=np.int64))):
        pos_l = comparisons["rid_l"].gather(rows)
        pos_r = comparisons["rid_r"].gather(rows)
    else:
        order = rid.arg_sort()
        tf = tf.gather(order)
        sorted_rid = rid.gather(order)
        pos_l = sorted_rid.search_sorted(comparisons["rid_l"].gather(rows).cast(pl.Int64))
        pos_r = sorted_rid.search_sorted(comparisons["rid_r"].gather(rows).cast(pl.Int64))
    return np.fmax(tf.gather(pos_l).to_numpy(), tf.gather(pos_r).to_numpy())


def _reasons(wmat: np.ndarray, lab: np.ndarray, label_text: list[str], top: int = 3) -> pl.Series:
    """Join the labels of the ``top`` largest-|weight| informative comparisons per row."""
    n, k = wmat.shape
    if k == 0:
        return pl.Series([""] * n, dtype=pl.String)
    take = min(top, k)
    absw = np.where(lab > 0, np.abs(wmat), -1.0)
    order = np.argsort(-absw, axis=1, kind="stable")[:, :take]
    picked = np.take_along_axis(lab, order, axis=1)
    base = len(label_text)
    code = np.zeros(n, dtype=np.int64)
    for i in range(take):
        code = code * base + picked[:, i]
    uniq, inv = np.unique(code, return_inverse=True)
    texts = []
    for c in uniq.tolist():
        parts = []
        for _ in range(take):
            c, r = divmod(c, base)
            parts.append(r)
        texts.append("; ".join(label_text[p] for p in reversed(parts) if p > 0))
    return pl.Series(texts, dtype=pl.String).gather(inv.ravel())
