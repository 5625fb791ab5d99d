"""One register through the row stages: read → ingest → standardise → validate, in batches.

The row stages look at one row at a time (a duplicate record id is found by ingest on the
whole file first), so a register is standardised and validated ``batch_rows`` rows at a time
and every batch is written to the run's scratch folder: memory follows the batch, not the
register. Later stages read only the columns they need from those files
(:meth:`SourceResult.scan`). Batching changes memory, never results: the files of any batch
size hold the same rows, in file order.

Example:
    >>> from pipelines.config import Config
    >>> from pipelines.progress import silent
    >>> res = processed_source("residents", Path("data/raw/residents.csv"), Config(),
    ...     silent(), Path("/tmp/scratch"), batch_rows=500_000)  # doctest: +SKIP
    >>> res.scan().select(pl.len()).collect().item()  # doctest: +SKIP
    100000
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandera.polars as pa
import polars as pl

from pipelines.config import Config
from pipelines.contracts import empty_findings, empty_tally
from pipelines.errors import ContractError, OutputError
from pipelines.ingest import ingest, map_headers
from pipelines.io import read_source
from pipelines.manifest import InputInfo, StageRecord, accounting
from pipelines.privacy import schema_errors_summary
from pipelines.progress import Progress, eta_reporter
from pipelines.standardise import standardised
from pipelines.validate import validated_with_tally
from pipelines.vn.gender import NumericConvention
from schemas.raw import RAW_MODELS

__all__ = ["SourceResult", "processed_source"]


@dataclass(frozen=True)
class SourceResult:
    """One register after the row stages; its rows are in Parquet files under ``folder``.

    Attributes:
        source: the register (``residents``, ``civil_events``, ``insurance``).
        folder: ``clean-*.parquet`` (the validated rows, ``person_id`` still null) and
            ``findings-*.parquet``, one of each per batch.
        rows: rows kept (= rows in the clean files).
        quarantine: the rows set aside, with their reasons.
        tally: per province and rule, the records checked.
        info: what the input file was (manifest).
        stages: row counts and seconds per stage (manifest).
        counts: the row accounting (``rows_in = rows_kept + rows_quarantined``).
    """

    source: str
    folder: Path
    rows: int
    quarantine: pl.DataFrame
    tally: pl.DataFrame
    info: InputInfo
    stages: list[StageRecord]
    counts: dict[str, Any]

    def _files(self, kind: str) -> list[Path]:
        return sorted(self.folder.glob(f"{kind}-*.parquet"))

    def scan(self) -> pl.LazyFrame:
        """Return the clean rows of the register, lazily, in file order."""
        return pl.scan_parquet(self._files("clean"))

    def scan_findings(self) -> pl.LazyFrame:
        """Return the register's findings, lazily."""
        files = self._files("findings")
        return pl.scan_parquet(files) if files else empty_findings().lazy()


def _raw_contract(kept: pl.DataFrame, source: str) -> None:
    try:
        RAW_MODELS[source].validate(kept, lazy=True)
    except pa.errors.SchemaErrors as exc:
        summary = schema_errors_summary(exc)
        raise ContractError(f"ingested {source} breaks the raw contract:\n{summary}") from None


def write_batch(frame: pl.DataFrame, path: Path) -> None:
    """Write one batch's file in the run's scratch folder (fast, no statistics)."""
    frame.write_parquet(path, compression="lz4", statistics=False)


def _batches(n_rows: int, batch_rows: int) -> list[tuple[int, int]]:
    """Return ``(offset, length)`` of each batch (one empty batch for an empty register)."""
    count = max(1, math.ceil(n_rows / max(batch_rows, 1)))
    size = math.ceil(n_rows / count) if n_rows else 0
    return [(i * size, min(size, n_rows - i * size)) for i in range(count)]


@dataclass(frozen=True)
class RowJob:
    """What the row stages of one register need besides its rows (picklable: Spark ships it).

    Attributes:
        source: the register.
        as_of: the reference date of the run.
        convention: how the register writes gender as a number (``bhxh`` or ``iso``).
        stale_before: records last updated before this date are stale (``sống``).
    """

    source: str
    as_of: dt.date
    convention: NumericConvention
    stale_before: dt.date


@dataclass(frozen=True)
class RowsDone:
    """What the row stages left besides their files: the tallies and the seconds per stage."""

    tallies: list[pl.DataFrame]
    std_seconds: float
    val_seconds: float


def row_batch(part: pl.DataFrame, job: RowJob) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return ``(clean, findings, tally)`` of a batch of ingested rows: standardise + validate.

    ``clean`` has ``person_id`` (null: resolution fills it). Row by row: any batch of the
    same rows gives the same results.
    """
    return _validated(_standardised(part, job), job)


def _standardised(part: pl.DataFrame, job: RowJob) -> pl.DataFrame:
    std = standardised(part.lazy(), job.source, job.as_of, job.convention).collect()
    if std.height != part.height:
        raise OutputError(f"{job.source}: standardise changed the row count")
    return std


def _validated(std: pl.DataFrame, job: RowJob) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    clean, findings, tally = validated_with_tally(std, job.source, job.stale_before)
    clean = clean.with_columns(pl.lit(None, dtype=pl.String).alias("person_id"))
    return clean, findings, tally


class RowEngine(Protocol):
    """Runs the row stages of one register (``pipelines.engine``: local or Spark)."""

    def rows(
        self, kept: pl.DataFrame, job: RowJob, folder: Path, batch_rows: int, progress: Progress
    ) -> RowsDone:
        """Write ``clean-*.parquet`` and ``findings-*.parquet`` of ``kept`` into ``folder``.

        File names sort in row order.
        """
        ...


class LocalRows:
    """The row stages in this process, ``batch_rows`` rows at a time, one stage after another."""

    def rows(
        self, kept: pl.DataFrame, job: RowJob, folder: Path, batch_rows: int, progress: Progress
    ) -> RowsDone:
        """Standardise every batch, then validate every batch (a progress step each)."""
        source = job.source
        batches = _batches(kept.height, batch_rows)
        with progress.step(f"standardise {source}"):
            start = time.perf_counter()
            report = eta_reporter(progress, f"standardise {source}")
            for i, (offset, length) in enumerate(batches):
                write_batch(
                    _standardised(kept.slice(offset, length), job), folder / f"std-{i:05d}.parquet"
                )
                report(i + 1, len(batches))
            std_seconds = time.perf_counter() - start
        tallies = []
        n_findings = 0
        with progress.step(f"validate {source}") as detail:
            start = time.perf_counter()
            report = eta_reporter(progress, f"validate {source}")
            for i in range(len(batches)):
                std_path = folder / f"std-{i:05d}.parquet"
                clean, findings, tally = _validated(pl.read_parquet(std_path), job)
                write_batch(clean, folder / f"clean-{i:05d}.parquet")
                write_batch(findings, folder / f"findings-{i:05d}.parquet")
                tallies.append(tally)
                n_findings += findings.height
                std_path.unlink()
                report(i + 1, len(batches))
            val_seconds = time.perf_counter() - start
            detail(f"{n_findings} findings")
        return RowsDone(tallies, std_seconds, val_seconds)


def processed_source(
    source: str,
    path: Path,
    cfg: Config,
    progress: Progress,
    scratch: Path,
    *,
    batch_rows: int,
    engine: RowEngine | None = None,
) -> SourceResult:
    """Read, ingest, standardise and validate one register, ``batch_rows`` rows at a time.

    ``engine`` runs standardise and validate (default: :class:`LocalRows`, this process).
    Only counts reach the progress. Raises :class:`~pipelines.errors.InputError` for an
    unusable file, :class:`~pipelines.errors.ContractError` for a stage breaking its contract.
    """
    folder = scratch / "sources" / source
    folder.mkdir(parents=True, exist_ok=True)
    with progress.step(f"ingest {source}") as detail:
        start = time.perf_counter()
        table = read_source(source, path, cfg.clean.sheet)
        read_seconds = time.perf_counter() - start
        rows_in = table.frame.height
        headers = map_headers(table.frame.columns, source, path.name)
        start = time.perf_counter()
        result = ingest(table.frame.lazy(), headers, path.name)
        kept, quarantine = pl.collect_all([result.kept, result.quarantine])
        info = InputInfo(
            source=source,
            path=str(path),
            format=table.format,
            sha256=table.sha256,
            rows=rows_in,
            columns=dict(headers.rename),
            extra_columns=list(headers.extra),
            encoding=table.encoding,
            layout=table.layout,
        )
        del table, result
        ingest_seconds = time.perf_counter() - start
        rows_quarantined = quarantine["source_row"].n_unique()
        counts = accounting(rows_in, kept.height, rows_quarantined)
        detail(
            f"{rows_in} rows: {kept.height} kept, {rows_quarantined} set aside "
            f"({quarantine.height} reasons); {len(headers.extra)} extra columns"
        )
    as_of = cfg.run_as_of()
    job = RowJob(
        source=source,
        as_of=as_of,
        convention=getattr(cfg.clean.gender_numeric, source),
        stale_before=as_of - dt.timedelta(days=cfg.clean.stale_after_days),
    )
    _raw_contract(kept, source)  # on the whole register: record ids unique across batches
    n_kept = kept.height
    done = (engine or LocalRows()).rows(kept, job, folder, batch_rows, progress)
    del kept
    tallies = [empty_tally(), *done.tallies]
    std_seconds, val_seconds = done.std_seconds, done.val_seconds
    tally = (
        pl.concat(tallies)
        .group_by("source", "province_code", "rule")
        .agg(pl.col("checked").sum())
        .sort("rule", "province_code", nulls_last=True)
        .cast(empty_tally().schema)
    )
    stages = [
        StageRecord("read", source, rows_in, rows_in, 0, round(read_seconds, 3)),
        StageRecord("ingest", source, rows_in, n_kept, rows_quarantined, round(ingest_seconds, 3)),
        StageRecord("standardise", source, n_kept, n_kept, 0, round(std_seconds, 3)),
        StageRecord("validate", source, n_kept, n_kept, 0, round(val_seconds, 3)),
    ]
    return SourceResult(source, folder, n_kept, quarantine, tally, info, stages, counts)
