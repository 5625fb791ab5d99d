"""Orchestrate ``dancu clean``: read every present source, run the stages, write atomically.

Example:
    >>> from pipelines.config import Config
    >>> from pipelines.progress import silent
    >>> raw, out = Path("data/raw"), Path("data/clean")
    >>> result = run_clean(raw, out, Config(), silent())  # doctest: +SKIP
    >>> result.counts["residents"]["ok"]  # doctest: +SKIP
    True
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl

from pipelines.config import Config
from pipelines.errors import OutputError
from pipelines.ingest import empty_quarantine, ingest, map_headers
from pipelines.io import atomic_output, find_inputs, read_source, write_json, write_parquet
from pipelines.manifest import (
    InputInfo,
    StageRecord,
    accounting,
    build_manifest,
    package_versions,
    run_id_for,
)
from pipelines.progress import Progress
from pipelines.standardise import standardised
from pipelines.validate import empty_findings, validated
from schemas.raw import RAW_MODELS

__all__ = ["LINKS_SCHEMA", "RunResult", "run_clean"]

LINKS_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "record_id": pl.String(),
    "person_id": pl.String(),
    "match_score": pl.Float64(),
    "match_reason": pl.String(),
}
"""Columns of ``links.parquet`` (DESIGN §5)."""


@dataclass(frozen=True)
class RunResult:
    """What a clean run produced.

    Attributes:
        out: the output folder (now holding this run's outputs).
        manifest: the manifest written to ``out/manifest.json``.
        counts: per source ``{rows_in, rows_kept, rows_quarantined, ok}``.
        seconds: wall-clock seconds of the whole run.
    """

    out: Path
    manifest: dict[str, Any]
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class _SourceOutput:
    kept: pl.DataFrame
    quarantine: pl.DataFrame
    findings: pl.DataFrame
    info: InputInfo
    stages: list[StageRecord]
    counts: dict[str, Any]


def _standardise_source(
    kept: pl.DataFrame, source: str, cfg: Config, progress: Progress
) -> tuple[pl.DataFrame, pl.DataFrame, list[StageRecord]]:
    """Standardise and validate the kept rows of one source; return (clean, findings, stages)."""
    as_of = cfg.run_as_of()
    stale_before = as_of - dt.timedelta(days=cfg.clean.stale_after_days)
    convention = getattr(cfg.clean.gender_numeric, source)
    try:
        RAW_MODELS[source].validate(kept, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise OutputError(f"ingested {source} breaks the raw contract:\n{exc}") from None
    with progress.step(f"standardise {source}"):
        start = time.perf_counter()
        std = standardised(kept.lazy(), source, as_of, convention).collect()
        std_seconds = time.perf_counter() - start
    with progress.step(f"validate {source}") as detail:
        start = time.perf_counter()
        clean, findings = validated(std, source, stale_before)
        val_seconds = time.perf_counter() - start
        detail(f"{findings.height} findings on {findings['record_id'].n_unique()} records")
    rows = kept.height
    stages = [
        StageRecord("standardise", source, rows, std.height, 0, round(std_seconds, 3)),
        StageRecord("validate", source, rows, clean.height, 0, round(val_seconds, 3)),
    ]
    return clean.with_columns(pl.lit(None, dtype=pl.String).alias("person_id")), findings, stages


def _ingest_source(source: str, path: Path, cfg: Config, progress: Progress) -> _SourceOutput:
    """Read, ingest, standardise and validate one source; only counts reach the progress."""
    with progress.step(f"ingest {source}") as detail:
        start = time.perf_counter()
        table = read_source(source, path)
        read_seconds = time.perf_counter() - start
        rows_in = table.frame.height
        headers = map_headers(table.frame.columns, source, path.name)
        start = time.perf_counter()
        result = ingest(table.frame.lazy(), headers, path.name)
        kept, quarantine = pl.collect_all([result.kept, result.quarantine])
        ingest_seconds = time.perf_counter() - start
        rows_quarantined = quarantine["source_row"].n_unique()
        counts = accounting(rows_in, kept.height, rows_quarantined)
        detail(
            f"{rows_in} rows: {kept.height} kept, {rows_quarantined} set aside "
            f"({quarantine.height} reasons); {len(headers.extra)} extra columns"
        )
    clean, findings, more = _standardise_source(kept, source, cfg, progress)
    info = InputInfo(
        source=source,
        path=str(path),
        format=table.format,
        sha256=table.sha256,
        rows=rows_in,
        columns=dict(headers.rename),
        extra_columns=list(headers.extra),
        encoding=table.encoding,
    )
    stages = [
        StageRecord("read", source, rows_in, rows_in, 0, round(read_seconds, 3)),
        StageRecord(
            "ingest", source, rows_in, kept.height, rows_quarantined, round(ingest_seconds, 3)
        ),
        *more,
    ]
    if clean.height != kept.height:
        raise OutputError(f"{source}: standardise changed the row count")
    return _SourceOutput(clean, quarantine, findings, info, stages, counts)


def _links(kept: pl.DataFrame) -> pl.DataFrame:
    """Return one links row per kept record; person_id and scores wait for resolution."""
    return kept.select(
        pl.col("source"),
        pl.col("record_id"),
        pl.lit(None, dtype=pl.String).alias("person_id"),
        pl.lit(None, dtype=pl.Float64).alias("match_score"),
        pl.lit(None, dtype=pl.String).alias("match_reason"),
    )


def _finding_counts(findings: pl.DataFrame) -> dict[str, int]:
    """Return the number of findings and of records with at least one, overall and per word."""
    counts = {"findings": findings.height, "records": findings["record_id"].n_unique()}
    for word in ("dung", "du", "sach", "song"):
        flagged = findings.filter(pl.col("dimension") == word)["record_id"].n_unique()
        counts[f"records_{word}"] = flagged
    return counts


def _check_accounting(counts: dict[str, dict[str, Any]]) -> None:
    bad = {s: c for s, c in counts.items() if not c["ok"]}
    if bad:
        detail = "; ".join(
            f"{s}: {c['rows_in']} in, {c['rows_kept']} kept, {c['rows_quarantined']} set aside"
            for s, c in bad.items()
        )
        raise OutputError(f"row accounting does not reconcile ({detail}); nothing was written")


def run_clean(raw: Path, out: Path, cfg: Config, progress: Progress) -> RunResult:
    """Run the clean pipeline on the files in ``raw`` and replace ``out`` atomically.

    Writes ``<source>.parquet`` per present source, ``links.parquet``,
    ``quarantine.parquet`` (always, possibly empty) and ``manifest.json``; keeps
    ``out/history/``. Raises :class:`~pipelines.errors.InputError` for unusable input and
    :class:`~pipelines.errors.OutputError` when writing fails or rows do not reconcile; in
    both cases the previous ``out`` is unchanged.

    Example:
        >>> from pipelines.config import Config
        >>> from pipelines.progress import silent
        >>> raw, out = Path("data/raw"), Path("data/clean")
        >>> res = run_clean(raw, out, Config(), silent())  # doctest: +SKIP
        >>> sorted(res.manifest["outputs"])  # doctest: +SKIP
        ['links.parquet', 'quarantine.parquet', 'residents.parquet']
    """
    started = time.perf_counter()
    as_of = cfg.run_as_of()
    inputs = find_inputs(raw)
    progress.info(f"{len(inputs)} input file(s): {', '.join(inputs)}")

    results = {
        source: _ingest_source(source, path, cfg, progress) for source, path in inputs.items()
    }
    counts = {source: r.counts for source, r in results.items()}
    _check_accounting(counts)

    version = package_versions()["dancu"]
    run_id = run_id_for((r.info.sha256 for r in results.values()), as_of, version)
    quarantine = pl.concat(
        [empty_quarantine(), *(r.quarantine for r in results.values())], how="vertical"
    )
    links = pl.concat([_links(r.kept) for r in results.values()], how="vertical").cast(
        pl.Schema(LINKS_SCHEMA)
    )

    outputs: dict[str, int] = {}
    with progress.step("write outputs"), atomic_output(out, run_id) as tmp:
        for source, r in results.items():
            kept = r.kept.rename({"_row": "source_row"})
            outputs[f"{source}.parquet"] = write_parquet(kept, tmp / f"{source}.parquet")
        outputs["links.parquet"] = write_parquet(links, tmp / "links.parquet")
        outputs["quarantine.parquet"] = write_parquet(quarantine, tmp / "quarantine.parquet")
        findings = pl.concat([empty_findings(), *(r.findings for r in results.values())])
        outputs["findings.parquet"] = write_parquet(findings, tmp / "findings.parquet")
        seconds = time.perf_counter() - started
        manifest = build_manifest(
            run_id=run_id,
            as_of=as_of,
            generated_at=dt.datetime.now(dt.UTC),
            inputs=[r.info for r in results.values()],
            stages=[s for r in results.values() for s in r.stages],
            outputs=outputs,
            counts=counts,
            seconds=seconds,
            findings={source: _finding_counts(r.findings) for source, r in results.items()},
        )
        write_json(manifest, tmp / "manifest.json")
    total = sum(c["rows_in"] for c in counts.values())
    kept_total = sum(c["rows_kept"] for c in counts.values())
    progress.info(f"{total} rows in, {kept_total} kept, {total - kept_total} set aside → {out}")
    return RunResult(out=out, manifest=manifest, counts=counts, seconds=seconds)
