"""Thresholds, regression, JUnit and summaries, on hand-made scorecards and checks (no GX)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from gate_outputs import findings, group, scorecard

from pipelines.config import GateConfig, MinScores, ScoreFloors
from pipelines.gate.checks import Check, gate_passed
from pipelines.gate.errors import GateError
from pipelines.gate.junit import junit_xml
from pipelines.gate.regression import (
    accept_run,
    accepted_path,
    load_accepted,
    regression_checks,
)
from pipelines.gate.summary import append_step_summary, checks_table, markdown_summary
from pipelines.gate.thresholds import critical_checks, quarantine_checks, score_checks


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def test_score_floors_per_group_and_word() -> None:
    card = scorecard(residents=group(200, song=71.5), insurance={})
    checks = by_name(score_checks(card, GateConfig().min_score))
    assert checks["min_score.residents.song"].status == "fail"
    assert "sống 71.50, minimum 72.00" in checks["min_score.residents.song"].message
    assert "(57 of 200 records fail it)" in checks["min_score.residents.song"].message
    assert checks["min_score.residents.sach"].status == "pass"
    assert checks["min_score.civil_events.score"].status == "pass"
    assert checks["min_score.insurance"].status == "skip"  # no insurance in this run
    assert [n for n, c in checks.items() if c.status == "fail"] == ["min_score.residents.song"]
    floors = replace(MinScores(), residents=ScoreFloors(song=71.5))
    assert gate_passed(score_checks(card, floors))  # exactly at the floor passes


def test_quarantine_share_counts_input_rows() -> None:
    card = scorecard(residents=group(98, quarantined=2))
    checks = by_name(quarantine_checks(card, 0.0195))
    res = checks["quarantine_share.residents"]
    assert res.status == "fail"
    assert "2 of 100 input rows quarantined (2.00 %), at most 1.95 % allowed" in res.message
    assert checks["quarantine_share.all"].status == "pass"  # 2 of 103 = 1.94 %
    assert checks["quarantine_share.insurance"].status == "pass"


def test_critical_share_counts_records_once_and_only_critical_rules() -> None:
    card = scorecard(residents=group(10))
    rows = [
        {"source": "residents", "record_id": "R1", "rule": "personal_id.format", "value": "0012"},
        {"source": "residents", "record_id": "R1", "rule": "date.future", "value": "2099-01-01"},
        {"source": "residents", "record_id": "R2", "rule": "personal_id.format", "value": "12"},
        {"source": "residents", "record_id": "R3", "rule": "phone.legacy_mobile", "value": "0168"},
    ]
    f = findings(rows)
    rules = GateConfig().critical_rules
    checks = by_name(critical_checks(card, f, rules, 0.1))
    res = checks["critical_findings.residents"]
    assert res.status == "fail"
    assert res.message.startswith("2 of 10 records (20.00 %) have a critical finding")
    assert "by rule: personal_id.format 2, date.future 1" in res.message
    assert "2099-01-01" not in res.message and "0012" not in res.message
    assert checks["critical_findings.civil_events"].status == "pass"
    assert gate_passed(critical_checks(card, f, rules, 0.2))


def test_regression_against_the_accepted_run() -> None:
    base = scorecard("r0", residents=group(3, sach=90.0))
    now = scorecard("r1", residents=group(3, sach=87.9), insurance={})
    checks = by_name(regression_checks(now, base, 2.0))
    bad = checks["regression.residents.sach"]
    assert bad.status == "fail"
    assert "sạch 87.90, 90.00 in the accepted run r0" in bad.message and "-2.10" in bad.message
    assert checks["regression.residents.dung"].status == "pass"
    assert checks["regression.insurance"].status == "skip"
    assert gate_passed(regression_checks(now, base, 2.1))
    first = regression_checks(now, None, 2.0)
    assert [c.status for c in first] == ["skip"] and "--accept" in first[0].message


def test_accept_copies_the_scorecard_bytes_and_load_reads_it(tmp_path: Path) -> None:
    card = tmp_path / "scorecard.json"
    card.write_text(json.dumps(scorecard(), ensure_ascii=False, indent=1), encoding="utf-8")
    assert load_accepted(tmp_path) is None
    path = accept_run(card, tmp_path)
    assert path == accepted_path(tmp_path) == tmp_path / "history" / "accepted-scorecard.json"
    assert path.read_bytes() == card.read_bytes()
    assert load_accepted(tmp_path) == json.loads(card.read_text(encoding="utf-8"))
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(GateError, match=r"accepted-scorecard\.json: not a readable scorecard"):
        load_accepted(tmp_path)


CHECKS = [
    Check("persons.person_id.unique", "persons", False, "1 of 3 values unexpected; "
          "examples (masked): P00*********A1", dimension="sach", description="Mỗi người một mã"),
    Check("persons.personal_id.unique", "persons", False, "2 of 3", severity="warning"),
    Check("insurance.present", "insurance", True, "insurance.parquet not present", skipped=True),
    Check("min_score.all.dung", "thresholds", True, "đúng 99.00, minimum 95.00"),
]  # fmt: skip


def test_junit_has_one_case_per_check_and_marks_failures() -> None:
    root = ET.fromstring(junit_xml(CHECKS))
    assert root.get("tests") == "4" and root.get("failures") == "1" and root.get("skipped") == "1"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == [c.name for c in CHECKS]
    failure = cases["persons.person_id.unique"].find("failure")
    assert failure is not None and failure.get("message", "").startswith("1 of 3 values")
    assert "Mỗi người một mã" in (failure.text or "")
    assert cases["persons.personal_id.unique"].find("failure") is None
    assert "WARNING" in (cases["persons.personal_id.unique"].findtext("system-out") or "")
    assert cases["insurance.present"].find("skipped") is not None
    assert [s.get("name") for s in root.iter("testsuite")] == [
        "dancu.gate.persons", "dancu.gate.insurance", "dancu.gate.thresholds"]  # fmt: skip


def test_console_table_and_markdown_summary(tmp_path: Path) -> None:
    table = checks_table(CHECKS).splitlines()
    assert [line.split()[0] for line in table[1:]] == ["FAIL", "WARN", "SKIP", "PASS"]
    md = markdown_summary(CHECKS)
    assert md.startswith("## dancu quality gate: gate FAILED: 1 of 4 checks failed")
    assert "| ❌ | `persons.person_id.unique` |" in md
    assert "<details><summary>all 4 checks</summary>" in md
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    assert append_step_summary(md, {"GITHUB_STEP_SUMMARY": str(target)}) == target
    assert target.read_text(encoding="utf-8") == "earlier step\n" + md
    assert append_step_summary(md, {}) is None
