"""Resolve stage: standardised records of every source → one ``person_id`` per person.

Steps (one module each): records frame → blocking (candidate pairs, spilled to Parquet in
partitions) → comparisons → Fellegi–Sunter parameters (u from random pairs, m by EM on the
level patterns of every candidate, never from ground truth) → scores → clusters (connected
components, split where members conflict) → stable person ids → golden records. Linking
across registers is the same clustering run on all sources together.

Memory: the candidates are never in memory at once. They are compared, then scored, one
partition of about ``pairs_per_part`` pairs at a time (each a Parquet file in a work folder);
EM needs only the counts of their level patterns, clustering only the pairs at or above the
threshold (and, for a component too big to weigh every pair, that component's candidates,
read back from the scored files). Partitioning changes memory, never the result.

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
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.config import ResolveConfig
from pipelines.progress import Progress, eta_reporter, silent
from pipelines.resolve.compare import comparisons, name_index
from pipelines.resolve.golden import GOLDEN_INPUTS
from pipelines.resolve.parts import SCORED_SCHEMA, LocalParts, PartEngine
from pipelines.resolve.records import records_frame
from pipelines.resolve.scoring import (
    FSParams,
    estimate_m,
    fit,
    match_reasons,
    with_tf_columns,
)
from pipelines.resolve.stable_ids import StableIds, empty_events, stable_person_ids
from pipelines.resolve.week import (
    REVIEW_SCHEMA,
    Constraints,
    decision_constraints,
    pairs_for_review,
    reusable_u,
)

__all__ = ["Resolution", "resolved"]

REASON_CHUNK: Final = 500_000
"""Best links whose reason is worded at a time (their comparisons are redone)."""


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


def _record_scores(
    ids: pl.DataFrame,
    edges: pl.DataFrame,
    records: pl.DataFrame,
    params: FSParams | None,
) -> pl.DataFrame:
    """Return ``rid, match_score, match_reason``: each record's strongest edge in its person.

    ``edges`` are the scored pairs at or above the threshold (``match_reason`` null) and the
    stewards' must-links (with their reason); only each record's best edge gets a reason
    from the model (the comparisons are redone for those pairs alone). The anchor of a person
    (the record its ``person_id`` is derived from) and a person's only record score 1.
    """
    person = ids.select("rid", "person_id")
    inside = (
        edges.join(person.rename({"rid": "rid_l", "person_id": "p_l"}), on="rid_l")
        .join(person.rename({"rid": "rid_r", "person_id": "p_r"}), on="rid_r")
        .filter(pl.col("p_l") == pl.col("p_r"))
    )
    ends = pl.concat(
        [
            inside.select(
                pl.col(end).alias("rid"), "match_probability", "rid_l", "rid_r", "match_reason"
            )
            for end in ("rid_l", "rid_r")
        ]
    )
    best = (
        # ties (a steward's must-link and a model edge both at 1.0) broken by the pair
        # itself, never by the order the partitions were read in
        ends.sort(
            ["rid", "match_probability", pl.col("match_reason").is_not_null(), "rid_l", "rid_r"],
            descending=[False, True, True, False, False],
        )
        .group_by("rid", maintain_order=True)
        .first()
    )
    unexplained = best.filter(pl.col("match_reason").is_null())
    if params is not None and unexplained.height:
        pairs = unexplained.select("rid_l", "rid_r").unique()
        names = name_index(records)
        why = pl.concat(  # a bounded number of pairs compared at a time
            [
                chunk.with_columns(
                    match_reasons(comparisons(records, chunk, names), params, records).alias("_why")
                )
                for chunk in pairs.iter_slices(REASON_CHUNK)
            ]
        )
        best = best.join(why, on=["rid_l", "rid_r"], how="left").with_columns(
            pl.coalesce("match_reason", "_why").alias("match_reason")
        )
    return (
        ids.join(best.select("rid", "match_probability", "match_reason"), on="rid", how="left")
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


@dataclass(frozen=True)
class Previous:
    """What the previous run and the stewards left, for an incremental run.

    Attributes:
        links: the previous run's links, whose person ids are carried forward
            (:mod:`pipelines.resolve.stable_ids`).
        decisions: the stewards' stored pair decisions (``decisions/pairs.parquet``),
            applied as must-links and cannot-links.
        issued: ids retired earlier, never given again.
        model: the previous run's parameters: its u probabilities are reused when the
            population barely changed (``[resolve] reuse_u_within``).
        records: the previous run's number of records.
        run_id, as_of: date the id events of this run.
    """

    links: pl.DataFrame | None = None
    decisions: pl.DataFrame | None = None
    issued: pl.Series | None = None
    model: FSParams | None = None
    records: int | None = None
    run_id: str = ""
    as_of: dt.date | None = None


def resolved(
    frames: Mapping[str, pl.DataFrame | pl.LazyFrame],
    cfg: ResolveConfig,
    progress: Progress | None = None,
    *,
    work: Path | None = None,
    previous: pl.DataFrame | None = None,
    decisions: pl.DataFrame | None = None,
    issued: pl.Series | None = None,
    run_id: str = "",
    as_of: dt.date | None = None,
    previous_model: FSParams | None = None,
    previous_records: int | None = None,
    engine: PartEngine | None = None,
) -> Resolution:
    """Return the persons found in the standardised ``frames`` (source name → frame).

    ``work`` is a folder for the candidate pairs and their scores (a temporary folder when
    not given; what is written there is removed before returning). ``previous``: the
    previous run's links, whose person ids are carried forward
    (:mod:`pipelines.resolve.stable_ids`; ``issued``: ids retired earlier, never given
    again); ``decisions``: the stewards' stored pair decisions (``decisions/pairs.parquet``),
    applied as must-links and cannot-links. ``run_id`` and ``as_of`` date the id events.
    ``previous_model`` (and the previous run's number of records): its u probabilities are
    reused when the population barely changed (``[resolve] reuse_u_within``). ``engine``
    makes, compares and scores the candidates (default:
    :class:`~pipelines.resolve.parts.LocalParts`).
    """
    progress = progress or silent()
    before = Previous(previous, decisions, issued, previous_model, previous_records, run_id, as_of)
    with tempfile.TemporaryDirectory(prefix="dancu-resolve-", dir=work) as folder:
        return _resolved(frames, cfg, progress, Path(folder), before, engine or LocalParts())


def _resolved(
    sources: Mapping[str, pl.DataFrame | pl.LazyFrame],
    cfg: ResolveConfig,
    progress: Progress,
    work: Path,
    before: Previous,
    parts: PartEngine,
) -> Resolution:
    # records are numbered in (source, record_id) order, so that nothing downstream (random
    # pairs for u, tie-breaks) depends on the order of the input rows
    frames = {source: frame.lazy().sort("record_id") for source, frame in sources.items()}
    with progress.step("resolve: blocking") as detail:
        records = with_tf_columns(records_frame(frames).collect())
        store = parts.candidates(records, work / "pairs", cfg, eta_reporter(progress, "blocking"))
        detail(
            f"{records.height} records, {store.n_pairs} candidate pairs "
            f"({store.n_pairs / max(records.height, 1):.1f} per record, "
            f"{store.partitions} partition(s))"
        )
    params: FSParams | None = None
    u: dict[str, list[float]] | None = None
    scored: pl.LazyFrame = pl.LazyFrame(schema=SCORED_SCHEMA)
    doubtful = pl.DataFrame()
    if store.n_pairs:  # nothing to learn or score without candidate pairs
        with progress.step("resolve: compare and score"):
            patterns = parts.compared(records, store, work, eta_reporter(progress, "compare"))
            # week: an incremental run reuses the previous u when it fits (resolve/week.py)
            u = reusable_u(
                before.model, patterns, records.height, before.records, cfg.reuse_u_within
            )
            if u is not None:
                params = estimate_m(
                    patterns, u, iterations=cfg.em_iterations, n_records=records.height
                )
            else:
                params = fit(
                    records,
                    patterns,
                    n_u_pairs=cfg.u_sample_pairs,
                    seed=cfg.seed,
                    iterations=cfg.em_iterations,
                )
            scored, doubtful = parts.scored(
                records, params, store, work, eta_reporter(progress, "score"), cfg.review_band
            )
    with progress.step("resolve: cluster") as detail:
        # week: the stewards' pair decisions as constraints (resolve/week.py)
        constraints = decision_constraints(before.decisions, records)
        clustered = parts.clustered(records, scored, params, cfg, constraints, work)
        # week: person ids carried from the previous delivery (resolve/stable_ids.py)
        assignment = clustered.join(records.select("rid", "source", "record_id"), on="rid")
        stable = stable_person_ids(
            assignment, before.links, run_id=before.run_id, as_of=before.as_of, issued=before.issued
        )
        ids = stable.ids.join(records.select("rid", "source", "record_id"), on="rid")
        ids = ids.with_columns(
            pl.len().over("person_id").alias("size"),
            (pl.struct("source", "record_id").rank("ordinal").over("person_id") == 1).alias(
                "anchor"
            ),
        )
        n_persons = ids["person_id"].n_unique()
        detail(f"{n_persons} persons")
    with progress.step("resolve: link scores and reasons"):
        edges = (
            scored.filter(pl.col("match_probability") >= cfg.match_threshold)
            .select("rid_l", "rid_r", "match_probability")
            .collect()
        )
        links = (
            ids.join(_record_scores(ids, _with_must(edges, constraints), records, params), on="rid")
            .sort("rid")
            .select(
                "source", "record_id", "person_id", "match_score", "match_reason", "person_since"
            )
        )
    # week: pairs for people to decide, and the decided pairs scored (resolve/week.py)
    with progress.step("resolve: pairs to review") as detail:
        review = pairs_for_review(
            doubtful,
            doubtful.select(pl.exclude("^g_.*$")),
            params,
            records,
            constraints,
            band=cfg.review_band,
            threshold=cfg.match_threshold,
        )
        detail(f"{review.filter(pl.col('status') == 'open').height} pairs to review")
    n_records, n_matched = records.height, edges.height
    events, id_stats = stable.events, _id_stats(stable, before.links)
    # golden records need the room
    del records, ids, edges, clustered, assignment, doubtful, stable
    with progress.step("resolve: golden records") as detail:
        person = links.select("source", "record_id", "person_id").lazy()
        assigned = pl.concat(
            [
                frame.select(c for c in GOLDEN_INPUTS if c in frame.collect_schema().names()).join(
                    person, on=["source", "record_id"], how="left"
                )
                for frame in frames.values()
            ],
            how="diagonal_relaxed",
        )
        persons = parts.golden(assigned, work)
        detail(f"{persons.height} golden records")
    stats = {
        "records": n_records,
        "candidate_pairs": store.n_pairs,
        "candidate_pairs_per_record": round(store.n_pairs / max(n_records, 1), 2),
        "pair_partitions": store.partitions,
        "pairs_matched": n_matched,
        "persons": n_persons,
        "em_iterations": params.iterations if params else 0,
        "em_converged": params.converged if params else False,
        "em_patterns": patterns.height if params else 0,
        "u": "reused from the previous run" if u is not None else "estimated from random pairs",
        "blocking": store.stats,
        "person_ids": id_stats,
    }
    return Resolution(
        links=links,
        persons=persons,
        params=params,
        stats=stats,
        events=events,
        review=review,
        decisions=constraints.counts(),
    )


def _id_stats(stable: StableIds, previous: pl.DataFrame | None) -> dict[str, Any]:
    """Return how the person ids were made, for the manifest."""
    carried = previous is not None and previous.height > 0
    return {"carried_from_previous_run": carried, **stable.stats}


def _with_must(edges: pl.DataFrame, constraints: Constraints) -> pl.DataFrame:
    """Return ``edges`` (``match_reason`` null) plus the must-links, as certain edges."""
    edges = edges.with_columns(pl.lit(None, dtype=pl.String).alias("match_reason"))
    must = constraints.must_link
    if must.height == 0:
        return edges
    decided = must.select(
        pl.min_horizontal("rid_l", "rid_r").cast(pl.UInt32).alias("rid_l"),
        pl.max_horizontal("rid_l", "rid_r").cast(pl.UInt32).alias("rid_r"),
        pl.lit(1.0).alias("match_probability"),
        pl.lit("a steward decided: same person").alias("match_reason"),
    )
    return pl.concat([edges, decided], how="vertical_relaxed")
