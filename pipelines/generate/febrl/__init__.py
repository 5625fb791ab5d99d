"""``dancu generate --profile febrl``: Vietnamese people with FEBRL-style duplicates.

A second, independent evaluation set, written from a published description rather than
from our own generator: the corruption model of FEBRL's data generator (P. Christen,
"Probabilistic data generation for deduplication and data linkage", IDEAL 2005). Original
records are clean; a share of them get duplicates (uniform, Poisson or Zipf number per
original), and each duplicate gets 1..3 modifications (at most 2 per field): typographical
insert / delete / substitute (keyboard neighbour) / transpose, OCR confusions, Vietnamese
phonetic misspellings, missing values, swapped name parts, day/month swaps, digit typos in
dates, IDs and phones (some giving impossible dates), placeholder birth dates, a dropped or
replaced middle name, a move, a new phone, a flipped gender, no accents, NFD, ``Ð``.

Writes ``residents.csv`` only (no civil events, no insurance) and ``_truth/`` with
``truth.parquet`` (``source, record_id, person_key``), ``modifications.parquet`` (one row
per applied modification: record, slot, field, kind, value before and after) and
``persons.parquet`` (the true people, with ``namesake_of``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.config import GenerateConfig
from pipelines.generate import GenerateSummary, choose_vietnamese_headers
from pipelines.generate.addresses import load_units
from pipelines.generate.febrl.apply import apply_plan
from pipelines.generate.febrl.dates import date_text
from pipelines.generate.febrl.kinds import Context
from pipelines.generate.febrl.plan import duplicate_counts, modification_plan
from pipelines.generate.febrl.population import build_population
from pipelines.generate.names import load_name_tables
from pipelines.generate.records import record_ids
from pipelines.generate.writer import clear_stale, write_csv, write_parquet
from pipelines.progress import Progress

__all__ = ["COLUMNS", "build_febrl", "run_generate_febrl"]

SOURCE = "residents"
COLUMNS = (
    "record_id",
    "personal_id",
    "full_name",
    "gender",
    "birth_date",
    "phone",
    "address",
    "ward",
    "province",
)
_WORK = (
    "person_key",
    "female",
    "full_name",
    "gender",
    "birth",
    "personal_id",
    "phone",
    "address",
    "ward_idx",
    "ward",
    "province",
)
_STALE_TRUTH = ("defects.parquet",)  # the default profile's; meaningless for these records


def build_febrl(
    cfg: GenerateConfig, progress: Progress
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return (raw residents, truth, modifications, persons) for ``cfg`` (same seed, same data).

    Example:
        >>> from pipelines.progress import silent
        >>> raw, truth, mods, persons = build_febrl(GenerateConfig(residents=300), silent())
        >>> raw.height == truth.height > persons.height == 300
        True
    """
    febrl = cfg.febrl
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence([cfg.seed, 2005]).spawn(4)]
    with progress.step("load reference data"):
        units, names = load_units(), load_name_tables()
    with progress.step(f"build {cfg.residents:,} people"):
        people = build_population(rngs[0], cfg.residents, cfg.as_of, units, names, febrl)
    counts = duplicate_counts(rngs[1], people.height, febrl)
    with progress.step(f"make {int(counts.sum()):,} duplicates"):
        src = np.repeat(np.arange(people.height), counts)
        dups = people.select(_WORK)[pl.Series(src, dtype=pl.Int64)]
        plan = modification_plan(rngs[1], dups, febrl)
        dups, log = apply_plan(dups, plan, rngs[2], Context(units, names))
    n_orig, n_dup = people.height, dups.height
    records = pl.concat(
        [
            people.select(_WORK).with_columns(_dup=pl.lit(None, dtype=pl.Int64)),
            dups.with_columns(_dup=pl.int_range(0, n_dup, dtype=pl.Int64)),
        ]
    )
    order = rngs[3].permutation(n_orig + n_dup)
    records = records[pl.Series(order, dtype=pl.Int64)].with_columns(
        record_id=record_ids("R", n_orig + n_dup),
        _day_first=pl.Series(rngs[3].random(n_orig + n_dup) < febrl.dmy_date_share),
    )
    raw = records.with_columns(birth_date=date_text(pl.col("birth"), pl.col("_day_first"))).select(
        COLUMNS
    )
    truth = records.select(pl.lit(SOURCE).alias("source"), "record_id", "person_key")
    ids = records.filter(pl.col("_dup").is_not_null()).select(
        pl.col("_dup").alias("row"), "record_id", "person_key"
    )
    mods = (
        log.join(ids, on="row", how="left")
        .select(
            pl.lit(SOURCE).alias("source"),
            *("record_id", "person_key", "slot", "field", "kind", "before", "after"),
        )
        .sort("record_id", "slot")
    )
    n_dups = pl.DataFrame({"person_key": people["person_key"], "n_duplicates": counts})
    persons = people.join(n_dups, on="person_key").select(
        "person_key",
        "full_name",
        "gender",
        pl.col("birth").alias("birth_date"),
        "birth_precision",
        "personal_id",
        "phone",
        "province",
        "namesake_of",
        "n_duplicates",
    )
    return raw, truth, mods, persons


def run_generate_febrl(out: Path, cfg: GenerateConfig, progress: Progress) -> GenerateSummary:
    """Write the FEBRL-profile ``residents.csv`` and its ground truth into ``out``.

    Earlier raw files of all three registers and a stale ``_truth/defects.parquet`` are
    removed, so ``out`` holds exactly this data set.

    Example:
        >>> import tempfile
        >>> from pipelines.progress import silent
        >>> s = run_generate_febrl(Path(tempfile.mkdtemp()), GenerateConfig(residents=100),
        ...                        silent())
        >>> sorted(s.files), s.rows["residents"] > 100
        (['residents'], True)
    """
    start = time.perf_counter()
    raw, truth, mods, persons = build_febrl(cfg, progress)
    summary = GenerateSummary()
    with progress.step(f"write {out}"):
        out.mkdir(parents=True, exist_ok=True)
        truth_dir = out / "_truth"
        truth_dir.mkdir(exist_ok=True)
        for source in ("residents", "civil_events", "insurance"):
            clear_stale(out, source)
        for name in _STALE_TRUTH:
            (truth_dir / name).unlink(missing_ok=True)
        vietnamese = choose_vietnamese_headers(cfg.seed, cfg.rates.vietnamese_headers)[SOURCE]
        summary.files[SOURCE] = write_csv(raw, out / f"{SOURCE}.csv", vietnamese)
        summary.rows[SOURCE] = raw.height
        write_parquet(truth, truth_dir / "truth.parquet")
        write_parquet(mods, truth_dir / "modifications.parquet")
        write_parquet(persons, truth_dir / "persons.parquet")
    summary.seconds = time.perf_counter() - start
    return summary
