"""Progress messages for long work, written to stderr so stdout stays for results."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Progress", "silent"]


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


def silent() -> Progress:
    """Return a Progress that prints nothing (for tests and library use)."""
    return Progress(enabled=False)
