"""Choosing the engine: ``--engine spark`` without PySpark says what to install, loses nothing.

The Spark engine's own answers are checked against the local engine's in
``tests/test_spark_engine.py`` (slow: it starts Spark).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipelines.cli import cli
from pipelines.errors import EngineError, OutputError
from pipelines.spark.failures import reraised
from pipelines.spark.rows import consecutive_runs
from pipelines.spark.session import spark_session


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(out), "--residents", "300", "--seed", "4", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_spark_session_without_pyspark_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import fails as if not installed
    with pytest.raises(EngineError, match="make setup-spark"), spark_session("", 4.0, tmp_path):
        pass


def test_clean_on_spark_without_pyspark_exits_2_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, raw_dir: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    out = tmp_path / "clean"
    before = sorted(p.name for p in raw_dir.rglob("*"))
    result = CliRunner().invoke(
        cli, ["clean", "--raw", str(raw_dir), "--out", str(out), "--engine", "spark", "-q"]
    )
    assert result.exit_code == 2, result.output
    assert "PySpark" in result.output and "make setup-spark" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [".clean.lock"]  # no scratch left behind
    assert sorted(p.name for p in raw_dir.rglob("*")) == before


def test_an_unknown_engine_is_refused_by_the_command_line(raw_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["clean", "--raw", str(raw_dir), "--out", str(tmp_path / "o"), "--engine", "dask"]
    )
    assert result.exit_code == 2
    assert "dask" in result.output and "local" in result.output


@given(st.lists(st.integers(min_value=0, max_value=200), unique=True))
def test_consecutive_runs_cut_exactly_at_the_gaps(values: list[int]) -> None:
    frame = pl.DataFrame({"_seq": sorted(values)}, schema={"_seq": pl.Int64})
    runs = consecutive_runs(frame, "_seq")
    assert [v for run in runs for v in run["_seq"].to_list()] == sorted(values)
    for run in runs:
        assert run["_seq"].diff().drop_nulls().to_list() == [1] * (run.height - 1)
    for before, after in itertools.pairwise(runs):
        assert after["_seq"][0] - before["_seq"][-1] > 1


def test_spark_master_without_the_spark_engine_is_refused(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(
        cli, ["clean", "--raw", str(raw_dir), "--out", str(out), "--spark-master", "local[2]"]
    )
    assert result.exit_code == 2
    assert "--spark-master is for --engine spark" in result.output
    assert not out.exists()


def test_a_worker_that_could_not_write_is_an_output_error_without_its_text() -> None:
    worker = "PythonException: OSError: No space left on device: Nguyễn Văn An"
    with pytest.raises(OutputError) as info, reraised("validate residents"):
        raise RuntimeError(worker)
    assert "validate residents" in str(info.value) and "disk" in str(info.value)
    assert "Nguyễn" not in str(info.value)


def test_any_other_worker_failure_stays_an_internal_error() -> None:
    with pytest.raises(ZeroDivisionError), reraised("compare"):
        raise ZeroDivisionError("a bug in dancu")
