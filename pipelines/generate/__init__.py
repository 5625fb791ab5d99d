"""Synthetic Vietnamese register extracts with known defects and ground truth.

``run_generate`` writes ``residents.csv``, ``civil_events.csv`` and ``insurance.csv`` (all
values text, some files with Vietnamese headers) and ``_truth/`` with ``truth.parquet``
(every record → ``person_key``), ``defects.parquet`` (one row per injected defect) and
``persons.parquet`` (the true person attributes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.config import GenerateConfig
from pipelines.generate.addresses import load_units
from pipelines.generate.dates import EPOCH
from pipelines.generate.defects import DefectLog
from pipelines.generate.events import build_events
from pipelines.generate.insurance import build_insurance
from pipelines.generate.names import load_name_tables
from pipelines.generate.people import build_people
from pipelines.generate.residents import build_residents, not_reflected_deaths
from pipelines.generate.writer import clear_stale, write_csv, write_parquet
from pipelines.progress import Progress

__all__ = ["SOURCES", "GenerateSummary", "choose_vietnamese_headers", "run_generate"]

SOURCES = ("residents", "civil_events", "insurance")


@dataclass
class GenerateSummary:
    """What ``run_generate`` wrote."""

    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def choose_vietnamese_headers(seed: int, share: float) -> dict[str, bool]:
    """Return, per source, whether its file gets Vietnamese headers (decided by the seed).

    Example:
        >>> choose_vietnamese_headers(1, 1.0)
        {'residents': True, 'civil_events': True, 'insurance': True}
    """
    rng = np.random.default_rng([seed, 7])
    return {source: bool(rng.random() < share) for source in SOURCES}


def _persons_truth(people: pl.DataFrame, extra: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
    """Return the true person attributes (one row per person_key)."""
    codes = wards.select("province_code", "ward_code").with_row_index("ward_idx")
    epoch = pl.lit(EPOCH)
    return (
        pl.concat([people, extra.select(people.columns)])
        .with_columns(pl.col("ward_idx").cast(pl.UInt32))
        .join(codes, on="ward_idx", how="left")
        .select(
            "person_key",
            "household_id",
            "full_name",
            pl.when(pl.col("female")).then(pl.lit("Nữ")).otherwise(pl.lit("Nam")).alias("gender"),
            (epoch + pl.duration(days=pl.col("birth_days"))).alias("birth_date"),
            "birth_precision",
            "personal_id",
            "legacy_id",
            "phone",
            "province_code",
            "ward_code",
            pl.col("dead").alias("is_deceased"),
            (epoch + pl.duration(days=pl.col("death_days"))).alias("death_date"),
            pl.col("role")
            .replace_strict(
                {0: "father", 1: "mother", 2: "child", 3: "grandparent"}, return_dtype=pl.String
            )
            .alias("household_role"),
        )
        .sort("person_key")
    )


def run_generate(out: Path, cfg: GenerateConfig, progress: Progress) -> GenerateSummary:
    """Write synthetic registers and their ground truth into ``out``; same seed, same bytes.

    Example:
        >>> import tempfile
        >>> from pipelines.progress import silent
        >>> s = run_generate(Path(tempfile.mkdtemp()), GenerateConfig(residents=200), silent())
        >>> sorted(s.files)
        ['civil_events', 'insurance', 'residents']
    """
    start = time.perf_counter()
    seeds = np.random.SeedSequence(cfg.seed).spawn(5)
    rngs = [np.random.default_rng(s) for s in seeds]
    rates = cfg.rates
    log = DefectLog()
    with progress.step("load reference data"):
        units = load_units()
        names = load_name_tables()
    with progress.step(f"build {cfg.residents:,} people in households"):
        people = build_people(rngs[0], cfg.residents, cfg.as_of, units, names)
        unreflected = not_reflected_deaths(rngs[1], people, rates.death_not_reflected)
    with progress.step("build registers"):
        residents, t_res = build_residents(
            rngs[1], people, units, rates, cfg.as_of, unreflected, log
        )
        events, t_ev, extra = build_events(rngs[2], people, units, names, rates, cfg.as_of, log)
        insurance, t_ins = build_insurance(rngs[3], people, units, rates, cfg.as_of, log)
    summary = GenerateSummary()
    with progress.step(f"write {out}"):
        out.mkdir(parents=True, exist_ok=True)
        truth_dir = out / "_truth"
        truth_dir.mkdir(exist_ok=True)
        vietnamese = choose_vietnamese_headers(cfg.seed, rates.vietnamese_headers)
        frames = {"residents": residents, "civil_events": events, "insurance": insurance}
        for source, frame in frames.items():
            clear_stale(out, source)
            summary.files[source] = write_csv(
                frame, out / f"{source}.csv", vietnamese[source], bom=source == "insurance"
            )
            summary.rows[source] = frame.height
        (truth_dir / "modifications.parquet").unlink(missing_ok=True)  # a febrl run's
        write_parquet(pl.concat([t_res, t_ev, t_ins]), truth_dir / "truth.parquet")
        write_parquet(log.frame(), truth_dir / "defects.parquet")
        write_parquet(_persons_truth(people, extra, units.wards), truth_dir / "persons.parquet")
    summary.seconds = time.perf_counter() - start
    return summary
