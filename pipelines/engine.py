"""The engine a clean run computes on: this process (``local``) or Spark (``spark``).

Both run the same stage code on the same units (batches of rows, groups of candidate pairs)
and give the same outputs; only where the work runs differs (``[run] engine``,
``dancu clean --engine``).

Example:
    >>> from pipelines.progress import silent
    >>> with run_engine(RunConfig(), Path("/tmp"), silent()) as engine:
    ...     engine.name, type(engine.rows).__name__, type(engine.parts).__name__
    ('local', 'LocalRows', 'LocalParts')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.config import RunConfig
from pipelines.progress import Progress
from pipelines.reconcile import reconciled_with_tally
from pipelines.resolve.parts import LocalParts, PartEngine
from pipelines.sources import LocalRows, RowEngine

__all__ = ["Engine", "Reconciler", "local_reconciled", "require_engine", "run_engine"]

Reconciler = Callable[
    [Mapping[str, pl.DataFrame], dt.date, Path], tuple[pl.DataFrame, pl.DataFrame]
]
"""``reconciled(frames, as_of, folder)``: the cross-register ``(findings, tally)`` of the
registers with their ``person_id`` (:func:`~pipelines.reconcile.reconciled_with_tally`)."""


def local_reconciled(
    frames: Mapping[str, pl.DataFrame], as_of: dt.date, folder: Path
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reconcile every person at once, in this process (:func:`reconciled_with_tally`)."""
    return reconciled_with_tally(frames, as_of)


@dataclass(frozen=True)
class Engine:
    """Where the row, pair and cross-register stages of a run compute.

    ``rows``: standardise and validate; ``parts``: blocking to golden records;
    ``reconciled``: the cross-register checks.
    """

    name: str = "local"
    rows: RowEngine = field(default_factory=LocalRows)
    parts: PartEngine = field(default_factory=LocalParts)
    master: str = ""
    reconciled: Reconciler = field(default=local_reconciled)


def require_engine(cfg: RunConfig) -> None:
    """Raise :class:`~pipelines.errors.EngineError` when ``cfg``'s engine is not installed.

    Checked before anything else of a run, so that a missing PySpark is what the user hears
    about (not, say, a memory estimate that counted Spark).

    Example:
        >>> require_engine(RunConfig())  # the local engine is always there
    """
    if cfg.engine == "spark":
        from pipelines.spark.session import require_pyspark

        require_pyspark()


@contextmanager
def run_engine(
    cfg: RunConfig, scratch: Path, progress: Progress, memory_gb: float = 0.0
) -> Iterator[Engine]:
    """Yield the engine ``cfg`` names, started (Spark: a session, stopped after the run)."""
    if cfg.engine != "spark":
        yield Engine()
        return
    from pipelines.spark import spark_engine

    with spark_engine(cfg.spark_master, memory_gb, scratch, progress) as spark:
        yield Engine("spark", spark.rows, spark.parts, spark.master, spark.reconciled)
