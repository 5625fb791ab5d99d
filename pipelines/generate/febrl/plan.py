"""How many duplicates each person gets, and which modifications each duplicate gets.

As in FEBRL (Christen 2005): a share of the originals get duplicates, their number drawn
from a uniform, Poisson or Zipf distribution over 1..max; each duplicate gets a number of
modifications drawn uniformly from 1..max per record, each one on a field drawn by the field
weights (a field already modified the most times allowed is not drawn again), then a kind of
that field drawn by the kind weights among the kinds that can change the value.

Example:
    >>> duplicate_shares("uniform", 2).tolist()
    [0.5, 0.5]
"""

from __future__ import annotations

from math import exp, factorial

import numpy as np
import polars as pl

from pipelines.config import FebrlConfig
from pipelines.generate.febrl.kinds import FIELDS, KINDS
from pipelines.generate.sampling import choice

__all__ = ["NO_KIND", "duplicate_counts", "duplicate_shares", "modification_plan"]

NO_KIND = -1
"""Plan code of an unused modification slot."""
_POISSON_MEAN = 1.0  # of (duplicates - 1); FEBRL's Poisson of duplicates per original
_ZIPF_EXPONENT = 2.0


def duplicate_shares(distribution: str, max_duplicates: int) -> np.ndarray:
    """Return P(k duplicates) for k = 1..max under ``uniform``, ``poisson`` or ``zipf``.

    Poisson: k - 1 ~ Poisson(1) truncated; Zipf: P(k) ∝ 1 / k².

    Example:
        >>> [round(float(p), 3) for p in duplicate_shares("zipf", 3)]
        [0.735, 0.184, 0.082]
    """
    k = np.arange(1, max_duplicates + 1)
    if distribution == "uniform":
        w = np.ones(max_duplicates)
    elif distribution == "poisson":
        w = np.array([exp(-_POISSON_MEAN) * _POISSON_MEAN ** (i - 1) / factorial(i - 1) for i in k])
    elif distribution == "zipf":
        w = 1.0 / k.astype(np.float64) ** _ZIPF_EXPONENT
    else:
        raise ValueError(f"unknown distribution {distribution!r}")
    return w / w.sum()


def duplicate_counts(rng: np.random.Generator, n: int, cfg: FebrlConfig) -> np.ndarray:
    """Return the number of duplicate records of each of ``n`` people (0 for most).

    Example:
        >>> c = duplicate_counts(np.random.default_rng(0), 1000, FebrlConfig(max_duplicates=2))
        >>> int(c.max()) <= 2, bool(0.15 < (c > 0).mean() < 0.35)
        (True, True)
    """
    has = rng.random(n) < cfg.duplicate_share
    k = 1 + choice(rng, duplicate_shares(cfg.distribution, cfg.max_duplicates), n)
    return np.where(has, k, 0)


def _draw_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """Return one column index per row drawn by the row's weights; -1 where all are 0.

    A column of weight 0 is never drawn, even when rounding puts the draw at the very end
    of the row's total (a tiny weight, 5e-324, makes ``u * total`` equal to ``total``).

    Example:
        >>> w = np.array([[0.0, 5e-324, 0.0], [0.0, 0.0, 0.0]])
        >>> _draw_rows(np.random.default_rng(1), w).tolist()
        [1, -1]
    """
    total = weights.sum(axis=1)
    cdf = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * total
    pick = (cdf <= u[:, None]).sum(axis=1)
    last = weights.shape[1] - 1 - np.argmax(weights[:, ::-1] > 0, axis=1)  # last drawable
    return np.where(total > 0, np.minimum(pick, last), -1)


def modification_plan(rng: np.random.Generator, dups: pl.DataFrame, cfg: FebrlConfig) -> np.ndarray:
    """Return the planned kind (index into ``KINDS``) per duplicate and slot, ``NO_KIND`` unused.

    ``dups`` holds the duplicates' original values (the working-frame columns); the result
    has one row per duplicate and ``max_modifications_per_record`` columns.

    Example:
        >>> from pipelines.generate.febrl.kinds import kind_index
        >>> empty = ("birth", "personal_id", "phone", "address", "gender")
        >>> df = pl.DataFrame({"full_name": ["Lê An"]}).with_columns(
        ...     pl.lit(None, dtype=pl.String).alias(c) for c in empty)
        >>> p = modification_plan(np.random.default_rng(0), df, FebrlConfig())
        >>> all(KINDS[k].field in ("full_name", "address") for k in p[0] if k >= 0)
        True
    """
    m, slots = dups.height, cfg.max_modifications_per_record
    applicable = (
        dups.select(*(k.applies().fill_null(False).alias(str(i)) for i, k in enumerate(KINDS)))
        .to_numpy()
        .astype(bool)
        .reshape(m, len(KINDS))
    )
    kind_w = np.array([k.weight for k in KINDS]) * applicable
    kind_field = np.array([FIELDS.index(k.field) for k in KINDS])
    field_w = np.array([getattr(cfg.field_weights, f) for f in FIELDS], dtype=np.float64)
    field_open = np.stack(
        [kind_w[:, kind_field == f].sum(axis=1) > 0 for f in range(len(FIELDS))], 1
    )
    wanted = rng.integers(1, slots + 1, m)
    used = np.zeros((m, len(FIELDS)), dtype=np.int64)
    plan = np.full((m, slots), NO_KIND, dtype=np.int64)
    for j in range(slots):
        fw = field_w * field_open * (used < cfg.max_modifications_per_field) * (j < wanted)[:, None]
        field = _draw_rows(rng, fw)
        rows = np.nonzero(field >= 0)[0]
        used[rows, field[rows]] += 1
        kw = kind_w[rows] * (kind_field[None, :] == field[rows, None])
        plan[rows, j] = _draw_rows(rng, kw)
    return plan
