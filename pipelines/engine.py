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

__all__ = ["Engine", "run_engine"]


@dataclass(frozen=True)
class Engine:
    """Where the row stages (``rows``) and the pair stages (``parts``) of a run compute."""

    name: str = "local"
    rows: RowEngine = field(default_factory=LocalRows)
    parts: PartEngine = field(default_factory=LocalParts)
    master: str = ""


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
