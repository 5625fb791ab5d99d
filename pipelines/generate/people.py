"""The true population: households of 2–6 people with parents, children and grandparents.

Everything here is the ground truth; registers (``registers.py``) write records of these
people with their raw variation and defects.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.generate.addresses import Units, draw_wards
from pipelines.generate.dates import components, day_number
from pipelines.generate.ids import draw_birth_prefix, id_text, personal_ids, unique_random
from pipelines.generate.names import NameTables, draw_names, full_name
from pipelines.generate.phones import draw_mobiles
from pipelines.generate.sampling import choice

__all__ = ["CHILD", "FATHER", "GRANDPARENT", "MOTHER", "build_people"]

FATHER, MOTHER, CHILD, GRANDPARENT = 0, 1, 2, 3
_SIZES = np.array([2, 3, 4, 5, 6])
_SIZE_P = np.array([0.25, 0.26, 0.27, 0.13, 0.09])
_YEAR = 365.2425
_DEATH_WINDOW_YEARS = 5.0


def _household_ages(
    rng: np.random.Generator, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (ages (H, 6), roles (H, 6), grandparent-is-female (H,)) for each household."""
    h = len(sizes)
    ages = np.zeros((h, 6))
    roles = np.full((h, 6), CHILD, dtype=np.int64)
    roles[:, 0], roles[:, 1] = FATHER, MOTHER
    has_gp = (sizes >= 5) & (rng.random(h) < 0.5)
    roles[np.arange(h), sizes - 1] = np.where(has_gp, GRANDPARENT, roles[np.arange(h), sizes - 1])
    kids = sizes - 2 - has_gp
    # couples without children: elderly (40 %) or young
    elderly = (kids == 0) & (rng.random(h) < 0.4)
    mother = rng.uniform(22, 60, h) + rng.gamma(1.5, 2.0, h)
    eldest = mother - rng.uniform(19, 33, h)
    eldest = np.maximum(eldest, 2.2 * np.maximum(kids - 1, 0) + rng.uniform(0, 2, h))
    mother = np.maximum(mother, eldest + 19 + rng.uniform(0, 3, h))
    old_couple = np.minimum(57 + rng.gamma(2.0, 6.0, h), 99.0)
    mother = np.where(kids == 0, np.where(elderly, old_couple, rng.uniform(19, 38, h)), mother)
    father = np.minimum(mother + rng.gamma(2.0, 1.6, h), 100.5)
    gaps = np.concatenate([np.zeros((h, 1)), rng.uniform(1.0, 4.5, (h, 3))], axis=1).cumsum(axis=1)
    ages[:, 0], ages[:, 1] = father, mother
    ages[:, 2:6] = np.maximum(eldest[:, None] - gaps, rng.uniform(0, 0.9, (h, 4)))
    gp_age = np.minimum(father + rng.uniform(21, 34, h), 100.9)
    ages = np.where(roles == GRANDPARENT, gp_age[:, None], ages)
    return ages, roles, rng.random(h) < 0.68


_REGIONS = {
    "mountain": ("04", "08", "11", "12", "14", "15", "19", "20"),
    "highlands": ("52", "66", "68"),
    "mekong": ("82", "86", "91", "92", "96"),
}


def _ethnicity(rng: np.random.Generator, names: NameTables, province: np.ndarray) -> pl.Series:
    """Return an ethnic group per household, drawn with the weights of its region."""
    out = names.ethnicity["other"].draw(rng, len(province)).to_numpy()
    for region, codes in _REGIONS.items():
        rows = np.nonzero(np.isin(province, codes))[0]
        out[rows] = names.ethnicity[region].draw(rng, len(rows)).to_numpy()
    return pl.Series(out, dtype=pl.String)


def _mortality(age: np.ndarray) -> np.ndarray:
    """Return the probability of having died within the death window, by age (Gompertz)."""
    q = np.minimum(0.0004 + 0.00003 * np.exp(0.095 * age), 0.35)
    return 1 - (1 - q) ** _DEATH_WINDOW_YEARS


def build_people(
    rng: np.random.Generator, n: int, as_of: dt.date, units: Units, names: NameTables
) -> pl.DataFrame:
    """Return ``n`` true persons, one row each, grouped in households.

    Columns: person_key, hh, household_id, role, female, age, birth_days, birth_precision,
    surname, middle, given, full_name, father_name, mother_name, ward_idx, ethnicity,
    personal_id, legacy_id, phone, dead, death_days.

    Example:
        >>> import numpy as np, datetime as dt
        >>> from pipelines.generate.addresses import load_units
        >>> from pipelines.generate.names import load_name_tables
        >>> p = build_people(np.random.default_rng(0), 50, dt.date(2026, 11, 22),
        ...                  load_units(), load_name_tables())
        >>> p.height
        50
    """
    h = int(n / 3.4) + 16
    sizes = _SIZES[choice(rng, _SIZE_P, h)]
    while sizes.sum() < n:
        sizes = np.concatenate([sizes, _SIZES[choice(rng, _SIZE_P, h)]])
    h = int(np.searchsorted(np.cumsum(sizes), n)) + 1
    sizes = sizes[:h]
    ages, roles, gp_female = _household_ages(rng, sizes)
    present = np.arange(6)[None, :] < sizes[:, None]
    hh, slot = np.nonzero(present)
    hh, slot = hh[:n], slot[:n]
    role = roles[hh, slot]
    age = ages[hh, slot]
    female = np.where(
        role == FATHER,
        False,
        np.where(
            role == MOTHER,
            True,
            np.where(role == GRANDPARENT, gp_female[hh], rng.random(n) < 0.487),
        ),
    )
    as_of_days = day_number(as_of)
    birth_days = as_of_days - np.floor(age * _YEAR).astype(np.int64)
    year, _, _ = components(birth_days)
    old = year < 1960
    prec_draw = rng.random(n)
    precision = np.where(
        old & (prec_draw < 0.07), "year", np.where(old & (prec_draw < 0.11), "month", "day")
    )

    # surnames: father's line per household; mothers and female grandparents their own
    sur_f = names.surnames.draw(rng, h).to_numpy()
    sur_m = names.surnames.draw(rng, h).to_numpy()
    sur_g = names.surnames.draw(rng, h).to_numpy()
    double = (role == CHILD) & (rng.random(n) < 0.03) & (sur_f[hh] != sur_m[hh])
    surname = np.where(
        role == MOTHER,
        sur_m[hh],
        np.where((role == GRANDPARENT) & female, sur_g[hh], sur_f[hh]),
    ).astype(object)
    surname = np.where(double, surname + " " + sur_m[hh], surname)
    parts = draw_names(rng, names, female)
    ward_h = draw_wards(rng, units, h)
    eth_h = _ethnicity(rng, names, units.wards["province_code"].to_numpy()[ward_h])
    frame = pl.DataFrame(
        {
            "hh": hh,
            "role": role,
            "female": female,
            "age": age,
            "birth_days": birth_days,
            "birth_precision": precision,
            "surname": pl.Series(surname, dtype=pl.String),
            "middle": parts["middle"],
            "given": parts["given"],
            "ward_idx": ward_h[hh],
            "ethnicity": eth_h.gather(pl.Series(hh)),
        }
    ).with_columns(full_name=full_name(pl.col("surname"), pl.col("middle"), pl.col("given")))

    # parents' names: children get the household parents; adults get grandparents or made-up
    heads = (
        frame.filter(pl.col("role") != CHILD)
        .select(
            "hh",
            pl.when(pl.col("role") == FATHER).then(pl.col("full_name")).alias("f_name"),
            pl.when(pl.col("role") == MOTHER).then(pl.col("full_name")).alias("m_name"),
            pl.when((pl.col("role") == GRANDPARENT) & ~pl.col("female"))
            .then(pl.col("full_name"))
            .alias("gf_name"),
            pl.when((pl.col("role") == GRANDPARENT) & pl.col("female"))
            .then(pl.col("full_name"))
            .alias("gm_name"),
        )
        .group_by("hh")
        .agg(pl.all().drop_nulls().first())
    )
    male_parts = draw_names(rng, names, np.zeros(n, dtype=bool))
    fem_parts = draw_names(rng, names, np.ones(n, dtype=bool))
    other_sur = names.surnames.draw(rng, n)
    known = rng.random(n)
    made_father = full_name(
        pl.col("surname").str.split(" ").list.first(),
        pl.lit(male_parts["middle"]),
        pl.lit(male_parts["given"]),
    )
    made_mother = full_name(
        pl.lit(other_sur), pl.lit(fem_parts["middle"]), pl.lit(fem_parts["given"])
    )
    frame = (
        frame.with_columns(_known=pl.lit(known))
        .join(heads, on="hh", how="left")
        .with_columns(
            father_name=pl.when(pl.col("role") == CHILD)
            .then(pl.col("f_name"))
            .when((pl.col("role") == FATHER) & pl.col("gf_name").is_not_null())
            .then(pl.col("gf_name"))
            .when((pl.col("role") != GRANDPARENT) & (pl.col("_known") < 0.55))
            .then(made_father),
            mother_name=pl.when(pl.col("role") == CHILD)
            .then(pl.col("m_name"))
            .when((pl.col("role") == FATHER) & pl.col("gm_name").is_not_null())
            .then(pl.col("gm_name"))
            .when((pl.col("role") != GRANDPARENT) & (pl.col("_known") < 0.55))
            .then(made_mother),
        )
        .drop("f_name", "m_name", "gf_name", "gm_name", "_known")
    )

    # IDs: birth province prefix, unique numbers; some small children have none yet
    province_code = units.wards["province_code"].to_numpy()[frame["ward_idx"].to_numpy()]
    prefix = draw_birth_prefix(rng, province_code)
    pid = personal_ids(rng, prefix, year, female)
    no_id = (age < 14) & (rng.random(n) < np.where(age < 3, 0.3, 0.08))
    cmnd = unique_random(rng, rng.integers(1, 39, n) * 10**7, 10**7)
    has_cmnd = (age >= 41) & (rng.random(n) < 0.35)
    has_phone = (age >= 15) & (rng.random(n) < 0.88)
    dead = rng.random(n) < _mortality(age)
    death_days = as_of_days - np.floor(rng.random(n) * _DEATH_WINDOW_YEARS * _YEAR).astype(np.int64)
    death_days = np.maximum(death_days, birth_days + 1)
    hh_ids = unique_random(rng, np.zeros(h, dtype=np.int64), 10**9)
    return frame.with_columns(
        person_key=pl.format("P{}", pl.int_range(1, n + 1).cast(pl.String).str.zfill(8)),
        household_id=pl.concat_str(pl.lit("H"), id_text(pl.lit(pl.Series(hh_ids[hh])), 9)),
        personal_id=pl.when(pl.lit(pl.Series(no_id)))
        .then(None)
        .otherwise(id_text(pl.lit(pl.Series(pid)))),
        legacy_id=pl.when(pl.lit(pl.Series(has_cmnd))).then(id_text(pl.lit(pl.Series(cmnd)), 9)),
        phone=pl.when(pl.lit(pl.Series(has_phone))).then(pl.lit(draw_mobiles(rng, n))),
        dead=pl.lit(pl.Series(dead)),
        death_days=pl.when(pl.lit(pl.Series(dead))).then(pl.lit(pl.Series(death_days))),
    ).select(
        "person_key",
        "hh",
        "household_id",
        "role",
        "female",
        "age",
        "birth_days",
        "birth_precision",
        "surname",
        "middle",
        "given",
        "full_name",
        "father_name",
        "mother_name",
        "ward_idx",
        "ethnicity",
        "personal_id",
        "legacy_id",
        "phone",
        "dead",
        "death_days",
    )
