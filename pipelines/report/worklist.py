"""The stewards' worklist: one Excel file per province, most urgent problems first.

Each finding becomes one row with Vietnamese headers (English with ``lang="en"``) and a
plain-words message. Rows are sorted by the rule's priority (1 = legal or financial harm first),
then records with more findings first, then register, record id and rule. The files stay on the
machine (``data/clean/reports/worklist/``), so they hold full values; every value is written as
a text cell (never a formula) and the columns are formatted as text, so a raw value such as
``=HYPERLINK(…)`` or ``@SUM(…)`` cannot run even after it is edited (DESIGN §9).

Writing is fast: the workbook frame (styles, header, summary sheet) comes from xlsxwriter and
the data rows are rendered as sheet XML by Polars, in chunks, then streamed into the file.

Example:
    >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "person_id": ["P1"],
    ...     "rule": ["phone.invalid"], "dimension": ["dung"], "column": ["phone"],
    ...     "value": ["=1+1"], "message": ["phone is not valid"], "province_code": ["01"]})
    >>> worklist_rows(f).row(0)[:3]
    ('3 – thiếu, sai dạng, chưa liên kết', 'Dân cư', 'R1')
    >>> worklist_file_stem("01", "vi"), worklist_file_stem(None, "en")
    ('01-ha-noi', 'no-province')
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Final

import polars as pl
import xlsxwriter

from pipelines.report.texts import (
    column_label,
    dimension_label,
    rule_meaning,
    rule_message,
    source_label,
)
from pipelines.rules import RULES, priority_label
from pipelines.vn.admin_units import current_provinces
from pipelines.vn.fold import fold_text

__all__ = [
    "EXCEL_MAX_DATA_ROWS",
    "WORKLIST_DIR",
    "worklist_file_stem",
    "worklist_index",
    "worklist_rows",
    "write_worklists",
]

WORKLIST_DIR: Final = "worklist"
"""Folder of the worklists inside ``reports/``: the report links to them by this relative path."""

#: Rows of an Excel sheet (1,048,576) less the header row.
EXCEL_MAX_DATA_ROWS: Final = 1_048_575

_UNLISTED_PRIORITY: Final = 5
"""Sort position of a rule id that is not in the registry (none should reach a worklist)."""

_SOURCE_ORDER: Final = {"residents": 0, "civil_events": 1, "insurance": 2}

#: Worklist fields in sheet order, with their headers.
_HEADERS: Final = {
    "vi": {
        "priority": "Thứ tự ưu tiên",
        "source": "Sổ đăng ký",
        "record_id": "Mã bản ghi",
        "person_id": "Mã người",
        "dimension": "Khía cạnh",
        "rule": "Quy tắc",
        "column": "Trường",
        "value": "Giá trị hiện tại",
        "message": "Vấn đề",
        "province": "Tỉnh/thành",
        "n_findings": "Số vấn đề của bản ghi",
    },
    "en": {
        "priority": "Priority",
        "source": "Register",
        "record_id": "Record ID",
        "person_id": "Person ID",
        "dimension": "Word",
        "rule": "Rule",
        "column": "Field",
        "value": "Current value",
        "message": "Problem",
        "province": "Province",
        "n_findings": "Problems in this record",
    },
}

_SUMMARY_HEADERS: Final = {
    "vi": ("Thứ tự ưu tiên", "Quy tắc", "Khía cạnh", "Ý nghĩa", "Số bản ghi", "Số vấn đề"),
    "en": ("Priority", "Rule", "Word", "Meaning", "Records", "Problems"),
}

_WORDS: Final = {
    "vi": {
        "sheet": "Danh sách cần sửa",
        "summary": "Tóm tắt",
        "total": "Tổng",
        "no_province": "khong-ro-tinh",
        "unknown_province": "Chưa rõ tỉnh/thành",
    },
    "en": {
        "sheet": "To fix",
        "summary": "Summary",
        "total": "Total",
        "no_province": "no-province",
        "unknown_province": "Unknown province",
    },
}

_INPUT_COLUMNS: Final = (
    "source",
    "record_id",
    "person_id",
    "rule",
    "dimension",
    "column",
    "value",
    "message",
    "province_code",
)

_SUMMARY_WIDTHS: Final = (28, 34, 16, 90, 12, 12)
_SummaryLine = tuple[str, str, str, str, int, int]

_CHUNK_ROWS: Final = 50_000
_CONTROLS: Final = [chr(i) for i in [*range(0x00, 0x09), *range(0x0B, 0x20), 0xFFFE, 0xFFFF]]
_XML_ESCAPES: Final = {
    "_x": "_x005F_x",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    **{c: f"_x{ord(c):04X}_" for c in _CONTROLS},
}
_WRITERS: Final = 2
_ZIP32_LIMIT = zipfile.ZIP64_LIMIT  # bytes of one entry without zip64 extensions
_CELL_MARKUP_BYTES: Final = 90
_ESCAPE_GROWTH: Final = 7  # "\x01" (1 byte) becomes "_x0001_" (7 bytes), the worst case
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
_DEFAULT_CREATED: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_DATA_SHEET_XML: Final = "xl/worksheets/sheet1.xml"


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def _slug(text: str) -> str:
    """Return ``text`` as an ASCII file-name slug (``Hà Nội`` → ``ha-noi``)."""
    return re.sub(r"[^a-z0-9]+", "-", fold_text(text).lower()).strip("-")


def _province_names() -> pl.DataFrame:
    return current_provinces().select("province_code", "province_name", "province_short")


def worklist_file_stem(province_code: str | None, lang: str = "vi") -> str:
    """Return the file name (without ``.xlsx``) of a province's worklist.

    A current province gives ``<code>-<slug of its short name>``; no province, or a code that
    is not a current province, gives the no-province name.

    Example:
        >>> worklist_file_stem("79"), worklist_file_stem(None), worklist_file_stem("99", "en")
        ('79-ho-chi-minh', 'khong-ro-tinh', 'no-province')
    """
    if province_code is not None:
        match = _province_names().filter(pl.col("province_code") == province_code)
        if match.height:
            return f"{province_code}-{_slug(match['province_short'][0])}"
    return _WORDS[_lang(lang)]["no_province"]


def worklist_index(names: Iterable[str]) -> dict[str | None, list[str]]:
    """Return the worklist file names by province code (None: records without a province).

    A file of a current province starts with its code (``79-ho-chi-minh.xlsx``,
    ``79-ho-chi-minh-part2.xlsx``); any other name is the no-province file. Parts are kept in
    their order.

    Example:
        >>> worklist_index(["01-ha-noi.xlsx", "khong-ro-tinh.xlsx", "01-ha-noi-part2.xlsx"])
        {'01': ['01-ha-noi.xlsx', '01-ha-noi-part2.xlsx'], None: ['khong-ro-tinh.xlsx']}
    """

    def part(name: str) -> int:
        found = re.search(r"-part(\d+)\.xlsx$", name)
        return int(found.group(1)) if found else 1

    out: dict[str | None, list[str]] = {}
    for name in names:
        found = re.match(r"(\d{2})-", name)
        out.setdefault(found.group(1) if found else None, []).append(name)
    return {code: sorted(files, key=part) for code, files in out.items()}


def _check_columns(findings: pl.DataFrame) -> None:
    missing = [c for c in _INPUT_COLUMNS if c not in findings.columns]
    if missing:
        raise ValueError(
            f"findings frame lacks column(s) {', '.join(missing)}; expected the columns of "
            f"findings.parquet: {', '.join(_INPUT_COLUMNS)}"
        )


def _lookup(mapping: dict[str, str], column: str) -> pl.Expr:
    """Return ``column`` translated through ``mapping`` (unmapped values kept)."""
    return pl.col(column).replace_strict(mapping, default=pl.col(column), return_dtype=pl.String)


def _message_table(findings: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Return the plain-words message of each distinct (rule, column, message) of ``findings``."""
    keys = findings.select("rule", "column", "message").unique()
    return keys.with_columns(
        pl.Series(
            "text",
            [rule_message(r, c, m, lang) for r, c, m in keys.iter_rows()],
            dtype=pl.String,
        )
    )


def _worklist_frame(findings: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Return the sorted worklist with field names, all text, plus ``province_code``."""
    _check_columns(findings)
    lang = _lang(lang)
    text = findings.select([pl.col(c).cast(pl.String) for c in _INPUT_COLUMNS])
    rules, dims, cols, sources = (
        text.get_column(c).unique().drop_nulls().to_list()
        for c in ("rule", "dimension", "column", "source")
    )
    priority = {r: RULES[r].priority if r in RULES else _UNLISTED_PRIORITY for r in rules}
    messages = _message_table(text, lang).lazy()
    provinces = _province_names().lazy().select("province_code", "province_name")
    unknown = _WORDS[lang]["unknown_province"]
    frame = (
        text.lazy()
        .with_columns(
            _priority=pl.col("rule")
            .replace_strict(priority, default=_UNLISTED_PRIORITY, return_dtype=pl.Int8)
            .fill_null(_UNLISTED_PRIORITY),
            _n=pl.len().over("source", "record_id").cast(pl.Int64),
            _source_order=pl.col("source").replace_strict(
                _SOURCE_ORDER, default=len(_SOURCE_ORDER), return_dtype=pl.Int8
            ),
        )
        .join(messages, on=["rule", "column", "message"], how="left", nulls_equal=True)
        .join(provinces, on="province_code", how="left")
        .sort(
            ["_priority", "_n", "_source_order", "source", "record_id", "rule", "column", "value"],
            descending=[False, True, False, False, False, False, False, False],
            nulls_last=True,
            maintain_order=True,
        )
    )
    return frame.select(
        priority=pl.col("_priority").replace_strict(
            {p: priority_label(p, lang) for p in range(1, _UNLISTED_PRIORITY + 1)},
            return_dtype=pl.String,
        ),
        source=_lookup({s: source_label(s, lang) for s in sources}, "source"),
        record_id="record_id",
        person_id="person_id",
        dimension=_lookup({d: dimension_label(d, lang) for d in dims}, "dimension"),
        rule="rule",
        column=_lookup({c: column_label(c, lang) for c in cols}, "column"),
        value="value",
        message="text",
        province=pl.coalesce("province_name", "province_code", pl.lit(unknown)),
        n_findings=pl.col("_n").cast(pl.String),
        province_code=pl.when(pl.col("province_name").is_not_null()).then("province_code"),
    ).collect()


def worklist_rows(findings: pl.DataFrame, lang: str = "vi") -> pl.DataFrame:
    """Return one text row per finding, most urgent first, with the worklist's headers.

    Messages are looked up once per distinct (rule, column, English message) and joined,
    never per row. Within a priority, records with more findings come first, then register,
    record id, rule, column and value.

    Example:
        >>> f = pl.DataFrame({"source": ["insurance", "residents"], "record_id": ["B1", "R1"],
        ...     "person_id": ["P1", "P1"], "rule": ["updated_at.stale", "death.not_reflected"],
        ...     "dimension": ["song", "song"], "column": ["updated_at", "status"],
        ...     "value": ["2020-01-01", "alive"], "message": ["", ""],
        ...     "province_code": [None, "01"]})
        >>> rows = worklist_rows(f)
        >>> rows["Quy tắc"].to_list(), rows["Tỉnh/thành"].to_list()
        (['death.not_reflected', 'updated_at.stale'], ['Thành phố Hà Nội', 'Chưa rõ tỉnh/thành'])
    """
    headers = _HEADERS[_lang(lang)]
    return _worklist_frame(findings, lang).select(
        [pl.col(field).alias(header) for field, header in headers.items()]
    )


def _summary(rows: pl.DataFrame, lang: str) -> list[_SummaryLine]:
    """Return per-rule rows (priority, rule, word, meaning, records, problems) of one file."""
    counts = (
        rows.group_by("rule", maintain_order=True)
        .agg(
            pl.first("priority"),
            pl.first("dimension"),
            records=pl.struct("source", "record_id").n_unique(),
            problems=pl.len(),
        )
        .sort(["priority", "problems", "rule"], descending=[False, True, False])
    )
    return [
        (p, r, d, rule_meaning(r, lang), n, m)
        for r, p, d, n, m in counts.select(
            "rule", "priority", "dimension", "records", "problems"
        ).iter_rows()
    ]


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


def _cell_xml(name: str, letter: str, number: pl.Expr, style: int) -> pl.Expr:
    """Return the ``<c>`` element of column ``name`` as an inline text cell (null if no value)."""
    value = pl.col(name)
    preserve = value.str.strip_chars() != value
    return pl.concat_str(
        pl.lit(f'<c r="{letter}'),
        number,
        pl.lit(f'" s="{style}" t="inlineStr"><is><t'),
        pl.when(preserve).then(pl.lit(' xml:space="preserve">')).otherwise(pl.lit(">")),
        _xml_text(value),
        pl.lit("</t></is></c>"),
    )


def _write_rows_xml(out: IO[bytes], rows: pl.DataFrame, style: int) -> None:
    """Write the ``<row>`` elements of ``rows`` (sheet rows 2 on) to ``out``, chunk by chunk."""
    for start in range(0, rows.height, _CHUNK_ROWS):
        chunk = rows.slice(start, _CHUNK_ROWS)
        number = pl.int_range(start + 2, start + 2 + chunk.height).cast(pl.String)
        cells = [
            _cell_xml(name, _column_letter(i), number, style) for i, name in enumerate(rows.columns)
        ]
        row = pl.concat_str(
            pl.lit('<row r="'), number, pl.lit('">'), *cells, pl.lit("</row>"), ignore_nulls=True
        )
        chunk.select(row).write_csv(out, include_header=False, quote_style="never")


def _column_widths(rows: pl.DataFrame) -> list[float]:
    """Return a width per column: its longest header or value plus 2, at most 60."""
    longest = rows.select(pl.all().str.len_chars().max().fill_null(0)).row(0)
    return [
        float(min(max(len(name), n) + 2, 60)) for name, n in zip(rows.columns, longest, strict=True)
    ]


def _workbook_frame(
    rows: pl.DataFrame, summary: list[_SummaryLine], lang: str, created: dt.datetime
) -> tuple[bytes, int]:
    """Return an xlsx holding the header row and the summary, and the data cells' style id."""
    words, buffer = _WORDS[lang], io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(buffer, {**options, "strings_to_urls": False})
    book.set_properties({"created": created})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": 49, "quote_prefix": True})  # 49 is "@", text
    number = book.add_format({"num_format": "#,##0"})
    sheet = book.add_worksheet(words["sheet"])
    for i, width in enumerate(_column_widths(rows)):
        sheet.set_column(i, i, width, text)
    for i, name in enumerate(rows.columns):
        sheet.write_string(0, i, name, header)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(rows.height, 1), rows.width - 1)
    summary_sheet = book.add_worksheet(words["summary"])
    for i, (name, width) in enumerate(zip(_SUMMARY_HEADERS[lang], _SUMMARY_WIDTHS, strict=True)):
        summary_sheet.set_column(i, i, width, number if i >= 4 else text)
        summary_sheet.write_string(0, i, name, header)
    for r, line in enumerate(summary, start=1):
        for c, cell in enumerate(line):
            if isinstance(cell, int):
                summary_sheet.write_number(r, c, cell, number)
            else:
                summary_sheet.write_string(r, c, cell, text)
    summary_sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue(), int(text.xf_index)


def _may_pass_zip32(rows: pl.DataFrame) -> bool:
    """Return True when the sheet XML of ``rows`` could reach the 2 GiB limit of a plain zip."""
    values = rows.select(pl.all().str.len_bytes().sum()).sum_horizontal().item() or 0
    bound = _ESCAPE_GROWTH * values + _CELL_MARKUP_BYTES * rows.height * (rows.width + 1)
    return bool(bound >= _ZIP32_LIMIT)


def _write_xlsx(path: Path, fields: pl.DataFrame, lang: str, created: dt.datetime) -> None:
    """Write one worklist file: the rows as text cells, plus the per-rule summary sheet."""
    headers = _HEADERS[lang]
    rows = fields.select([pl.col(f).alias(h) for f, h in headers.items()])
    frame, style = _workbook_frame(rows, _summary(fields, lang), lang, created)
    last = f"{_column_letter(rows.width - 1)}{rows.height + 1}"
    with (
        zipfile.ZipFile(io.BytesIO(frame)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename != _DATA_SHEET_XML:
                target.writestr(entry, data)
                continue
            head, tail = data.decode().split("</sheetData>")
            head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head)
            with target.open(entry, "w", force_zip64=_may_pass_zip32(rows)) as out:
                out.write(head.encode())
                _write_rows_xml(out, rows, style)
                out.write(("</sheetData>" + tail).encode())


def write_worklists(
    findings: pl.DataFrame,
    folder: Path,
    lang: str = "vi",
    *,
    max_rows: int = EXCEL_MAX_DATA_ROWS,
    created: dt.date | None = None,
    run_id: str = "",
) -> list[Path]:
    """Write one worklist ``.xlsx`` per province with findings; return the paths written.

    Files are ``<code>-<slug>.xlsx`` (``01-ha-noi.xlsx``) and ``khong-ro-tinh.xlsx``
    (``no-province.xlsx`` in English) for findings without a current province. A province with
    more than ``max_rows`` findings continues in ``…-part2.xlsx`` and so on. ``created`` is the
    date stored in the file properties (a fixed date when not given, so the same findings give
    byte-identical files). Files already in ``folder`` are left alone: write into the run's
    fresh output folder.

    Example:
        >>> import tempfile
        >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "person_id": ["P1"],
        ...     "rule": ["phone.invalid"], "dimension": ["dung"], "column": ["phone"],
        ...     "value": ["12"], "message": ["bad phone"], "province_code": ["01"]})
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     [p.name for p in write_worklists(f, Path(folder))]
        ['01-ha-noi.xlsx']
    """
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, got {max_rows}")
    lang = _lang(lang)
    when = (
        _DEFAULT_CREATED
        if created is None
        else dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
    )
    folder.mkdir(parents=True, exist_ok=True)
    frame = _worklist_frame(findings, lang)
    if frame.height == 0:
        return []
    groups = frame.partition_by("province_code", maintain_order=True, as_dict=True)
    jobs: list[tuple[Path, pl.DataFrame]] = []
    for (code,) in sorted(groups, key=lambda k: (k[0] is None, k[0] or "")):
        group = groups[(code,)]
        stem = worklist_file_stem(code, lang)
        for part, start in enumerate(range(0, group.height, max_rows), start=1):
            path = folder / (f"{stem}.xlsx" if part == 1 else f"{stem}-part{part}.xlsx")
            jobs.append((path, group.slice(start, max_rows)))
    # Polars and zlib release the GIL: two files at a time overlap building and compressing.
    with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
        list(pool.map(lambda job: _write_xlsx(job[0], job[1], lang, when), jobs))
    return [path for path, _ in jobs]
