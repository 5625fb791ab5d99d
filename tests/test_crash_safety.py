"""Crash safety for real: kill `dancu clean` at many moments, fail writes half-way, crash.

Each time the previous outputs must be byte-identical and readable (or, once the swap has
happened, the new outputs complete), and the next run must succeed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import pipelines.engine as engine_module
from pipelines.cli import cli
from pipelines.io.outdir import file_stamp, read_marker

AS_OF = "2026-11-22"
NAME, PID, PHONE = "Trịnh Thị Mỹ Duyên", "001190054321", "0912345678"


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def readable(folder: Path) -> None:
    """Open every output as its readers do."""
    for path in folder.rglob("*.parquet"):
        pl.read_parquet(path)
    for path in folder.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    assert (folder / "reports" / "scorecard.html").stat().st_size > 0


def complete(folder: Path) -> bool:
    """True when every file the folder's marker lists is there, unchanged."""
    marker = read_marker(folder)
    if marker is None:
        return False
    return all(
        (folder / rel).exists() and file_stamp(folder / rel) == stamp
        for rel, stamp in marker.files.items()
    )


def dancu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def raws(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("raws")
    folders = []
    for seed in (1, 2):
        raw = base / f"raw{seed}"
        done = dancu("generate", "--out", str(raw), "--residents", "5000", "--seed", str(seed),
                     "--as-of", AS_OF, "-q")  # fmt: skip
        assert done.returncode == 0, done.stderr
        folders.append(raw)
    return folders[0], folders[1]


def clean_args(raw: Path, out: Path) -> list[str]:
    return ["clean", "--raw", str(raw), "--out", str(out), "--as-of", AS_OF]


def kill_at_stage(raw: Path, out: Path, stage: str, delay: float) -> None:
    """Start a run, SIGKILL it ``delay`` seconds after it announces ``stage``."""
    with subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", *clean_args(raw, out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith(f"… {stage}"):
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL, f"the run ended before '{stage}'"


STAGES = [
    ("ingest residents", 0.05),
    ("standardise residents", 0.1),
    ("validate civil_events", 0.0),
    ("ingest insurance", 0.05),
    ("resolve: blocking", 0.2),
    ("resolve: compare and score", 0.3),
    ("resolve: cluster", 0.05),
    ("reconcile registers", 0.0),
    ("score", 0.0),
    ("write outputs", 0.05),
    ("write reports and worklists", 0.2),
]
FAILPOINTS = [
    ("swap.before_marker", {}),
    ("swap.before_exchange", {}),
    ("swap.after_swap", {}),
    ("swap.between_renames", {"DANCU_NO_RENAME_EXCHANGE": "1"}),
    ("swap.after_swap", {"DANCU_NO_RENAME_EXCHANGE": "1"}),
]


def moments() -> Iterator[tuple[str, str, float, dict[str, str]]]:
    for stage, delay in STAGES:
        yield "stage", stage, delay, {}
    for name, env in FAILPOINTS:
        yield "failpoint", name, 0.0, env


@pytest.mark.slow
def test_killed_runs_never_cost_the_last_good_outputs(
    raws: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "clean"
    first = dancu(*clean_args(raws[0], out), env={"DANCU_FAILPOINT": "swap.before_rename"})
    assert first.returncode == -signal.SIGKILL  # killed before the very first rename
    assert not out.exists()
    done = dancu(*clean_args(raws[0], out), "-q")  # recovery finishes the first swap
    assert done.returncode == 0, done.stderr
    readable(out)
    killed = 0
    for i, (kind, where, delay, env) in enumerate(moments()):
        before = tree(out)
        previous_run = read_marker(out)
        raw = raws[(i + 1) % 2]  # each run changes the outputs
        if kind == "stage":
            kill_at_stage(raw, out, where, delay)
        else:
            proc = dancu(*clean_args(raw, out), "-q", env={"DANCU_FAILPOINT": where, **env})
            assert proc.returncode == -signal.SIGKILL, (where, proc.stderr)
        killed += 1
        aside = sorted(tmp_path.glob(".clean.old-*"))
        if out.exists() and previous_run is not None and read_marker(out) != previous_run:
            assert where == "swap.after_swap", where  # only after the swap: the new outputs
            assert complete(out)
            readable(out)
        elif out.exists():
            assert tree(out) == before, where
            readable(out)
        else:  # killed between the two renames: the old outputs wait aside, unchanged
            assert where == "swap.between_renames" and len(aside) == 1
            assert tree(aside[0]) == before
        nxt = dancu(*clean_args(raw, out), "-q")
        assert nxt.returncode == 0, (where, nxt.stderr)
        assert complete(out)
        readable(out)
        leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "clean")
        assert leftovers == [".clean.lock"], (where, leftovers)
    assert killed >= 10


# --------------------------------------------------------------------------------------------
# a write that fails half-way (disk full)


RESIDENTS = f"record_id,full_name,personal_id,phone\nR1,{NAME},{PID},{PHONE}\nR2,Lê Văn Tám,,\n"


@pytest.fixture
def small_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text(RESIDENTS, encoding="utf-8")
    return raw


def invoke(raw: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*clean_args(raw, out), "-q", *extra])
    return result.exit_code, result.output


@pytest.mark.parametrize("nth", [1, 3, 5])
def test_disk_full_half_way_leaves_the_previous_outputs(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nth: int
) -> None:
    out = tmp_path / "clean"
    assert invoke(small_raw, out)[0] == 0
    before = tree(out)
    real = pl.DataFrame.write_parquet
    calls = {"n": 0}

    def full(self: pl.DataFrame, file: object, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == nth:
            Path(str(file)).write_bytes(b"PAR1 half")  # a half-written file, then ENOSPC
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    (small_raw / "residents.csv").write_text(RESIDENTS + "R3,Đỗ Văn Ba,,\n", encoding="utf-8")
    code, output = invoke(small_raw, out)
    assert calls["n"] == nth
    assert code == 2
    assert "No space left on device" in output and "Traceback" not in output
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".clean.lock", "clean", "raw"]
    monkeypatch.setattr(pl.DataFrame, "write_parquet", real)
    assert invoke(small_raw, out)[0] == 0
    assert tree(out) != before


def test_disk_full_while_writing_the_reports(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "clean"
    assert invoke(small_raw, out)[0] == 0
    before = tree(out)
    real = Path.write_text

    def full(self: Path, *args: object, **kwargs: object) -> int:
        if self.suffix == ".html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full)
    code, output = invoke(small_raw, out)
    assert code == 2, output
    assert "No space left on device" in output
    assert tree(out) == before


# --------------------------------------------------------------------------------------------
# an internal error


def test_an_internal_error_exits_3_with_a_masked_crash_report(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "clean"
    assert invoke(small_raw, out)[0] == 0
    before = tree(out)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError(f"cannot compare {NAME!r} born 1990-05-03, ID {PID}, phone {PHONE}")

    monkeypatch.setattr(engine_module, "reconciled_with_tally", broken)
    code, output = invoke(small_raw, out)
    assert code == 3
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in output
    assert "reconcile registers" in lines[0] and "untouched" in lines[0]
    reports = sorted(tmp_path.glob("clean.crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in lines[0]
    text = reports[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "ValueError" in text and "reconcile registers" in text
    for value in (NAME, PID, PHONE, "1990-05-03"):
        assert value not in text and value not in output
    assert tree(out) == before
    code, output = invoke(small_raw, out, "--debug")
    assert code == 3
    assert "Traceback" in output and "ValueError" in output
    for value in (NAME, PID, PHONE):
        assert value not in output
