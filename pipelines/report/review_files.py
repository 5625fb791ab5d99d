"""The review files: doubtful pairs for a steward to decide, one Excel file per province.

``reports/review/<province-code>-<slug>.xlsx`` (``khong-ro-tinh.xlsx`` without a province):
a summary sheet (what the file is, how to read the evidence and how to send the decisions
back), then one row per pair: its key (``Mã cặp``), the match probability, the evidence in
words (which comparisons pushed the score up or down and by how much, in points: one point
doubles the odds), both records side by side field by field (register, record id, name,
birth date, personal ID, gender, address, phone), then ``Quyết định`` — a drop-down
``cùng người`` / ``khác người`` (empty: not decided) — and ``Người quyết định``, ``Ngày``,
``Ghi chú``. Hidden columns keep the records' fingerprints and the run, so an import can
tell whether a record changed since. The files stay on the steward's machine and show full
values (DESIGN §9); every value is a text cell, never a formula.

Example:
    >>> ev = pl.Series([[{"field": "personal_id", "level": "exact", "weight": 14.34},
    ...                  {"field": "phone", "level": "differs", "weight": -5.0}]])
    >>> print(evidence_text(ev, "vi")[0])
    +14,3  số định danh: trùng khớp
    −5,0  số điện thoại: khác
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.report.texts import fmt_date, source_label
from pipelines.report.worklist import worklist_file_stem
from pipelines.report.worklist_context import birth_text
from pipelines.report.xlsx import Column, Sheet, SummaryLine, write_workbook
from pipelines.resolve.review import NAME_FREQUENCY
from pipelines.vn.admin_units import current_provinces, current_wards

__all__ = [
    "DECISION_LABELS",
    "REVIEW_DIR",
    "REVIEW_HEADERS",
    "evidence_text",
    "review_sheet_rows",
    "write_review_files",
]

REVIEW_DIR: Final = "review"
"""Folder of the review files inside ``reports/``."""

DECISION_LABELS: Final = {
    "vi": {"same": "cùng người", "different": "khác người"},
    "en": {"same": "same person", "different": "different persons"},
}
"""The decisions of the drop-down, per language (stored as ``same`` / ``different``)."""

_SIDES: Final = ("register", "record_id", "name", "birth", "personal_id", "gender", "address",
                 "phone")  # fmt: skip

REVIEW_HEADERS: Final = {
    "vi": {
        "pair_key": "Mã cặp",
        "probability": "Xác suất cùng người",
        "evidence": "Bằng chứng (điểm)",
        "register": "Sổ",
        "record_id": "Mã bản ghi",
        "name": "Họ và tên",
        "birth": "Ngày sinh",
        "personal_id": "Số định danh",
        "gender": "Giới tính",
        "address": "Địa chỉ",
        "phone": "Số điện thoại",
        "decision": "Quyết định",
        "decided_by": "Người quyết định",
        "decided_on": "Ngày",
        "note": "Ghi chú",
        "fingerprint_1": "_fingerprint_1",
        "fingerprint_2": "_fingerprint_2",
        "run_id": "_run_id",
    },
    "en": {
        "pair_key": "Pair key",
        "probability": "Probability same person",
        "evidence": "Evidence (points)",
        "register": "Register",
        "record_id": "Record ID",
        "name": "Full name",
        "birth": "Birth date",
        "personal_id": "Personal ID",
        "gender": "Gender",
        "address": "Address",
        "phone": "Phone",
        "decision": "Decision",
        "decided_by": "Decided by",
        "decided_on": "Date",
        "note": "Note",
        "fingerprint_1": "_fingerprint_1",
        "fingerprint_2": "_fingerprint_2",
        "run_id": "_run_id",
    },
}
"""Headers of the pair sheet; a side's field is written ``<header> (1)`` and ``(2)``."""

_FIELDS_VI: Final = {
    "surname": "họ", "middle": "tên đệm", "given": "tên", "birth_date": "ngày sinh",
    "personal_id": "số định danh", "legacy_id": "số CMND", "insurance_code": "mã BHXH",
    "phone": "số điện thoại", "gender": "giới tính", "household": "cha mẹ, nơi ở",
    NAME_FREQUENCY: "độ phổ biến của họ tên",
}  # fmt: skip
_FIELDS_EN: Final = {NAME_FREQUENCY: "how common the name is", "household": "parents, address"}
_LEVELS_VI: Final = {
    "differs": "khác",
    "exact": "trùng khớp",
    "one typo": "lệch một ký tự",
    "same": "giống",
    "similar (JW≥0.8)": "gần giống",
    "similar (JW≥0.85)": "gần giống",
    "same sound (Hoàng/Huỳnh, Vũ/Võ…)": "cùng âm (Hoàng/Huỳnh, Vũ/Võ…)",
    "same sound": "cùng âm",
    "same without accents": "giống khi bỏ dấu",
    "close (one letter or JW≥0.92)": "rất gần (lệch một chữ)",
    "one name has none": "một bên không có",
    "one holds the other": "bên này chứa bên kia",
    "year within 1": "năm lệch không quá 1",
    "same year, another day": "cùng năm, khác ngày",
    "same year (a 1 January date)": "cùng năm (ngày 01/01)",
    "same year (a year-only date)": "cùng năm (chỉ có năm)",
    "same month (a 1st-of-month date)": "cùng tháng (ngày mùng 1)",
    "same month (a month-only date)": "cùng tháng (chỉ có tháng)",
    "one digit off": "lệch một chữ số",
    "day/month swapped": "đảo ngày và tháng",
    "exact, on a 1st or 1 January": "trùng khớp (ngày mùng 1 hoặc 01/01)",
    "common name": "họ tên phổ biến",
    "rare name": "họ tên hiếm",
    "parents differ": "cha mẹ khác",
    "parents unknown": "không rõ cha mẹ",
    "one parent agrees": "trùng cha hoặc mẹ",
    "both parents agree": "trùng cả cha và mẹ",
    "another province": "khác tỉnh",
    "address unknown": "không rõ địa chỉ",
    "same province": "cùng tỉnh",
    "same ward": "cùng phường/xã",
}
_GENDER_EN: Final = {"Nam": "male", "Nữ": "female"}

_WIDTHS: Final = {
    "pair_key": (18, "wrap"), "probability": (10, "pct"), "evidence": (34, "wrap"),
    "register": (9, "wrap"), "record_id": (11, "text"), "name": (16, "wrap"),
    "birth": (10, "text"), "personal_id": (13, "text"), "gender": (6, "text"),
    "address": (22, "wrap"), "phone": (11, "text"), "decision": (13, "text"),
    "decided_by": (13, "wrap"), "decided_on": (10, "text"), "note": (16, "wrap"),
    "fingerprint_1": (4, "text"), "fingerprint_2": (4, "text"), "run_id": (4, "text"),
}  # fmt: skip
_HIDDEN: Final = ("fingerprint_1", "fingerprint_2", "run_id")

_SUMMARY: Final = {
    "vi": {
        "title": "Cặp bản ghi cần xem xét – {province}",
        "province": "Tỉnh/thành",
        "as_of": "Dữ liệu tính đến ngày",
        "run": "Lần chạy",
        "pairs": "Số cặp cần quyết định",
        "what": (
            "Mỗi dòng là hai bản ghi mà dancu chưa chắc có phải cùng một người hay không "
            "(xác suất trong khoảng {lo}–{hi}). Cho đến khi có quyết định, dancu gộp cặp có "
            "xác suất từ {threshold} trở lên và để riêng cặp thấp hơn."
        ),
        "evidence": (
            "Bằng chứng: mỗi phép so sánh đẩy điểm lên (+) hay xuống (−) bao nhiêu; mỗi điểm "
            "làm khả năng cùng người gấp đôi (+1) hoặc giảm một nửa (−1). Mạnh nhất ở trên."
        ),
        "how": (
            "Cách trả kết quả: ở cột «Quyết định» chọn «cùng người» hoặc «khác người» (để "
            "trống nếu chưa chắc), ghi «Người quyết định» và «Ngày», lưu tệp rồi chạy: dancu "
            "review import --out <thư mục kết quả> <tệp này>. Từ lần chạy sau dancu làm theo "
            "quyết định và không hỏi lại cặp đó."
        ),
        "sheet": "Cặp cần xem xét",
        "summary": "Tóm tắt",
    },
    "en": {
        "title": "Record pairs to review – {province}",
        "province": "Province",
        "as_of": "Data as of",
        "run": "Run",
        "pairs": "Pairs to decide",
        "what": (
            "Each row is two records dancu is not sure describe one person (probability "
            "between {lo} and {hi}). Until someone decides, dancu merges the pairs at {threshold} "
            "or above and keeps the others apart."
        ),
        "evidence": (
            "Evidence: how far each comparison pushed the score up (+) or down (−); one point "
            "doubles the odds of one person (+1) or halves them (−1). Strongest first."
        ),
        "how": (
            "To report back: in the “Decision” column choose “same person” or “different "
            "persons” (leave it empty if unsure), fill “Decided by” and “Date”, save the file "
            "and run: dancu review import --out <output folder> <this file>. From the next run "
            "on dancu follows the decision and does not ask about that pair again."
        ),
        "sheet": "Pairs to review",
        "summary": "Summary",
    },
}
_WRITERS: Final = 2
_DEFAULT_CREATED: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def evidence_text(evidence: pl.Series, lang: str = "vi") -> pl.Series:
    """Return each pair's evidence as lines ``+14,3  số định danh: trùng khớp``, strongest first.

    ``evidence`` is the :data:`~pipelines.resolve.review.EVIDENCE_DTYPE` column.
    """
    lang = _lang(lang)
    fields = _FIELDS_VI if lang == "vi" else _FIELDS_EN
    index = pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i")
    frame = pl.DataFrame({"evidence": evidence}).with_columns(index)
    lines = frame.explode("evidence").unnest("evidence")
    if lang == "vi":
        level = pl.col("level").replace_strict(_LEVELS_VI, default=None, return_dtype=pl.String)
        parts = pl.col("level").str.split(", ")
        combined = parts.list.eval(
            pl.element().replace_strict(_LEVELS_VI, default=pl.element(), return_dtype=pl.String)
        ).list.join(", ")
        level = pl.coalesce(level, combined)
    else:
        level = pl.col("level")
    sign = pl.when(pl.col("weight") < 0).then(pl.lit("−")).otherwise(pl.lit("+"))
    number = pl.col("weight").abs().round(1).cast(pl.String)
    number = pl.when(number.str.contains(".", literal=True)).then(number).otherwise(number + ".0")
    if lang == "vi":
        number = number.str.replace(".", ",", literal=True)
    name = pl.col("field").replace_strict(fields, default=pl.col("field"), return_dtype=pl.String)
    text = pl.concat_str(sign, number, pl.lit("  "), name, pl.lit(": "), level)
    joined = (
        lines.filter(pl.col("field").is_not_null())
        .group_by("_i", maintain_order=True)
        .agg(text.str.join("\n").alias("text"))
    )
    return (
        frame.select("_i")
        .join(joined, on="_i", how="left")
        .sort("_i")["text"]
        .fill_null("")
        .rename("evidence")
    )


def _addresses(frame: pl.DataFrame) -> pl.Expr:
    """Return the record's address: house line, current ward and province names."""
    parts = []
    for name in ("address", "ward_name", "province_name"):
        if name in frame.columns:
            parts.append(pl.col(name))
    if not parts:
        return pl.lit(None, dtype=pl.String)
    return pl.concat_str(parts, separator=", ", ignore_nulls=True).replace("", None)


def _sides(frames: Mapping[str, pl.DataFrame], lang: str) -> pl.DataFrame:
    """Every record's display fields: ``source, record_id`` and :data:`_SIDES`."""
    wards = current_wards().select("ward_code", "ward_name")
    provinces = current_provinces().select("province_code", "province_name")
    parts = []
    for source, frame in frames.items():
        f = frame
        if "ward_code" in f.columns:
            f = f.join(wards, on="ward_code", how="left")
        if "province_code" in f.columns:
            f = f.join(provinces, on="province_code", how="left")

        def col(name: str, f: pl.DataFrame = f) -> pl.Expr:
            return pl.col(name).cast(pl.String) if name in f.columns else pl.lit(None, pl.String)

        birth = (
            birth_text() if {"birth_date", "birth_date_precision"} <= set(f.columns)
            else pl.lit(None, dtype=pl.String)
        )  # fmt: skip
        gender = col("gender")
        if lang == "en":
            gender = gender.replace_strict(_GENDER_EN, default=gender, return_dtype=pl.String)
        parts.append(
            f.select(
                pl.lit(source).alias("source"),
                col("record_id").alias("record_id"),
                pl.lit(source_label(source, lang)).alias("register"),
                col("full_name").alias("name"),
                birth.alias("birth"),
                col("personal_id").alias("personal_id"),
                gender.alias("gender"),
                _addresses(f).alias("address"),
                col("phone").alias("phone"),
            )
        )
    schema = {
        c: pl.String for c in ("source", "record_id", *[s for s in _SIDES if s != "record_id"])
    }
    return pl.concat([pl.DataFrame(schema=schema), *parts], how="diagonal_relaxed")


def review_sheet_rows(
    review: pl.DataFrame, frames: Mapping[str, pl.DataFrame], lang: str = "vi", run_id: str = ""
) -> pl.DataFrame:
    """Return the open pairs of ``review`` as sheet rows (fields of :data:`REVIEW_HEADERS`).

    ``review``: the rows of ``review_pairs.parquet``; ``frames``: the run's clean records
    (source → frame). Rows: most probable first, then by pair key; ``province_code`` last.
    """
    lang = _lang(lang)
    pairs = review.filter(pl.col("status") == "open")
    ends = pl.concat(
        [pairs.select(pl.col(f"source_{e}").alias("source"), pl.col(f"record_id_{e}").alias("id"))
         for e in ("l", "r")]
    )  # fmt: skip
    asked = {  # only the records of the open pairs (a thousand, not every record)
        source: frame.join(
            ends.filter(pl.col("source") == source).select(pl.col("id").alias("record_id")),
            on="record_id",
            how="semi",
        )
        for source, frame in frames.items()
    }
    sides = _sides(asked, lang).unique(["source", "record_id"], keep="first")
    one = sides.rename({c: f"{c}_1" for c in sides.columns if c not in ("source", "record_id")})
    two = sides.rename({c: f"{c}_2" for c in sides.columns if c not in ("source", "record_id")})
    rows = (
        pairs.join(one, left_on=["source_l", "record_id_l"], right_on=["source", "record_id"],
                   how="left")
        .join(two, left_on=["source_r", "record_id_r"], right_on=["source", "record_id"],
              how="left")
        .with_columns(
            pl.col("record_id_l").alias("record_id_1"),
            pl.col("record_id_r").alias("record_id_2"),
        )
        .sort(["match_probability", "pair_key"], descending=[True, False])
    )  # fmt: skip
    return rows.select(
        "pair_key",
        pl.col("match_probability").alias("probability"),
        evidence_text(rows["evidence"], lang).alias("evidence"),
        *(pl.col(f"{s}_{n}") for s in _SIDES for n in (1, 2)),
        pl.lit(None, dtype=pl.String).alias("decision"),
        pl.lit(None, dtype=pl.String).alias("decided_by"),
        pl.lit(None, dtype=pl.String).alias("decided_on"),
        pl.lit(None, dtype=pl.String).alias("note"),
        pl.col("fingerprint_l").alias("fingerprint_1"),
        pl.col("fingerprint_r").alias("fingerprint_2"),
        pl.lit(run_id, dtype=pl.String).alias("run_id"),
        "province_code",
    )


def _columns(lang: str) -> tuple[list[str], list[Column]]:
    headers = REVIEW_HEADERS[lang]
    names: list[str] = []
    columns: list[Column] = []
    choices = tuple(DECISION_LABELS[lang].values())
    for field in ("pair_key", "probability", "evidence"):
        names.append(field)
        columns.append(Column(headers[field], *_WIDTHS[field]))  # type: ignore[arg-type]
    for side in _SIDES:
        for n in (1, 2):
            names.append(f"{side}_{n}")
            columns.append(Column(f"{headers[side]} ({n})", *_WIDTHS[side]))  # type: ignore[arg-type]
    for field in ("decision", "decided_by", "decided_on", "note", *_HIDDEN):
        names.append(field)
        columns.append(
            Column(
                headers[field],
                *_WIDTHS[field],  # type: ignore[arg-type]
                choices=choices if field == "decision" else (),
                hidden=field in _HIDDEN,
            )
        )
    return names, columns


def _percent(value: float, lang: str) -> str:
    text = f"{100 * value:.1f}".rstrip("0").rstrip(".") + "%"
    return text.replace(".", ",") if lang == "vi" else text


def _summary(
    rows: pl.DataFrame,
    lang: str,
    province: str,
    code: str | None,
    as_of: dt.date | None,
    run_id: str,
    band: tuple[float, float],
    threshold: float,
) -> Sheet:
    words: dict[str, Any] = _SUMMARY[lang]
    lines = [
        SummaryLine("title", (words["title"].format(province=province),)),
        SummaryLine("field", (words["province"], f"{province} ({code})" if code else province)),
        SummaryLine("field", (words["as_of"], fmt_date(str(as_of) if as_of else None, lang))),
        SummaryLine("field", (words["run"], run_id or "—")),
        SummaryLine("field", (words["pairs"], rows.height)),
        SummaryLine("blank"),
        SummaryLine("field", (words["what"].format(lo=_percent(band[0], lang),
                                                   hi=_percent(band[1], lang),
                                                   threshold=_percent(threshold, lang)),)),
        SummaryLine("field", (words["evidence"],)),
        SummaryLine("field", (words["how"],)),
    ]  # fmt: skip
    return Sheet(words["summary"], lines, (30, 90), frozenset({0, 1}))


def write_review_files(
    review: pl.DataFrame,
    frames: Mapping[str, pl.DataFrame],
    folder: Path,
    lang: str = "vi",
    *,
    created: dt.date | None = None,
    run_id: str = "",
    band: tuple[float, float] = (0.5, 0.95),
    threshold: float = 0.9,
) -> list[Path]:
    """Write one review file per province with open pairs; return the paths written.

    ``review``: the rows of ``review_pairs.parquet``; ``frames``: the run's clean records.
    Names as the worklists' (``01-ha-noi.xlsx``, ``khong-ro-tinh.xlsx``). No open pair, no
    file. The same inputs give byte-identical files.
    """
    lang = _lang(lang)
    rows = review_sheet_rows(review, frames, lang, run_id)
    if rows.height == 0:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    when = (
        _DEFAULT_CREATED
        if created is None
        else dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
    )
    names, columns = _columns(lang)
    provinces = dict(current_provinces().select("province_code", "province_name").iter_rows())
    unknown = "Chưa rõ tỉnh/thành" if lang == "vi" else "Unknown province"
    known = pl.col("province_code").is_in(list(provinces))
    rows = rows.with_columns(pl.when(known).then("province_code").alias("province_code"))
    groups = rows.partition_by("province_code", maintain_order=True, as_dict=True)
    jobs = []
    for (code,) in sorted(groups, key=lambda k: (k[0] is None, k[0] or "")):
        group = groups[(code,)]
        path = folder / f"{worklist_file_stem(code, lang)}.xlsx"
        name = provinces.get(code, unknown) if code else unknown
        summary = _summary(group, lang, name, code, created, run_id, band, threshold)
        jobs.append((path, summary, group.select(names)))

    def write(job: tuple[Path, Sheet, pl.DataFrame]) -> None:
        write_workbook(job[0], job[1], _SUMMARY[lang]["sheet"], columns, job[2], when)

    with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
        list(pool.map(write, jobs))
    return [path for path, _, _ in jobs]
