"""One gate check and its outcome: the unit of the console table, the JUnit file and the summary.

Example:
    >>> c = Check("persons.person_id.unique", "persons", passed=False, message="2 duplicates")
    >>> c.status, gate_passed([c])
    ('fail', False)
    >>> gate_passed([Check("x", "persons", passed=False, message="", severity="warning")])
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Check", "Severity", "Status", "gate_passed", "status_counts"]

Severity = Literal["critical", "warning"]
Status = Literal["pass", "fail", "warn", "skip"]


@dataclass(frozen=True)
class Check:
    """The outcome of one check of the gate.

    ``group`` is the output a suite check belongs to (``persons``, ``residents``…), or
    ``thresholds`` / ``regression``. ``message`` is plain text with counts and masked values
    only: it goes to CI logs and the JUnit file. A failed ``warning`` check is shown but does not
    fail the gate; a ``skipped`` check (e.g. a register not in the run) neither passes nor fails.
    """

    name: str
    group: str
    passed: bool
    message: str
    severity: Severity = "critical"
    dimension: str | None = None
    skipped: bool = False
    description: str = ""
    """What the check asks, in plain words (Vietnamese for suite checks)."""

    @property
    def status(self) -> Status:
        """Return ``pass``, ``fail`` (blocks the gate), ``warn`` or ``skip``."""
        if self.skipped:
            return "skip"
        if self.passed:
            return "pass"
        return "fail" if self.severity == "critical" else "warn"


def gate_passed(checks: Iterable[Check]) -> bool:
    """Return True when no check has status ``fail``."""
    return all(c.status != "fail" for c in checks)


def status_counts(checks: Iterable[Check]) -> dict[Status, int]:
    """Return how many checks have each status.

    Example:
        >>> status_counts([Check("a", "g", True, ""), Check("b", "g", False, "")])
        {'pass': 1, 'fail': 1, 'warn': 0, 'skip': 0}
    """
    counts: dict[Status, int] = {"pass": 0, "fail": 0, "warn": 0, "skip": 0}
    for c in checks:
        counts[c.status] += 1
    return counts
