r"""The one accent fold of dancu: Vietnamese text without its marks (DOMAIN §6, STACK "fold").

Every matching key that ignores accents (headers, gender and status codes, dates written in
words, place names, names compared across registers, blocking keys, file names) is built on
this fold, so ``Đặng`` and ``Dang`` meet the same way everywhere:

1. NFKD: letters split from their marks; compatibility forms (full-width digits, ligatures)
   become their plain form;
2. every combining mark (``\p{Mn}``) is dropped;
3. ``đ``/``ð`` (the look-alike ETH) become ``d`` and ``Đ``/``Ð`` become ``D``, which Unicode
   does not decompose.

Case, spaces and punctuation are left alone: each caller lowers or strips what its key needs.
:func:`accent_fold` is the expression, :func:`fold_text` the same fold on one Python string
(they agree character for character), :func:`ascii_fold` also drops whatever is still not
ASCII (blocking keys). Folding is lossy (``Hương`` and ``Hường`` both give ``Huong``): use it for
keys, never as the value itself.

Example:
    >>> fold_text("Đặng Văn Ðức"), fold_text("Số điện thoại")
    ('Dang Van Duc', 'So dien thoai')
    >>> pl.select(accent_fold(pl.lit("Thành phố Hồ Chí Minh"))).item()
    'Thanh pho Ho Chi Minh'
"""

from __future__ import annotations

import unicodedata
from typing import Final

import polars as pl

__all__ = ["accent_fold", "ascii_fold", "fold_text"]

_D: Final = str.maketrans({"đ": "d", "ð": "d", "Đ": "D", "Ð": "D"})


def accent_fold(col: str | pl.Expr) -> pl.Expr:
    r"""Return the text of ``col`` folded: NFKD, no ``\p{Mn}`` marks, ``đ``/``ð`` → ``d``.

    Example:
        >>> df = pl.DataFrame({"x": ["Đặng Thị Thuỷ", "Ðinh ２０２５", None]})
        >>> df.select(accent_fold("x"))["x"].to_list()
        ['Dang Thi Thuy', 'Dinh 2025', None]
    """
    expr = pl.col(col) if isinstance(col, str) else col
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.replace_all("[đð]", "d")
        .str.replace_all("[ĐÐ]", "D")
    )


def ascii_fold(col: str | pl.Expr) -> pl.Expr:
    """Return :func:`accent_fold` of ``col`` with every remaining non-ASCII character removed.

    For blocking keys only: the output is always ASCII (``ß``, CJK… are dropped).

    Example:
        >>> df = pl.DataFrame({"x": ["Đặng Văn Đức", "Ðinh Hường"]})
        >>> df.select(ascii_fold("x"))["x"].to_list()
        ['Dang Van Duc', 'Dinh Huong']
    """
    return accent_fold(col).str.replace_all(r"[^\x00-\x7F]", "")


def fold_text(value: str) -> str:
    """Return one string folded exactly as :func:`accent_fold` folds a column.

    Example:
        >>> fold_text("Tỉnh Bà Rịa – Vũng Tàu")
        'Tinh Ba Ria – Vung Tau'
    """
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return kept.translate(_D)
