"""Helpers of the review round-trip tests: the week's settings, filling files as a steward would.

The review band is widened to every probability so that every candidate pair is asked: the
tests then do not depend on which pairs a seed makes doubtful.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from pipelines.config import CleanConfig, Config, ResolveConfig

AS_OF = dt.date(2026, 11, 22)
NEXT = dt.date(2026, 11, 29)


def week_config(as_of: dt.date = AS_OF) -> Config:
    return Config(
        clean=CleanConfig(as_of=as_of),
        resolve=ResolveConfig(u_sample_pairs=100_000, review_band=(0.0, 1.0)),
    )


def fill(
    path: Path,
    choose: Callable[[dict[str, Any]], dict[str, Any] | None],
    sheet: int = 1,
) -> int:
    """Fill a file as a steward would (openpyxl): ``choose(row) -> {header: value}`` or None.

    Returns how many rows were filled. ``row`` maps the sheet's headers to the cells' values.
    """
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[sheet]
    header = [c.value for c in ws[1]]
    n = 0
    for r in range(2, ws.max_row + 1):
        row = {h: ws.cell(r, i + 1).value for i, h in enumerate(header)}
        change = choose(row)
        if not change:
            continue
        for name, value in change.items():
            ws.cell(r, header.index(name) + 1).value = value
        n += 1
    if n:  # a file the steward only looked at is not saved (its stamp stays dancu's)
        book.save(path)
    return n


def rows(path: Path, sheet: int = 1) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path).worksheets[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
