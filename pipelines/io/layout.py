"""Where the records are in a sheet as communes send it: header row, title lines, footer.

A spreadsheet export from a commune is rarely a bare table. Above the header there are title
and reference lines (``UBND XÃ TÂN LẬP``, ``DANH SÁCH NHÂN KHẨU THƯỜNG TRÚ``, ``Kèm theo
công văn số …``); under it, sometimes, a row numbering the columns (``(1) (2) (3)``); first
among the columns a serial number (``STT``); below the data a signature block (``Người lập
biểu``, ``(Ký, ghi rõ họ tên)``, a date line, a name) or a total (``Tổng cộng: 125``). This
module finds the records among such rows; it works on rows of text cells, the same for a
sheet and for a CSV file exported from one.

* The **header** is the row, among the first :data:`HEAD_ROWS`, with the most cells that are a
  known column name or alias (at least two); rows above it are skipped as title lines.
* A **numbering row** right under the header (every cell a running number) is skipped.
* **Serial columns** (``STT``, ``TT``, ``Số thứ tự``, ``No.``) are dropped.
* The **footer** starts at the topmost signature or total line below which there are only
  such lines, short lines with one or two cells (a signer's name), or empty rows; trailing
  empty rows are dropped too. A footer line is never a record: it has no record id.

Example:
    >>> rows = [["UBND XÃ TÂN LẬP", None, None], [None, None, None],
    ...         ["STT", "Mã hồ sơ", "Họ và tên"], ["1", "R1", "An"], ["2", "R2", "Bình"],
    ...         [None, None, None], [None, "Người lập biểu", None], [None, "Lê Văn Ba", None]]
    >>> lay = find_layout(rows, rows)
    >>> lay.header, lay.footer_start, lay.serial_columns
    (2, 5, (0,))
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from pipelines.ingest.headers import ALIASES, header_key
from pipelines.vn.fold import fold_text

__all__ = ["HEAD_ROWS", "TAIL_ROWS", "Layout", "find_layout", "is_serial_header"]

HEAD_ROWS: Final = 30
"""Rows searched for the header."""

TAIL_ROWS: Final = 60
"""Rows at the end searched for a footer."""

Row = Sequence[str | None]

_KNOWN: Final[frozenset[str]] = frozenset(
    header_key(name) for canonical, aliases in ALIASES.items() for name in (canonical, *aliases)
) | frozenset({"eventid", "eventtype"})
_SERIAL: Final[frozenset[str]] = frozenset({"stt", "tt", "sott", "sothutu", "thutu", "no", "nr"})
_FOOTER_START: Final[tuple[str, ...]] = (
    "nguoi lap",
    "ky ghi ro",
    "ky ten",
    "ky va ghi ro",
    "ky, ghi ro",
    "(ky",
    "thu truong",
    "truong thon",
    "truong ap",
    "truong ban",
    "chu tich",
    "pho chu tich",
    "xac nhan",
    "tong cong",
    "tong so",
    "cong:",
    "tong:",
    "ke toan",
    "can bo",
    "dong dau",
    "giam doc",
    "tm. ",
    "tm ",
    "kt. ",
    "ghi chu:",
)
_ID_CANONICAL: Final = ("record_id", "event_id", "personal_id")
_DATE_LINE: Final = re.compile(r"ngay\s*\S*\s*thang\s*\S*\s*nam")
_NUMBER: Final = re.compile(r"^\(?(\d{1,3})\)?$")


def _fold(text: str) -> str:
    return " ".join(fold_text(text).lower().split())


def _cells(row: Row) -> list[str]:
    return [c.strip() for c in row if c is not None and c.strip()]


def is_serial_header(name: str) -> bool:
    """Tell whether a header names a serial-number column (``STT``, ``Số TT``, ``No.``).

    Example:
        >>> is_serial_header("STT"), is_serial_header("Số thứ tự"), is_serial_header("Số hộ")
        (True, True, False)
    """
    return header_key(name) in _SERIAL


def _known_count(row: Row) -> int:
    return sum(1 for c in _cells(row) if header_key(c) in _KNOWN)


def _is_numbering(row: Row) -> bool:
    numbers = []
    for cell in _cells(row):
        m = _NUMBER.match(cell)
        if not m:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 2 and all(b == a + 1 for a, b in itertools.pairwise(numbers))


def _is_footer_line(row: Row) -> bool:
    for cell in _cells(row):
        folded = _fold(cell)
        if folded.startswith(_FOOTER_START) or _DATE_LINE.search(folded):
            return True
    return False


@dataclass(frozen=True)
class Layout:
    """Where the records are, as row indexes (0-based) of the rows given.

    Attributes:
        header: the header row.
        numbering: the column-numbering row under the header, if any.
        footer_start: the first row of the footer (an index among all rows; rows from it
            on are not records), or None.
        serial_columns: positions of serial-number columns to drop.
        titles: (row, text) of the title and reference lines above the header.
        known: how many header cells are known column names (below 2: no header found).
    """

    header: int
    numbering: int | None = None
    footer_start: int | None = None
    serial_columns: tuple[int, ...] = ()
    titles: tuple[tuple[int, str], ...] = field(default_factory=tuple)
    known: int = 0


def _id_columns(header: Row) -> tuple[int, ...]:
    ids = {header_key(n) for c in _ID_CANONICAL for n in (c, *ALIASES.get(c, ()))}
    return tuple(i for i, cell in enumerate(header) if cell is not None and header_key(cell) in ids)


def _footer_start(
    tail: Sequence[Row], offset: int, body_start: int, id_columns: tuple[int, ...]
) -> int | None:
    """First footer row (an index among all rows), or the first of the trailing empty rows."""

    def has_id(row: Row) -> bool:
        return any(i < len(row) and (row[i] or "").strip() for i in id_columns)

    top: int | None = None
    i = len(tail) - 1
    while i >= 0 and offset + i >= body_start:
        row = tail[i]
        if _is_footer_line(row) and not (has_id(row) and not _is_footer_cells(row, id_columns)):
            top = i
        elif len(_cells(row)) > 2:
            break  # a record: short rows (a signer's name) only count below a footer line
        i -= 1
    if top is None:  # no signature or total: only the trailing empty rows
        top = len(tail)
    while top - 1 >= 0 and offset + top - 1 >= body_start and not _cells(tail[top - 1]):
        top -= 1
    return offset + top if top < len(tail) else None


def _is_footer_cells(row: Row, columns: tuple[int, ...]) -> bool:
    """Tell whether the id cells themselves hold footer words (``Tổng cộng`` as the id)."""
    return any(i < len(row) and row[i] and _is_footer_line([row[i]]) for i in columns)


def find_layout(head: Sequence[Row], tail: Sequence[Row], tail_offset: int = 0) -> Layout:
    """Find the header in ``head`` (the first rows) and the footer in ``tail`` (the last rows).

    ``tail_offset`` is the index of ``tail[0]`` among all rows, so that ``footer_start`` is an
    index among all rows. When no row has two known column names the first row is the header
    (the reader then reports the missing columns by name).

    Example:
        >>> find_layout([["Mã hồ sơ", "Họ tên"], ["R1", "An"]], [["R1", "An"]], 1).header
        0
    """
    scores = [_known_count(row) for row in head[:HEAD_ROWS]]
    best = max(scores, default=0)
    header = scores.index(best) if best >= 2 else 0
    titles = tuple((i, " ".join(_cells(row))) for i, row in enumerate(head[:header]) if _cells(row))
    header_row = head[header] if head else []
    numbering = header + 1 if len(head) > header + 1 and _is_numbering(head[header + 1]) else None
    serial = tuple(
        i for i, cell in enumerate(header_row) if cell is not None and is_serial_header(cell)
    )
    body_start = (numbering if numbering is not None else header) + 1
    footer = _footer_start(tail, tail_offset, body_start, _id_columns(header_row))
    return Layout(header, numbering, footer, serial, titles, best)
