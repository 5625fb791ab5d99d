"""Gender standardisation, including the BHXH 0 = Nữ / 1 = Nam convention."""

from __future__ import annotations

import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.vn.gender import canonical_gender, gender_is_unrecognised

NFD = unicodedata.normalize


def one(value: object, convention: str = "bhxh") -> tuple[object, object]:
    df = pl.DataFrame({"g": [value]})
    row = df.select(
        canonical_gender("g", convention).alias("g"),  # type: ignore[arg-type]
        gender_is_unrecognised("g", convention).alias("u"),  # type: ignore[arg-type]
    ).row(0)
    return row[0], row[1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nam", "Nam"),
        ("nam", "Nam"),
        ("NAM", "Nam"),
        (" Nam ", "Nam"),
        ("M", "Nam"),
        ("m", "Nam"),
        ("male", "Nam"),
        ("Male", "Nam"),
        ("trai", "Nam"),
        ("con trai", "Nam"),
        ("nam giới", "Nam"),
        ("Nữ", "Nữ"),
        ("nữ", "Nữ"),
        ("NỮ", "Nữ"),
        (NFD("NFD", "Nữ"), "Nữ"),
        (NFD("NFD", "NỮ"), "Nữ"),
        ("nu", "Nữ"),
        ("Nu", "Nữ"),
        ("Nu~", "Nữ"),
        ("F", "Nữ"),
        ("f", "Nữ"),
        ("female", "Nữ"),
        ("FEMALE", "Nữ"),
        ("gái", "Nữ"),
        ("gai", "Nữ"),
        (NFD("NFD", "gái"), "Nữ"),
        ("nữ giới", "Nữ"),
        ("1", "Nam"),  # BHXH template: 1 = Nam
        ("0", "Nữ"),  # BHXH template: 0 = Nữ
        ("1.0", "Nam"),
        ("0.0", "Nữ"),
    ],
)
def test_recognised(raw: str, expected: str) -> None:
    assert one(raw) == (expected, False)


@pytest.mark.parametrize(
    ("raw", "bhxh", "iso"),
    [("0", "Nữ", None), ("1", "Nam", "Nam"), ("2", None, "Nữ"), ("9", None, None)],
)
def test_numeric_conventions(raw: str, bhxh: str | None, iso: str | None) -> None:
    assert one(raw, "bhxh")[0] == bhxh
    assert one(raw, "iso")[0] == iso


def test_integer_column() -> None:
    df = pl.DataFrame({"g": [0, 1, 2, None]})
    assert df.select(canonical_gender("g"))["g"].to_list() == ["Nữ", "Nam", None, None]
    iso = df.select(canonical_gender("g", numeric_convention="iso"))["g"].to_list()
    assert iso == [None, "Nam", "Nữ", None]


@pytest.mark.parametrize("raw", ["khác", "x", "nam nữ", "?", "2", "Không rõ", "nữa"])
def test_unrecognised_is_a_finding(raw: str) -> None:
    assert one(raw) == (None, True)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_missing_is_not_a_finding(raw: str | None) -> None:
    assert one(raw) == (None, None)


def test_bad_convention_rejected() -> None:
    with pytest.raises(ValueError, match="numeric_convention"):
        canonical_gender("g", "us")  # type: ignore[arg-type]


def test_output_is_nfc() -> None:
    out = pl.DataFrame({"g": [NFD("NFD", "nữ")]}).select(canonical_gender("g")).item()
    assert out == unicodedata.normalize("NFC", "Nữ")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_canonical_gender_accepts_any_text_and_is_idempotent(text: str) -> None:
    df = pl.DataFrame({"g": [text]}, schema={"g": pl.String})
    once = df.select(canonical_gender("g"))
    assert once.equals(once.select(canonical_gender("g")))
    assert once.item() in (None, "Nam", "Nữ")
    flag = df.select(gender_is_unrecognised("g")).item()
    if once.item() is not None:
        assert flag is False


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["Nam", "Nữ", "nu", "F", "0", "1", "2", "gái"]),
    st.sampled_from(["bhxh", "iso"]),
)
def test_idempotent_under_both_conventions(raw: str, convention: str) -> None:
    df = pl.DataFrame({"g": [raw]})
    once = df.select(canonical_gender("g", convention))  # type: ignore[arg-type]
    assert once.equals(once.select(canonical_gender("g", convention)))  # type: ignore[arg-type]
