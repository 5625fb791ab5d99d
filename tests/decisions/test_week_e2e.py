"""The steward's week end to end (slow): two deliveries, a review round trip, false alarms.

1. A first delivery is cleaned; the next week's, with 1 % of its records edited, removed or
   added, is cleaned into the same output folder: at least 99.9 % of the persons the change
   did not touch keep their ``person_id``, every id change has its event, and the second
   clean takes no longer than the first (with a margin for a shared machine).
2. A review file with some pairs marked ``cùng người`` and some ``khác người`` and a
   worklist with ``không phải lỗi`` rows are imported on the command line; the next run
   honours every decision, asks about none of those pairs again, and the false alarms are
   gone from the findings and counted.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from week_fixtures import fill, rows

from pipelines.bench_week import id_stability
from pipelines.cli import cli
from pipelines.config import CleanConfig, Config, GenerateConfig
from pipelines.generate import run_generate
from pipelines.generate.delivery import run_next_delivery
from pipelines.progress import silent
from pipelines.resolve.review import pair_key_parts
from pipelines.run import run_clean

pytestmark = pytest.mark.slow

W1, W2, W3 = dt.date(2026, 11, 22), dt.date(2026, 11, 29), dt.date(2026, 12, 6)
RESIDENTS = 30_000


def cfg(as_of: dt.date) -> Config:
    return Config(clean=CleanConfig(as_of=as_of))


def timed_clean(raw: Path, out: Path, as_of: dt.date) -> float:
    start = time.perf_counter()
    run_clean(raw, out, cfg(as_of), silent())
    return time.perf_counter() - start


def test_the_stewards_week(tmp_path: Path) -> None:
    raw1, raw2, out = tmp_path / "raw-1", tmp_path / "raw-2", tmp_path / "clean"
    run_generate(raw1, GenerateConfig(residents=RESIDENTS, seed=5, as_of=W1), silent())
    run_next_delivery(raw1, raw2, change=0.01, seed=6, as_of=W2)

    # 1. two deliveries into one folder
    first = timed_clean(raw1, out, W1)
    links1 = pl.read_parquet(out / "links.parquet")
    second = timed_clean(raw2, out, W2)
    figures = id_stability(
        links1,
        pl.read_parquet(out / "links.parquet"),
        pl.read_parquet(raw1 / "_truth" / "truth.parquet"),
        pl.read_parquet(raw2 / "_truth" / "changes.parquet"),
        pl.read_parquet(out / "person_events.parquet"),
    )
    assert figures["kept_share"] >= 0.999, figures
    assert figures["id_changes_without_event"] == 0, figures
    assert figures["events"].get("new", 0) > 0  # the added people got new ids, logged
    assert second <= 1.15 * first + 1.0, (first, second)  # shared machine: 15 % + 1 s noise

    # 2. the review round trip
    review = pl.read_parquet(out / "review_pairs.parquet").filter(pl.col("status") == "open")
    used: set[tuple[str, str]] = set()
    chosen: dict[str, str] = {}
    for row in review.sort("pair_key").iter_rows(named=True):
        ends = {(row["source_l"], row["record_id_l"]), (row["source_r"], row["record_id_r"])}
        if ends & used:
            continue
        used |= ends
        chosen[row["pair_key"]] = "cùng người" if len(chosen) % 2 == 0 else "khác người"
    assert len(chosen) >= 2, "the default review band asked about fewer than two pairs"
    review_files = sorted((out / "reports" / "review").glob("*.xlsx"))
    filled = [
        p for p in review_files
        if fill(p, lambda r: {"Quyết định": chosen[r["Mã cặp"]], "Người quyết định": "Chị Lan"}
                if r["Mã cặp"] in chosen else None)
    ]  # fmt: skip
    findings = pl.read_parquet(out / "findings.parquet")
    alone = findings.filter(pl.len().over("source", "record_id", "rule") == 1)
    false = alone.sort("finding_key")["finding_key"].head(5).to_list()
    worklists = sorted((out / "reports" / "worklist").glob("*.xlsx"))
    filled += [
        p for p in worklists
        if fill(p, lambda r: {"Trạng thái": "không phải lỗi"} if r["Mã vấn đề"] in false
                else None)
    ]  # fmt: skip
    result = CliRunner().invoke(cli, ["review", "import", "--out", str(out), *map(str, filled)])
    assert result.exit_code == 0, result.output

    run_clean(raw2, out, cfg(W3), silent())
    links = pl.read_parquet(out / "links.parquet")
    person = {(s, r): p for s, r, p in links.select("source", "record_id", "person_id").rows()}
    for key, decision in chosen.items():
        parts = pair_key_parts(key)
        assert parts is not None
        together = person[(parts[0], parts[1])] == person[(parts[2], parts[3])]
        assert together == (decision == "cùng người"), key
    asked = {
        r["Mã cặp"] for p in sorted((out / "reports" / "review").glob("*.xlsx")) for r in rows(p)
    }
    assert not asked & set(chosen)
    now = pl.read_parquet(out / "findings.parquet")
    assert not set(now["finding_key"]) & set(false)
    assert sorted(pl.read_parquet(out / "findings_suppressed.parquet")["finding_key"]) == sorted(
        false
    )
    flow = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))["flow"]
    assert flow["findings"]["false_alarms"] == 5
    assert flow["review"]["decided"] == len(chosen)
    labels = CliRunner().invoke(cli, ["evaluate", "--out", str(out), "--labels"])
    assert labels.exit_code == 0 and f"against {len(chosen)} stewards' decisions" in labels.output
