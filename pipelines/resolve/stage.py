"""Resolve stage: standardised records of every source → one ``person_id`` per person.

Steps (one module each): records frame → blocking (candidate pairs) → comparisons →
Fellegi–Sunter parameters (u from random pairs, m by EM, never from ground truth) → scores →
clusters (connected components, split where members conflict) → stable person ids →
golden records. Linking across registers is the same clustering run on all sources together.

Example:
    >>> import datetime as dt
    >>> frame = pl.DataFrame({"source": ["residents"] * 2, "record_id": ["R1", "R2"],
    ...     "personal_id": ["001090012345"] * 2, "full_name": ["Nguyễn Văn An"] * 2,
    ...     "birth_date": [dt.date(1990, 3, 5)] * 2})
    >>> res = resolved({"residents": frame}, ResolveConfig(u_sample_pairs=100))
    >>> res.links.columns
    ['source', 'record_id', 'person_id', 'match_score', 'match_reason', 'person_since']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from pipelines.config import ResolveConfig
from pipelines.progress import Progress, silent
from pipelines.resolve.blocking import blocking_stats, candidate_pairs
from pipelines.resolve.cluster import clusters
from pipelines.resolve.compare import comparisons
from pipelines.resolve.golden import golden_records
from pipelines.resolve.records import records_frame
from pipelines.resolve.scoring import FSParams, estimate_m, fit, score
from pipelines.resolve.stable_ids import StableIds, empty_events, stable_person_ids
from pipelines.resolve.week import (
    REVIEW_SCHEMA,
    Constraints,
    decision_constraints,
    pairs_for_review,
    reusable_u,
)

__all__ = ["Resolution", "resolved"]


@dataclass(frozen=True)
class Resolution:
    """What resolution produced.

    Attributes:
        links: ``source, record_id, person_id, match_score, match_reason`` per record.
        persons: golden records (``persons.parquet``).
        params: the fitted Fellegi–Sunter parameters (None when there were no candidate pairs).
        stats: counts for the manifest (records, candidate pairs, matches, persons…).
    """

    links: pl.DataFrame
    persons: pl.DataFrame
    params: FSParams | None
    stats: dict[str, Any] = field(default_factory=dict)
    events: pl.DataFrame = field(default_factory=empty_events)
    """Person id changes since the previous run (``person_events.parquet``)."""
    review: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REVIEW_SCHEMA))
    """Pairs open for review and decided pairs (``review_pairs.parquet``)."""
    decisions: dict[str, int] = field(default_factory=dict)
    """Stored pair decisions: applied, no longer applying."""


def _record_scores(ids: pl.DataFrame, scored: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Return ``rid, match_score, match_reason``: each record's strongest edge in its person.

    The anchor of a person (the record its ``person_id`` is derived from) and a person's only
    record score 1.
    """
    person = ids.select("rid", "person_id")
    edges = (
        scored.filter(pl.col("match_probability") >= threshold)
        .join(person.rename({"rid": "rid_l", "person_id": "p_l"}), on="rid_l")
        .join(person.rename({"rid": "rid_r", "person_id": "p_r"}), on="rid_r")
        .filter(pl.col("p_l") == pl.col("p_r"))
    )
    ends = pl.concat(
        [
            edges.select(pl.col(end).alias("rid"), "match_probability", "match_reason")
            for end in ("rid_l", "rid_r")
        ]
    )
    best = (
        ends.sort(["rid", "match_probability"], descending=[False, True])
        .group_by("rid", maintain_order=True)
        .first()
    )
    return (
        ids.join(best, on="rid", how="left")
        .with_columns(
            pl.when(pl.col("anchor"))
            .then(pl.lit(1.0))
            .otherwise(pl.col("match_probability"))
            .fill_null(1.0)
            .alias("match_score"),
            pl.when(pl.col("anchor") & (pl.col("size") == 1))
            .then(pl.lit("only record of this person"))
            .when(pl.col("anchor"))
            .then(pl.lit("anchor record of this person"))
            .otherwise(pl.col("match_reason"))
            .alias("match_reason"),
        )
        .select("rid", "match_score", "match_reason")
    )


def resolved(
    frames: dict[str, pl.DataFrame],
    cfg: ResolveConfig,
    progress: Progress | None = None,
    *,
    previous: pl.DataFrame | None = None,
    decisions: pl.DataFrame | None = None,
    issued: pl.Series | None = None,
    run_id: str = "",
    as_of: dt.date | None = None,
    previous_model: FSParams | None = None,
    previous_records: int | None = None,
) -> Resolution:
    """Return the persons found in the standardised ``frames`` (source name → frame).

    ``previous``: the previous run's links, whose person ids are carried forward
    (:mod:`pipelines.resolve.stable_ids`; ``issued``: ids retired earlier, never given
    again); ``decisions``: the stewards' stored pair decisions (``decisions/pairs.parquet``),
    applied as must-links and cannot-links. ``run_id`` and ``as_of`` date the id events.
    ``previous_model`` (and the previous run's number of records): its u probabilities are
    reused when the population barely changed (``[resolve] reuse_u_within``).
    """
    progress = progress or silent()
    # records are numbered in (source, record_id) order, so that nothing downstream (random
    # pairs for u, tie-breaks) depends on the order of the input rows
    frames = {source: frame.sort("record_id") for source, frame in frames.items()}
    with progress.step("resolve: blocking") as detail:
        records = records_frame(frames).collect()
        pairs = candidate_pairs(records, max_block=cfg.max_block, window=cfg.window)
        detail(f"{records.height} records, {pairs.height} candidate pairs")
    params: FSParams | None = None
    u: dict[str, list[float]] | None = None
    scored = pl.DataFrame(
        schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32, "match_weight": pl.Float64,
                "match_probability": pl.Float64, "match_reason": pl.String}
    )  # fmt: skip
    if pairs.height:  # nothing to learn or score without candidate pairs
        with progress.step("resolve: compare and score"):
            compared = comparisons(records, pairs)
            # week: an incremental run reuses the previous u when it fits (resolve/week.py)
            u = reusable_u(previous_model, compared, records.height, previous_records,
                           cfg.reuse_u_within)  # fmt: skip
            if u is not None:
                params = estimate_m(compared, u, iterations=cfg.em_iterations,
                                    n_records=records.height)  # fmt: skip
            else:
                params = fit(
                    records,
                    compared,
                    n_u_pairs=cfg.u_sample_pairs,
                    seed=cfg.seed,
                    iterations=cfg.em_iterations,
                )
            scored = score(compared, params, records)
    with progress.step("resolve: cluster") as detail:
        weigh = None
        if params is not None:
            fitted = params

            def weigh(pairs: pl.DataFrame) -> np.ndarray:
                """Evidence in bits (no prior) of any record pairs, by the fitted model."""
                weights = score(comparisons(records, pairs), fitted, records)["match_weight"]
                return weights.to_numpy() - fitted.prior_weight()

        # week: the stewards' pair decisions as constraints (resolve/week.py)
        constraints = decision_constraints(decisions, records)
        clustered = clusters(
            records, scored, cfg.match_threshold, weigh=weigh, split_below=cfg.split_below,
            must_link=constraints.must_link, cannot_link=constraints.cannot_link,
        )  # fmt: skip
        # week: person ids carried from the previous delivery (resolve/stable_ids.py)
        assignment = clustered.join(records.select("rid", "source", "record_id"), on="rid")
        stable = stable_person_ids(assignment, previous, run_id=run_id, as_of=as_of, issued=issued)
        ids = stable.ids.join(records.select("rid", "source", "record_id"), on="rid")
        ids = ids.with_columns(
            pl.len().over("person_id").alias("size"),
            (pl.struct("source", "record_id").rank("ordinal").over("person_id") == 1).alias(
                "anchor"
            ),
        )
        n_persons = ids["person_id"].n_unique()
        detail(f"{n_persons} persons")
    links = (
        ids.join(
            _record_scores(ids, _with_must(scored, constraints), cfg.match_threshold), on="rid"
        )
        .sort("rid")
        .select("source", "record_id", "person_id", "match_score", "match_reason", "person_since")
    )
    # week: pairs for people to decide, and the decided pairs scored (resolve/week.py)
    with progress.step("resolve: pairs to review") as detail:
        review = pairs_for_review(
            compared if pairs.height else pl.DataFrame(), scored, params, records, constraints,
            band=cfg.review_band, threshold=cfg.match_threshold,
        )  # fmt: skip
        detail(f"{review.filter(pl.col('status') == 'open').height} pairs to review")
    assigned = pl.concat(
        [
            frame.select(pl.exclude("person_id")).join(
                links.select("source", "record_id", "person_id"),
                on=["source", "record_id"],
                how="left",
            )
            for frame in frames.values()
        ],
        how="diagonal_relaxed",
    )
    persons = golden_records(assigned)
    stats = {
        "records": records.height,
        "candidate_pairs": pairs.height,
        "pairs_matched": scored.filter(pl.col("match_probability") >= cfg.match_threshold).height,
        "persons": n_persons,
        "em_iterations": params.iterations if params else 0,
        "u": "reused from the previous run" if u is not None else "estimated from random pairs",
        "em_converged": params.converged if params else False,
        "blocking": blocking_stats(records, max_block=cfg.max_block, window=cfg.window).to_dicts(),
        "person_ids": _id_stats(stable, previous),
    }
    return Resolution(
        links=links, persons=persons, params=params, stats=stats, events=stable.events,
        review=review, decisions=constraints.counts(),
    )  # fmt: skip


def _id_stats(stable: StableIds, previous: pl.DataFrame | None) -> dict[str, Any]:
    """Return how the person ids were made, for the manifest."""
    return {"carried_from_previous_run": previous is not None and previous.height > 0,
            **stable.stats}  # fmt: skip


def _with_must(scored: pl.DataFrame, constraints: Constraints) -> pl.DataFrame:
    """Return ``scored`` plus the must-links, as certain edges a steward decided."""
    must = constraints.must_link
    if must.height == 0:
        return scored
    decided = must.select(
        pl.min_horizontal("rid_l", "rid_r").cast(scored.schema["rid_l"]).alias("rid_l"),
        pl.max_horizontal("rid_l", "rid_r").cast(scored.schema["rid_r"]).alias("rid_r"),
        pl.lit(1.0).alias("match_probability"),
        pl.lit("a steward decided: same person").alias("match_reason"),
    )
    return pl.concat([scored.select(decided.columns), decided])
