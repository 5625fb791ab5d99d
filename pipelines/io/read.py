"""Read the raw input files (csv, parquet, xlsx) into all-text frames.

Only this module opens input files. Every value comes back as ``pl.String`` with its raw
text kept, except that an all-whitespace value becomes null.

Example:
    >>> from pathlib import Path
    >>> sorted(find_inputs(Path("tests/fixtures/raw")))  # doctest: +SKIP
    ['residents']
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.errors import InputError
from pipelines.io.layout import HEAD_ROWS, TAIL_ROWS, Layout, find_layout
from pipelines.privacy import redacted
from pipelines.vn.legacy import cp1258_decoded, tcvn3_decoded, vietnamese_share, vni_decoded

__all__ = [
    "FORMATS",
    "SOURCES",
    "RawTable",
    "find_inputs",
    "read_source",
    "read_table",
    "xlsx_grids",
]

SOURCES: tuple[str, ...] = ("residents", "civil_events", "insurance")
"""The three registers, in the order a run processes them."""

FORMATS: dict[str, str] = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
"""Accepted file suffixes and the format name each one means."""

_SEPARATORS = (",", ";", "\t")
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"


@dataclass(frozen=True)
class RawTable:
    """One raw input file read as text.

    Attributes:
        source: register name (``residents``, ``civil_events``, ``insurance``).
        path: the file read.
        format: ``csv``, ``parquet`` or ``xlsx``.
        frame: the rows, every column ``pl.String``, original headers.
        sha256: hex digest of the file's bytes.
        encoding: text encoding of a csv file (``utf-8``, ``utf-8-sig``, ``utf-16-le``,
            ``utf-16-be``); ``None`` for binary formats.
    """

    source: str
    path: Path
    format: str
    frame: pl.DataFrame
    sha256: str
    encoding: str | None = None
    layout: dict[str, Any] = field(default_factory=dict)
    """Where the records were found: header row, sheets, skipped rows and why, ignored
    serial columns (recorded in the manifest)."""


def _accepted() -> str:
    return ", ".join(FORMATS)


def find_inputs(raw: Path) -> dict[str, Path]:
    r"""Return the input file of each source present in ``raw``, in source order.

    Files that are not named after a source, and sub-folders such as ``_truth/``, are
    ignored. Raises :class:`InputError` if the folder is missing, holds no input file, holds
    a source file of an unknown format, or holds two files for one source.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "residents.csv").write_text("record_id\n")
        >>> find_inputs(d) == {"residents": d / "residents.csv"}
        True
    """
    if not raw.is_dir():
        raise InputError(f"{raw}: input folder not found")
    found: dict[str, list[Path]] = {s: [] for s in SOURCES}
    for path in sorted(raw.iterdir()):
        if not path.is_file():
            continue
        if path.stem not in found:
            continue
        if path.suffix.lower() not in FORMATS:
            raise InputError(
                f"{path}: unknown input format {path.suffix or '(no suffix)'!r}; "
                f"accepted: {_accepted()}"
            )
        found[path.stem].append(path)
    for source, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            raise InputError(f"{raw}: two files for source {source!r}: {names}; keep only one")
    result = {s: p[0] for s, p in found.items() if p}
    if not result:
        raise InputError(
            f"{raw}: no input files; expected one or more of "
            + ", ".join(f"{s}.{{csv,parquet,xlsx}}" for s in SOURCES)
        )
    return result


_LEGACY: Final = (
    ("windows-1258", cp1258_decoded),
    ("tcvn3", tcvn3_decoded),
    ("vni-windows", vni_decoded),
)
"""8-bit encodings tried, in this order, on a CSV file that is not UTF-8 or UTF-16."""

_LEGACY_MIN_SHARE: Final = 0.85
"""Least share of non-ASCII words that must read as Vietnamese for an encoding to explain a file."""

_SAMPLE: Final = 1 << 20


def _is_utf8(data: bytes) -> int | None:
    """Return None if ``data`` is valid UTF-8, else the offset of the first bad byte.

    Checked in chunks so that no text copy of a large file is held.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 24
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start : start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


def _legacy_sample(data: bytes) -> bytes:
    """Return the lines of ``data`` with non-ASCII bytes (about a megabyte of them).

    Those lines are what tells the encodings apart.
    """
    lines = [line for line in data.split(b"\n", 200_000) if any(b > 0x7F for b in line)]
    out, size = [], 0
    for line in lines:
        out.append(line)
        size += len(line)
        if size > _SAMPLE:
            break
    return b"\n".join(out)


def _decode_legacy(path: Path, data: bytes, bad: int) -> tuple[bytes, str]:
    """Decode an 8-bit Vietnamese file (Windows-1258, TCVN3 or VNI-Windows) to UTF-8 bytes.

    The encoding whose decoding reads most like Vietnamese wins (it must explain at least
    :data:`_LEGACY_MIN_SHARE` of the words with accented letters); otherwise the file is
    refused, naming the encodings tried and the first line none of them explains.
    """
    sample = _legacy_sample(data)
    shares = {name: vietnamese_share(decode(sample)) for name, decode in _LEGACY}
    best = max(shares, key=lambda name: shares[name])
    if shares[best] >= _LEGACY_MIN_SHARE:
        text = dict(_LEGACY)[best](data)
        return text.encode("utf-8"), best
    line = data[:bad].count(b"\n") + 1
    tried = ", ".join(f"{name} ({shares[name]:.0%} Vietnamese)" for name, _ in _LEGACY)
    raise InputError(
        f"{path}: line {line}: not valid UTF-8 text (byte {bad + 1}), and no 8-bit Vietnamese "
        f"encoding explains the file (tried UTF-8, UTF-16, {tried}); save it as CSV UTF-8 "
        "and try again"
    )


def _decode(path: Path, data: bytes) -> tuple[bytes, str]:
    """Return (UTF-8 bytes without BOM, detected encoding) of csv bytes.

    UTF-16 (LE/BE, with BOM, as Excel writes it) is re-encoded to UTF-8; UTF-8 (with or
    without BOM) is passed through; anything else is tried as an 8-bit Vietnamese encoding
    (Windows-1258, TCVN3, VNI-Windows) and converted to NFC UTF-8.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return data[2:].decode(encoding).encode("utf-8"), encoding
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not valid {encoding.upper()} text (byte {exc.start + 3}); "
                "save the file as CSV UTF-8 and try again"
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        body, encoding = data[3:], "utf-8-sig"
    else:
        body, encoding = data, "utf-8"
    bad = _is_utf8(body)
    if bad is None:
        return body, encoding
    return _decode_legacy(path, body, bad)


def _rows_of(text: str, separator: str, limit: int) -> list[tuple[list[str], int]]:
    """Parse up to ``limit`` CSV rows of ``text``: (cells, 0-based line where the row starts)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[tuple[list[str], int]] = []
    start = 0
    try:
        for record in reader:
            rows.append((record, start))
            start = reader.line_num
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # a cut-off quote at the end of the sample: enough rows were read
    return rows


def _one_row(line: str, separator: str) -> list[str]:
    """Parse one line as a CSV row; a line the csv module rejects is split plainly."""
    try:
        return next(csv.reader([line], delimiter=separator), [])
    except csv.Error:
        return line.split(separator)


def _head_text(body: bytes) -> str:
    return body[: 1 << 16].decode("utf-8", errors="replace")


def _sniff_separator(body: bytes) -> str:
    """Return the separator that makes the best header row among the first lines.

    The header is the row with the most known column names (a title line above it has one
    field whatever the separator); ties go to the separator giving that row most fields, then
    to the comma.
    """
    head = _head_text(body)

    def score(sep: str) -> tuple[int, int, bool]:
        rows = [r for r, _ in _rows_of(head, sep, HEAD_ROWS)]
        if not rows:
            return (0, 0, sep == ",")
        lay = find_layout(rows, [])
        return (lay.known, len(rows[lay.header]), sep == ",")

    return max(_SEPARATORS, key=score)


def _locate_ragged(path: Path, body: bytes, separator: str, n_columns: int) -> InputError | None:
    """Return the error naming the first line whose field count differs, if any.

    Error path only: a streaming pass with Python's ``csv`` module, which respects quotes.
    """
    text = body.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    start = 1
    try:
        for record in reader:
            if record and len(record) != n_columns:
                return InputError(
                    f"{path}: line {start} has {len(record)} fields but the header has "
                    f"{n_columns}; fix the quoting or the separators on that line"
                )
            start = reader.line_num + 1
    except csv.Error:
        return _locate_bad_quote(path, body, separator)
    return None


def _locate_bad_quote(path: Path, body: bytes, separator: str) -> InputError | None:
    """Return the error naming the line of the first badly quoted field, if any (error path)."""
    text = body.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        return InputError(
            f"{path}: line {start}: a quoted field is not closed, or a quote stands inside an "
            'unquoted field; fix the quotes on that line (a quote inside a field is written "")'
        )
    return None


_BLANK_LINE = re.compile(rb"\n(?=\r?\n)")


def _check_fields(path: Path, body: bytes, separator: str, frame: pl.DataFrame) -> None:
    """Raise if some line has fewer fields than the header (polars fills those silently).

    No per-row Python: the separators in the file minus those inside parsed values must be
    ``(lines - blank lines) * (columns - 1)``. Only when the totals disagree is the file
    scanned line by line to name the first bad line.
    """
    n_columns = frame.width
    if n_columns <= 1:
        return
    inside = frame.select(
        pl.sum_horizontal(
            pl.col(c).str.count_matches(separator, literal=True).sum() for c in frame.columns
        )
    ).item()
    inside = int(inside or 0) + sum(c.count(separator) for c in frame.columns)
    seps = body.count(separator.encode()) - inside
    blank = len(_BLANK_LINE.findall(body))
    if seps != (frame.height + 1 - blank) * (n_columns - 1):
        error = _locate_ragged(path, body, separator, n_columns)
        if error is not None:
            raise error


def _line_offset(body: bytes, line: int) -> int:
    """Byte offset where 0-based ``line`` of ``body`` starts."""
    offset = 0
    for _ in range(line):
        offset = body.index(b"\n", offset) + 1
    return offset


def _duplicate_headers(path: Path, names: Sequence[str | None], where: str = "") -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        key = (name or "").strip()
        if not key:
            continue
        if key in seen:
            raise InputError(
                f"{path}{where}: columns {seen[key]} and {i} are both named {key!r}; which one "
                "holds the data? Rename or remove one"
            )
        seen[key] = i


def _layout_record(lay: Layout, names: Sequence[str | None], footer_rows: int) -> dict[str, Any]:
    """Return what the manifest says about a table's layout (1-based rows, as a sheet shows)."""
    skipped: list[dict[str, Any]] = [
        {"row": i + 1, "reason": "title or reference line above the header", "text": text[:120]}
        for i, text in lay.titles
    ]
    if lay.numbering is not None:
        skipped.append({"row": lay.numbering + 1, "reason": "column numbering under the header"})
    if footer_rows:
        skipped.append(
            {"row": (lay.footer_start or 0) + 1, "rows": footer_rows,
             "reason": "signature, total or empty lines after the records"}
        )  # fmt: skip
    return {
        "header_row": lay.header + 1,
        "skipped_rows": skipped,
        "ignored_columns": [names[i] for i in lay.serial_columns if names[i]],
    }


def _read_csv(path: Path, data: bytes) -> tuple[pl.DataFrame, str, dict[str, Any]]:
    body, encoding = _decode(path, data)
    if not body.strip():
        raise InputError(f"{path}: the file is empty; expected a header line and rows")
    # Trailing blank lines would become empty rows: end the text with exactly one newline.
    body = body.rstrip(b"\r\n") + b"\n"
    separator = _sniff_separator(body)
    head = _rows_of(_head_text(body), separator, HEAD_ROWS)
    n_lines = body.count(b"\n")
    tail_start = _line_offset(body, max(n_lines - TAIL_ROWS, 0))
    tail_lines = body[tail_start:].decode("utf-8", errors="replace").split("\n")[:-1]
    tail = [_one_row(line, separator) for line in tail_lines]
    lay = find_layout([r for r, _ in head], tail, n_lines - len(tail))
    header_line = head[lay.header][1] if head else 0
    names = head[lay.header][0] if head else []
    _duplicate_headers(path, names)
    end = _line_offset(body, lay.footer_start) if lay.footer_start is not None else len(body)
    footer_rows = n_lines - lay.footer_start if lay.footer_start is not None else 0
    table = body[_line_offset(body, header_line) : end]
    if lay.numbering is not None:
        first = table.index(b"\n") + 1
        second = table.index(b"\n", first) + 1
        table = table[:first] + table[second:]
    try:
        frame = pl.read_csv(
            table,
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except pl.exceptions.ComputeError as exc:
        if "more fields" in str(exc):
            first_line = table.split(b"\n", 1)[0].decode("utf-8", errors="replace")
            n_columns = len(_one_row(first_line, separator))
            error = _locate_ragged(path, table, separator, n_columns)
            if error is not None:
                raise error from None
        error = _locate_bad_quote(path, table, separator)
        raise error or InputError(f"{path}: cannot read as CSV: {redacted(str(exc))}") from None
    except pl.exceptions.NoDataError:
        raise InputError(f"{path}: the file is empty; expected a header line and rows") from None
    _check_fields(path, table, separator, frame)
    frame = frame.drop([frame.columns[i] for i in lay.serial_columns if i < frame.width])
    return frame, encoding, _layout_record(lay, names, footer_rows)


def _text_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    """Return column ``name`` as sensible text (integral floats without ``.0``)."""
    col = pl.col(name)
    if dtype.is_float():
        integral = (col == col.round()) & (col.abs() < 1e15)
        return (
            pl.when(integral)
            .then(col.cast(pl.Int64).cast(pl.String))
            .otherwise(col.cast(pl.String))
            .alias(name)
        )
    return col.cast(pl.String).alias(name)


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several kinds for a broken file
        raise InputError(f"{path}: cannot read as Parquet: {redacted(str(exc))}") from None
    if frame.width == 0:
        raise InputError(f"{path}: the file is empty; expected columns and rows")
    try:
        return frame.select(_text_expr(n, d) for n, d in frame.schema.items())
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: a column cannot be read as text: {redacted(str(exc))}") from None


def _sheet_table(
    path: Path, name: str, grid: pl.DataFrame
) -> tuple[pl.DataFrame, dict[str, Any]] | None:
    """Return the records of one sheet read without a header (None: no known header)."""
    grid = grid.with_columns(pl.all().cast(pl.String).str.replace(_MIDNIGHT, "$1"))
    head = grid.head(HEAD_ROWS).rows()
    tail_frame = grid.tail(TAIL_ROWS)
    offset = grid.height - tail_frame.height
    lay = find_layout(head, tail_frame.rows(), offset)
    if lay.known < 2:
        return None
    names = list(head[lay.header])
    _duplicate_headers(path, names, f" (sheet {name!r})")
    start = (lay.numbering if lay.numbering is not None else lay.header) + 1
    end = lay.footer_start if lay.footer_start is not None else grid.height
    columns = [
        (c or "").strip() or f"column_{i + 1}"
        for i, c in enumerate(names)
        if i not in lay.serial_columns
    ]
    keep = [grid.columns[i] for i in range(len(names)) if i not in lay.serial_columns]
    body = grid.slice(start, max(end - start, 0)).select(keep)
    body = body.rename(dict(zip(keep, columns, strict=True)))
    record = {"sheet": name, **_layout_record(lay, names, grid.height - end)}
    return body, record


def xlsx_grids(path: Path) -> dict[str, pl.DataFrame]:
    """Return every sheet of an Excel file as a grid of text cells, no header, nothing dropped.

    Row numbers stay those a steward sees in the sheet. Raises :class:`InputError` naming the
    file (without its cell values) when it cannot be read.
    """
    try:
        return pl.read_excel(
            path,
            sheet_id=0,
            engine="calamine",
            has_header=False,
            infer_schema_length=0,
            raise_if_empty=False,
            drop_empty_rows=False,
            drop_empty_cols=False,
        )
    except Exception as exc:  # fastexcel raises its own error types
        raise InputError(f"{path}: cannot read as Excel (.xlsx): {redacted(str(exc))}") from None


def _read_xlsx(path: Path, sheet: str | None = None) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Read every sheet with a recognisable header (or only ``sheet``) as one table."""
    sheets = xlsx_grids(path)
    if sheet is not None:
        if sheet not in sheets:
            listed = ", ".join(repr(n) for n in sheets)
            raise InputError(f"{path}: no sheet named {sheet!r}; the sheets are {listed}")
        sheets = {sheet: sheets[sheet]}
    tables, records, unread = [], [], []
    for name, grid in sheets.items():
        found = _sheet_table(path, name, grid) if grid.height else None
        if found is None:
            unread.append(name)
            continue
        tables.append(found[0])
        records.append(found[1])
    if not tables:
        if all(g.height == 0 for g in sheets.values()):
            raise InputError(f"{path}: the sheets are empty; expected a header row")
        # no sheet has a known header: read the first one as a plain table, so that the
        # missing columns are reported by name
        first = next(g for g in sheets.values() if g.height)
        grid = first.with_columns(pl.all().cast(pl.String))
        names = [(c or "").strip() or f"column_{i + 1}" for i, c in enumerate(grid.row(0))]
        _duplicate_headers(path, names)
        frame = grid.slice(1).rename(dict(zip(grid.columns, names, strict=True)))
        return frame, {"sheets": [], "sheets_without_header": unread}
    if len(tables) > 1:
        tables = [
            t.with_columns(pl.lit(r["sheet"], dtype=pl.String).alias("source_sheet"))
            for t, r in zip(tables, records, strict=True)
        ]
    frame = pl.concat(tables, how="diagonal")
    return frame, {"sheets": records, "sheets_without_header": unread}


def read_table(path: Path, sheet: str | None = None) -> tuple[pl.DataFrame, str, str | None, str]:
    r"""Return ``(frame, format, encoding, sha256)`` of one input file, all values as text.

    All-whitespace values become null; other values keep their raw text (leading zeros,
    spacing). Raises :class:`InputError` naming the file and the problem.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "residents.csv"
        >>> _ = p.write_text("record_id,personal_id\nR1,001203012345\n", encoding="utf-8")
        >>> frame, fmt, enc, _ = read_table(p)
        >>> frame.row(0), fmt, enc
        (('R1', '001203012345'), 'csv', 'utf-8')
    """
    table = _read(path, sheet)
    return table.frame, table.format, table.encoding, table.sha256


def _read(path: Path, sheet: str | None, source: str = "") -> RawTable:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown input format {path.suffix!r}; accepted: {_accepted()}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        raise InputError(f"{path}: the file is empty")
    encoding: str | None = None
    layout: dict[str, Any] = {}
    if fmt == "csv":
        frame, encoding, layout = _read_csv(path, data)
    elif fmt == "parquet":
        frame = _read_parquet(path)
    else:
        frame, layout = _read_xlsx(path, sheet)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in frame.columns
    )
    return RawTable(source, path, fmt, frame, digest, encoding, layout)


def read_source(source: str, path: Path, sheet: str | None = None) -> RawTable:
    r"""Read the input file of one source into a :class:`RawTable`.

    ``sheet`` names the one sheet to read in an ``.xlsx`` file (default: every sheet whose
    header is recognisable).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "residents.csv"
        >>> _ = p.write_text("ID,Họ và tên\nR1,An\n", encoding="utf-8")
        >>> read_source("residents", p).frame.columns
        ['ID', 'Họ và tên']
    """
    return _read(path, sheet, source)
