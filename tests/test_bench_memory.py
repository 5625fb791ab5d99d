"""The bench counts the memory of a command's whole process tree (a Spark run's JVM and
Python workers are descendants of the dancu process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from pipelines.bench import _tree_memory_mb

HOLD = """
import time
block = bytearray(300 * 2**20)
block[:: 4096] = b"x" * len(block[:: 4096])  # touch every page: resident, not just reserved
print("ready", flush=True)
time.sleep(30)
"""


def test_tree_memory_counts_a_grandchild() -> None:
    # a shell whose child holds 300 MB: the memory is below the root, not in it
    command = f"{sys.executable} -c '{HOLD}'; true"  # `; true`: the shell stays the parent
    with subprocess.Popen(
        ["/bin/sh", "-c", command], stdout=subprocess.PIPE, text=True, start_new_session=True
    ) as root:
        try:
            assert root.stdout is not None and root.stdout.readline().strip() == "ready"
            held = _tree_memory_mb(root.pid)
            assert held > 280, held
            assert _tree_memory_mb(os.getpid()) > held  # this test's own tree holds it too
        finally:
            os.killpg(root.pid, signal.SIGKILL)
