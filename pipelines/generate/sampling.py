"""Small vectorised sampling helpers shared by the generator modules."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

__all__ = ["choice", "gather", "pick", "zfill"]


def choice(
    rng: np.random.Generator, weights: Sequence[float] | np.ndarray, size: int
) -> np.ndarray:
    """Return ``size`` indices drawn with probability proportional to ``weights``.

    Example:
        >>> import numpy as np
        >>> choice(np.random.default_rng(0), [0.0, 1.0], 3).tolist()
        [1, 1, 1]
    """
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    cdf /= cdf[-1]
    idx = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(idx, len(cdf) - 1).astype(np.int64)


def gather(values: Sequence[str] | pl.Series, idx: np.ndarray, name: str = "") -> pl.Series:
    """Return the strings ``values[idx]`` as a polars Series (done in Rust, not Python).

    Example:
        >>> import numpy as np
        >>> gather(["a", "b"], np.array([1, 0, 1])).to_list()
        ['b', 'a', 'b']
    """
    series = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    return series.gather(pl.Series(idx, dtype=pl.Int64)).alias(name)


def pick(rng: np.random.Generator, shares: Sequence[float], size: int) -> np.ndarray:
    """Return a category code 0..len(shares)-1 per row, with the given shares.

    Example:
        >>> import numpy as np
        >>> pick(np.random.default_rng(0), [1.0, 0.0], 2).tolist()
        [0, 0]
    """
    return choice(rng, shares, size)


def zfill(expr: pl.Expr, width: int) -> pl.Expr:
    """Return ``expr`` (an integer column) as text left-padded with zeros to ``width``.

    Example:
        >>> import polars as pl
        >>> pl.select(zfill(pl.lit(7), 3)).item()
        '007'
    """
    return expr.cast(pl.String).str.zfill(width)
