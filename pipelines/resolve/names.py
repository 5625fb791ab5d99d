"""Name comparisons in three parts: surname, middle name, given name (DOMAIN §5).

A Vietnamese full name is surname + middle name(s) + given name. Comparing the parts (as
Splink's NameComparison does for first/middle/last names) gives graded evidence where a
whole-name score cannot: a typo in the given name of ``Nguyễn Thị Hằng`` leaves surname and
middle exact; siblings (``Phạm Minh Khôi``/``Phạm Minh Khang``) agree on surname and middle
and disagree on the given name; a dropped middle name is a level of its own. Each exact
level is adjusted for how common the value is (term frequency), so agreeing on ``Nguyễn``
or ``Thị`` counts for little and agreeing on ``Khổng`` for much.

Names are compared in Vietnamese order (:func:`pipelines.vn.names.vietnamese_order` turns
``Ngọc Thắm Lê`` back); two names with the same tokens in another order compare as the same
tokens without accents.

Levels, weakest first (``-1``: no information):

* ``g_surname``: differs · similar (Jaro-Winkler ≥ 0.8 of the folded tokens) · same sound or
  Hoàng/Huỳnh, Vũ/Võ · same without accents · exact;
* ``g_middle``: differs · one name has none · one holds the other (``Thị Thu``/``Thu``) ·
  similar (Jaro-Winkler ≥ 0.85) · same without accents · exact; ``-1`` when neither has one;
* ``g_given``: differs · similar (Jaro-Winkler ≥ 0.8) · same sound · close (one letter
  added, dropped, changed or swapped, or Jaro-Winkler ≥ 0.92) · same without accents · exact.

Everything is computed once per distinct pair of names.

Example:
    >>> names = pl.DataFrame({"n": ["Nguyễn Thị Hằng", "Nguyen Thi Hang"]})
    >>> keys = names.select(name_key_columns(pl.col("n")))
    >>> pairs = pl.DataFrame({"a": [0], "b": [1]}, schema={"a": pl.UInt32, "b": pl.UInt32})
    >>> name_part_levels(name_parts(keys), pairs).row(0)
    (3, 4, 4)
"""

from __future__ import annotations

from typing import Final

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from pipelines.vn.names import (
    name_key_folded,
    name_key_phonetic,
    name_key_toneless_style,
    vietnamese_order,
)

__all__ = [
    "PART_LEVELS",
    "PART_TF",
    "name_key_columns",
    "name_part_columns",
    "name_part_levels",
    "name_parts",
]

PART_LEVELS: Final[dict[str, tuple[str, ...]]] = {
    "surname": (
        "differs",
        "similar (JW≥0.8)",
        "same sound (Hoàng/Huỳnh, Vũ/Võ…)",
        "same without accents",
        "exact",
    ),
    "middle": (
        "differs",
        "one name has none",
        "one holds the other",
        "similar (JW≥0.85)",
        "same without accents",
        "exact",
    ),
    "given": (
        "differs",
        "similar (JW≥0.8)",
        "same sound",
        "close (one letter or JW≥0.92)",
        "same without accents",
        "exact",
    ),
}
"""Level labels of the three name fields (column ``g_<part>``)."""

PART_TF: Final[dict[str, dict[str, str]]] = {
    "surname": {"4": "surname_tone"},
    "middle": {"5": "middle_tone"},
    "given": {"5": "given_tone"},
}
"""Exact levels adjusted for term frequency, and the records column the value is in."""

_SIMILAR: Final = 0.8
_MIDDLE_SIMILAR: Final = 0.85
_CLOSE: Final = 0.92


def name_key_columns(full_name: pl.Expr, *, canonical: bool = True) -> list[pl.Expr]:
    """Return ``name_tone_key``, ``name_folded``, ``name_phonetic`` of a name in Vietnamese order.

    ``canonical``: the name is already standardised (NFC, one tone placement), so its lower
    case is the tone key; otherwise tone placement is made canonical first (slower: Python on
    the distinct words).

    Example:
        >>> df = pl.DataFrame({"n": ["Ngọc Thắm Lê"]})
        >>> df.select(name_key_columns(pl.col("n"))).row(0)
        ('lê ngọc thắm', 'le ngoc tham', 'ne ngot tham')
    """
    ordered = vietnamese_order(full_name)
    tone = ordered.str.to_lowercase() if canonical else name_key_toneless_style(ordered)
    return [
        tone.alias("name_tone_key"),
        name_key_folded(ordered).alias("name_folded"),
        name_key_phonetic(ordered).alias("name_phonetic"),
    ]


def name_part_columns(tone_key: pl.Expr) -> list[pl.Expr]:
    """Return ``surname_tone``, ``middle_tone``, ``given_tone`` of a name's tone key.

    For the records frame: the term-frequency columns of the exact part levels.

    Example:
        >>> df = pl.DataFrame({"k": ["lê ngọc thắm", "lan"]})
        >>> df.select(name_part_columns(pl.col("k"))).rows()
        [('lê', 'ngọc', 'thắm'), (None, None, 'lan')]
    """
    tokens = tone_key.str.split(" ")
    n = tokens.list.len()
    return [
        pl.when(n >= 2).then(tokens.list.first()).alias("surname_tone"),
        pl.when(n >= 3).then(tokens.list.slice(1, n - 2).list.join(" ")).alias("middle_tone"),
        tokens.list.last().alias("given_tone"),
    ]


def name_parts(names: pl.DataFrame) -> pl.DataFrame:
    """Per distinct name (its key columns, :func:`name_key_columns`): the parts in three forms.

    Returns the columns ``t_<part>`` (lower-case with accents, canonical tone placement),
    ``f_<part>`` (folded), ``p_<part>`` (phonetic) for surname, middle and given, plus
    ``folded`` (the folded name), ``sorted`` (its tokens sorted) and ``n`` (tokens). A missing
    middle name is the empty string; a one-token name has only a given name.

    Example:
        >>> keys = pl.DataFrame({"n": ["Hoàng Thị Thu Hằng"]}).select(name_key_columns(pl.col("n")))
        >>> name_parts(keys).select("t_surname", "f_middle", "p_given").row(0)
        ('hoàng', 'thi thu', 'han')
    """
    forms = names.select(
        pl.col("name_tone_key").str.split(" ").alias("t"),
        pl.col("name_folded").str.split(" ").alias("f"),
        pl.col("name_phonetic").str.split(" ").alias("p"),
    )

    def parts(prefix: str) -> list[pl.Expr]:
        tokens = pl.col(prefix)
        n = tokens.list.len()
        return [
            pl.when(n >= 2).then(tokens.list.first()).alias(f"{prefix}_surname"),
            pl.when(n >= 2)
            .then(
                pl.when(n >= 3)
                .then(tokens.list.slice(1, n - 2).list.join(" "))
                .otherwise(pl.lit(""))
            )
            .alias(f"{prefix}_middle"),
            tokens.list.last().alias(f"{prefix}_given"),
        ]

    return forms.select(
        *parts("t"),
        *parts("f"),
        *parts("p"),
        pl.col("f").list.sort().list.join(" ").alias("sorted"),
        pl.col("f").list.join(" ").alias("folded"),
        pl.col("t").list.len().alias("n"),
    )


def _jw(a: pl.Series, b: pl.Series) -> np.ndarray:
    return np.asarray(
        process.cpdist(
            a.fill_null("").to_list(),
            b.fill_null("").to_list(),
            scorer=JaroWinkler.normalized_similarity,
            workers=-1,
        ),
        dtype=np.float64,
    )


def _edits(a: pl.Series, b: pl.Series) -> np.ndarray:
    return np.asarray(
        process.cpdist(
            a.fill_null("").to_list(),
            b.fill_null("").to_list(),
            scorer=DamerauLevenshtein.distance,
            workers=-1,
        )
    )


def _fuzzy(
    frame: pl.DataFrame,
    part: str,
    undecided: pl.Series,
    levels: list[tuple[float, int]],
    one_edit: int | None = None,
) -> pl.Series:
    """Jaro-Winkler levels of the folded ``part`` on the rows still ``undecided``.

    With ``one_edit``, a single insertion, deletion, substitution or transposition of
    adjacent letters (``Hùnh``/``Hùng``: Jaro-Winkler is harsh on short words) gives at
    least that level.
    """
    out = frame[f"lvl_{part}"]
    rows = undecided.arg_true()
    if rows.len() == 0:
        return out
    sub = frame[rows]
    jw = _jw(sub[f"fa_{part}"], sub[f"fb_{part}"])
    lvl = np.zeros(len(jw), dtype=np.int8)
    for threshold, level in sorted(levels):
        lvl = np.where(jw >= threshold, np.int8(level), lvl)
    if one_edit is not None:
        edits = _edits(sub[f"fa_{part}"], sub[f"fb_{part}"])
        lvl = np.where((edits <= 1) & (lvl < one_edit), np.int8(one_edit), lvl)
    return out.scatter(rows, pl.Series(lvl, dtype=pl.Int8))


def name_part_levels(parts: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Return ``g_surname``, ``g_middle``, ``g_given`` (Int8) for pairs of rows of ``parts``.

    ``pairs`` has the row positions ``a`` and ``b`` (either may be null: no information).
    Names with the same tokens in another order are aligned: the second takes the first's
    order and compares as the same tokens without accents.
    """
    cols = [c for c in parts.columns if c[:2] in ("t_", "f_", "p_")]
    known = pairs["a"].is_not_null() & pairs["b"].is_not_null()
    a = parts.select(cols).select(pl.all().name.map(lambda c: c[0] + "a" + c[1:]))
    b = parts.select(cols).select(pl.all().name.map(lambda c: c[0] + "b" + c[1:]))
    a = a[pairs["a"].fill_null(0)]
    b = b[pairs["b"].fill_null(0)]
    ia, ib = pairs["a"].fill_null(0), pairs["b"].fill_null(0)
    reordered = (parts["sorted"][ia] == parts["sorted"][ib]) & (
        parts["folded"][ia] != parts["folded"][ib]
    )
    wide = pl.concat([a, b], how="horizontal").with_columns(
        pl.Series("reordered", reordered & known), pl.Series("known", known)
    )

    def eq(form: str, part: str) -> pl.Expr:
        return (pl.col(f"{form}a_{part}") == pl.col(f"{form}b_{part}")).fill_null(False)

    def has(side: str, part: str) -> pl.Expr:
        return pl.col(f"f{side}_{part}").is_not_null() & (pl.col(f"f{side}_{part}") != "")

    r = pl.col("reordered")
    surname = (
        pl.when(~has("a", "surname") | ~has("b", "surname"))
        .then(-1)
        .when(r)
        .then(3)
        .when(eq("t", "surname"))
        .then(4)
        .when(eq("f", "surname"))
        .then(3)
        .when(eq("p", "surname"))
        .then(2)
    )
    ta, tb = pl.col("fa_middle").str.split(" "), pl.col("fb_middle").str.split(" ")
    holds = (ta.list.set_difference(tb).list.len() == 0) | (
        tb.list.set_difference(ta).list.len() == 0
    )
    middle = (
        pl.when(~has("a", "middle") & ~has("b", "middle"))
        .then(-1)
        .when(r)
        .then(4)
        .when(~has("a", "middle") | ~has("b", "middle"))
        .then(1)
        .when(eq("t", "middle"))
        .then(5)
        .when(eq("f", "middle"))
        .then(4)
        .when(holds)
        .then(2)
    )
    given = (
        pl.when(pl.col("fa_given").is_null() | pl.col("fb_given").is_null())
        .then(-1)
        .when(r)
        .then(4)
        .when(eq("t", "given"))
        .then(5)
        .when(eq("f", "given"))
        .then(4)
    )
    frame = wide.with_columns(
        surname.cast(pl.Int8).alias("lvl_surname"),
        middle.cast(pl.Int8).alias("lvl_middle"),
        given.cast(pl.Int8).alias("lvl_given"),
        eq("p", "given").alias("same_sound_given"),
    )
    undecided = {p: frame[f"lvl_{p}"].is_null() & known for p in PART_LEVELS}
    frame = frame.with_columns(
        _fuzzy(frame, "surname", undecided["surname"], [(_SIMILAR, 1)]).alias("lvl_surname"),
        _fuzzy(frame, "middle", undecided["middle"], [(_MIDDLE_SIMILAR, 3)]).alias("lvl_middle"),
        _fuzzy(frame, "given", undecided["given"], [(_SIMILAR, 1), (_CLOSE, 3)], one_edit=3).alias(
            "lvl_given"
        ),
    )
    # the same sound but spelt apart (Quân/Quâng, Tâm/Tầm): between similar and close
    frame = frame.with_columns(
        pl.when(pl.col("same_sound_given") & (pl.col("lvl_given") < 2))
        .then(pl.lit(2, dtype=pl.Int8))
        .otherwise(pl.col("lvl_given"))
        .alias("lvl_given")
    )
    return frame.select(
        pl.when("known").then(pl.col(f"lvl_{p}")).otherwise(-1).cast(pl.Int8).alias(f"g_{p}")
        for p in PART_LEVELS
    )
