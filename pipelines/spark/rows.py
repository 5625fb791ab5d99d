"""The row stages on Spark: ``mapInArrow`` over the ingested rows, running :func:`row_batch`.

The driver writes the ingested rows as Parquet files with a running number ``_seq``; Spark
reads them and hands each Python worker Arrow batches; the worker standardises and validates
every run of consecutive rows in a batch with the local engine's own code and writes its
``clean-`` and ``findings-`` file into the register's folder, named by the run's first row,
so that the files sort in row order as the local engine's do. Back to the driver come only
counts, seconds and the rule tallies.

The folder must be visible to the workers (local mode: it is; on a cluster: a shared file
system, README "Spark").
"""

from __future__ import annotations

import io
import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.progress import Progress
from pipelines.sources import LocalRows, RowJob, RowsDone, row_batch, write_batch
from pipelines.spark.arrow import from_spark, spark_ddl, spark_safe, to_spark
from pipelines.spark.failures import reraised
from pipelines.spark.files import read_file_per_task, write_slices
from pipelines.spark.progress import tracked

__all__ = ["SparkRows", "consecutive_runs"]

_DONE: Final = pl.Schema(
    {
        "first": pl.Int64(),
        "rows": pl.Int64(),
        "findings": pl.Int64(),
        "std_seconds": pl.Float64(),
        "val_seconds": pl.Float64(),
        "tally": pl.Binary(),
    }
)
"""What a worker sends back per run of rows: where it starts, counts, seconds, the tally."""
_SEQ: Final = "_seq"
TASKS_PER_CORE: Final = 4
"""Tasks per core a register is cut into (each at most ``batch_rows`` rows)."""


def consecutive_runs(frame: pl.DataFrame, column: str) -> list[pl.DataFrame]:
    """Split ``frame`` (sorted by ``column``) where ``column`` does not go up by one.

    Example:
        >>> frame = pl.DataFrame({"_seq": [0, 1, 2, 7, 8]})
        >>> [run["_seq"].to_list() for run in consecutive_runs(frame, "_seq")]
        [[0, 1, 2], [7, 8]]
    """
    if frame.height == 0:
        return []
    run = (pl.col(column).diff().fill_null(1) != 1).cum_sum().alias("_run")
    return [
        part.drop("_run")
        for part in frame.with_columns(run).partition_by("_run", maintain_order=True)
    ]


def _batch_task(
    job: RowJob, folder: str, schema: pl.Schema
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """Return the ``mapInArrow`` function of one register (runs in Spark's Python workers)."""
    typed = pl.Schema({**schema, _SEQ: pl.Int64()})

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        for batch in batches:
            rows = from_spark(batch, typed).sort(_SEQ)
            for part in consecutive_runs(rows, _SEQ):
                first = int(part[_SEQ][0])
                start = time.perf_counter()
                clean, findings, tally = row_batch(part.drop(_SEQ).cast(schema), job)
                middle = time.perf_counter()
                for kind, frame in (("clean", clean), ("findings", findings)):
                    # written whole or not at all: a retried task may write it again
                    target = Path(folder) / f"{kind}-{first:012d}.parquet"
                    partial = target.with_name(f".{target.name}.{os.getpid()}")
                    write_batch(frame, partial)
                    os.replace(partial, target)
                buffer = io.BytesIO()
                tally.write_ipc(buffer)
                done = pl.DataFrame(
                    {
                        "first": [first],
                        "rows": [part.height],
                        "findings": [findings.height],
                        "std_seconds": [middle - start],
                        "val_seconds": [time.perf_counter() - middle],
                        "tally": [buffer.getvalue()],
                    }
                )
                yield from to_spark(done).to_batches()

    return run


class SparkRows:
    """The row stages of a register on a Spark session (``engine = "spark"``)."""

    def __init__(self, spark: Any) -> None:
        """Run on ``spark`` (a started session)."""
        self.spark = spark

    def rows(
        self, kept: pl.DataFrame, job: RowJob, folder: Path, batch_rows: int, progress: Progress
    ) -> RowsDone:
        """Standardise and validate ``kept`` on Spark; write the files into ``folder``."""
        if kept.height == 0:  # nothing to distribute: the local engine writes the empty files
            return LocalRows().rows(kept, job, folder, batch_rows, progress)
        cores = int(self.spark.sparkContext.defaultParallelism)
        # a few tasks per core: balance and progress; never more rows than a batch
        tasks = max(TASKS_PER_CORE * cores, math.ceil(kept.height / max(batch_rows, 1)))
        size = math.ceil(kept.height / tasks)
        inbox = folder / "ingested"
        write_slices(kept.with_row_index(_SEQ), inbox, size, prefix="rows-")
        frame = read_file_per_task(self.spark, inbox, size)
        task = _batch_task(job, str(folder.resolve()), spark_safe(kept.schema))
        start = time.perf_counter()
        with progress.step(f"standardise and validate {job.source} (Spark)") as detail:
            with (
                tracked(self.spark, progress, f"rows {job.source}"),
                reraised(f"standardise and validate {job.source}"),
            ):
                done = from_spark(frame.mapInArrow(task, spark_ddl(_DONE)).toArrow(), _DONE)
            for path in inbox.iterdir():
                path.unlink()
            inbox.rmdir()
            if int(done["rows"].sum()) != kept.height:
                raise RuntimeError(
                    f"{job.source}: Spark returned {done['rows'].sum()} of {kept.height} rows"
                )
            n_findings = int(done["findings"].sum())
            detail(f"{done.height} batches, {n_findings} findings")
        tallies = [pl.read_ipc(io.BytesIO(blob)) for blob in done["tally"]]
        # the step's wall-clock seconds, shared by the two stages as the tasks spent them
        wall = time.perf_counter() - start
        std, val = float(done["std_seconds"].sum()), float(done["val_seconds"].sum())
        share = std / (std + val) if std + val > 0 else 1.0
        return RowsDone(tallies, wall * share, wall * (1 - share))
