"""What a failed Spark job means for the user: a full disk is theirs, anything else is ours.

A worker's exception reaches the driver as Spark's, with the worker's traceback in its text
(which may quote a value). A failure to write (a full disk, a folder gone) becomes dancu's
:class:`~pipelines.errors.OutputError`, worded without that text; any other failure stays an
internal error: the command ends with exit code 3 and a crash report whose values are masked.

Example:
    >>> with reraised("validate residents"):  # doctest: +SKIP
    ...     frame.mapInArrow(task, ddl).toArrow()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from pipelines.errors import OutputError

__all__ = ["reraised"]

_WRITE_FAILURES: Final = ("OutputError", "No space left on device", "Disk quota exceeded")


@contextmanager
def reraised(what: str) -> Iterator[None]:
    """Run a Spark action; a worker's failure to write becomes an :class:`OutputError`."""
    try:
        yield
    except Exception as exc:
        text = str(exc)
        if any(marker in text for marker in _WRITE_FAILURES):
            raise OutputError(
                f"{what} on Spark: a worker could not write its files in the run's scratch "
                "folder (is the disk full?); the last good outputs are untouched"
            ) from None
        raise
