"""Vietnamese text standardisation expressions (DOMAIN.md §6).

Every public function takes a column name or expression and returns a ``pl.Expr``; nothing here
touches a frame. Steps that need Python (tone placement, legacy 8-bit decoding) run once per
*distinct* value of a batch and are joined back with ``Series.replace``, so their cost grows
with the number of distinct strings, not rows.

Chain used by :func:`clean_text`: zero-width removal → NFC → whitespace collapse (vectorised on
the distinct values) → legacy TCVN3/VNI repair → ``Ð``/``ð`` → ``Đ``/``đ`` → canonical
(old-style) tone placement (Python, repeated until stable). :func:`clean_text` and
:func:`clean_name` run that Python step per distinct *word* for values made of Vietnamese
letters, ASCII and single spaces (provably the same result, see :func:`_on_distinct_words`) and
per distinct value only for the rest (mojibake, stray marks, non-syllables, other scripts).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Final

import polars as pl
from viet_text_tools import normalize_diacritics

from pipelines.vn._exprs import as_expr
from pipelines.vn.fold import ascii_fold

__all__ = [
    "ascii_fold",
    "canonical_tones",
    "clean_name",
    "clean_text",
    "legacy_encoding_fixed",
    "nfc_text",
    "on_distinct",
    "vn_title_case",
]

_ZERO_WIDTH: Final = "[\u200b-\u200d\ufeff]"
# Rust regex ``\s`` is Unicode White_Space (NBSP, U+2000–U+200A, U+202F, U+3000, line breaks…);
# control characters (``\p{Cc}``: tabs, U+001F, C1 controls) are treated as spaces too.
_SPACES: Final = r"[\s\p{Cc}]+"
# Converging loops over distinct values stop after this many passes (reached only on junk input).
_MAX_PASSES: Final = 8


def on_distinct(
    col: str | pl.Expr,
    fn: Callable[[str], str] | None = None,
    *,
    pre: Callable[[pl.Expr], pl.Expr] | None = None,
) -> pl.Expr:
    """Evaluate ``pre`` (vectorised) then ``fn`` (Python) on the distinct values of a column.

    The results are joined back with ``Series.replace``, so the cost follows the number of
    distinct strings, not rows. The UDF sees the whole column at once (``is_elementwise=False``:
    the streaming engine would otherwise call it once per morsel and redo the distinct work);
    in a ``group_by`` context it runs once per group. Nulls stay null.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"x": ["a ", "b", "a ", None]})
        >>> df.select(on_distinct("x", str.upper, pre=lambda e: e.str.strip_chars()))["x"].to_list()
        ['A', 'B', 'A', None]
    """

    def _batch(s: pl.Series) -> pl.Series:
        s = s.cast(pl.String)
        uniques = s.drop_nulls().unique()
        if uniques.is_empty():
            return s
        new = uniques
        if pre is not None:
            new = uniques.to_frame("v").select(pre(pl.col("v")))["v"]
        if fn is not None:
            new = pl.Series([None if v is None else fn(v) for v in new.to_list()], dtype=pl.String)
        changed = uniques.ne_missing(new)
        if not changed.any():
            return s
        return s.replace(uniques.filter(changed), new.filter(changed))

    return as_expr(col).map_batches(_batch, return_dtype=pl.String)


# --------------------------------------------------------------------------------------------
# NFC, Ð, spaces


def _eth_to_dyet(e: pl.Expr) -> pl.Expr:
    return e.str.replace_all("\u00d0", "\u0110", literal=True).str.replace_all(
        "\u00f0", "\u0111", literal=True
    )


def _eth_to_dyet_py(value: str) -> str:
    return value.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")


def _nfc_spaces(col: str | pl.Expr) -> pl.Expr:
    """Drop zero-width chars, NFC, one space per whitespace/control run, strip; "" → null."""
    e = as_expr(col).str.replace_all(_ZERO_WIDTH, "").str.normalize("NFC")
    e = e.str.replace_all(_SPACES, " ").str.strip_chars()
    return pl.when(e.str.len_chars() > 0).then(e)


def nfc_text(col: str | pl.Expr) -> pl.Expr:
    """NFC, ``Ð``/``ð`` (ETH) → ``Đ``/``đ``, drop zero-width chars, collapse spaces; ``""`` → null.

    Zero-width characters (U+200B–U+200D, U+FEFF) are removed *before* NFC so that a mark
    separated from its base letter by one still composes. Every Unicode space (NBSP, U+2000–
    U+200A, U+202F, U+3000, tabs, newlines) and control character becomes one ASCII space; the
    result is stripped. Vectorised, on the distinct values.

    Example:
        >>> import polars as pl, unicodedata
        >>> df = pl.DataFrame({"x": [unicodedata.normalize("NFD", " Ðặng\u00a0\u200bVăn "), "  "]})
        >>> df.select(nfc_text("x"))["x"].to_list()
        ['Đặng Văn', None]
    """
    return on_distinct(col, pre=lambda e: _eth_to_dyet(_nfc_spaces(e)))


def _fixpoint(step: Callable[[str], str]) -> Callable[[str], str]:
    """Repeat ``step`` until the value stops changing, so the mapped step is idempotent."""

    def run(value: str) -> str:
        for _ in range(_MAX_PASSES):
            nxt = step(value)
            if nxt == value:
                break
            value = nxt
        return value

    return run


# --------------------------------------------------------------------------------------------
# Tone placement


def _tones_step(value: str) -> str:
    return str(normalize_diacritics(value, new_style=False))


_tones_one: Final = _fixpoint(_tones_step)


def canonical_tones(col: str | pl.Expr) -> pl.Expr:
    """Put tone marks in one canonical place: old style (viet-text-tools / underthesea default).

    ``hoà``→``hòa``, ``thuý``→``thúy``, ``khoẻ``→``khỏe`` and misplaced ``qúy``→``quý``,
    ``gịa``→``giạ``. Case is preserved; output is NFC. viet-text-tools runs once per distinct
    value (repeated until stable, so the step is idempotent).

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"x": ["Hoà", "THUÝ", "qúy", None]})
        >>> df.select(canonical_tones("x"))["x"].to_list()
        ['Hòa', 'THÚY', 'quý', None]
    """
    return on_distinct(col, _tones_one)


# --------------------------------------------------------------------------------------------
# Legacy 8-bit encodings (TCVN3 / VNI-Windows read as cp1252 / latin-1)

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

#: TCVN3 (ABC, TCVN 5712:1993 VN3): one byte per precomposed lowercase letter (upper-case toned
#: letters live in separate "H" fonts that reuse the same bytes), shown as the latin-1 char.
_TCVN3: Final[dict[str, str]] = {
    chr(byte): letter
    for byte, letter in {
        0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
        0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
        0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
        0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
        0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
        0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
        0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
        0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
        0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
        0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
        0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
        0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
        0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
        0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    }.items()
}  # fmt: skip

#: VNI-Windows: a base letter followed by a modifier byte (lowercase 0xE0–0xFC, uppercase 0xC0–
#: 0xDC), plus single bytes for ơ ư đ and toned i / ỵ. Values are combining sequences; NFC after.
_VNI_LOWER: Final[dict[int, str]] = {
    0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xE2: _CIRC, 0xE1: _CIRC + _ACUTE, 0xE0: _CIRC + _GRAVE, 0xE5: _CIRC + _HOOK,
    0xE3: _CIRC + _TILDE, 0xE4: _CIRC + _DOT,
    0xEA: _BREVE, 0xE9: _BREVE + _ACUTE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE, 0xEB: _BREVE + _DOT,
}  # fmt: skip
_VNI_SINGLE_LOWER: Final[dict[int, str]] = {
    0xF4: "o" + _HORN, 0xF6: "u" + _HORN, 0xF1: "đ",
    0xEC: "i" + _GRAVE, 0xE6: "i" + _HOOK, 0xF3: "i" + _TILDE, 0xED: "i" + _ACUTE,
    0xF2: "i" + _DOT, 0xEE: "y" + _DOT,
}  # fmt: skip
_VNI_MODIFIERS: Final[dict[str, str]] = {
    **{chr(b): m for b, m in _VNI_LOWER.items()},
    **{chr(b - 0x20): m for b, m in _VNI_LOWER.items()},
}
_VNI_SINGLES: Final[dict[str, str]] = {
    **{chr(b): v for b, v in _VNI_SINGLE_LOWER.items()},
    **{chr(b - 0x20): v.upper() for b, v in _VNI_SINGLE_LOWER.items()},
}
_VNI_BASES: Final = frozenset("aeiouyAEIOUY") | frozenset(
    unicodedata.normalize("NFD", v)[0] for v in _VNI_SINGLES.values()
)

_TONES_RE: Final = re.compile("[\u0300\u0301\u0303\u0309\u0323]")
_SYLLABLE_RE: Final = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?:iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy"
    r"|ưa|ưi|ươ|ưu|yê|[aăâeêioôơuưy])"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_WORD_RE: Final = re.compile(r"[^\W\d_]+")  # maximal runs of letters


def _is_syllable(word: str) -> bool:
    nfd = unicodedata.normalize("NFD", word.lower().replace("ð", "đ"))
    if len(_TONES_RE.findall(nfd)) > 1:
        return False
    bare = unicodedata.normalize("NFC", _TONES_RE.sub("", nfd))
    return _SYLLABLE_RE.fullmatch(bare) is not None


def _is_vietnamese(text: str) -> bool:
    """Tell whether the text has no stray marks and every letter run is a Vietnamese syllable."""
    if any(unicodedata.category(c) == "Mn" for c in text):
        return False
    return all(_is_syllable(w) for w in _WORD_RE.findall(text))


def _match_case(converted: str, original: str) -> str:
    """Upper-case a converted token whose original ASCII letters were all upper case."""
    letters = [c for c in original if c.isascii() and c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return converted.upper()
    return converted


def _from_tcvn3(text: str) -> str:
    return " ".join(
        _match_case("".join(_TCVN3.get(c, c) for c in tok), tok) for tok in text.split(" ")
    )


def _from_vni(text: str) -> str:
    out: list[str] = []
    prev_base = False
    for c in text:
        if c in _VNI_MODIFIERS and prev_base:
            out.append(_VNI_MODIFIERS[c])
            prev_base = False
        elif c in _VNI_SINGLES:
            out.append(_VNI_SINGLES[c])
            prev_base = True
        else:
            out.append(c)
            prev_base = c in _VNI_BASES
    return unicodedata.normalize("NFC", "".join(out))


def _legacy_one(value: str) -> str:
    if value.isascii() or any(ord(c) > 0xFF for c in value) or _is_vietnamese(value):
        return value
    candidates = {conv for conv in (_from_tcvn3(value), _from_vni(value)) if conv != value}
    good = [conv for conv in candidates if _is_vietnamese(conv)]
    return good[0] if len(good) == 1 else value


def legacy_encoding_fixed(col: str | pl.Expr) -> pl.Expr:
    """Repair TCVN3 (ABC) and VNI-Windows text that was decoded as cp1252 / latin-1.

    ``NguyÔn V¨n An`` (TCVN3) and ``Nguyeãn Vaên An`` (VNI) both become ``Nguyễn Văn An``.
    Runs once per distinct value. A value is converted only when **all** of these hold:

    * it is not pure ASCII and has no character above U+00FF (mojibake of an 8-bit code page is
      all latin-1; any real Vietnamese letter such as ``ặ`` means the text is already Unicode);
    * it is *not* already valid Vietnamese (every letter run one syllable, no stray marks), so
      Unicode ``Hòa``, ``Ông``, ``Ánh``, ``Hoà`` or ``Tran Van An`` are never touched;
    * exactly one of the two decodings changes it and yields valid Vietnamese syllables.

    Limits: syllables are checked for shape (initial + vowel cluster + final, ≤ 1 tone), not
    against a dictionary, so a latin-1 string that happens to decode to well-formed syllables is
    converted. A legacy value whose raw form is itself valid Vietnamese (VNI ``Thò`` = ``Thị``)
    is left alone; so is a value where both decodings are plausible. TCVN3 upper-case toned
    letters come from separate fonts and cannot be told from lower case; a token whose ASCII
    letters are all upper case is upper-cased after conversion. Only the common VN3 (ABC) layout
    is read (bytes 0xA1–0xFE), not the TCVN 5712 VN1 upper-case slots in 0x01–0x17 / 0x80–0xA0.
    Text decoded with other code pages (cp1258, VISCII, VPS), read as UTF-8 twice, or mixing
    legacy bytes with real Unicode letters in one value is not handled.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"x": ["NguyÔn V¨n An", "Haø Noäi", "Hòa", None]})
        >>> df.select(legacy_encoding_fixed("x"))["x"].to_list()
        ['Nguyễn Văn An', 'Hà Nội', 'Hòa', None]
    """
    return on_distinct(col, _legacy_one)


# --------------------------------------------------------------------------------------------
# Case, chains, fold


def vn_title_case(col: str | pl.Expr) -> pl.Expr:
    """Title-case each word (``NGUYỄN THỊ THỦY`` → ``Nguyễn Thị Thủy``, ``đặng`` → ``Đặng``).

    Uses polars ``str.to_titlecase`` (words split at non-alphanumerics, so ``Mary-Jane``), then
    NFC, since a few non-Vietnamese letters (``ΐ``) upper-case to decomposed sequences.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"x": ["NGUYỄN THỊ THỦY", "đặng văn đức"]})
        >>> df.select(vn_title_case("x"))["x"].to_list()
        ['Nguyễn Thị Thủy', 'Đặng Văn Đức']
    """
    return as_expr(col).str.to_titlecase().str.normalize("NFC")


def _text_step(value: str) -> str:
    return _eth_to_dyet_py(_tones_step(_eth_to_dyet_py(_legacy_one(value))))


def _name_step(value: str) -> str:
    return unicodedata.normalize("NFC", _text_step(value).title())


_clean_text_one: Final = _fixpoint(_text_step)
_clean_name_one: Final = _fixpoint(_name_step)

# Fast path: values made only of Vietnamese letters (precomposed, either case), ASCII graphic
# characters and single spaces are fixed word by word (see :func:`_on_distinct_words`).
_FAST_VOWELS: Final = "aăâeêioôơuưy"
_FAST_LETTERS: Final = "".join(
    sorted(
        {
            unicodedata.normalize("NFC", c + tone)
            for v in _FAST_VOWELS + _FAST_VOWELS.upper()
            for c in [v]
            for tone in ("", _GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)
        }
        | set("đĐ")
    )
)
_FAST_CHARS: Final = frozenset(_FAST_LETTERS) | frozenset(map(chr, range(0x20, 0x7F)))
_FAST_RE: Final = "^[\\x20-\\x7E" + _FAST_LETTERS + "]+$"
#: Already NFC / space-normalised fast-path text: ``_nfc_spaces`` would return it unchanged.
_TIDY_RE: Final = f"^[\\x21-\\x7E{_FAST_LETTERS}]+(?: [\\x21-\\x7E{_FAST_LETTERS}]+)*$"


@lru_cache(maxsize=1 << 18)
def _word_fixed(word: str, name: bool) -> str | None:
    """Return the clean step's fixed point for one word, or ``None`` if maybe not word-local.

    ``None`` unless every iterate the step is applied to is made of :data:`_FAST_CHARS` and is
    valid Vietnamese (no stray mark, every letter run one syllable; then the legacy decoder leaves
    it, and the whole value it sits in, alone) and the loop converges within ``_MAX_PASSES``.
    """
    step = _name_step if name else _text_step
    value = word
    for _ in range(_MAX_PASSES):
        if not (_FAST_CHARS.issuperset(value) and _is_vietnamese(value)):
            return None
        nxt = step(value)
        if nxt == value:
            return value
        value = nxt
    return None


def _on_distinct_words(col: str | pl.Expr, *, name: bool) -> pl.Expr:
    """:func:`_clean_name_one` / :func:`_clean_text_one` on the distinct values, mostly per word.

    After the vectorised :func:`_nfc_spaces`, a value made only of :data:`_FAST_CHARS` (words
    separated by single spaces) is cleaned word by word: the Python step runs once per distinct
    *word* (cached process-wide) and the words are mapped back in polars. That equals the
    per-value step: when every word stays valid Vietnamese the legacy decoder is the identity on
    the whole value, viet-text-tools' tone rules only look inside a run of letters and marks,
    and title case restarts after each space. Values with other characters, or with a word that
    is not provably word-local (:func:`_word_fixed` returns ``None``: non-syllables, latin-1
    mojibake, …), take the full per-value Python step. Equality with the per-value path is
    tested on generated names, random syllables and hypothesis text.
    """
    full_one = _clean_name_one if name else _clean_text_one

    def _batch(s: pl.Series) -> pl.Series:
        s = s.cast(pl.String)
        uniques = s.drop_nulls().unique()
        if uniques.is_empty():
            return s
        # Values already in fast-path form need no NFC / space clean-up (the costly part).
        v = uniques
        tidy = uniques.str.contains(_TIDY_RE)
        if not tidy.all():
            untidy = uniques.filter(~tidy).to_frame("v").select(_nfc_spaces(pl.col("v")))["v"]
            v = uniques.clone().scatter((~tidy).arg_true(), untidy)
        fast = tidy | v.str.contains(_FAST_RE).fill_null(False)
        new = v
        if fast.any():
            fast_values = v.filter(fast)
            words = fast_values.str.split(" ").explode().unique()
            old_words = words.to_list()
            fixed = [_word_fixed(w, name) for w in old_words]
            if any(f != w for f, w in zip(fixed, old_words, strict=True)):
                mapped = (
                    fast_values.str.split(" ")
                    .list.eval(
                        pl.element().replace_strict(old_words, fixed, return_dtype=pl.String)
                    )
                    .list.join(" ", ignore_nulls=False)
                )  # null: a word without a provable fixed point → per-value path
                fast_idx = fast.arg_true()
                ok = mapped.is_not_null()
                new = v.clone().scatter(fast_idx.filter(ok), mapped.filter(ok))
                fast = fast.scatter(fast_idx.filter(~ok), False)
        slow = v.is_not_null() & ~fast
        if slow.any():
            vals = [full_one(x) for x in v.filter(slow).to_list()]
            new = new.clone().scatter(slow.arg_true(), pl.Series(vals, dtype=pl.String))
        changed = uniques.ne_missing(new)
        if not changed.any():
            return s
        return s.replace(uniques.filter(changed), new.filter(changed))

    return as_expr(col).map_batches(_batch, return_dtype=pl.String)


def clean_text(col: str | pl.Expr) -> pl.Expr:
    """Full text clean-up: NFC → spaces → legacy-encoding fix → ``Ð`` map → canonical tones.

    Zero-width removal, NFC and whitespace collapse run vectorised on the distinct values; the
    legacy fix, ``Ð`` map and tone placement then run in Python, repeated until stable, so the
    result is idempotent: once per distinct word for plain Vietnamese/ASCII text, once per
    distinct value otherwise (same result). Null and blank → null; case is kept.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"x": ["  hoà\u00a0bình ", "Nguyeãn Vaên An", "\u200b"]})
        >>> df.select(clean_text("x"))["x"].to_list()
        ['hòa bình', 'Nguyễn Văn An', None]
    """
    return _on_distinct_words(col, name=False)


def clean_name(col: str | pl.Expr) -> pl.Expr:
    """:func:`clean_text` then title case per word (Python ``str.title`` + NFC). Idempotent.

    Title case runs inside the same per-distinct-value step as the tone fix (same result as
    :func:`vn_title_case` on Vietnamese), so the whole chain converges to a fixed point.

    Example:
        >>> import polars as pl
        >>> df = pl.DataFrame({"x": [" ÐẶNG  THỊ  THUỶ ", "NguyÔn V¨n An"]})
        >>> df.select(clean_name("x"))["x"].to_list()
        ['Đặng Thị Thủy', 'Nguyễn Văn An']
    """
    return _on_distinct_words(col, name=True)
