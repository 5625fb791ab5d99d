"""The gate could not run: no outputs, a broken suite or baseline. Exit code 2, with what to do.

Example:
    >>> GateError("data/clean/scorecard.json not found: run `make clean` first").exit_code
    2
"""

from __future__ import annotations

from pipelines.errors import DancuError

__all__ = ["GateError"]


class GateError(DancuError):
    """The gate cannot judge the outputs; the message names the file and what to do."""
