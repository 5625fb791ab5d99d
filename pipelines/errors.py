"""Domain errors that the CLI turns into exit codes and plain messages."""

from __future__ import annotations

__all__ = [
    "ContractError",
    "DancuError",
    "InputError",
    "MemoryBudgetError",
    "OutputError",
    "OutputFolderError",
    "RunLockedError",
]


class DancuError(Exception):
    """Base of every error dancu reports to the user without a traceback."""

    exit_code = 2


class InputError(DancuError):
    """The input cannot be used (missing file, unknown format, missing column…).

    The message names the file and, where known, the line, row or column.

    Example:
        >>> str(InputError("data/raw/residents.csv: missing required column 'full_name'"))
        "data/raw/residents.csv: missing required column 'full_name'"
    """


class OutputError(DancuError):
    """The outputs could not be written, or the run's row accounting does not reconcile."""


class MemoryBudgetError(DancuError):
    """The run cannot stay within ``[run] memory_gb``: said at the start, before any work."""


class EngineError(DancuError):
    """The chosen engine cannot start here (PySpark not installed, no Java, a bad master URL).

    Example:
        >>> EngineError("x").exit_code
        2
    """


class OutputFolderError(DancuError):
    """``--out`` is not a folder dancu may write: someone else's files, or the raw folder.

    Example:
        >>> OutputFolderError("x").exit_code
        2
    """


class RunLockedError(DancuError):
    """Another dancu command is writing the same output folder."""


class ContractError(RuntimeError):
    """A stage's output breaks the frame contract of the next stage: a bug in dancu.

    Not a :class:`DancuError`: the command ends as an internal error (exit code 3, crash
    report). The message says where and how often, never which values.
    """
