"""Phone numbers: current mobiles, their raw written forms, legacy and landline numbers.

Legacy 11-digit mobiles follow the 2018 conversion (DOMAIN §3.1); landlines are 11 digits
with the post-2017 area codes (DOMAIN §3.3).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.generate.provinces import AREA_CODE
from pipelines.generate.sampling import choice, gather

__all__ = ["LEGACY_OF", "draw_mobiles", "landline", "legacy_form", "phone_text"]

# current 3-digit prefix -> carrier weight (Viettel ≈ 50 %, VinaPhone ≈ 25 %, MobiFone ≈ 20 %)
_PREFIXES: dict[str, float] = {
    **{p: 5.0 for p in ("086", "096", "097", "098")},
    **{f"03{d}": 3.0 for d in range(2, 10)},
    **{p: 4.0 for p in ("088", "091", "094")},
    **{f"08{d}": 1.5 for d in range(1, 6)},
    **{p: 4.0 for p in ("089", "090", "093")},
    **{p: 1.2 for p in ("070", "076", "077", "078", "079")},
    **{p: 0.8 for p in ("092", "056", "058", "099", "059")},
}

# current prefix -> the 4-digit 11-digit-era prefix it replaced (DOMAIN §3.1)
LEGACY_OF: dict[str, str] = {
    **{f"03{d}": f"016{d}" for d in range(2, 10)},
    "070": "0120",
    "079": "0121",
    "077": "0122",
    "076": "0126",
    "078": "0128",
    "083": "0123",
    "084": "0124",
    "085": "0125",
    "081": "0127",
    "082": "0129",
    "056": "0186",
    "058": "0188",
    "059": "0199",
}


def draw_mobiles(rng: np.random.Generator, n: int) -> pl.Series:
    """Return ``n`` canonical 10-digit mobile numbers such as ``0912345678``.

    Example:
        >>> import numpy as np
        >>> draw_mobiles(np.random.default_rng(0), 3).str.len_chars().to_list()
        [10, 10, 10]
    """
    prefix = gather(list(_PREFIXES), choice(rng, list(_PREFIXES.values()), n))
    rest = pl.Series(rng.integers(0, 10**7, n)).cast(pl.String).str.zfill(7)
    return (prefix + rest).alias("phone")


def legacy_form(phone: pl.Expr) -> pl.Expr:
    """Return the pre-2018 11-digit form of a mobile, or null if its prefix never changed.

    Example:
        >>> import polars as pl
        >>> pl.select(legacy_form(pl.lit("0388123456"))).item()
        '01688123456'
    """
    old = phone.str.slice(0, 3).replace_strict(LEGACY_OF, default=None, return_dtype=pl.String)
    return pl.concat_str(old, phone.str.slice(3))


def landline(rng: np.random.Generator, province_code: pl.Series) -> pl.Series:
    """Return an 11-digit landline in the area of each current province, e.g. ``02838291234``.

    Example:
        >>> import numpy as np, polars as pl
        >>> landline(np.random.default_rng(0), pl.Series(["79"]))[0][:3]
        '028'
    """
    area = province_code.replace_strict(AREA_CODE, default="24", return_dtype=pl.String)
    local = pl.Series(rng.integers(2 * 10**7, 10**8 - 1, len(province_code))).cast(pl.String)
    frame = pl.DataFrame({"area": area, "local": local})
    return frame.select(
        pl.concat_str(
            pl.lit("0"), "area", pl.col("local").str.slice(0, 10 - pl.col("area").str.len_chars())
        )
    ).to_series()


def phone_text(phone: pl.Expr, variant: pl.Expr) -> pl.Expr:
    """Return a canonical 10-digit mobile written in a raw form chosen by ``variant``.

    0 ``0912345678``, 1 ``0912 345 678``, 2 ``+84 912 345 678``, 3 ``84912345678``,
    4 ``+84912345678``, 5 ``091.234.5678``.

    Example:
        >>> import polars as pl
        >>> pl.select(phone_text(pl.lit("0912345678"), pl.lit(2))).item()
        '+84 912 345 678'
    """
    a, b, c = phone.str.slice(1, 3), phone.str.slice(4, 3), phone.str.slice(7, 3)
    return (
        pl.when(variant == 1)
        .then(pl.concat_str(phone.str.slice(0, 4), b, c, separator=" "))
        .when(variant == 2)
        .then(pl.concat_str(pl.lit("+84"), a, b, c, separator=" "))
        .when(variant == 3)
        .then(pl.concat_str(pl.lit("84"), phone.str.slice(1)))
        .when(variant == 4)
        .then(pl.concat_str(pl.lit("+84"), phone.str.slice(1)))
        .when(variant == 5)
        .then(
            pl.concat_str(
                phone.str.slice(0, 3), phone.str.slice(3, 3), phone.str.slice(6), separator="."
            )
        )
        .otherwise(phone)
    )
