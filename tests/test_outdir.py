"""What `--out` may be, the ownership marker, the swap and recovery after a killed run."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.errors import OutputFolderError, RunLockedError
from pipelines.io.lock import lock_path, output_lock
from pipelines.io.outdir import (
    MARKER,
    WORK_MARKER,
    atomic_output,
    check_output_folder,
    check_raw_and_out,
    read_marker,
    recovered,
    write_marker,
)

RESIDENTS = "record_id,full_name,personal_id\nR1,Nguyễn Văn An,001090012345\nR2,Lê Thị Bình,\n"


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the sha256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def raw_folder(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text(RESIDENTS, encoding="utf-8")
    return raw


def clean(raw: Path, out: Path, *extra: str) -> tuple[int, str]:
    args = ["clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-22", "-q", *extra]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


# --------------------------------------------------------------------------------------------
# the guard


def test_out_equal_to_raw_is_refused_and_the_input_survives(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)
    before = tree(raw)
    code, output = clean(raw, raw)
    assert code == 2
    assert "is the raw folder" in output
    assert tree(raw) == before


@pytest.mark.parametrize("where", ["inside", "containing"])
def test_out_inside_or_containing_raw_is_refused(tmp_path: Path, where: str) -> None:
    raw = raw_folder(tmp_path)
    out = raw / "clean" if where == "inside" else tmp_path
    before = tree(tmp_path)
    code, output = clean(raw, out)
    assert code == 2
    assert f"{where} the raw folder" in output.replace("lies inside", "inside").replace(
        "contains", "containing"
    )
    assert tree(tmp_path) == before
    assert not (raw / "clean").exists()


def test_a_folder_of_someone_elses_files_is_refused_untouched(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)
    out = tmp_path / "home"
    (out / "Documents").mkdir(parents=True)
    (out / "Documents" / "luan-van.docx").write_bytes(b"\x00thesis")
    (out / "notes.txt").write_text("ghi chú", encoding="utf-8")
    before = tree(out)
    code, output = clean(raw, out)
    assert code == 2, output
    assert str(out) in output
    assert "Documents/" in output and "notes.txt" in output
    assert "Nothing was touched" in output
    assert tree(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["Documents", "notes.txt"]


def test_empty_new_and_gitkeep_only_folders_are_accepted(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    placeholder = tmp_path / "repo-clean"
    placeholder.mkdir()
    (placeholder / ".gitkeep").write_text("")
    for out in (tmp_path / "new" / "clean", empty, placeholder):
        code, output = clean(raw, out)
        assert code == 0, output
        assert (out / "residents.parquet").is_file()
        assert read_marker(out) is not None
    assert (placeholder / ".gitkeep").exists()


def test_a_file_dancu_wrote_and_someone_changed_is_not_replaced(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)
    out = tmp_path / "clean"
    assert clean(raw, out)[0] == 0
    sheet = next((out / "reports" / "worklist").glob("*.xlsx"))
    sheet.write_bytes(sheet.read_bytes() + b"edited by the steward")
    before = tree(out)
    code, output = clean(raw, out)
    assert code == 2
    assert "changed since dancu wrote it" in output and sheet.name in output
    assert tree(out) == before


@pytest.mark.parametrize(
    ("lock", "why"),
    [
        (lambda name: "~$" + name[2:], "Excel drops the first two letters of a long name"),
        (lambda name: ".~lock." + name + "#", "LibreOffice"),
    ],
)
def test_a_worklist_open_in_excel_or_libreoffice_is_named_and_kept(
    tmp_path: Path, lock: Callable[[str], str], why: str
) -> None:
    raw = raw_folder(tmp_path)
    out = tmp_path / "clean"
    assert clean(raw, out)[0] == 0
    sheet = next((out / "reports" / "worklist").glob("*.xlsx"))
    (sheet.parent / lock(sheet.name)).write_bytes(b"owner")  # what the office app leaves
    before = tree(out)
    code, output = clean(raw, out)
    assert code == 2, why
    assert f"reports/worklist/{sheet.name} is open in Excel or LibreOffice" in output, why
    assert "close it, then run again" in output
    assert tree(out) == before  # nothing replaced under the open file


def test_a_second_run_replaces_only_what_dancu_wrote(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)
    out = tmp_path / "clean"
    assert clean(raw, out)[0] == 0
    first = read_marker(out)
    assert first is not None and "residents.parquet" in first.files
    (raw / "residents.csv").write_text(RESIDENTS + "R3,Trần Văn Cường,\n", encoding="utf-8")
    assert clean(raw, out)[0] == 0
    second = read_marker(out)
    assert second is not None and second.run_id != first.run_id
    assert len(list((out / "history").glob("scorecard-*.json"))) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".clean.lock", "clean", "raw"]


def test_an_output_folder_of_an_older_dancu_without_marker_is_accepted(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)
    out = tmp_path / "clean"
    assert clean(raw, out)[0] == 0
    (out / MARKER).unlink()  # as a dancu version before markers left it
    check_output_folder(out, "clean")
    (out / "thesis.docx").write_text("x")
    with pytest.raises(OutputFolderError, match=r"thesis\.docx"):
        check_output_folder(out, "clean")


def test_generated_raw_data_is_not_an_output_folder_and_back(tmp_path: Path) -> None:
    raw = tmp_path / "gen"
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(raw), "--residents", "50", "--seed", "1", "-q"]
    )
    assert result.exit_code == 0, result.output
    with pytest.raises(OutputFolderError, match="dancu generate"):
        check_output_folder(raw, "clean")
    out = tmp_path / "clean"
    assert clean(raw, out)[0] == 0
    with pytest.raises(OutputFolderError, match="dancu clean"):
        check_output_folder(out, "generate")


def test_generate_refuses_a_folder_with_someone_elses_raw_file(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)  # a steward's own residents.csv
    before = tree(raw)
    result = CliRunner().invoke(cli, ["generate", "--out", str(raw), "--residents", "50", "-q"])
    assert result.exit_code == 2
    assert "residents.csv" in result.output
    assert tree(raw) == before


def test_check_raw_and_out_allows_siblings(tmp_path: Path) -> None:
    check_raw_and_out(tmp_path / "raw", tmp_path / "clean")
    check_raw_and_out(tmp_path / "raw", tmp_path / "raw-clean")


# --------------------------------------------------------------------------------------------
# the swap


def write_run(out: Path, run_id: str, files: dict[str, str]) -> None:
    with atomic_output(out, run_id, "clean") as work:
        for rel, text in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_text(text)


@pytest.mark.parametrize("exchange", [True, False])
def test_a_file_dropped_in_during_the_run_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setenv("DANCU_NO_RENAME_EXCHANGE", "1")
    out = tmp_path / "clean"
    write_run(out, "r1", {"a.parquet": "1", "old-only.json": "x", "history/s1.json": "h1"})
    notes: list[str] = []
    with atomic_output(out, "r2", "clean", notes.append) as work:
        (work / "a.parquet").write_text("2")
        (work / "history").mkdir()
        (work / "history" / "s2.json").write_text("h2")
        (out / "notes.txt").write_text("written while the run ran")
        (out / "a.parquet").write_text("1")  # unchanged size and content, mtime changes
    assert (out / "notes.txt").read_text() == "written while the run ran"
    assert (out / "a.parquet").read_text() == "2"
    assert (out / "a.parquet.kept-r2").read_text() == "1"  # the touched copy is kept aside
    assert not (out / "old-only.json").exists()
    assert sorted(p.name for p in (out / "history").iterdir()) == ["s1.json", "s2.json"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".clean.")] == []
    assert any("notes.txt" in n for n in notes)


def test_a_failed_run_removes_its_work_folder_only(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    write_run(out, "r1", {"a.parquet": "1"})
    before = tree(out)
    with pytest.raises(RuntimeError), atomic_output(out, "r2", "clean") as work:
        (work / "a.parquet").write_text("2")
        raise RuntimeError("stage failed")
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean"]


def test_recovery_puts_back_outputs_left_aside_between_two_renames(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    write_run(out, "r1", {"a.parquet": "1"})
    before = tree(out)
    out.rename(tmp_path / ".clean.old-r2")  # killed after the first rename
    work = tmp_path / ".clean.run-r2"
    work.mkdir()
    (work / "a.parquet").write_text("2")
    write_marker(work, "clean", "r2")
    notes: list[str] = []
    recovered(out, notes.append)
    assert tree(out) == before
    assert not work.exists()
    assert len(notes) == 2


def test_recovery_removes_what_a_killed_run_left_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    write_run(out, "r1", {"a.parquet": "1"})
    unfinished = tmp_path / ".clean.run-r2"
    unfinished.mkdir()
    (unfinished / WORK_MARKER).write_text("r2")
    (unfinished / "half.parquet").write_text("…")
    aside = tmp_path / ".clean.old-r0"  # previous outputs after a completed swap
    aside.mkdir()
    (aside / "a.parquet").write_text("0")
    write_marker(aside, "clean", "r0")
    (aside / "mine.txt").write_text("the steward's")
    stranger = tmp_path / ".clean.run-x"  # not dancu's: no marker
    stranger.mkdir()
    (stranger / "keep.txt").write_text("k")
    recovered(out, lambda _m: None)
    assert not unfinished.exists() and not aside.exists()
    assert (out / "mine.txt").read_text() == "the steward's"
    assert (stranger / "keep.txt").read_text() == "k"
    assert (out / "a.parquet").read_text() == "1"


def test_scratch_files_of_a_killed_run_are_removed_by_the_next_run(tmp_path: Path) -> None:
    raw, out = raw_folder(tmp_path), tmp_path / "clean"
    left = tmp_path / ".clean.scratch-123-456"  # what a SIGKILLed run leaves
    (left / "pairs").mkdir(parents=True)
    (left / WORK_MARKER).write_text("scratch\n")
    (left / "pairs" / "pairs-00000.parquet").write_bytes(b"PAR1")
    someone = tmp_path / ".clean.scratch-mine"  # same name pattern, not dancu's
    someone.mkdir()
    (someone / "notes.txt").write_text("k")
    code, output = clean(raw, out)
    assert code == 0, output
    assert not left.exists()
    assert (someone / "notes.txt").read_text() == "k"
    assert not [p for p in tmp_path.glob(".clean.scratch-*") if p != someone]


def test_a_full_disk_while_resolving_names_the_folder_and_keeps_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, out = raw_folder(tmp_path), tmp_path / "clean"
    assert clean(raw, out)[0] == 0
    before = tree(out)

    def full(self: pl.DataFrame, file: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    code, output = clean(raw, out)
    assert code == 2
    assert f"{tmp_path}" in output and "No space left on device" in output
    assert "Traceback" not in output
    assert tree(out) == before
    assert not list(tmp_path.glob(".clean.scratch-*"))


# --------------------------------------------------------------------------------------------
# the lock


def test_a_second_run_on_the_same_folder_stops_and_names_the_first(tmp_path: Path) -> None:
    raw = raw_folder(tmp_path)
    out = tmp_path / "clean"
    with output_lock(out, "clean"):
        code, output = clean(raw, out)
    assert code == 2
    assert f"pid {os.getpid()}" in output and "dancu clean" in output and "--wait" in output
    assert not out.exists()


def test_wait_waits_for_the_other_run(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    held = threading.Event()
    released: list[float] = []

    def holder() -> None:
        with output_lock(out, "clean"):
            held.set()
            time.sleep(0.5)
            released.append(time.monotonic())

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait()
    with pytest.raises(RunLockedError), output_lock(out, "report"):
        pass
    notes: list[str] = []
    with output_lock(out, "report", wait=True, note=notes.append):
        got = time.monotonic()
    thread.join()
    assert released and got >= released[0]
    assert notes and "waiting for" in notes[0]


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from pipelines.io.lock import output_lock
        with output_lock(Path({str(out)!r}), "clean"):
            print("locked", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9 and "locked" in proc.stdout
    assert lock_path(out).read_text()  # the killed holder's record is still there
    notes: list[str] = []
    with output_lock(out, "clean", note=notes.append):
        pass
    assert any("took over" in n and "ended" in n for n in notes)
