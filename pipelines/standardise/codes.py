"""Coded text fields: register status, insurance status, civil event type.

Raw values are matched on a folded key (lowercase, no accents, letters and digits only), so
``Đã mất``, ``da mat`` and ``ĐÃ MẤT`` all read as ``deceased``.

Example:
    >>> import polars as pl
    >>> df = pl.DataFrame({"s": ["còn sống", "ĐÃ MẤT", "alive", "??"]})
    >>> df.select(canonical_code("s", RESIDENT_STATUS))["s"].to_list()
    ['alive', 'deceased', 'alive', None]
"""

from __future__ import annotations

import polars as pl

from pipelines.vn.text import ascii_fold

__all__ = ["EVENT_TYPE", "INSURANCE_STATUS", "RESIDENT_STATUS", "canonical_code", "code_key"]


def code_key(col: str | pl.Expr) -> pl.Expr:
    """Return the folded matching key of a coded value (``"Đã mất"`` → ``"damat"``)."""
    e = pl.col(col) if isinstance(col, str) else col
    return ascii_fold(e.str.to_lowercase()).str.replace_all(r"[^a-z0-9]", "")


def _table(groups: dict[str, list[str]]) -> dict[str, str]:
    return {_fold(v): code for code, values in groups.items() for v in [code, *values]}


def _fold(value: str) -> str:
    return pl.select(code_key(pl.lit(value))).item()


RESIDENT_STATUS = _table(
    {
        "alive": ["còn sống", "sống", "living", "live", "active"],
        "deceased": ["đã mất", "đã chết", "chết", "mất", "dead", "died", "đã từ trần"],
    }
)
"""Register status → ``alive`` / ``deceased``."""

INSURANCE_STATUS = _table(
    {
        "active": ["đang tham gia", "đang đóng", "tham gia", "hoạt động"],
        "suspended": ["tạm dừng", "tạm ngừng", "tạm hoãn"],
        "closed": ["đã dừng", "dừng", "ngừng", "chấm dứt", "đã chốt"],
    }
)
"""BHXH participation status → ``active`` / ``suspended`` / ``closed``."""

EVENT_TYPE = _table(
    {
        "birth": ["khai sinh", "khai_sinh", "ks", "sinh"],
        "death": ["khai tử", "khai_tu", "kt", "tử", "chết"],
        "marriage": ["kết hôn", "ket_hon", "kh"],
    }
)
"""Civil event type → ``birth`` / ``death`` / ``marriage``."""


def canonical_code(col: str | pl.Expr, table: dict[str, str]) -> pl.Expr:
    """Return the canonical code of ``col`` through ``table`` (folded key → code), else null."""
    return code_key(col).replace_strict(table, default=None, return_dtype=pl.String)
