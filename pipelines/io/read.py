"""Read the raw input files (csv, parquet, xlsx) into all-text frames.

Only this module opens input files. Every value comes back as ``pl.String`` with its raw
text kept, except that an all-whitespace value becomes null.

Example:
    >>> from pathlib import Path
    >>> sorted(find_inputs(Path("tests/fixtures/raw")))  # doctest: +SKIP
    ['residents']
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.errors import InputError

__all__ = ["FORMATS", "SOURCES", "RawTable", "find_inputs", "read_source", "read_table"]

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


def _utf8_error(path: Path, body: bytes, encoding: str) -> InputError:
    """Return the error for bytes that are not valid UTF-8, naming the first bad line."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        return InputError(
            f"{path}: line {line}: not valid UTF-8 text (byte {exc.start + 1}); the file is "
            "probably in another encoding: save it as CSV UTF-8 and try again"
        )
    return InputError(f"{path}: not valid {encoding} text; save it as CSV UTF-8 and try again")


def _decode(path: Path, data: bytes) -> tuple[bytes, str]:
    """Return (UTF-8 bytes without BOM, detected encoding) of csv bytes.

    UTF-16 (LE/BE, with BOM, as Excel writes it) is re-encoded to UTF-8; UTF-8 is passed
    through unchecked here (the CSV parser validates it).
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
        return data[3:], "utf-8-sig"
    return data, "utf-8"


def _sniff_separator(body: bytes) -> str:
    """Return the separator most frequent in the header line (comma on a tie)."""
    header = body.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return max(_SEPARATORS, key=lambda sep: (header.count(sep), sep == ","))


def _locate_ragged(path: Path, body: bytes, separator: str, n_columns: int) -> InputError | None:
    """Return the error naming the first line whose field count differs, if any.

    Error path only: a streaming pass with Python's ``csv`` module, which respects quotes.
    """
    text = body.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    start = 1
    for record in reader:
        if record and len(record) != n_columns:
            return InputError(
                f"{path}: line {start} has {len(record)} fields but the header has "
                f"{n_columns}; fix the quoting or the separators on that line"
            )
        start = reader.line_num + 1
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


def _read_csv(path: Path, data: bytes) -> tuple[pl.DataFrame, str]:
    body, encoding = _decode(path, data)
    if not body.strip():
        raise InputError(f"{path}: the file is empty; expected a header line and rows")
    # Trailing blank lines would become empty rows: end the text with exactly one newline.
    body = body.rstrip(b"\r\n") + b"\n"
    separator = _sniff_separator(body)
    try:
        frame = pl.read_csv(
            body,
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            raise _utf8_error(path, body, encoding) from None
        if "more fields" in str(exc):
            first = body.split(b"\n", 1)[0].decode("utf-8", errors="replace")
            n_columns = len(next(csv.reader([first], delimiter=separator)))
            error = _locate_ragged(path, body, separator, n_columns)
            raise error or InputError(f"{path}: cannot read as CSV: {exc}") from None
        raise InputError(f"{path}: cannot read as CSV: {exc}") from None
    except pl.exceptions.NoDataError:
        raise InputError(f"{path}: the file is empty; expected a header line and rows") from None
    _check_fields(path, body, separator, frame)
    return frame, encoding


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
        raise InputError(f"{path}: cannot read as Parquet: {exc}") from None
    if frame.width == 0:
        raise InputError(f"{path}: the file is empty; expected columns and rows")
    try:
        return frame.select(_text_expr(n, d) for n, d in frame.schema.items())
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: a column cannot be read as text: {exc}") from None


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0, raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise InputError(f"{path}: the first sheet is empty; expected a header row") from None
    except Exception as exc:  # fastexcel raises its own error types
        raise InputError(f"{path}: cannot read as Excel (.xlsx): {exc}") from None
    # Date cells come back as "YYYY-MM-DD 00:00:00": keep the date part only.
    return frame.with_columns(pl.all().cast(pl.String).str.replace(_MIDNIGHT, "$1"))


def read_table(path: Path) -> tuple[pl.DataFrame, str, str | None, str]:
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
    if fmt == "csv":
        frame, encoding = _read_csv(path, data)
    elif fmt == "parquet":
        frame = _read_parquet(path)
    else:
        frame = _read_xlsx(path)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in frame.columns
    )
    return frame, fmt, encoding, digest


def read_source(source: str, path: Path) -> RawTable:
    r"""Read the input file of one source into a :class:`RawTable`.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "residents.csv"
        >>> _ = p.write_text("ID,Họ và tên\nR1,An\n", encoding="utf-8")
        >>> read_source("residents", p).frame.columns
        ['ID', 'Họ và tên']
    """
    frame, fmt, encoding, digest = read_table(path)
    return RawTable(source, path, fmt, frame, digest, encoding)
