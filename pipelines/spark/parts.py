"""Comparisons and scores of the candidate pairs on Spark: a cogrouped ``applyInArrow``.

The pairs are spread over ``groups`` groups by ``rid_l``; each group travels (shuffled by
the group key) with the records its pairs name, and a Python worker compares or scores it
with the local engine's own functions (:func:`~pipelines.resolve.compare.comparisons`,
:func:`~pipelines.resolve.scoring.score`). A pair's levels and score depend on its two
records alone (the term frequencies are columns of the records, counted over all of them
before), so any grouping gives the local engine's numbers. The compared pairs stay in
Spark (persisted) between the two passes; EM learns on the driver from the summed level
patterns; the scored pairs are written by Spark as Parquet for clustering.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.progress import Progress
from pipelines.resolve.compare import FIELDS, NAME_KEYS, SIDE_COLUMNS, comparisons, name_index
from pipelines.resolve.pairs_store import PairStore
from pipelines.resolve.parts import SCORED_SCHEMA, Report
from pipelines.resolve.scoring import PATTERN_COUNT, FSParams, level_patterns, score
from pipelines.spark.arrow import from_spark, spark_ddl, spark_safe, to_spark
from pipelines.spark.progress import tracked

__all__ = ["SparkParts", "home_groups"]

_GROUP: Final = "grp"
_PAIRS: Final = pl.Schema({"rid_l": pl.UInt32(), "rid_r": pl.UInt32()})
_LEVELS: Final = pl.Schema({f"g_{f}": pl.Int8() for f in FIELDS})
_COMPARED: Final = pl.Schema({**_PAIRS, **_LEVELS})
_SCORED: Final = pl.Schema({**SCORED_SCHEMA, **_LEVELS})
GROUPS_PER_CORE: Final = 4
"""Groups of pairs per core: enough to balance the load and show progress (each group
carries the records its pairs name, mostly those of its provinces: :func:`home_groups`)."""


def _compare_task(schema: pl.Schema) -> Callable[[Any, Any], Any]:
    """Return the function comparing one group: its pairs and the records they name."""

    def run(pairs: Any, records: Any) -> Any:
        rec = from_spark(records, schema).sort("rid")
        group = from_spark(pairs, pl.Schema({**_PAIRS, _GROUP: pl.Int64()})).sort("rid_l", "rid_r")
        cmp = comparisons(rec, group.drop(_GROUP), name_index(rec))
        return to_spark(cmp.with_columns(group[_GROUP]))

    return run


def _score_task(schema: pl.Schema, params: FSParams) -> Callable[[Any, Any], Any]:
    """Return the function scoring one group of compared pairs (no reasons)."""

    def run(compared: Any, records: Any) -> Any:
        rec = from_spark(records, schema).sort("rid")
        cmp = from_spark(compared, _COMPARED)
        scored = score(cmp, params, rec, reasons=False).cast(SCORED_SCHEMA)
        return to_spark(pl.concat([scored, cmp.select(_LEVELS.names())], how="horizontal"))

    return run


def home_groups(records: pl.DataFrame, groups: int) -> pl.Series:
    """Return each record's group (0..groups-1): its province's, provinces spread evenly.

    Candidate pairs mostly join records of one province, so a group of pairs (grouped by
    their left record) names mostly its own province's records: fewer records travel with
    it than with pairs grouped at random. Provinces are dealt to the lightest group, largest
    first; records without a province are spread by rid.

    Example:
        >>> rec = pl.DataFrame({"rid": [0, 1, 2, 3], "province_code": ["01", "01", "79", None]})
        >>> home_groups(rec, 2).to_list()
        [0, 0, 1, 1]
    """
    if "province_code" not in records.columns:
        return (records["rid"].cast(pl.Int64) % groups).alias(_GROUP)
    sizes = (
        records.group_by("province_code")
        .len()
        .drop_nulls("province_code")
        .sort(["len", "province_code"], descending=[True, False])
    )
    load = [0] * groups
    dealt = {}
    for province, size in sizes.iter_rows():  # a few dozen provinces
        lightest = min(range(groups), key=lambda g: (load[g], g))
        dealt[province] = lightest
        load[lightest] += size
    spread = records["rid"].cast(pl.Int64) % groups
    home = records["province_code"].replace_strict(dealt, default=None, return_dtype=pl.Int64)
    return home.fill_null(spread).alias(_GROUP)


class SparkParts:
    """Compare and score the candidates on a Spark session (``engine = "spark"``)."""

    def __init__(self, spark: Any, progress: Progress) -> None:
        """Run on ``spark``; report Spark's task counts to ``progress``."""
        self.spark = spark
        self.progress = progress
        self._compared: Any = None
        self._records: Any = None
        self._schema: pl.Schema | None = None

    def _groups(self, store: PairStore) -> int:
        cores = int(self.spark.sparkContext.defaultParallelism)
        return GROUPS_PER_CORE * cores

    def compared(
        self, records: pl.DataFrame, store: PairStore, folder: Path, report: Report
    ) -> pl.DataFrame:
        """Compare every candidate on Spark; return the summed level patterns."""
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        groups = self._groups(store)
        self.spark.conf.set("spark.sql.shuffle.partitions", str(groups))
        # what comparing and scoring read of a record: its fields and term frequencies
        tf = [c for c in records.columns if c.startswith("tf_")]
        wanted = {"rid", *NAME_KEYS, *SIDE_COLUMNS, *tf, *(c.removeprefix("tf_") for c in tf)}
        needed = records.select(c for c in records.columns if c in wanted).with_columns(
            home_groups(records, groups).alias(_GROUP)
        )
        self._schema = spark_safe(needed.drop(_GROUP).schema)
        path = folder / "records.parquet"
        needed.cast(spark_safe(needed.schema)).write_parquet(path)

        # every DataFrame read afresh: Spark cannot tell apart two uses of one read in a join
        def read_records() -> Any:
            return self.spark.read.parquet(str(path))

        def read_pairs() -> Any:  # a pair's group: its left record's
            home = read_records().select(F.col("rid").alias("rid_l"), _GROUP)
            return (
                self.spark.read.parquet(*(str(store.path(p)) for p in range(store.partitions)))
                .select("rid_l", "rid_r")
                .join(home, on="rid_l")
            )

        pairs, other = read_pairs(), read_pairs()
        ends = (
            other.select(_GROUP, F.col("rid_l").alias("rid"))
            .union(other.select(_GROUP, F.col("rid_r").alias("rid")))
            .distinct()
        )
        named = ends.join(read_records().drop(_GROUP), on="rid")
        named = named.persist(StorageLevel.MEMORY_AND_DISK)
        compared = (
            pairs.groupBy(_GROUP)
            .cogroup(named.groupBy(_GROUP))
            .applyInArrow(
                _compare_task(self._schema), spark_ddl(spark_safe(_COMPARED)) + f", {_GROUP} BIGINT"
            )
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        with tracked(self.spark, self.progress, "compare (Spark)"):
            counts = (
                compared.groupBy(*_LEVELS.names()).count().withColumnRenamed("count", "n").toArrow()
            )
        self._compared, self._records = compared, named
        report(1, 1)
        patterns = from_spark(counts, pl.Schema({**_LEVELS, "n": pl.Int64()}))
        return level_patterns(patterns.rename({"n": PATTERN_COUNT}))

    def scored(
        self,
        records: pl.DataFrame,
        params: FSParams,
        store: PairStore,
        folder: Path,
        report: Report,
        band: tuple[float, float],
    ) -> tuple[pl.LazyFrame, pl.DataFrame]:
        """Score the compared pairs on Spark; Spark writes them to ``folder/scored``."""
        if self._compared is None or self._schema is None:
            raise RuntimeError("SparkParts.scored before SparkParts.compared")
        target = folder / "scored"
        shutil.rmtree(target, ignore_errors=True)
        scored = (
            self._compared.groupBy(_GROUP)
            .cogroup(self._records.groupBy(_GROUP))
            .applyInArrow(_score_task(self._schema, params), spark_ddl(spark_safe(_SCORED)))
        )
        with tracked(self.spark, self.progress, "score (Spark)"):
            scored.write.parquet(str(target))
        self._compared.unpersist()
        self._records.unpersist()
        self._compared = self._records = None
        report(1, 1)
        files = sorted(target.glob("*.parquet"))
        scan = pl.scan_parquet(files).cast(_SCORED, strict=True)
        doubtful = (
            scan.filter(pl.col("match_probability").is_between(*band, closed="left"))
            .sort("rid_l", "rid_r")
            .collect()
        )
        return scan.select(SCORED_SCHEMA.names()), doubtful
