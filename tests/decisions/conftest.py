"""A small generated delivery cleaned once; each test works on its own copy of the outputs.

The review band is widened to every probability so that every candidate pair is asked: the
tests then do not depend on which pairs a seed makes doubtful.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from week_fixtures import week_config

from pipelines.config import GenerateConfig
from pipelines.generate import run_generate
from pipelines.progress import silent
from pipelines.run import run_clean


@pytest.fixture(scope="session")
def first_week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("week")
    run_generate(base / "raw", GenerateConfig(residents=1500, seed=11), silent())
    run_clean(base / "raw", base / "out", week_config(), silent())
    return base / "raw", base / "out"


@pytest.fixture
def week(first_week: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A private copy of the first week's raw files and outputs."""
    raw, out = first_week
    shutil.copytree(raw, tmp_path / "raw")
    shutil.copytree(out, tmp_path / "out", copy_function=shutil.copy2)
    yield tmp_path / "raw", tmp_path / "out"
