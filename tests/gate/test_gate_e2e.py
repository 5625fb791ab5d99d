"""The gate on a real `dancu clean` run (generated data): the shipped settings pass it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_real_run_passes_the_shipped_gate_and_can_be_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    runner = CliRunner()
    raw, out = tmp_path / "raw", tmp_path / "clean"
    config = ["--config", str(ROOT / "dancu.toml")]
    steps = [
        ["generate", "--out", str(raw), "--residents", "2000", "--seed", "11", "-q", *config],
        ["clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-22", "-q", *config],
    ]
    for args in steps:
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    gate = ["gate", "--out", str(out), "--suites", str(ROOT / "expectations"), "-q", *config]
    result = runner.invoke(cli, [*gate, "--accept"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output
    accepted = json.loads((out / "history" / "accepted-scorecard.json").read_text("utf-8"))
    assert accepted == json.loads((out / "scorecard.json").read_text("utf-8"))
    result = runner.invoke(cli, gate)
    assert result.exit_code == 0, result.output
    assert "PASS  regression.all.score" in result.output
