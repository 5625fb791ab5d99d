"""Personal ID (số định danh cá nhân), legacy CMND and BHXH insurance-code expressions.

Every function takes a column name or a ``pl.Expr`` and returns a ``pl.Expr``, so several can be
combined in one ``with_columns``. Checks are boolean expressions: ``True`` = pass, ``False`` =
finding, ``null`` = not applicable (null input, or a prerequisite missing). A null value never fails
a check: nulls count only against completeness.

Facts: DOMAIN.md §1 (12 digits, no checksum; digits 1–3 = birth-registration province prefix,
digit 4 = century + gender, digits 5–6 = birth year % 100) and §2 (BHXH code = 10 digits; since
2025-08 a 12-digit personal ID may sit in the insurance-code field).

Limitation: a value already read as an integer has lost its leading zeros (``1090012345`` for
``001090012345``); read ID columns as strings.
"""

from __future__ import annotations

import polars as pl

from pipelines.vn._exprs import as_expr, named
from pipelines.vn.provinces_legacy import PREFIX_TO_NEW_CODE

__all__ = [
    "id_digits",
    "insurance_code",
    "insurance_code_is_valid",
    "legacy_id_from_personal",
    "personal_id",
    "personal_id_century_matches",
    "personal_id_from_insurance_code",
    "personal_id_gender_digit_matches",
    "personal_id_has_12_digits",
    "personal_id_prefix_known",
    "personal_id_year_matches",
    "province_code_from_id",
]

# whitespace (incl. NBSP, U+3000), dot, underscore, ASCII/Unicode dashes and their full-width forms
_SEPARATORS = r"[\s._\-\x{2010}-\x{2015}\x{2212}\x{FF0D}\x{FF0E}\x{FF3F}]"
# optional BHYT card head (2 letters, benefit level 1-5, 2-digit province) + 10-digit BHXH code
_INSURANCE_RE = r"^(?:[A-Za-z]{2}[1-5][0-9]{2})?([0-9]{10})$"
_FULL_WIDTH_DIGITS = [chr(0xFF10 + i) for i in range(10)]
_ASCII_DIGITS = [str(i) for i in range(10)]
_KNOWN_PREFIXES: list[str] = sorted(PREFIX_TO_NEW_CODE)


def id_digits(col: str | pl.Expr) -> pl.Expr:
    """Clean an ID: full-width digits → ASCII; drop spaces, dots, dashes, underscores.

    Other characters (letters) are kept so that a later check can flag them. Empty → null.

    Example:
        >>> df = pl.DataFrame({"x": ["001 090.012-345", "０３８０９５０００１２３", " ", None]})
        >>> df.select(id_digits("x"))["x"].to_list()
        ['001090012345', '038095000123', None, None]

    """
    cleaned = (
        as_expr(col)
        .cast(pl.String)
        .str.replace_many(_FULL_WIDTH_DIGITS, _ASCII_DIGITS)
        .str.replace_all(_SEPARATORS, "")
    )
    # a single reference to ``cleaned`` keeps the expression tree small: "" → null
    return named(cleaned.str.extract(r"(?s)^(.+)$", 1), col)


def _digits_of_len(col: str | pl.Expr, n: int) -> pl.Expr:
    return id_digits(col).str.extract(rf"^([0-9]{{{n}}})$", 1)


def personal_id(col: str | pl.Expr) -> pl.Expr:
    """Return the personal ID as 12 ASCII digits, or null when it is not 12 digits.

    Example:
        >>> df = pl.DataFrame({"id": ["001 090 012 345", "123456789", "00109001234A", None]})
        >>> df.select(personal_id("id"))["id"].to_list()
        ['001090012345', None, None, None]

    """
    return named(_digits_of_len(col, 12), col)


def legacy_id_from_personal(col: str | pl.Expr) -> pl.Expr:
    """Return a 9-digit CMND number found in the personal-ID column (it moves to ``legacy_id``).

    A 12-digit CMND (TT 57/2013) cannot be told apart from a personal ID and stays there.

    Example:
        >>> df = pl.DataFrame({"id": ["271 450 001", "001090012345", None]})
        >>> df.select(legacy_id_from_personal("id"))["id"].to_list()
        ['271450001', None, None]

    """
    return named(_digits_of_len(col, 9), col)


def personal_id_has_12_digits(col: str | pl.Expr) -> pl.Expr:
    """Check: the cleaned value is exactly 12 ASCII digits (null input → null).

    Example:
        >>> ids = ["001090012345", "00109001234", "0010900123456", "0010A0012345", None]
        >>> df = pl.DataFrame({"id": ids})
        >>> df.select(personal_id_has_12_digits("id"))["id"].to_list()
        [True, False, False, False, None]

    """
    return named(id_digits(col).str.contains(r"^[0-9]{12}$"), col)


def personal_id_prefix_known(col: str | pl.Expr) -> pl.Expr:
    """Check: digits 1–3 are one of the 63 province prefixes (null unless the ID has 12 digits).

    Country-code prefixes (births registered abroad) are not listed anywhere known and fail.

    Example:
        >>> df = pl.DataFrame({"id": ["001090012345", "003090012345", "12345", None]})
        >>> df.select(personal_id_prefix_known("id"))["id"].to_list()
        [True, False, None, None]

    """
    pid = personal_id(col)
    return named(pid.str.slice(0, 3).is_in(_KNOWN_PREFIXES), col)


def _digit4(col: str | pl.Expr) -> pl.Expr:
    return personal_id(col).str.slice(3, 1).cast(pl.Int32)


def _year(birth_year: str | pl.Expr) -> pl.Expr:
    return as_expr(birth_year).cast(pl.Int32, strict=False)


def personal_id_gender_digit_matches(id_col: str | pl.Expr, gender: str | pl.Expr) -> pl.Expr:
    """Check: digit 4 parity agrees with the canonical gender (even = ``Nam``, odd = ``Nữ``).

    ``gender`` must already be canonical (see ``pipelines.vn.gender.canonical_gender``); any other
    value, a null gender or an ID without 12 digits gives null.

    Example:
        >>> df = pl.DataFrame(
        ...     {"id": ["001090012345", "001190012345", "001090012345", "001090012345"],
        ...      "g": ["Nam", "Nam", "Nữ", None]}
        ... )
        >>> df.select(personal_id_gender_digit_matches("id", "g"))["id"].to_list()
        [True, False, False, None]

    """
    g = as_expr(gender).cast(pl.String).str.normalize("NFC")
    female = g.replace_strict({"Nam": 0, "Nữ": 1}, default=None, return_dtype=pl.Int32)
    return named((_digit4(id_col) % 2) == female, id_col)


def personal_id_century_matches(id_col: str | pl.Expr, birth_year: str | pl.Expr) -> pl.Expr:
    """Check: ``digit4 // 2 == birth_year // 100 - 19`` (null when year or 12-digit ID missing).

    ``birth_year`` is an integer expression (e.g. ``date_value(...).dt.year()``).

    Example:
        >>> df = pl.DataFrame({"id": ["001090012345", "001290012345", "001090012345"],
        ...                    "y": [1990, 1990, None]})
        >>> df.select(personal_id_century_matches("id", "y"))["id"].to_list()
        [True, False, None]

    """
    return named((_digit4(id_col) // 2) == (_year(birth_year) // 100 - 19), id_col)


def personal_id_year_matches(id_col: str | pl.Expr, birth_year: str | pl.Expr) -> pl.Expr:
    """Check: digits 5–6 equal ``birth_year % 100`` (null when year or 12-digit ID missing).

    Example:
        >>> df = pl.DataFrame({"id": ["001090012345", "001091012345", "001090012345"],
        ...                    "y": [1990, 1990, None]})
        >>> df.select(personal_id_year_matches("id", "y"))["id"].to_list()
        [True, False, None]

    """
    yy = personal_id(id_col).str.slice(4, 2).cast(pl.Int32)
    return named(yy == (_year(birth_year) % 100), id_col)


def province_code_from_id(col: str | pl.Expr) -> pl.Expr:
    """Return the new (2025) province code of the birth-registration prefix, via the 63-code table.

    Unknown prefix or not a 12-digit ID → null. Never matched by province name (DOMAIN §1.3).

    Example:
        >>> df = pl.DataFrame({"id": ["015090012345", "079190012345", "003090012345", None]})
        >>> df.select(province_code_from_id("id"))["id"].to_list()
        ['15', '79', None, None]

    """
    code = (
        personal_id(col)
        .str.slice(0, 3)
        .replace_strict(PREFIX_TO_NEW_CODE, default=None, return_dtype=pl.String)
    )
    return named(code, col)


def insurance_code(col: str | pl.Expr) -> pl.Expr:
    """Return the 10-digit BHXH code, or null.

    A 15-character BHYT card number (2 letters + benefit digit + 2-digit province + 10-digit
    code, DOMAIN §2) yields its embedded BHXH code (the last 10 digits).

    Example:
        >>> df = pl.DataFrame({"c": ["01 2345 6789", "DN4790123456789", "001090012345", None]})
        >>> df.select(insurance_code("c"))["c"].to_list()
        ['0123456789', '0123456789', None, None]

    """
    code = id_digits(col).str.extract(_INSURANCE_RE, 1)
    return named(code, col)


def personal_id_from_insurance_code(col: str | pl.Expr) -> pl.Expr:
    """Return a 12-digit value found in the insurance-code field: a personal ID (policy 2025-08).

    Example:
        >>> df = pl.DataFrame({"c": ["001090012345", "0123456789", None]})
        >>> df.select(personal_id_from_insurance_code("c"))["c"].to_list()
        ['001090012345', None, None]

    """
    return named(personal_id(col), col)


def insurance_code_is_valid(col: str | pl.Expr) -> pl.Expr:
    """Check: the insurance-code field holds a BHXH code, a BHYT card number or a 12-digit ID.

    Null input → null.

    Example:
        >>> df = pl.DataFrame({"c": ["0123456789", "001090012345", "012345678", None]})
        >>> df.select(insurance_code_is_valid("c"))["c"].to_list()
        [True, True, False, None]

    """
    ok = id_digits(col).str.contains(r"^(?:[0-9]{12}|" + _INSURANCE_RE[1:-1] + ")$")
    return named(ok, col)
