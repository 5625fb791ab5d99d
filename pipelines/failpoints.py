"""Failpoints: named places where a test can make dancu die as a real crash would.

``DANCU_FAILPOINT=swap.between_renames`` makes the process kill itself with SIGKILL when it
reaches :func:`failpoint` with that name: nothing is cleaned up, exactly as when the machine
loses power or the kernel kills the process. Used by the crash-safety tests to hit moments
too short to reach by timing (inside the output swap); without the variable a failpoint
costs one dictionary lookup.

Example:
    >>> failpoint("swap.before_exchange")  # not armed: returns at once
"""

from __future__ import annotations

import os
import signal

__all__ = ["failpoint"]

ENV = "DANCU_FAILPOINT"


def failpoint(name: str) -> None:
    """Kill this process with SIGKILL if the environment arms failpoint ``name``."""
    armed = os.environ.get(ENV)
    if armed and name in armed.split(","):
        os.kill(os.getpid(), signal.SIGKILL)
