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
    """Report the finished tasks of the running Spark jobs every ``every`` seconds.

    Counts every stage of the running jobs, finished ones included, so that the share done
    (and the time left) covers the whole job, not the stage that happens to run.
    """
    report = eta_reporter(progress, label)
    tracker = spark.sparkContext.statusTracker()
    stop = threading.Event()
    seen: dict[int, tuple[int, int]] = {}  # stage → (tasks done, tasks)

    def poll() -> None:
        try:
            _poll()
        except Exception:  # the session went away (the job failed): stop reporting quietly
            return

    def _poll() -> None:
        while not stop.wait(every):
            for job in tracker.getActiveJobsIds():
                info = tracker.getJobInfo(job)
                for stage in info.stageIds if info is not None else ():
                    state = tracker.getStageInfo(stage)
                    started = state is not None and (
                        state.numActiveTasks or state.numCompletedTasks or state.numFailedTasks
                    )
                    if started:  # a stage skipped (its input cached) never starts
                        seen[stage] = (state.numCompletedTasks, state.numTasks)
            done = sum(d for d, _ in seen.values())
            total = sum(t for _, t in seen.values())
            if done:
                report(done, total)

    thread = threading.Thread(target=poll, name=f"spark-progress-{label}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
