"""Vietnamese names: surname, gendered middle name(s) and given name from weighted lists.

The lists in ``data/`` are hand-written (common real names, old tone-placement style such as
``Hòa``, ``Thúy``). Token counts follow DOMAIN §5.2: 3 tokens ≈ 66 %, 4 ≈ 32 %, 2 ≈ 2 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.generate.sampling import choice, gather

__all__ = ["NameList", "NameTables", "draw_names", "full_name", "load_name_tables"]

_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class NameList:
    """Names and their sampling weights."""

    names: pl.Series
    weights: np.ndarray

    def draw(self, rng: np.random.Generator, n: int) -> pl.Series:
        """Return ``n`` names drawn by weight.

        Example:
            >>> import numpy as np
            >>> load_name_tables().surnames.draw(np.random.default_rng(0), 2).len()
            2
        """
        return gather(self.names, choice(rng, self.weights, n))


@dataclass(frozen=True)
class NameTables:
    """All name lists of the generator."""

    surnames: NameList
    middle_male: NameList
    middle_female: NameList
    given_male: NameList
    given_female: NameList
    ethnicity: dict[str, NameList]
    """Ethnic-group weights per region (``mountain``, ``highlands``, ``mekong``, ``other``)."""


def _load(stem: str) -> NameList:
    frame = pl.read_csv(_DATA / f"{stem}.csv", schema={"name": pl.String, "weight": pl.Float64})
    return NameList(names=frame["name"], weights=frame["weight"].to_numpy())


def _load_regions(stem: str) -> dict[str, NameList]:
    frame = pl.read_csv(
        _DATA / f"{stem}.csv",
        schema={"region": pl.String, "name": pl.String, "weight": pl.Float64},
    )
    out: dict[str, NameList] = {}
    for key, part in sorted(frame.partition_by("region", as_dict=True).items()):
        out[str(key[0])] = NameList(names=part["name"], weights=part["weight"].to_numpy())
    return out


def load_name_tables() -> NameTables:
    """Read the committed name lists.

    Example:
        >>> load_name_tables().surnames.names[0]
        'Nguyễn'
    """
    return NameTables(
        surnames=_load("surnames"),
        middle_male=_load("middle_male"),
        middle_female=_load("middle_female"),
        given_male=_load("given_male"),
        given_female=_load("given_female"),
        ethnicity=_load_regions("ethnicity"),
    )


def _by_gender(
    rng: np.random.Generator, female: np.ndarray, male: NameList, fem: NameList
) -> pl.Series:
    n = len(female)
    f, m = fem.draw(rng, n), male.draw(rng, n)
    return pl.select(pl.when(pl.lit(pl.Series(female))).then(f).otherwise(m)).to_series()


def draw_names(rng: np.random.Generator, tables: NameTables, female: np.ndarray) -> pl.DataFrame:
    """Return ``middle`` (may be empty) and ``given`` names for people of the given genders.

    The surname is chosen by the caller (children take the father's).

    Example:
        >>> import numpy as np
        >>> t = load_name_tables()
        >>> draw_names(np.random.default_rng(0), t, np.array([True, False])).columns
        ['middle', 'given']
    """
    n = len(female)
    first = _by_gender(rng, female, tables.middle_male, tables.middle_female)
    second = _by_gender(rng, female, tables.given_male, tables.given_female)
    given = _by_gender(rng, female, tables.given_male, tables.given_female)
    tokens = choice(rng, [0.02, 0.67, 0.31], n)
    frame = pl.DataFrame({"first": first, "second": second, "given": given, "tokens": tokens})
    return frame.select(
        pl.when(pl.col("tokens") == 0)
        .then(pl.lit(""))
        .when((pl.col("tokens") == 2) & (pl.col("second") != pl.col("given")))
        .then(pl.concat_str("first", "second", separator=" "))
        .otherwise(pl.col("first"))
        .alias("middle"),
        pl.col("given"),
    )


def full_name(surname: pl.Expr, middle: pl.Expr, given: pl.Expr) -> pl.Expr:
    """Return ``surname middle given`` with single spaces (an empty middle is skipped).

    Example:
        >>> import polars as pl
        >>> pl.select(full_name(pl.lit("Lê"), pl.lit(""), pl.lit("Hòa"))).item()
        'Lê Hòa'
    """
    mid = pl.when(middle == "").then(None).otherwise(middle)
    return pl.concat_str(surname, mid, given, separator=" ", ignore_nulls=True)
