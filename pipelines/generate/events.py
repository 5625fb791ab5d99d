"""The civil-status register (hộ tịch): births, deaths and marriages of the population."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.config import DefectRates
from pipelines.generate.addresses import Units
from pipelines.generate.dates import day_number
from pipelines.generate.defects import DefectLog
from pipelines.generate.ids import id_text, personal_ids
from pipelines.generate.names import NameTables, draw_names, full_name
from pipelines.generate.people import CHILD, FATHER, MOTHER
from pipelines.generate.records import format_date, gender_text, place_columns, record_ids
from pipelines.generate.sampling import gather, pick

__all__ = ["COLUMNS", "build_events"]

SOURCE = "civil_events"
COLUMNS = (
    "event_id",
    "event_type",
    "event_date",
    "registered_on",
    "personal_id",
    "full_name",
    "gender",
    "birth_date",
    "father_name",
    "mother_name",
    "spouse_personal_id",
    "spouse_name",
    "ward",
    "province",
)
_TYPE_FORMS = {
    "birth": ["birth", "khai_sinh", "Khai sinh", "KHAI SINH"],
    "death": ["death", "khai_tu", "Khai tử", "KHAI TỬ"],
    "marriage": ["marriage", "ket_hon", "Kết hôn", "KẾT HÔN"],
}
_BIRTH_YEARS = 10.0
_MARRIAGE_YEARS = 12.0


def _missing_children(
    rng: np.random.Generator, people: pl.DataFrame, names: NameTables, as_of_days: int, n: int
) -> pl.DataFrame:
    """Return ``n`` children born recently to registered parents but absent from residents."""
    parents = people.filter(pl.col("role") == CHILD, pl.col("age") < 20)
    if parents.height == 0 or n == 0:
        return people.clear()
    tmpl = parents[rng.integers(0, parents.height, n).tolist()]
    female = rng.random(n) < 0.487
    parts = draw_names(rng, names, female)
    birth = as_of_days - rng.integers(10, int(_BIRTH_YEARS * 365), n)
    existing = people["personal_id"].drop_nulls().cast(pl.Int64).to_numpy()
    prefix = tmpl["personal_id"].str.slice(0, 3).fill_null("001").cast(pl.Int64).to_numpy()
    year = pl.Series(birth).cast(pl.Date).dt.year().cast(pl.Int64).to_numpy()
    pid = personal_ids(rng, prefix, year, female)
    clash = np.isin(pid, existing)
    while clash.any():
        pid[clash] = personal_ids(rng, prefix[clash], year[clash], female[clash])
        clash = np.isin(pid, existing) | (pl.Series(pid).is_duplicated().to_numpy())
    start = people.height + 1
    return tmpl.with_columns(
        person_key=pl.format("P{}", pl.int_range(start, start + n).cast(pl.String).str.zfill(8)),
        female=pl.Series(female),
        age=pl.Series((as_of_days - birth) / 365.2425),
        birth_days=pl.Series(birth),
        birth_precision=pl.lit("day"),
        middle=parts["middle"],
        given=parts["given"],
        personal_id=id_text(pl.lit(pl.Series(pid))),
        dead=pl.lit(False),
        death_days=pl.lit(None, dtype=pl.Int64),
    ).with_columns(full_name=full_name(pl.col("surname"), pl.col("middle"), pl.col("given")))


def build_events(
    rng: np.random.Generator,
    people: pl.DataFrame,
    units: Units,
    names: NameTables,
    rates: DefectRates,
    as_of: dt.date,
    log: DefectLog,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return (raw events, truth ``event_id → person_key``, persons only known to hộ tịch).

    Example:
        >>> import numpy as np
        >>> from pipelines.generate.addresses import load_units
        >>> from pipelines.generate.names import load_name_tables
        >>> from pipelines.generate.people import build_people
        >>> rng = np.random.default_rng(0); u = load_units(); t = load_name_tables()
        >>> day = dt.date(2026, 11, 22)
        >>> p = build_people(rng, 200, day, u, t)
        >>> raw, truth, extra = build_events(rng, p, u, t, DefectRates(), day, DefectLog())
        >>> raw.height == truth.height
        True
    """
    as_of_days = day_number(as_of)
    births = people.filter(pl.col("age") < _BIRTH_YEARS)
    missing = _missing_children(rng, people, names, as_of_days, round(births.height * 0.015))
    births = pl.concat([births, missing]).with_columns(
        _type=pl.lit("birth"),
        _date=pl.col("birth_days"),
        _spouse_id=pl.lit(None, dtype=pl.String),
        _spouse_name=pl.lit(None, dtype=pl.String),
    )
    deaths = people.filter(pl.col("dead")).with_columns(
        _type=pl.lit("death"),
        _date=pl.col("death_days"),
        _spouse_id=pl.lit(None, dtype=pl.String),
        _spouse_name=pl.lit(None, dtype=pl.String),
        father_name=pl.lit(None, dtype=pl.String),
        mother_name=pl.lit(None, dtype=pl.String),
    )
    deaths = deaths.filter(pl.lit(pl.Series(rng.random(deaths.height) < 0.95)))
    # marriages: household couples, dated before their eldest child (or recently if none)
    eldest = (
        people.filter(pl.col("role") == CHILD)
        .group_by("hh")
        .agg(pl.col("birth_days").min().alias("_eldest"))
    )
    wives = people.filter(pl.col("role") == MOTHER).select(
        "hh",
        pl.col("personal_id").alias("_spouse_id"),
        pl.col("full_name").alias("_spouse_name"),
        pl.col("birth_days").alias("_wife_birth"),
    )
    couples = (
        people.filter(pl.col("role") == FATHER)
        .join(wives, on="hh", how="inner")
        .join(eldest, on="hh", how="left")
    )
    gap = pl.lit(pl.Series(rng.integers(120, 1100, couples.height)))
    recent = pl.lit(pl.Series(rng.integers(30, int(_MARRIAGE_YEARS * 365), couples.height)))
    marriages = (
        couples.with_columns(
            _type=pl.lit("marriage"),
            _date=pl.when(pl.col("_eldest").is_not_null())
            .then(pl.col("_eldest") - gap)
            .when(pl.col("_wife_birth") > as_of_days - 40 * 365)
            .then(pl.max_horizontal(pl.lit(as_of_days) - recent, pl.col("_wife_birth") + 18 * 366))
            .otherwise(pl.col("_wife_birth") + 21 * 365),
            father_name=pl.lit(None, dtype=pl.String),
            mother_name=pl.lit(None, dtype=pl.String),
        )
        .filter(pl.col("_date") >= as_of_days - _MARRIAGE_YEARS * 365)
        .drop("_eldest", "_wife_birth")
    )
    ev = pl.concat([births, deaths, marriages], how="diagonal_relaxed")
    n = ev.height
    late = rng.random(n) < 0.05
    delay = np.where(late, rng.integers(60, 2000, n), rng.integers(0, 60, n))
    date = ev["_date"].to_numpy()
    registered = np.minimum(date + delay, as_of_days)
    order = np.lexsort((ev["person_key"].to_numpy(), ev["_type"].to_numpy(), registered))
    ev = ev[order.tolist()].with_columns(
        event_id=record_ids("E", n), _registered=pl.Series(registered[order])
    )
    date, registered = ev["_date"].to_numpy(), ev["_registered"].to_numpy()
    t = ev["_type"]
    forms = [_TYPE_FORMS[k] for k in ("birth", "death", "marriage")]
    variant = pick(rng, [0.4, 0.3, 0.2, 0.1], n)
    type_text = np.select(
        [t.to_numpy() == "birth", t.to_numpy() == "death"],
        [gather(forms[0], variant).to_numpy(), gather(forms[1], variant).to_numpy()],
        gather(forms[2], variant).to_numpy(),
    )
    places = place_columns(rng, units, ev["ward_idx"].to_numpy())
    ev = ev.with_columns(
        event_type=pl.Series(type_text, dtype=pl.String),
        gender=gender_text(rng, ev["female"]),
        ward=places["ward"],
        province=places["province"],
        spouse_personal_id=pl.col("_spouse_id"),
        spouse_name=pl.col("_spouse_name"),
        record_id=pl.col("event_id"),
    )
    mixed = rates.mixed_date_format
    ev = format_date(ev, rng, log, SOURCE, "event_date", date, mixed)
    ev = format_date(ev, rng, log, SOURCE, "registered_on", registered, mixed)
    ev = format_date(
        ev,
        rng,
        log,
        SOURCE,
        "birth_date",
        ev["birth_days"].to_numpy(),
        mixed,
        ev["birth_precision"].to_numpy(),
    )
    log.add(
        SOURCE,
        ev.filter(pl.col("person_key").is_in(missing["person_key"].implode()))["event_id"],
        "personal_id",
        "birth_not_in_residents",
    )
    truth = ev.select(
        pl.lit(SOURCE).alias("source"), pl.col("event_id").alias("record_id"), "person_key"
    )
    return ev.select(COLUMNS), truth, missing
