"""Current (post-July-2025) and pre-2025 administrative units, from vietnamadminunits.

The package's SQLite dataset and its old→new converter are read once per run; nothing is
cached on disk. Legacy addresses are drawn only among old wards that were merged whole into
the person's current ward, so the legacy form always maps back to the truth unit.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass

import numpy as np
import polars as pl
import vietnamadminunits

from pipelines.generate.provinces import new_province_weights
from pipelines.generate.sampling import choice, gather, pick

__all__ = ["Units", "draw_wards", "house_address", "load_units", "province_text", "ward_text"]

_STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Lê Duẩn",
    "Nguyễn Huệ",
    "Quang Trung",
    "Hùng Vương",
    "Trần Phú",
    "Điện Biên Phủ",
    "Phan Chu Trinh",
    "Phan Bội Châu",
    "Nguyễn Du",
    "Lê Lai",
    "Ngô Quyền",
    "Lý Tự Trọng",
    "Võ Thị Sáu",
    "Nguyễn Văn Cừ",
    "Cách Mạng Tháng Tám",
    "Nguyễn Thị Minh Khai",
    "Bà Triệu",
    "Lê Thánh Tông",
    "Trần Quốc Toản",
    "Hoàng Diệu",
    "Nguyễn Chí Thanh",
    "Phạm Văn Đồng",
    "Võ Văn Kiệt",
    "Lạc Long Quân",
    "Âu Cơ",
    "Tôn Đức Thắng",
    "Nguyễn Đình Chiểu",
    "Pasteur",
    "Yersin",
    "Trường Chinh",
    "Lê Hồng Phong",
    "Chu Văn An",
    "Kim Mã",
    "Giải Phóng",
    "Láng Hạ",
)
_HAMLET_NORTH = ("Thôn", "Xóm", "Tổ dân phố", "Bản")
_HAMLET_SOUTH = ("Ấp", "Khóm", "Tổ")


@dataclass(frozen=True)
class Units:
    """Current wards and the legacy wards that map into each of them."""

    wards: pl.DataFrame
    """One row per current ward, row index = ward index: province_code, ward_code, province,
    province_short, ward, ward_short, ward_type, weight."""
    legacy: pl.DataFrame
    """Legacy wards sorted by ``ward_idx`` (their current ward): province, province_short,
    district, district_short, district_type, ward, ward_short, ward_type."""
    legacy_start: np.ndarray
    legacy_count: np.ndarray


def load_units() -> Units:
    """Read the current and legacy unit tables and build the old→new crosswalk.

    Example:
        >>> units = load_units()
        >>> units.wards.height
        3321
    """
    folder = os.path.join(os.path.dirname(vietnamadminunits.__file__), "data")
    con = sqlite3.connect(os.path.join(folder, "dataset.db"))
    try:
        new = pl.read_database(
            "SELECT provinceCode AS province_code, wardCode AS ward_code, province, "
            "provinceShort AS province_short, ward, wardShort AS ward_short, "
            "wardType AS ward_type, provinceKey AS pk, wardKey AS wk FROM admin_units "
            "ORDER BY wardCode",
            con,
        )
        old = pl.read_database(
            "SELECT provinceKey AS pk, districtKey AS dk, wardKey AS wk, province, "
            "provinceShort AS province_short, district, districtShort AS district_short, "
            "districtType AS district_type, ward, wardShort AS ward_short, wardType AS ward_type "
            "FROM admin_units_legacy WHERE ward IS NOT NULL",
            con,
        )
    finally:
        con.close()
    with open(os.path.join(folder, "converter_2025.json"), encoding="utf-8") as fh:
        whole = json.load(fh)["DICT_PROVINCE_WARD_NO_DIVIDED"]
    rows = [
        (pk, wk, lk) for pk, wards in whole.items() for wk, keys in wards.items() for lk in keys
    ]
    cross = pl.DataFrame(rows, schema=["pk", "wk", "lk"], orient="row")
    new = new.with_row_index("ward_idx")
    pop = new_province_weights()
    type_w = {"Phường": 3.0, "Xã": 1.0, "Đặc khu": 0.3}
    new = new.with_columns(
        tw=pl.col("ward_type").replace_strict(type_w, default=1.0, return_dtype=pl.Float64)
    ).with_columns(
        weight=pl.col("tw")
        / pl.col("tw").sum().over("province_code")
        * pl.col("province_code").replace_strict(pop, default=0.5, return_dtype=pl.Float64)
    )
    old = old.with_columns(lk=pl.concat_str("pk", "dk", "wk", separator="_"))
    legacy = (
        cross.join(new.select("pk", "wk", "ward_idx"), on=["pk", "wk"], how="inner")
        .join(old.drop("pk", "wk", "dk"), on="lk", how="inner")
        .sort("ward_idx", "lk")
        .drop("pk", "wk", "lk")
    )
    counts = np.zeros(new.height, dtype=np.int64)
    idx, cnt = np.unique(legacy["ward_idx"].to_numpy(), return_counts=True)
    counts[idx] = cnt
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    wards = new.select(
        "province_code",
        "ward_code",
        "province",
        "province_short",
        "ward",
        "ward_short",
        "ward_type",
        "weight",
    )
    return Units(wards=wards, legacy=legacy, legacy_start=start, legacy_count=counts)


def draw_wards(rng: np.random.Generator, units: Units, n: int) -> np.ndarray:
    """Return ``n`` current-ward indices, weighted by province population and ward type.

    Example:
        >>> import numpy as np
        >>> draw_wards(np.random.default_rng(1), load_units(), 4).shape
        (4,)
    """
    return choice(rng, units.wards["weight"].to_numpy(), n)


def draw_legacy(rng: np.random.Generator, units: Units, ward_idx: np.ndarray) -> np.ndarray:
    """Return a legacy-ward row per current ward (-1 where the ward has no whole old ward).

    Example:
        >>> import numpy as np
        >>> u = load_units()
        >>> int(draw_legacy(np.random.default_rng(0), u, np.array([0]))[0]) >= 0
        True
    """
    cnt = units.legacy_count[ward_idx]
    off = np.floor(rng.random(len(ward_idx)) * np.maximum(cnt, 1)).astype(np.int64)
    return np.where(cnt > 0, units.legacy_start[ward_idx] + off, -1)


def ward_text(full: pl.Expr, short: pl.Expr, kind: pl.Expr, variant: pl.Expr) -> pl.Expr:
    """Return a ward written as a register clerk would: full, abbreviated or bare name.

    ``variant``: 0 full (``Phường Bến Nghé``), 1 abbreviated (``P. Bến Nghé``), 2 bare name.

    Example:
        >>> import polars as pl
        >>> full, short = pl.lit("Phường Bến Nghé"), pl.lit("Bến Nghé")
        >>> e = ward_text(full, short, pl.lit("Phường"), pl.lit(1))
        >>> pl.select(e).item()
        'P. Bến Nghé'
    """
    abbrev = kind.replace_strict(
        {"Phường": "P.", "Xã": "X.", "Thị trấn": "TT."}, default=None, return_dtype=pl.String
    )
    numeric = short.str.contains(r"^\d")
    return (
        pl.when((variant == 1) & abbrev.is_not_null())
        .then(pl.concat_str(abbrev, short, separator=" "))
        .when((variant == 2) & ~numeric)
        .then(short)
        .otherwise(full)
    )


def province_text(full: pl.Expr, short: pl.Expr, variant: pl.Expr) -> pl.Expr:
    """Return a province written in one of several forms (full, bare, ``TP.``, acronyms).

    ``variant``: 0 full, 1 bare name, 2 ``TP. X`` for cities, 3 ``TP HCM``/``HN``-style.

    Example:
        >>> import polars as pl
        >>> e = province_text(pl.lit("Thành phố Hồ Chí Minh"), pl.lit("Hồ Chí Minh"), pl.lit(3))
        >>> pl.select(e).item()
        'TP HCM'
    """
    city = full.str.starts_with("Thành phố")
    acronym = short.replace_strict(
        {"Hồ Chí Minh": "TP HCM", "Hà Nội": "HN", "Đà Nẵng": "TP Đà Nẵng"},
        default=None,
        return_dtype=pl.String,
    )
    return (
        pl.when(variant == 1)
        .then(short)
        .when((variant == 2) & city)
        .then(pl.concat_str(pl.lit("TP."), short, separator=" "))
        .when((variant == 3) & acronym.is_not_null())
        .then(acronym)
        .otherwise(full)
    )


def house_address(
    rng: np.random.Generator, n: int, ward_type: pl.Series, south: np.ndarray
) -> pl.Series:
    """Return house-number-and-street (urban) or hamlet (rural) lines, e.g. ``12 Lê Lợi``.

    Example:
        >>> import numpy as np, polars as pl
        >>> rng = np.random.default_rng(0)
        >>> s = house_address(rng, 2, pl.Series(["Xã", "Xã"]), np.array([1, 1]))
        >>> s.str.contains("Ấp|Khóm|Tổ").all()
        True
    """
    street = gather(_STREETS, rng.integers(0, len(_STREETS), n))
    north_h = gather(_HAMLET_NORTH, pick(rng, [0.55, 0.3, 0.1, 0.05], n))
    south_h = gather(_HAMLET_SOUTH, pick(rng, [0.7, 0.15, 0.15], n))
    frame = pl.DataFrame(
        {
            "street": street,
            "num": rng.integers(1, 400, n),
            "alley": rng.integers(1, 120, n),
            "form": pick(rng, [0.55, 0.25, 0.2], n),
            "hamlet": pl.Series(np.where(south.astype(bool), south_h, north_h)),
            "hnum": rng.integers(1, 25, n),
            "urban": ward_type.ne("Xã"),
        }
    )
    num = pl.col("num").cast(pl.String)
    urban = (
        pl.when(pl.col("form") == 0)
        .then(pl.concat_str(num, pl.col("street"), separator=" "))
        .when(pl.col("form") == 1)
        .then(pl.concat_str(pl.lit("Số"), num, pl.col("street"), separator=" "))
        .otherwise(
            pl.concat_str(
                num, pl.lit("/"), pl.col("alley").cast(pl.String), pl.lit(" "), pl.col("street")
            )
        )
    )
    rural = pl.concat_str(pl.col("hamlet"), pl.col("hnum").cast(pl.String), separator=" ")
    return frame.select(
        pl.when(pl.col("urban")).then(urban).otherwise(rural).alias("address")
    ).to_series()
