"""Crash reports: what an unexpected error tells the developers, with no personal data.

An exception that is not one of dancu's own errors is a bug. The command then ends with exit
code 3, one plain line, and a report file *beside* the output folder (never inside it, so the
last good outputs stay exactly as they were): ``<out>.crash-<time>.txt``. The report holds the
command line, versions, the stage that failed and the traceback — code locations and the
exception messages with every value that may be personal masked (:func:`redacted`); local
variables are never written.

Example:
    >>> try:
    ...     int("Nguyễn 001203012345")
    ... except ValueError as exc:
    ...     text = crash_report_text(exc, "clean", "resolve: cluster", ["clean"])
    >>> "001203012345" in text, "N*** 001*******45" in text
    (False, True)
"""

from __future__ import annotations

import datetime as dt
import platform
import traceback
from collections.abc import Sequence
from pathlib import Path

from pipelines.privacy import redacted

__all__ = ["crash_report_path", "crash_report_text", "write_crash_report"]


def _frames(exc: BaseException) -> list[str]:
    lines: list[str] = []
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:  # masked too: code run from a string (eval, doctest) may hold data
            lines.append(f"    {redacted(frame.line.strip())}")
    return lines


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return list(reversed(chain))


def crash_report_text(
    exc: BaseException, command: str, stage: str | None, argv: Sequence[str]
) -> str:
    """Return the crash report of ``exc`` raised by ``command`` in ``stage`` (values masked)."""
    from pipelines.manifest import package_versions

    try:
        versions = ", ".join(f"{k} {v}" for k, v in package_versions().items())
    except Exception:  # a broken install must not hide the crash itself
        versions = "unknown"
    parts = [
        "dancu crash report — send this file to the dancu developers.",
        "Values that may be personal (IDs, phones, dates, names) are masked.",
        "",
        f"time:     {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        f"command:  dancu {redacted(' '.join(argv))}",
        f"stage:    {stage or 'start-up'}",
        f"python:   {platform.python_version()} on {platform.platform()}",
        f"versions: {versions}",
        "",
        "Traceback (most recent call last):",
    ]
    for i, link in enumerate(_chain(exc)):
        if i:
            parts += ["", "The above exception led to the following one:", ""]
        parts += _frames(link)
        message = redacted(str(link))
        parts.append(f"{type(link).__module__}.{type(link).__qualname__}: {message}")
    return "\n".join(parts) + "\n"


def crash_report_path(out: Path) -> Path:
    """Return a new crash report path beside ``out``: ``<out>.crash-<UTC time>.txt``.

    Example:
        >>> crash_report_path(Path("data/clean")).name.startswith("clean.crash-")
        True
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out.parent / f"{out.name}.crash-{stamp}.txt"
    n = 1
    while path.exists():
        n += 1
        path = out.parent / f"{out.name}.crash-{stamp}-{n}.txt"
    return path


def write_crash_report(out: Path, text: str) -> Path | None:
    """Write ``text`` beside ``out``; return its path (None if even that fails)."""
    path = crash_report_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path
