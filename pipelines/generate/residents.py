"""The population register (dân cư): one record per person plus varied duplicate records."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.config import DefectRates
from pipelines.generate.addresses import Units, draw_legacy, draw_wards, house_address
from pipelines.generate.cards import with_card_dates
from pipelines.generate.dates import components, day_number, day_numbers
from pipelines.generate.defects import DefectLog, inject
from pipelines.generate.ids import PREFIX_CODES
from pipelines.generate.names import full_name
from pipelines.generate.phones import draw_mobiles, landline, legacy_form, phone_text
from pipelines.generate.records import (
    FRESH_DAYS,
    format_date,
    gender_text,
    place_columns,
    record_ids,
    status_text,
    timestamp_text,
    update_days,
)
from pipelines.generate.sampling import pick
from pipelines.generate.text import extra_spaces, new_tone_style, to_eth, typo
from pipelines.vn.fold import accent_fold

__all__ = ["COLUMNS", "SURNAME_VARIANT", "build_residents", "not_reflected_deaths"]

SOURCE = "residents"
COLUMNS = (
    "record_id",
    "personal_id",
    "legacy_id",
    "full_name",
    "gender",
    "birth_date",
    "ethnicity",
    "address",
    "ward",
    "district",
    "province",
    "phone",
    "father_name",
    "mother_name",
    "household_id",
    "status",
    "death_date",
    "updated_at",
    "id_issued_on",
)
SURNAME_VARIANT = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}
_BAD_PREFIXES = [p for p in range(100) if p not in PREFIX_CODES]
# name content variants on duplicates: none, surname, middle dropped, typo, tone style
_CONTENT = [0.3, 0.15, 0.15, 0.25, 0.15]
# name encoding variants: none, no accents, upper, NFD, ETH, extra spaces
_ENC_DUP = [0.3, 0.2, 0.15, 0.1, 0.1, 0.15]
_ENC_BASE = [0.975, 0.005, 0.01, 0.003, 0.002, 0.005]


def not_reflected_deaths(
    rng: np.random.Generator, people: pl.DataFrame, share: float
) -> np.ndarray:
    """Return a per-person flag: died, but the population register still shows them alive.

    Example:
        >>> import numpy as np, polars as pl
        >>> rng = np.random.default_rng(0)
        >>> not_reflected_deaths(rng, pl.DataFrame({"dead": [False]}), 1.0).tolist()
        [False]
    """
    dead = people["dead"].to_numpy()
    return dead & (rng.random(len(dead)) < share)


def _name_variants(
    df: pl.DataFrame, rng: np.random.Generator, log: DefectLog, dup: np.ndarray
) -> pl.DataFrame:
    n = df.height
    content = np.where(dup, pick(rng, _CONTENT, n), 0)
    encoding = np.where(dup, pick(rng, _ENC_DUP, n), pick(rng, _ENC_BASE, n))
    surname_var = pl.col("surname").replace(SURNAME_VARIANT)
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_surname_variant",
        content == 1,
        full_name(surname_var, pl.col("middle"), pl.col("given")),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_middle_dropped",
        content == 2,
        full_name(pl.col("surname"), pl.lit(""), pl.col("given")),
    )
    letters = pl.Series(list("aeinhtgocum"))[rng.integers(0, 11, n).tolist()]
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_typo",
        content == 3,
        typo(
            pl.col("full_name"),
            pl.col("full_name").str.split(" ").list.last().str.len_chars(),
            pl.lit(pl.Series(rng.random(n))),
            pl.lit(letters),
        ),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_tone_style",
        content == 4,
        new_tone_style(pl.col("full_name")),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_no_accents",
        encoding == 1,
        accent_fold(pl.col("full_name")),
        supersedes=("name_tone_style",),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_upper",
        encoding == 2,
        pl.col("full_name").str.to_uppercase(),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_nfd",
        encoding == 3,
        pl.col("full_name").str.normalize("NFD"),
    )
    df = inject(
        df, log, SOURCE, "full_name", "name_eth", encoding == 4, to_eth(pl.col("full_name"))
    )
    space_var = pl.lit(pl.Series(rng.integers(0, 3, n)))
    return inject(
        df,
        log,
        SOURCE,
        "full_name",
        "name_extra_spaces",
        encoding == 5,
        extra_spaces(pl.col("full_name"), space_var),
    )


def _id_defects(
    df: pl.DataFrame,
    rng: np.random.Generator,
    log: DefectLog,
    rates: DefectRates,
    dup: np.ndarray,
    adult: np.ndarray,
) -> pl.DataFrame:
    n = df.height
    pid = pl.col("personal_id")
    # duplicates: missing or one digit (7-12) mistyped
    kind = np.where(dup, pick(rng, [0.75, 0.15, 0.1], n), 0)
    df = inject(
        df, log, SOURCE, "personal_id", "id_missing", kind == 1, pl.lit(None, dtype=pl.String)
    )
    pos = pl.lit(pl.Series(rng.integers(6, 12, n)))
    digit = pl.lit(pl.Series(rng.integers(0, 10, n))).cast(pl.String)
    df = inject(
        df,
        log,
        SOURCE,
        "personal_id",
        "id_typo",
        kind == 2,
        pl.concat_str(pid.str.slice(0, pos), digit, pid.str.slice(pos + 1)),
    )
    cuts = np.cumsum(
        [
            rates.bad_id_length,
            rates.id_gender_mismatch,
            rates.id_year_mismatch,
            rates.id_bad_prefix,
            rates.missing_id_adult,
        ]
    )
    u = rng.random(n)
    which = np.searchsorted(cuts, u, side="right")  # 5 = no defect
    extra = pl.lit(pl.Series(rng.integers(0, 10, n))).cast(pl.String)
    longer = rng.random(n) < 0.5
    df = inject(
        df,
        log,
        SOURCE,
        "personal_id",
        "id_bad_length",
        which == 0,
        pl.when(pl.lit(pl.Series(longer)))
        .then(pl.concat_str(pid, extra))
        .otherwise(pid.str.slice(0, 11)),
    )
    d4 = pid.str.slice(3, 1).cast(pl.Int64)
    flipped = (d4 + 1 - 2 * (d4 % 2)).cast(pl.String)
    df = inject(
        df,
        log,
        SOURCE,
        "personal_id",
        "id_gender_mismatch",
        which == 1,
        pl.concat_str(pid.str.slice(0, 3), flipped, pid.str.slice(4)),
    )
    shift = pl.lit(pl.Series(rng.integers(1, 10, n)))
    yy = ((pid.str.slice(4, 2).cast(pl.Int64) + shift) % 100).cast(pl.String).str.zfill(2)
    df = inject(
        df,
        log,
        SOURCE,
        "personal_id",
        "id_year_mismatch",
        which == 2,
        pl.concat_str(pid.str.slice(0, 4), yy, pid.str.slice(6)),
    )
    bad = pl.Series([str(p).zfill(3) for p in _BAD_PREFIXES])[
        rng.integers(0, len(_BAD_PREFIXES), n).tolist()
    ]
    df = inject(
        df,
        log,
        SOURCE,
        "personal_id",
        "id_bad_prefix",
        which == 3,
        pl.concat_str(pl.lit(bad), pid.str.slice(3)),
    )
    return inject(
        df,
        log,
        SOURCE,
        "personal_id",
        "id_missing",
        (which == 4) & adult,
        pl.lit(None, dtype=pl.String),
        supersedes=("id_typo",),
    )


def build_residents(
    rng: np.random.Generator,
    people: pl.DataFrame,
    units: Units,
    rates: DefectRates,
    as_of: dt.date,
    unreflected: np.ndarray,
    log: DefectLog,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (raw residents records, truth ``record_id → person_key``).

    Example:
        >>> import numpy as np, datetime as dt
        >>> from pipelines.generate.addresses import load_units
        >>> from pipelines.generate.names import load_name_tables
        >>> from pipelines.generate.people import build_people
        >>> rng = np.random.default_rng(0); u = load_units(); day = dt.date(2026, 11, 22)
        >>> p = build_people(rng, 30, day, u, load_name_tables())
        >>> hidden = np.zeros(30, bool)
        >>> raw, truth = build_residents(rng, p, u, DefectRates(), day, hidden, DefectLog())
        >>> raw.height == truth.height >= 30
        True
    """
    n_people = people.height
    as_of_days = day_number(as_of)
    # duplicates: a share of persons get one (sometimes two) extra records
    dup_people = np.nonzero(rng.random(n_people) < rates.duplicate_person)[0]
    copies = 1 + (rng.random(len(dup_people)) < 0.2)
    src = np.concatenate([np.arange(n_people), np.repeat(dup_people, copies)])
    order = rng.permutation(len(src))
    src = src[order]
    dup = np.concatenate([np.zeros(n_people, bool), np.ones(int(copies.sum()), bool)])[order]
    n = len(src)
    p = people[src.tolist()]
    df = p.with_columns(record_id=record_ids("R", n))

    # household address: shared house line and (per household) legacy unit form
    n_hh = int(people["hh"].to_numpy().max()) + 1 if n_people else 0
    hh = p["hh"].to_numpy()
    ward_h = np.zeros(n_hh, dtype=np.int64)
    ward_h[people["hh"].to_numpy()] = people["ward_idx"].to_numpy()
    south = units.wards["province_code"].cast(pl.Int64).to_numpy()[ward_h] >= 52
    house_h = house_address(rng, n_hh, units.wards["ward_type"][ward_h.tolist()], south)
    legacy_h = np.where(
        rng.random(n_hh) < rates.legacy_address, draw_legacy(rng, units, ward_h), -1
    )
    ward_idx = p["ward_idx"].to_numpy().copy()
    moved = dup & (rng.random(n) < 0.2)
    ward_idx[moved] = draw_wards(rng, units, int(moved.sum()))
    legacy = np.where(
        dup,
        np.where(rng.random(n) < rates.legacy_address, draw_legacy(rng, units, ward_idx), -1),
        legacy_h[hh],
    )
    places = place_columns(rng, units, ward_idx, legacy)
    new_house = house_address(
        rng,
        n,
        units.wards["ward_type"][ward_idx.tolist()],
        units.wards["province_code"].cast(pl.Int64).to_numpy()[ward_idx] >= 52,
    )
    df = df.with_columns(
        address=pl.Series(
            np.where(moved, new_house.to_numpy(), house_h.gather(pl.Series(hh)).to_numpy()),
            dtype=pl.String,
        ),
        ward=places["ward"],
        district=places["district"],
        province=places["province"],
        _province_code=places["province_code"],
    )
    log.add(SOURCE, df.filter(pl.lit(pl.Series(moved)))["record_id"], "address", "address_moved")
    log.add(
        SOURCE,
        df.filter(pl.lit(pl.Series(legacy >= 0)))["record_id"],
        "ward",
        "address_legacy_unit",
    )

    df = _name_variants(df, rng, log, dup)
    adult = p["age"].to_numpy() >= 14
    df = _id_defects(df, rng, log, rates, dup, adult)
    spaced = rng.random(n) < 0.04
    df = df.with_columns(
        personal_id=pl.when(
            pl.lit(pl.Series(spaced)) & (pl.col("personal_id").str.len_chars() == 12)
        )
        .then(
            pl.concat_str(
                *(pl.col("personal_id").str.slice(i, 4) for i in (0, 4, 8)), separator=" "
            )
        )
        .otherwise(pl.col("personal_id"))
    )

    # birth date: format variants, then duplicate variations, then impossible / future
    birth = p["birth_days"].to_numpy()
    precision = p["birth_precision"].to_numpy()
    df = format_date(df, rng, log, SOURCE, "birth_date", birth, rates.mixed_date_format, precision)
    y, m, d = components(birth)
    date_var = np.where(dup & (precision == "day"), pick(rng, [0.75, 0.12, 0.13], n), 0)
    swap = (date_var == 1) & (d <= 12) & (d != m)
    swapped = pl.format(
        "{}/{}/{}",
        pl.lit(pl.Series(m)).cast(pl.String).str.zfill(2),
        pl.lit(pl.Series(d)).cast(pl.String).str.zfill(2),
        pl.lit(pl.Series(y)).cast(pl.String),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "birth_date",
        "date_day_month_swap",
        swap,
        swapped,
        supersedes=("date_format_variant",),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "birth_date",
        "date_partial",
        date_var == 2,
        pl.lit(pl.Series(y)).cast(pl.String),
        supersedes=("date_format_variant",),
    )
    bad_kind = rng.integers(0, 4, n)
    impossible = pl.lit(
        pl.Series(
            np.select(
                [bad_kind == 0, bad_kind == 1, bad_kind == 2],
                [
                    np.char.add("31/02/", y.astype(str)),
                    np.char.add("30/02/", y.astype(str)),
                    np.char.add("00/13/", y.astype(str)),
                ],
                np.char.add(
                    np.char.add("32/", np.char.zfill(m.astype(str), 2)),
                    np.char.add("/", y.astype(str)),
                ),
            )
        )
    )
    u = rng.random(n)
    df = inject(
        df,
        log,
        SOURCE,
        "birth_date",
        "date_impossible",
        u < rates.impossible_date,
        impossible,
        supersedes=("date_format_variant", "date_day_month_swap", "date_partial"),
    )
    fy, fm, fd = components(as_of_days + rng.integers(2, 3000, n))
    future = pl.format(
        "{}/{}/{}",
        pl.lit(pl.Series(fd)).cast(pl.String).str.zfill(2),
        pl.lit(pl.Series(fm)).cast(pl.String).str.zfill(2),
        pl.lit(pl.Series(fy)).cast(pl.String),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "birth_date",
        "date_future",
        (u >= rates.impossible_date) & (u < rates.impossible_date + rates.future_date),
        future,
        supersedes=("date_format_variant", "date_day_month_swap", "date_partial"),
    )
    birth_usable = u >= rates.impossible_date + rates.future_date
    # the birth date the pipeline reads: ``mm/dd/yyyy`` is taken as ``dd/mm``
    birth_seen = np.where(swap, day_numbers(y, np.where(swap, d, m), np.where(swap, m, d)), birth)

    # phones: raw forms, changed numbers on duplicates, legacy 11-digit mobiles, landlines
    phone = p["phone"]
    changed = dup & phone.is_not_null().to_numpy() & (rng.random(n) < 0.2)
    df = df.with_columns(_phone=phone)
    df = inject(
        df,
        log,
        SOURCE,
        "_phone",
        "phone_changed",
        changed,
        pl.lit(draw_mobiles(rng, n)),
        log_as="phone",
    )
    df = df.with_columns(
        phone=phone_text(
            pl.col("_phone"), pl.lit(pl.Series(pick(rng, [0.55, 0.15, 0.1, 0.1, 0.05, 0.05], n)))
        )
    )
    mappable = df.select(legacy_form(pl.col("_phone")).is_not_null()).to_series().to_numpy()
    share = max(float(mappable.mean()), 1e-9) if n else 1.0
    landline_ok = ~mappable & df["_phone"].is_not_null().to_numpy()
    landline_share = max(float(landline_ok.mean()), 1e-9) if n else 1.0
    u = rng.random(n)
    df = inject(
        df,
        log,
        SOURCE,
        "phone",
        "phone_legacy_11_digit",
        mappable & (u < min(rates.legacy_phone / share, 1.0)),
        legacy_form(pl.col("_phone")),
    )
    df = inject(
        df,
        log,
        SOURCE,
        "phone",
        "phone_landline",
        landline_ok & (u < min(rates.landline_phone / landline_share, 1.0)),
        pl.lit(landline(rng, df["_province_code"])),
        supersedes=("phone_changed",),
    )

    # status, death date, update time
    dead = p["dead"].to_numpy()
    hidden = unreflected[src]
    shown_dead = dead & ~hidden
    death = p["death_days"].fill_null(0).to_numpy()
    df = df.with_columns(status=status_text(rng, shown_dead))
    df = format_date(
        df, rng, log, SOURCE, "death_date", death, rates.mixed_date_format, present=shown_dead
    )
    log.add(
        SOURCE, df.filter(pl.lit(pl.Series(hidden)))["record_id"], "status", "death_not_reflected"
    )
    upd = as_of_days - rng.integers(0, FRESH_DAYS + 1, n)
    upd = np.where(
        shown_dead, np.minimum(np.maximum(upd, death + rng.integers(1, 90, n)), as_of_days), upd
    )
    upd = np.where(hidden, np.minimum(upd, death - 1), upd)  # frozen before the death
    upd, stale = update_days(rng, as_of_days, upd, rates.stale_updated_at)
    df = df.with_columns(updated_at=timestamp_text(rng, upd), gender=gender_text(rng, p["female"]))
    log.add(
        SOURCE,
        df.filter(pl.lit(pl.Series(stale)))["record_id"],
        "updated_at",
        "updated_at_stale",
    )
    df = with_card_dates(
        df,
        rng,
        log,
        SOURCE,
        person=src,
        birth=birth_seen,
        birth_usable=birth_usable,
        death=np.where(dead, death, -1),
        shown_dead=shown_dead,
        as_of=as_of_days,
        rate=rates.card_expired,
        mixed_share=rates.mixed_date_format,
    )
    truth = df.select(pl.lit(SOURCE).alias("source"), "record_id", "person_key")
    return df.select(COLUMNS), truth
