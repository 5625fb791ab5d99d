"""The Spark engine of a run: a session, the row stages and the pair stages on it.

Example:
    >>> scratch = Path("/tmp/scratch")
    >>> with spark_engine("local[2]", 8.0, scratch, silent()) as engine:  # doctest: +SKIP
    ...     engine.name
    'spark'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.progress import Progress
from pipelines.spark.parts import SparkParts
from pipelines.spark.reconcile import SparkReconciler
from pipelines.spark.rows import SparkRows
from pipelines.spark.session import spark_session

__all__ = ["SparkEngine", "spark_engine"]


@dataclass(frozen=True)
class SparkEngine:
    """Where a run computes on Spark.

    ``rows`` for the registers, ``parts`` for the pairs, ``reconciled`` for the
    cross-register checks.
    """

    rows: SparkRows
    parts: SparkParts
    reconciled: SparkReconciler
    master: str


@contextmanager
def spark_engine(
    master: str, memory_gb: float, scratch: Path, progress: Progress
) -> Iterator[SparkEngine]:
    """Yield the Spark engine of a run (the session stops when the run ends).

    An empty ``master``: ``local[*]``, or under spark-submit the master it was given.
    """
    with ExitStack() as stack:
        # without a master: local[*], or spark-submit's; the detail says which ran
        with progress.step(f"start Spark ({master})" if master else "start Spark") as detail:
            spark = stack.enter_context(spark_session(master, memory_gb, scratch))
            running = str(spark.sparkContext.master)  # what runs, spark-submit's included
            detail(f"master {running}, {spark.sparkContext.defaultParallelism} cores")
        yield SparkEngine(
            SparkRows(spark),
            SparkParts(spark, progress),
            SparkReconciler(spark, progress),
            running,
        )
