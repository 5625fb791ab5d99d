"""Gender standardisation to ``Nam`` / ``Nữ`` (DESIGN.md §5).

Matching is on a folded key (Unicode NFKD, combining marks removed, ``đ`` → ``d``, lower case,
non-alphanumerics dropped), so NFC/NFD input, case, spacing and typing leftovers (``Nu~``) all
match. Numeric codes depend on the source system:

| convention | ``0`` | ``1`` | ``2`` |
| --- | --- | --- | --- |
| ``bhxh`` (default; BHXH import templates, DOMAIN §8) | Nữ | Nam | unrecognised |
| ``iso`` (ISO/IEC 5218) | unrecognised | Nam | Nữ |
"""

from __future__ import annotations

from typing import Final, Literal

import polars as pl

from pipelines.vn._exprs import as_expr, named
from pipelines.vn.fold import accent_fold

__all__ = ["canonical_gender", "gender_is_unrecognised"]

NumericConvention = Literal["bhxh", "iso"]

_MALE: Final[frozenset[str]] = frozenset(
    {"nam", "m", "male", "man", "trai", "contrai", "namgioi", "gioitinhnam", "boy"}
)
_FEMALE: Final[frozenset[str]] = frozenset(
    {"nu", "f", "female", "woman", "gai", "congai", "nugioi", "gioitinhnu", "girl"}
)
_NUMERIC: Final[dict[str, dict[str, str]]] = {
    "bhxh": {"0": "Nữ", "1": "Nam"},
    "iso": {"1": "Nam", "2": "Nữ"},
}


def _key(col: str | pl.Expr) -> pl.Expr:
    return (
        accent_fold(as_expr(col).cast(pl.String))
        .str.to_lowercase()
        .str.strip_chars()
        .str.replace(r"^([0-9]+)\.0+$", "${1}")
        .str.replace_all(r"[^\p{L}\p{N}]", "")
    )


def canonical_gender(col: str | pl.Expr, numeric_convention: NumericConvention = "bhxh") -> pl.Expr:
    """Return ``Nam`` / ``Nữ``, or null for missing or unrecognised values.

    Example:
        >>> df = pl.DataFrame({"g": ["NAM", "nữ", "Nu~", "F", "male", "gái", "0", "1", "?", None]})
        >>> df.select(canonical_gender("g"))["g"].to_list()
        ['Nam', 'Nữ', 'Nữ', 'Nữ', 'Nam', 'Nữ', 'Nữ', 'Nam', None, None]
        >>> df.select(canonical_gender("g", numeric_convention="iso"))["g"].to_list()[6:8]
        [None, 'Nam']

    """
    if numeric_convention not in _NUMERIC:
        raise ValueError(f"numeric_convention must be 'bhxh' or 'iso', not {numeric_convention!r}")
    mapping = {k: "Nam" for k in _MALE} | {k: "Nữ" for k in _FEMALE}
    mapping |= _NUMERIC[numeric_convention]
    return named(_key(col).replace_strict(mapping, default=None, return_dtype=pl.String), col)


def gender_is_unrecognised(
    col: str | pl.Expr, numeric_convention: NumericConvention = "bhxh"
) -> pl.Expr:
    """Flag: non-blank input that ``canonical_gender`` cannot map (True = finding; blank → null).

    Example:
        >>> df = pl.DataFrame({"g": ["Nam", "khác", "2", " ", None]})
        >>> df.select(gender_is_unrecognised("g"))["g"].to_list()
        [False, True, True, None, None]

    """
    present = as_expr(col).cast(pl.String).str.strip_chars().str.len_bytes() > 0
    return named(pl.when(present).then(canonical_gender(col, numeric_convention).is_null()), col)
