"""Frames handed from the driver to Spark as Parquet files, a task per file.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> frame = pl.DataFrame({"rid": pl.Series([1, 2, 3], dtype=pl.UInt32)})
    >>> write_slices(frame, folder, 2)
    2
    >>> sorted(p.name for p in folder.iterdir()), pl.read_parquet(folder).schema["rid"]
    (['00000.parquet', '00001.parquet'], Int64)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from pipelines.spark.arrow import spark_safe

__all__ = ["checkpointed", "read_file_per_task", "write_slices"]


def write_slices(frame: pl.DataFrame, folder: Path, rows: int, prefix: str = "") -> int:
    """Write ``frame`` (in types Spark reads) to ``folder``, ``rows`` rows a file; return the files.

    Files are named ``<prefix>NNNNN.parquet`` in row order; an empty frame gives one empty
    file, so that its schema is still there to read.
    """
    folder.mkdir(parents=True, exist_ok=True)
    safe = frame.cast(spark_safe(frame.schema))
    size = max(rows, 1)
    starts = range(0, max(safe.height, 1), size)
    for i, offset in enumerate(starts):
        safe.slice(offset, size).write_parquet(folder / f"{prefix}{i:05d}.parquet")
    return len(starts)


def read_file_per_task(spark: Any, folder: Path, rows: int) -> Any:
    """Return ``folder``'s files as a Spark frame read a file per task, in batches of ``rows``."""
    conf = spark.conf
    conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(max(rows, 1)))
    conf.set("spark.sql.files.maxPartitionBytes", str(1 << 30))  # a file, a task
    conf.set("spark.sql.files.openCostInBytes", str(1 << 30))
    return spark.read.parquet(str(folder))


def checkpointed(frame: Any, path: Path) -> Any:
    """Write a Spark ``frame`` to ``path`` (Parquet) and return it read back: a plan of one read.

    An iterative job (components) or a frame read twice is cut off from the plan that made it.
    """
    frame.write.parquet(str(path))
    return frame.sparkSession.read.parquet(str(path))
