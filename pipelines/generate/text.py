"""Text variations seen in real registers.

No accents, NFD, ETH look-alikes, the other tone-placement style (DOMAIN §6.1), extra spaces
and one-character typos.
"""

from __future__ import annotations

import polars as pl

__all__ = ["extra_spaces", "new_tone_style", "to_eth", "typo"]

_TONES = {"̀": "àèìòùỳ", "́": "áéíóúý", "̉": "ảẻỉỏủỷ", "̃": "ãẽĩõũỹ", "̣": "ạẹịọụỵ"}


def _style_pairs() -> list[tuple[str, str]]:
    """Return (old style, new style) pairs for open oa, oe, uy, both cases of the first letter."""
    pairs: list[tuple[str, str]] = []
    for marked in _TONES.values():
        a, e, o, u, y = marked[0], marked[1], marked[3], marked[4], marked[5]
        pairs += [(o + "a", "o" + a), (o + "e", "o" + e), (u + "y", "u" + y)]
    return pairs


_PAIRS = _style_pairs()


def new_tone_style(expr: pl.Expr) -> pl.Expr:
    """Return text with open oa/oe/uy written in the new style (``Hòa`` → ``Hoà``).

    Only syllable-final pairs change: ``Hoàng`` is the same in both styles.

    Example:
        >>> import polars as pl
        >>> pl.select(new_tone_style(pl.lit("Nguyễn Thị Thúy Hòa"))).item()
        'Nguyễn Thị Thuý Hoà'
    """
    out = expr
    for old, new in _PAIRS:
        out = out.str.replace_all(old + r"(\s|$)", new + "${1}")
    return out


def to_eth(expr: pl.Expr) -> pl.Expr:
    """Return text with Đ/đ replaced by the look-alike ETH letters U+00D0/U+00F0.

    Example:
        >>> import polars as pl
        >>> pl.select(to_eth(pl.lit("Đức"))).item() == chr(0xD0) + "ức"
        True
    """
    return expr.str.replace_all("Đ", "\u00d0", literal=True).str.replace_all(
        "đ", "\u00f0", literal=True
    )


def extra_spaces(expr: pl.Expr, variant: pl.Expr) -> pl.Expr:
    """Return text with doubled inner spaces (variant 0), a trailing space (1) or both (2).

    Example:
        >>> import polars as pl
        >>> pl.select(extra_spaces(pl.lit("Lê Văn An"), pl.lit(0))).item()
        'Lê  Văn An'
    """
    doubled = expr.str.replace(" ", "  ", literal=True)
    return (
        pl.when(variant == 0)
        .then(doubled)
        .when(variant == 1)
        .then(pl.concat_str(expr, pl.lit(" ")))
        .otherwise(pl.concat_str(pl.lit(" "), doubled))
    )


def typo(expr: pl.Expr, given_len: pl.Expr, position: pl.Expr, letter: pl.Expr) -> pl.Expr:
    """Return text with one character of its last ``given_len`` characters replaced.

    The first letter of the given name is kept (typos rarely hit a capital); ``position`` in
    [0, 1) picks one of the others; ``letter`` is the replacement.

    Example:
        >>> import polars as pl
        >>> pl.select(typo(pl.lit("Lê Văn An"), pl.lit(2), pl.lit(0.6), pl.lit("m"))).item()
        'Lê Văn Am'
    """
    n = expr.str.len_chars()
    at = n - given_len + 1 + (position * (given_len - 1)).floor().cast(pl.UInt32)
    return pl.concat_str(expr.str.slice(0, at), letter, expr.str.slice(at + 1))
