"""Write output files: deterministic Parquet and JSON (the folder swap is in ``outdir``).

Example:
    >>> import tempfile
    >>> p = write_json({"ok": True}, Path(tempfile.mkdtemp()) / "manifest.json")
    >>> p.name
    'manifest.json'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.errors import OutputError

__all__ = ["write_json", "write_parquet"]


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
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
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
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return path
