"""Vietnamese personal-name parts and match keys (DOMAIN.md §5, §7).

Input is a full name already through :func:`pipelines.vn.text.clean_name` (NFC, single spaces,
title case), in Vietnamese order: surname, middle name(s), given name. Double surnames
("Lê Nguyễn …") are **not** detected: the first token is always the surname and the second
joins the middle name.

Keys are for blocking and comparison, never for identity: the phonetic key deliberately merges
different names (``Hoàng``/``Hoan``, ``Dũng``/``Vũng``).
"""

from __future__ import annotations

from typing import Final

import polars as pl

from pipelines.vn._exprs import as_expr
from pipelines.vn.text import _tones_one, ascii_fold, on_distinct

__all__ = [
    "ORDER_SURNAMES",
    "given_name",
    "middle_name",
    "name_key_folded",
    "name_key_phonetic",
    "name_key_toneless_style",
    "name_tokens_sorted_key",
    "surname",
    "token_keys",
    "vietnamese_order",
]


def _tokens(col: str | pl.Expr) -> pl.Expr:
    return as_expr(col).str.strip_chars().str.split(" ")


def surname(col: str | pl.Expr) -> pl.Expr:
    """First token of a name with at least two tokens, else null.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Nguyễn Thị Minh Khai", "Lan"]})
        >>> df.select(surname("n"))["n"].to_list()
        ['Nguyễn', None]
    """
    tokens = _tokens(col)
    return pl.when(tokens.list.len() >= 2).then(tokens.list.first())


def middle_name(col: str | pl.Expr) -> pl.Expr:
    """Tokens between surname and given name, space-joined; null for fewer than three tokens.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Nguyễn Thị Minh Khai", "Lê Văn Tám", "Trần Hưng"]})
        >>> df.select(middle_name("n"))["n"].to_list()
        ['Thị Minh', 'Văn', None]
    """
    tokens = _tokens(col)
    n = tokens.list.len()
    return pl.when(n >= 3).then(tokens.list.slice(1, n - 2).list.join(" "))


def given_name(col: str | pl.Expr) -> pl.Expr:
    """Last token (the given name; a one-token name is taken as a given name).

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Nguyễn Thị Minh Khai", "Lan", None]})
        >>> df.select(given_name("n"))["n"].to_list()
        ['Khai', 'Lan', None]
    """
    return _tokens(col).list.last()


def _folded(e: pl.Expr) -> pl.Expr:
    e = ascii_fold(e).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(e.str.len_chars() > 0).then(e)


def name_key_folded(col: str | pl.Expr) -> pl.Expr:
    """Lower-case ASCII fold with single spaces: ``Nguyễn Văn Hòa`` → ``nguyen van hoa``.

    Computed on distinct values. Blank (or nothing left after the fold) → null.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Nguyễn Văn Hòa", "NGUYEN  VAN HOA"]})
        >>> df.select(name_key_folded("n"))["n"].to_list()
        ['nguyen van hoa', 'nguyen van hoa']
    """
    return on_distinct(col, pre=_folded)


def name_key_toneless_style(col: str | pl.Expr) -> pl.Expr:
    """Lower case, NFC, canonical tone placement: ``Hoà``≡``Hòa`` but ``Hương``≠``Hường``.

    Removes only the *style* difference in where a tone sits; the tones themselves are kept.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Lê Thị Hoà", "LÊ THỊ HÒA", "Lê Thị Hường"]})
        >>> df.select(name_key_toneless_style("n"))["n"].to_list()
        ['lê thị hòa', 'lê thị hòa', 'lê thị hường']
    """
    return on_distinct(col, _tones_one, pre=_lower_nfc)


def _lower_nfc(e: pl.Expr) -> pl.Expr:
    e = e.str.normalize("NFC").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(e.str.len_chars() > 0).then(e)


#: Surname-only variants (DOMAIN §5.1: Huỳnh, Võ are the Southern forms of Hoàng, Vũ).
_SURNAME_FOLDS: Final[tuple[tuple[str, str], ...]] = (
    (r"^(?:hoang|huynh)\b", "hoang"),
    (r"^(?:vu|vo)\b", "vu"),
)

#: Ordered regex rewrites on folded lower-case text (DOMAIN §7). Order matters: ``gi`` before
#: ``gh``→``g`` (else ``ghi`` would become ``gi``), ``inh``/``enh`` before ``ng``.
_PHONETIC_RULES: Final[tuple[tuple[str, str], ...]] = (
    # initials
    (r"\bgi([aeouy])", "z${1}"),  # gia, giu, gieng: gi + vowel
    (r"\bgi", "zi"),  # gi, gin (the i is the vowel)
    (r"\bngh", "ng"),
    (r"\bgh", "g"),
    (r"\bph", "f"),
    (r"\bqu", "w"),
    (r"\btr", "ch"),
    (r"\b[drv]", "z"),  # d/gi/r (North) + v (South); đ is already d after the fold
    (r"\bs", "x"),
    (r"\bl", "n"),
    (r"\bc([aeiouy])", "k${1}"),  # c/k/q → k (ch, kh untouched)
    (r"\bq", "k"),
    # finals
    (r"inh\b", "in"),
    (r"enh\b", "en"),  # ên/ênh (ê is e after the fold)
    (r"ng\b", "n"),  # n/ng, un/ung
    (r"c\b", "t"),  # t/c
    # i/y ending an open one-vowel syllable: Vy/Vi, Ly/Li, My/Mi, Ky/Ki (Huy, Tay untouched)
    (r"\b([b-df-hj-np-tv-xz]*)y\b", "${1}i"),
)


def name_key_phonetic(col: str | pl.Expr) -> pl.Expr:
    """Coarse phonetic key folding regional spelling confusions (DOMAIN §7), for blocking.

    On :func:`name_key_folded` text (tones gone, so hỏi/ngã and every tone fold): initials
    d/gi/r/v/đ → ``z``, s/x, ch/tr, l/n, qu/w, ph→f, c/k/q→k, gh→g, ngh→ng; finals n/ng,
    t/c, in/inh, ên/ênh, un/ung; ``y``→``i`` ending an open one-vowel syllable. The *first*
    token also folds Hoàng↔Huỳnh and Vũ↔Võ; as a middle or given name these are different
    words (Vũ is a common given name, Võ is not) and are not folded.

    ``An`` and ``Anh`` keep different keys (final ``nh`` after ``a`` is not among the folded
    mergers). Different names can share a key (``Hoàng``/``Hoan``): compare, never identify.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Trần Văn Dũng", "Chần Văn Giũng", "Huỳnh Thị Vy"]})
        >>> df.select(name_key_phonetic("n"))["n"].to_list()
        ['chan zan zun', 'chan zan zun', 'hoan thi zi']
    """
    return on_distinct(col, pre=_phonetic)


def _phonetic(e: pl.Expr) -> pl.Expr:
    e = _folded(e)
    for pattern, repl in _SURNAME_FOLDS + _PHONETIC_RULES:
        e = e.str.replace_all(pattern, repl)
    return e


def name_tokens_sorted_key(col: str | pl.Expr) -> pl.Expr:
    """Folded tokens in sorted order: order-insensitive key (``Văn An Nguyễn`` ≡ ``Nguyễn Văn An``).

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Nguyễn Văn An", "An Nguyễn Văn"]})
        >>> df.select(name_tokens_sorted_key("n"))["n"].to_list()
        ['an nguyen van', 'an nguyen van']
    """
    return on_distinct(col, pre=lambda e: _folded(e).str.split(" ").list.sort().list.join(" "))


ORDER_SURNAMES: Final[frozenset[str]] = frozenset(
    {
        "nguyen", "tran", "le", "pham", "huynh", "phan", "vo", "dang", "bui", "do", "ho",
        "ngo", "dinh", "doan", "trinh", "trieu", "quach", "phung",
    }
)  # fmt: skip
"""Folded surnames that tell a name written given-name first (DOMAIN §5.1: the most common
surnames, ≈ 85 % of people), leaving out those that are also common given or middle names
(Hoàng, Vũ, Dương, Lý, Mai, Hà, Lâm…), which could not tell the order."""


def vietnamese_order(col: str | pl.Expr) -> pl.Expr:
    """Put a name written in Western order (``Ngọc Thắm Lê``) back in Vietnamese order.

    The last token moves to the front when it is a surname of :data:`ORDER_SURNAMES` and
    the first token is not; any other name is returned as it is. For matching only: the clean
    record keeps the name as written.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"n": ["Ngọc Thắm Lê", "Lê Ngọc Thắm", "Thị Lan Nguyễn", "Anh Vũ"]})
        >>> df.select(vietnamese_order("n"))["n"].to_list()
        ['Lê Ngọc Thắm', 'Lê Ngọc Thắm', 'Nguyễn Thị Lan', 'Anh Vũ']
    """
    return on_distinct(col, pre=_vietnamese_order)


def _vietnamese_order(e: pl.Expr) -> pl.Expr:
    surnames = sorted(ORDER_SURNAMES)
    tokens = e.str.strip_chars().str.split(" ")
    folded = _folded(e).str.split(" ")
    western = (
        (tokens.list.len() >= 2)
        & ~folded.list.first().is_in(surnames)
        & folded.list.last().is_in(surnames)
    )
    rotated = pl.concat_list(tokens.list.last(), tokens.list.slice(0, tokens.list.len() - 1))
    return (
        pl.when(western.fill_null(False))
        .then(rotated.list.join(" "))
        .otherwise(e.str.strip_chars())
    )


def token_keys(tokens: pl.Expr) -> list[pl.Expr]:
    """Keys of single name tokens (words), for names keyed one distinct word at a time.

    Returns ``tone`` (lower case), ``folded``, ``phonetic`` (as a middle or given name) and
    ``phonetic_first`` (as a surname: Hoàng≡Huỳnh, Vũ≡Võ). Every rule of
    :func:`name_key_phonetic` and :func:`name_key_folded` is word by word, so a name's keys
    are its words' keys joined by spaces (a word that folds to nothing is dropped).

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"w": ["Huỳnh", "Vy"]})
        >>> df.select(token_keys(pl.col("w"))).rows()
        [('huỳnh', 'huynh', 'huynh', 'hoan'), ('vy', 'vy', 'zi', 'zi')]
    """
    first = _phonetic(tokens)
    rest = _folded(tokens)
    for pattern, repl in _PHONETIC_RULES:
        rest = rest.str.replace_all(pattern, repl)
    return [
        tokens.str.to_lowercase().alias("tone"),
        _folded(tokens).alias("folded"),
        rest.alias("phonetic"),
        first.alias("phonetic_first"),
    ]
