"""The resolve stage's part in the steward's week: decisions in, pairs to review out.

Called from :func:`pipelines.resolve.stage.resolved` at three marked places:

1. :func:`decision_constraints` before clustering: the stored pair decisions that still
   apply become the ``must_link`` / ``cannot_link`` frames of
   :func:`~pipelines.resolve.cluster.clusters`;
2. :func:`~pipelines.resolve.stable_ids.stable_person_ids` after clustering;
3. :func:`pairs_for_review` after clustering: the open pairs of the review band (never a
   decided one) and the decided pairs scored by this run's model (their labels measure it:
   ``dancu evaluate --labels``), as the rows of ``review_pairs.parquet``.

Pure functions of frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from pipelines.resolve.compare import LEVELS, comparisons
from pipelines.resolve.review import (
    EVIDENCE_DTYPE,
    pair_constraints,
    record_fingerprints,
    review_pairs,
)
from pipelines.resolve.scoring import FSParams, score

__all__ = [
    "REVIEW_SCHEMA",
    "Constraints",
    "decision_constraints",
    "pairs_for_review",
    "reusable_u",
]

REVIEW_SCHEMA: Final = pl.Schema(
    {
        "pair_key": pl.String(),
        "source_l": pl.String(),
        "record_id_l": pl.String(),
        "source_r": pl.String(),
        "record_id_r": pl.String(),
        "match_probability": pl.Float64(),
        "match_weight": pl.Float64(),
        "evidence": EVIDENCE_DTYPE,
        "province_code": pl.String(),
        "fingerprint_l": pl.String(),
        "fingerprint_r": pl.String(),
        "status": pl.String(),
        "decision": pl.String(),
        "auto_same": pl.Boolean(),
    }
)
"""Columns of ``review_pairs.parquet``: one row per open pair (``status = open``) and per
decided pair that still applies (``decided``, with the steward's ``decision``);
``auto_same``: the model alone puts the two records together (probability at or above
``[resolve] match_threshold``)."""


@dataclass(frozen=True)
class Constraints:
    """The stored pair decisions, read against this run's records.

    Attributes:
        must_link: ``rid_l, rid_r`` of the ``same`` decisions that apply.
        cannot_link: ``rid_l, rid_r`` of the ``different`` decisions that apply.
        status: ``pair_key, decision, status, rid_l, rid_r`` per decision
            (:func:`~pipelines.resolve.review.pair_constraints`).
    """

    must_link: pl.DataFrame
    cannot_link: pl.DataFrame
    status: pl.DataFrame

    @property
    def applied(self) -> pl.DataFrame:
        """Return the decisions that apply (``pair_key, decision, rid_l, rid_r``)."""
        return self.status.filter(pl.col("status") == "applied").drop("status")

    def counts(self) -> dict[str, int]:
        """Return decisions applied and no longer applying (record gone, record changed)."""
        by = dict(self.status.group_by("status").len().iter_rows())
        gone, changed = int(by.get("record_gone", 0)), int(by.get("record_changed", 0))
        return {
            "stored": self.status.height,
            "applied": int(by.get("applied", 0)),
            "no_longer_apply": gone + changed,
            "record_gone": gone,
            "record_changed": changed,
        }


def _keys(records: pl.DataFrame) -> pl.DataFrame:
    return records.select(pl.col("rid").cast(pl.UInt32), "source", pl.col("record_id"))


def _fingerprinted(records: pl.DataFrame, wanted: pl.DataFrame) -> pl.DataFrame:
    """``rid, source, record_id, fingerprint`` of the ``wanted`` (``source, record_id``)."""
    subset = records.join(wanted.unique(), on=["source", "record_id"], how="semi")
    return _keys(subset).join(record_fingerprints(subset), on=["source", "record_id"])


def decision_constraints(decisions: pl.DataFrame | None, records: pl.DataFrame) -> Constraints:
    """Return the constraints of the stored pair ``decisions`` on ``records``.

    ``records``: the records frame (``rid, source, record_id`` and the identity fields of
    :data:`~pipelines.resolve.review.FINGERPRINT_COLUMNS`). ``decisions``: the rows of
    ``decisions/pairs.parquet``, or None.
    """
    empty = pl.DataFrame(schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32})
    status_schema = {"pair_key": pl.String, "decision": pl.String, "status": pl.String,
                     "rid_l": pl.UInt32, "rid_r": pl.UInt32}  # fmt: skip
    if decisions is None or decisions.height == 0:
        return Constraints(empty, empty, pl.DataFrame(schema=status_schema))
    wanted = pl.concat(
        [
            decisions.select(pl.col(f"source_{s}").alias("source"),
                             pl.col(f"record_id_{s}").alias("record_id"))
            for s in ("l", "r")
        ]
    )  # fmt: skip
    must, cannot, status = pair_constraints(decisions, _fingerprinted(records, wanted))
    return Constraints(must, cannot, status.cast(status_schema))  # type: ignore[arg-type]


def pairs_for_review(
    compared: pl.DataFrame,
    scored: pl.DataFrame,
    params: FSParams | None,
    records: pl.DataFrame,
    constraints: Constraints,
    *,
    band: tuple[float, float],
    threshold: float,
) -> pl.DataFrame:
    """Return the rows of ``review_pairs.parquet`` (:data:`REVIEW_SCHEMA`).

    ``compared``: the candidates' comparison levels; ``scored``: their scores, row for row
    (``score(compared, …)``); ``records``: the records frame (``province_code`` names the
    province of a pair). On the partitioned path the open rows come from
    :func:`~pipelines.resolve.review.review_pairs` per chunk of scored pairs.
    """
    if params is None:
        return pl.DataFrame(schema=REVIEW_SCHEMA)
    applied = constraints.applied
    levels = compared.select(pl.col("^g_.*$"))
    keys = records.select(
        pl.col("rid").cast(pl.UInt32), "source", "record_id", pl.col("province_code")
    ) if "province_code" in records.columns else _keys(records)  # fmt: skip
    open_rows = review_pairs(
        pl.concat([scored, levels], how="horizontal"), params, keys, band, decided=applied
    ).with_columns(pl.lit("open").alias("status"), pl.lit(None, dtype=pl.String).alias("decision"))
    decided = _decided_scored(applied, records, params, keys)
    rows = pl.concat([open_rows, decided], how="diagonal_relaxed")
    wanted = pl.concat(
        [rows.select(pl.col(f"source_{s}").alias("source"),
                     pl.col(f"record_id_{s}").alias("record_id")) for s in ("l", "r")]
    )  # fmt: skip
    prints = record_fingerprints(records.join(wanted.unique(), on=["source", "record_id"],
                                              how="semi"))  # fmt: skip
    return (
        rows.join(
            prints.rename({"source": "source_l", "record_id": "record_id_l",
                           "fingerprint": "fingerprint_l"}),
            on=["source_l", "record_id_l"], how="left",
        )
        .join(
            prints.rename({"source": "source_r", "record_id": "record_id_r",
                           "fingerprint": "fingerprint_r"}),
            on=["source_r", "record_id_r"], how="left",
        )
        .with_columns((pl.col("match_probability") >= threshold).alias("auto_same"))
        .select(REVIEW_SCHEMA.names())
        .cast(REVIEW_SCHEMA)
        .sort("status", "pair_key", descending=[True, False])
    )  # fmt: skip


def reusable_u(
    previous: FSParams | None,
    compared: pl.DataFrame,
    n_records: int,
    previous_records: int | None,
    within: float,
) -> dict[str, list[float]] | None:
    """Return the previous run's u to reuse, or None to estimate it afresh.

    u is how often two random records agree at each level: a property of the population's
    values, which a weekly delivery barely moves. It is reused when the previous model has
    it for every compared field with the same levels and the number of records changed by at
    most ``within`` (a share); m is always estimated again by EM on this run's candidates.

    Example:
        >>> p = FSParams(m={}, u={}, prior=0.1, levels={}, u_random={"phone": [0.9, 0.05, 0.05]})
        >>> cmp = pl.DataFrame({"g_phone": [1]}, schema={"g_phone": pl.Int8})
        >>> reusable_u(p, cmp, 1040, 1000, 0.1) is not None, reusable_u(p, cmp, 1200, 1000, 0.1)
        (True, None)
    """
    if previous is None or not previous_records or within <= 0:
        return None
    if abs(n_records - previous_records) > within * previous_records:
        return None
    fields = [c[2:] for c in compared.columns if c.startswith("g_") and c[2:] in LEVELS]
    u = previous.u_random or {}
    if not fields or any(len(u.get(f, [])) != len(LEVELS[f]) for f in fields):
        return None
    return {f: list(u[f]) for f in fields}


def _decided_scored(
    applied: pl.DataFrame, records: pl.DataFrame, params: FSParams, keys: pl.DataFrame
) -> pl.DataFrame:
    """Return the decided pairs that apply, compared and scored by this run's model."""
    if applied.height == 0:
        return pl.DataFrame(schema={"pair_key": pl.String, "status": pl.String})
    pairs = applied.select(
        pl.min_horizontal("rid_l", "rid_r").cast(pl.UInt32).alias("rid_l"),
        pl.max_horizontal("rid_l", "rid_r").cast(pl.UInt32).alias("rid_r"),
        "pair_key",
        "decision",
    )
    compared = comparisons(records, pairs.select("rid_l", "rid_r"))
    scored = score(compared, params, records)
    everything = review_pairs(
        pl.concat([scored, compared.select(pl.col("^g_.*$"))], how="horizontal"),
        params,
        keys,
        (0.0, 2.0),
    )
    return everything.join(pairs.select("pair_key", "decision"), on="pair_key").with_columns(
        pl.lit("decided").alias("status")
    )
