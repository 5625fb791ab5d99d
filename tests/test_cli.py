"""The `dancu` command line, driven through click's CliRunner on tiny generated data."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import cli


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(out), "--residents", "800", "--seed", "3", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, name
        assert command.help


def test_generate_writes_three_registers_and_truth(raw_dir: Path) -> None:
    names = {p.stem for p in raw_dir.iterdir() if p.is_file()}
    assert {"residents", "civil_events", "insurance"} <= names
    truth = pl.read_parquet(raw_dir / "_truth" / "truth.parquet")
    assert truth.height > 800
    assert (raw_dir / "_truth" / "defects.parquet").exists()


def test_generate_rejects_bad_rate(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(tmp_path), "--residents", "10", "--rate", "nope=0.1"]
    )
    assert result.exit_code == 2
    assert "--rate" in result.output
    assert not any(tmp_path.iterdir())


def test_generate_rate_override_changes_the_data(tmp_path: Path) -> None:
    def legacy_phone_share(rate: str, out: Path) -> float:
        args = ["generate", "--out", str(out), "--residents", "600", "--seed", "5", "--quiet"]
        result = CliRunner().invoke(cli, [*args, "--rate", f"legacy_phone={rate}"])
        assert result.exit_code == 0, result.output
        defects = pl.read_parquet(out / "_truth" / "defects.parquet")
        n = defects.filter(pl.col("defect") == "phone_legacy_11_digit").height
        return n / pl.read_parquet(out / "_truth" / "truth.parquet").height

    assert legacy_phone_share("0.5", tmp_path / "a") > 5 * legacy_phone_share("0.0", tmp_path / "b")


def test_clean_runs_and_prints_counts(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    result = CliRunner().invoke(
        cli, ["clean", "--raw", str(raw_dir), "--out", str(out), "--as-of", "2026-11-22", "-q"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2026-11-22"
    rows_in = manifest["accounting"]["residents"]["rows_in"]
    assert f"{rows_in:,}" in result.output
    assert "residents" in result.output


def test_clean_on_empty_folder_exits_2_with_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["clean", "--raw", str(tmp_path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert str(tmp_path) in result.output
    assert not (tmp_path / "o").exists()


def test_clean_missing_column_exit_2_names_file_and_column(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text("record_id,gender\nR1,Nam\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", "--raw", str(raw), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "residents.csv" in result.output
    assert "full_name" in result.output
    assert "Họ và tên" in result.output


def test_bad_as_of_and_bad_config_are_usage_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["clean", "--raw", str(tmp_path), "--as-of", "22/11/2026"])
    assert result.exit_code == 2
    assert "--as-of" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[clean]\nnope = 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", "--raw", str(tmp_path), "--config", str(bad)])
    assert result.exit_code == 2
    assert "unknown setting [clean] nope" in result.output


def test_evaluate_reports_pairwise_f1_and_writes_json(raw_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    args = ["clean", "--raw", str(raw_dir), "--out", str(out), "--as-of", "2026-11-22", "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    report = tmp_path / "eval.json"
    truth = raw_dir / "_truth" / "truth.parquet"
    result = CliRunner().invoke(
        cli, ["evaluate", "--out", str(out), "--truth", str(truth), "--json", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "pairwise precision / recall / F1" in result.output
    assert "Findings recall per defect kind" in result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert 0.9 < data["persons"]["overall"]["f1"] <= 1.0
    assert data["blocking"]["recall"] > 0.95


def test_evaluate_without_truth_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "--out", str(tmp_path), "--truth", str(tmp_path / "none.parquet")]
    )
    assert result.exit_code == 2
    assert "truth file not found" in result.output
