"""End to end on generated data: two weekly `dancu clean` runs, the reports, then
`make email SEND=1` to a real SMTP server (slow: generates and cleans data)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from email_fixtures import Server, everything

from pipelines.cli import cli
from pipelines.report.render import render_reports
from pipelines.report.texts import fmt_num

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

PERSONAL = ("personal_id", "legacy_id", "insurance_code", "phone", "full_name")


def dancu(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output


def personal_values(out: Path) -> set[str]:
    """Return every ID, phone and full name (of three words or more) in the run's outputs."""
    values: set[str] = set()
    for name in ("residents", "civil_events", "insurance"):
        frame = pl.read_parquet(out / f"{name}.parquet")
        for column in PERSONAL:
            if column in frame.columns:
                values.update(v for v in frame[column].drop_nulls().to_list() if v)
    findings = pl.read_parquet(out / "findings.parquet", columns=["column", "value"])
    raw = findings.filter(pl.col("column").is_in(PERSONAL))["value"].drop_nulls().to_list()
    values.update(v for v in raw if len(v) >= 9)  # shorter raw values are fragments
    return {v for v in values if any(ch.isdigit() for ch in v) or len(v.split()) >= 3}


def test_make_email_sends_the_real_weekly_message(tmp_path: Path, smtp_server: Server) -> None:
    raw, out = tmp_path / "raw", tmp_path / "clean"
    dancu("generate", "--out", str(raw), "--residents", "2000", "--seed", "5", "-q")
    dancu("clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-15", "-q")
    dancu("clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-22", "-q")
    render_reports(out)
    env = {
        **os.environ,
        "DANCU_SMTP_HOST": "127.0.0.1",
        "DANCU_SMTP_PORT": str(smtp_server.port),
        "DANCU_SMTP_SECURITY": "none",
        "DANCU_MAIL_FROM": "dancu@so.example.vn",
        "DANCU_MAIL_TO": "lanh.dao@example.vn",
    }
    proc = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "email", f"OUT={out}", "SEND=1"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [got] = smtp_server.recorder.received
    card = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    score = fmt_num(card["overall"]["score"], "vi")
    assert got.message["Subject"].startswith(f"[dancu] Chất lượng dữ liệu tuần 47/2026: {score} (")
    text = everything(got.message)
    assert "So sánh với tuần 46/2026" in text
    assert [p.get_filename() for p in got.message.walk() if p.get_filename()] == [
        "trend.png",
        "scorecard.html",
    ]
    leaked = [v for v in personal_values(out) if v in text]
    assert leaked == []
    assert re.findall(r"(?<!\d)\d{12}(?!\d)", text) == []
