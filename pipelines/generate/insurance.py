"""The social-insurance register (BHXH): employees and pensioners, with code-era quirks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.config import DefectRates
from pipelines.generate.addresses import Units
from pipelines.generate.dates import day_number
from pipelines.generate.defects import DefectLog, inject
from pipelines.generate.ids import id_text, unique_random
from pipelines.generate.names import full_name
from pipelines.generate.phones import phone_text
from pipelines.generate.records import (
    FRESH_DAYS,
    format_date,
    gender_text,
    place_columns,
    record_ids,
    timestamp_text,
    update_days,
)
from pipelines.generate.residents import SURNAME_VARIANT
from pipelines.generate.sampling import gather, pick
from pipelines.vn.fold import accent_fold

__all__ = ["COLUMNS", "build_insurance"]

SOURCE = "insurance"
COLUMNS = (
    "record_id",
    "insurance_code",
    "personal_id",
    "full_name",
    "gender",
    "birth_date",
    "phone",
    "province",
    "employer_code",
    "status",
    "benefit",
    "last_paid_on",
    "updated_at",
)
_CODE_SWITCH = dt.date(2025, 8, 1)


def build_insurance(
    rng: np.random.Generator,
    people: pl.DataFrame,
    units: Units,
    rates: DefectRates,
    as_of: dt.date,
    log: DefectLog,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (raw insurance records, truth ``record_id → person_key``).

    Example:
        >>> import numpy as np
        >>> from pipelines.generate.addresses import load_units
        >>> from pipelines.generate.names import load_name_tables
        >>> from pipelines.generate.people import build_people
        >>> rng = np.random.default_rng(0); u = load_units(); day = dt.date(2026, 11, 22)
        >>> p = build_people(rng, 300, day, u, load_name_tables())
        >>> raw, truth = build_insurance(rng, p, u, DefectRates(), day, DefectLog())
        >>> raw.height == truth.height
        True
    """
    as_of_days = day_number(as_of)
    n_people = people.height
    age = people["age"].to_numpy()
    female = people["female"].to_numpy()
    retire_age = np.where(female, 60.0, 62.0)
    worker = (age >= 18) & (age < retire_age) & (rng.random(n_people) < 0.45)
    pensioner = (age >= retire_age) & (rng.random(n_people) < 0.35)
    insured = np.nonzero(worker | pensioner)[0]
    second = insured[rng.random(len(insured)) < 0.015]
    dup = insured[rng.random(len(insured)) < rates.duplicate_person / 4]
    src = np.concatenate([insured, second, dup])
    kind = np.concatenate(
        [np.zeros(len(insured)), np.ones(len(second)), np.full(len(dup), 2)]
    ).astype(np.int64)
    order = rng.permutation(len(src))
    src, kind = src[order], kind[order]
    n = len(src)
    p = people[src.tolist()]
    df = p.with_columns(record_id=record_ids("BH", n))
    is_pension = pensioner[src]
    dead = p["dead"].to_numpy()
    death = p["death_days"].fill_null(as_of_days).to_numpy()

    # codes: a second code for some; after Aug 2025 the personal ID may replace the code
    all_codes = unique_random(rng, np.zeros(n_people + n, dtype=np.int64), 10**10)
    code = np.where(kind == 1, all_codes[n_people:], all_codes[src])
    upd = as_of_days - rng.integers(0, FRESH_DAYS + 1, n)
    upd = np.where(dead, np.minimum(upd, death + rng.integers(0, 200, n)), upd)
    upd, stale = update_days(rng, as_of_days, upd, rates.stale_updated_at)
    after = upd >= day_number(_CODE_SWITCH)
    switch = np.where(after, pick(rng, [0.65, 0.2, 0.15], n), 0)
    df = df.with_columns(
        insurance_code=pl.when(pl.lit(pl.Series(switch == 1)))
        .then(None)
        .when(pl.lit(pl.Series(switch == 2)))
        .then(pl.col("personal_id"))
        .otherwise(id_text(pl.lit(pl.Series(code)), 10))
    )
    log.add(
        SOURCE,
        df.filter(pl.lit(pl.Series(kind == 1)))["record_id"],
        "insurance_code",
        "insurance_second_code",
    )

    # benefits and payments
    benefit_kind = np.where(is_pension, 0, pick(rng, [0.85, 0.08, 0.05, 0.02], n) + 1)
    benefit_kind = np.where((benefit_kind == 3) & ~p["female"].to_numpy(), 1, benefit_kind)
    benefit = gather(["pension", "none", "sickness", "maternity", "occupational"], benefit_kind)
    paid = np.where(
        is_pension, as_of_days - rng.integers(0, 40, n), as_of_days - rng.integers(0, 365, n)
    )
    after_death = dead & is_pension & (rng.random(n) < rates.benefit_after_death)
    paid = np.where(
        dead,
        np.where(
            after_death,
            np.minimum(death + rng.integers(15, 300, n), as_of_days),
            death - rng.integers(0, 30, n),
        ),
        paid,
    )
    has_paid = is_pension | (benefit_kind >= 2)
    status = np.where(
        dead & ~after_death,
        "closed",
        np.where(
            is_pension,
            "active",
            gather(["active", "suspended", "closed"], pick(rng, [0.9, 0.04, 0.06], n)).to_numpy(),
        ),
    )
    employers = unique_random(rng, np.full(max(n // 40, 10), 10**8, dtype=np.int64), 10**9)
    employer = id_text(pl.lit(pl.Series(employers[rng.integers(0, len(employers), n)])), 10)
    places = place_columns(rng, units, p["ward_idx"].to_numpy())
    phone_var = pl.lit(pl.Series(pick(rng, [0.6, 0.15, 0.1, 0.1, 0.05], n)))
    df = df.with_columns(
        benefit=benefit,
        status=pl.Series(status, dtype=pl.String),
        employer_code=pl.when(pl.lit(pl.Series(is_pension))).then(None).otherwise(employer),
        province=places["province"],
        gender=gender_text(rng, p["female"], numeric_share=0.3),
        phone=phone_text(pl.col("phone"), phone_var),
        updated_at=timestamp_text(rng, upd),
    )
    log.add(
        SOURCE, df.filter(pl.lit(pl.Series(stale)))["record_id"], "updated_at", "updated_at_stale"
    )
    df = format_date(
        df, rng, log, SOURCE, "last_paid_on", paid, rates.mixed_date_format, present=has_paid
    )
    log.add(
        SOURCE,
        df.filter(pl.lit(pl.Series(after_death & has_paid)))["record_id"],
        "last_paid_on",
        "benefit_after_death",
    )
    df = format_date(
        df,
        rng,
        log,
        SOURCE,
        "birth_date",
        p["birth_days"].to_numpy(),
        rates.mixed_date_format,
        p["birth_precision"].to_numpy(),
    )

    # disagreements with the population register, duplicates, missing IDs
    u = rng.random(n)
    mismatch = u < rates.insurance_mismatch
    which = rng.integers(0, 3, n)
    df = inject(
        df,
        log,
        SOURCE,
        "full_name",
        "insurance_mismatch",
        mismatch & (which == 0),
        full_name(pl.col("surname").replace(SURNAME_VARIANT), pl.lit(""), pl.col("given")),
    )
    shifted = p["birth_days"].to_numpy() + 365 * rng.choice([-1, 1], n)
    alt = pl.DataFrame({"record_id": df["record_id"]})
    alt = format_date(alt, rng, DefectLog(), SOURCE, "birth_date", shifted, 0.0)
    df = inject(
        df,
        log,
        SOURCE,
        "birth_date",
        "insurance_mismatch",
        mismatch & (which >= 1),
        pl.lit(alt["birth_date"]),
        supersedes=("date_format_variant",),
    )
    enc = np.where(kind == 2, pick(rng, [0.3, 0.4, 0.3], n), 0)
    df = inject(
        df, log, SOURCE, "full_name", "name_no_accents", enc == 1, accent_fold(pl.col("full_name"))
    )
    df = inject(
        df, log, SOURCE, "full_name", "name_upper", enc == 2, pl.col("full_name").str.to_uppercase()
    )
    df = inject(
        df,
        log,
        SOURCE,
        "personal_id",
        "id_missing",
        rng.random(n) < rates.missing_id_adult * 2,
        pl.lit(None, dtype=pl.String),
    )
    truth = df.select(pl.lit(SOURCE).alias("source"), "record_id", "person_key")
    return df.select(COLUMNS), truth
