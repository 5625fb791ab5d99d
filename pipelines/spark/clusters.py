"""Clustering on Spark: components by label propagation, conflicting components split per group.

1. The scored pairs at or above the threshold (and the stewards' must-links) are the edges;
   :func:`~pipelines.spark.components.spark_components` labels every record that has one
   with its component's smallest ``rid``.
2. The components to check are those of three records or more (every pair inside is weighed
   by the model) and those holding a steward's cannot-link. They are spread over groups by
   label; Spark ships each checked record once, with its group, and each group's edges (and,
   for a component above ``[resolve] max_component`` records,
   its scored pairs). A Python worker runs the local engine's own
   :func:`~pipelines.resolve.cluster.split_conflicting` on the group.
3. The driver takes the labels, the split ones over the others, and gives every record
   without an edge its own ``rid``.

Components are independent and a split depends on its component alone (tie-breaks by the
records' ``(source, record_id)``), so the labels are those of
:func:`~pipelines.resolve.cluster.clusters`, record for record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from pipelines.config import ResolveConfig
from pipelines.progress import Progress
from pipelines.resolve.cluster import pair_frame, split_conflicting
from pipelines.resolve.parts import weigher
from pipelines.resolve.scoring import FSParams
from pipelines.spark.arrow import from_spark, spark_ddl, spark_safe, to_spark
from pipelines.spark.components import spark_components
from pipelines.spark.failures import reraised
from pipelines.spark.files import checkpointed
from pipelines.spark.progress import tracked

if TYPE_CHECKING:
    from pipelines.resolve.week import Constraints

__all__ = ["ClusterInputs", "spark_clusters"]

_GROUP: Final = "grp"
_LABELS: Final = pl.Schema({"rid": pl.UInt32(), "cluster": pl.UInt32()})
_EDGES: Final = pl.Schema(
    {
        "rid_l": pl.UInt32(),
        "rid_r": pl.UInt32(),
        "match_probability": pl.Float64(),
        "must": pl.Boolean(),
        "known": pl.Boolean(),  # a scored pair of a component too big to weigh every pair of
    }
)


@dataclass(frozen=True)
class ClusterInputs:
    """What clustering on Spark reads.

    Attributes:
        n_records: records in the run (``rid`` 0..n-1).
        scored: the folder of Spark's scored pairs.
        records: the folder of the records files (what weighing and the tie-breaks read).
        records_schema: the Polars schema of the records files.
        groups: groups the components to check are spread over.
    """

    n_records: int
    scored: Path
    records: Path
    records_schema: pl.Schema
    groups: int


def _split_task(
    params: FSParams | None, cfg: ResolveConfig, constraints: Constraints, schema: pl.Schema
) -> Callable[[Any, Any], Any]:
    """Return the function splitting the conflicting components of one group."""
    must, cannot = pair_frame(constraints.must_link), pair_frame(constraints.cannot_link)
    members_schema = pl.Schema({**schema, "cluster": pl.UInt32()})

    def run(members: Any, edges: Any) -> Any:
        shipped = from_spark(members, members_schema).sort("rid")
        pairs = from_spark(edges, _EDGES)
        records = shipped.drop("cluster")
        out = split_conflicting(
            records,
            shipped.select("rid", "cluster"),
            pairs.filter(~pl.col("known")).drop("known"),
            pairs.filter(pl.col("known")).select("rid_l", "rid_r").lazy(),
            weigh=weigher(records, params) if params is not None else None,
            split_below=cfg.split_below,
            max_component=cfg.max_component,
            must=must,
            cannot=cannot,
        )
        return to_spark(out.select("rid", "cluster"))

    return run


def _spark_pairs(spark: Any, pairs: pl.DataFrame) -> Any:
    """Return a small driver frame of pairs as a Spark frame (long rids)."""
    return spark.createDataFrame(to_spark(pairs.cast(spark_safe(pairs.schema))))


def _edges(spark: Any, scored: Any, cfg: ResolveConfig, must: pl.DataFrame) -> Any:
    """Return the edges: the scored pairs at or above the threshold, and the must-links."""
    from pyspark.sql import functions as F

    edges = scored.filter(F.col("match_probability") >= F.lit(cfg.match_threshold)).select(
        F.col("rid_l").cast("long"),
        F.col("rid_r").cast("long"),
        F.col("match_probability").cast("double"),
        F.lit(False).alias("must"),
    )
    if must.height == 0:
        return edges
    linked = must.with_columns(pl.lit(1.0).alias("match_probability"), pl.lit(True).alias("must"))
    return edges.unionByName(_spark_pairs(spark, linked))


def _checked(labels: Any, sizes: Any, weighed: bool, cannot: Any | None) -> Any:
    """Return the labels of the components to check: 3+ records (when weighed), a cannot-link."""
    from pyspark.sql import functions as F

    checked = sizes.filter(F.col("count") >= 3) if weighed else sizes.limit(0)
    checked = checked.select("cluster")
    if cannot is None:
        return checked
    left = labels.select(F.col("rid").alias("rid_l"), F.col("cluster"))
    right = labels.select(F.col("rid").alias("rid_r"), F.col("cluster").alias("c_r"))
    held = cannot.join(left, "rid_l").join(right, "rid_r").filter(F.col("cluster") == F.col("c_r"))
    return checked.union(held.select("cluster")).distinct()


def spark_clusters(
    spark: Any,
    progress: Progress,
    inputs: ClusterInputs,
    params: FSParams | None,
    cfg: ResolveConfig,
    constraints: Constraints,
    folder: Path,
) -> pl.DataFrame:
    """Return ``rid, cluster`` of every record, as :func:`~pipelines.resolve.cluster.clusters`."""
    from pyspark.sql import functions as F

    must, cannot = pair_frame(constraints.must_link), pair_frame(constraints.cannot_link)
    scored = spark.read.parquet(str(inputs.scored))
    edges = checkpointed(_edges(spark, scored, cfg, must), folder / "edges")
    labels = spark_components(spark, edges, folder / "components", progress)
    with tracked(spark, progress, "split conflicting components (Spark)"), reraised("cluster"):
        settled = from_spark(labels.toArrow(), _LABELS)
        split = pl.DataFrame(schema=_LABELS)
        if params is not None or cannot.height:
            sizes = checkpointed(labels.groupBy("cluster").count(), folder / "sizes")
            banned = _spark_pairs(spark, cannot) if cannot.height else None
            members = labels.join(_checked(labels, sizes, params is not None, banned), "cluster")
            members = members.withColumn(_GROUP, F.pmod(F.col("cluster"), F.lit(inputs.groups)))
            members = checkpointed(members, folder / "members")
            shipped = members.join(spark.read.parquet(str(inputs.records)), "rid")
            # read again: a cogroup of two frames of one lineage has ambiguous columns
            again = spark.read.parquet(str(folder / "members"))
            ends = again.select(F.col("rid").alias("rid_l"), _GROUP)
            grouped = edges.join(ends, "rid_l").withColumn("known", F.lit(False))
            big = sizes.filter(F.col("count") > cfg.max_component).select("cluster")
            if params is not None and big.limit(1).count():
                grouped = grouped.unionByName(_known(scored, again.join(big, "cluster")))
            task = _split_task(params, cfg, constraints, inputs.records_schema)
            out = (
                shipped.groupBy(_GROUP)
                .cogroup(grouped.groupBy(_GROUP))
                .applyInArrow(task, spark_ddl(spark_safe(_LABELS)))
            )
            split = from_spark(out.toArrow(), _LABELS)
    every = pl.DataFrame({"rid": pl.int_range(inputs.n_records, dtype=pl.UInt32, eager=True)})
    labelled = settled.update(split, on="rid")
    return (
        every.join(labelled, on="rid", how="left")
        .select("rid", pl.coalesce("cluster", "rid").alias("cluster"))
        .sort("rid")
    )


def _known(scored: Any, big: Any) -> Any:
    """Return every scored pair inside the components too big to weigh every pair of."""
    from pyspark.sql import functions as F

    left = big.select(F.col("rid").alias("rid_l"), "cluster", _GROUP)
    right = big.select(F.col("rid").alias("rid_r"), F.col("cluster").alias("c_r"))
    return (
        scored.select(F.col("rid_l").cast("long"), F.col("rid_r").cast("long"))
        .join(left, "rid_l")
        .join(right, "rid_r")
        .filter(F.col("cluster") == F.col("c_r"))
        .select(
            "rid_l",
            "rid_r",
            F.lit(None).cast("double").alias("match_probability"),
            F.lit(False).alias("must"),
            _GROUP,
            F.lit(True).alias("known"),
        )
    )
