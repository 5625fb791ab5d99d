"""Entering a folder to write it: the lock, recovery of a killed run, and the ownership checks.

Every command that writes goes through one of these:

* :func:`replacing` — ``clean`` and ``generate``, which replace their output folder: the lock,
  then :func:`~pipelines.io.outdir.recovered`, then the guard (the folder must be new, empty
  or dancu's; ``clean``'s may not be, be in or hold ``--raw``);
* :func:`adding_to` — ``report``, ``email``, ``gate``, which add files to a run's folder: the
  lock, recovery, the folder must be one ``clean`` wrote, and every file they write is
  recorded in its marker (so the next ``clean`` knows it may replace them).

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "clean"
    >>> with replacing(out, "clean"):
    ...     pass
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import OutputFolderError
from pipelines.io.lock import output_lock
from pipelines.io.outdir import (
    check_output_folder,
    check_raw_and_out,
    file_stamp,
    files_under,
    read_marker,
    record_written,
    recovered,
    unexpected_entries,
)

__all__ = ["adding_to", "replacing"]


@contextmanager
def replacing(
    out: Path,
    command: str,
    *,
    raw: Path | None = None,
    wait: bool = False,
    note: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold ``out`` for a command that will replace it (``clean``, ``generate``)."""
    note = note or (lambda _msg: None)
    if raw is not None:
        check_raw_and_out(raw, out)
    with output_lock(out, command, wait=wait, note=note):
        recovered(out, note)
        check_output_folder(out, command)
        yield


@contextmanager
def adding_to(
    out: Path,
    command: str,
    *,
    wait: bool = False,
    note: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold a run's folder ``out`` for a command that writes files into it."""
    note = note or (lambda _msg: None)
    if not out.is_dir() and not any(out.parent.glob(f".{out.name}.old-*")):
        raise OutputFolderError(
            f"{out}: no outputs here (no scorecard.json); run `make clean` (dancu clean) first"
        )
    with output_lock(out, command, wait=wait, note=note):
        recovered(out, note)
        if not out.is_dir():
            raise OutputFolderError(f"{out}: no outputs here; run `make clean` first")
        marker = read_marker(out)
        if marker is None and unexpected_entries(out, "clean")[0]:
            raise OutputFolderError(
                f"{out}: not a folder `dancu clean` wrote; point --out at a run's outputs"
            )
        if marker is not None and marker.command != "clean":
            raise OutputFolderError(
                f"{out}: holds what `dancu {marker.command}` wrote, not a run's outputs"
            )
        before = {rel: file_stamp(out / rel) for rel in files_under(out)}
        try:
            yield
        finally:
            after = {rel: file_stamp(out / rel) for rel in files_under(out)}
            touched = [r for r in after.keys() | before.keys() if after.get(r) != before.get(r)]
            record_written(out, [out / rel for rel in sorted(touched)], command)
