"""Partitioning changes memory, never results: tiny batches and partitions give the same outputs.

One run standardises every register in one batch and scores every candidate pair in one
partition; the other in batches of a few hundred rows and partitions of a few thousand pairs
(dozens of each). Every output must be the same, row for row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.config import Config, GenerateConfig, ResolveConfig, RunConfig
from pipelines.errors import MemoryBudgetError
from pipelines.generate import run_generate
from pipelines.generate.delivery import run_next_delivery
from pipelines.progress import silent
from pipelines.run import run_clean

AS_OF = dt.date(2026, 11, 22)
OUTPUTS = (
    "residents.parquet",
    "civil_events.parquet",
    "insurance.parquet",
    "links.parquet",
    "persons.parquet",
    "findings.parquet",
    "quarantine.parquet",
)


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    run_generate(out, GenerateConfig(residents=12_000, seed=5, as_of=AS_OF), silent())
    return out


def _clean(raw: Path, out: Path, batch_rows: int, pairs_per_part: int) -> dict[str, object]:
    cfg = dataclasses.replace(
        Config(),
        clean=dataclasses.replace(Config().clean, as_of=AS_OF),
        resolve=ResolveConfig(pairs_per_part=pairs_per_part),
        run=RunConfig(batch_rows=batch_rows),
    )
    return run_clean(raw, out, cfg, silent()).manifest


def test_tiny_batches_and_partitions_give_the_same_outputs(raw: Path, tmp_path: Path) -> None:
    whole = _clean(raw, tmp_path / "whole", batch_rows=10_000_000, pairs_per_part=100_000_000)
    tiny = _clean(raw, tmp_path / "tiny", batch_rows=700, pairs_per_part=2_000)
    assert whole["resolution"]["pair_partitions"] == 1
    assert tiny["resolution"]["pair_partitions"] >= 24
    assert whole["resolution"]["candidate_pairs"] == tiny["resolution"]["candidate_pairs"] > 0
    assert whole["accounting"]["residents"]["rows_in"] > 10 * 700  # the registers were batched
    for name in OUTPUTS:
        a = pl.read_parquet(tmp_path / "whole" / name)
        b = pl.read_parquet(tmp_path / "tiny" / name)
        assert a.height > 0 or name == "quarantine.parquet", name
        assert_frame_equal(a, b, check_exact=True)
    cards = [
        json.loads((tmp_path / run / "scorecard.json").read_text(encoding="utf-8"))
        for run in ("whole", "tiny")
    ]
    for card in cards:
        card.pop("generated_at", None)
        card.get("meta", {}).pop("generated_at", None)
    assert cards[0] == cards[1]
    for key in ("em_patterns", "persons", "pairs_matched", "blocking"):
        assert whole["resolution"][key] == tiny["resolution"][key], key


def test_a_run_that_cannot_fit_its_budget_says_so_before_any_work(
    raw: Path, tmp_path: Path
) -> None:
    """A budget below what any run needs: a clear error naming the inputs, nothing written."""
    cfg = dataclasses.replace(Config(), run=RunConfig(memory_gb=0.1))
    out = tmp_path / "clean"
    with pytest.raises(MemoryBudgetError) as caught:
        run_clean(raw, out, cfg, silent())
    text = str(caught.value)
    assert str(raw) in text and "memory_gb" in text and "0.1 GB" in text
    assert not out.exists()
    assert not any(p.name.startswith(".clean.scratch") for p in tmp_path.iterdir())


@pytest.mark.slow
def test_the_next_delivery_gives_the_same_outputs_in_any_partitions(
    raw: Path, tmp_path: Path
) -> None:
    """An incremental run (ids carried, u reused, id events) is as partition-free as a first."""
    nxt = tmp_path / "raw-next"
    run_next_delivery(raw, nxt, change=0.02, seed=3, as_of=AS_OF + dt.timedelta(days=7))
    runs = {"whole": (10_000_000, 100_000_000), "tiny": (700, 2_000)}
    manifests = {}
    for name, (batch, pairs) in runs.items():
        _clean(raw, tmp_path / name, batch_rows=batch, pairs_per_part=pairs)
        manifests[name] = _clean(nxt, tmp_path / name, batch_rows=batch, pairs_per_part=pairs)
    assert manifests["tiny"]["resolution"]["pair_partitions"] >= 24
    assert manifests["whole"]["resolution"]["u"] == "reused from the previous run"
    assert manifests["tiny"]["resolution"]["u"] == "reused from the previous run"
    events = pl.read_parquet(tmp_path / "whole" / "person_events.parquet")
    assert events.height > 0  # the change moved some persons: there is something to compare
    for name in (*OUTPUTS, "person_events.parquet", "review_pairs.parquet"):
        a = pl.read_parquet(tmp_path / "whole" / name)
        b = pl.read_parquet(tmp_path / "tiny" / name)
        assert_frame_equal(a, b, check_exact=True)
