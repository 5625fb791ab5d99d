"""Progress messages for long work, written to stderr so stdout stays for results."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Progress", "eta_reporter", "silent"]


class Progress:
    """Print one line when a step starts and one when it ends, with seconds taken.

    Example:
        >>> import io
        >>> buf = io.StringIO()
        >>> with Progress(buf).step("ingest residents"):
        ...     pass
        >>> buf.getvalue().splitlines()[0]
        '… ingest residents'
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.current: str | None = None
        """The step running now (left set when a step fails: where a crash happened)."""
        self.last: str | None = None
        """The last step that finished."""

    def info(self, message: str) -> None:
        """Print a free-form progress line."""
        if self.enabled:
            print(message, file=self.stream or sys.stderr, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[Callable[[str], None]]:
        """Context manager timing one step; yields a function to add a detail line."""
        outer = self.current
        self.current = name
        self.info(f"… {name}")
        start = time.perf_counter()
        yield lambda detail: self.info(f"    {detail}")
        self.info(f"✓ {name} ({time.perf_counter() - start:.1f} s)")
        self.current, self.last = outer, name


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def eta_reporter(progress: Progress, label: str, every: float = 5.0) -> Callable[[int, int], None]:
    """Return ``report(done, total)`` printing how far ``label`` is and the time left.

    Lines come at most every ``every`` seconds (the first after ``every`` seconds), and at
    the end when an earlier line was shown; the time left is the time so far scaled by the
    share still to do.

    Example:
        >>> import io
        >>> buf = io.StringIO()
        >>> report = eta_reporter(Progress(buf), "score", every=0.0)
        >>> report(1, 4); report(4, 4)
        >>> buf.getvalue().splitlines()[-1].startswith("    score: 4/4 (100%)")
        True
    """
    start = time.perf_counter()
    last = [start]
    shown = [False]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - last[0] < every:
            return
        if done >= total and not shown[0] and now - start < every:
            return  # a short stage: its step line says enough
        last[0], shown[0] = now, True
        elapsed = now - start
        share = done / total if total else 1.0
        left = elapsed * (1 - share) / share if share > 0 else 0.0
        tail = f", about {_clock(left)} left" if done < total else f", {_clock(elapsed)}"
        progress.info(f"    {label}: {done:,}/{total:,} ({share:.0%}){tail}")

    return report


def silent() -> Progress:
    """Return a Progress that prints nothing (for tests and library use)."""
    return Progress(enabled=False)
