"""Phone expressions: cleaning, legacy mobile conversion, phonenumbers validity and kinds."""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.vn import phones
from pipelines.vn.phones import LEGACY_MOBILE_PREFIXES


def one(expr: pl.Expr, value: Any) -> Any:
    return pl.DataFrame({"p": [value]}, schema={"p": pl.String}).select(expr.alias("o")).item()


def test_table_has_the_21_pairs() -> None:
    assert len(LEGACY_MOBILE_PREFIXES) == 21
    assert all(len(k) == 4 and k.startswith("01") for k in LEGACY_MOBILE_PREFIXES)
    assert all(len(v) == 3 and v.startswith("0") for v in LEGACY_MOBILE_PREFIXES.values())


@pytest.mark.parametrize(("old", "new"), sorted(LEGACY_MOBILE_PREFIXES.items()))
def test_every_legacy_prefix_is_converted(old: str, new: str) -> None:
    raw = old + "8123456"
    assert one(phones.phone_is_legacy_mobile("p"), raw) is True
    assert one(phones.phone_legacy_converted("p"), raw) == new + "8123456"
    assert one(phones.canonical_phone("p"), raw) == new + "8123456"
    assert one(phones.phone_kind("p"), raw) == "mobile"
    # international spelling of the same legacy number
    assert one(phones.canonical_phone("p"), "+84 " + old[1:] + " 812 3456") == new + "8123456"


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(091) 2345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("+840912345678", "0912345678"),
        ("840912345678", "0912345678"),
        ("+84 28 3829 1234", "02838291234"),
        ("912345678", "0912345678"),  # leading zero lost in a spreadsheet
        ("2838291234", "02838291234"),
        ("０９１２３４５６７８", "0912345678"),
        ("", None),
        (None, None),
    ],
)
def test_phone_digits(raw: str | None, digits: str | None) -> None:
    assert one(phones.phone_digits("p"), raw) == digits


@pytest.mark.parametrize(
    ("raw", "canonical", "kind", "legacy_landline"),
    [
        ("0912345678", "0912345678", "mobile", False),
        ("+84 912 345 678", "0912345678", "mobile", False),
        ("0084912345678", "0912345678", "mobile", False),
        ("01688123456", "0388123456", "mobile", False),
        ("02838291234", "02838291234", "landline", False),
        ("024 3826 2999", "02438262999", "landline", False),
        # old HCMC landline "08 3829 1234": phonenumbers reads it as a valid mobile
        ("0838291234", "0838291234", "mobile", True),
        ("08 3829 1234", "0838291234", "mobile", True),
        ("0373852222", "0373852222", "mobile", True),  # old Thanh Hóa
        ("0313842222", "0313842222", "mobile", True),  # old Hải Phòng
        ("0438262999", None, "invalid", True),  # old Hà Nội: not valid today
        ("05113822222", None, "invalid", False),  # old Đà Nẵng, 11 digits
        ("0112345678", None, "invalid", False),
        ("12345", None, "invalid", False),
        ("0912345678 / 0987654321", None, "invalid", False),
        ("09123456789", None, "invalid", False),
        ("091234567", None, "invalid", False),
        ("không có", None, "invalid", False),
        ("0912ABC678", None, "invalid", False),
        (None, None, None, None),
    ],
)
def test_canonical_kind_and_legacy_landline(
    raw: str | None, canonical: str | None, kind: str | None, legacy_landline: bool | None
) -> None:
    assert one(phones.canonical_phone("p"), raw) == canonical
    assert one(phones.phone_kind("p"), raw) == kind
    assert one(phones.phone_is_valid("p"), raw) is (None if kind is None else kind != "invalid")
    assert one(phones.phone_maybe_legacy_landline("p"), raw) is legacy_landline


def test_validity_needs_no_per_value_phonenumbers_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kinds come from phonenumbers' VN metadata evaluated in polars, not one call per number."""

    def forbidden(national: str) -> str:
        raise AssertionError(f"per-value classification of {national}")

    monkeypatch.setattr(phones, "_classify", forbidden)
    monkeypatch.setattr(phones.phonenumbers, "is_valid_number", forbidden)
    df = pl.DataFrame({"p": ["0912345678", "0912 345 678", "+84912345678", "01688123456"] * 500})
    out = df.select(phones.canonical_phone("p"), phones.phone_kind("p").alias("k"))
    assert sorted(out.unique().rows()) == [("0388123456", "mobile"), ("0912345678", "mobile")]


def _random_nationals(n: int, seed: int) -> list[str]:
    """Digit strings over every 1-3 digit prefix after the trunk 0, lengths 9-12, plus junk."""
    rng = random.Random(seed)
    out = [
        f"0{a}{b:02d}" + "".join(rng.choices("0123456789", k=length - 4))
        for a in range(10)
        for b in range(100)
        for length in (10, 11)
    ]
    while len(out) < n:
        length = rng.choice([9, 10, 10, 11, 11, 12])
        out.append("".join(rng.choices("0123456789", k=length)))
    return [*out, "0912 345 678", "+84912345678", "０９１２３４５６７８", "0912ABC678", "", "0"]


def test_vectorised_kind_equals_phonenumbers_per_number() -> None:
    values = [
        *_random_nationals(6000, seed=1),
        "0912345678", "02838291234", "0672123456", "01800123456", "0190012345", "0838291234",
        "0438262999", "05113822222", "0121012345", "01201123456", "0999123456", "0992123456",
    ]  # fmt: skip
    df = pl.DataFrame({"n": values})
    fast = df.select(phones._kind_expr(pl.col("n"))).to_series().to_list()
    assert fast == [phones._classify.__wrapped__(v) for v in values]


def test_phone_info_equals_per_value_reference() -> None:
    """The whole struct, from raw text, against per-value phonenumbers on the converted digits."""
    rng = random.Random(2)
    nationals = _random_nationals(3000, seed=3)
    raws = (
        [
            rng.choice(["{}", "+84{}", "84{}", "0084 {}", "{} ", "({})"]).format(
                v[1:] if rng.random() < 0.5 and v.startswith("0") else v
            )
            for v in nationals
        ]
        + [f"{old}{rng.randrange(10**7):07d}" for old in LEGACY_MOBILE_PREFIXES]
        + [None]
    )
    info = pl.DataFrame({"p": raws}, schema={"p": pl.String}).select(phones.phone_info("p"))
    for row in info.to_series().to_list():
        if row is None or row["converted"] is None:
            continue
        kind = phones._classify.__wrapped__(row["converted"])
        assert row["kind"] == kind
        assert row["canonical"] == (None if kind == "invalid" else row["converted"])


def test_composable_in_one_with_columns() -> None:
    df = pl.DataFrame({"phone": ["01688123456", "0838291234", "xyz", None]})
    out = df.with_columns(
        phones.phone_is_legacy_mobile("phone").alias("was_legacy"),
        phones.phone_kind("phone").alias("kind"),
        phones.phone_maybe_legacy_landline("phone").alias("maybe_landline"),
        phones.canonical_phone("phone"),
    )
    assert out.rows() == [
        ("0388123456", True, "mobile", False),
        ("0838291234", False, "mobile", True),
        (None, False, "invalid", False),
        (None, None, None, None),
    ]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_canonical_phone_accepts_any_text_and_is_idempotent(text: str) -> None:
    df = pl.DataFrame({"p": [text]}, schema={"p": pl.String})
    once = df.select(phones.canonical_phone("p"))
    twice = once.select(phones.canonical_phone("p"))
    assert once.equals(twice)
    value = once.item()
    assert value is None or (value.startswith("0") and len(value) in (10, 11))
    digits = df.select(phones.phone_digits("p"))
    assert digits.equals(digits.select(phones.phone_digits("p")))
    df.select(
        phones.phone_kind("p").alias("a"),
        phones.phone_maybe_legacy_landline("p").alias("b"),
        phones.phone_is_legacy_mobile("p").alias("c"),
    )


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A(\+84|0084|84|0)[1-9][0-9]{8,9}\Z"))
def test_canonical_phone_idempotent_on_phone_like_text(text: str) -> None:
    df = pl.DataFrame({"p": [text]})
    once = df.select(phones.canonical_phone("p"))
    assert once.equals(once.select(phones.canonical_phone("p")))


def test_phone_info_gives_every_output_in_one_pass() -> None:
    values = ["01688123456", "08 3829 1234", "+84 28 3829 1234", "0438262999", "abc", None]
    df = pl.DataFrame({"p": values})
    info = df.select(phones.phone_info("p").struct.unnest())
    singles = df.select(
        phones.phone_digits("p").alias("digits"),
        phones.phone_legacy_converted("p").alias("converted"),
        phones.phone_is_legacy_mobile("p").alias("legacy"),
        phones.phone_kind("p").alias("kind"),
        phones.canonical_phone("p").alias("canonical"),
        phones.phone_maybe_legacy_landline("p").alias("maybe_landline"),
    )
    assert info.equals(singles)


@pytest.mark.parametrize(
    "frame",
    [
        pl.DataFrame({"p": []}, schema={"p": pl.String}),
        pl.DataFrame({"p": [None, None]}, schema={"p": pl.String}),
        pl.DataFrame({"p": [None]}, schema={"p": pl.Null}),
    ],
)
def test_empty_and_all_null_columns(frame: pl.DataFrame) -> None:
    out = frame.select(phones.canonical_phone("p"), phones.phone_kind("p").alias("k"))
    assert out.height == frame.height
    assert out["p"].null_count() == frame.height


def test_lazy_frame() -> None:
    lf = pl.LazyFrame({"p": ["0168 812 3456", "xyz"]})
    assert lf.select(phones.canonical_phone("p")).collect()["p"].to_list() == ["0388123456", None]
