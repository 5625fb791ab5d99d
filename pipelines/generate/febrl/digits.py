"""Digit errors in fixed-width numbers (IDs, phones, ISO dates).

One digit mistyped or two adjacent digits transposed, as FEBRL makes them for its date,
phone and identifier fields.

Example:
    >>> import numpy as np, polars as pl
    >>> digit_transpose(pl.Series(["0912"]), np.random.default_rng(0), [2]).to_list()
    ['0921']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from pipelines.generate.febrl.typos import neighbour_key, substitute_at, transpose_at

__all__ = ["NEIGHBOUR_SHARE", "digit_transpose", "digit_typo"]

NEIGHBOUR_SHARE = 0.4
"""Share of digit typos that hit a neighbouring key (FEBRL's ``same_row``); the rest are any
other digit."""


def digit_typo(
    values: pl.Series, rng: np.random.Generator, positions: Sequence[int] | None = None
) -> pl.Series:
    """Return ``values`` with one digit replaced by another digit, at one of ``positions``.

    Without ``positions`` any character position may be hit (the values are all digits).

    Example:
        >>> import numpy as np, polars as pl
        >>> out = digit_typo(pl.Series(["001203012345"]), np.random.default_rng(0))[0]
        >>> sum(a != b for a, b in zip(out, "001203012345"))
        1
    """
    n = values.len()
    if positions is None:
        pos = pl.Series(np.floor(rng.random(n) * values.str.len_chars().fill_null(1).to_numpy()))
    else:
        pos = pl.Series(np.asarray(positions, dtype=np.int64)[rng.integers(0, len(positions), n)])
    frame = pl.DataFrame(
        {
            "v": values,
            "p": pos.cast(pl.Int64),
            "near": rng.random(n) < NEIGHBOUR_SHARE,
            "k": rng.random(n),
            "shift": rng.integers(1, 10, n),
        }
    )
    v, p = pl.col("v"), pl.col("p")
    old = v.str.slice(p, 1)
    other = ((old.cast(pl.Int64, strict=False) + pl.col("shift")) % 10).cast(pl.String)
    new = pl.when(pl.col("near")).then(neighbour_key(old, pl.col("k"))).otherwise(other)
    return frame.select(substitute_at(v, p, new).alias(values.name)).to_series()


def digit_transpose(
    values: pl.Series, rng: np.random.Generator, starts: Sequence[int] | None = None
) -> pl.Series:
    """Return ``values`` with two adjacent, different digits swapped.

    ``starts`` lists the allowed left positions of the pair (default: all); a value whose
    allowed pairs all hold equal digits is unchanged.

    Example:
        >>> import numpy as np, polars as pl
        >>> digit_transpose(pl.Series(["1950-04-16"]), np.random.default_rng(0), [8]).to_list()
        ['1950-04-61']
    """
    n = values.len()
    width = max(values.str.len_chars().drop_nulls().to_list(), default=0)
    allowed = list(range(max(width - 1, 0))) if starts is None else list(starts)
    frame = pl.DataFrame({"v": values, "r": rng.integers(0, 1 << 30, n)})
    v = pl.col("v")
    options = pl.concat_list(
        *(
            pl.when(
                (v.str.len_chars() > p + 1)
                & (v.str.slice(p, 1) != v.str.slice(p + 1, 1))
                & v.str.slice(p, 2).str.contains(r"^\d\d$")
            ).then(pl.lit(p, dtype=pl.Int64))
            for p in allowed
        )
    ).list.drop_nulls()
    pick = options.list.get(pl.col("r") % options.list.len().clip(lower_bound=1), null_on_oob=True)
    return frame.select(
        pl.when(pick.is_null()).then(v).otherwise(transpose_at(v, pick)).alias(values.name)
    ).to_series()
