"""Domain errors that the CLI turns into exit codes and plain messages."""

from __future__ import annotations

__all__ = ["DancuError", "InputError", "OutputError"]


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
