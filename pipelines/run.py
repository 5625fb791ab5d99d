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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.budget import Budget, check_budget, engine_gb, estimated_rows, run_budget
from pipelines.config import Config
from pipelines.contracts import FINDINGS_SCHEMA, LINKS_SCHEMA, empty_findings, empty_tally
from pipelines.decisions.findings import findings_with_decisions, with_finding_keys
from pipelines.decisions.flow import week_flow
from pipelines.decisions.store import read_finding_decisions, read_pair_decisions
from pipelines.engine import Engine, require_engine, run_engine
from pipelines.errors import OutputError
from pipelines.ingest import empty_quarantine
from pipelines.io import atomic_output, find_inputs, write_json, write_parquet
from pipelines.io.guard import replacing
from pipelines.io.outdir import scratch_folder
from pipelines.io.previous import EVENTS_PREFIX, PreviousRun, read_previous_run
from pipelines.manifest import (
    StageRecord,
    build_manifest,
    package_versions,
    run_id_for,
)
from pipelines.progress import Progress
from pipelines.report.history import history_name, load_history, previous_scorecard, write_history
from pipelines.report.render import write_reports
from pipelines.report.review_files import REVIEW_DIR, write_review_files
from pipelines.report.worklist import write_worklists
from pipelines.report.worklist_context import worklist_context
from pipelines.resolve.golden import GOLDEN_INPUTS, golden_records
from pipelines.resolve.link_findings import link_findings, link_tally
from pipelines.resolve.stable_ids import empty_events
from pipelines.resolve.stage import resolved
from pipelines.resolve.week import REVIEW_SCHEMA
from pipelines.rules import DIMENSIONS
from pipelines.score import record_index, scorecard, with_change
from pipelines.sources import processed_source
from pipelines.vn.admin_units import current_provinces

__all__ = ["LINKS_SCHEMA", "RunResult", "run_clean"]


@dataclass(frozen=True)
class RunResult:
    """What a clean run produced.

    Attributes:
        out: the output folder (now holding this run's outputs).
        manifest: the manifest written to ``out/manifest.json``.
        counts: per source ``{rows_in, rows_kept, rows_quarantined, ok}``.
        seconds: wall-clock seconds of the whole run.
        scorecard: the run's ``scorecard.json`` (docs/scorecard.md).
    """

    out: Path
    manifest: dict[str, Any]
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    scorecard: dict[str, Any] = field(default_factory=dict)

    @property
    def report(self) -> Path:
        """Return the path of the run's HTML report."""
        return self.out / "reports" / "scorecard.html"


CORE_COLUMNS: tuple[str, ...] = (
    *GOLDEN_INPUTS,
    "legacy_id",
    "insurance_code",
    "household_id",
    "last_paid_on",
)
"""Columns of the clean registers that reconciliation, link findings and the scorecard read."""


def _with_person(scan: pl.LazyFrame, person: pl.DataFrame) -> pl.LazyFrame:
    """Return ``scan`` with its ``person_id`` from resolution, rows in their order."""
    return scan.drop("person_id", strict=False).join(
        person.lazy(), on=["source", "record_id"], how="left", maintain_order="left"
    )


def _projections(
    scans: dict[str, pl.LazyFrame], person: pl.DataFrame, columns: set[str]
) -> dict[str, pl.DataFrame]:
    """Return each register's ``columns`` (those it has) with ``person_id``, in row order."""
    return {
        source: _with_person(
            scan.select(c for c in scan.collect_schema().names() if c in columns), person
        ).collect()
        for source, scan in scans.items()
    }


def _finding_counts(findings: pl.DataFrame) -> dict[str, int]:
    """Return the number of findings and of records with at least one, overall and per word."""
    counts = {"findings": findings.height, "records": findings["record_id"].n_unique()}
    for word in DIMENSIONS:
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


def _scorecard(
    frames: dict[str, pl.DataFrame],
    findings: pl.DataFrame,
    tally: pl.DataFrame,
    counts: dict[str, dict[str, Any]],
    run_id: str,
    as_of: dt.date,
    generated_at: dt.datetime,
) -> dict[str, Any]:
    """Return this run's scorecard (without the comparison with the previous run)."""
    names = dict(current_provinces().select("province_code", "province_name").iter_rows())
    meta = {"run_id": run_id, "as_of": as_of.isoformat(), "generated_at": generated_at.isoformat()}
    quarantined = {source: int(c["rows_quarantined"]) for source, c in counts.items()}
    return scorecard(record_index(frames), findings, tally, quarantined, meta, names)


def empty_review() -> pl.DataFrame:
    """Return an empty ``review_pairs`` frame."""
    return pl.DataFrame(schema=REVIEW_SCHEMA)


def _flow(
    findings: pl.DataFrame,
    suppressed: pl.DataFrame,
    previous: PreviousRun,
    resolution: Any,
    card: dict[str, Any],
) -> dict[str, Any]:
    """Return the week in numbers (``scorecard.json`` ``flow``; decisions/flow.py)."""
    before = None
    if previous.findings is not None:
        before = previous.findings
        if "finding_key" not in before.columns:
            before = with_finding_keys(before)
    names = {p["province_code"]: p["province_name"] for p in card.get("provinces") or []}
    persons: dict[str, int] = {}
    review: dict[str, int] = {}
    if resolution is not None:
        ids = resolution.stats.get("person_ids") or {}
        persons = {k: int(ids.get(k, 0)) for k in ("carried", "new", "merged", "split", "retired")}
        rows = resolution.review
        decided = rows.filter(pl.col("status") == "decided")
        review = {
            "open": rows.filter(pl.col("status") == "open").height,
            "decided": decided.height,
            "same": decided.filter(pl.col("decision") == "same").height,
            "different": decided.filter(pl.col("decision") == "different").height,
            "no_longer_apply": int(resolution.decisions.get("no_longer_apply", 0)),
        }
    compared = {"run_id": previous.run_id, "as_of": previous.as_of} if previous.run_id else None
    return week_flow(
        findings, suppressed, before, persons=persons, review=review, compared_with=compared,
        province_names=names,
    )  # fmt: skip


def run_clean(
    raw: Path,
    out: Path,
    cfg: Config,
    progress: Progress,
    *,
    wait: bool = False,
    fresh: bool = False,
) -> RunResult:
    """Run the clean pipeline on the files in ``raw`` and replace ``out`` atomically.

    Writes ``<source>.parquet`` per present source, ``links.parquet``,
    ``quarantine.parquet`` (always, possibly empty) and ``manifest.json``; keeps
    ``out/history/``. Holds the lock of ``out`` for the whole run (``wait``: wait for
    another run instead of failing) and first checks that dancu may replace ``out``
    (:mod:`pipelines.io.guard`). Raises :class:`~pipelines.errors.InputError` for unusable
    input, :class:`~pipelines.errors.OutputFolderError` for an ``out`` that is not dancu's
    and :class:`~pipelines.errors.OutputError` when writing fails or rows do not reconcile;
    in every case the previous ``out`` is unchanged.

    When ``out`` holds a previous run its person ids are carried forward (``fresh``: they are
    not; ids start afresh from the records) and the stewards' decisions in ``out/decisions/``
    are applied.

    Example:
        >>> from pipelines.config import Config
        >>> from pipelines.progress import silent
        >>> raw, out = Path("data/raw"), Path("data/clean")
        >>> res = run_clean(raw, out, Config(), silent())  # doctest: +SKIP
        >>> sorted(res.manifest["outputs"])  # doctest: +SKIP
        ['links.parquet', 'quarantine.parquet', 'residents.parquet']
    """
    with (
        replacing(out, "clean", raw=raw, wait=wait, note=progress.info),
        scratch_folder(out) as scratch,
    ):
        return _run_clean(raw, out, cfg, progress, scratch, fresh)


def _run_clean(
    raw: Path, out: Path, cfg: Config, progress: Progress, scratch: Path, fresh: bool
) -> RunResult:
    started = time.perf_counter()
    inputs = find_inputs(raw)
    progress.info(f"{len(inputs)} input file(s): {', '.join(inputs)}")

    require_engine(cfg.run)
    budget = run_budget(cfg.run, cfg.resolve)
    rows_guess = sum(estimated_rows(path) for path in inputs.values())
    progress.info(
        f"memory budget {budget.memory_gb:.1f} GB: {budget.batch_rows:,} rows standardised "
        f"at a time, {budget.pairs_per_part:,} candidate pairs scored at a time"
    )
    check_budget(budget, rows_guess, str(raw), engine_gb(cfg.run, budget.memory_gb, rows_guess))
    with run_engine(cfg.run, scratch, progress, budget.memory_gb) as engine:
        return _run_on(raw, out, cfg, progress, scratch, fresh, engine, inputs, started, budget)


def _run_on(
    raw: Path,
    out: Path,
    cfg: Config,
    progress: Progress,
    scratch: Path,
    fresh: bool,
    engine: Engine,
    inputs: dict[str, Path],
    started: float,
    budget: Budget,
) -> RunResult:
    as_of = cfg.run_as_of()
    results = {
        source: processed_source(
            source, path, cfg, progress, scratch, batch_rows=budget.batch_rows, engine=engine.rows
        )
        for source, path in inputs.items()
    }
    counts = {source: r.counts for source, r in results.items()}
    _check_accounting(counts)

    version = package_versions()["dancu"]
    run_id = run_id_for((r.info.sha256 for r in results.values()), as_of, version)
    quarantine = pl.concat(
        [empty_quarantine(), *(r.quarantine for r in results.values())], how="vertical"
    )
    kept_rows = sum(r.rows for r in results.values())
    # week: what the previous run and the stewards left (io/previous.py, decisions/store.py)
    previous = read_previous_run(out)
    carried = PreviousRun() if fresh else previous
    pair_decisions, finding_decisions = read_pair_decisions(out), read_finding_decisions(out)
    start = time.perf_counter()
    resolve_cfg = replace(cfg.resolve, pairs_per_part=budget.pairs_per_part)
    scans = {source: r.scan() for source, r in results.items()}
    resolution = (
        resolved(
            scans,
            resolve_cfg,
            progress,
            work=scratch,
            previous=carried.links,
            decisions=pair_decisions,
            issued=carried.issued,
            run_id=run_id,
            as_of=as_of,
            previous_model=carried.model,
            previous_records=carried.records,
            engine=engine.parts,
        )
        if kept_rows
        else None
    )
    resolve_stage = StageRecord(
        "resolve", "all", kept_rows, kept_rows, 0, round(time.perf_counter() - start, 3)
    )
    if resolution is None:
        links = pl.DataFrame(schema=LINKS_SCHEMA)
        persons = golden_records(
            pl.DataFrame(
                schema={"person_id": pl.String, "source": pl.String, "record_id": pl.String}
            )
        )
    else:
        links, persons = resolution.links.cast(pl.Schema(LINKS_SCHEMA)), resolution.persons
    if links.height != kept_rows:
        raise OutputError(f"resolution linked {links.height} records of {kept_rows}")
    person = links.select("source", "record_id", "person_id")
    # what reconciliation, link findings and the scorecard read: a projection, not the registers
    frames = _projections(scans, person, set(CORE_COLUMNS))
    findings = (
        pl.concat([empty_findings().lazy(), *(r.scan_findings() for r in results.values())])
        .drop("person_id")
        .join(person.lazy(), on=["source", "record_id"], how="left", maintain_order="left")
        .select(empty_findings().columns)
        .collect()
    )
    start = time.perf_counter()
    with progress.step("reconcile registers") as detail:
        cross, cross_tally = engine.reconciled(frames, as_of, scratch)
        detail(f"{cross.height} cross-register findings")
    reconcile_stage = StageRecord(
        "reconcile", "all", kept_rows, kept_rows, 0, round(time.perf_counter() - start, 3)
    )
    findings = pl.concat([findings, link_findings(links, frames), cross])
    # week: the stewards' finding decisions: false alarms out, fixes that still show reopened
    week = findings_with_decisions(with_finding_keys(findings), finding_decisions)
    findings, suppressed = week.open, week.suppressed
    tally = pl.concat(
        [empty_tally(), *(r.tally for r in results.values()), link_tally(frames), cross_tally]
    )
    generated_at = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    with progress.step("score"):
        history = load_history(out)
        card = _scorecard(frames, findings, tally, counts, run_id, as_of, generated_at)
        card = with_change(card, previous_scorecard(history, card["generated_at"]))
        card["flow"] = _flow(findings, suppressed, previous, resolution, card)
    score_stage = StageRecord(
        "score", "all", kept_rows, kept_rows, 0, round(time.perf_counter() - start, 3)
    )

    outputs: dict[str, int] = {}
    with atomic_output(out, run_id, "clean", progress.info) as tmp:
        with progress.step("write outputs"):
            for source, scan in scans.items():  # one register in memory at a time
                kept = _with_person(scan, person).rename({"_row": "source_row"}).collect()
                outputs[f"{source}.parquet"] = write_parquet(kept, tmp / f"{source}.parquet")
                del kept
            outputs["links.parquet"] = write_parquet(links, tmp / "links.parquet")
            outputs["persons.parquet"] = write_parquet(persons, tmp / "persons.parquet")
            outputs["quarantine.parquet"] = write_parquet(quarantine, tmp / "quarantine.parquet")
            listed = [*FINDINGS_SCHEMA.names(), "finding_key", "finding_status"]
            outputs["findings.parquet"] = write_parquet(
                findings.select(listed), tmp / "findings.parquet"
            )
            # week: false alarms, id events (also kept in history/), pairs to review
            outputs["findings_suppressed.parquet"] = write_parquet(
                suppressed.select(*listed, "decided_by", "decided_on", "note"),
                tmp / "findings_suppressed.parquet",
            )
            events = resolution.events if resolution is not None else empty_events()
            outputs["person_events.parquet"] = write_parquet(events, tmp / "person_events.parquet")
            stamp = history_name(card).removeprefix("scorecard-").removesuffix(".json")
            (tmp / "history").mkdir(exist_ok=True)
            write_parquet(events, tmp / "history" / f"{EVENTS_PREFIX}{stamp}.parquet")
            review = resolution.review if resolution is not None else empty_review()
            outputs["review_pairs.parquet"] = write_parquet(review, tmp / "review_pairs.parquet")
            write_json(card, tmp / "scorecard.json")
            write_history(card, tmp)
            params = resolution.params if resolution is not None else None
            model = (
                params.to_json() if params else '{"fitted": false, "reason": "no candidate pairs"}'
            )
            (tmp / "model.json").write_text(model, encoding="utf-8")
        start = time.perf_counter()
        with progress.step("write reports and worklists") as detail:
            lang = cfg.clean.lang
            del frames  # the worklists' context: who each record is, for every record;
            # the values the findings name, read for the flagged records only
            frames = _projections(scans, person, {*CORE_COLUMNS, "address"})
            sheets = write_worklists(
                worklist_context(findings, frames, lang, values=scans),
                tmp / "reports" / "worklist", lang, created=as_of, run_id=run_id,
                suppressed=worklist_context(suppressed, frames, lang, values=scans),
            )  # fmt: skip
            asked = write_review_files(
                review, frames, tmp / "reports" / REVIEW_DIR, lang, created=as_of, run_id=run_id,
                band=cfg.resolve.review_band, threshold=cfg.resolve.match_threshold,
            )  # fmt: skip
            reports = write_reports(
                card, [*history, card], findings, tmp / "reports", ["vi", lang],
                targets=cfg.gate.min_score, worklists=sheets,
            )  # fmt: skip
            detail(
                f"{', '.join(p.name for p in reports)}, {len(sheets)} worklist and "
                f"{len(asked)} review files"
            )
        report_stage = StageRecord(
            "report", "all", findings.height, len(sheets), 0, round(time.perf_counter() - start, 3)
        )
        seconds = time.perf_counter() - started
        manifest = build_manifest(
            run_id=run_id,
            as_of=as_of,
            generated_at=generated_at,
            inputs=[r.info for r in results.values()],
            stages=[
                *(s for r in results.values() for s in r.stages),
                resolve_stage,
                reconcile_stage,
                score_stage,
                report_stage,
            ],
            outputs=outputs,
            counts=counts,
            seconds=seconds,
            findings={
                source: _finding_counts(findings.filter(pl.col("source") == source))
                for source in results
            },
            resolution=resolution.stats if resolution is not None else {},
            decisions={
                "pairs": resolution.decisions if resolution is not None else {},
                "findings": week.counts,
                "review_files": len(asked),
                "person_ids": "fresh" if fresh else "carried from the previous run",
            },
            engine={"name": engine.name, **({"master": engine.master} if engine.master else {})},
        )
        write_json(manifest, tmp / "manifest.json")
    total = sum(c["rows_in"] for c in counts.values())
    kept_total = sum(c["rows_kept"] for c in counts.values())
    progress.info(f"{total} rows in, {kept_total} kept, {total - kept_total} set aside → {out}")
    return RunResult(out=out, manifest=manifest, counts=counts, seconds=seconds, scorecard=card)
