"""The true people of the FEBRL profile and their original (clean) record values.

People come from the default generator's population (households, weighted Vietnamese names,
birth dates with partial precision, personal IDs whose digits agree with birth province,
gender and year, mobiles, current wards); on top of it this module removes the ID of a
share of people and makes namesakes: distinct people who share a full name, some of them
also a birth year, which is what makes precision hard.

Example:
    >>> iso_birth(pl.Series([0]), pl.Series(["year"])).to_list()
    ['1970-01-01']
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.config import FebrlConfig
from pipelines.generate.addresses import Units, house_address
from pipelines.generate.dates import EPOCH, components
from pipelines.generate.names import NameTables
from pipelines.generate.people import build_people

__all__ = ["build_population", "iso_birth", "namesake_donors"]


def iso_birth(birth_days: pl.Series, precision: pl.Series) -> pl.Series:
    """Return birth dates as ISO text; a partial date as its placeholder (``YYYY-01-01``…).

    Example:
        >>> iso_birth(pl.Series([45]), pl.Series(["month"])).to_list()
        ['1970-02-01']
    """
    frame = pl.DataFrame({"d": birth_days, "p": precision})
    date = pl.lit(EPOCH) + pl.duration(days=pl.col("d"))
    return frame.select(
        pl.when(pl.col("p") == "year")
        .then(date.dt.strftime("%Y-01-01"))
        .when(pl.col("p") == "month")
        .then(date.dt.strftime("%Y-%m-01"))
        .otherwise(date.dt.strftime("%Y-%m-%d"))
        .alias("birth")
    ).to_series()


def namesake_donors(rng: np.random.Generator, group: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Return, for each chosen row, another row of the same ``group`` (-1 if it has none).

    Rows are shuffled within their group and each chosen row takes its neighbour there.

    Example:
        >>> import numpy as np
        >>> d = namesake_donors(np.random.default_rng(0), np.array([1, 1, 2]),
        ...                     np.array([True, True, True]))
        >>> sorted(d[:2].tolist()), int(d[2])
        ([0, 1], -1)
    """
    n = len(group)
    order = np.lexsort((rng.random(n), group))
    g = group[order]
    nxt = np.r_[order[1:], -1]
    prv = np.r_[-1, order[:-1]]
    same_next = np.r_[g[1:] == g[:-1], False]
    same_prev = np.r_[False, g[1:] == g[:-1]]
    donor_sorted = np.where(same_next, nxt, np.where(same_prev, prv, -1))
    donor = np.full(n, -1, dtype=np.int64)
    donor[order] = donor_sorted
    return np.where(chosen, donor, -1)


def build_population(
    rng: np.random.Generator,
    n: int,
    as_of: dt.date,
    units: Units,
    names: NameTables,
    cfg: FebrlConfig,
) -> pl.DataFrame:
    """Return ``n`` true people with the values of their original record.

    Columns: person_key, hh, female, surname, middle, given, full_name, gender, birth,
    birth_precision, personal_id, phone, ward_idx, address, ward, province, namesake_of.

    Example:
        >>> from pipelines.generate.addresses import load_units
        >>> from pipelines.generate.names import load_name_tables
        >>> p = build_population(np.random.default_rng(0), 40, dt.date(2026, 11, 22),
        ...                      load_units(), load_name_tables(), FebrlConfig(no_id_share=1.0))
        >>> p.height, p["personal_id"].null_count()
        (40, 40)
    """
    people = build_people(rng, n, as_of, units, names)
    # personal IDs: drop more of them until about no_id_share of people have none
    missing = people["personal_id"].is_null().to_numpy()
    have = max(1.0 - missing.mean(), 1e-9) if n else 1.0
    extra = max(cfg.no_id_share - missing.mean(), 0.0) / have if n else 0.0
    no_id = missing | (rng.random(n) < extra)

    # namesakes: same gender, the same birth year for a share of them
    female = people["female"].to_numpy()
    year, _, _ = components(people["birth_days"].to_numpy())
    chosen = rng.random(n) < cfg.namesake_share
    same_year = rng.random(n) < cfg.namesake_same_year
    donor_year = namesake_donors(rng, female * 10_000 + year, chosen & same_year)
    donor_any = namesake_donors(rng, female.astype(np.int64), chosen & ~same_year)
    donor = np.where(donor_year >= 0, donor_year, donor_any)
    took = donor >= 0
    took[took] = ~chosen[donor[took]]  # a donor keeps its own name: no chains
    idx = np.where(took, donor, np.arange(n))
    name_cols = ("surname", "middle", "given", "full_name")
    copied = {c: people[c].gather(pl.Series(idx)) for c in name_cols}

    # one house line per household, written with the current ward and province names
    hh = people["hh"].to_numpy()
    n_hh = int(hh.max()) + 1 if n else 0
    ward_h = np.zeros(n_hh, dtype=np.int64)
    ward_h[hh] = people["ward_idx"].to_numpy()
    south = units.wards["province_code"].cast(pl.Int64).to_numpy()[ward_h] >= 52
    house = house_address(rng, n_hh, units.wards["ward_type"].gather(pl.Series(ward_h)), south)
    ward_idx = people["ward_idx"].to_numpy()
    places = units.wards.select("ward", "province").gather(pl.Series(ward_idx))
    keys = people["person_key"]
    return pl.DataFrame(
        {
            "person_key": keys,
            "hh": people["hh"],
            "female": people["female"],
            **copied,
            "gender": pl.Series(np.where(female, "Nữ", "Nam"), dtype=pl.String),
            "birth": iso_birth(people["birth_days"], people["birth_precision"]),
            "birth_precision": people["birth_precision"],
            "personal_id": people["personal_id"].set(pl.Series(no_id), None),
            "phone": people["phone"],
            "ward_idx": people["ward_idx"].cast(pl.Int64),
            "address": house.gather(pl.Series(hh)),
            "ward": places["ward"],
            "province": places["province"],
            "namesake_of": keys.gather(pl.Series(idx)).set(pl.Series(~took), None),
        }
    )
