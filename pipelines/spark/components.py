"""Connected components on Spark: the alternating large-star / small-star algorithm.

Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii, "Connected Components in MapReduce and
Beyond" (SoCC 2014), the algorithm GraphFrames runs. The edges are kept oriented from the
larger node to the smaller. Each round rewires them without changing what is connected:

- *large-star*: every node ``u`` hands each larger neighbour to the smallest node of its
  neighbourhood (``u`` included);
- *small-star*: every node ``u`` hands itself and each smaller neighbour to the smallest of
  them.

Rounds stop when the edges are stars around their smallest node: no node is both a leaf
and a centre, and no leaf has two centres. A star is then a whole component, and its centre
the component's smallest node: the label
:func:`~pipelines.resolve.cluster.connected_components` gives. A component of ``n`` records
settles in ``O(log² n)`` rounds whatever its shape (a chain of records included); person
components are small and settle in two or three. Each step's edges are written to Parquet
in the run's scratch folder, so Spark's plan stays one step long.

Example:
    >>> edges = spark.createDataFrame([(0, 2), (3, 4)], "rid_l long, rid_r long")  # doctest: +SKIP
    >>> sorted(spark_components(spark, edges, folder, progress).collect())  # doctest: +SKIP
    [Row(rid=0, cluster=0), Row(rid=2, cluster=0), Row(rid=3, cluster=3), Row(rid=4, cluster=3)]
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Final

from pipelines.progress import Progress
from pipelines.spark.failures import reraised
from pipelines.spark.files import checkpointed
from pipelines.spark.progress import tracked

__all__ = ["MAX_ROUNDS", "spark_components"]

MAX_ROUNDS: Final = 200
"""Rounds after which the stars must have formed (``log² n`` for the largest component,
with room to spare: 2**14 records in a chain need about 14² = 196 at the very worst)."""


def _oriented(u: Any, v: Any) -> tuple[Any, Any]:
    """Return columns ``a`` (the larger node) and ``b`` (the smaller) of an edge ``u``–``v``."""
    from pyspark.sql import functions as F

    return F.greatest(u, v).alias("a"), F.least(u, v).alias("b")


def _large_star(edges: Any) -> Any:
    """Each node's larger neighbours, handed to the smallest node of its neighbourhood."""
    from pyspark.sql import functions as F

    both = edges.select("a", "b").union(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    low = both.groupBy("a").agg(F.least(F.col("a"), F.min("b")).alias("m"))
    larger = both.filter(F.col("b") > F.col("a")).join(low, "a")
    return larger.select(*_oriented(F.col("b"), F.col("m"))).distinct()


def _small_star(edges: Any) -> Any:
    """Each node and its smaller neighbours, handed to the smallest of them."""
    from pyspark.sql import functions as F

    low = edges.groupBy("a").agg(F.min("b").alias("m"))
    neighbours = edges.join(low, "a").select(*_oriented(F.col("b"), F.col("m")))
    selves = low.select(*_oriented(F.col("a"), F.col("m")))
    return neighbours.union(selves).filter(F.col("a") != F.col("b")).distinct()


def _are_stars(edges: Any) -> bool:
    """Return whether every edge joins a leaf to its one centre, no centre being a leaf."""
    from pyspark.sql import functions as F

    centres = edges.select(F.col("b").alias("a")).distinct()
    leaves = edges.groupBy("a").count()
    row = leaves.join(centres, "a", "left_anti").agg(F.count("*"), F.max("count")).first()
    n_leaves, most_centres = row[0], row[1]
    return (most_centres or 1) == 1 and n_leaves == leaves.count()


def spark_components(spark: Any, edges: Any, folder: Path, progress: Progress) -> Any:
    """Return ``rid, cluster`` (long) of every node of ``edges``: its component's smallest node.

    ``edges``: a Spark frame with ``rid_l, rid_r`` (undirected; duplicates and self loops are
    harmless). Nodes without an edge are not in the result. Working files go to ``folder``,
    which stays (with the final labels) until the caller removes it.
    """
    from pyspark.sql import functions as F

    folder.mkdir(parents=True, exist_ok=True)
    start = edges.select(*_oriented(F.col("rid_l").cast("long"), F.col("rid_r").cast("long")))
    with tracked(spark, progress, "components (Spark)"), reraised("components"):
        current = checkpointed(start.filter(F.col("a") != F.col("b")).distinct(), folder / "e-000")
        for step in range(1, MAX_ROUNDS + 1):
            large = checkpointed(_large_star(current), folder / f"l-{step:03d}")
            small = checkpointed(_small_star(large), folder / f"e-{step:03d}")
            shutil.rmtree(folder / f"e-{step - 1:03d}")
            shutil.rmtree(folder / f"l-{step:03d}")
            current = small
            if _are_stars(current):
                progress.info(f"    components (Spark): settled in {step} round(s)")
                centres = current.select(F.col("b").alias("rid"), F.col("b").alias("cluster"))
                leaves = current.select(F.col("a").alias("rid"), F.col("b").alias("cluster"))
                return leaves.union(centres.distinct())
    raise RuntimeError(f"connected components did not settle in {MAX_ROUNDS} rounds")
