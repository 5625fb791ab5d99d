"""Candidate pairs spilled to Parquet in partitions, so that no step holds them all at once.

Each blocking rule's pairs are computed (one rule at a time, a bounded number per record) and
written out split by ``rid_l % partitions``; each partition is then deduplicated over the rules
(the ``rules`` bitmask ORed) and written back as one sorted file. Comparison, scoring and the EM
sample then read one partition at a time. The partitions are the units a distributed engine
runs (DESIGN §10), and their number changes nothing but memory: a pair lands in the same
partition whatever the rules produced, and every later step is per pair.

Example:
    >>> import tempfile
    >>> rec = pl.DataFrame({"rid": pl.Series([0, 1, 2], dtype=pl.UInt32),
    ...     "source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"],
    ...     "personal_id": ["001", "001", "001"], "phone": ["09", "09", None]})
    >>> from pipelines.resolve.blocking import personal_id_rule, phone_rule
    >>> store = spill_candidates(rec, Path(tempfile.mkdtemp()),
    ...     rules=[personal_id_rule(), phone_rule()], pairs_per_part=1)
    >>> pl.concat(store.parts()).rows()
    [(0, 1, 3), (0, 2, 1), (1, 2, 1)]
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.budget import run_budget
from pipelines.config import ResolveConfig, RunConfig
from pipelines.resolve.blocking import (
    DEFAULT_MAX_BLOCK,
    DEFAULT_RULES,
    DEFAULT_WINDOW,
    BlockingRule,
    rule_pairs,
)

__all__ = [
    "RAW_PAIRS_PER_RECORD",
    "PairStore",
    "candidate_partitions",
    "merged_partitions",
    "run_candidates",
    "sample_mask",
    "spill_candidates",
]

RAW_PAIRS_PER_RECORD: Final = 20
"""Expected rule pairs per record before deduplication, to size the partitions up front."""

_PAIRS_SCHEMA: Final = pl.Schema({"rid_l": pl.UInt32, "rid_r": pl.UInt32, "rules": pl.UInt32})


@dataclass(frozen=True)
class PairStore:
    """Deduplicated candidate pairs in ``partitions`` sorted Parquet files under ``folder``.

    Attributes:
        folder: where the partition files are.
        partitions: how many (pairs with ``rid_l % partitions == p`` are in file ``p``).
        n_pairs: candidate pairs in all, after deduplication.
        stats: per blocking rule, its statistics (:func:`~pipelines.resolve.blocking.rule_pairs`)
            and ``pairs_only_this_rule``, the candidates no other rule found.
    """

    folder: Path
    partitions: int
    n_pairs: int
    stats: list[dict[str, Any]] = field(default_factory=list)

    def path(self, p: int) -> Path:
        """Return the file of partition ``p``."""
        return self.folder / f"pairs-{p:05d}.parquet"

    def part(self, p: int) -> pl.DataFrame:
        """Return the pairs of partition ``p`` (``rid_l, rid_r, rules``, sorted)."""
        return pl.read_parquet(self.path(p))

    def parts(self) -> Iterator[pl.DataFrame]:
        """Yield every partition's pairs in order."""
        for p in range(self.partitions):
            yield self.part(p)

    def scan(self) -> pl.LazyFrame:
        """Return every pair as one lazy scan (for queries that stream)."""
        return pl.scan_parquet([self.path(p) for p in range(self.partitions)])


def spill_candidates(
    records: pl.DataFrame,
    folder: Path,
    *,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
    pairs_per_part: int = 5_000_000,
    progress: Callable[[int, int], None] | None = None,
) -> PairStore:
    """Compute every rule's candidate pairs and spill them, deduplicated, in partitions.

    ``pairs_per_part`` bounds a partition's size (from :data:`RAW_PAIRS_PER_RECORD` pairs per
    record before deduplication); ``progress(done, total)`` is called after each rule and
    each partition.
    """
    if len(rules) > 32:
        raise ValueError("at most 32 blocking rules fit the UInt32 rules bitmask")
    folder.mkdir(parents=True, exist_ok=True)
    partitions = candidate_partitions(records.height, pairs_per_part)
    raw = folder / "raw"
    raw.mkdir(exist_ok=True)
    steps = len(rules) + partitions
    stats = []
    for i, rule in enumerate(rules):
        pairs, rule_stats = rule_pairs(records, rule, i, max_block, window)
        stats.append(rule_stats)
        parted = pairs.with_columns((pl.col("rid_l") % partitions).alias("_p"))
        for (p,), chunk in parted.partition_by("_p", as_dict=True).items():
            target = raw / f"p{int(p):05d}"
            target.mkdir(exist_ok=True)
            chunk.drop("_p").write_parquet(target / f"rule-{i:02d}.parquet")
        if progress is not None:
            progress(i + 1, steps)

    def merged(p: int) -> None:
        if progress is not None:
            progress(len(rules) + p, steps)

    return merged_partitions(raw, folder, partitions, stats, merged)


def candidate_partitions(n_records: int, pairs_per_part: int) -> int:
    """Return how many partitions the candidates of ``n_records`` records are spilled into.

    Example:
        >>> candidate_partitions(1_000_000, 5_000_000)
        4
    """
    return max(1, math.ceil(n_records * RAW_PAIRS_PER_RECORD / max(pairs_per_part, 1)))


def merged_partitions(
    raw: Path,
    folder: Path,
    partitions: int,
    stats: list[dict[str, Any]],
    done: Callable[[int], None] | None = None,
) -> PairStore:
    """Deduplicate the rule pairs under ``raw/p{p:05d}/`` into the store's partition files.

    Each partition's pairs found by several rules become one pair with the ``rules`` ORed;
    ``stats`` (one dict per rule) gain ``pairs_only_this_rule``. ``raw`` is removed;
    ``done(p)`` is called after partition ``p`` (counted from 1).
    """
    n_pairs = 0
    only = [0] * len(stats)
    store = PairStore(folder, partitions, 0, stats)
    for p in range(partitions):
        files = sorted((raw / f"p{p:05d}").glob("*.parquet"))
        if files:
            part = (
                pl.scan_parquet(files)
                .group_by("rid_l", "rid_r")
                .agg(pl.col("rules").bitwise_or())
                .sort("rid_l", "rid_r")
                .collect()
            )
        else:
            part = pl.DataFrame(schema=_PAIRS_SCHEMA)
        part = part.cast(_PAIRS_SCHEMA)
        part.write_parquet(store.path(p))
        n_pairs += part.height
        alone = part.filter(pl.col("rules").is_in([1 << i for i in range(len(stats))]))
        for bits, count in alone.group_by("rules").len().iter_rows():
            only[int(bits).bit_length() - 1] += count
        if done is not None:
            done(p + 1)
    shutil.rmtree(raw)
    stats = [{**rule_stats, "pairs_only_this_rule": only[i]} for i, rule_stats in enumerate(stats)]
    return PairStore(folder, partitions, n_pairs, stats)


def run_candidates(
    records: pl.DataFrame,
    folder: Path,
    cfg: ResolveConfig,
    progress: Callable[[int, int], None] | None = None,
) -> PairStore:
    """Spill the candidate pairs of ``records`` as a clean run makes them under ``cfg``.

    The resolve stage and ``dancu evaluate`` (blocking recall) both call this, so the
    candidates evaluate counts are the ones the run compared.
    """
    return spill_candidates(
        records,
        folder,
        max_block=cfg.max_block,
        window=cfg.window,
        pairs_per_part=run_budget(RunConfig(), cfg).pairs_per_part,
        progress=progress,
    )


def sample_mask(pairs: pl.DataFrame, rate: float, seed: int) -> pl.Series:
    """Select each pair with probability ``rate``, by a hash of the pair.

    The same pairs are selected whatever the partition they are read in.

    Example:
        >>> pairs = pl.DataFrame({"rid_l": [0, 0, 1], "rid_r": [1, 2, 2]})
        >>> sample_mask(pairs, 1.0, 0).to_list(), sample_mask(pairs, 0.0, 0).to_list()
        ([True, True, True], [False, False, False])
    """
    if rate >= 1.0:
        return pl.Series("sample", [True] * pairs.height, dtype=pl.Boolean)
    cut = int(rate * 1_000_000)
    return pairs.select(
        (pl.struct("rid_l", "rid_r").hash(seed=seed) % 1_000_000 < cut).alias("sample")
    ).to_series()
