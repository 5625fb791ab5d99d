"""Helpers shared by the three registers: raw gender, status, dates, places and timestamps."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.generate.addresses import Units, province_text, ward_text
from pipelines.generate.dates import components, date_text
from pipelines.generate.defects import DefectLog, inject
from pipelines.generate.sampling import gather, pick

__all__ = [
    "FRESH_DAYS",
    "STALE_DAYS",
    "format_date",
    "gender_text",
    "place_columns",
    "record_ids",
    "status_text",
    "timestamp_text",
    "update_days",
]

#: a record not logged ``updated_at_stale`` was updated at most this many days before ``as_of``
FRESH_DAYS = 330
#: a record logged ``updated_at_stale`` was updated more than this many days before ``as_of``
STALE_DAYS = 400

_FORMAT_SHARES = [0.3, 0.25, 0.15, 0.15, 0.15]  # formats 1..5 among the mixed share


def record_ids(prefix: str, n: int, width: int = 8) -> pl.Series:
    """Return ``n`` record ids ``prefix`` + zero-padded serial, starting at 1.

    Example:
        >>> record_ids("R", 2).to_list()
        ['R00000001', 'R00000002']
    """
    serial = pl.Series(np.arange(1, n + 1, dtype=np.int64)).cast(pl.String).str.zfill(width)
    return (prefix + serial).alias("record_id")


def gender_text(
    rng: np.random.Generator, female: pl.Series, numeric_share: float = 0.0
) -> pl.Series:
    """Return raw gender values: mostly ``Nam``/``Nữ``, also ``nam``, ``nu``, ``NỮ``, ``1``/``0``.

    Example:
        >>> import numpy as np, polars as pl
        >>> gender_text(np.random.default_rng(0), pl.Series([True, False]), 1.0).to_list()
        ['0', '1']
    """
    n = female.len()
    male_forms = ["Nam", "nam", "NAM", "Nam", "M"]
    fem_forms = ["Nữ", "nữ", "NỮ", "nu", "F"]
    variant = pick(rng, [0.8, 0.08, 0.05, 0.05, 0.02], n)
    text = pl.Series(
        np.where(female.to_numpy(), gather(fem_forms, variant), gather(male_forms, variant))
    )
    numeric = pl.Series(np.where(female.to_numpy(), "0", "1"))
    return pl.Series(np.where(rng.random(n) < numeric_share, numeric, text), dtype=pl.String)


def status_text(rng: np.random.Generator, deceased: np.ndarray) -> pl.Series:
    """Return raw status values: ``alive``/``còn sống`` or ``deceased``/``đã mất``/``Đã chết``.

    Example:
        >>> import numpy as np
        >>> s = status_text(np.random.default_rng(0), np.array([False]))
        >>> s.item() in ("alive", "còn sống", "Còn sống")
        True
    """
    n = len(deceased)
    variant = pick(rng, [0.6, 0.3, 0.1], n)
    alive = gather(["alive", "còn sống", "Còn sống"], variant)
    dead = gather(["deceased", "đã mất", "Đã chết"], variant)
    return pl.Series(np.where(deceased, dead, alive), dtype=pl.String)


def format_date(
    df: pl.DataFrame,
    rng: np.random.Generator,
    log: DefectLog,
    source: str,
    column: str,
    days: np.ndarray,
    mixed_share: float,
    precision: np.ndarray | None = None,
    present: np.ndarray | None = None,
) -> pl.DataFrame:
    """Return ``df`` with ``column`` = the dates ``days`` written as text.

    ``mixed_share`` of the values use another format than ``dd/mm/yyyy``; those that really
    differ are logged as ``date_format_variant``. ``present`` False gives an empty value.

    Example:
        >>> import numpy as np, polars as pl
        >>> df = pl.DataFrame({"record_id": ["R1"]})
        >>> format_date(df, np.random.default_rng(0), DefectLog(), "residents", "birth_date",
        ...             np.array([0]), 0.0)["birth_date"].item()
        '01/01/1970'
    """
    n = len(days)
    year, month, day = components(days)
    fmt = np.where(rng.random(n) < mixed_share, 1 + pick(rng, _FORMAT_SHARES, n), 0)
    prec = precision if precision is not None else np.full(n, "day")
    keep = present if present is not None else np.ones(n, dtype=bool)
    parts = pl.DataFrame(
        {"y": year, "m": month, "d": day, "f": fmt, "p": prec, "days": days, "keep": keep}
    )
    args = (pl.col("y"), pl.col("m"), pl.col("d"))
    text = parts.select(
        pl.when(pl.col("keep"))
        .then(date_text(*args, pl.lit(0), pl.col("p"), pl.col("days")))
        .alias("a"),
        pl.when(pl.col("keep"))
        .then(date_text(*args, pl.col("f"), pl.col("p"), pl.col("days")))
        .alias("b"),
    )
    df = df.with_columns(text["a"].alias(column))
    return inject(
        df, log, source, column, "date_format_variant", np.ones(n, dtype=bool), pl.lit(text["b"])
    )


def update_days(
    rng: np.random.Generator, as_of_days: int, upd: np.ndarray, stale_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return (last-update day numbers, stale flag) with a consistent ``updated_at_stale``.

    ``upd`` holds the update days the register logic chose (fresh ones within
    ``FRESH_DAYS``, older ones where e.g. an unrecorded death froze the record). A share
    ``stale_rate`` is made 800-3650 days old. Every record then older than ``FRESH_DAYS`` is
    pushed past ``STALE_DAYS`` (never later than it was) and flagged stale, so records either
    are recent (≤ 330 days) or clearly stale (> 400 days), on both sides of the pipeline's
    365-day window.

    Example:
        >>> import numpy as np
        >>> days, stale = update_days(np.random.default_rng(0), 1000, np.array([990, 640]), 0.0)
        >>> stale.tolist(), bool(days[1] < 600)
        ([False, True], True)
    """
    n = len(upd)
    forced = rng.random(n) < stale_rate
    upd = np.where(forced, as_of_days - rng.integers(800, 3650, n), upd)
    upd = np.minimum(upd, as_of_days)
    stale = upd < as_of_days - FRESH_DAYS
    pushed = as_of_days - STALE_DAYS - 1 - rng.integers(0, 90, n)
    return np.where(stale, np.minimum(upd, pushed), upd), stale


def timestamp_text(rng: np.random.Generator, days: np.ndarray) -> pl.Series:
    """Return update timestamps as ``2026-10-02`` or ``02/10/2026 14:03``.

    Example:
        >>> import numpy as np
        >>> timestamp_text(np.random.default_rng(1), np.array([0, 0])).str.starts_with("1970").any()
        True
    """
    n = len(days)
    minutes = rng.integers(7 * 60, 18 * 60, n)
    millis = pl.Series(days.astype(np.int64) * 86_400_000 + minutes * 60_000)
    frame = pl.DataFrame({"t": millis.cast(pl.Datetime("ms")), "v": rng.random(n)})
    return frame.select(
        pl.when(pl.col("v") < 0.6)
        .then(pl.col("t").dt.strftime("%Y-%m-%d"))
        .otherwise(pl.col("t").dt.strftime("%d/%m/%Y %H:%M"))
    ).to_series()


def place_columns(
    rng: np.random.Generator,
    units: Units,
    ward_idx: np.ndarray,
    legacy_row: np.ndarray | None = None,
) -> pl.DataFrame:
    """Return ``ward``, ``district``, ``province`` and ``province_code`` text per record.

    Where ``legacy_row`` >= 0 the pre-2025 form (old province, district, commune) is written.

    Example:
        >>> import numpy as np
        >>> from pipelines.generate.addresses import load_units
        >>> place_columns(np.random.default_rng(0), load_units(), np.array([0])).columns
        ['ward', 'district', 'province', 'province_code']
    """
    n = len(ward_idx)
    cur = units.wards[ward_idx.tolist()] if n else units.wards.clear()
    w_var = pl.Series(pick(rng, [0.7, 0.15, 0.15], n))
    p_var = pl.Series(pick(rng, [0.45, 0.35, 0.1, 0.1], n))
    current = cur.with_columns(wv=w_var, pv=p_var).select(
        ward_text(pl.col("ward"), pl.col("ward_short"), pl.col("ward_type"), pl.col("wv")).alias(
            "ward"
        ),
        pl.lit(None, dtype=pl.String).alias("district"),
        province_text(pl.col("province"), pl.col("province_short"), pl.col("pv")).alias("province"),
        pl.col("province_code"),
    )
    if legacy_row is None or not (legacy_row >= 0).any():
        return current
    rows = np.nonzero(legacy_row >= 0)[0]
    old = (
        units.legacy[legacy_row[rows].tolist()]
        .with_columns(
            wv=pl.Series(pick(rng, [0.8, 0.1, 0.1], len(rows))),
            pv=pl.Series(pick(rng, [0.5, 0.4, 0.1, 0.0], len(rows))),
            dv=pl.Series(rng.random(len(rows)) < 0.8),
        )
        .select(
            ward_text(
                pl.col("ward"), pl.col("ward_short"), pl.col("ward_type"), pl.col("wv")
            ).alias("ward"),
            pl.when(pl.col("dv"))
            .then(pl.col("district"))
            .otherwise(pl.col("district_short"))
            .alias("district"),
            province_text(pl.col("province"), pl.col("province_short"), pl.col("pv")).alias(
                "province"
            ),
        )
    )
    idx = pl.Series(rows, dtype=pl.Int64)
    return current.with_columns(
        current[name].clone().scatter(idx, old[name]) for name in ("ward", "district", "province")
    )
