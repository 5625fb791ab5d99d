"""Write outputs: an atomic output folder, deterministic Parquet and JSON files.

A run writes into a temporary sibling of the output folder and swaps it in at the end, so
a failed run leaves the last good folder untouched.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "clean"
    >>> with atomic_output(out, "abc") as tmp:
    ...     _ = write_json({"ok": True}, tmp / "manifest.json")
    >>> sorted(p.name for p in out.iterdir())
    ['manifest.json']
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.errors import OutputError

__all__ = ["HISTORY", "atomic_output", "write_json", "write_parquet"]

HISTORY = "history"
KEEP_FILES = (".gitkeep",)
"""Files of the old output folder that a run carries over (the repo's placeholder)."""
"""Sub-folder of the output folder that survives from run to run."""


def write_parquet(frame: pl.DataFrame, path: Path) -> int:
    """Write ``frame`` to ``path`` deterministically (same frame ⇒ same bytes); return rows.

    Example:
        >>> import tempfile
        >>> write_parquet(pl.DataFrame({"a": ["001"]}), Path(tempfile.mkdtemp()) / "a.parquet")
        1
    """
    try:
        frame.write_parquet(path, compression="zstd", statistics=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc}") from exc
    return frame.height


def write_json(obj: Any, path: Path) -> Path:
    r"""Write ``obj`` as UTF-8 JSON (indented, Vietnamese kept readable); return the path.

    Example:
        >>> import tempfile
        >>> p = write_json({"tên": "An"}, Path(tempfile.mkdtemp()) / "m.json")
        >>> p.read_text(encoding="utf-8")
        '{\n  "tên": "An"\n}\n'
    """
    try:
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc}") from exc
    return path


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


@contextmanager
def atomic_output(out: Path, run_id: str) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``out``; on success swap it in as ``out``.

    On success the previous ``out/history/`` is copied into the new folder (files the run
    wrote there win), then the old folder is renamed aside, the new one renamed into place
    and the old one deleted. On any error the temporary folder is removed, the previous
    ``out`` is left as it was and the error propagates.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "clean"
        >>> with atomic_output(out, "r1") as tmp:
        ...     _ = (tmp / "x.txt").write_text("1")
        >>> (out / "x.txt").read_text()
        '1'
    """
    parent = out.parent
    tmp = parent / f".{out.name}.tmp-{run_id}"
    backup = parent / f".{out.name}.old-{run_id}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove(tmp)
        tmp.mkdir()
    except OSError as exc:
        raise OutputError(f"{tmp}: cannot create the temporary output folder: {exc}") from exc
    try:
        yield tmp
        old_history = out / HISTORY
        if old_history.is_dir():
            shutil.copytree(
                old_history, tmp / HISTORY, dirs_exist_ok=True, copy_function=_copy_if_absent
            )
        for keep in KEEP_FILES:
            if (out / keep).is_file() and not (tmp / keep).exists():
                shutil.copy2(out / keep, tmp / keep)
        _swap(tmp, out, backup)
    except BaseException:
        _remove(tmp)
        raise


def _copy_if_absent(src: str, dst: str) -> str:
    """Copy one history file unless the current run already wrote that file."""
    if Path(dst).exists():
        return dst
    return str(shutil.copy2(src, dst))


def _swap(tmp: Path, out: Path, backup: Path) -> None:
    """Replace ``out`` by ``tmp`` with two renames; restore ``out`` if the second fails."""
    _remove(backup)
    had_old = out.exists()
    try:
        if had_old:
            out.rename(backup)
        try:
            tmp.rename(out)
        except OSError:
            if had_old:
                backup.rename(out)
            raise
    except OSError as exc:
        raise OutputError(f"{out}: cannot replace the output folder: {exc}") from exc
    if had_old:
        _remove(backup)
