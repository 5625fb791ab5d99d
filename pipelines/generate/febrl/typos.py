"""Typographical errors (FEBRL: insert, delete, substitute, transpose) and OCR confusions.

Positions and draws come in as columns, so every function is a plain ``pl.Expr`` builder
and the same draws always give the same text. Substitutes and inserts are keyboard
neighbours on a QWERTY layout (Vietnamese is typed on one, with Telex or VNI for the marks);
a letter with diacritics is typed on its bare key, so its neighbours are the bare key's.

Example:
    >>> import polars as pl
    >>> pl.select(transpose_at(pl.lit("Hùng"), pl.lit(0))).item()
    'ùHng'
"""

from __future__ import annotations

import polars as pl

from pipelines.vn.fold import accent_fold

__all__ = [
    "KEY_NEIGHBOURS",
    "OCR_CONFUSIONS",
    "delete_at",
    "fold",
    "insert_at",
    "neighbour_key",
    "ocr_confusion",
    "replace_token",
    "substitute_at",
    "token_at",
    "token_count",
    "transpose_at",
]

_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_OFFSETS = (0.0, 0.5, 0.75, 1.25)  # horizontal stagger of each keyboard row


def _neighbours() -> dict[str, str]:
    """Return, per key, the keys of its kind (letter or digit) touching it on a QWERTY keyboard."""
    where = {k: (r, c + _OFFSETS[r]) for r, row in enumerate(_ROWS) for c, k in enumerate(row)}
    out: dict[str, str] = {}
    for key, (row, x) in where.items():
        near = [
            other
            for other, (r2, x2) in where.items()
            if other != key
            and other.isdigit() == key.isdigit()
            and ((r2 == row and abs(x2 - x) == 1) or (abs(r2 - row) == 1 and abs(x2 - x) < 1))
        ]
        out[key] = "".join(sorted(near))
    return out


KEY_NEIGHBOURS: dict[str, str] = _neighbours()
"""Key → the keys of its kind around it (``"g"`` → ``"bfhtvy"``, ``"5"`` → ``"46"``)."""

# OCR misreadings, written on NFD text (a mark is its own code point): a lost horn, breve,
# circumflex or dot below, and glyph confusions of printed Latin letters and digits.
OCR_CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("\u031b", ""),  # ư → u, ơ → o
    ("\u0306", ""),  # ă → a
    ("\u0302", ""),  # â ê ô → a e o
    ("\u0323", ""),  # dot below lost
    ("m", "rn"),
    ("rn", "m"),
    ("d", "cl"),
    ("h", "li"),
    ("n", "ri"),
    ("o", "0"),
    ("l", "1"),
    ("i", "l"),
    ("e", "c"),
    ("c", "e"),
    ("g", "q"),
    ("u", "v"),
    ("y", "v"),
    ("B", "8"),
    ("S", "5"),
    ("O", "0"),
)


def fold(text: pl.Expr) -> pl.Expr:
    """Return ``text`` without diacritics, ``đ``/``Đ`` as ``d``/``D``.

    Example:
        >>> import polars as pl
        >>> pl.select(fold(pl.lit("Đặng Thị Hương"))).item()
        'Dang Thi Huong'
    """
    return accent_fold(text)


def insert_at(text: pl.Expr, pos: pl.Expr, char: pl.Expr) -> pl.Expr:
    """Return ``text`` with ``char`` inserted before character ``pos``.

    Example:
        >>> import polars as pl
        >>> pl.select(insert_at(pl.lit("An"), pl.lit(1), pl.lit("s"))).item()
        'Asn'
    """
    return pl.concat_str(text.str.slice(0, pos), char, text.str.slice(pos))


def delete_at(text: pl.Expr, pos: pl.Expr) -> pl.Expr:
    """Return ``text`` without its character ``pos``.

    Example:
        >>> import polars as pl
        >>> pl.select(delete_at(pl.lit("Hùng"), pl.lit(1))).item()
        'Hng'
    """
    return pl.concat_str(text.str.slice(0, pos), text.str.slice(pos + 1))


def substitute_at(text: pl.Expr, pos: pl.Expr, char: pl.Expr) -> pl.Expr:
    """Return ``text`` with character ``pos`` replaced by ``char``.

    Example:
        >>> import polars as pl
        >>> pl.select(substitute_at(pl.lit("Hùng"), pl.lit(3), pl.lit("h"))).item()
        'Hùnh'
    """
    return pl.concat_str(text.str.slice(0, pos), char, text.str.slice(pos + 1))


def transpose_at(text: pl.Expr, pos: pl.Expr) -> pl.Expr:
    """Return ``text`` with characters ``pos`` and ``pos + 1`` swapped.

    Example:
        >>> import polars as pl
        >>> pl.select(transpose_at(pl.lit("0912"), pl.lit(2))).item()
        '0921'
    """
    return pl.concat_str(
        text.str.slice(0, pos),
        text.str.slice(pos + 1, 1),
        text.str.slice(pos, 1),
        text.str.slice(pos + 2),
    )


def neighbour_key(char: pl.Expr, draw: pl.Expr) -> pl.Expr:
    """Return a keyboard neighbour of ``char`` (its bare key), in its case; ``draw`` in [0, 1).

    A character not on the keyboard is replaced by a neighbour of ``a``.

    Example:
        >>> import polars as pl
        >>> pl.select(neighbour_key(pl.lit("Ù"), pl.lit(0.0))).item()
        'H'
    """
    base = fold(char).str.to_lowercase()
    near = base.replace_strict(KEY_NEIGHBOURS, default=KEY_NEIGHBOURS["a"], return_dtype=pl.String)
    pick = near.str.slice((draw * near.str.len_chars()).floor().cast(pl.Int64), 1)
    upper = char != char.str.to_lowercase()
    return pl.when(upper).then(pick.str.to_uppercase()).otherwise(pick)


def token_count(text: pl.Expr) -> pl.Expr:
    """Return the number of space-separated tokens of ``text``.

    Example:
        >>> import polars as pl
        >>> pl.select(token_count(pl.lit("Phạm Văn Hùng"))).item()
        3
    """
    return text.str.split(" ").list.len()


def token_at(text: pl.Expr, draw: pl.Expr) -> pl.Expr:
    """Return token number ``draw % tokens`` of ``text``.

    Example:
        >>> import polars as pl
        >>> pl.select(token_at(pl.lit("Phạm Văn Hùng"), pl.lit(5))).item()
        'Hùng'
    """
    tokens = text.str.split(" ")
    return tokens.list.get(draw % tokens.list.len())


def replace_token(text: pl.Expr, draw: pl.Expr, token: pl.Expr) -> pl.Expr:
    """Return ``text`` with token number ``draw % tokens`` replaced by ``token``.

    Example:
        >>> import polars as pl
        >>> pl.select(replace_token(pl.lit("Phạm Văn Hùng"), pl.lit(1), pl.lit("Vn"))).item()
        'Phạm Vn Hùng'
    """
    tokens = text.str.split(" ")
    at = draw % tokens.list.len()
    return pl.concat_list(tokens.list.slice(0, at), token, tokens.list.slice(at + 1)).list.join(" ")


def ocr_confusion(token: pl.Expr, draw: pl.Expr) -> pl.Expr:
    """Return ``token`` with one OCR confusion applied, or ``token`` when none applies.

    ``draw`` (an integer) picks among the confusions that apply; the first occurrence of
    the chosen one is replaced, on NFD text, and the result is NFC again.

    Example:
        >>> import polars as pl
        >>> pl.select(ocr_confusion(pl.lit("Hương"), pl.lit(0))).item()
        'Huơng'
    """
    nfd = token.str.normalize("NFD")
    options = pl.concat_list(
        *(
            pl.when(nfd.str.contains(old, literal=True)).then(
                nfd.str.replace(old, new, literal=True, n=1)
            )
            for old, new in OCR_CONFUSIONS
        )
    ).list.drop_nulls()
    chosen = options.list.get(draw % options.list.len().clip(lower_bound=1), null_on_oob=True)
    return pl.coalesce(chosen, nfd).str.normalize("NFC")
