"""Read the review files and worklists a steward filled in (the I/O of ``dancu review import``).

A file is read as a spreadsheet program saved it (the steward may have opened, sorted,
filtered and saved it in Excel or LibreOffice): every sheet whose first row holds the
``Mã cặp`` / ``Pair key`` header is a sheet of pairs, every sheet whose first row holds
``Mã vấn đề`` / ``Finding key`` a sheet of findings, in either language. Columns are found by
their header, not their place; every cell is read as text; each row keeps its row number in
the sheet, so a message can point at it. The summary sheet gives the run the file came from.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> try:
    ...     read_filled(path)
    ... except InputError as exc:
    ...     print(str(exc).split(": ", 1)[1])
    cannot be read as an Excel (.xlsx) file; give a review file or a worklist dancu wrote
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl

from pipelines.errors import InputError
from pipelines.io.read import xlsx_grids
from pipelines.privacy import redacted
from pipelines.report.review_files import REVIEW_HEADERS
from pipelines.report.worklist import WORKLIST_HEADERS

__all__ = ["FilledFile", "read_filled"]

_MIDNIGHT: Final = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$")
_RUN_LABELS: Final = ("Lần chạy", "Run")


@dataclass(frozen=True)
class FilledFile:
    """What one filled file holds.

    Attributes:
        path: the file.
        run_id: the run that wrote it (from its summary sheet; empty when not found).
        pairs: the rows of its pair sheets: ``sheet, row`` and the fields of
            :data:`~pipelines.report.review_files.REVIEW_HEADERS` found (``record_id_1``,
            ``record_id_2`` for the two sides' record ids).
        findings: the rows of its finding sheets: ``sheet, row`` and the worklist's fields
            found (``finding_key``, ``status``, ``decided_by``, ``decided_on``, ``note``,
            ``status_written``, ``raw_value``, ``source``, ``record_id``…).
    """

    path: Path
    run_id: str
    pairs: pl.DataFrame = field(default_factory=pl.DataFrame)
    findings: pl.DataFrame = field(default_factory=pl.DataFrame)


def _lookup(headers: dict[str, dict[str, str]], sided: tuple[str, ...] = ()) -> dict[str, str]:
    """Header text (either language) → field name; ``sided`` fields get `` (1)``/`` (2)``."""
    out: dict[str, str] = {}
    for words in headers.values():
        for name, text in words.items():
            if name in sided:
                out[f"{text} (1)"] = f"{name}_1"
                out[f"{text} (2)"] = f"{name}_2"
            else:
                out[text] = name
    return out


_PAIR_FIELDS: Final = _lookup(
    REVIEW_HEADERS,
    ("register", "record_id", "name", "birth", "personal_id", "gender", "address", "phone"),
)
_FINDING_FIELDS: Final = _lookup(WORKLIST_HEADERS)
_PAIR_MARK: Final = {w["pair_key"] for w in REVIEW_HEADERS.values()}
_FINDING_MARK: Final = {w["finding_key"] for w in WORKLIST_HEADERS.values()}


def _table(grid: pl.DataFrame, fields: dict[str, str], sheet: str) -> pl.DataFrame:
    header = [(str(c).strip() if c is not None else "") for c in grid.row(0)]
    keep = {i: fields[h] for i, h in enumerate(header) if h in fields}
    body = grid.slice(1)
    frame = pl.DataFrame(
        {name: body.to_series(i).cast(pl.String) for i, name in keep.items()},
        schema=dict.fromkeys(keep.values(), pl.String),
    )
    cleaned = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None).str.replace(_MIDNIGHT.pattern, "$1")
        for c in frame.columns
    )
    numbered = cleaned.with_columns(
        pl.lit(sheet).alias("sheet"),
        pl.int_range(2, body.height + 2, dtype=pl.Int64).alias("row"),
    )
    informative = [c for c in frame.columns]
    return numbered.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in informative))


def _run_id(grid: pl.DataFrame) -> str:
    for row in grid.rows():
        if row and row[0] is not None and str(row[0]).strip() in _RUN_LABELS and len(row) > 1:
            return str(row[1] or "").strip()
    return ""


def read_filled(path: Path) -> FilledFile:
    """Read a filled review file or worklist (module docstring).

    Raises :class:`~pipelines.errors.InputError` naming the file when it cannot be read or
    holds neither pairs nor findings.
    """
    try:
        sheets = xlsx_grids(path)
    except InputError:
        raise InputError(
            f"{path}: cannot be read as an Excel (.xlsx) file; give a review file or a "
            "worklist dancu wrote"
        ) from None
    pairs, findings, run_id = [], [], ""
    for name, grid in sheets.items():
        if grid.height == 0:
            continue
        first = {str(c).strip() for c in grid.row(0) if c is not None}
        if first & _PAIR_MARK:
            pairs.append(_table(grid, _PAIR_FIELDS, name))
        elif first & _FINDING_MARK:
            findings.append(_table(grid, _FINDING_FIELDS, name))
        else:
            run_id = run_id or _run_id(grid)
    if not pairs and not findings:
        shown = ", ".join(redacted(repr(n)) for n in sheets)
        raise InputError(
            f"{path}: neither a review file nor a worklist (no sheet has the column "
            f"'Mã cặp' or 'Mã vấn đề'; sheets: {shown})"
        )
    return FilledFile(
        path=path,
        run_id=run_id,
        pairs=pl.concat(pairs, how="diagonal") if pairs else pl.DataFrame(),
        findings=pl.concat(findings, how="diagonal") if findings else pl.DataFrame(),
    )
