"""Pre-processing SQL for the Splink anchor (DuckDB dialect), as STACK.md prescribes.

Raw CSVs are read as text; headers are matched (English or Vietnamese, ignoring case,
accents and punctuation) to the few columns Splink compares; the records of every register
are stacked with a ``source`` column; then names are lower-cased, accents stripped and
``đ`` mapped to ``d`` explicitly (DuckDB's ``strip_accents`` leaves it), split into surname
(first token), given (last) and middle (the rest); dates parsed with ``try_strptime`` from
``%d/%m/%Y``, ``%Y-%m-%d``, ``%d/%m/%y``; phone and ID reduced to digits. Standard library
only: this module is imported by the script that runs inside Splink's environment.

Example:
    >>> header_map(["Mã hồ sơ", "Họ và tên", "Ngày sinh", "ethnicity"])
    {'record_id': 'Mã hồ sơ', 'full_name': 'Họ và tên', 'birth_date': 'Ngày sinh'}
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "ALIASES",
    "DATE_FORMATS",
    "FIELDS",
    "header_key",
    "header_map",
    "prepared_sql",
    "source_sql",
    "stacked_sql",
]

FIELDS = (
    "record_id",
    "personal_id",
    "full_name",
    "gender",
    "birth_date",
    "phone",
    "address",
    "district",
    "province",
)
"""Columns the anchor reads from each raw file (missing ones are null)."""
ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": ("record_id", "event_id", "Mã hồ sơ", "Mã bản ghi", "Mã sự kiện", "ID"),
    "personal_id": ("personal_id", "Số định danh cá nhân", "Số định danh", "Số CCCD", "CCCD"),
    "full_name": ("full_name", "Họ và tên", "Họ tên"),
    "gender": ("gender", "Giới tính"),
    "birth_date": ("birth_date", "Ngày sinh", "Ngày tháng năm sinh"),
    "phone": ("phone", "Số điện thoại", "Điện thoại", "SĐT"),
    "address": ("address", "Địa chỉ"),
    "district": ("district", "Quận/Huyện"),
    "province": ("province", "Tỉnh/Thành phố", "Tỉnh/TP", "Tỉnh"),
}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y")


def header_key(header: str) -> str:
    """Return a header folded for matching: no accents, ``đ`` → ``d``, lower, letters/digits.

    Example:
        >>> header_key("Tỉnh/Thành phố")
        'tinhthanhpho'
    """
    plain = "".join(
        c for c in unicodedata.normalize("NFD", header) if unicodedata.category(c) != "Mn"
    )
    plain = plain.replace("đ", "d").replace("Đ", "D").lower()
    return "".join(c for c in plain if c.isalnum())


def header_map(headers: Iterable[str]) -> dict[str, str]:
    """Return field → the raw header that holds it (first match in the file's order).

    Example:
        >>> header_map(["event_id", "full_name"])
        {'record_id': 'event_id', 'full_name': 'full_name'}
    """
    keys = {header_key(a): field for field, names in ALIASES.items() for a in names}
    out: dict[str, str] = {}
    for header in headers:
        field = keys.get(header_key(header))
        if field is not None and field not in out:
            out[field] = header
    return out


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def source_sql(source: str, path: str, columns: Mapping[str, str]) -> str:
    """Return a SELECT of one raw CSV as text with the anchor's columns (absent ones null).

    Example:
        >>> print(source_sql("residents", "r.csv", {"record_id": "ID"}).splitlines()[0])
        SELECT 'residents' AS source, CAST("ID" AS VARCHAR) AS record_id,
    """
    if "record_id" not in columns:
        raise ValueError(f"{path}: no record id column among {sorted(columns.values())}")
    cols = [f"CAST({_quote(columns['record_id'])} AS VARCHAR) AS record_id"]
    cols += [
        f"{_quote(columns[f])} AS {f}" if f in columns else f"CAST(NULL AS VARCHAR) AS {f}"
        for f in FIELDS[1:]
    ]
    head = f"SELECT {_literal(source)} AS source, {cols[0]},"
    body = ",\n       ".join(cols[1:])
    return (
        f"{head}\n       {body}\nFROM read_csv({_literal(path)}, all_varchar = true, header = true)"
    )


def stacked_sql(selects: Iterable[str]) -> str:
    """Return the UNION ALL of the per-source SELECTs.

    Example:
        >>> print(stacked_sql(["SELECT 1", "SELECT 2"]))
        SELECT 1
        UNION ALL
        SELECT 2
    """
    return "\nUNION ALL\n".join(selects)


def _text(col: str) -> str:
    """Return SQL text folded: NFC, lower-case, accents stripped, đ/ð → d, single spaces."""
    folded = f"replace(replace(strip_accents(lower(nfc_normalize({col}))), 'đ', 'd'), 'ð', 'd')"
    return f"nullif(trim(regexp_replace({folded}, '\\s+', ' ', 'g')), '')"


def _digits(col: str) -> str:
    return f"nullif(regexp_replace({col}, '[^0-9]', '', 'g'), '')"


def prepared_sql(raw_table: str) -> str:
    """Return the SELECT that turns the stacked raw text into Splink's input columns.

    Output: ``unique_id, source, record_id, surname, given, middle, dob, birth_year, gender,
    nid, phone, province, district, address``.

    Example:
        >>> "try_strptime(birth_date, '%d/%m/%Y')" in prepared_sql("raw")
        True
    """
    parsed = ", ".join(f"try_strptime(birth_date, {_literal(f)})" for f in DATE_FORMATS)
    return f"""
WITH base AS (
    SELECT source, record_id,
           string_split(coalesce({_text("full_name")}, ''), ' ') AS toks,
           strftime(coalesce({parsed}), '%Y-%m-%d') AS dob,
           {_text("gender")} AS g,
           personal_id, phone, province, district, address
    FROM {raw_table}
)
SELECT source || ':' || record_id AS unique_id, source, record_id,
       nullif(toks[1], '') AS surname,
       CASE WHEN len(toks) >= 2 THEN toks[len(toks)] END AS given,
       CASE WHEN len(toks) >= 3 THEN array_to_string(toks[2:len(toks) - 1], ' ') END AS middle,
       dob,
       substr(dob, 1, 4) AS birth_year,
       CASE WHEN g IN ('nam', 'm', '1', 'male') THEN 'm'
            WHEN g IN ('nu', 'f', '0', 'female') THEN 'f' END AS gender,
       {_digits("personal_id")} AS nid,
       {_digits("phone")} AS phone,
       {_text("province")} AS province,
       {_text("district")} AS district,
       {_text("address")} AS address
FROM base
"""
