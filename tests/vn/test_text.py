from __future__ import annotations

import doctest
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
