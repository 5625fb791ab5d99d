"""Two small helpers every ``vn`` expression module shares.

Example:
    >>> import polars as pl
    >>> pl.DataFrame({"x": [1]}).select(named(as_expr("x") + 1, "x")).columns
    ['x']
"""

from __future__ import annotations

import polars as pl

__all__ = ["as_expr", "named"]


def as_expr(col: str | pl.Expr) -> pl.Expr:
    """Return ``col`` as an expression (a column name becomes ``pl.col(name)``)."""
    return pl.col(col) if isinstance(col, str) else col


def named(result: pl.Expr, col: str | pl.Expr) -> pl.Expr:
    """Give ``result`` the output name of ``col`` (unchanged when it has none)."""
    if isinstance(col, str):
        return result.alias(col)
    try:
        return result.alias(col.meta.output_name())
    except pl.exceptions.PolarsError:
        return result
