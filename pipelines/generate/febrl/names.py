"""Modifications of a full name: typos, OCR and phonetic errors, structure and encoding.

Every function takes the current full names (``Họ đệm tên`` order, single spaces) and the
random draws it needs, and returns the modified names; a name a modification cannot change
(no middle name to drop) comes back unchanged, and the caller logs only real changes.

Example:
    >>> import polars as pl
    >>> western_order(pl.Series(["Phạm Văn Hùng"])).to_list()
    ['Văn Hùng Phạm']
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.generate.febrl.phonetic import phonetic_variant
from pipelines.generate.febrl.typos import (
    delete_at,
    fold,
    insert_at,
    neighbour_key,
    ocr_confusion,
    replace_token,
    substitute_at,
    token_at,
    transpose_at,
)

__all__ = [
    "TYPO_OPS",
    "eth_lookalike",
    "middle_dropped",
    "middle_replaced",
    "name_ocr",
    "name_phonetic",
    "name_typo",
    "nfd_text",
    "no_accents",
    "surname_given_swap",
    "western_order",
]

TYPO_OPS = ("insert", "delete", "substitute", "transpose")
_MAX_TOKENS = 8


def _draws(rng: np.random.Generator, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "t": rng.integers(0, 1 << 30, n),
            "q": rng.random(n),
            "k": rng.random(n),
            "r": rng.integers(0, 1 << 30, n),
        }
    )


def name_typo(names: pl.Series, op: str, rng: np.random.Generator) -> pl.Series:
    """Return ``names`` with one typographical error ``op`` in one randomly chosen token.

    ``insert`` adds a keyboard neighbour after the token's first letter or later,
    ``delete`` drops a letter (never a whole one-letter token), ``substitute`` replaces a
    letter by a keyboard neighbour (its bare key's), ``transpose`` swaps two adjacent letters.

    Example:
        >>> import numpy as np, polars as pl
        >>> out = name_typo(pl.Series(["Lê An"]), "transpose", np.random.default_rng(0))
        >>> sorted(out[0]) == sorted("Lê An")
        True
    """
    if op not in TYPO_OPS:
        raise ValueError(f"unknown typo {op!r}; one of {', '.join(TYPO_OPS)}")
    frame = _draws(rng, names.len()).with_columns(v=names)
    v, t = pl.col("v"), pl.col("t")
    tok = token_at(v, t)
    size = tok.str.len_chars()
    if op == "insert":
        pos = 1 + (pl.col("q") * size).floor().cast(pl.Int64)
        new = insert_at(
            tok, pos, neighbour_key(tok.str.slice(pos - 1, 1), pl.col("k")).str.to_lowercase()
        )
    elif op == "delete":
        pos = (pl.col("q") * size).floor().cast(pl.Int64)
        new = pl.when(size > 1).then(delete_at(tok, pos)).otherwise(tok)
    elif op == "substitute":
        pos = (pl.col("q") * size).floor().cast(pl.Int64)
        new = substitute_at(tok, pos, neighbour_key(tok.str.slice(pos, 1), pl.col("k")))
    else:
        pos = (pl.col("q") * (size - 1)).floor().cast(pl.Int64)
        new = pl.when(size > 1).then(transpose_at(tok, pos)).otherwise(tok)
    return frame.select(replace_token(v, t, new).alias(names.name)).to_series()


def name_ocr(names: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Return ``names`` with one OCR confusion in one token (``m``→``rn``, ``ư``→``u``…).

    Example:
        >>> import numpy as np, polars as pl
        >>> name_ocr(pl.Series(["Lê Hương"]), np.random.default_rng(0))[0] != "Lê Hương"
        True
    """
    frame = _draws(rng, names.len()).with_columns(v=names)
    v, t = pl.col("v"), pl.col("t")
    new = ocr_confusion(token_at(v, t), pl.col("r"))
    return frame.select(replace_token(v, t, new).alias(names.name)).to_series()


def name_phonetic(names: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Return ``names`` with one syllable misspelt by a Vietnamese phonetic rule (DOMAIN §7).

    The syllable is drawn among those some rule applies to; a name with none is unchanged.

    Example:
        >>> import numpy as np, polars as pl
        >>> name_phonetic(pl.Series(["Hà Trung"]), np.random.default_rng(1))[0] != "Hà Trung"
        True
    """
    n = names.len()
    draws = {"r": rng.integers(0, 1 << 30, n), "t": rng.integers(0, 1 << 30, n)}
    tokens = (
        pl.DataFrame({"row": np.arange(n), "v": names, **draws})
        .select("row", "r", "t", tok=pl.col("v").str.split(" "))
        .with_columns(k=pl.int_ranges(0, pl.col("tok").list.len()))
        .explode("tok", "k")
        .with_columns(new=phonetic_variant(pl.col("tok"), pl.col("r")))
    )
    chosen = (
        tokens.filter(pl.col("new") != pl.col("tok"))
        .filter(pl.int_range(pl.len()).over("row") == pl.col("t") % pl.len().over("row"))
        .select("row", "k", pl.col("new").alias("chosen"))
    )
    out = (
        tokens.join(chosen, on=["row", "k"], how="left", maintain_order="left")
        .group_by("row", maintain_order=True)
        .agg(pl.coalesce("chosen", "tok").str.join(" ").alias("name"))
        .sort("row")
    )
    return out["name"].alias(names.name)


def middle_dropped(names: pl.Series) -> pl.Series:
    """Return ``names`` without their middle name(s) (``Phạm Văn Hùng`` → ``Phạm Hùng``).

    Example:
        >>> middle_dropped(pl.Series(["Phạm Văn Hùng", "Lê An"])).to_list()
        ['Phạm Hùng', 'Lê An']
    """
    tokens = pl.col(names.name).str.split(" ")
    return (
        names.to_frame()
        .select(
            pl.when(tokens.list.len() >= 3)
            .then(pl.concat_str(tokens.list.first(), tokens.list.last(), separator=" "))
            .otherwise(pl.col(names.name))
        )
        .to_series()
    )


def middle_replaced(names: pl.Series, middle: pl.Series) -> pl.Series:
    """Return ``names`` with their middle name(s) replaced by ``middle`` (names of 3+ tokens).

    Example:
        >>> middle_replaced(pl.Series(["Phạm Văn Hùng"]), pl.Series(["Đức"])).to_list()
        ['Phạm Đức Hùng']
    """
    tokens = pl.col("v").str.split(" ")
    return (
        pl.DataFrame({"v": names, "m": middle})
        .select(
            pl.when(tokens.list.len() >= 3)
            .then(
                pl.concat_str(tokens.list.first(), pl.col("m"), tokens.list.last(), separator=" ")
            )
            .otherwise(pl.col("v"))
            .alias(names.name)
        )
        .to_series()
    )


def western_order(names: pl.Series) -> pl.Series:
    """Return ``names`` given-name first, surname last, as Western forms ask for it.

    Example:
        >>> western_order(pl.Series(["Lê An"])).to_list()
        ['An Lê']
    """
    tokens = pl.col(names.name).str.split(" ")
    return (
        names.to_frame()
        .select(pl.concat_list(tokens.list.slice(1), tokens.list.first()).list.join(" "))
        .to_series()
    )


def surname_given_swap(names: pl.Series) -> pl.Series:
    """Return ``names`` with surname and given name swapped (FEBRL's swapped fields).

    Example:
        >>> surname_given_swap(pl.Series(["Phạm Văn Hùng"])).to_list()
        ['Hùng Văn Phạm']
    """
    tokens = pl.col(names.name).str.split(" ")
    middle = tokens.list.slice(1, tokens.list.len() - 2)
    return (
        names.to_frame()
        .select(
            pl.when(tokens.list.len() >= 2)
            .then(pl.concat_list(tokens.list.last(), middle, tokens.list.first()).list.join(" "))
            .otherwise(pl.col(names.name))
        )
        .to_series()
    )


def no_accents(names: pl.Series) -> pl.Series:
    """Return ``names`` without diacritics (``Đặng Thị Hương`` → ``Dang Thi Huong``).

    Example:
        >>> no_accents(pl.Series(["Phạm Văn Hùng"])).to_list()
        ['Pham Van Hung']
    """
    return names.to_frame().select(fold(pl.col(names.name))).to_series()


def nfd_text(names: pl.Series) -> pl.Series:
    """Return ``names`` in Unicode NFD (decomposed marks, as macOS and some IMEs write).

    Example:
        >>> len(nfd_text(pl.Series(["Hùng"]))[0])
        5
    """
    return names.str.normalize("NFD")


def eth_lookalike(names: pl.Series) -> pl.Series:
    """Return ``names`` with ``Đ``/``đ`` written as the look-alike ``Ð``/``ð`` (U+00D0/U+00F0).

    Example:
        >>> [hex(ord(c)) for c in eth_lookalike(pl.Series(["Đức"]))[0][:1]]
        ['0xd0']
    """
    return names.str.replace_all("Đ", "\u00d0", literal=True).str.replace_all(
        "đ", "\u00f0", literal=True
    )
