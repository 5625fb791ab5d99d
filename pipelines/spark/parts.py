"""Comparisons and scores of the candidate pairs on Spark: a grouped ``applyInArrow``.

The pairs are spread over ``groups`` groups by ``rid_l``; Spark shuffles only the pairs, and
the Python worker comparing or scoring a group reads the records its pairs name from the
run's records files (written once by the driver, the fields comparisons and scores read;
by ``rid``), then runs the local engine's own functions
(:func:`~pipelines.resolve.compare.comparisons`, :func:`~pipelines.resolve.scoring.score`).
A pair's levels and score depend on its two records alone (the term frequencies are
columns of the records, counted over all of them before), so any grouping gives the local
engine's numbers. The compared pairs stay in Spark (persisted on disk, in the run's scratch
folder) between the two passes; EM learns on the driver from the summed level patterns;
the scored pairs are written by Spark as Parquet for clustering. The records files, like
the rest of the scratch folder, must be visible to the workers (README "Spark").
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.config import ResolveConfig
from pipelines.progress import Progress
from pipelines.resolve.compare import FIELDS, NAME_KEYS, SIDE_COLUMNS, comparisons, name_index
from pipelines.resolve.golden import golden_records
from pipelines.resolve.pairs_store import PairStore
from pipelines.resolve.parts import SCORED_SCHEMA, Report, in_review_band
from pipelines.resolve.scoring import PATTERN_COUNT, FSParams, level_patterns, score
from pipelines.spark.arrow import from_spark, spark_ddl, spark_safe, to_spark
from pipelines.spark.blocking import spark_candidates
from pipelines.spark.failures import reraised
from pipelines.spark.progress import tracked

__all__ = ["SparkParts"]

_GROUP: Final = "grp"
_PAIRS: Final = pl.Schema({"rid_l": pl.UInt32(), "rid_r": pl.UInt32()})
_LEVELS: Final = pl.Schema({f"g_{f}": pl.Int8() for f in FIELDS})
_COMPARED: Final = pl.Schema({**_PAIRS, **_LEVELS})
_SCORED: Final = pl.Schema({**SCORED_SCHEMA, **_LEVELS})
GROUPS_PER_CORE: Final = 2
"""Groups of pairs per core. Each group reads the records its pairs name, which are most of
the records whatever the grouping (candidates join records far apart in any order), so more
groups mean more records read; two per core balance the load."""


def _named(folder: str, pairs: pl.DataFrame) -> pl.DataFrame:
    """Return the records the ``pairs`` name, read from the run's records files (by ``rid``)."""
    ends = pl.concat([pairs["rid_l"], pairs["rid_r"]]).unique().cast(pl.UInt32)
    return (
        pl.scan_parquet(Path(folder) / "*.parquet")
        .filter(pl.col("rid").is_in(ends.implode()))
        .collect()
        .sort("rid")
    )


def _compare_task(folder: str) -> Callable[[Any], Any]:
    """Return the function comparing one group of pairs (with the records they name)."""

    def run(pairs: Any) -> Any:
        group = from_spark(pairs, _PAIRS).sort("rid_l", "rid_r")
        rec = _named(folder, group)
        return to_spark(comparisons(rec, group, name_index(rec)))

    return run


def _score_task(folder: str, params: FSParams) -> Callable[[Any], Any]:
    """Return the function scoring one group of compared pairs (no reasons)."""

    def run(compared: Any) -> Any:
        cmp = from_spark(compared, _COMPARED)
        scored = score(cmp, params, _named(folder, cmp), reasons=False).cast(SCORED_SCHEMA)
        return to_spark(pl.concat([scored, cmp.select(_LEVELS.names())], how="horizontal"))

    return run


def _golden_task(schema: pl.Schema) -> Callable[[Any], Any]:
    """Return the function making the golden records of one group of persons."""

    def run(records: Any) -> Any:
        return to_spark(golden_records(from_spark(records, schema)))

    return run


class SparkParts:
    """Block, compare and score the candidates on a Spark session (``engine = "spark"``)."""

    def __init__(self, spark: Any, progress: Progress) -> None:
        """Run on ``spark``; report Spark's task counts to ``progress``."""
        self.spark = spark
        self.progress = progress
        self._compared: Any = None
        self._records: Path | None = None

    def candidates(
        self, records: pl.DataFrame, folder: Path, cfg: ResolveConfig, report: Report
    ) -> PairStore:
        """Make the candidate pairs on Spark (:mod:`pipelines.spark.blocking`)."""
        store = spark_candidates(self.spark, self.progress, records, folder, cfg)
        report(1, 1)
        return store

    def _groups(self, store: PairStore) -> int:
        cores = int(self.spark.sparkContext.defaultParallelism)
        # at least the partitions the budget allows: a group's pairs fit a Python worker
        return max(store.partitions, GROUPS_PER_CORE * cores)

    def compared(
        self, records: pl.DataFrame, store: PairStore, folder: Path, report: Report
    ) -> pl.DataFrame:
        """Compare every candidate on Spark; return the summed level patterns."""
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        groups = self._groups(store)
        self.spark.conf.set("spark.sql.shuffle.partitions", str(groups))
        # what comparing and scoring read of a record: its fields and term frequencies, in
        # files the workers read the records their group names from (by rid)
        tf = [c for c in records.columns if c.startswith("tf_")]
        wanted = {"rid", *NAME_KEYS, *SIDE_COLUMNS, *tf, *(c.removeprefix("tf_") for c in tf)}
        needed = records.select(c for c in records.columns if c in wanted)
        path = folder / "records"
        path.mkdir(exist_ok=True)
        size = -(-needed.height // groups) or 1
        for i, offset in enumerate(range(0, max(needed.height, 1), size)):
            needed.slice(offset, size).write_parquet(path / f"{i:05d}.parquet")
        pairs = (
            self.spark.read.parquet(*(str(store.path(p)) for p in range(store.partitions)))
            .select("rid_l", "rid_r")
            .withColumn(_GROUP, F.pmod(F.col("rid_l"), F.lit(groups)))
        )
        compared = (
            pairs.groupBy(_GROUP)
            .applyInArrow(_compare_task(str(path.resolve())), spark_ddl(spark_safe(_COMPARED)))
            .withColumn(_GROUP, F.pmod(F.col("rid_l"), F.lit(groups)))
            .persist(StorageLevel.DISK_ONLY)
        )
        with tracked(self.spark, self.progress, "compare (Spark)"), reraised("compare"):
            counts = (
                compared.groupBy(*_LEVELS.names()).count().withColumnRenamed("count", "n").toArrow()
            )
        self._compared, self._records = compared, path
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
        if self._compared is None or self._records is None:
            raise RuntimeError("SparkParts.scored before SparkParts.compared")
        target = folder / "scored"
        shutil.rmtree(target, ignore_errors=True)
        task = _score_task(str(self._records.resolve()), params)
        scored = self._compared.groupBy(_GROUP).applyInArrow(task, spark_ddl(spark_safe(_SCORED)))
        with tracked(self.spark, self.progress, "score (Spark)"), reraised("score"):
            scored.write.parquet(str(target))
        self._compared.unpersist()
        shutil.rmtree(self._records)
        self._compared = self._records = None
        report(1, 1)
        files = sorted(target.glob("*.parquet"))
        scan = pl.scan_parquet(files).cast(_SCORED, strict=True)
        doubtful = scan.filter(in_review_band(band)).sort("rid_l", "rid_r").collect()
        return scan.select(SCORED_SCHEMA.names()), doubtful

    def golden(self, assigned: pl.LazyFrame, folder: Path) -> pl.DataFrame:
        """Golden records per group of persons on Spark (a person's records stay together)."""
        from pyspark.sql import functions as F

        path = folder / "assigned.parquet"
        schema = assigned.collect_schema()
        assigned.cast(spark_safe(schema)).sink_parquet(path)  # streamed: never whole here
        out = golden_records(pl.DataFrame(schema=schema)).schema
        groups = GROUPS_PER_CORE * int(self.spark.sparkContext.defaultParallelism)
        people = (
            self.spark.read.parquet(str(path))
            .withColumn(_GROUP, F.pmod(F.xxhash64("person_id"), F.lit(groups)))
            .groupBy(_GROUP)
            .applyInArrow(_golden_task(schema), spark_ddl(spark_safe(out)))
        )
        with tracked(self.spark, self.progress, "golden records (Spark)"), reraised("golden"):
            persons = from_spark(people.toArrow(), out)
        path.unlink()
        return persons.sort("person_id")  # as the local engine gives them
