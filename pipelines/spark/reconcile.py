"""Cross-register reconciliation on Spark: per group of persons, and per group of personal IDs.

Every check but one reads the records of one person (:func:`~pipelines.reconcile.
person_findings`); ``personal_id.shared`` reads the records of one personal ID
(:func:`~pipelines.reconcile.shared_id_findings`). The registers' projections are written
once to the run's scratch folder; Spark stacks them, spreads them over groups by the hash of
``person_id`` (then of ``personal_id``), and a Python worker runs the local engine's own
checks on its group. A worker returns its findings and its tally in one frame (a tally row
has ``checked`` set); the driver sums the tallies and sorts the findings as the local engine
does.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.contracts import FINDINGS_SCHEMA, TALLY_SCHEMA
from pipelines.progress import Progress
from pipelines.reconcile import person_findings, reconciled_with_tally, shared_id_findings
from pipelines.spark.arrow import from_spark, spark_ddl, spark_safe, to_spark
from pipelines.spark.failures import reraised
from pipelines.spark.files import write_slices
from pipelines.spark.parts import GROUPS_PER_CORE
from pipelines.spark.progress import tracked

__all__ = ["SparkReconciler", "spark_reconciled"]

_GROUP: Final = "grp"
_OUT: Final = pl.Schema({**FINDINGS_SCHEMA, "checked": pl.Int64()})
"""A worker's findings and tally rows in one frame (a tally row: ``checked`` not null)."""

_Checks = Callable[[Mapping[str, pl.DataFrame]], tuple[pl.DataFrame, pl.DataFrame]]


def _task(checks: _Checks, schemas: Mapping[str, pl.Schema]) -> Callable[[Any], Any]:
    """Return the ``applyInArrow`` function running ``checks`` on one group's records."""

    def run(group: Any) -> Any:
        stacked = pl.from_arrow(group)
        assert isinstance(stacked, pl.DataFrame)
        frames = {
            source: stacked.filter(pl.col("source") == source).select(schema.names()).cast(schema)
            for source, schema in schemas.items()
        }
        findings, tally = checks(frames)
        return to_spark(pl.concat([findings.cast(FINDINGS_SCHEMA), tally], how="diagonal"))

    return run


class SparkReconciler:
    """Reconcile on a Spark session (the engine's ``reconciled``)."""

    def __init__(self, spark: Any, progress: Progress) -> None:
        """Run on ``spark``; report Spark's task counts to ``progress``."""
        self.spark = spark
        self.progress = progress

    def __call__(
        self, frames: Mapping[str, pl.DataFrame], as_of: dt.date, folder: Path
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Return the cross-register ``(findings, tally)``; work files go under ``folder``."""
        groups = GROUPS_PER_CORE * int(self.spark.sparkContext.defaultParallelism)
        target = folder / "reconcile"
        return spark_reconciled(self.spark, self.progress, frames, as_of, target, groups)


def spark_reconciled(
    spark: Any,
    progress: Progress,
    frames: Mapping[str, pl.DataFrame],
    as_of: dt.date,
    folder: Path,
    groups: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the cross-register ``(findings, tally)``, as the local engine gives them."""
    from pyspark.sql import functions as F

    schemas = {source: frame.schema for source, frame in frames.items()}
    stacked = None
    for source, frame in frames.items():
        write_slices(frame, folder / source, -(-frame.height // groups))
        read = spark.read.parquet(str(folder / source))
        stacked = read if stacked is None else stacked.unionByName(read, allowMissingColumns=True)
    if stacked is None:
        return reconciled_with_tally({}, as_of)
    ddl = spark_ddl(spark_safe(_OUT))

    def grouped(key: str, checks: _Checks) -> Any:
        spread = stacked.withColumn(_GROUP, F.pmod(F.xxhash64(key), F.lit(groups)))
        return spread.groupBy(_GROUP).applyInArrow(_task(checks, schemas), ddl)

    both = grouped("person_id", lambda f: person_findings(f, as_of)).union(
        grouped("personal_id", shared_id_findings)
    )
    with tracked(spark, progress, "reconcile (Spark)"), reraised("reconcile"):
        rows = from_spark(both.toArrow(), _OUT)
    shutil.rmtree(folder)
    tally_rows = pl.col("checked").is_not_null()
    findings = rows.filter(~tally_rows).drop("checked").sort("source", "record_id", "rule")
    tally = (
        rows.filter(tally_rows)
        .group_by("source", "province_code", "rule")
        .agg(pl.col("checked").sum())
        .select(TALLY_SCHEMA.names())
        .sort("rule", "source", "province_code", nulls_last=True)
        .cast(TALLY_SCHEMA)
    )
    return findings, tally
