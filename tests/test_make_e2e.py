"""End to end through the Makefile, as a steward runs it (slow: generates and cleans data)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_make_clean_generates_when_raw_is_empty_and_counts_reconcile(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    proc = make("clean", f"RAW={raw}", f"OUT={out}", "N=3000", "SEED=11", "AS_OF=2026-11-22")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no raw files" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    links = pl.read_parquet(out / "links.parquet")
    quarantine = pl.read_parquet(out / "quarantine.parquet")
    truth = pl.read_parquet(raw / "_truth" / "truth.parquet")
    for source, acc in manifest["accounting"].items():
        assert acc["ok"] is True
        kept = links.filter(pl.col("source") == source)["record_id"]
        rejected = quarantine.filter(pl.col("source") == source)["record_id"].unique()
        assert acc["rows_kept"] == kept.len()
        assert acc["rows_in"] == acc["rows_kept"] + acc["rows_quarantined"]
        # every input record is either linked or quarantined, never both
        expected = set(truth.filter(pl.col("source") == source)["record_id"])
        assert set(kept) | set(rejected) == expected
        assert not set(kept) & set(rejected)
    # a second run with the same inputs and as-of date gives byte-identical data files
    first = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    proc = make("clean", f"RAW={raw}", f"OUT={out}", "AS_OF=2026-11-22")
    assert proc.returncode == 0, proc.stderr
    assert "no raw files" not in proc.stdout
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == first
