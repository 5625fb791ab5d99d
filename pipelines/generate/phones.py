"""Phone numbers: current mobiles, their raw written forms, legacy and landline numbers.

Legacy 11-digit mobiles follow the 2018 conversion (DOMAIN §3.1); landlines are 11 digits
with the post-2017 area codes (DOMAIN §3.3).

Every number meant to be valid passes ``phonenumbers.is_valid_number``: libphonenumber accepts
only some blocks of a prefix (``089[6-9]``, ``099[013-9]``, Hà Nội ``024[2-8]``), so the allowed
leading blocks are derived once per process from ``phonenumbers`` itself (a few sample numbers
per 1- or 2-digit block after each prefix), never hard-coded.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import phonenumbers
import polars as pl

from pipelines.generate.provinces import AREA_CODE
from pipelines.generate.sampling import choice, gather

__all__ = ["LEGACY_OF", "draw_mobiles", "landline", "legacy_form", "phone_text", "valid_blocks"]

_DEFAULT_AREA = "24"  # Hà Nội, for a province without an area code

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


_MOBILE_LEN = 10
_LANDLINE_LEN = 11
_SAMPLE_TAIL = "4736251908"


def _is_valid(number: str) -> bool:
    return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, "VN")))


def _block_ok(block: str, length: int, probes: str) -> bool:
    """Return whether numbers starting with ``block`` are valid.

    Probes one sample per next digit in ``probes`` plus the all-0 and all-9 completions.
    """
    rest = length - len(block)
    samples = [block + d + _SAMPLE_TAIL[: rest - 1] for d in probes] if rest > 1 else []
    samples += [block + "0" * rest, block + "9" * rest]
    return all(_is_valid(s) for s in samples)


@cache
def valid_blocks(head: str, length: int) -> tuple[tuple[str, float], ...]:
    """Return the leading blocks after ``head`` that phonenumbers accepts, with their share.

    A block is ``head`` + 1 digit if every probed number in it is valid, else ``head`` + 2
    digits; the share is the block's fraction of the ``head`` number space (1/10 or 1/100).

    Example:
        >>> [b for b, _ in valid_blocks("089", 10)]
        ['0896', '0897', '0898', '0899']
    """
    out: list[tuple[str, float]] = []
    for d in "0123456789":
        block = head + d
        if _block_ok(block, length, "0123456789"):
            out.append((block, 0.1))
            continue
        out.extend((block + e, 0.01) for e in "0123456789" if _block_ok(block + e, length, "05"))
    return tuple(out)


@lru_cache(maxsize=1)
def _mobile_table() -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """Return (valid leading blocks, draw weight, rest length) for current mobiles."""
    blocks: list[str] = []
    weights: list[float] = []
    for prefix, weight in _PREFIXES.items():
        found = valid_blocks(prefix, _MOBILE_LEN)
        total = sum(share for _, share in found)
        for block, share in found:
            blocks.append(block)
            weights.append(weight * share / total)
    if not blocks:
        raise RuntimeError("phonenumbers accepts none of the generator's mobile prefixes")
    rest = np.array([_MOBILE_LEN - len(b) for b in blocks], dtype=np.int64)
    return pl.Series(blocks, dtype=pl.String), np.array(weights), rest


@lru_cache(maxsize=1)
def _landline_table() -> tuple[dict[str, int], pl.Series, np.ndarray, np.ndarray]:
    """Return (area code -> area index, blocks, cumulative key, segment end) for landlines.

    Block ``i`` of area ``a`` has key ``a`` + the cumulative share of ``a``'s valid number
    space up to and including it, so ``searchsorted(keys, a + u)`` draws within area ``a``.
    """
    areas = sorted(set(AREA_CODE.values()) | {_DEFAULT_AREA})
    blocks: list[str] = []
    keys: list[float] = []
    ends: list[int] = []
    for i, area in enumerate(areas):
        found = valid_blocks("0" + area, _LANDLINE_LEN)
        if not found:
            raise RuntimeError(f"phonenumbers accepts no landline in area code {area}")
        shares = np.cumsum([share for _, share in found])
        blocks.extend(b for b, _ in found)
        keys.extend(i + shares / shares[-1])
        ends.append(len(blocks))
    index = {area: i for i, area in enumerate(areas)}
    return index, pl.Series(blocks, dtype=pl.String), np.array(keys), np.array(ends)


def _complete(blocks: pl.Series, length: int, rng: np.random.Generator) -> pl.Series:
    """Return each block followed by random digits up to ``length`` digits."""
    n = blocks.len()
    rest = pl.Series(rng.integers(0, 10**7, n)).cast(pl.String).str.zfill(7)
    frame = pl.DataFrame({"b": blocks, "r": rest})
    return frame.select(
        pl.concat_str("b", pl.col("r").str.slice(0, length - pl.col("b").str.len_chars()))
    ).to_series()


def draw_mobiles(rng: np.random.Generator, n: int) -> pl.Series:
    """Return ``n`` canonical 10-digit mobile numbers such as ``0912345678``, all valid.

    Example:
        >>> import numpy as np
        >>> draw_mobiles(np.random.default_rng(0), 3).str.len_chars().to_list()
        [10, 10, 10]
    """
    blocks, weights, _ = _mobile_table()
    chosen = gather(blocks, choice(rng, weights, n))
    return _complete(chosen, _MOBILE_LEN, rng).alias("phone")


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
    index, blocks, keys, ends = _landline_table()
    area_of = {code: index[area] for code, area in AREA_CODE.items()}
    area = (
        province_code.replace_strict(area_of, default=index[_DEFAULT_AREA], return_dtype=pl.Int64)
        .to_numpy()
        .astype(np.int64)
    )
    idx = np.searchsorted(keys, area + rng.random(len(area)), side="right")
    idx = np.minimum(idx, ends[area] - 1)
    return _complete(gather(blocks, idx), _LANDLINE_LEN, rng)


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
