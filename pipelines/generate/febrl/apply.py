"""Apply a modification plan to the duplicates and log what really changed.

Slots are applied in order, content modifications first and encodings (no accents, NFD,
ETH look-alikes) last, so a later typo never lands inside a decomposed character; the log's
``slot`` numbers a record's changes in the order they were applied. A
modification that changed nothing (a transposition of two equal digits) is not logged; a
duplicate left with no change at all gets one keyboard substitution in its name, so every
duplicate differs from its original by 1..max modifications.

Example:
    >>> LOG_SCHEMA["kind"]
    String
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.generate.febrl.kinds import FIELD_COLUMNS, KINDS, Context, Kind, kind_index

__all__ = ["FALLBACK", "LOG_SCHEMA", "apply_plan", "field_text"]

LOG_SCHEMA = {
    "row": pl.Int64,
    "slot": pl.Int64,
    "field": pl.String,
    "kind": pl.String,
    "before": pl.String,
    "after": pl.String,
}
FALLBACK = "full_name.typo_substitute"
"""The modification given to a duplicate whose planned ones all changed nothing."""


def field_text(field: str) -> pl.Expr:
    """Return the logged text of a field: its value; the address with its ward and province.

    Example:
        >>> df = pl.DataFrame({"address": ["12 Lê Lợi"], "ward": ["Phường A"], "province": [None]})
        >>> df.select(field_text("address")).item()
        '12 Lê Lợi, Phường A'
    """
    if field == "address":
        return pl.concat_str("address", "ward", "province", separator=", ", ignore_nulls=True)
    return pl.col(FIELD_COLUMNS[field][0]).cast(pl.String)


def _apply_kind(
    frame: pl.DataFrame,
    rows: np.ndarray,
    kind: Kind,
    slot: int,
    rng: np.random.Generator,
    ctx: Context,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply ``kind`` to ``rows`` of ``frame``; return the new frame and the log of changes."""
    idx = pl.Series(rows, dtype=pl.Int64)
    sub = frame[idx]
    new = kind.apply(sub, rng, ctx)
    after = sub.with_columns(new)
    text = field_text(kind.field)
    log = pl.DataFrame(
        {
            "row": idx,
            "before": sub.select(text.alias("t"))["t"],
            "after": after.select(text.alias("t"))["t"],
        }
    ).filter(pl.col("before").ne_missing(pl.col("after")))
    log = log.select(
        "row",
        pl.lit(slot, dtype=pl.Int64).alias("slot"),
        pl.lit(kind.field).alias("field"),
        pl.lit(kind.name).alias("kind"),
        "before",
        "after",
    )
    columns = []
    for name in new.columns:
        column = frame[name].clone()
        column.scatter(idx, new[name].cast(column.dtype))
        columns.append(column)
    return frame.with_columns(columns), log


def apply_plan(
    frame: pl.DataFrame, plan: np.ndarray, rng: np.random.Generator, ctx: Context
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (duplicates after their modifications, log of the changes ``LOG_SCHEMA``).

    ``plan[i, j]`` is the kind (index into ``KINDS``) of slot ``j`` of duplicate ``i``.

    Example:
        >>> from pipelines.generate.addresses import load_units
        >>> from pipelines.generate.names import load_name_tables
        >>> df = pl.DataFrame({"full_name": ["Lê Văn An"], "gender": ["Nam"]})
        >>> plan = np.array([[kind_index("gender.flip")]])
        >>> ctx = Context(load_units(), load_name_tables())
        >>> out, log = apply_plan(df, plan, np.random.default_rng(0), ctx)
        >>> out["gender"].item(), log["kind"].to_list()
        ('Nữ', ['flip'])
    """
    logs = [pl.DataFrame(schema=LOG_SCHEMA)]
    for encoding in (False, True):
        for slot in range(plan.shape[1]):
            for code, kind in enumerate(KINDS):
                rows = np.nonzero(plan[:, slot] == code)[0]
                if kind.encoding != encoding or rows.size == 0:
                    continue
                frame, log = _apply_kind(frame, rows, kind, slot, rng, ctx)
                logs.append(log)
    changed = np.zeros(frame.height, dtype=bool)
    for log in logs:
        changed[log["row"].to_numpy()] = True
    if not changed.all():
        fallback = KINDS[kind_index(FALLBACK)]
        frame, log = _apply_kind(frame, np.nonzero(~changed)[0], fallback, plan.shape[1], rng, ctx)
        logs.append(log)
    # number each record's changes in the order they were applied: 0, 1, 2
    log = pl.concat([part.with_columns(step=pl.lit(i)) for i, part in enumerate(logs)])
    log = log.sort("row", "step").with_columns(
        slot=pl.int_range(pl.len(), dtype=pl.Int64).over("row")
    )
    return frame, log.drop("step")
