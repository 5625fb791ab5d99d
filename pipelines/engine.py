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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.config import RunConfig
from pipelines.progress import Progress
from pipelines.resolve.parts import LocalParts, PartEngine
from pipelines.sources import LocalRows, RowEngine

__all__ = ["Engine", "require_engine", "run_engine"]


@dataclass(frozen=True)
class Engine:
    """Where the row stages (``rows``) and the pair stages (``parts``) of a run compute."""

    name: str = "local"
    rows: RowEngine = field(default_factory=LocalRows)
    parts: PartEngine = field(default_factory=LocalParts)
    master: str = ""


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
        yield Engine("spark", spark.rows, spark.parts, spark.master)
