"""The stewards' worklist: one Excel file per province, most urgent problems first.

Each finding becomes one row with Vietnamese headers (English with ``lang="en"``) and a
plain-words message. Rows are sorted by the rule's priority (1 = legal or financial harm first),
then records with more findings first, then register, record id and rule. The files stay on the
machine (``data/clean/reports/worklist/``), so they hold full values; every value is written as
a text cell (never a formula) and the columns are formatted as text, so a raw value such as
``=HYPERLINK(…)`` or ``@SUM(…)`` cannot run even after it is edited (DESIGN §9).

Each row shows what a steward needs to act: the record's name, birth date and personal ID,
the raw value and the value dancu wrote where it repaired one, the other record of a duplicate
or a shared ID (:mod:`pipelines.report.worklist_context`), and a stable finding key. The last
columns carry the steward's work back (``dancu review import``): ``Trạng thái`` (a drop-down:
``chưa xử lý`` / ``đã sửa tại nguồn`` / ``không phải lỗi``; ``mở lại`` marks a finding said to
be fixed that still shows), ``Người xử lý``, ``Ngày``, ``Ghi chú``; two hidden columns keep the
status as written and the raw value, so an import knows what the steward changed. Findings a
steward marked ``không phải lỗi`` are listed on a sheet of their own, where setting them back to
``chưa xử lý`` undoes the decision.

Each file opens on its summary sheet: the province, the data date, the run, the records and
problems per priority and per rule with what to do. The data sheet prints on A4 landscape,
fitted to the page width with the header row repeated and long text wrapped; the count
column is a number; status codes read in Vietnamese (``alive`` → ``còn sống``). Writing is fast
(:mod:`pipelines.report.xlsx`): the data rows are streamed as sheet XML built by Polars.

Example:
    >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "person_id": ["P1"],
    ...     "rule": ["phone.invalid"], "dimension": ["dung"], "column": ["phone"],
    ...     "value": ["=1+1"], "message": ["phone is not valid"], "province_code": ["01"]})
    >>> worklist_rows(f).row(0)[:3]
    ('3 – thiếu, sai dạng, chưa liên kết', 'Dân cư', 'R1')
    >>> worklist_rows(f)["Số vấn đề của bản ghi"].to_list()
    [1]
    >>> worklist_file_stem("01", "vi"), worklist_file_stem(None, "en")
    ('01-ha-noi', 'no-province')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.report.texts import (
    code_label,
    column_label,
    dimension_label,
    fmt_date,
    rule_message,
    source_label,
)
from pipelines.report.xlsx import Column, DataSheet, Sheet, SummaryLine, write_workbook
from pipelines.rules import RULES, priority_label
from pipelines.vn.admin_units import current_provinces
from pipelines.vn.fold import fold_text

__all__ = [
    "EXCEL_MAX_DATA_ROWS",
    "HIDDEN_HEADERS",
    "STATUS_LABELS",
    "WORKLIST_DIR",
    "WORKLIST_HEADERS",
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
        "record_name": "Họ và tên",
        "record_birth": "Ngày sinh",
        "record_personal_id": "Số định danh",
        "person_id": "Mã người",
        "dimension": "Khía cạnh",
        "rule": "Quy tắc",
        "column": "Trường",
        "value": "Giá trị hiện tại",
        "written": "Giá trị dancu ghi",
        "message": "Vấn đề",
        "other_record": "Bản ghi liên quan",
        "province": "Tỉnh/thành",
        "n_findings": "Số vấn đề của bản ghi",
        "finding_key": "Mã vấn đề",
        "status": "Trạng thái",
        "decided_by": "Người xử lý",
        "decided_on": "Ngày",
        "note": "Ghi chú",
        "status_written": "_status_written",
        "raw_value": "_value",
    },
    "en": {
        "priority": "Priority",
        "source": "Register",
        "record_id": "Record ID",
        "record_name": "Full name",
        "record_birth": "Birth date",
        "record_personal_id": "Personal ID",
        "person_id": "Person ID",
        "dimension": "Word",
        "rule": "Rule",
        "column": "Field",
        "value": "Current value",
        "written": "Value dancu wrote",
        "message": "Problem",
        "other_record": "Related record",
        "province": "Province",
        "n_findings": "Problems in this record",
        "finding_key": "Finding key",
        "status": "Status",
        "decided_by": "Handled by",
        "decided_on": "Date",
        "note": "Note",
        "status_written": "_status_written",
        "raw_value": "_value",
    },
}

WORKLIST_HEADERS: Final = _HEADERS
"""The headers of a worklist's data sheets per language (``dancu review import`` reads them)."""

HIDDEN_HEADERS: Final = ("_status_written", "_value")
"""Hidden worklist columns: the status as dancu wrote it (a code) and the raw value."""

STATUS_LABELS: Final = {
    "vi": {"open": "chưa xử lý", "fixed": "đã sửa tại nguồn", "not_error": "không phải lỗi",
           "reopened": "mở lại"},
    "en": {"open": "open", "fixed": "fixed at source", "not_error": "not an error",
           "reopened": "reopened"},
}  # fmt: skip
"""The steward's status of a finding, as the worklist writes it (codes as stored)."""

_CHOICES: Final = ("open", "fixed", "not_error")
"""Statuses offered in the drop-down (``reopened`` is written by dancu only)."""

_WIDTHS: Final = {
    # field: (width in characters, kind); wrapped columns keep the sheet one page wide
    "priority": (12, "wrap"),
    "source": (10, "wrap"),
    "record_id": (12, "text"),
    "record_name": (18, "wrap"),
    "record_birth": (10, "text"),
    "record_personal_id": (13, "text"),
    "person_id": (12, "wrap"),
    "dimension": (7, "text"),
    "rule": (16, "wrap"),
    "column": (10, "wrap"),
    "value": (16, "wrap"),
    "written": (14, "wrap"),
    "message": (30, "wrap"),
    "other_record": (20, "wrap"),
    "province": (12, "wrap"),
    "n_findings": (7, "int"),
    "finding_key": (14, "wrap"),
    "status": (14, "text"),
    "decided_by": (12, "wrap"),
    "decided_on": (10, "text"),
    "note": (14, "wrap"),
    "status_written": (4, "text"),
    "raw_value": (4, "text"),
}

_OPTIONAL: Final = (
    "record_name", "record_birth", "record_personal_id", "written", "other_record",
    "finding_key", "finding_status", "decided_by", "decided_on", "note",
)  # fmt: skip
"""Columns a worklist shows when the findings carry them (else left empty)."""

_SUMMARY_HEADERS: Final = {
    "vi": {
        "title": "Danh sách cần sửa – {province}",
        "as_of": "Dữ liệu tính đến ngày",
        "run": "Lần chạy",
        "created": "Ngày lập danh sách",
        "province": "Tỉnh/thành",
        "records": "Số bản ghi cần sửa",
        "problems": "Số vấn đề",
        "part": "Phần",
        "part_of": "{part}/{parts} (danh sách dài được chia thành nhiều tệp)",
        "by_priority": ("Thứ tự ưu tiên", "Số bản ghi", "Số vấn đề"),
        "by_rule": ("Thứ tự ưu tiên", "Quy tắc", "Tên", "Khía cạnh", "Cách xử lý", "Số bản ghi",
                    "Số vấn đề"),
        "sheet_note": "Các dòng ở trang «{sheet}», gấp nhất trước.",
        "reopened": "Vấn đề mở lại (đã báo sửa tại nguồn nhưng vẫn còn)",
        "false_alarms": "Vấn đề đã đánh dấu không phải lỗi (không tính điểm; trang «{sheet}»)",
        "how": (
            "Cách trả kết quả: ở cột «Trạng thái» chọn «đã sửa tại nguồn» hoặc «không phải lỗi», "
            "ghi «Người xử lý», «Ngày», «Ghi chú» nếu cần, lưu tệp rồi chạy: dancu review import "
            "--out <thư mục kết quả> <tệp này>. Lần chạy sau sẽ không còn báo các vấn đề không "
            "phải lỗi; vấn đề đã sửa mà vẫn còn sẽ hiện «mở lại»."
        ),
    },
    "en": {
        "title": "Worklist – {province}",
        "as_of": "Data as of",
        "run": "Run",
        "created": "Worklist made on",
        "province": "Province",
        "records": "Records to fix",
        "problems": "Problems",
        "part": "Part",
        "part_of": "{part}/{parts} (a long list is split into several files)",
        "by_priority": ("Priority", "Records", "Problems"),
        "by_rule": ("Priority", "Rule", "Title", "Word", "What to do", "Records", "Problems"),
        "sheet_note": "The rows are on the sheet “{sheet}”, most urgent first.",
        "reopened": "Reopened (reported fixed at source, still there)",
        "false_alarms": "Marked not an error (not scored; sheet “{sheet}”)",
        "how": (
            "To report back: in the “Status” column choose “fixed at source” or “not an "
            "error”, fill “Handled by”, “Date”, “Note” if needed, save the file and run: dancu "
            "review import --out <output folder> <this file>. The next run leaves out what is "
            "not an error and marks fixes that still show “reopened”."
        ),
    },
}  # fmt: skip
_SUMMARY_WIDTHS: Final = (30, 30, 30, 9, 60, 12, 12)
_SUMMARY_WRAP: Final = frozenset({0, 1, 2, 4})

_WORDS: Final = {
    "vi": {
        "sheet": "Danh sách cần sửa",
        "summary": "Tóm tắt",
        "total": "Tổng",
        "no_province": "khong-ro-tinh",
        "unknown_province": "Chưa rõ tỉnh/thành",
        "false_sheet": "Không phải lỗi",
    },
    "en": {
        "sheet": "To fix",
        "summary": "Summary",
        "total": "Total",
        "no_province": "no-province",
        "unknown_province": "Unknown province",
        "false_sheet": "Not an error",
    },
}

_CODED: Final = ("status", "event_type")
"""Columns whose canonical codes (``alive``, ``active``, ``birth``…) are shown in words."""

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

_WRITERS: Final = 2
_DEFAULT_CREATED: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


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
    text = findings.select(
        *(pl.col(c).cast(pl.String) for c in _INPUT_COLUMNS),
        *(
            (pl.col(c) if c in findings.columns else pl.lit(None)).cast(pl.String).alias(c)
            for c in _OPTIONAL
        ),
    )
    rules, dims, cols, sources = (
        text.get_column(c).unique().drop_nulls().to_list()
        for c in ("rule", "dimension", "column", "source")
    )
    priority = {r: RULES[r].priority if r in RULES else _UNLISTED_PRIORITY for r in rules}
    messages = _message_table(text, lang).lazy()
    values = text.filter(pl.col("column").is_in(list(_CODED)))["value"].drop_nulls().unique()
    codes = {v: code_label(v, lang) for v in values.to_list()}
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
        value=pl.when(pl.col("column").is_in(list(_CODED)))
        .then(_lookup(codes, "value"))
        .otherwise(pl.col("value")),
        message="text",
        province=pl.coalesce("province_name", "province_code", pl.lit(unknown)),
        n_findings=pl.col("_n"),
        record_name="record_name",
        record_birth="record_birth",
        record_personal_id="record_personal_id",
        written="written",
        other_record="other_record",
        finding_key="finding_key",
        status=pl.col("finding_status")
        .fill_null("open")
        .replace_strict(STATUS_LABELS[lang], default=pl.col("finding_status"),
                        return_dtype=pl.String),
        decided_by="decided_by",
        decided_on="decided_on",
        note="note",
        status_written=pl.col("finding_status").fill_null("open"),
        raw_value="value",
        province_code=pl.when(pl.col("province_name").is_not_null()).then("province_code"),
    ).collect()  # fmt: skip


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


def _summary(
    fields: pl.DataFrame,
    lang: str,
    as_of: dt.date | None,
    run_id: str,
    part: tuple[int, int],
    false_alarms: int = 0,
) -> Sheet:
    """Return the summary sheet of one file: who and when, then counts per priority and rule."""
    words: dict[str, Any] = _SUMMARY_HEADERS[lang]
    province = str(fields["province"][0]) if fields.height else ""
    code = fields["province_code"][0] if fields.height else None
    records = pl.struct("source", "record_id").n_unique()
    per_rule = (
        fields.group_by("rule", maintain_order=True)
        .agg(pl.first("priority"), pl.first("dimension"), records=records, problems=pl.len())
        .sort(["priority", "problems", "rule"], descending=[False, True, False])
    )
    per_priority = (
        fields.group_by("priority").agg(records=records, problems=pl.len()).sort("priority")
    )
    lines = [
        SummaryLine("title", (words["title"].format(province=province),)),
        SummaryLine("field", (words["province"], f"{province} ({code})" if code else province)),
        SummaryLine("field", (words["as_of"], fmt_date(str(as_of) if as_of else None, lang))),
        SummaryLine("field", (words["run"], run_id or "—")),
        SummaryLine("field", (words["records"], fields.select(records).item())),
        SummaryLine("field", (words["problems"], fields.height)),
    ]  # fmt: skip
    if part[1] > 1:
        lines.append(SummaryLine("field", (words["part"], words["part_of"].format(
            part=part[0], parts=part[1]))))  # fmt: skip
    reopened = fields.filter(pl.col("status_written") == "reopened").height
    if reopened:
        lines.append(SummaryLine("field", (words["reopened"], reopened)))
    if false_alarms:
        sheet = _WORDS[lang]["false_sheet"]
        lines.append(SummaryLine("field", (words["false_alarms"].format(sheet=sheet),
                                           false_alarms)))  # fmt: skip
    lines += [
        SummaryLine("field", (words["sheet_note"].format(sheet=_WORDS[lang]["sheet"]),)),
        SummaryLine("field", (words["how"],)),
        SummaryLine("blank"),
        SummaryLine("head", words["by_priority"]),
        *(SummaryLine("row", row) for row in per_priority.iter_rows()),
        SummaryLine("total", (_WORDS[lang]["total"], fields.select(records).item(), fields.height)),
        SummaryLine("blank"),
        SummaryLine("head", words["by_rule"]),
    ]
    for rule, priority, dimension, n_records, n_problems in per_rule.select(
        "rule", "priority", "dimension", "records", "problems"
    ).iter_rows():
        known = RULES.get(rule)
        title = known.title(lang) if known else rule
        todo = known.action(lang) if known else ""
        lines.append(
            SummaryLine("row", (priority, rule, title, dimension, todo, n_records, n_problems))
        )
    return Sheet(_WORDS[lang]["summary"], lines, _SUMMARY_WIDTHS, _SUMMARY_WRAP)


def _columns(lang: str) -> list[Column]:
    """Return the data sheet's columns: widths, kinds, the status drop-down, hidden keys."""
    headers = _HEADERS[lang]
    choices = tuple(STATUS_LABELS[lang][c] for c in _CHOICES)
    return [
        Column(
            headers[f],
            *_WIDTHS[f],  # type: ignore[arg-type]
            choices=choices if f == "status" else (),
            hidden=headers[f] in HIDDEN_HEADERS,
        )
        for f in headers
    ]


def _write_xlsx(
    path: Path,
    fields: pl.DataFrame,
    lang: str,
    created: dt.datetime,
    as_of: dt.date | None,
    run_id: str,
    part: tuple[int, int],
    false_alarms: pl.DataFrame | None = None,
) -> None:
    """Write one worklist file: the summary sheet, the rows, the false alarms if any."""
    headers = _HEADERS[lang]
    columns = _columns(lang)
    rows = fields.select(list(headers))
    n_false = false_alarms.height if false_alarms is not None else 0
    summary = _summary(fields, lang, as_of, run_id, part, n_false)
    more = []
    if false_alarms is not None and false_alarms.height:
        more.append(DataSheet(_WORDS[lang]["false_sheet"], columns,
                              false_alarms.select(list(headers))))  # fmt: skip
    write_workbook(path, summary, _WORDS[lang]["sheet"], columns, rows, created, more=more)


def write_worklists(
    findings: pl.DataFrame,
    folder: Path,
    lang: str = "vi",
    *,
    max_rows: int = EXCEL_MAX_DATA_ROWS,
    created: dt.date | None = None,
    run_id: str = "",
    suppressed: pl.DataFrame | None = None,
) -> list[Path]:
    """Write one worklist ``.xlsx`` per province with findings; return the paths written.

    Files are ``<code>-<slug>.xlsx`` (``01-ha-noi.xlsx``) and ``khong-ro-tinh.xlsx``
    (``no-province.xlsx`` in English) for findings without a current province. A province with
    more than ``max_rows`` findings continues in ``…-part2.xlsx`` and so on. ``created`` is the
    run's as-of date: the summary's data date and the date in the file properties (a fixed
    date when not given, so the same findings give byte-identical files); ``run_id`` is named
    on the summary. ``suppressed``: the findings a steward marked not an error (the same
    columns), listed on a sheet of their own in their province's file (its first part).
    Files already in ``folder`` are left alone: write into the run's fresh output folder.

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
    hidden = (
        _worklist_frame(suppressed, lang)
        if suppressed is not None and suppressed.height
        else frame.clear()
    )
    if frame.height == 0 and hidden.height == 0:
        return []
    groups = frame.partition_by("province_code", maintain_order=True, as_dict=True)
    quiet = hidden.partition_by("province_code", maintain_order=True, as_dict=True)
    jobs: list[tuple[Path, pl.DataFrame, tuple[int, int], pl.DataFrame | None]] = []
    for (code,) in sorted(groups.keys() | quiet.keys(), key=lambda k: (k[0] is None, k[0] or "")):
        group = groups.get((code,), frame.clear())
        stem = worklist_file_stem(code, lang)
        parts = max(-(-group.height // max_rows), 1)
        for part, start in enumerate(range(0, max(group.height, 1), max_rows), start=1):
            path = folder / (f"{stem}.xlsx" if part == 1 else f"{stem}-part{part}.xlsx")
            extra = quiet.get((code,)) if part == 1 else None
            jobs.append((path, group.slice(start, max_rows), (part, parts), extra))

    def write(job: tuple[Path, pl.DataFrame, tuple[int, int], pl.DataFrame | None]) -> None:
        _write_xlsx(job[0], job[1], lang, when, created, run_id, job[2], job[3])

    # Polars and zlib release the GIL: two files at a time overlap building and compressing.
    with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
        list(pool.map(write, jobs))
    return [path for path, *_ in jobs]
