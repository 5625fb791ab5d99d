"""The steward's week, measured: two deliveries into one output folder (``make bench-week``).

Generates a delivery (``N`` residents), cleans it, generates the next week's with ``--change``
of its records edited, removed or added, cleans that into the same output folder, and
prints the seconds of each clean and how stable the person ids are:

* the persons of the first run that the change did not touch (none of their records edited
  or removed, no record added to their true person) and the share of them whose records all
  keep their ``person_id``;
* the records whose id changed, and how many of those changes have no event linking the old
  and the new id (must be 0).

:func:`id_stability` is the measurement, a pure function of frames (also used by the slow
end-to-end test).

Example:
    >>> l1 = pl.DataFrame({"source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"],
    ...     "person_id": ["PA", "PA", "PB"]})
    >>> l2 = l1.with_columns(person_id=pl.Series(["PA", "PA", "PC"]))
    >>> truth = l1.select("source", "record_id", person_key=pl.Series(["a", "a", "b"]))
    >>> changes = pl.DataFrame(schema={"source": pl.String, "record_id": pl.String,
    ...     "person_key": pl.String, "change": pl.String})
    >>> ev = pl.DataFrame({"event": ["new"], "person_id": ["PC"], "other_person_id": ["PB"]})
    >>> s = id_stability(l1, l2, truth, changes, ev)
    >>> s["untouched_persons"], s["kept"], s["id_changes_without_event"]
    (2, 1, 0)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["id_stability", "main"]


def id_stability(
    links_before: pl.DataFrame,
    links_after: pl.DataFrame,
    truth_before: pl.DataFrame,
    changes: pl.DataFrame,
    events: pl.DataFrame,
) -> dict[str, Any]:
    """Return how many untouched persons kept their id and whether every change is logged.

    ``links_*``: the two runs' ``links.parquet``; ``truth_before``: the first delivery's
    ``truth.parquet``; ``changes``: the second's ``_truth/changes.parquet``; ``events``: the
    second run's ``person_events.parquet``.
    """
    before = links_before.select("source", "record_id", pl.col("person_id").alias("p1"))
    after = links_after.select("source", "record_id", pl.col("person_id").alias("p2"))
    touched_keys = changes.select("person_key").drop_nulls().unique()
    touched_records = changes.filter(pl.col("change") != "added").select("source", "record_id")
    keyed = before.join(truth_before, on=["source", "record_id"], how="left")
    touched = pl.concat(
        [
            keyed.join(touched_keys, on="person_key", how="semi").select("p1"),
            keyed.join(touched_records, on=["source", "record_id"], how="semi").select("p1"),
        ]
    ).unique()
    untouched = before.join(touched, on="p1", how="anti").join(
        after, on=["source", "record_id"], how="left"
    )
    per = untouched.group_by("p1").agg(pl.col("p2").eq_missing(pl.col("p1")).all().alias("kept"))
    moved = (
        before.join(after, on=["source", "record_id"])
        .filter(pl.col("p1") != pl.col("p2"))
        .select("p1", "p2")
    )
    linked = events.filter(pl.col("other_person_id").is_not_null())
    links = pl.concat(
        [
            linked.select(pl.col("person_id").alias("p1"), pl.col("other_person_id").alias("p2")),
            linked.select(pl.col("other_person_id").alias("p1"), pl.col("person_id").alias("p2")),
        ]
    ).unique()
    unlogged = moved.join(links, on=["p1", "p2"], how="anti")
    kept = int(per["kept"].sum())
    return {
        "persons_before": before["p1"].n_unique(),
        "untouched_persons": per.height,
        "kept": kept,
        "kept_share": kept / per.height if per.height else None,
        "records_with_new_id": moved.height,
        "id_changes_without_event": unlogged.height,
        "events": dict(events.group_by("event").len().sort("event").iter_rows()),
    }


def _clean(dancu: str, raw: Path, out: Path, as_of: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [dancu, "clean", "--raw", str(raw), "--out", str(out), "--as-of", as_of, "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the two-week bench (module docstring); print the figures, write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--change", type=float, default=0.01)
    parser.add_argument("--dir", type=Path, default=Path("data/bench/week"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    dancu = str(Path(sys.executable).with_name("dancu"))
    base: Path = args.dir
    for name in ("raw-1", "raw-2", "clean"):
        if (base / name).exists():
            shutil.rmtree(base / name)
    base.mkdir(parents=True, exist_ok=True)
    first, second = dt.date(2026, 11, 22), dt.date(2026, 11, 29)
    subprocess.run(
        [dancu, "generate", "--out", str(base / "raw-1"), "--residents", str(args.residents),
         "--seed", str(args.seed), "--as-of", first.isoformat(), "--quiet"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run(
        [dancu, "generate", "--from", str(base / "raw-1"), "--out", str(base / "raw-2"),
         "--change", str(args.change), "--seed", str(args.seed + 1),
         "--as-of", second.isoformat(), "--quiet"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    out = base / "clean"
    t1 = _clean(dancu, base / "raw-1", out, first.isoformat())
    links1 = pl.read_parquet(out / "links.parquet")
    t2 = _clean(dancu, base / "raw-2", out, second.isoformat())
    figures = id_stability(
        links1,
        pl.read_parquet(out / "links.parquet"),
        pl.read_parquet(base / "raw-1" / "_truth" / "truth.parquet"),
        pl.read_parquet(base / "raw-2" / "_truth" / "changes.parquet"),
        pl.read_parquet(out / "person_events.parquet"),
    )
    figures.update(
        residents=args.residents,
        change=args.change,
        first_clean_seconds=round(t1, 2),
        second_clean_seconds=round(t2, 2),
    )
    print(f"== the steward's week: {args.residents:,} residents, {args.change:.1%} changed")
    print(f"first delivery   clean {t1:6.1f} s")
    print(f"second delivery  clean {t2:6.1f} s  ({t2 / t1:.2f}× the first)")
    print(
        f"untouched persons {figures['untouched_persons']:,} of {figures['persons_before']:,}: "
        f"{figures['kept']:,} kept their person_id ({100 * (figures['kept_share'] or 0):.3f} %)"
    )
    print(
        f"records with a new id {figures['records_with_new_id']:,}, without an event "
        f"{figures['id_changes_without_event']}; events {figures['events']}"
    )
    (base / "bench-week.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
