"""Write a worklist workbook: a summary sheet first, then a printable data sheet.

The workbook frame (styles, page setup, header row, the summary) comes from xlsxwriter; the
data rows are rendered as sheet XML by Polars, in chunks, and streamed into the file, so a
province of a million findings is written in seconds. Text cells are inline strings in a text
("@") format, never formulas (DESIGN §9); count columns are numbers.

Both sheets print on A4 landscape, fitted to the page width; the data sheet repeats its header
row on every page, wraps long text and is frozen and filtered below the header. A column may
offer a drop-down list of choices (the steward's status or decision) or be hidden (keys dancu
reads back); further data sheets (:class:`DataSheet`) follow the first with the same layout.

Example:
    >>> import tempfile
    >>> cols = [Column("Mã", 10), Column("Vấn đề", 30, "wrap"), Column("Số", 8, "int")]
    >>> rows = pl.DataFrame({"a": ["R1"], "b": ["=1+1"], "c": [2]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = Path(d) / "x.xlsx"
    ...     write_workbook(path, Sheet("Tóm tắt", [SummaryLine("title", ("T",))], (20,)),
    ...                    "Danh sách", cols, rows, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    ...     sorted(n for n in zipfile.ZipFile(path).namelist() if "worksheets/sheet" in n)
    ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, Literal

import polars as pl
import xlsxwriter

__all__ = ["Column", "DataSheet", "Sheet", "SummaryLine", "write_workbook"]

Kind = Literal["text", "wrap", "int", "pct"]


@dataclass(frozen=True)
class Column:
    """A data column: its header, width (characters) and kind.

    Kinds: plain text, wrapped text, integer, a share shown as a percentage. ``choices``
    make a drop-down list of the values a person may enter; ``hidden`` columns carry keys for
    dancu to read back.
    """

    header: str
    width: float
    kind: Kind = "text"
    choices: tuple[str, ...] = ()
    hidden: bool = False


@dataclass(frozen=True)
class DataSheet:
    """A further data sheet: its name, columns and rows (as for the first data sheet)."""

    name: str
    columns: Sequence[Column]
    rows: pl.DataFrame


@dataclass(frozen=True)
class SummaryLine:
    """A line of the summary sheet.

    ``style``: ``title`` (large, bold), ``field`` (bold label, then values), ``head`` (table
    header), ``row`` or ``total`` (bold), ``blank``. Integers are written as numbers.
    """

    style: Literal["title", "field", "head", "row", "total", "blank"]
    cells: tuple[str | int | None, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """The summary sheet: its name, lines and column widths; ``wrap`` columns wrap their text."""

    name: str
    lines: Sequence[SummaryLine]
    widths: Sequence[float]
    wrap: frozenset[int] = frozenset()


_CHUNK_ROWS: Final = 50_000
_CONTROLS: Final = [chr(i) for i in [*range(0x00, 0x09), *range(0x0B, 0x20), 0xFFFE, 0xFFFF]]
_XML_ESCAPES: Final = {
    "_x": "_x005F_x",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    **{c: f"_x{ord(c):04X}_" for c in _CONTROLS},
}
_ZIP32_LIMIT = zipfile.ZIP64_LIMIT  # bytes of one entry without zip64 extensions
_CELL_MARKUP_BYTES: Final = 90
_ESCAPE_GROWTH: Final = 7  # "\x01" (1 byte) becomes "_x0001_" (7 bytes), the worst case
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
_A4: Final = 9


def _xml_text(expr: pl.Expr) -> pl.Expr:
    r"""Return ``expr`` escaped for an XML text node the way Excel reads it, in one pass.

    ``&<>`` become entities; control characters become Excel's ``_xHHHH_`` escapes, and every
    literal ``_x`` becomes ``_x005F_x`` (an escaped ``_``), so no text is read as an escape.

    Example:
        >>> pl.select(_xml_text(pl.lit("<a>&_x0041_\x01"))).item()
        '&lt;a&gt;&amp;_x005F_x0041__x0001_'
    """
    return expr.str.replace_many(_XML_ESCAPES)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_xml(name: str, letter: str, number: pl.Expr, style: int, kind: Kind) -> pl.Expr:
    """Return the ``<c>`` element of column ``name`` (null where there is no value)."""
    value = pl.col(name)
    if kind in ("int", "pct"):
        text = value.cast(pl.Int64 if kind == "int" else pl.Float64).cast(pl.String)
        return pl.concat_str(
            pl.lit(f'<c r="{letter}'), number, pl.lit(f'" s="{style}"><v>'),
            text, pl.lit("</v></c>"),
        )  # fmt: skip
    preserve = value.str.strip_chars() != value
    return pl.concat_str(
        pl.lit(f'<c r="{letter}'),
        number,
        pl.lit(f'" s="{style}" t="inlineStr"><is><t'),
        pl.when(preserve).then(pl.lit(' xml:space="preserve">')).otherwise(pl.lit(">")),
        _xml_text(value),
        pl.lit("</t></is></c>"),
    )


def _write_rows_xml(
    out: IO[bytes], rows: pl.DataFrame, styles: Sequence[int], columns: Sequence[Column]
) -> None:
    """Write the ``<row>`` elements of ``rows`` (sheet rows 2 on) to ``out``, chunk by chunk."""
    for start in range(0, rows.height, _CHUNK_ROWS):
        chunk = rows.slice(start, _CHUNK_ROWS)
        number = pl.int_range(start + 2, start + 2 + chunk.height).cast(pl.String)
        cells = [
            _cell_xml(name, _column_letter(i), number, styles[i], columns[i].kind)
            for i, name in enumerate(rows.columns)
        ]
        row = pl.concat_str(
            pl.lit('<row r="'), number, pl.lit('">'), *cells, pl.lit("</row>"), ignore_nulls=True
        )
        chunk.select(row).write_csv(out, include_header=False, quote_style="never")


def _print_setup(sheet: Any, repeat_header: bool) -> None:
    """A4 landscape, fitted to one page wide, page numbers in the footer."""
    sheet.set_landscape()
    sheet.set_paper(_A4)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&C&P / &N")
    if repeat_header:
        sheet.repeat_rows(0)


def _summary_sheet(book: Any, sheet: Sheet, formats: dict[str, Any]) -> None:
    ws = book.add_worksheet(sheet.name)
    for i, width in enumerate(sheet.widths):
        ws.set_column(i, i, width, formats["wrap"] if i in sheet.wrap else formats["text"])
    for r, line in enumerate(sheet.lines):
        if line.style == "title":
            ws.set_row(r, 24)
        for c, cell in enumerate(line.cells):
            style = {"field": "label" if c == 0 else "text", "row": "text"}.get(
                line.style, line.style
            )
            if style == "text" and c in sheet.wrap:
                style = "wrap"
            if isinstance(cell, int) and not isinstance(cell, bool):
                ws.write_number(
                    r, c, cell, formats["total_int" if line.style == "total" else "int"]
                )
            elif cell is not None:
                ws.write_string(r, c, str(cell), formats[style])
    _print_setup(ws, repeat_header=False)


def _data_sheet(book: Any, sheet: DataSheet, formats: dict[str, Any], lang_hint: str) -> None:
    """Add a data sheet's frame: widths, header, frozen and filtered, drop-downs, print setup."""
    ws = book.add_worksheet(sheet.name)
    rows = sheet.rows.height
    for i, col in enumerate(sheet.columns):
        ws.set_column(i, i, col.width, formats[col.kind], {"hidden": col.hidden})
        ws.write_string(0, i, col.header, formats["head"])
        if col.choices:
            ws.data_validation(
                1, i, max(rows, 1), i,
                {"validate": "list", "source": list(col.choices), "ignore_blank": True,
                 "error_type": "stop", "error_message": lang_hint},
            )  # fmt: skip
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(rows, 1), len(sheet.columns) - 1)
    _print_setup(ws, repeat_header=True)


def _workbook_frame(
    summary: Sheet, data: Sequence[DataSheet], created: dt.datetime
) -> tuple[bytes, list[list[int]]]:
    """Return an xlsx with the summary and the data sheets' headers, and each column's style."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(buffer, {**options, "strings_to_urls": False})
    book.set_properties({"created": created})
    text = {"num_format": 49, "quote_prefix": True, "valign": "top"}  # 49 is "@", text
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "label": book.add_format({**text, "bold": True}),
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                 "text_wrap": True, "valign": "top"}),
        "text": book.add_format(text),
        "wrap": book.add_format({**text, "text_wrap": True}),
        "int": book.add_format({"num_format": "#,##0", "valign": "top"}),
        "total": book.add_format({**text, "bold": True}),
        "total_int": book.add_format({"num_format": "#,##0", "bold": True, "valign": "top"}),
        "pct": book.add_format({"num_format": "0.0%", "valign": "top"}),
    }  # fmt: skip
    _summary_sheet(book, summary, formats)
    hint = "Chọn một giá trị trong danh sách / choose a value from the list"
    for sheet in data:
        _data_sheet(book, sheet, formats, hint)
    book.close()
    styles = [[int(formats[c.kind].xf_index) for c in sheet.columns] for sheet in data]
    return buffer.getvalue(), styles


def _may_pass_zip32(rows: pl.DataFrame) -> bool:
    """Return True when the sheet XML of ``rows`` could reach the 2 GiB limit of a plain zip."""
    values = (
        rows.select(pl.all().cast(pl.String).str.len_bytes().sum()).sum_horizontal().item() or 0
    )
    bound = _ESCAPE_GROWTH * values + _CELL_MARKUP_BYTES * rows.height * (rows.width + 1)
    return bool(bound >= _ZIP32_LIMIT)


def write_workbook(
    path: Path,
    summary: Sheet,
    data_sheet: str,
    columns: Sequence[Column],
    rows: pl.DataFrame,
    created: dt.datetime,
    *,
    more: Sequence[DataSheet] = (),
) -> None:
    """Write ``path``: the ``summary`` sheet first, then ``rows`` under ``columns``' headers.

    ``rows`` has one column per :class:`Column`, in order: strings, integers for ``int``,
    shares (0–1) for ``pct``. ``more`` are further data sheets, after the first. The same
    inputs give byte-identical files (fixed zip dates, ``created`` as the date).
    """
    data = [DataSheet(data_sheet, columns, rows), *more]
    frame, styles = _workbook_frame(summary, data, created)
    sheets = {f"xl/worksheets/sheet{i + 2}.xml": i for i in range(len(data))}
    with (
        zipfile.ZipFile(io.BytesIO(frame)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename not in sheets:
                target.writestr(entry, content)
                continue
            sheet = data[sheets[info.filename]]
            body = sheet.rows
            last = f"{_column_letter(body.width - 1)}{body.height + 1}"
            head, tail = content.decode().split("</sheetData>")
            head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head)
            with target.open(entry, "w", force_zip64=_may_pass_zip32(body)) as out:
                out.write(head.encode())
                _write_rows_xml(out, body, styles[sheets[info.filename]], sheet.columns)
                out.write(("</sheetData>" + tail).encode())
