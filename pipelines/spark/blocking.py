"""Blocking on Spark: the blocking keys are the shuffle keys.

A ``mapInArrow`` pass computes, per record and per rule, the rule's block (the hash ``_b``
of its keys, :func:`~pipelines.resolve.blocking.block_keys`), its order values and whether
it is spread; the rows are shuffled by block, so that each Python worker receives whole
blocks of every rule, and pairs them with the local engine's own
:func:`~pipelines.resolve.blocking.pairs_of_blocks`. The workers write the pairs split by the
store's partition (``rid_l % partitions``); the driver merges each partition as the local
engine does (a pair several rules found becomes one, their bits ORed) into the same
:class:`~pipelines.resolve.pairs_store.PairStore`. A block's pairs depend on that block
alone, so any grouping gives the local pairs; the statistics of the groups add up.

The workers write each group's statistics into the run's scratch folder (named by the group,
so a retried task replaces its own file); the folder must be visible to them (README
"Spark"). A block is a hash of its keys computed where a record is read, so every executor
must run the driver's Polars version (the packed environment of README "Spark").
"""

from __future__ import annotations

import math
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.budget import run_budget
from pipelines.config import ResolveConfig, RunConfig
from pipelines.progress import Progress
from pipelines.resolve.blocking import (
    DEFAULT_RULES,
    TIES,
    BlockingRule,
    as_blocking_input,
    block_keys,
    pairs_of_blocks,
    rule_columns,
)
from pipelines.resolve.pairs_store import PairStore, candidate_partitions, merged_partitions
from pipelines.spark.arrow import from_spark, spark_ddl, spark_safe, to_spark
from pipelines.spark.failures import reraised
from pipelines.spark.files import read_file_per_task, write_slices
from pipelines.spark.progress import tracked

__all__ = ["KEYED_ROWS_PER_GROUP", "spark_candidates"]

KEYED_ROWS_PER_GROUP: Final = 1_000_000
"""Rows (a record in a block of a rule) a worker pairs at a time, about 100 MB."""
RECORDS_PER_FILE: Final = 250_000
"""Records per file the driver hands Spark at most (a file is a task of the key pass)."""
TASKS_PER_CORE: Final = 4
"""Tasks per core of the key pass, at least (balance and progress)."""
_GROUP: Final = "grp"
_TIE: Final = "_t"
"""A record's rank by ``source, record_id``: the ties of a capped block in one integer."""
_PART: Final = "_p"
_PAIRS: Final = pl.Schema(
    {"rid_l": pl.Int64(), "rid_r": pl.Int64(), "rules": pl.Int64(), _PART: pl.Int32()}
)
_STATS: Final = (
    "blocks",
    "records",
    "largest_block",
    "capped_blocks",
    "capped_records",
    "pairs_full",
    "pairs",
    "pairs_dropped",
)
"""A rule's statistics from :func:`pairs_of_blocks`, in its order (after ``bit``, ``rule``)."""
_STAT_SUMS: Final = tuple(k for k in _STATS if k != "largest_block")
"""The statistics that add up over groups (``largest_block`` is their largest)."""


def _worker_rules() -> Sequence[BlockingRule]:
    """Return the rules, imported where a task runs.

    A rule's expressions may call Python (names folded per distinct value), which Spark
    cannot ship to a worker: the worker imports them, as the driver did.
    """
    from pipelines.resolve.blocking import DEFAULT_RULES as rules

    return rules


def _keyed_schema(n_orders: int) -> pl.Schema:
    """Return the rows the key pass sends: a record in a block of one rule."""
    return pl.Schema(
        {
            "bit": pl.Int32(),
            "rid": pl.Int64(),
            _TIE: pl.Int64(),
            "_b": pl.Int64(),  # the block hash's 64 bits, signed for Spark
            **{f"_o{i}": pl.String() for i in range(n_orders)},
            "_w": pl.Boolean(),
            _GROUP: pl.Int32(),
        }
    )


def _keys_task(
    schema: pl.Schema, groups: int, n_orders: int
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """Return the ``mapInArrow`` function: each record's block of every rule, and its group."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        rules = _worker_rules()
        for batch in batches:
            records = from_spark(batch, schema).lazy()
            parts = [
                block_keys(records, rule, ties=(_TIE,)).select(
                    pl.lit(bit, dtype=pl.Int32).alias("bit"),
                    pl.col("rid").cast(pl.Int64),
                    _TIE,
                    "_b",
                    *[
                        pl.col(f"_o{i}").cast(pl.String)
                        if i < len(rule.order)
                        else pl.lit(None, dtype=pl.String).alias(f"_o{i}")
                        for i in range(n_orders)
                    ],
                    "_w",
                )
                for bit, rule in enumerate(rules)
            ]
            keyed = pl.concat(parts).collect()
            keyed = keyed.with_columns(
                (pl.col("_b") % groups).cast(pl.Int32).alias(_GROUP),
                pl.col("_b").reinterpret(signed=True),
            )
            yield from to_spark(keyed).to_batches()

    return run


def _pairs_task(
    orders: Sequence[Sequence[pl.DataType]],
    partitions: int,
    max_block: int,
    window: int,
    stats_folder: str,
) -> Callable[[Any], Any]:
    """Return the ``applyInArrow`` function pairing one group of whole blocks of every rule."""
    schema = _keyed_schema(max((len(o) for o in orders), default=0))

    def run(table: Any) -> Any:
        rules = _worker_rules()
        frame = from_spark(table, schema)
        found, stats = [], []
        for (bit,), part in frame.partition_by("bit", as_dict=True).items():
            rule = rules[int(bit)]
            keys = part.select(
                pl.col("rid").cast(pl.UInt32),
                _TIE,
                pl.col("_b").reinterpret(signed=False),
                *[pl.col(f"_o{i}").cast(dtype) for i, dtype in enumerate(orders[int(bit)])],
                "_w",
            )
            pairs, rule_stats = pairs_of_blocks(keys, rule, int(bit), max_block, window, (_TIE,))
            found.append(
                pairs.with_columns((pl.col("rid_l") % partitions).alias(_PART)).cast(_PAIRS)
            )
            stats.append({k: rule_stats[k] for k in ("bit", *_STATS)})
        # written whole or not at all, named by the group: a retried task replaces it
        target = Path(stats_folder) / f"group-{int(frame[_GROUP][0]):06d}.parquet"
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
        pl.DataFrame(stats).write_parquet(partial)
        os.replace(partial, target)
        return to_spark(pl.concat(found) if found else pl.DataFrame(schema=_PAIRS))

    return run


def _rule_stats(rules: Sequence[BlockingRule], folder: Path) -> list[dict[str, Any]]:
    """Return per rule the statistics of :func:`pairs_of_blocks`, summed over the groups."""
    files = sorted(folder.glob("group-*.parquet"))
    summed: dict[int, dict[str, int]] = {}
    if files:
        totals = (
            pl.read_parquet(files)
            .group_by("bit")
            .agg(pl.col("largest_block").max(), *[pl.col(c).sum() for c in _STAT_SUMS])
        )
        summed = {int(row["bit"]): row for row in totals.iter_rows(named=True)}
    out = []
    for bit, rule in enumerate(rules):
        got = summed.get(bit, {})
        out.append(
            {
                "bit": bit,
                "rule": rule.name,
                **{k: int(got.get(k) or 0) for k in _STATS},
            }
        )
    return out


def _needed(records: pl.DataFrame, rules: Sequence[BlockingRule]) -> pl.DataFrame:
    """Return what the rules read of the records (a column no record has: null) and the ties.

    The ties (:data:`~pipelines.resolve.blocking.TIES`) travel as one rank, ``_t``, in the
    order the local engine sorts them (nulls last).
    """
    names = {"rid", *rule_columns(rules)} - set(TIES)
    lf = as_blocking_input(records, rules)
    tied = (
        lf.select("rid", *TIES)
        .sort(TIES, nulls_last=True)
        .select(
            "rid",
            pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift()) for c in TIES)
            .cum_sum()
            .cast(pl.Int64)
            .alias(_TIE),
        )
    )
    needed = lf.select(sorted(names & set(lf.collect_schema().names())))
    return needed.join(tied, on="rid", how="left", maintain_order="left").collect()


def _order_types(records: pl.DataFrame, rules: Sequence[BlockingRule]) -> list[list[pl.DataType]]:
    """Return each rule's order types; they travel as text, which keeps text's and integers' order.

    Raises ValueError for a rule ordering by another type (a date, a category).
    """
    lazy = records.lazy()
    out = []
    for rule in rules:
        types = [lazy.select(o).collect_schema().dtypes()[0] for o in rule.order]
        for dtype in types:
            if dtype != pl.String and not dtype.is_integer():
                raise ValueError(
                    f"blocking rule {rule.name!r} orders by a {dtype} value: the Spark engine "
                    "ships order values as text, which keeps the order of text and integers only"
                )
        out.append(types)
    return out


def spark_candidates(
    spark: Any,
    progress: Progress,
    records: pl.DataFrame,
    folder: Path,
    cfg: ResolveConfig,
    report: Callable[[int, int], None] | None = None,
) -> PairStore:
    """Return the candidate pairs of ``records`` under ``cfg``, made on Spark (module doc).

    The same :class:`PairStore` (partitions, pairs, statistics) as
    :func:`~pipelines.resolve.pairs_store.run_candidates` gives. ``report(done, total)``
    follows the driver's merge of the partitions.
    """
    rules = DEFAULT_RULES
    folder.mkdir(parents=True, exist_ok=True)
    partitions = candidate_partitions(records.height, run_budget(RunConfig(), cfg).pairs_per_part)
    cores = int(spark.sparkContext.defaultParallelism)
    groups = max(2 * cores, math.ceil(records.height * len(rules) / KEYED_ROWS_PER_GROUP))
    needed = _needed(records, rules)
    schema = spark_safe(needed.schema)
    inbox = folder / "records"
    size = max(1, min(RECORDS_PER_FILE, math.ceil(needed.height / (TASKS_PER_CORE * cores))))
    write_slices(needed, inbox, size)
    orders = _order_types(needed, rules)
    del needed
    stats_folder = folder / "block-stats"
    stats_folder.mkdir(exist_ok=True)
    spark_out = folder / "spark-pairs"
    n_orders = max((len(o) for o in orders), default=0)
    spark.conf.set("spark.sql.shuffle.partitions", str(groups))
    keyed = read_file_per_task(spark, inbox, size).mapInArrow(
        _keys_task(schema, groups, n_orders), spark_ddl(_keyed_schema(n_orders))
    )
    task = _pairs_task(orders, partitions, cfg.max_block, cfg.window, str(stats_folder.resolve()))
    # the pairs written by the store partition they belong to, a file each; a pair several
    # rules found is made one when the driver merges a partition (as the local engine does)
    pairs = (
        keyed.groupBy(_GROUP).applyInArrow(task, spark_ddl(_PAIRS)).repartition(partitions, _PART)
    )
    with tracked(spark, progress, "blocking (Spark)"), reraised("blocking"):
        pairs.write.partitionBy(_PART).parquet(str(spark_out))
    raw = folder / "raw"
    raw.mkdir(exist_ok=True)
    for p in range(partitions):
        written = spark_out / f"{_PART}={p}"
        if written.is_dir():
            written.rename(raw / f"p{p:05d}")
    stats = _rule_stats(rules, stats_folder)
    for path in (spark_out, stats_folder, inbox):
        shutil.rmtree(path)

    def merged(p: int) -> None:
        if report is not None:
            report(p, partitions)

    return merged_partitions(raw, folder, partitions, stats, merged)
