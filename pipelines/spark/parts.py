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
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from pipelines.config import ResolveConfig
from pipelines.progress import Progress
from pipelines.resolve.compare import FIELDS, NAME_KEYS, SIDE_COLUMNS, comparisons, name_index
from pipelines.resolve.golden import golden_records
from pipelines.resolve.pairs_store import PairStore
from pipelines.resolve.parts import SCORED_SCHEMA, LocalParts, Report, in_review_band
from pipelines.resolve.scoring import PATTERN_COUNT, FSParams, level_patterns, score
from pipelines.spark.arrow import from_spark, spark_ddl, spark_safe, to_spark
from pipelines.spark.blocking import spark_candidates
from pipelines.spark.clusters import ClusterInputs, spark_clusters
from pipelines.spark.failures import reraised
from pipelines.spark.files import write_slices
from pipelines.spark.progress import tracked

if TYPE_CHECKING:
    from pipelines.resolve.week import Constraints

__all__ = ["READS_PER_PAIR", "SparkParts", "reads_records"]

_GROUP: Final = "grp"
_PAIRS: Final = pl.Schema({"rid_l": pl.UInt32(), "rid_r": pl.UInt32()})
_LEVELS: Final = pl.Schema({f"g_{f}": pl.Int8() for f in FIELDS})
_COMPARED: Final = pl.Schema({**_PAIRS, **_LEVELS})
_SCORED: Final = pl.Schema({**SCORED_SCHEMA, **_LEVELS})
READS_PER_PAIR: Final = 20
"""Records read per candidate pair beyond which Spark ships each group's records instead
(:func:`reads_records`; a bound chosen to keep the reads within an order of magnitude of what
shipping moves, not a measured crossover)."""
GROUPS_PER_CORE: Final = 2
"""Groups of pairs per core. Each group reads the records its pairs name, which are most of
the records whatever the grouping (candidates join records far apart in any order), so more
groups mean more records read; two per core balance the load."""


def reads_records(groups: int, n_records: int, n_pairs: int) -> bool:
    """Return whether the workers read their groups' records from files (else Spark ships them).

    Reading, each group scans every records file for the records it names: ``groups × records``
    rows read, cheap in a worker, but growing with the square of the data (the groups grow
    with the pairs). Shipped, Spark joins each group with the records it names: at most two
    per pair, each a JVM row shuffled and turned into Arrow. At 1M residents (13 groups,
    1.7 M records, 11.8 M pairs) reading took 74 s where shipping took 155 s; reading is kept
    while it reads at most :data:`READS_PER_PAIR` records per pair.

    Example:
        >>> reads_records(13, 1_690_815, 11_825_434)  # 1M residents
        True
        >>> reads_records(730, 169_000_000, 2_200_000_000)  # 100M
        False
    """
    return groups * n_records <= READS_PER_PAIR * max(n_pairs, 1)


def _records_named(folder: str, pairs: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """Return the records the ``pairs`` name, read from the run's records files (by ``rid``)."""
    ends = pl.concat([pairs["rid_l"], pairs["rid_r"]]).unique().cast(pl.Int64)
    return (
        pl.scan_parquet(Path(folder) / "*.parquet")
        .filter(pl.col("rid").is_in(ends.implode()))
        .collect()
        .cast(schema)
        .sort("rid")
    )


_GroupFn = Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]
"""Work on one group: its pairs (or compared pairs) and the records they name."""


def _task(
    fn: _GroupFn, group_schema: pl.Schema, records_schema: pl.Schema, folder: str | None
) -> Any:
    """Return the ``applyInArrow`` function running ``fn`` on a group and its records.

    ``folder``: the records are read there (the group's pairs alone were shuffled); None:
    they come cogrouped from Spark.
    """
    if folder is not None:

        def read(group: Any) -> Any:
            pairs = from_spark(group, group_schema)
            return to_spark(fn(pairs, _records_named(folder, pairs, records_schema)))

        return read

    def cogrouped(group: Any, records: Any) -> Any:
        records = from_spark(records, records_schema).sort("rid")
        return to_spark(fn(from_spark(group, group_schema), records))

    return cogrouped


def _compare(pairs: pl.DataFrame, rec: pl.DataFrame) -> pl.DataFrame:
    """Compare one group of pairs."""
    return comparisons(rec, pairs.sort("rid_l", "rid_r"), name_index(rec))


def _scorer(params: FSParams) -> _GroupFn:
    """Return the function scoring one group of compared pairs (no reasons), levels kept."""

    def run(cmp: pl.DataFrame, rec: pl.DataFrame) -> pl.DataFrame:
        scored = score(cmp, params, rec, reasons=False).cast(SCORED_SCHEMA)
        return pl.concat([scored, cmp.select(_LEVELS.names())], how="horizontal")

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
        self._shipped: Any = None  # the records each group names, when Spark ships them
        self._scored: Path | None = None  # Spark's scored pairs, read again by clustering
        self._schema = pl.Schema()

    def candidates(
        self, records: pl.DataFrame, folder: Path, cfg: ResolveConfig, report: Report
    ) -> PairStore:
        """Make the candidate pairs on Spark (:mod:`pipelines.spark.blocking`)."""
        return spark_candidates(self.spark, self.progress, records, folder, cfg, report)

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
        # what comparing and scoring read of a record: its fields and term frequencies
        tf = [c for c in records.columns if c.startswith("tf_")]
        wanted = {"rid", *NAME_KEYS, *SIDE_COLUMNS, *tf, *(c.removeprefix("tf_") for c in tf)}
        wanted |= {"source", "record_id"}  # the tie-breaks of clustering
        needed = records.select(c for c in records.columns if c in wanted)
        self._schema = needed.schema
        path = folder / "records"
        write_slices(needed, path, -(-needed.height // groups))
        self._records = path
        if not reads_records(groups, needed.height, store.n_pairs):
            self._shipped = self._shipped_records(store, groups)
        pairs = self._pairs(store, groups)
        compared = (
            self._applied(pairs, _compare, _PAIRS, spark_safe(_COMPARED))
            .withColumn(_GROUP, F.pmod(F.col("rid_l"), F.lit(groups)))
            .persist(StorageLevel.DISK_ONLY)
        )
        with tracked(self.spark, self.progress, "compare (Spark)"), reraised("compare"):
            counts = (
                compared.groupBy(*_LEVELS.names()).count().withColumnRenamed("count", "n").toArrow()
            )
        self._compared = compared
        report(1, 1)
        patterns = from_spark(counts, pl.Schema({**_LEVELS, "n": pl.Int64()}))
        return level_patterns(patterns.rename({"n": PATTERN_COUNT}))

    def _pairs(self, store: PairStore, groups: int) -> Any:
        """Return the candidate pairs of ``store`` as a Spark frame, with their group."""
        from pyspark.sql import functions as F

        files = (str(store.path(p)) for p in range(store.partitions))
        return (
            self.spark.read.parquet(*files)
            .select("rid_l", "rid_r")
            .withColumn(_GROUP, F.pmod(F.col("rid_l"), F.lit(groups)))
        )

    def _shipped_records(self, store: PairStore, groups: int) -> Any:
        """Return each group's records as Spark ships them (``grp`` and the record), on disk."""
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        assert self._records is not None
        pairs = self._pairs(store, groups)
        ends = (
            pairs.select(_GROUP, F.col("rid_l").alias("rid"))
            .union(pairs.select(_GROUP, F.col("rid_r").alias("rid")))
            .distinct()
        )
        named = ends.join(self.spark.read.parquet(str(self._records)), on="rid")
        return named.persist(StorageLevel.DISK_ONLY)

    def _applied(self, frame: Any, fn: _GroupFn, schema: pl.Schema, out: pl.Schema) -> Any:
        """Return ``fn`` applied to each group of ``frame`` with the records it names."""
        if self._shipped is None:  # each worker reads its group's records from the files
            assert self._records is not None
            task = _task(fn, schema, self._schema, str(self._records.resolve()))
            return frame.groupBy(_GROUP).applyInArrow(task, spark_ddl(out))
        task = _task(fn, schema, self._schema, None)
        grouped = frame.groupBy(_GROUP).cogroup(self._shipped.groupBy(_GROUP))
        return grouped.applyInArrow(task, spark_ddl(out))

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
        scored = self._applied(self._compared, _scorer(params), _COMPARED, spark_safe(_SCORED))
        with tracked(self.spark, self.progress, "score (Spark)"), reraised("score"):
            scored.write.parquet(str(target))
        self._compared.unpersist()
        if self._shipped is not None:
            self._shipped.unpersist()
        self._compared = self._shipped = None
        self._scored = target
        report(1, 1)
        files = sorted(target.glob("*.parquet"))
        scan = pl.scan_parquet(files).cast(_SCORED, strict=True)
        doubtful = scan.filter(in_review_band(band)).sort("rid_l", "rid_r").collect()
        return scan.select(SCORED_SCHEMA.names()), doubtful

    def clustered(
        self,
        records: pl.DataFrame,
        scored: pl.LazyFrame,
        params: FSParams | None,
        cfg: ResolveConfig,
        constraints: Constraints,
        folder: Path,
    ) -> pl.DataFrame:
        """Cluster on Spark: components, then the components to check split per group.

        See :mod:`pipelines.spark.clusters`. Without scored pairs (no candidates) there is
        nothing for Spark to do: the local engine clusters the records alone.
        """
        if self._scored is None or self._records is None:
            return LocalParts().clustered(records, scored, params, cfg, constraints, folder)
        try:
            return spark_clusters(
                self.spark,
                self.progress,
                ClusterInputs(
                    n_records=records.height,
                    scored=self._scored,
                    records=self._records,
                    records_schema=self._schema,
                    groups=GROUPS_PER_CORE * int(self.spark.sparkContext.defaultParallelism),
                ),
                params,
                cfg,
                constraints,
                folder / "clusters",
            )
        finally:
            shutil.rmtree(self._records)
            self._records = self._scored = None

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
