"""Output folders dancu may write: the guard, the ownership marker and the crash-safe swap.

A folder dancu writes carries a marker file, ``.dancu-output``, that names the command and
run that wrote it and lists every file written with its size and modification time. That
list is what makes deleting safe: dancu only ever removes a file it wrote itself and that
nobody changed since. Rules (README, "What ``--out`` may be"):

* ``--out`` may be absent, empty (a ``.gitkeep`` is fine), or a folder dancu wrote before;
  anything else is refused before any work starts, naming the folder and what is in it;
* ``--out`` may not be ``--raw``, lie inside it, or contain it;
* folders dancu keeps across runs (``history/``, ``decisions/``) are carried into each new run;
* a run writes into a work folder beside ``--out`` and swaps it in with one atomic
  ``renameat2(RENAME_EXCHANGE)`` (two renames where the file system lacks it); whatever is
  left half-done by a killed run is finished or rolled back by the next command
  (:func:`recovered`).

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "clean"
    >>> with atomic_output(out, "r1", "clean") as work:
    ...     _ = (work / "a.txt").write_text("1")
    >>> sorted(p.name for p in out.iterdir())
    ['.dancu-output', 'a.txt']
    >>> check_output_folder(out, "clean") is None
    True
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import errno
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipelines.errors import OutputError, OutputFolderError
from pipelines.failpoints import failpoint

__all__ = [
    "FILL_IN_DIRS",
    "KEEP_FILES",
    "KEPT_DIRS",
    "MARKER",
    "atomic_output",
    "check_output_folder",
    "check_raw_and_out",
    "emptied",
    "file_stamp",
    "files_under",
    "read_marker",
    "record_written",
    "recovered",
    "scratch_folder",
    "unexpected_entries",
    "write_marker",
]

MARKER: Final = ".dancu-output"
"""Ownership marker of a folder dancu wrote (JSON: command, run id, files written)."""

WORK_MARKER: Final = ".dancu-work"
"""Marker of a work folder still being written (removed whole when found stale)."""

KEPT_DIRS: Final[tuple[str, ...]] = ("history", "decisions", "reports/outbox")
"""Sub-folders kept from run to run (the score history, the stewards' decisions, e-mails not
yet delivered): carried into every new output folder, never removed."""

FILL_IN_DIRS: Final[tuple[str, ...]] = ("reports/review/", "reports/worklist/")
"""Files there are meant to be filled in by a steward and imported (``dancu review
import``), which records them as they are; until then the guard names the command."""

KEEP_FILES: Final[tuple[str, ...]] = (".gitkeep",)
"""Files of someone else's that an output folder may hold and every run carries over."""

_RENAME_EXCHANGE: Final = 2
_AT_FDCWD: Final = -100
_SHOWN: Final = 5


@dataclass(frozen=True)
class Marker:
    """The content of ``.dancu-output``."""

    command: str
    run_id: str
    files: dict[str, tuple[int, int]]
    """Relative path → (size, modification time in ns) of every file written."""

    def to_json(self) -> str:
        """Return the marker as JSON text."""
        data = {
            "dancu": "output",
            "command": self.command,
            "run_id": self.run_id,
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": {k: list(v) for k, v in sorted(self.files.items())},
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def file_stamp(path: Path) -> tuple[int, int]:
    """Return ``(size, modification time in ns)`` of a file (of a link, not its target)."""
    st = path.lstat()
    return st.st_size, st.st_mtime_ns


def files_under(root: Path) -> list[str]:
    """Every file (or symlink) under ``root`` as a relative POSIX path, kept folders excluded."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = [d for d in dirnames if (rel_dir / d).as_posix() not in KEPT_DIRS]
        for name in filenames:
            rel = (rel_dir / name).as_posix()
            if rel not in (MARKER, WORK_MARKER):
                found.append(rel)
        for name in dirnames:
            full = Path(dirpath) / name
            if full.is_symlink():
                found.append((rel_dir / name).as_posix())
    return sorted(found)


def read_marker(folder: Path) -> Marker | None:
    """Return the marker of ``folder``, or None if it has none (or an unreadable one).

    Example:
        >>> import tempfile
        >>> read_marker(Path(tempfile.mkdtemp())) is None
        True
    """
    path = folder / MARKER
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("dancu") != "output":
        return None
    files = data.get("files")
    if not isinstance(files, dict):
        return None
    try:
        parsed = {str(k): (int(v[0]), int(v[1])) for k, v in files.items()}
    except (TypeError, ValueError, IndexError):
        return None
    return Marker(str(data.get("command", "")), str(data.get("run_id", "")), parsed)


def write_marker(folder: Path, command: str, run_id: str) -> Marker:
    """Record every file now in ``folder`` (kept folders aside) as written by dancu.

    Written to a temporary name and renamed, so a marker is never half written.
    """
    files = {rel: file_stamp(folder / rel) for rel in files_under(folder)}
    marker = Marker(command, run_id, files)
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(marker.to_json(), encoding="utf-8")
    os.replace(tmp, folder / MARKER)
    return marker


def record_written(folder: Path, paths: Sequence[Path], command: str) -> None:
    """Add files a command wrote inside an existing output folder to its marker.

    ``dancu report``, ``email`` and ``gate`` write into a run's folder; recording what they
    wrote keeps the next ``clean`` from taking those files for someone else's.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = write_marker(d, "clean", "r1")
        >>> _ = (d / "x.txt").write_text("1"); record_written(d, [d / "x.txt"], "report")
        >>> sorted(read_marker(d).files)
        ['x.txt']
    """
    marker = read_marker(folder)
    if marker is None:
        return
    files = dict(marker.files)
    for path in paths:
        try:
            rel = path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            continue
        if any(rel == k or rel.startswith(k + "/") for k in KEPT_DIRS):
            continue
        if path.exists():
            files[rel] = file_stamp(path)
        else:
            files.pop(rel, None)
    updated = Marker(marker.command, marker.run_id, files)
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(updated.to_json(), encoding="utf-8")
    os.replace(tmp, folder / MARKER)


# --------------------------------------------------------------------------------------------
# the guard


_LEGACY_NAMES: Final = frozenset(
    {"manifest.json", "scorecard.json", "model.json", "reports", ".gitkeep", *KEPT_DIRS}
)
_LEGACY_RAW: Final = frozenset({"residents.csv", "civil_events.csv", "insurance.csv", "_truth"})


def _legacy_owned(folder: Path, command: str) -> set[str] | None:
    """Top-level names a dancu version without markers wrote in ``folder``, if it was one."""
    if command == "generate":
        if (folder / "_truth" / "truth.parquet").is_file():
            return set(_LEGACY_RAW) | set(KEEP_FILES)
        return None
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or "run_id" not in manifest or "outputs" not in manifest:
        return None
    outputs = manifest.get("outputs") or {}
    return set(_LEGACY_NAMES) | {str(k) for k in outputs}


def unexpected_entries(folder: Path, command: str) -> tuple[list[str], list[str]]:
    """Return ``(foreign, changed)`` entries of ``folder``: not dancu's, or changed since.

    ``foreign`` are files dancu did not write, ``changed`` files it wrote that someone
    changed since; both empty means dancu may replace the folder.

    A folder without a marker is judged by the top-level names an older dancu wrote.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "notes.txt").write_text("mine")
        >>> unexpected_entries(d, "clean")
        (['notes.txt'], [])
    """
    marker = read_marker(folder)
    if marker is not None:
        foreign, changed = [], []
        for rel in files_under(folder):
            if rel in KEEP_FILES:
                continue
            if rel not in marker.files:
                foreign.append(rel)
            elif file_stamp(folder / rel) != marker.files[rel]:
                changed.append(rel)
        return foreign, changed
    entries = sorted(
        p for p in folder.iterdir() if p.name not in (*KEEP_FILES, MARKER, WORK_MARKER)
    )
    owned = _legacy_owned(folder, command) or set()
    return [p.name + ("/" if p.is_dir() else "") for p in entries if p.name not in owned], []


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    more = len(items) - _SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def open_in_office(out: Path, foreign: Sequence[str]) -> str:
    """Return a hint naming the files of ``out`` open in Excel or LibreOffice (lock files).

    Excel leaves ``~$`` + the name (its first two letters dropped when the name is long)
    beside an open file, LibreOffice ``.~lock.<name>#``; replacing the folder under an open
    file would lose what the steward saves next, so the run stops and says which to close.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "an.xlsx").write_text("x")
        >>> open_in_office(d, ["~$an.xlsx", "notes.txt"])
        '. an.xlsx is open in Excel or LibreOffice: close it, then run again'
    """
    opened = []
    for rel in foreign:
        folder, _, name = rel.rpartition("/")
        if name.startswith("~$"):
            tail = name[2:]
            siblings = [
                p.name
                for p in sorted((out / folder).glob(f"*{tail}"))
                if not p.name.startswith("~$")
            ]
            name = tail if tail in siblings or not siblings else siblings[0]
        elif name.startswith(".~lock.") and name.endswith("#"):
            name = name.removeprefix(".~lock.").removesuffix("#")
        else:
            continue
        opened.append(f"{folder}/{name}" if folder else name)
    if not opened:
        return ""
    it = "it" if len(opened) == 1 else "them"
    verb = "is" if len(opened) == 1 else "are"
    return f". {_listing(opened)} {verb} open in Excel or LibreOffice: close {it}, then run again"


def check_output_folder(out: Path, command: str) -> None:
    """Raise :class:`OutputFolderError` unless dancu may replace ``out`` (module docstring).

    ``command`` is the writing command (``clean`` or ``generate``); a folder another command
    wrote (a generated raw folder as ``clean``'s output) is refused too.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "thesis.docx").write_text("x")
        >>> try:
        ...     check_output_folder(d, "clean")
        ... except OutputFolderError as exc:
        ...     print("holds thesis.docx, which dancu did not write" in str(exc))
        True
    """
    if out.is_symlink() and not out.exists():
        raise OutputFolderError(f"{out}: a broken link, not a folder; choose another --out")
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputFolderError(f"{out}: is a file, not a folder; choose another --out")
    marker = read_marker(out)
    if marker is not None and marker.command != command and command == "generate":
        raise OutputFolderError(
            f"{out}: holds the outputs of `dancu {marker.command}`, not raw data; "
            "choose another folder for generated data"
        )
    if marker is not None and marker.command == "generate" and command != "generate":
        raise OutputFolderError(
            f"{out}: holds raw data written by `dancu generate`; choose another --out"
        )
    foreign, changed = unexpected_entries(out, command)
    problems = []
    if foreign:
        problems.append(f"it holds {_listing(foreign)}, which dancu did not write")
    if changed:
        problems.append(f"{_listing(changed)} changed since dancu wrote it")
    filled = [c for c in changed if c.startswith(FILL_IN_DIRS)]
    hint = open_in_office(out, foreign)
    if filled:
        hint += (
            f". A review file or worklist filled in place: import it first (dancu review "
            f"import --out {out} {' '.join(str(out / f) for f in filled[:_SHOWN])}), then run "
            "again"
        )
    if problems:
        raise OutputFolderError(
            f"{out}: not a folder dancu may replace: {'; '.join(problems)}. Nothing was "
            f"touched. Choose a new or empty folder, or move those files away first{hint}"
        )


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def check_raw_and_out(raw: Path, out: Path) -> None:
    """Refuse an output folder that is the raw folder, lies inside it, or contains it.

    Example:
        >>> try:
        ...     check_raw_and_out(Path("data/raw"), Path("data/raw/clean"))
        ... except OutputFolderError as exc:
        ...     print(str(exc).split(":")[0])
        --out data/raw/clean
    """
    r, o = raw.resolve(), out.resolve()
    if o == r:
        where = "is the raw folder"
    elif _inside(o, r):
        where = f"lies inside the raw folder {raw}"
    elif _inside(r, o):
        where = f"contains the raw folder {raw}"
    else:
        return
    raise OutputFolderError(
        f"--out {out}: {where}; the outputs would replace the inputs. Choose a folder outside --raw"
    )


# --------------------------------------------------------------------------------------------
# swapping


def _work_name(out: Path, kind: str, run_id: str) -> Path:
    return out.parent / f".{out.name}.{kind}-{run_id}"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with ``renameat2``; False where it is not supported."""
    if os.environ.get("DANCU_NO_RENAME_EXCHANGE"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _link_tree(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` as hard links (plain copies where links fail).

    Files already at ``dst`` win.
    """
    if src.is_symlink() or src.is_file():
        if not dst.exists() and not dst.is_symlink():
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst, follow_symlinks=False)
            except OSError:
                shutil.copy2(src, dst, follow_symlinks=False)
        return
    dst.mkdir(parents=True, exist_ok=True)
    for child in src.iterdir():
        _link_tree(child, dst / child.name)


def _free_name(folder: Path, rel: str, run_id: str) -> Path:
    """Return ``folder/rel``, or ``rel.kept-<run>`` (``-2``, ``-3``…) if that is taken."""
    target, n = folder / rel, 1
    while target.exists() or target.is_symlink():
        n += 1
        target = folder / (f"{rel}.kept-{run_id}" + (f"-{n - 1}" if n > 2 else ""))
    return target


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _carry(old: Path, new: Path, run_id: str, note: Callable[[str], None]) -> dict[str, str]:
    """Link kept folders, keep files and anything dancu did not write into ``new``.

    Returns, per such file of ``old``, its path relative to ``new`` (folders are swapped
    after this, so only relative paths stay true).
    """
    for name in KEPT_DIRS:
        if (old / name).is_dir():
            _link_tree(old / name, new / name)
    for name in KEEP_FILES:
        if (old / name).is_file():
            _link_tree(old / name, new / name)
    marker = read_marker(old)
    foreign, changed = unexpected_entries(old, marker.command if marker else "clean")
    carried: dict[str, str] = {}
    for rel in [*foreign, *changed]:
        target = _free_name(new, rel, run_id)
        _link_tree(old / rel, target)
        carried[rel] = target.relative_to(new).as_posix()
        note(f"kept {rel} (dancu did not write it, or it changed since) as {carried[rel]}")
    return carried


def _prune_empty(folder: Path) -> None:
    for dirpath, _dirs, _files in sorted(os.walk(folder), key=lambda t: -len(t[0])):
        if Path(dirpath) != folder:
            with contextlib.suppress(OSError):
                Path(dirpath).rmdir()


def _remove_old(
    old: Path, new: Path, carried: dict[str, str], run_id: str, note: Callable[[str], None]
) -> None:
    """Remove the previous output folder ``old``, deleting only what dancu wrote.

    Deleted: its marker's files (unchanged since) and what is already linked into ``new``;
    anything else still there is moved into ``new``; then ``old`` itself is removed.
    """
    marker = read_marker(old)
    for rel, recorded in (marker.files if marker else {}).items():
        path = old / rel
        with contextlib.suppress(FileNotFoundError):
            if file_stamp(path) == recorded:
                path.unlink()
    for rel, target in carried.items():
        if _same(old / rel, new / target):
            (old / rel).unlink()
    for name in (*KEPT_DIRS, *KEEP_FILES):
        src = old / name
        if not src.exists():
            continue
        files = [src] if src.is_file() else [p for p in src.rglob("*") if not p.is_dir()]
        for path in files:
            twin = new / path.relative_to(old)
            if not twin.exists():
                _link_tree(path, twin)
            path.unlink()
    (old / MARKER).unlink(missing_ok=True)
    _prune_empty(old)
    for leftover in sorted(old.iterdir()):
        free = _free_name(new, leftover.name, run_id)
        leftover.rename(free)
        note(f"kept {leftover.name} (dancu did not write it) as {free.name}")
    old.rmdir()


def recovered(out: Path, note: Callable[[str], None]) -> None:
    """Finish or roll back what a killed run left beside ``out`` (call under the lock).

    * ``out`` missing but the previous outputs are aside (killed between the two renames of
      the fallback swap): they are put back;
    * previous outputs left aside after a completed swap, and finished work folders that were
      never swapped in, are removed — only what dancu wrote, anything else is moved into
      ``out``; unfinished work folders (:data:`WORK_MARKER`) are removed whole.

    Example:
        >>> import tempfile
        >>> recovered(Path(tempfile.mkdtemp()) / "clean", print)
    """
    parent = out.parent
    if not parent.is_dir():
        return
    for scratch in sorted(parent.glob(f".{out.name}.scratch-*")):
        if scratch.is_dir() and not scratch.is_symlink() and (scratch / WORK_MARKER).exists():
            shutil.rmtree(scratch)
            note(f"removed {scratch.name}, the scratch files of an interrupted run")
    found = [*parent.glob(f".{out.name}.old-*"), *parent.glob(f".{out.name}.run-*")]
    aside = [p for p in sorted(found) if p.is_dir() and not p.is_symlink()]
    if not out.exists() and not out.is_symlink():
        done = [f for f in aside if read_marker(f) is not None and not (f / WORK_MARKER).exists()]
        previous = [f for f in done if f.name.startswith(f".{out.name}.old-")]
        if previous or done:
            folder = (previous or done)[0]
            folder.rename(out)
            what = "the previous outputs" if previous else "the finished outputs"
            note(f"put back {what} of {out}, left aside by an interrupted run")
            aside.remove(folder)
    for folder in aside:
        if (folder / WORK_MARKER).exists():
            shutil.rmtree(folder)
            note(f"removed {folder.name}, the unfinished work of an interrupted run")
        elif read_marker(folder) is not None and out.is_dir():
            _remove_old(folder, out, {}, "recovered", note)
            note(f"removed {folder.name}, left by an interrupted run")


_DISK_ERRORS: Final = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES}
)


@contextmanager
def scratch_folder(out: Path) -> Iterator[Path]:
    """Yield a folder beside ``out`` for a run's intermediate files; remove it afterwards.

    Large runs spill candidate pairs and partitions there, on the disk the user chose for
    the outputs. It carries :data:`WORK_MARKER`, so :func:`recovered` removes it when a run
    was killed. A full or read-only disk while it is in use becomes an
    :class:`~pipelines.errors.OutputError` naming the folder (the outputs are not touched
    before the run's last step).

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "clean"
        >>> with scratch_folder(out) as scratch:
        ...     scratch.name.startswith(".clean.scratch-")
        True
        >>> scratch.exists()
        False
    """
    scratch = _work_name(out, "scratch", f"{os.getpid()}-{time.time_ns()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        scratch.mkdir()
        (scratch / WORK_MARKER).write_text("scratch\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{scratch}: cannot create the scratch folder: {exc.strerror}") from exc
    try:
        yield scratch
    except OSError as exc:
        if exc.errno not in _DISK_ERRORS:
            raise
        raise OutputError(
            f"cannot write the run's work files under {scratch.parent}: "
            f"{exc.strerror or exc}; the previous outputs are untouched"
        ) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _swap(work: Path, out: Path, run_id: str, note: Callable[[str], None]) -> None:
    """Put ``work`` in place of ``out``; remove what dancu wrote of the old one."""
    if not out.exists():
        failpoint("swap.before_rename")
        work.rename(out)
        return
    carried = _carry(out, work, run_id, note)
    failpoint("swap.before_exchange")
    if _exchange(work, out):
        old = work
    else:
        old = _work_name(out, "old", run_id)
        out.rename(old)
        failpoint("swap.between_renames")
        try:
            work.rename(out)
        except OSError:
            old.rename(out)
            raise
    failpoint("swap.after_swap")
    try:
        _remove_old(old, out, carried, run_id, note)
    except OSError as exc:
        note(f"could not remove the previous outputs at {old} ({exc.strerror}); the next run will")


@contextmanager
def atomic_output(
    out: Path, run_id: str, command: str, note: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Yield a fresh work folder beside ``out``; on success swap it in as ``out``.

    The work folder gets :data:`MARKER` listing every file written (so the next run knows
    what it may delete); ``history/`` and other kept folders of the old ``out`` are carried
    over (files the run wrote there win); anything in the old ``out`` that dancu did not
    write, or that changed since, is carried over too, never deleted. On any error the work
    folder is removed and the previous ``out`` stays as it was.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "clean"
        >>> with atomic_output(out, "r1", "clean") as work:
        ...     _ = (work / "x.txt").write_text("1")
        >>> (out / "x.txt").read_text()
        '1'
    """
    note = note or (lambda _msg: None)
    work = _work_name(out, "run", run_id)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if work.exists():
            raise OutputError(
                f"{work}: a folder of an earlier run that holds files dancu did not write; "
                "move them away and run again"
            )
        work.mkdir()
        (work / WORK_MARKER).write_text(run_id + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{work}: cannot create the work folder: {exc.strerror}") from exc
    swapped = False
    try:
        yield work
        failpoint("swap.before_marker")
        (work / WORK_MARKER).unlink()
        write_marker(work, command, run_id)
        _swap(work, out, run_id, note)
        swapped = True
    except BaseException as exc:
        if not swapped and work.exists() and not _same(work, out):
            with contextlib.suppress(OSError):
                shutil.rmtree(work)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{out}: cannot write the outputs: {exc.strerror or exc}; the previous "
                "outputs are untouched"
            ) from exc
        raise


def emptied(folder: Path) -> list[str]:
    """Remove everything dancu wrote in ``folder`` (its kept folders too); return what is left.

    For ``make distclean``: files of someone else's, and files changed since dancu wrote
    them, stay; so does a ``.gitkeep``. A folder without a marker is left alone entirely.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "a.parquet").write_text("1")
        >>> _ = write_marker(d, "clean", "r1"); _ = (d / "notes.txt").write_text("mine")
        >>> emptied(d)
        ['notes.txt']
    """
    marker = read_marker(folder)
    if marker is None:
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    for rel, recorded in marker.files.items():
        path = folder / rel
        with contextlib.suppress(FileNotFoundError):
            if file_stamp(path) == recorded:
                path.unlink()
    for name in KEPT_DIRS:
        if (folder / name).is_dir():
            shutil.rmtree(folder / name)
    (folder / MARKER).unlink()
    _prune_empty(folder)
    return sorted(p.name for p in folder.iterdir() if p.name not in KEEP_FILES)


if __name__ == "__main__":  # python -m pipelines.io.outdir FOLDER… (make distclean)
    import sys

    for name in sys.argv[1:]:
        left = emptied(Path(name)) if Path(name).is_dir() else []
        if left:
            print(f"{name}: left {', '.join(left)} (not written by dancu, or changed since)")
