"""Personal ID, legacy CMND and insurance-code expressions."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.vn import ids
from pipelines.vn.provinces_legacy import ID_PREFIXES, PREFIX_TO_NEW_CODE, id_prefix_frame


def one(expr: pl.Expr, **cols: Any) -> Any:
    """Evaluate ``expr`` on a one-row frame built from ``cols``."""
    return pl.DataFrame({k: [v] for k, v in cols.items()}).select(expr.alias("out")).item()


@pytest.mark.parametrize(
    ("raw", "digits", "pid", "has12"),
    [
        ("001090012345", "001090012345", "001090012345", True),
        ("001 090 012 345", "001090012345", "001090012345", True),
        ("001.090.012.345", "001090012345", "001090012345", True),
        ("001-090-012-345", "001090012345", "001090012345", True),
        ("001_090_012_345", "001090012345", "001090012345", True),
        ("\u00a0001090012345\t", "001090012345", "001090012345", True),
        ("０３８０９５０００１２３", "038095000123", "038095000123", True),
        ("00109001234", "00109001234", None, False),  # 11 digits
        ("0010900123456", "0010900123456", None, False),  # 13 digits
        ("00109O012345", "00109O012345", None, False),  # letter O for zero
        ("CCCD001090012345", "CCCD001090012345", None, False),
        ("   ", None, None, None),
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_id_digits_personal_id_and_length(
    raw: str | None, digits: str | None, pid: str | None, has12: bool | None
) -> None:
    assert one(ids.id_digits("x"), x=raw) == digits
    assert one(ids.personal_id("x"), x=raw) == pid
    assert one(ids.personal_id_has_12_digits("x"), x=raw) is has12


@pytest.mark.parametrize(
    ("raw", "known"),
    [
        ("001090012345", True),
        ("096190012345", True),
        ("015090012345", True),
        ("003090012345", False),  # 003 is not one of the 63
        ("099090012345", False),
        ("000090012345", False),
        ("00109001234", None),  # not 12 digits: the length check reports it
        (None, None),
    ],
)
def test_prefix_known(raw: str | None, known: bool | None) -> None:
    assert one(ids.personal_id_prefix_known("x"), x=raw) is known


@pytest.mark.parametrize(
    ("pid", "gender", "year", "gender_ok", "century_ok", "year_ok"),
    [
        ("001090012345", "Nam", 1990, True, True, True),
        ("001190012345", "Nữ", 1990, True, True, True),
        ("079205012345", "Nam", 2005, True, True, True),
        ("079305012345", "Nữ", 2005, True, True, True),
        ("001190012345", "Nam", 1990, False, True, True),  # digit 4 odd = female
        ("001090012345", "Nữ", 1990, False, True, True),
        ("001290012345", "Nam", 1990, True, False, True),  # digit 4 says 2000s
        ("001005012345", "Nam", 2005, True, False, True),  # digit 4 says 1900s
        ("001091012345", "Nam", 1990, True, True, False),  # digits 5-6 = 91
        ("001090012345", None, None, None, None, None),
        ("001090012345", "?", 1990, None, True, True),
        (None, "Nam", 1990, None, None, None),
        ("0010900123", "Nam", 1990, None, None, None),
    ],
)
def test_cross_checks(
    pid: str | None,
    gender: str | None,
    year: int | None,
    gender_ok: bool | None,
    century_ok: bool | None,
    year_ok: bool | None,
) -> None:
    cols = {"id": pid, "g": gender, "y": year}
    df = pl.DataFrame({k: [v] for k, v in cols.items()}, schema_overrides={"y": pl.Int32})
    row = df.select(
        ids.personal_id_gender_digit_matches("id", "g").alias("g"),
        ids.personal_id_century_matches("id", "y").alias("c"),
        ids.personal_id_year_matches("id", "y").alias("y"),
    ).row(0)
    assert row == (gender_ok, century_ok, year_ok)


def test_gender_check_accepts_nfd_canonical_gender() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Nữ")
    assert one(ids.personal_id_gender_digit_matches("id", "g"), id="001190012345", g=nfd)


@pytest.mark.parametrize(
    ("raw", "legacy", "pid"),
    [
        ("271450001", "271450001", None),
        ("271 450 001", "271450001", None),
        ("001090012345", None, "001090012345"),
        ("12345678", None, None),
        (None, None, None),
    ],
)
def test_nine_digit_cmnd_moves_to_legacy(
    raw: str | None, legacy: str | None, pid: str | None
) -> None:
    df = pl.DataFrame({"personal_id": [raw]}, schema={"personal_id": pl.String})
    out = df.with_columns(
        ids.legacy_id_from_personal("personal_id").alias("legacy_id"),
        ids.personal_id("personal_id"),
    )
    assert out.row(0, named=True) == {"personal_id": pid, "legacy_id": legacy}


def test_every_prefix_maps_via_table_not_name() -> None:
    assert len(ID_PREFIXES) == 63
    assert id_prefix_frame().height == 63
    df = pl.DataFrame({"id": [p + "090012345" for p in ID_PREFIXES]})
    got = df.select(ids.province_code_from_id("id"))["id"].to_list()
    assert got == list(PREFIX_TO_NEW_CODE.values())
    # the name traps of DOMAIN §1.3: the prefix is the old province, not the new name
    assert PREFIX_TO_NEW_CODE["015"] == "15"  # old Yên Bái -> new Lào Cai (15)
    assert PREFIX_TO_NEW_CODE["010"] == "15"  # old Lào Cai -> new Lào Cai (15)
    assert PREFIX_TO_NEW_CODE["064"] == "52"  # old Gia Lai -> new Gia Lai (52)
    assert one(ids.province_code_from_id("id"), id="003090012345") is None


@pytest.mark.parametrize(
    ("raw", "code", "pid_in_field", "valid"),
    [
        ("0123456789", "0123456789", None, True),
        ("01 2345 6789", "0123456789", None, True),
        ("7912345678", "7912345678", None, True),
        ("DN4790123456789", "0123456789", None, True),  # BHYT card number
        ("dn4790123456789", "0123456789", None, True),
        ("001090012345", None, "001090012345", True),  # personal ID since 2025-08
        ("012345678", None, None, False),
        ("01234567890", None, None, False),
        ("01234x6789", None, None, False),
        (None, None, None, None),
    ],
)
def test_insurance_code(
    raw: str | None, code: str | None, pid_in_field: str | None, valid: bool | None
) -> None:
    assert one(ids.insurance_code("x"), x=raw) == code
    assert one(ids.personal_id_from_insurance_code("x"), x=raw) == pid_in_field
    assert one(ids.insurance_code_is_valid("x"), x=raw) is valid


def test_composable_in_one_with_columns() -> None:
    df = pl.DataFrame({"personal_id": ["001 090 012 345", "271450001"], "y": [1990, 1990]})
    out = df.with_columns(
        ids.legacy_id_from_personal("personal_id").alias("legacy_id"),
        ids.personal_id("personal_id"),
        ids.province_code_from_id("personal_id").alias("province_code"),
        ids.personal_id_year_matches("personal_id", "y").alias("year_ok"),
    )
    assert out.columns == ["personal_id", "y", "legacy_id", "province_code", "year_ok"]
    assert out["personal_id"].to_list() == ["001090012345", None]
    assert out["legacy_id"].to_list() == [None, "271450001"]
    assert out["year_ok"].to_list() == [True, None]


def test_integer_column_does_not_crash() -> None:
    df = pl.DataFrame({"x": [123456789012, None]})
    assert df.select(ids.personal_id("x"))["x"].to_list() == ["123456789012", None]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_id_standardisers_accept_any_text_and_id_digits_is_idempotent(text: str) -> None:
    df = pl.DataFrame({"x": [text]}, schema={"x": pl.String})
    once = df.select(ids.id_digits("x"))
    twice = once.select(ids.id_digits("x"))
    assert once.equals(twice)
    out = df.select(
        ids.personal_id("x").alias("a"),
        ids.legacy_id_from_personal("x").alias("b"),
        ids.personal_id_has_12_digits("x").alias("c"),
        ids.personal_id_prefix_known("x").alias("d"),
        ids.province_code_from_id("x").alias("e"),
        ids.insurance_code("x").alias("f"),
        ids.insurance_code_is_valid("x").alias("g"),
        ids.personal_id_century_matches("x", pl.lit(1990)).alias("h"),
    )
    pid = out["a"].item()
    assert pid is None or (len(pid) == 12 and pid.isascii() and pid.isdigit())
    code = out["f"].item()
    assert code is None or (len(code) == 10 and code.isascii() and code.isdigit())
