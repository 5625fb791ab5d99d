from __future__ import annotations

import doctest
from collections.abc import Callable

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipelines.vn.names as names_mod
from pipelines.vn.names import (
    given_name,
    middle_name,
    name_key_folded,
    name_key_phonetic,
    name_key_toneless_style,
    name_tokens_sorted_key,
    surname,
)
from pipelines.vn.text import clean_name

ExprFn = Callable[[str | pl.Expr], pl.Expr]


def run(fn: ExprFn, values: list[str | None]) -> list[str | None]:
    df = pl.DataFrame({"n": values}, schema={"n": pl.String})
    out = df.select(fn("n"))
    assert out.columns == ["n"]
    return out["n"].to_list()


def key(fn: ExprFn, value: str) -> str | None:
    """Key of a raw name, after the clean_name it expects."""
    return pl.DataFrame({"n": [value]}).select(fn(clean_name("n")))["n"][0]


def test_doctests() -> None:
    result = doctest.testmod(names_mod)
    assert result.attempted >= 7
    assert result.failed == 0


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Trần Hưng", ("Trần", None, "Hưng")),
        ("Nguyễn Văn An", ("Nguyễn", "Văn", "An")),
        ("Nguyễn Thị Minh Khai", ("Nguyễn", "Thị Minh", "Khai")),
        ("Lê Nguyễn Khánh Ly", ("Lê", "Nguyễn Khánh", "Ly")),  # double surname: not detected
        ("Tôn Nữ Thị Hoàng Anh", ("Tôn", "Nữ Thị Hoàng", "Anh")),
        ("Lan", (None, None, "Lan")),
        (None, (None, None, None)),
    ],
)
def test_name_parts(name: str | None, parts: tuple[str | None, ...]) -> None:
    got = tuple(run(fn, [name])[0] for fn in (surname, middle_name, given_name))
    assert got == parts


def test_name_parts_vectorised_mixed_lengths() -> None:
    values: list[str | None] = ["Trần Hưng", "Nguyễn Văn An", "Nguyễn Thị Minh Khai", None]
    df = pl.DataFrame({"n": values})
    out = df.select(
        surname("n").alias("s"), middle_name("n").alias("m"), given_name("n").alias("g")
    )
    assert out.rows() == [
        ("Trần", None, "Hưng"),
        ("Nguyễn", "Văn", "An"),
        ("Nguyễn", "Thị Minh", "Khai"),
        (None, None, None),
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn Hòa", "NGUYEN VAN HOA"),
        ("Đặng Thị Hương", "dang thi  huong"),
        ("Hương", "Hường"),  # the fold is lossy by design
        ("Ðinh Văn Đức", "Dinh Van Duc"),
    ],
)
def test_folded_key_equal(a: str, b: str) -> None:
    assert key(name_key_folded, a) == key(name_key_folded, b)


def test_folded_key_value() -> None:
    assert run(name_key_folded, ["Nguyễn Văn Hòa", "  ", None]) == ["nguyen van hoa", None, None]


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("Hoà", "Hòa", True),
        ("Lê Thị Thuý", "LÊ THỊ THÚY", True),
        ("Khoẻ", "khỏe", True),
        ("Hương", "Hường", False),
        ("Hà", "Hạ", False),
        ("Thủy", "Thùy", False),
    ],
)
def test_toneless_style_key(a: str, b: str, equal: bool) -> None:
    # Applied to raw input too, not only to clean names.
    ka = run(name_key_toneless_style, [a])[0]
    kb = run(name_key_toneless_style, [b])[0]
    assert (ka == kb) is equal


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Trần", "Chần"),  # ch/tr
        ("Dũng", "Giũng"),  # d/gi
        ("Dũng", "Rũng"),  # d/r
        ("Vũ Văn Dũng", "Dũ Văn Dũng"),  # v/d (South)
        ("Vy", "Vi"),  # i/y open syllable
        ("Lý", "Lí"),
        ("Kỳ", "Kì"),
        ("Hoàng Văn Nam", "Huỳnh Văn Nam"),  # surname variant
        ("Vũ", "Võ"),  # surname variant (and hỏi/ngã)
        ("Vũ Thị Lan", "Võ Thị Lan"),
        ("Sơn", "Xơn"),  # s/x
        ("Lan", "Nan"),  # l/n
        ("Quang", "Wang"),  # qu/w
        ("Phúc", "Fúc"),  # ph/f
        ("Cường", "Kường"),  # c/k
        ("Nghĩa", "Ngĩa"),  # ngh/ng
        ("Ghềnh", "Gềnh"),  # gh/g
        ("Tín", "Tính"),  # in/inh
        ("Bện", "Bệnh"),  # ên/ênh
        ("Cung", "Cun"),  # un/ung
        ("Lộc", "Lột"),  # t/c
        ("Nguyễn Văn Hòa", "NGUYEN VAN HOA"),
        ("Mỹ", "Mĩ"),  # hỏi/ngã + i/y
    ],
)
def test_phonetic_key_folds(a: str, b: str) -> None:
    assert key(name_key_phonetic, a) == key(name_key_phonetic, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn Anh"),  # decided: anh is not folded to an
        ("Huy", "Hui"),  # y after a vowel is a glide, kept
        ("Hai", "Hay"),
        ("Nguyễn Hoàng Nam", "Nguyễn Huỳnh Nam"),  # Hoàng/Huỳnh only as surname
        ("Nguyễn Vũ", "Nguyễn Võ"),  # Vũ/Võ only as surname
        ("Ghi", "Gi"),  # gh + i is /ɣ/, gi is /z/
        ("Chung", "Khung"),
        ("Đặng Văn An", "Đặng Văn Bình"),
    ],
)
def test_phonetic_key_keeps_apart(a: str, b: str) -> None:
    assert key(name_key_phonetic, a) != key(name_key_phonetic, b)


def test_phonetic_key_values() -> None:
    assert run(name_key_phonetic, ["Trần Văn Dũng", "Huỳnh Thị Vy", "Quốc", None]) == [
        "chan zan zun",
        "hoan thi zi",
        "wot",
        None,
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn An", "Văn An Nguyễn"),
        ("Nguyễn Văn An", "An Nguyễn Văn"),
        ("Trần Thị Lan", "TRAN LAN THI"),
    ],
)
def test_tokens_sorted_key(a: str, b: str) -> None:
    assert key(name_tokens_sorted_key, a) == key(name_tokens_sorted_key, b)


def test_tokens_sorted_key_value() -> None:
    assert run(name_tokens_sorted_key, ["Nguyễn Văn An", None]) == ["an nguyen van", None]


def test_keys_many_rows() -> None:
    values: list[str | None] = ["Nguyễn Văn Hòa", "Huỳnh Văn Nam", None] * 2000
    out = pl.DataFrame({"n": values}).select(name_key_phonetic("n"))["n"].to_list()
    assert out == ["nguyen zan hoa", "hoan zan nam", None] * 2000


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_keys_never_raise_and_fold_is_ascii(values: list[str]) -> None:
    df = pl.DataFrame({"n": values}).select(clean_name("n"))
    out = df.select(
        surname("n").alias("s"),
        middle_name("n").alias("m"),
        given_name("n").alias("g"),
        name_key_folded("n").alias("f"),
        name_key_toneless_style("n").alias("t"),
        name_key_phonetic("n").alias("p"),
        name_tokens_sorted_key("n").alias("k"),
    )
    assert out.height == len(values)
    assert all(v is None or v.isascii() for v in out["f"].to_list() + out["p"].to_list())
