"""Comparison vectors: one Int8 agreement level per field for every candidate pair.

Consumes the ``records`` and ``pairs`` frames of ``CONTRACT.md`` and returns the
``comparisons`` frame: ``rid_l``, ``rid_r`` and one ``g_<field>`` column per comparison, where
``-1`` = no information (either side null: never "disagree"), ``0`` = disagree and ``1..k`` are
increasingly strong agreement levels. :data:`LEVELS` names every level (used by scoring for
``match_reason`` and recorded with the parameters).

All comparisons are symmetric (swapping the two sides gives the same levels) and vectorised:
names are compared once per *distinct* pair of canonical names (joined back on an integer
key), and Jaro-Winkler runs through ``rapidfuzz.process.cpdist`` with ``workers=-1`` only on
the distinct name pairs that no exact rule settled.

Names are compared in three fields, surname, middle and given name
(:mod:`pipelines.resolve.names`): a typo in one part leaves the others exact, and siblings
(same surname and middle, another given name) disagree where it matters.

Example:
    >>> import datetime as dt
    >>> rec = pl.DataFrame({
    ...     "rid": pl.Series([0, 1], dtype=pl.UInt32),
    ...     "full_name": ["Huỳnh Thị Thủy", "Hoàng Thị Thủy"],
    ...     "name_folded": ["huynh thi thuy", "hoang thi thuy"],
    ...     "name_tone_key": ["huỳnh thị thủy", "hoàng thị thủy"],
    ...     "name_phonetic": ["hoan thi thui", "hoan thi thui"],
    ...     "name_sorted": ["huynh thi thuy", "hoang thi thuy"],
    ...     "birth_date": [dt.date(1990, 5, 1), dt.date(1990, 1, 5)],
    ...     "birth_date_precision": ["day", "day"],
    ...     "personal_id": ["001190000123", "001190000132"]})
    >>> pairs = pl.DataFrame({"rid_l": [0], "rid_r": [1]}, schema={"rid_l": pl.UInt32,
    ...     "rid_r": pl.UInt32})
    >>> cmp = comparisons(rec, pairs)
    >>> cmp.select("g_surname", "g_given", "g_birth_date", "g_personal_id", "g_phone").row(0)
    (2, 5, 8, 1, -1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from pipelines.resolve.names import (
    PART_LEVELS,
    PART_TF,
    name_key_columns,
    name_part_levels,
    name_parts,
)
from pipelines.resolve.records import with_birth_parts
from pipelines.vn.names import name_key_folded

__all__ = [
    "FIELDS",
    "LEVELS",
    "NAME_KEYS",
    "NAME_TF",
    "SIDE_COLUMNS",
    "NameIndex",
    "comparisons",
    "name_index",
]

LEVELS: Final[dict[str, tuple[str, ...]]] = {
    **PART_LEVELS,
    "birth_date": (
        "differs",
        "year within 1",
        "same year, another day",
        "same year (a 1 January date)",
        "same year (a year-only date)",
        "same month (a 1st-of-month date)",
        "same month (a month-only date)",
        "one digit off",
        "day/month swapped",
        "exact, on a 1st or 1 January",
        "exact",
    ),
    "personal_id": ("differs", "one typo", "exact"),
    "legacy_id": ("differs", "one typo", "exact"),
    "insurance_code": ("differs", "one typo", "exact"),
    "phone": ("differs", "one typo", "exact"),
    "gender": ("differs", "same"),
    "household": (),  # filled below: parents × address, one field (they are not independent)
}
"""Level labels per field, indexed by level (0 = disagree). Column name = ``g_<field>``."""

_PARENTS: Final = {-1: ("parents unknown", 0.0), 0: ("parents differ", -2.0),
                   1: ("one parent agrees", 1.0), 2: ("both parents agree", 3.0)}  # fmt: skip
_ADDRESS: Final = {-1: ("address unknown", 0.0), 0: ("another province", -1.0),
                   1: ("same province", 0.5), 2: ("same ward", 2.0)}  # fmt: skip
_HOUSEHOLD: Final[list[tuple[int, int]]] = sorted(
    ((p, a) for p in _PARENTS for a in _ADDRESS if (p, a) != (-1, -1)),
    key=lambda pa: (_PARENTS[pa[0]][1] + _ADDRESS[pa[1]][1], pa),
)
"""Parents and address compared as one field: siblings share both, so counting them as
independent evidence (as Fellegi–Sunter would for two fields) makes a brother look like the
same person. Their levels are every (parents, address) outcome, weakest first; u and m are
learnt for each combination, so the dependence is in the numbers."""
LEVELS["household"] = tuple(f"{_PARENTS[p][0]}, {_ADDRESS[a][0]}" for p, a in _HOUSEHOLD)

FIELDS: Final[tuple[str, ...]] = tuple(LEVELS)
"""The comparison fields, in column order."""

NAME_TF: Final[dict[str, dict[str, str]]] = PART_TF
"""Per name field, the exact levels adjusted for term frequency and the records column whose
value the agreement is on."""

NAME_KEYS: Final[tuple[str, ...]] = ("name_tone_key", "name_folded", "name_phonetic")
"""The records' name keys the name fields are compared on (:func:`name_index`)."""

SIDE_COLUMNS: Final[tuple[str, ...]] = (  # besides the name keys, what a comparison reads
    "birth_digits",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_date_precision",
    "personal_id",
    "legacy_id",
    "insurance_code",
    "phone",
    "gender",
    "province_code",
    "ward_code",
    "father_folded",
    "mother_folded",
)


def _i8(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.Int8)


def _ensure(records: pl.DataFrame, cols: tuple[str, ...]) -> pl.DataFrame:
    """Derive name keys, parents' folded names and birth parts; add other missing columns."""
    if "name_tone_key" not in records.columns and "full_name" in records.columns:
        records = records.with_columns(name_key_columns(pl.col("full_name"), canonical=False))
    for key in ("name_tone_key", "name_folded", "name_phonetic"):
        if key not in records.columns:
            records = records.with_columns(pl.lit(None, dtype=pl.String).alias(key))
    for parent in ("father", "mother"):
        if f"{parent}_folded" not in records.columns and f"{parent}_name" in records.columns:
            records = records.with_columns(
                name_key_folded(f"{parent}_name").alias(f"{parent}_folded")
            )
    if "birth_digits" not in records.columns:
        if "birth_date" not in records.columns:
            records = records.with_columns(pl.lit(None, dtype=pl.Date).alias("birth_date"))
        records = with_birth_parts(records)
    missing = [c for c in cols if c not in records.columns]
    dtypes = {"birth_date": pl.Date}
    return records.with_columns(
        pl.lit(None, dtype=dtypes.get(c, pl.String)).alias(c) for c in missing
    )


def _positions(records: pl.DataFrame, rids: pl.Series) -> pl.Series:
    """Row positions in ``records`` of the given rids (identity when rid is 0..n-1 in order)."""
    rid = records["rid"].cast(pl.Int64)
    if rid.equals(pl.Series("rid", np.arange(records.height, dtype=np.int64))):
        return rids.cast(pl.UInt32)
    order = rid.arg_sort()
    return order.gather(rid.gather(order).search_sorted(rids.cast(pl.Int64)))


# --------------------------------------------------------------------------------------------
# names


@dataclass(frozen=True)
class NameIndex:
    """The distinct names of a records frame, split into parts once for every comparison.

    Attributes:
        nid: per record (row order of the records frame), its name's row in ``parts``
            (null: no name).
        parts: :func:`~pipelines.resolve.names.name_parts` of each distinct name.
    """

    nid: pl.Series
    parts: pl.DataFrame


def name_index(records: pl.DataFrame) -> NameIndex:
    """Return the :class:`NameIndex` of ``records`` (built once, used by every partition).

    Example:
        >>> rec = pl.DataFrame({"full_name": ["Lê An", "Lê An", None]})
        >>> index = name_index(rec)
        >>> index.nid.to_list(), index.parts.height
        ([0, 0, None], 1)
    """
    keys = list(NAME_KEYS)
    records = _ensure(records, ())
    names = (
        records.select(keys)
        .filter(pl.col("name_tone_key").is_not_null())
        .unique("name_tone_key", keep="first", maintain_order=True)
        .with_row_index("nid")
    )
    nid = (
        records.select("name_tone_key")
        .join(names.select("name_tone_key", "nid"), on="name_tone_key", how="left",
              maintain_order="left")
        .get_column("nid")
    )  # fmt: skip
    return NameIndex(nid, name_parts(names))


def _name_columns(index: NameIndex, pos_l: pl.Series, pos_r: pl.Series) -> pl.DataFrame:
    """``g_surname``, ``g_middle``, ``g_given`` for every pair, once per distinct name pair."""
    a, b = index.nid.gather(pos_l), index.nid.gather(pos_r)
    ids = pl.DataFrame({"a": a, "b": b}).select(
        pl.when(pl.col("a").is_not_null() & pl.col("b").is_not_null())
        .then(pl.min_horizontal("a", "b"))
        .alias("a"),
        pl.when(pl.col("a").is_not_null() & pl.col("b").is_not_null())
        .then(pl.max_horizontal("a", "b"))
        .alias("b"),
    )
    distinct = ids.drop_nulls().unique(maintain_order=True)
    levels = pl.concat([distinct, name_part_levels(index.parts, distinct)], how="horizontal")
    return ids.join(levels, on=["a", "b"], how="left", maintain_order="left").select(
        pl.col(f"g_{p}").fill_null(-1).cast(pl.Int8) for p in PART_LEVELS
    )


# --------------------------------------------------------------------------------------------
# codes and dates


def _damerau1(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    """Test that ``a``/``b`` (as ``width`` digits) differ by one substitution or adjacent swap.

    Example:
        >>> _damerau1(np.array([123, 123, 123]), np.array([124, 132, 321]), 3).tolist()
        [True, True, False]
    """
    # cheap filter: one substitution or adjacent swap changes the value by c·10^k, |c| ≤ 81
    c = np.abs(a - b)
    for _ in range(width):
        z = (c % 10 == 0) & (c > 0)
        if not z.any():
            break
        c = np.where(z, c // 10, c)
    keep = (c > 0) & (c <= 81)
    out = np.zeros(len(a), dtype=bool)
    if not keep.any():
        return out
    a, b = a[keep], b[keep]
    pow10 = 10 ** np.arange(width, dtype=np.int64)
    da = (a[:, None] // pow10) % 10
    db = (b[:, None] // pow10) % 10
    diff = da != db
    n_diff = diff.sum(axis=1)
    swap = (diff[:, :-1] & diff[:, 1:] & (da[:, :-1] == db[:, 1:]) & (da[:, 1:] == db[:, :-1])).any(
        axis=1
    )
    out[keep] = (n_diff == 1) | ((n_diff == 2) & swap)
    return out


def _typo_flag(a: pl.Series, b: pl.Series, width: int) -> pl.Series:
    """Damerau-1 flag for integer series (False where either is null)."""
    ok = (a.is_not_null() & b.is_not_null()).to_numpy()
    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(ok & (a != b).fill_null(False).to_numpy())
    if idx.size:
        out[idx] = _damerau1(a.gather(idx).to_numpy(), b.gather(idx).to_numpy(), width)
    return pl.Series(out)


def _code_level(wide: pl.DataFrame, col: str, width: int) -> pl.Series:
    """2 exact, 1 one digit substitution or adjacent transposition (same length, digits), 0."""
    a, b = pl.col(f"{col}_l"), pl.col(f"{col}_r")
    ints = wide.select(
        pl.when((a.str.len_chars() == b.str.len_chars()) & (a.str.len_chars() <= width))
        .then(a.str.to_integer(strict=False))
        .alias("a"),
        b.str.to_integer(strict=False).alias("b"),
    )
    typo = _typo_flag(ints["a"], ints["b"], width)
    return wide.select(
        _i8(
            pl.when(a.is_null() | b.is_null())
            .then(-1)
            .when(a == b)
            .then(2)
            .when(pl.lit(typo))
            .then(1)
            .otherwise(0)
        ).alias(f"g_{col}")
    ).to_series()


_PREC_RANK: Final[dict[str, int]] = {"day": 3, "month": 2, "year": 1}


def _written_precision(side: str) -> pl.Expr:
    return pl.col(f"birth_date_precision_{side}").replace_strict(
        _PREC_RANK, default=3, return_dtype=pl.Int8
    )


def _effective_precision(side: str) -> pl.Expr:
    """Return the precision rank (3 day, 2 month, 1 year) a birth date can be trusted to.

    A 1 January or a 1st of the month written as a full date is what systems store for an
    unknown day and month, or an unknown day (DOMAIN §8.1), so it counts as a year-only or a
    month-only date.
    """
    rank = _written_precision(side)
    day, month = pl.col(f"birth_day_{side}"), pl.col(f"birth_month_{side}")
    placeholder = (
        pl.when((rank == 3) & (day == 1) & (month == 1))
        .then(pl.lit(1, dtype=pl.Int8))
        .when((rank == 3) & (day == 1))
        .then(pl.lit(2, dtype=pl.Int8))
    )
    return pl.min_horizontal(rank, placeholder)


def _birth_level(wide: pl.DataFrame) -> pl.Series:
    """Birth-date level (:data:`LEVELS`), graded by what each date can tell.

    Dates are compared as written (``birth_digits``, ``YYYYMMDD``), so an impossible date
    (``1950-41-16``) still agrees with its correction by one digit; years, months and days
    outside the calendar count as unknown parts. A partial date — year or month only, or a
    1 January / 1st of the month, which systems store for an unknown day — agrees at the
    precision it has; a written partial date and a 1st that may stand for one are levels of
    their own (EM learns how often a 1st is a real birthday). First rule that holds: exact
    (a precise date; a 1st or 1 January), day/month swapped, same month (month-only date;
    a 1st), same year (year-only date; a 1 January), one digit off, same year, year within
    one, differs; ``-1`` when either date is unknown.
    """
    da, db = pl.col("birth_digits_l"), pl.col("birth_digits_r")
    ya, yb = pl.col("birth_year_l"), pl.col("birth_year_r")
    ma, mb = pl.col("birth_month_l"), pl.col("birth_month_r")
    dda, ddb = pl.col("birth_day_l"), pl.col("birth_day_r")
    raw_a = pl.col("birth_date_precision_l").fill_null("day") == "day"
    raw_b = pl.col("birth_date_precision_r").fill_null("day") == "day"
    prec = wide.select(
        _effective_precision("l").alias("a"),
        _effective_precision("r").alias("b"),
        _written_precision("l").alias("wa"),
        _written_precision("r").alias("wb"),
    )
    pmin = pl.min_horizontal(pl.lit(prec["a"]), pl.lit(prec["b"]))
    written = pl.min_horizontal(pl.lit(prec["wa"]), pl.lit(prec["wb"]))
    ints = wide.select(
        da.str.to_integer(strict=False).alias("a"), db.str.to_integer(strict=False).alias("b")
    )
    typo = _typo_flag(ints["a"], ints["b"], 8)
    same_year = (ya == yb).fill_null(False)
    same_month = same_year & (ma == mb).fill_null(False)
    swap = (
        raw_a & raw_b & same_year & (dda == mb).fill_null(False) & (ma == ddb).fill_null(False)
        & (dda != ma).fill_null(False)
    )  # fmt: skip
    expr = _i8(
        pl.when(da.is_null() | db.is_null())
        .then(-1)
        .when((da == db) & (pmin == 3))
        .then(10)
        .when((da == db) & raw_a & raw_b)
        .then(9)
        .when(swap)
        .then(8)
        .when((written == 2) & same_month)
        .then(6)
        .when((pmin == 2) & same_month)
        .then(5)
        .when((written == 1) & same_year)
        .then(4)
        .when((pmin == 1) & same_year)
        .then(3)
        .when(pl.lit(typo))
        .then(7)
        .when(same_year)
        .then(2)
        .when(((ya - yb).abs() == 1).fill_null(False))
        .then(1)
        .otherwise(0)
    ).alias("g_birth_date")
    return wide.select(expr).to_series()


def _exact_level(col: str, field: str) -> pl.Expr:
    a, b = pl.col(f"{col}_l"), pl.col(f"{col}_r")
    return _i8(pl.when(a.is_null() | b.is_null()).then(-1).when(a == b).then(1).otherwise(0)).alias(
        f"g_{field}"
    )


def _address_level() -> pl.Expr:
    wa, wb = pl.col("ward_code_l"), pl.col("ward_code_r")
    pa, pb = pl.col("province_code_l"), pl.col("province_code_r")
    wards = wa.is_not_null() & wb.is_not_null()
    provs = pa.is_not_null() & pb.is_not_null()
    return (
        pl.when(wards & (wa == wb))
        .then(2)
        .when(provs & (pa == pb))
        .then(1)
        .when(provs | wards)
        .then(0)
        .otherwise(-1)
    )


def _parents_level() -> pl.Expr:
    known = []
    agree = []
    for p in ("father_folded", "mother_folded"):
        a, b = pl.col(f"{p}_l"), pl.col(f"{p}_r")
        both = a.is_not_null() & b.is_not_null()
        known.append(both.cast(pl.Int8))
        agree.append((both & (a == b)).cast(pl.Int8))
    n_known, n_agree = pl.sum_horizontal(known), pl.sum_horizontal(agree)
    return (
        pl.when(n_known == 0)
        .then(-1)
        .when(n_agree == 2)
        .then(2)
        .when(n_agree == 1)
        .then(1)
        .otherwise(0)
    )


def _household_level() -> pl.Expr:
    """One level per (parents, address) outcome (:data:`_HOUSEHOLD`), -1 when both unknown."""
    code = (_parents_level() + 1) * 4 + (_address_level() + 1)
    mapping = {(p + 1) * 4 + (a + 1): i for i, (p, a) in enumerate(_HOUSEHOLD)}
    return _i8(code.replace_strict(mapping, default=-1, return_dtype=pl.Int8)).alias("g_household")


def comparisons(
    records: pl.DataFrame, pairs: pl.DataFrame, names: NameIndex | None = None
) -> pl.DataFrame:
    """Comparison levels for every candidate pair (``CONTRACT.md``: the comparisons frame).

    ``records`` needs ``rid`` and whichever contract columns exist (missing ones count as null,
    so their fields are all ``-1``); ``pairs`` needs ``rid_l``, ``rid_r``. Output keeps the pair
    order: ``rid_l``, ``rid_r``, then ``g_<field>`` (Int8) for every field of :data:`FIELDS`.
    ``names``: :func:`name_index` of the same ``records``, when comparing them in many parts.

    Example:
        >>> rec = pl.DataFrame({"rid": pl.Series([0, 1, 2], dtype=pl.UInt32),
        ...     "full_name": ["Nguyễn Văn An", "Nguyen Van An", None],
        ...     "phone": ["0912345678", "0912345678", "0987654321"]})
        >>> pairs = pl.DataFrame({"rid_l": [0, 0], "rid_r": [1, 2]},
        ...     schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32})
        >>> comparisons(rec, pairs).select("g_given", "g_phone").rows()
        [(5, 2), (-1, 0)]
    """
    records = _ensure(records, SIDE_COLUMNS)
    rid_l = pairs["rid_l"].cast(pl.UInt32)
    rid_r = pairs["rid_r"].cast(pl.UInt32)
    pos_l, pos_r = _positions(records, rid_l), _positions(records, rid_r)
    side = records.select(SIDE_COLUMNS)
    left = side[pos_l].select(pl.all().name.suffix("_l"))
    right = side[pos_r].select(pl.all().name.suffix("_r"))
    wide = pl.concat([left, right], how="horizontal")
    levels = wide.select(
        _exact_level("gender", "gender"),
        _household_level(),
    )
    names_levels = _name_columns(names or name_index(records), pos_l, pos_r)
    head = pl.DataFrame(
        {
            "rid_l": rid_l,
            "rid_r": rid_r,
            "g_birth_date": _birth_level(wide),
            "g_personal_id": _code_level(wide, "personal_id", 12),
            "g_legacy_id": _code_level(wide, "legacy_id", 12),
            "g_insurance_code": _code_level(wide, "insurance_code", 10),
            "g_phone": _code_level(wide, "phone", 11),
        }
    )
    return pl.concat([head, names_levels, levels], how="horizontal").select(
        "rid_l", "rid_r", *[f"g_{f}" for f in FIELDS]
    )
