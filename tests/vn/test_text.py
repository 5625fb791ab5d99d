from __future__ import annotations

import doctest
import random
import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from viet_text_tools import ACCENTED_CHARACTERS

import pipelines.vn.text as text_mod
from pipelines.vn.text import (
    _TCVN3,
    ascii_fold,
    canonical_tones,
    clean_name,
    clean_text,
    legacy_encoding_fixed,
    nfc_text,
    vn_title_case,
)

NFD = unicodedata.normalize


def run(expr_fn: object, values: list[str | None]) -> list[str | None]:
    assert callable(expr_fn)
    df = pl.DataFrame({"x": values}, schema={"x": pl.String})
    out = df.select(expr_fn("x"))
    assert out.columns == ["x"]
    return out["x"].to_list()


def to_tcvn3(s: str) -> str:
    """Encode with our own table, then read the bytes as latin-1 (the mojibake)."""
    inverse = {v: k for k, v in _TCVN3.items()}
    # Capital toned letters need TCVN3's separate upper-case fonts: typists used lower case.
    return "".join(inverse.get(c, inverse.get(c.lower(), c)) for c in NFD("NFC", s))


def test_doctests() -> None:
    result = doctest.testmod(text_mod)
    assert result.attempted >= 7
    assert result.failed == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (NFD("NFD", "Nguyễn"), "Nguyễn"),
        ("\u00d0\u1eb7ng V\u0103n \u00f0\u1ee9c", "Đặng Văn đức"),  # ETH look-alikes
        ("Nguy\u200bễn\ufeff V\u200dăn", "Nguyễn Văn"),  # zero-width
        ("Lê\u00a0Thị\u2003 Lan\u202f", "Lê Thị Lan"),  # nbsp, em space, narrow nbsp
        ("  Trần \t\n Hưng  ", "Trần Hưng"),
        ("e\u200b\u0301", "é"),  # zero-width between base and mark: composes after removal
        ("   ", None),
        ("\u200b\u00a0", None),
        ("", None),
        (None, None),
    ],
)
def test_nfc_text(raw: str | None, expected: str | None) -> None:
    assert run(nfc_text, [raw]) == [expected]


def test_nfc_text_output_is_nfc() -> None:
    [out] = run(nfc_text, [NFD("NFD", "Nguyễn Thị Thủy")])
    assert out is not None
    assert len(out) == len("Nguyễn Thị Thủy")
    assert unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize(
    ("new_style", "old_style"),
    [
        ("hoà", "hòa"),
        ("Hoà", "Hòa"),
        ("HOÀ", "HÒA"),
        ("thuý", "thúy"),
        ("Thuỷ", "Thủy"),
        ("khoẻ", "khỏe"),
        ("loè", "lòe"),
        ("hoạ", "họa"),
        ("uỷ", "ủy"),
        ("Thuỳ", "Thùy"),
    ],
)
def test_both_tone_styles_give_same_canonical(new_style: str, old_style: str) -> None:
    assert run(canonical_tones, [new_style, old_style]) == [old_style, old_style]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("qúy", "quý"),
        ("Qúy", "Quý"),
        ("gịa", "giạ"),
        ("đọan", "đoạn"),
        ("ngừơi", "người"),
        # closed syllables and quality-marked vowels are already canonical
        ("hoàng", "hoàng"),
        ("thuyết", "thuyết"),
        ("người", "người"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        (None, None),
    ],
)
def test_canonical_tones_repairs(raw: str | None, expected: str | None) -> None:
    assert run(canonical_tones, [raw]) == [expected]


def test_canonical_tones_many_rows_few_distinct() -> None:
    values = ["Hoà", "Thuý", None, "Hòa"] * 1000
    out = run(canonical_tones, values)
    assert out[:4] == ["Hòa", "Thúy", None, "Hòa"]
    assert out == out[:4] * 1000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NGUYỄN THỊ THỦY", "Nguyễn Thị Thủy"),
        ("đặng văn đức", "Đặng Văn Đức"),
        ("ĐỖ ĐÌNH ĐẠT", "Đỗ Đình Đạt"),
        ("ưng ấn ỷ", "Ưng Ấn Ỷ"),
        ("ÁNH ÂN ƠN ƯỚC", "Ánh Ân Ơn Ước"),
        ("nGUYỄN", "Nguyễn"),
        (None, None),
    ],
)
def test_vn_title_case(raw: str | None, expected: str | None) -> None:
    assert run(vn_title_case, [raw]) == [expected]


# -- legacy encodings -------------------------------------------------------------------------

# Independent samples: hand-typed from the published TCVN3 and VNI-Windows code charts, not
# produced with this module's tables.
HAND_SAMPLES = [
    ("Hµ Néi", "Hà Nội"),  # TCVN3: µ=0xB5 à, é=0xE9 ộ
    ("Xin chµo, ®©y lµ", "Xin chào, đây là"),  # TCVN3: ®=0xAE đ, ©=0xA9 â
    ("NguyÔn V¨n An", "Nguyễn Văn An"),  # TCVN3: Ô=0xD4 ễ, ¨=0xA8 ă
    ("Sè 12, \u00aeờng Lª Lîi".replace("ờ", "\u00adê"), "Số 12, đường Lê Lợi"),  # ư = soft hyphen
    ("Nguyeãn Vaên An", "Nguyễn Văn An"),  # VNI: eã=ễ, aê=ă
    ("Haø Noäi", "Hà Nội"),  # VNI: aø=à, oä=ộ
    ("Ñaëng Thò Thuûy", "Đặng Thị Thủy"),  # VNI: Ñ=Đ, aë=ặ, ò=ị, uû=ủ
    ("ngöôøi", "người"),  # VNI: ö=ư, ô=ơ, ø=grave
    ("NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"),  # VNI upper-case modifiers
]


@pytest.mark.parametrize(("raw", "expected"), HAND_SAMPLES)
def test_legacy_hand_samples(raw: str, expected: str) -> None:
    assert run(legacy_encoding_fixed, [raw]) == [expected]


@pytest.mark.parametrize(
    "real",
    [
        "Nguyễn Văn An",
        "Trần Thị Hường",
        "Phạm Quốc Việt",
        "Đặng Thùy Dương",
        "Huỳnh Ngọc Ẩn",
        "Võ Thị Mỹ Lệ",
        "Lê Nguyễn Khánh Ly",
        "Bùi Đức Thắng",
    ],
)
def test_legacy_tcvn3_round_trip(real: str) -> None:
    mojibake = to_tcvn3(real)
    assert max(map(ord, mojibake)) <= 0xFF  # it really is 8-bit text
    assert mojibake != real
    # Title case restores the capitals TCVN3 cannot hold (Ẩ needs a separate font).
    assert run(clean_name, [mojibake]) == [real]


def test_tcvn3_table_covers_every_vietnamese_lowercase_letter_once() -> None:
    vietnamese = {c for c in ACCENTED_CHARACTERS if not c.isascii()}  # CLDR list, 67 letters
    lower = [v for v in _TCVN3.values() if v.islower()]
    upper = [v for v in _TCVN3.values() if v.isupper()]
    assert len(lower) == len(set(lower)) == 67
    assert set(lower) == vietnamese
    assert sorted(upper) == sorted("ĂÂÊÔƠƯĐ")
    assert all(0xA1 <= ord(k) <= 0xFE for k in _TCVN3)


@pytest.mark.parametrize(
    "untouched",
    [
        "Tran Van An",
        "NGUYEN VAN HOA",
        "Đặng",
        "Ánh",
        "Hòa",
        "Hoà",
        "Ông",
        "Thò",
        "Ðinh",
        "Nguyễn Văn An",
        "José María",
        "Müller",
        "café, crème brûlée",
        "Số 12, đường Lê Lợi",
        "Lò Văn Ú",
    ],
)
def test_legacy_detector_leaves_unicode_and_ascii(untouched: str) -> None:
    assert run(legacy_encoding_fixed, [untouched]) == [untouched]


def test_legacy_null_stays_null() -> None:
    assert run(legacy_encoding_fixed, [None, "Haø Noäi"]) == [None, "Hà Nội"]


# -- chains -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" NGUYỄN  THỊ THUỶ ", "Nguyễn Thị Thủy"),
        (NFD("NFD", "đặng hoà bình"), "Đặng Hòa Bình"),
        ("ÐỖ\u00a0qúy", "Đỗ Quý"),
        ("Nguyeãn Vaên An", "Nguyễn Văn An"),
        ("NguyÔn V¨n An", "Nguyễn Văn An"),
        ("\u200b", None),
        (None, None),
    ],
)
def test_clean_name(raw: str | None, expected: str | None) -> None:
    assert run(clean_name, [raw]) == [expected]


def test_clean_text_keeps_case() -> None:
    assert run(clean_text, ["  hoà\u00a0BÌNH "]) == ["hòa BÌNH"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Đặng Văn Đức", "Dang Van Duc"),
        ("Ðinh Hường", "Dinh Huong"),
        (NFD("NFD", "Nguyễn"), "Nguyen"),
        ("Hà Hạ Hả", "Ha Ha Ha"),
        (None, None),
    ],
)
def test_ascii_fold(raw: str | None, expected: str | None) -> None:
    assert run(ascii_fold, [raw]) == [expected]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_clean_name_total_and_idempotent(values: list[str]) -> None:
    once = run(clean_name, list(values))
    twice = run(clean_name, once)
    assert twice == once
    for v in once:
        assert v is None or (v == v.strip() and "  " not in v and v != "")


# Vietnamese-flavoured text: letters, marks, legacy bytes and odd spaces mixed together.
_VN_ALPHABET = st.sampled_from(
    list("aăâeêioôơuưyđĐÐðbcghklmnpqrstvx AĂÂEÊIOÔƠUƯY")
    + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"]
    + ["\u00a0", "\u200b", "\ufeff"]
    + [chr(c) for c in range(0xA1, 0x100)]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(_VN_ALPHABET, max_size=12), min_size=1, max_size=5))
def test_clean_name_idempotent_on_vietnamese_like_text(values: list[str]) -> None:
    once = run(clean_name, list(values))
    assert run(clean_name, once) == once


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_ascii_fold_output_is_ascii(value: str) -> None:
    [out] = run(ascii_fold, [value])
    assert out is not None
    assert out.isascii()


@pytest.mark.parametrize(
    "raw",
    ["NGUYỄN THỊ THỦY", "đặng văn đức", "ưng ấn ỷ", "lê-nguyễn o'neil", "ĐỖ QÚY HOÀ", "a1b 2c"],
)
def test_clean_name_title_case_matches_vn_title_case(raw: str) -> None:
    assert run(clean_name, [raw]) == run(lambda c: vn_title_case(clean_text(c)), [raw])


# -- fast (per-word) path == per-value Python path ----------------------------------------------


def ref_clean_name(col: str) -> pl.Expr:
    """The per-value reference: every distinct value through the full Python step."""
    return text_mod.on_distinct(col, text_mod._clean_name_one, pre=text_mod._nfc_spaces)


def ref_clean_text(col: str) -> pl.Expr:
    return text_mod.on_distinct(col, text_mod._clean_text_one, pre=text_mod._nfc_spaces)


_INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng"]
_INITIALS += ["ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x", "q", "Ð", "ð"]
_NUCLEI = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay"]
_NUCLEI += ["âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "ua"]
_NUCLEI += ["uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "iêu", "yêu", "oai"]
_NUCLEI += ["oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "ei", "ou", "ie", "oo"]
_FINALS = ["", "", "", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
_TONE_MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


def random_syllable(rng: random.Random) -> str:
    """Syllable-shaped text with its tone on a *random* vowel (often misplaced), random case."""
    nucleus = rng.choice(_NUCLEI)
    pos = rng.randrange(len(nucleus))
    tone = rng.choice(_TONE_MARKS)
    marked = nucleus[: pos + 1] + tone + nucleus[pos + 1 :]
    word = NFD("NFC", rng.choice(_INITIALS) + marked + rng.choice(_FINALS))
    case = rng.random()
    if case < 0.15:
        return word.upper()
    if case < 0.6:
        return word[:1].upper() + word[1:]
    if case < 0.65:
        return NFD("NFD", word)
    if case < 0.7:
        return word + rng.choice(["-", "'", ".", "1", ",", "ǹ", "\u0301", "ß", "ΐ", "Ĳ", "ǆ"])
    return word


def equivalence_sample() -> list[str | None]:
    import datetime as dt

    import numpy as np

    from pipelines.generate.addresses import load_units
    from pipelines.generate.names import load_name_tables
    from pipelines.generate.people import build_people
    from pipelines.generate.text import new_tone_style, to_eth
    from pipelines.vn.fold import accent_fold as gen_fold

    people = build_people(
        np.random.default_rng(0), 20_000, dt.date(2026, 11, 22), load_units(), load_name_tables()
    )
    names = pl.concat([people["full_name"], people["father_name"], people["mother_name"]])
    names = names.drop_nulls().unique(maintain_order=True).rename("x")
    variants = names.to_frame().select(
        new=new_tone_style(pl.col("x")),
        eth=to_eth(pl.col("x")),
        fold=gen_fold(pl.col("x")),
        upper=pl.col("x").str.to_uppercase(),
        lower=pl.col("x").str.to_lowercase(),
    )
    values: list[str | None] = names.to_list()
    for column in variants.columns:
        values += variants[column].head(3000).to_list()
    values += [to_tcvn3(v) for v in names.head(2000).to_list()]
    values += [NFD("NFD", v) for v in names.head(1000).to_list()]
    rng = random.Random(0)
    for _ in range(6000):
        words = [random_syllable(rng) for _ in range(rng.randint(1, 4))]
        values.append(rng.choice([" ", "  ", "\u00a0"]).join(words))
    values += [h for h, _ in HAND_SAMPLES] + ["Hµ", "µ", "Thò", "Hoà Lê", "é", "ÐỖ qúy", None, ""]
    return values


def test_fast_path_equals_per_value_path_on_large_sample() -> None:
    values = equivalence_sample()
    assert len(values) > 40_000
    df = pl.DataFrame({"x": values}, schema={"x": pl.String})
    assert df.select(clean_name("x")).equals(df.select(ref_clean_name("x")))
    assert df.select(clean_text("x")).equals(df.select(ref_clean_text("x")))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(_VN_ALPHABET, max_size=12) | st.text(), min_size=1, max_size=6))
def test_fast_path_equals_per_value_path_on_hypothesis_text(values: list[str]) -> None:
    df = pl.DataFrame({"x": values}, schema={"x": pl.String})
    assert df.select(clean_name("x")).equals(df.select(ref_clean_name("x")))
    assert df.select(clean_text("x")).equals(df.select(ref_clean_text("x")))


def test_fast_path_calls_python_once_per_word_not_per_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(value: str) -> str:
        raise AssertionError(f"per-value step on {value!r}")

    monkeypatch.setattr(text_mod, "_clean_name_one", forbidden)
    text_mod._word_fixed.cache_clear()
    values: list[str | None] = [
        f"{a} {b} {c}" for a in ["Nguyễn", "TRẦN"] for b in ["Văn", "thị"] for c in ["Hoà"]
    ]
    assert run(clean_name, values) == [
        "Nguyễn Văn Hòa", "Nguyễn Thị Hòa", "Trần Văn Hòa", "Trần Thị Hòa"
    ]  # fmt: skip
    assert text_mod._word_fixed.cache_info().currsize == 5
