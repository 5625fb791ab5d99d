"""One writer at a time per output folder: an exclusive lock beside the folder.

The lock is ``.<name>.lock`` next to the output folder (it must exist before the folder
does) and is held with ``flock``: the kernel releases it when the process ends in any way,
SIGKILL and power loss included, so a lock left by a killed run never blocks the next one.
The file records who holds it (pid, host, command, start time) so that a second run can say
whom it is waiting for; when a run takes the lock and finds the record of a holder that is
gone, it says so.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "clean"
    >>> with output_lock(out, "clean"):
    ...     try:
    ...         with output_lock(out, "report"):
    ...             pass
    ...     except RunLockedError as exc:
    ...         print("locked:", "dancu clean" in str(exc))
    locked: True
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pipelines.errors import OutputError, RunLockedError

__all__ = ["lock_path", "output_lock"]


def lock_path(out: Path) -> Path:
    """Return the lock file of output folder ``out``.

    Example:
        >>> lock_path(Path("data/clean")).as_posix()
        'data/.clean.lock'
    """
    return out.parent / f".{out.name}.lock"


def _holder(fd: int) -> dict[str, object]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe(holder: dict[str, object]) -> str:
    if not holder:
        return "another dancu command"
    started = str(holder.get("started", "?"))
    return (
        f"`dancu {holder.get('command', '?')}` (pid {holder.get('pid', '?')} on "
        f"{holder.get('host', '?')}, started {started})"
    )


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def output_lock(
    out: Path,
    command: str,
    wait: bool = False,
    note: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the exclusive lock of ``out`` for the block; raise if another command holds it.

    With ``wait`` the call blocks until the other command ends (``note`` says whom it waits
    for) instead of raising :class:`RunLockedError`.
    """
    note = note or (lambda _msg: None)
    path = lock_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the lock file: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise RunLockedError(
                    f"{out} is being written by {_describe(holder)}; wait for it to finish, "
                    "or run again with --wait"
                ) from None
            note(f"waiting for {_describe(holder)} to finish writing {out}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        previous = _holder(fd)
        if previous and previous.get("pid") != os.getpid() and not _alive(previous.get("pid")):
            note(f"took over the lock of {out} left by {_describe(previous)}, which ended")
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command,
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(record).encode("utf-8"))
        try:
            yield
        finally:
            with suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
