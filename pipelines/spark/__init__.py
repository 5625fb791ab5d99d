"""The Spark engine: the same stage code run by PySpark on a cluster (``--engine spark``).

Spark runs the per-batch and per-partition work; the code it runs is dancu's own Polars code,
so the answers are those of the local engine (a slow test requires identical outputs):

- the row stages (standardise + validate) as ``mapInArrow`` over batches of the ingested
  rows (:mod:`pipelines.spark.rows`);
- the comparisons and scores of the candidate pairs as a cogrouped ``applyInArrow``: the
  pairs of a group and the records they name, shuffled together by group
  (:mod:`pipelines.spark.parts`); EM learns from the summed level patterns on the driver;
- the golden records as ``applyInArrow`` per group of persons.

Reading, ingest, blocking, clustering, reconciliation and the reports run in the driver, as
on one machine (README: "Spark").
"""

from pipelines.spark.engine import SparkEngine, spark_engine

__all__ = ["SparkEngine", "spark_engine"]
