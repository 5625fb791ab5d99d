"""Spark's task counts as dancu progress (with the time left), while a Spark job runs.

Example:
    >>> with tracked(spark, progress, "compare"):  # doctest: +SKIP
    ...     frame.count()
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipelines.progress import Progress, eta_reporter

__all__ = ["tracked"]


@contextmanager
def tracked(spark: Any, progress: Progress, label: str, every: float = 2.0) -> Iterator[None]:
    """Report the finished tasks of the running Spark stages every ``every`` seconds."""
    report = eta_reporter(progress, label)
    tracker = spark.sparkContext.statusTracker()
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(every):
            done = total = 0
            for stage in tracker.getActiveStageIds():
                info = tracker.getStageInfo(stage)
                if info is not None:
                    done += info.numCompletedTasks
                    total += info.numTasks
            if total:
                report(done, total)

    thread = threading.Thread(target=poll, name=f"spark-progress-{label}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
