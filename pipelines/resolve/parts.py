"""Blocking, comparison and scoring of the candidate pairs, in partitions (local engine).

:class:`PartEngine` is what resolution asks of an engine: make the candidate pairs (a
:class:`~pipelines.resolve.pairs_store.PairStore`), compare every one (and return the level
patterns EM needs), score them, and make the golden records. :class:`LocalParts` does it in
this process, one blocking rule or partition of the store at a time; :mod:`pipelines.spark`
does the same per group of blocks and of pairs on Spark. Pairs depend on whole blocks only,
levels and scores on the pair only: the partitioning changes memory and speed, never a
result.

Example:
    >>> import tempfile
    >>> from pipelines.resolve.pairs_store import spill_candidates
    >>> from pipelines.resolve.blocking import personal_id_rule
    >>> rec = pl.DataFrame({"rid": pl.Series([0, 1], dtype=pl.UInt32),
    ...     "source": ["residents"] * 2, "record_id": ["R1", "R2"],
    ...     "personal_id": ["001090012345"] * 2})
    >>> work = Path(tempfile.mkdtemp())
    >>> store = spill_candidates(rec, work / "pairs", rules=[personal_id_rule()])
    >>> patterns = LocalParts().compared(rec, store, work, lambda done, total: None)
    >>> int(patterns["pairs"].sum())
    1
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

import numpy as np
import polars as pl

from pipelines.config import ResolveConfig
from pipelines.resolve.cluster import Weigh, clusters
from pipelines.resolve.compare import NameIndex, comparisons, name_index
from pipelines.resolve.golden import golden_records
from pipelines.resolve.pairs_store import PairStore, run_candidates
from pipelines.resolve.scoring import FSParams, level_patterns, score

if TYPE_CHECKING:
    from pipelines.resolve.week import Constraints

__all__ = [
    "SCORED_SCHEMA",
    "LocalParts",
    "PartEngine",
    "Report",
    "doubtful_rows",
    "in_review_band",
    "weigher",
]

Report = Callable[[int, int], None]
"""``report(done, total)``: progress of a partitioned step."""

SCORED_SCHEMA: Final = pl.Schema(
    {
        "rid_l": pl.UInt32,
        "rid_r": pl.UInt32,
        "match_weight": pl.Float64,
        "match_probability": pl.Float64,
    }
)
"""The scored pairs every engine hands back (no reasons: only best links get one)."""

WEIGH_CHUNK: Final = 1_000_000
"""Record pairs weighed at a time when clustering checks a component's members."""


class PartEngine(Protocol):
    """Resolution's partitioned steps: blocking, compare, score, golden records (local or Spark).

    Candidates are made per block, compared and scored per partition of pairs, golden
    records made per person.
    """

    def candidates(
        self, records: pl.DataFrame, folder: Path, cfg: ResolveConfig, report: Report
    ) -> PairStore:
        """Return the candidate pairs of ``records`` under ``cfg``, spilled into ``folder``."""
        ...

    def compared(
        self, records: pl.DataFrame, store: PairStore, folder: Path, report: Report
    ) -> pl.DataFrame:
        """Compare every candidate pair of ``store``; return the summed level patterns."""
        ...

    def scored(
        self,
        records: pl.DataFrame,
        params: FSParams,
        store: PairStore,
        folder: Path,
        report: Report,
        band: tuple[float, float],
    ) -> tuple[pl.LazyFrame, pl.DataFrame]:
        """Score the compared pairs; return them (lazily) and the doubtful ones.

        The doubtful pairs are those in the review ``band``, with their scores and their
        ``g_*`` levels.
        """
        ...

    def clustered(
        self,
        records: pl.DataFrame,
        scored: pl.LazyFrame,
        params: FSParams | None,
        cfg: ResolveConfig,
        constraints: Constraints,
        folder: Path,
    ) -> pl.DataFrame:
        """Return ``rid, cluster`` of every record (:func:`~pipelines.resolve.cluster.clusters`).

        ``params``: the model weighing the pairs inside components (None: no splitting by
        evidence); ``constraints``: the stewards' must-links and cannot-links.
        """
        ...

    def golden(self, assigned: pl.LazyFrame, folder: Path) -> pl.DataFrame:
        """Return the golden records of ``assigned`` (records with their ``person_id``)."""
        ...


def weigher(records: pl.DataFrame, params: FSParams) -> Weigh:
    """Return the evidence in bits (no prior) of any pairs of ``records``, by the fitted model.

    The pairs (``rid_l, rid_r``) are compared and scored as the candidates were, a million at
    a time; ``records`` needs only hold the records they name.
    """
    built: list[NameIndex] = []  # the name index, built on the first call only (splits are rare)

    def weigh(pairs: pl.DataFrame) -> np.ndarray:
        if not built:
            built.append(name_index(records))
        out = np.empty(pairs.height, dtype=np.float64)
        for start in range(0, pairs.height, WEIGH_CHUNK):
            chunk = pairs.slice(start, WEIGH_CHUNK)
            weights = score(comparisons(records, chunk, built[0]), params, records, reasons=False)
            out[start : start + chunk.height] = weights["match_weight"].to_numpy()
        return out - params.prior_weight()

    return weigh


def in_review_band(band: tuple[float, float]) -> pl.Expr:
    """Return whether a pair's ``match_probability`` is in the review ``band`` (low ≤ p < high).

    Example:
        >>> pl.DataFrame({"match_probability": [0.4, 0.5, 0.95]}).select(
        ...     in_review_band((0.5, 0.95))).to_series().to_list()
        [False, True, False]
    """
    return pl.col("match_probability").is_between(*band, closed="left")


def doubtful_rows(
    scored: pl.DataFrame, compared: pl.DataFrame, band: tuple[float, float]
) -> pl.DataFrame:
    """Return the pairs of ``scored`` in the review ``band`` with their ``g_*`` levels.

    ``scored`` and ``compared`` hold the same pairs in the same order.
    """
    in_band = scored.select(in_review_band(band)).to_series()
    return pl.concat(
        [scored.filter(in_band), compared.filter(in_band).select(pl.col("^g_.*$"))],
        how="horizontal",
    )


class LocalParts:
    """Block, compare and score in this process, one rule or partition of candidates at a time."""

    def candidates(
        self, records: pl.DataFrame, folder: Path, cfg: ResolveConfig, report: Report
    ) -> PairStore:
        """Spill the candidates one rule at a time (:func:`run_candidates`)."""
        return run_candidates(records, folder, cfg, report)

    def compared(
        self, records: pl.DataFrame, store: PairStore, folder: Path, report: Report
    ) -> pl.DataFrame:
        """Compare every partition, write each to ``folder``; return the level patterns."""
        patterns = []
        names = name_index(records)  # the distinct names split once, not once per partition
        for p in range(store.partitions):
            cmp = comparisons(records, store.part(p).select("rid_l", "rid_r"), names)
            cmp.write_parquet(folder / f"compared-{p:05d}.parquet")
            patterns.append(level_patterns(cmp))
            report(p + 1, store.partitions)
        return level_patterns(pl.concat(patterns))

    def scored(
        self,
        records: pl.DataFrame,
        params: FSParams,
        store: PairStore,
        folder: Path,
        report: Report,
        band: tuple[float, float],
    ) -> tuple[pl.LazyFrame, pl.DataFrame]:
        """Score every compared partition (no reasons), replacing it by its scores."""
        files, doubtful = [], []
        for p in range(store.partitions):
            compared_file = folder / f"compared-{p:05d}.parquet"
            compared = pl.read_parquet(compared_file)
            scored = score(compared, params, records, reasons=False).cast(SCORED_SCHEMA)
            target = folder / f"scored-{p:05d}.parquet"
            scored.write_parquet(target)
            doubtful.append(doubtful_rows(scored, compared, band))
            compared_file.unlink()
            files.append(target)
            report(p + 1, store.partitions)
        return pl.scan_parquet(files), pl.concat(doubtful)

    def clustered(
        self,
        records: pl.DataFrame,
        scored: pl.LazyFrame,
        params: FSParams | None,
        cfg: ResolveConfig,
        constraints: Constraints,
        folder: Path,
    ) -> pl.DataFrame:
        """Cluster every record at once, in this process (:func:`clusters`)."""
        return clusters(
            records,
            scored,
            cfg.match_threshold,
            weigh=weigher(records, params) if params is not None else None,
            split_below=cfg.split_below,
            max_component=cfg.max_component,
            must_link=constraints.must_link,
            cannot_link=constraints.cannot_link,
        )

    def golden(self, assigned: pl.LazyFrame, folder: Path) -> pl.DataFrame:
        """Golden records of every person at once (:func:`golden_records`)."""
        return golden_records(assigned.collect())
