"""Vietnamese phonetic misspellings of one syllable (DOMAIN §7), as a clerk writes what is heard.

Rules work on the lower-cased NFD syllable, where a tone or quality mark is its own code
point, so ``ng$`` also matches ``Hoàng`` and a hỏi/ngã swap is a swap of two marks. Each rule
is (name, pattern, replacement) with Rust-regex capture groups.

Example:
    >>> import polars as pl
    >>> pl.select(phonetic_variant(pl.lit("Giang"), pl.lit(0))).item()
    'Dang'
"""

from __future__ import annotations

import polars as pl

__all__ = ["PHONETIC_RULES", "phonetic_variant"]

_V = "aeiouy"  # vowels (NFD: a mark follows its base letter)
PHONETIC_RULES: tuple[tuple[str, str, str], ...] = (
    # initials d / gi / r (North), d / gi / v (South)
    ("gi>d", rf"^gi([{_V}])", "d${1}"),
    ("d>gi", r"^d([aeouy])", "gi${1}"),
    ("di>gi", r"^di", "gi"),
    ("d>r", r"^d([aeiouy])", "r${1}"),
    ("r>d", r"^r", "d"),
    ("r>gi", r"^r([aeouy])", "gi${1}"),
    ("v>d", r"^v", "d"),
    ("d>v", r"^d([aeiouy])", "v${1}"),
    # s / x, ch / tr, l / n
    ("s>x", r"^s", "x"),
    ("x>s", r"^x", "s"),
    ("ch>tr", r"^ch", "tr"),
    ("tr>ch", r"^tr", "ch"),
    ("l>n", r"^l", "n"),
    ("n>l", r"^n([aeiouy])", "l${1}"),
    # finals n / ng, t / c, in / inh (Southern rhyme mergers)
    ("n>ng", rf"([{_V}]\p{{Mn}}*)n$", "${1}ng"),
    ("ng>n", rf"([{_V}]\p{{Mn}}*)ng$", "${1}n"),
    ("t>c", rf"([{_V}]\p{{Mn}}*)t$", "${1}c"),
    ("c>t", rf"([{_V}]\p{{Mn}}*)c$", "${1}t"),
    ("in>inh", r"i(\p{Mn}*)n$", "i${1}nh"),
    ("inh>in", r"i(\p{Mn}*)nh$", "i${1}n"),
    # i / y in open syllables (Vy/Vi, Mỹ/Mĩ, Thi/Thy)
    ("y>i", r"^([bcdghklmnpqrstvx]+)y(\p{Mn}*)$", "${1}i${2}"),
    ("i>y", r"^([bcdghklmnpqrstvx]+)i(\p{Mn}*)$", "${1}y${2}"),
    # tones hỏi / ngã (merged in the South and Centre)
    ("hoi>nga", "\u0309", "\u0303"),
    ("nga>hoi", "\u0303", "\u0309"),
)


def phonetic_variant(syllable: pl.Expr, draw: pl.Expr) -> pl.Expr:
    """Return ``syllable`` misspelt by one phonetic rule that applies, or unchanged if none does.

    ``draw`` (an integer) picks among the applicable rules; the result is NFC with its first
    letter upper-cased when the input's was.

    Example:
        >>> import polars as pl
        >>> pl.select(phonetic_variant(pl.lit("Trung"), pl.lit(1))).item()
        'Trun'
    """
    low = syllable.str.to_lowercase().str.normalize("NFD")
    options = pl.concat_list(
        *(
            pl.when(low.str.contains(pattern)).then(low.str.replace(pattern, repl))
            for _, pattern, repl in PHONETIC_RULES
        )
    ).list.drop_nulls()
    chosen = options.list.get(draw % options.list.len().clip(lower_bound=1), null_on_oob=True)
    text = pl.coalesce(chosen, low).str.normalize("NFC")
    first = syllable.str.slice(0, 1)
    capital = first != first.str.to_lowercase()
    return (
        pl.when(chosen.is_null())
        .then(syllable)
        .when(capital)
        .then(pl.concat_str(text.str.slice(0, 1).str.to_uppercase(), text.str.slice(1)))
        .otherwise(text)
    )
