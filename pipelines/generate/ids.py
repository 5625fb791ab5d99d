"""Personal ID numbers (12 digits), legacy 9-digit CMND and 10-digit BHXH codes.

``digit4 = (year // 100 - 19) * 2 + female`` and digits 5–6 = year % 100 (DOMAIN §1.1).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.generate.provinces import PREFIXES, prefix_weights
from pipelines.generate.sampling import choice

__all__ = [
    "PREFIX_CODES",
    "draw_birth_prefix",
    "id_text",
    "personal_ids",
    "unique_random",
]

PREFIX_CODES: tuple[int, ...] = tuple(p[0] for p in PREFIXES)


def draw_birth_prefix(
    rng: np.random.Generator, province_code: np.ndarray, migrant_share: float = 0.15
) -> np.ndarray:
    """Return an ID prefix (birth-registration province) per person.

    Most people were born in one of the old provinces that form their current province; a
    ``migrant_share`` were born anywhere (weighted by population).

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> int(draw_birth_prefix(rng, np.array(["79"]), 0.0)[0]) in (74, 77, 79)
        True
    """
    n = len(province_code)
    weights = prefix_weights()
    codes = np.array(PREFIX_CODES, dtype=np.int64)
    out = codes[choice(rng, weights, n)]
    new_codes = np.array([p[2] for p in PREFIXES])
    local = rng.random(n) >= migrant_share
    for code in np.unique(new_codes):
        members = new_codes == code
        rows = np.nonzero(local & (province_code == code))[0]
        if len(rows):
            out[rows] = codes[members][choice(rng, weights[members], len(rows))]
    return out


def unique_random(rng: np.random.Generator, base: np.ndarray, span: int) -> np.ndarray:
    """Return ``base + r`` with ``0 <= r < span`` random and all results distinct.

    Example:
        >>> import numpy as np
        >>> v = unique_random(np.random.default_rng(0), np.zeros(50, dtype=np.int64), 100)
        >>> len(set(v.tolist()))
        50
    """
    values = base + rng.integers(0, span, len(base))
    for _ in range(100):
        _, first, counts = np.unique(values, return_index=True, return_counts=True)
        dup = np.ones(len(values), dtype=bool)
        dup[first] = False
        if not dup.any() and counts.max(initial=1) == 1:
            return values
        rows = np.nonzero(dup)[0]
        values[rows] = base[rows] + rng.integers(0, span, len(rows))
    raise RuntimeError("could not draw unique numbers: span too small")


def personal_ids(
    rng: np.random.Generator, prefix: np.ndarray, year: np.ndarray, female: np.ndarray
) -> np.ndarray:
    """Return unique 12-digit personal IDs as int64 (format with :func:`id_text`).

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> v = personal_ids(rng, np.array([1]), np.array([1987]), np.array([True]))
        >>> str(int(v[0])).zfill(12)[:6]
        '001187'
    """
    digit4 = (year // 100 - 19) * 2 + female.astype(np.int64)
    base = prefix * 10**9 + digit4 * 10**8 + (year % 100) * 10**6
    return unique_random(rng, base.astype(np.int64), 10**6)


def id_text(expr: pl.Expr, width: int = 12) -> pl.Expr:
    """Return an integer ID column as zero-padded text.

    Example:
        >>> import polars as pl
        >>> pl.select(id_text(pl.lit(1187123456))).item()
        '001187123456'
    """
    return expr.cast(pl.String).str.zfill(width)
