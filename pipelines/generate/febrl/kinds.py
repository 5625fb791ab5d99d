"""The modification kinds of the FEBRL profile: which field each hits, how likely, what it does.

A kind's ``apply`` takes the rows of the working frame it is applied to and returns the new
values of its field's columns; ``applies`` says on which rows it can change anything, so a
duplicate is planned only modifications that do something. Weights are relative within a
field (FEBRL's ``ins_prob``, ``del_prob``… per field dictionary).

Example:
    >>> [k.name for k in KINDS if k.field == "gender"]
    ['flip', 'missing']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.generate.addresses import Units, draw_wards, house_address
from pipelines.generate.febrl.dates import (
    date_digit_transpose,
    date_digit_typo,
    day_month_swap,
    placeholder_date,
)
from pipelines.generate.febrl.digits import digit_transpose, digit_typo
from pipelines.generate.febrl.names import (
    eth_lookalike,
    middle_dropped,
    middle_replaced,
    name_ocr,
    name_phonetic,
    name_typo,
    nfd_text,
    no_accents,
    surname_given_swap,
    western_order,
)
from pipelines.generate.names import NameTables
from pipelines.generate.phones import draw_mobiles

__all__ = ["FIELDS", "FIELD_COLUMNS", "KINDS", "Context", "Kind", "kind_index"]

FIELDS = ("full_name", "birth_date", "personal_id", "phone", "address", "gender")
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("full_name",),
    "birth_date": ("birth",),
    "personal_id": ("personal_id",),
    "phone": ("phone",),
    "address": ("address", "ward_idx", "ward", "province"),
    "gender": ("gender",),
}
"""Working-frame columns a modification of each field may change (the first is logged)."""


@dataclass(frozen=True)
class Context:
    """Reference tables some kinds draw new values from."""

    units: Units
    names: NameTables


Apply = Callable[[pl.DataFrame, np.random.Generator, Context], pl.DataFrame]


@dataclass(frozen=True)
class Kind:
    """One modification kind."""

    field: str
    name: str
    weight: float
    apply: Apply
    applies: Callable[[], pl.Expr]
    """Rows (of the original values) where this kind changes something."""
    encoding: bool = False
    """Applied after every content modification (no accents, NFD, ETH look-alikes)."""

    @property
    def key(self) -> str:
        """Return ``field.name``, e.g. ``full_name.phonetic``."""
        return f"{self.field}.{self.name}"


def _col(name: str) -> Callable[[], pl.Expr]:
    return lambda: pl.col(name).is_not_null()


def _tokens_at_least(k: int) -> Callable[[], pl.Expr]:
    return lambda: pl.col("full_name").str.split(" ").list.len() >= k


def _one(column: str, fn: Callable[[pl.Series, np.random.Generator], pl.Series]) -> Apply:
    """Return an ``apply`` that maps one column with ``fn(values, rng)``."""
    return lambda df, rng, ctx: fn(df[column], rng).alias(column).to_frame()


def _null(column: str) -> Apply:
    return lambda df, rng, ctx: pl.Series(column, [None] * df.height, dtype=pl.String).to_frame()


def _new_middle(df: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    """Replace the middle name by another one of the person's gender (differs if it can)."""
    female = df["female"].to_numpy()
    draws = []
    for _ in range(2):
        m = ctx.names.middle_male.draw(rng, df.height).to_numpy()
        f = ctx.names.middle_female.draw(rng, df.height).to_numpy()
        draws.append(np.where(female, f, m))
    current = (
        df.select(
            pl.col("full_name")
            .str.split(" ")
            .list.slice(1, pl.col("full_name").str.split(" ").list.len() - 2)
            .list.join(" ")
        )
        .to_series()
        .to_numpy()
    )
    middle = np.where(draws[0] != current, draws[0], draws[1])
    return (
        middle_replaced(df["full_name"], pl.Series(middle, dtype=pl.String))
        .alias("full_name")
        .to_frame()
    )


def _moved(df: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    """Return a move: a new ward (anywhere, weighted by population) and a new house line."""
    ward_idx = draw_wards(rng, ctx.units, df.height)
    wards = ctx.units.wards.gather(pl.Series(ward_idx))
    south = wards["province_code"].cast(pl.Int64).to_numpy() >= 52
    return pl.DataFrame(
        {
            "address": house_address(rng, df.height, wards["ward_type"], south),
            "ward_idx": pl.Series(ward_idx, dtype=pl.Int64),
            "ward": wards["ward"],
            "province": wards["province"],
        }
    )


def _new_phone(df: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return draw_mobiles(rng, df.height).alias("phone").to_frame()


def _flip(df: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    g = pl.col("gender")
    return df.select(
        pl.when(g == "Nam").then(pl.lit("Nữ")).when(g == "Nữ").then(pl.lit("Nam")).alias("gender")
    )


def _name_typo(op: str) -> Apply:
    return _one("full_name", lambda s, rng: name_typo(s, op, rng))


def _plain(
    fn: Callable[[pl.Series], pl.Series],
) -> Callable[[pl.Series, np.random.Generator], pl.Series]:
    return lambda s, rng: fn(s)


def _address_typo(s: pl.Series, rng: np.random.Generator) -> pl.Series:
    return name_typo(s, "substitute", rng)


def _not_placeholder() -> pl.Expr:
    return pl.col("birth").is_not_null() & ~pl.col("birth").str.ends_with("-01-01")


def _day_differs_month() -> pl.Expr:
    b = pl.col("birth")
    return b.is_not_null() & (b.str.slice(5, 2) != b.str.slice(8, 2))


_ALWAYS = lambda: pl.lit(True)  # noqa: E731

KINDS: tuple[Kind, ...] = (
    Kind("full_name", "typo_insert", 0.07, _name_typo("insert"), _ALWAYS),
    Kind("full_name", "typo_delete", 0.09, _name_typo("delete"), _ALWAYS),
    Kind("full_name", "typo_substitute", 0.13, _name_typo("substitute"), _ALWAYS),
    Kind("full_name", "typo_transpose", 0.06, _name_typo("transpose"), _ALWAYS),
    Kind("full_name", "ocr", 0.06, _one("full_name", name_ocr), _ALWAYS),
    Kind("full_name", "phonetic", 0.15, _one("full_name", name_phonetic), _ALWAYS),
    Kind(
        "full_name",
        "middle_dropped",
        0.07,
        _one("full_name", _plain(middle_dropped)),
        _tokens_at_least(3),
    ),
    Kind("full_name", "middle_replaced", 0.05, _new_middle, _tokens_at_least(3)),
    Kind("full_name", "western_order", 0.05, _one("full_name", _plain(western_order)), _ALWAYS),
    Kind(
        "full_name",
        "surname_given_swap",
        0.04,
        _one("full_name", _plain(surname_given_swap)),
        _ALWAYS,
    ),
    Kind(
        "full_name",
        "no_accents",
        0.14,
        _one("full_name", _plain(no_accents)),
        lambda: pl.col("full_name").str.normalize("NFD").str.contains(r"\p{Mn}|đ|Đ"),
        encoding=True,
    ),
    Kind(
        "full_name",
        "nfd",
        0.04,
        _one("full_name", _plain(nfd_text)),
        lambda: pl.col("full_name").str.normalize("NFD") != pl.col("full_name"),
        encoding=True,
    ),
    Kind(
        "full_name",
        "eth",
        0.03,
        _one("full_name", _plain(eth_lookalike)),
        lambda: pl.col("full_name").str.contains("Đ|đ"),
        encoding=True,
    ),
    Kind("birth_date", "digit_typo", 0.35, _one("birth", date_digit_typo), _col("birth")),
    Kind("birth_date", "digit_transpose", 0.15, _one("birth", date_digit_transpose), _col("birth")),
    Kind(
        "birth_date",
        "day_month_swap",
        0.15,
        _one("birth", _plain(day_month_swap)),
        _day_differs_month,
    ),
    Kind("birth_date", "placeholder", 0.2, _one("birth", placeholder_date), _not_placeholder),
    Kind("birth_date", "missing", 0.1, _null("birth"), _col("birth")),
    Kind("personal_id", "digit_typo", 0.55, _one("personal_id", digit_typo), _col("personal_id")),
    Kind(
        "personal_id",
        "digit_transpose",
        0.25,
        _one("personal_id", digit_transpose),
        _col("personal_id"),
    ),
    Kind("personal_id", "missing", 0.2, _null("personal_id"), _col("personal_id")),
    Kind("phone", "digit_typo", 0.35, _one("phone", digit_typo), _col("phone")),
    Kind("phone", "digit_transpose", 0.15, _one("phone", digit_transpose), _col("phone")),
    Kind("phone", "missing", 0.2, _null("phone"), _col("phone")),
    Kind("phone", "new_number", 0.3, _new_phone, _col("phone")),
    Kind("address", "moved", 0.6, _moved, _ALWAYS),
    Kind("address", "typo", 0.25, _one("address", _address_typo), _col("address")),
    Kind("address", "missing", 0.15, _null("address"), _col("address")),
    Kind("gender", "flip", 0.7, _flip, _col("gender")),
    Kind("gender", "missing", 0.3, _null("gender"), _col("gender")),
)
"""Every modification kind, in a fixed order (its index is its code in the plan)."""


def kind_index(key: str) -> int:
    """Return the position in ``KINDS`` of ``field.name``.

    Example:
        >>> KINDS[kind_index("gender.flip")].name
        'flip'
    """
    for i, kind in enumerate(KINDS):
        if kind.key == key:
            return i
    raise KeyError(key)
