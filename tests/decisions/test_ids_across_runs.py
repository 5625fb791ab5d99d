"""Person ids across runs of one output folder: carried, logged, kept in history/, --fresh."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from week_fixtures import NEXT, week_config

from pipelines.bench_week import id_stability
from pipelines.generate.delivery import run_next_delivery
from pipelines.progress import silent
from pipelines.run import run_clean


def test_the_next_delivery_keeps_the_ids_and_logs_every_change(
    tmp_path: Path, week: tuple[Path, Path]
) -> None:
    raw, out = week
    before = pl.read_parquet(out / "links.parquet")
    raw2 = tmp_path / "raw-2"
    run_next_delivery(raw, raw2, change=0.05, seed=3, as_of=NEXT)
    run = run_clean(raw2, out, week_config(NEXT), silent())
    after = pl.read_parquet(out / "links.parquet")
    events = pl.read_parquet(out / "person_events.parquet")
    figures = id_stability(
        before, after, pl.read_parquet(raw / "_truth" / "truth.parquet"),
        pl.read_parquet(raw2 / "_truth" / "changes.parquet"), events,
    )  # fmt: skip
    assert figures["kept_share"] >= 0.99 and figures["id_changes_without_event"] == 0
    assert set(events["event"]) >= {"new", "retired"}  # people were added and removed
    assert set(events["run_id"]) == {run.manifest["run_id"]}
    ids = run.manifest["resolution"]["person_ids"]
    assert ids["carried_from_previous_run"] and ids["carried"] > 0
    # an id keeps the date it was first given; new ones are dated this run
    since = after.join(before.select("source", "record_id", pl.col("person_id").alias("was"),
                                     pl.col("person_since").alias("first")),
                       on=["source", "record_id"], how="left")  # fmt: skip
    kept = since.filter(pl.col("person_id") == pl.col("was"))
    assert (kept["person_since"] == kept["first"]).all()
    born = since.join(events.filter(pl.col("event") == "new").select("person_id"),
                      on="person_id", how="semi")  # fmt: skip
    assert set(born["person_since"]) == {NEXT}
    history = sorted(p.name for p in (out / "history").glob("person_events-*.parquet"))
    assert len(history) == 2  # one per run, kept across runs
    card = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    assert card["flow"]["persons"]["new"] == events.filter(pl.col("event") == "new").height
    assert card["flow"]["compared_with"]["as_of"] == "2026-11-22"


def test_fresh_starts_the_ids_from_the_records(week: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = week
    run_next_delivery(raw, tmp_path / "raw-2", change=0.05, seed=3, as_of=NEXT)
    run_clean(tmp_path / "raw-2", out, week_config(NEXT), silent(), fresh=True)
    run_clean(tmp_path / "raw-2", tmp_path / "elsewhere", week_config(NEXT), silent())
    fresh = pl.read_parquet(out / "links.parquet").select("source", "record_id", "person_id")
    first = pl.read_parquet(tmp_path / "elsewhere" / "links.parquet").select(
        "source", "record_id", "person_id"
    )
    assert fresh.equals(first)  # as if the folder held no earlier run
    assert pl.read_parquet(out / "person_events.parquet").height == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["decisions"]["person_ids"] == "fresh"


def test_a_later_run_reuses_u_when_the_population_barely_changed(
    week: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, out = week
    first = json.loads((out / "model.json").read_text(encoding="utf-8"))
    again = run_clean(raw, out, week_config(NEXT), silent())
    assert again.manifest["resolution"]["u"] == "reused from the previous run"
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert model["u_random"] == first["u_random"] and model["m"] == first["m"]
    fresh = run_clean(raw, out, week_config(NEXT), silent(), fresh=True)
    assert fresh.manifest["resolution"]["u"] == "estimated from random pairs"
