"""Fixtures of the gate tests: a good output folder in tmp_path (helpers in gate_outputs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate_outputs import write_outputs


@pytest.fixture
def good_out(tmp_path: Path) -> Path:
    """A complete, contract-true output folder of a clean run whose data passes the gate."""
    return write_outputs(tmp_path / "clean")
