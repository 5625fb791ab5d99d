"""The Spark engine: the same stage code run by PySpark on a cluster (``--engine spark``).

Spark runs the per-batch and per-partition work; the code it runs is dancu's own Polars code,
so the answers are those of the local engine (a slow test requires identical outputs):

- the row stages (standardise + validate) as ``mapInArrow`` over batches of the ingested
  rows (:mod:`pipelines.spark.rows`);
- blocking with the blocking keys as the shuffle keys (:mod:`pipelines.spark.blocking`);
- the comparisons and scores of the candidate pairs as ``applyInArrow`` per group of pairs
  (:mod:`pipelines.spark.parts`); EM learns from the summed level patterns on the driver;
- clustering: components in rounds of Spark joins, conflicting components split per group
  (:mod:`pipelines.spark.clusters`);
- the golden records per group of persons, and the cross-register checks per group of
  persons and of personal IDs (:mod:`pipelines.spark.reconcile`).

Reading, ingest, person ids, the scorecard and the reports run in the driver, as on one
machine (README: "Spark").
"""

from pipelines.spark.engine import SparkEngine, spark_engine

__all__ = ["SparkEngine", "spark_engine"]
