"""Doubtful pairs for people to decide, and the stewards' pair decisions as constraints.

Three pure pieces, each a function of frames (no file access):

* :func:`review_pairs` — the scored candidate pairs whose match probability falls in the
  review band (``[resolve] review_band``, default ``[0.5, 0.95)``), with a stable pair key
  and the evidence per comparison: which comparisons pushed the score up or down and by how
  many bits (log2 of the Bayes factor: one bit doubles the odds), from the fitted
  :class:`~pipelines.resolve.scoring.FSParams`; what the term-frequency adjustment of the
  names added or took away is one more line, ``name_frequency``, so the lines add up to the
  pair's ``match_weight``. Scored pairs may come in chunks: apply it per chunk and
  concatenate.
* :func:`pair_key` / :func:`pair_key_parts` — the pair key, made from both records' source
  and record id, the same whichever record comes first (``DC:R0001|BH:B0042``; the register
  as a code: ``DC`` dân cư, ``HT`` hộ tịch, ``BH`` BHXH; ``%`` and ``|`` in a record id are
  written ``%25``, ``%7C``).
* :func:`record_fingerprints` and :func:`pair_constraints` — a decision holds while the
  identity fields (name, birth date and its precision, personal ID, gender) of both records
  are those the steward saw; :func:`pair_constraints` turns the stored decisions into the
  ``must_link`` / ``cannot_link`` frames of :func:`~pipelines.resolve.cluster.clusters` and
  says for each decision whether it applies, or no longer applies (a record gone, or changed).

Example:
    >>> keys = pl.DataFrame({"rid": [0, 1], "source": ["residents", "insurance"],
    ...     "record_id": ["R1", "B7"]}, schema_overrides={"rid": pl.UInt32})
    >>> pl.select(pair_key(pl.lit("insurance"), pl.lit("B7"), pl.lit("residents"),
    ...     pl.lit("R1"))).item()
    'DC:R1|BH:B7'
    >>> pair_key_parts("DC:R1|BH:B7")
    ('residents', 'R1', 'insurance', 'B7')
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

import polars as pl

from pipelines.resolve.scoring import FSParams

__all__ = [
    "DECISIONS",
    "EVIDENCE_DTYPE",
    "FINGERPRINT_COLUMNS",
    "NAME_FREQUENCY",
    "SOURCE_CODES",
    "SOURCE_ORDER",
    "pair_constraints",
    "pair_key",
    "pair_key_parts",
    "record_fingerprints",
    "review_pairs",
]

SOURCE_CODES: Final = {"residents": "DC", "civil_events": "HT", "insurance": "BH"}
"""Short code of each register in pair keys (dân cư, hộ tịch, BHXH)."""

SOURCE_ORDER: Final = {"residents": 0, "civil_events": 1, "insurance": 2}
"""Order of the registers: the side of a pair that comes first."""

DECISIONS: Final = ("same", "different")
"""Stored pair decisions: ``same`` (cùng người, a must-link), ``different`` (khác người)."""

FINGERPRINT_COLUMNS: Final = ("full_name", "birth_date", "birth_date_precision", "personal_id",
                              "gender")  # fmt: skip
"""Identity fields a pair decision was made on: if one changes, the decision no longer holds."""

NAME_FREQUENCY: Final = "name_frequency"
"""Evidence line for the term-frequency adjustment of the names (common names count less)."""

EVIDENCE_DTYPE: Final = pl.List(
    pl.Struct({"field": pl.String, "level": pl.String, "weight": pl.Float64})
)
"""Evidence of a pair: comparison, its level's label, its weight in bits; strongest first."""

_CODE_SOURCE: Final = {v: k for k, v in SOURCE_CODES.items()}
_MIN_WEIGHT: Final = 0.05


def _escaped(record_id: pl.Expr) -> pl.Expr:
    return record_id.str.replace_all("%", "%25", literal=True).str.replace_all(
        "|", "%7C", literal=True
    )


def pair_key(
    source_l: pl.Expr, record_id_l: pl.Expr, source_r: pl.Expr, record_id_r: pl.Expr
) -> pl.Expr:
    """Return the pair key of two records, the same in either order (module docstring).

    Example:
        >>> df = pl.DataFrame({"a": ["residents"], "b": ["R2|x"], "c": ["residents"],
        ...     "d": ["R1"]})
        >>> df.select(pair_key(*map(pl.col, "abcd"))).item()
        'DC:R1|DC:R2%7Cx'
    """

    def side(source: pl.Expr, record_id: pl.Expr) -> pl.Expr:
        code = source.replace_strict(SOURCE_CODES, default=source, return_dtype=pl.String)
        return pl.concat_str(code, pl.lit(":"), _escaped(record_id))

    first, second = side(source_l, record_id_l), side(source_r, record_id_r)
    return (
        pl.when(_left_first(source_l, record_id_l, source_r, record_id_r))
        .then(pl.concat_str(first, pl.lit("|"), second))
        .otherwise(pl.concat_str(second, pl.lit("|"), first))
        .alias("pair_key")
    )


def _left_first(
    source_l: pl.Expr, record_id_l: pl.Expr, source_r: pl.Expr, record_id_r: pl.Expr
) -> pl.Expr:
    """Return whether the left record comes first: register order, then record id."""
    order_l = source_l.replace_strict(SOURCE_ORDER, default=9, return_dtype=pl.Int8)
    order_r = source_r.replace_strict(SOURCE_ORDER, default=9, return_dtype=pl.Int8)
    same_register = (order_l == order_r) & (source_l == source_r)
    return (
        (order_l < order_r)
        | ((order_l == order_r) & (source_l < source_r))
        | (same_register & (record_id_l <= record_id_r))
    )


def pair_key_parts(key: str) -> tuple[str, str, str, str] | None:
    """Return ``(source_l, record_id_l, source_r, record_id_r)`` of a pair key, or None.

    None when ``key`` is not a pair key (wrong shape, unknown register code) or is not in
    its canonical order.

    Example:
        >>> pair_key_parts("DC:R%7C1|HT:E2"), pair_key_parts("XX:1|DC:2"), pair_key_parts("R1")
        (('residents', 'R|1', 'civil_events', 'E2'), None, None)
    """
    halves = key.split("|")
    if len(halves) != 2:
        return None
    parts: list[str] = []
    for half in halves:
        code, sep, escaped = half.partition(":")
        if not sep or code not in _CODE_SOURCE or not escaped:
            return None
        parts += [_CODE_SOURCE[code], escaped.replace("%7C", "|").replace("%25", "%")]
    canonical = pl.select(pair_key(*(pl.lit(p) for p in parts))).item()
    return (parts[0], parts[1], parts[2], parts[3]) if canonical == key else None


def record_fingerprints(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``source, record_id, fingerprint`` of each record's identity fields.

    The fingerprint is 16 hex digits of a sha256 over :data:`FINGERPRINT_COLUMNS` (missing
    columns count as empty). Called on the few records of review pairs and decisions only.

    Example:
        >>> import datetime as dt
        >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
        ...     "full_name": ["Nguyễn Văn An"], "birth_date": [dt.date(1990, 3, 5)]})
        >>> fp = record_fingerprints(f)["fingerprint"][0]
        >>> len(fp), fp == record_fingerprints(f.with_columns(gender=pl.lit(None)))[
        ...     "fingerprint"][0]
        (16, True)
    """
    parts = [
        (pl.col(c).cast(pl.String) if c in frame.columns else pl.lit(None, dtype=pl.String))
        .fill_null("")
        .alias(c)
        for c in FINGERPRINT_COLUMNS
    ]
    text = frame.select(
        "source",
        pl.col("record_id").cast(pl.String),
        pl.concat_str(parts, separator="\x1f").alias("text"),
    )
    digests = [hashlib.sha256(t.encode()).hexdigest()[:16] for t in text["text"].to_list()]
    return text.select("source", "record_id").with_columns(
        pl.Series("fingerprint", digests, dtype=pl.String)
    )


def _weights_table(params: FSParams, fields: Sequence[str]) -> pl.DataFrame:
    weights = params.weights()
    rows = [
        (f, level, label, weights[f][level])
        for f in fields
        for level, label in enumerate(params.levels[f])
    ]
    return pl.DataFrame(
        rows,
        schema={"field": pl.String, "level": pl.Int8, "label": pl.String, "weight": pl.Float64},
        orient="row",
    )


def review_pairs(
    scored: pl.DataFrame,
    params: FSParams,
    keys: pl.DataFrame,
    band: tuple[float, float],
    *,
    decided: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the pairs of ``scored`` a person should decide: one row per pair, by key.

    ``scored``: scored candidate pairs (``rid_l, rid_r, match_weight, match_probability``
    and the comparison levels ``g_<field>``), all of them or one chunk. ``keys``: ``rid,
    source, record_id`` (and ``province_code`` when known) of the records. ``band``: ``[lo,
    hi)`` of match probability. ``decided``: pairs already decided (a ``pair_key`` column):
    they are never asked again.

    Returns ``pair_key, rid_l, source_l, record_id_l, rid_r, source_r, record_id_r,
    match_probability, match_weight, evidence`` (:data:`EVIDENCE_DTYPE`) and
    ``province_code`` (of the first record that has one), sides in pair-key order, rows
    sorted by pair key.

    Example:
        >>> p = FSParams(m={"phone": [0.2, 0.8]}, u={"phone": [0.99, 0.01]}, prior=0.01,
        ...     levels={"phone": ["differs", "exact"]})
        >>> sc = pl.DataFrame({"rid_l": [0, 0], "rid_r": [1, 2], "match_weight": [-0.3, 9.0],
        ...     "match_probability": [0.45, 0.998], "g_phone": [1, 1]},
        ...     schema_overrides={"rid_l": pl.UInt32, "rid_r": pl.UInt32, "g_phone": pl.Int8})
        >>> keys = pl.DataFrame({"rid": [0, 1, 2], "source": ["residents"] * 3,
        ...     "record_id": ["R1", "R2", "R3"]}, schema_overrides={"rid": pl.UInt32})
        >>> out = review_pairs(sc, p, keys, (0.4, 0.95))
        >>> out["pair_key"].to_list(), out["evidence"][0][0]["field"]
        (['DC:R1|DC:R2'], 'phone')
    """
    lo, hi = band
    fields = [f for f in params.m if f"g_{f}" in scored.columns]
    levels = [f"g_{f}" for f in fields]
    inband = scored.filter(
        (pl.col("match_probability") >= lo) & (pl.col("match_probability") < hi)
    ).select(
        pl.col("rid_l").cast(pl.UInt32),
        pl.col("rid_r").cast(pl.UInt32),
        pl.col("match_weight").cast(pl.Float64),
        pl.col("match_probability").cast(pl.Float64),
        *levels,
    )
    has_place = "province_code" in keys.columns
    side = keys.select(
        pl.col("rid").cast(pl.UInt32),
        "source",
        pl.col("record_id").cast(pl.String),
        (pl.col("province_code") if has_place else pl.lit(None)).cast(pl.String).alias("prov"),
    )
    named = (
        inband.join(side.rename(lambda c: f"{c}_l"), on="rid_l")
        .join(side.rename(lambda c: f"{c}_r"), on="rid_r")
        .with_columns(pair_key(*(pl.col(c) for c in
                                 ("source_l", "record_id_l", "source_r", "record_id_r"))))
    )  # fmt: skip
    if decided is not None and decided.height:
        named = named.join(decided.select("pair_key").unique(), on="pair_key", how="anti")
    sides = ("rid", "source", "record_id", "prov")
    keep = _left_first(*(pl.col(c) for c in ("source_l", "record_id_l", "source_r", "record_id_r")))
    oriented = named.with_columns(keep.alias("_keep")).select(
        "pair_key",
        *(pl.when("_keep").then(f"{c}_l").otherwise(f"{c}_r").alias(f"{c}_l") for c in sides),
        *(pl.when("_keep").then(f"{c}_r").otherwise(f"{c}_l").alias(f"{c}_r") for c in sides),
        "match_probability",
        "match_weight",
        *levels,
    )
    evidence = _evidence(oriented, params, fields)
    return (
        oriented.join(evidence, on="pair_key", how="left")
        .select(
            "pair_key",
            "rid_l",
            "source_l",
            "record_id_l",
            "rid_r",
            "source_r",
            "record_id_r",
            "match_probability",
            "match_weight",
            pl.col("evidence").fill_null(pl.lit([], dtype=EVIDENCE_DTYPE)).cast(EVIDENCE_DTYPE),
            pl.coalesce("prov_l", "prov_r").alias("province_code"),
        )
        .sort("pair_key")
    )


def _evidence(pairs: pl.DataFrame, params: FSParams, fields: Sequence[str]) -> pl.DataFrame:
    """Return ``pair_key, evidence``: each comparison's weight, and the names' frequency."""
    if pairs.height == 0:
        return pl.DataFrame(schema={"pair_key": pl.String, "evidence": EVIDENCE_DTYPE})
    table = _weights_table(params, fields)
    lines = (
        pairs.select("pair_key", *(pl.col(f"g_{f}").cast(pl.Int8) for f in fields))
        .unpivot(index="pair_key", variable_name="field", value_name="level")
        .with_columns(pl.col("field").str.slice(2))
        .join(table, on=["field", "level"])
    )
    total = lines.group_by("pair_key").agg(pl.col("weight").sum().alias("_sum"))
    residual = (
        pairs.select("pair_key", "match_weight")
        .join(total, on="pair_key", how="left")
        .select(
            "pair_key",
            pl.lit(NAME_FREQUENCY).alias("field"),
            pl.lit(-1, dtype=pl.Int8).alias("level"),
            pl.lit("").alias("label"),
            (pl.col("match_weight") - params.prior_weight() - pl.col("_sum").fill_null(0.0)).alias(
                "weight"
            ),
        )
    )
    residual = residual.with_columns(
        pl.when(pl.col("weight") < 0)
        .then(pl.lit("common name"))
        .otherwise(pl.lit("rare name"))
        .alias("label")
    )
    return (
        pl.concat([lines, residual])
        .filter(pl.col("weight").abs() >= _MIN_WEIGHT)
        .with_columns(pl.col("weight").abs().alias("_abs"))
        .sort(["pair_key", "_abs", "field"], descending=[False, True, False])
        .group_by("pair_key", maintain_order=True)
        .agg(
            pl.struct("field", pl.col("label").alias("level"), pl.col("weight").round(2)).alias(
                "evidence"
            )
        )
    )


def pair_constraints(
    decisions: pl.DataFrame, keys: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return ``(must_link, cannot_link, status)`` for the stored pair ``decisions``.

    ``decisions``: ``pair_key, source_l, record_id_l, source_r, record_id_r, decision``
    (``same`` / ``different``), ``fingerprint_l, fingerprint_r`` (the records as the steward
    saw them). ``keys``: ``rid, source, record_id, fingerprint`` of this run's records
    (:func:`record_fingerprints` of at least the decided records). A decision applies when
    both records are here with the same fingerprints; ``status`` has one row per decision:
    ``pair_key, decision, status`` (``applied`` / ``record_gone`` / ``record_changed``),
    ``rid_l, rid_r`` (null unless applied).

    Example:
        >>> d = pl.DataFrame({"pair_key": ["DC:R1|DC:R2"], "source_l": ["residents"],
        ...     "record_id_l": ["R1"], "source_r": ["residents"], "record_id_r": ["R2"],
        ...     "decision": ["different"], "fingerprint_l": ["a"], "fingerprint_r": ["b"]})
        >>> k = pl.DataFrame({"rid": [4, 9], "source": ["residents"] * 2,
        ...     "record_id": ["R1", "R2"], "fingerprint": ["a", "b"]})
        >>> must, cannot, status = pair_constraints(d, k)
        >>> must.height, cannot.rows(), status["status"].to_list()
        (0, [(4, 9)], ['applied'])
    """
    side = keys.select(
        pl.col("rid").cast(pl.UInt32),
        "source",
        pl.col("record_id").cast(pl.String),
        pl.col("fingerprint").cast(pl.String),
    )
    joined = (
        decisions.select(
            "pair_key", "decision", "source_l", "record_id_l", "source_r", "record_id_r",
            "fingerprint_l", "fingerprint_r",
        )
        .join(side.rename(lambda c: f"{c}_l" if c != "fingerprint" else "now_l"),
              on=["source_l", "record_id_l"], how="left")
        .join(side.rename(lambda c: f"{c}_r" if c != "fingerprint" else "now_r"),
              on=["source_r", "record_id_r"], how="left")
    )  # fmt: skip
    gone = pl.col("rid_l").is_null() | pl.col("rid_r").is_null()
    changed = (pl.col("now_l") != pl.col("fingerprint_l")) | (
        pl.col("now_r") != pl.col("fingerprint_r")
    )
    state = (
        pl.when(gone)
        .then(pl.lit("record_gone"))
        .when(changed)
        .then(pl.lit("record_changed"))
        .otherwise(pl.lit("applied"))
    )
    status = (
        joined.with_columns(state.alias("status"))
        .select(
            "pair_key",
            "decision",
            "status",
            *(pl.when(pl.col("status") == "applied").then(c).alias(c) for c in ("rid_l", "rid_r")),
        )
        .sort("pair_key")
    )
    applied = status.filter(pl.col("status") == "applied")
    must = applied.filter(pl.col("decision") == "same").select("rid_l", "rid_r")
    cannot = applied.filter(pl.col("decision") == "different").select("rid_l", "rid_r")
    return must, cannot, status
