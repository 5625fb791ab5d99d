"""Redact personal data from free text before it leaves the machine (DESIGN §9).

dancu's own messages are built from safe parts (file names, column names, line numbers,
counts). Text from elsewhere — a library's exception message, a traceback — may carry a cell
value: an ID, a phone number, a birth date, a name. :func:`redacted` masks what such a value
can look like:

* digit runs of 6 or more digits (spaces, dots and dashes between groups allowed: IDs, phones,
  BHXH codes, ``19900503``) keep their first 3 and last 2 digits: ``001*******45``;
* dates (``05/03/1987``, ``1987-03-05``) become ``**/**/****``;
* e-mail addresses keep their domain: ``***@example.gov.vn``;
* words with Vietnamese letters, and runs of two or more capitalised words (an unaccented
  name), keep their first letters: ``N*** V** A*``;
* anything in quotes or backticks that is not a known identifier (a column name, a data type,
  a register) is masked as a whole.

``safe`` strings (the input's own headers, file paths) are left as they are.

Example:
    >>> redacted("could not parse `Nguyễn Văn An` in column 'full_name' (001203012345)")
    "could not parse `N*** V** A*` in column 'full_name' (001*******45)"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

__all__ = ["SAFE_WORDS", "redacted"]

_DIGITS: Final = re.compile(r"\d(?:[ .\-]?\d){5,}")
_DATE: Final = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")
_EMAIL: Final = re.compile(r"[\w.+\-]+@([\w\-]+\.[\w.\-]+)")
_QUOTED: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(r"(`)([^`]{1,300})`"),
    re.compile(r'(")([^"]{1,300})"'),
    re.compile(r"(?<![^\W\d_])(')([^']{1,300})'(?![^\W\d_])"),
)
"""Backticks (Polars quotes values so), double quotes, then single quotes that are not
apostrophes (``it's``): each span is judged whole, whatever other quotes it holds."""
_WORD: Final = re.compile(r"[^\W\d_]+", re.UNICODE)
_NAME_RUN: Final = re.compile(r"\b[A-Z][A-Za-z]*(?:[ ]+[A-Z][A-Za-z]*)+\b")
"""Two or more capitalised words in a row: an unaccented name (``Nguyen Van An``)."""
_SLOT: Final = 0xF0000  # private-use code points stand in for text kept as it is
_SLOTS: Final = re.compile("[\U000f0000-\U000ffffd]")

SAFE_WORDS: Final[frozenset[str]] = frozenset(
    {
        # registers and data types a library may quote
        "residents", "civil_events", "insurance", "str", "String", "Utf8", "i8", "i16",
        "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "bool", "Boolean", "Date",
        "Datetime", "Int64", "Int32", "Float64", "date", "datetime", "null", "None",
        "utf-8", "utf8", "UTF-8", "Schema", "Series", "DataFrame", "LazyFrame",
    }
)  # fmt: skip
"""Quoted words that are never personal data."""


def _known_identifiers() -> frozenset[str]:
    from pipelines.ingest.headers import ALIASES, CANONICAL

    names: set[str] = set(SAFE_WORDS)
    for source, columns in CANONICAL.items():
        names.add(source)
        names.update(columns)
    for canonical, aliases in ALIASES.items():
        names.add(canonical)
        names.update(aliases)
    return frozenset(names)


def _mask_digits(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def _mask_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.isascii():
        return word
    return word[:1] + "*" * min(len(word) - 1, 3)


def _initial(match: re.Match[str]) -> str:
    word = match.group(0)
    return word[:1] + "*" * min(len(word) - 1, 3)


def _mask_quoted(inner: str) -> str:
    """Mask a quoted value whole: digit runs by their ends, short numbers and words fully."""
    text = _DIGITS.sub(_mask_digits, inner)
    text = re.sub(r"(?<![\d*])\d{1,5}(?![\d*])", lambda m: "*" * len(m.group(0)), text)
    return _WORD.sub(_initial, text)


def redacted(text: str, safe: Iterable[str] = ()) -> str:
    r"""Return ``text`` with anything that may be a personal value masked (module docstring).

    Example:
        >>> redacted("phone 0912 345 678 of lan.nguyen@mail.vn, born 05/03/1987")
        'phone 091*****78 of ***@mail.vn, born **/**/****'
        >>> redacted("bad value 'Tran Van Binh' in \"Họ và tên\"")
        'bad value \'T*** V** B***\' in "Họ và tên"'
    """
    text = _SLOTS.sub("?", unicodedata.normalize("NFC", str(text)))
    keep = sorted({s for s in safe if s} | set(_KNOWN), key=len, reverse=True)
    slots: list[str] = []

    def hold(value: str) -> str:
        slots.append(value)
        return chr(_SLOT + len(slots) - 1)

    def quoted(match: re.Match[str]) -> str:
        quote, inner = match.group(1), match.group(2)
        if inner in _KNOWN or inner in keep or _SLOTS.fullmatch(inner):
            return hold(match.group(0))
        return hold(quote + _mask_quoted(inner) + quote)

    for value in (s for s in keep if len(s) > 3 and not s.isidentifier()):
        text = text.replace(value, hold(value)) if value in text else text
    for pattern in _QUOTED:
        text = pattern.sub(quoted, text)
    text = _EMAIL.sub(lambda m: "***@" + m.group(1), text)
    text = _DATE.sub("**/**/****", text)
    text = _DIGITS.sub(_mask_digits, text)
    text = _NAME_RUN.sub(lambda m: _WORD.sub(_initial, m.group(0)), text)
    text = _WORD.sub(_mask_word, text)
    while _SLOTS.search(text):
        text = _SLOTS.sub(lambda m: slots[ord(m.group(0)) - _SLOT], text)
    return text


_KNOWN: Final[frozenset[str]] = _known_identifiers()


def schema_errors_summary(exc: BaseException) -> str:
    r"""Return a pandera ``SchemaErrors`` as counts per column and check, without any value.

    Pandera's own text lists the failing values; this says only where and how often.

    Example:
        >>> import pandera.polars as pa, polars as pl
        >>> class M(pa.DataFrameModel):
        ...     x: str = pa.Field(str_matches=r"^\d{12}$")
        >>> try:
        ...     M.validate(pl.DataFrame({"x": ["001203012345", "0912345678"]}), lazy=True)
        ... except pa.errors.SchemaErrors as exc:
        ...     print(schema_errors_summary(exc))
        column 'x': check str_matches('^\d{12}$') failed on 1 row
    """
    cases = getattr(exc, "failure_cases", None)
    if cases is None or not hasattr(cases, "group_by"):
        return type(exc).__name__
    import polars as pl

    counts = (
        cases.group_by("column", "check", maintain_order=True)
        .agg(pl.len().alias("n"))
        .sort("column", "check", nulls_last=True)
    )
    lines = []
    for column, check, n in counts.iter_rows():
        rows = "row" if n == 1 else "rows"
        lines.append(f"column {column!r}: check {check} failed on {n} {rows}")
    return "\n".join(lines) or type(exc).__name__
