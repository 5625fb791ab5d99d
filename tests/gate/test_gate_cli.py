"""`dancu gate` end to end on tiny output folders: exit codes, JUnit, summary, privacy.

Tests that exercise the thresholds or the regression run with empty suites (`--suites`), so
Great Expectations runs only where the suites are the point.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result
from gate_outputs import (
    IDS,
    NAMES,
    PERSON_IDS,
    PHONES,
    findings,
    group,
    links,
    persons,
    residents,
    scorecard,
    write_outputs,
)

from pipelines.cli import cli
from pipelines.gate.suites import OUTPUTS

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "expectations"


@pytest.fixture(autouse=True)
def no_ci_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write into a real CI job summary while testing."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "dancu.toml"
    path.write_text("[gate]\nmax_drop = 2.0\n", encoding="utf-8")
    return path


@pytest.fixture
def no_suites(tmp_path: Path) -> Path:
    folder = tmp_path / "empty-suites"
    folder.mkdir()
    for name in OUTPUTS:
        (folder / f"{name}.json").write_text(json.dumps({"name": name, "expectations": []}))
    return folder


def gate(out: Path, config: Path, suites: Path = SUITES, *extra: str, **env: str) -> Result:
    args = ["gate", "--out", str(out), "--config", str(config), "--suites", str(suites), "-q"]
    return CliRunner().invoke(cli, [*args, *extra], env=env or None)


def junit(out: Path) -> dict[str, ET.Element]:
    root = ET.parse(out / "reports" / "gate-junit.xml").getroot()
    return {case.get("name", ""): case for case in root.iter("testcase")}


def failed(out: Path) -> set[str]:
    return {name for name, case in junit(out).items() if case.find("failure") is not None}


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.json")}


def test_good_data_passes_and_gx_leaves_the_suites_untouched(
    good_out: Path, config: Path, tmp_path: Path
) -> None:
    before = digest(SUITES)
    summary = tmp_path / "step-summary.md"
    result = gate(good_out, config, GITHUB_STEP_SUMMARY=str(summary))
    assert result.exit_code == 0, result.output
    assert digest(SUITES) == before  # GX did not rewrite the repository's JSON
    assert "PASS  persons.person_id.unique" in result.output
    assert "SKIP  regression.baseline" in result.output
    assert re.search(r"^gate passed: \d+ checks", result.output, re.M)
    cases = junit(good_out)
    assert not failed(good_out)
    assert {"persons.person_id.unique", "links.orphan_person_id.null",
            "min_score.residents.song", "critical_findings.all"} <= set(cases)  # fmt: skip
    lines = [line for line in result.output.splitlines() if line[:4] in {"PASS", "SKIP", "WARN"}]
    assert len(lines) == len(cases)  # one table line per JUnit test case
    md = summary.read_text(encoding="utf-8")
    assert md.startswith("## dancu quality gate: gate passed")
    assert "`persons.person_id.unique`" in md


def test_invalid_ids_fail_and_nothing_personal_leaves_the_machine(
    tmp_path: Path, config: Path
) -> None:
    bad_ids = residents().with_columns(personal_id=pl.Series(["00120301234X", "12345", IDS[2]]))
    bad_ids = bad_ids.drop("legacy_id")  # and a contract column missing
    critical = findings(
        [
            {"source": "residents", "record_id": f"R{i + 1}", "rule": "personal_id.prefix",
             "value": IDS[i], "column": "personal_id"}
            for i in range(3)
        ]
        + [{"source": "insurance", "record_id": "B1", "rule": "insurance.paid_after_death",
            "value": PHONES[0], "column": "last_paid_on"}]
    )  # fmt: skip
    out = write_outputs(tmp_path / "clean", residents=bad_ids, findings=critical)
    result = gate(out, config)
    assert result.exit_code == 1, result.output
    assert failed(out) == {
        "residents.personal_id.match_regex",
        "residents.columns_to_match_set",
        "residents.legacy_id.match_regex",
        "critical_findings.all",
        "critical_findings.residents",
        "critical_findings.insurance",
    }
    columns = junit(out)["residents.columns_to_match_set"].find("failure")
    assert columns is not None and columns.get("message") == "missing columns: legacy_id"
    case = junit(out)["residents.personal_id.match_regex"]
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("2 of 3 values unexpected")
    assert "examples (masked): 001*******4X, 1***5" in failure.get("message", "")
    text = (out / "reports" / "gate-junit.xml").read_text(encoding="utf-8") + result.output
    for secret in [*IDS, *PHONES, *NAMES, "00120301234X"]:
        assert secret not in text, secret
    assert not re.search(r"\d{9,}", text)  # no ID, CMND, BHXH code or phone in clear


def test_duplicate_person_ids_and_broken_references_fail(tmp_path: Path, config: Path) -> None:
    dup = persons().with_columns(person_id=pl.Series([PERSON_IDS[0], PERSON_IDS[0], PERSON_IDS[2]]))
    no_b2 = links().filter(pl.col("record_id") != "B2")  # insurance record B2 left unlinked
    out = write_outputs(tmp_path / "clean", persons=dup, links=no_b2)
    result = gate(out, config)
    assert result.exit_code == 1, result.output
    assert "FAIL  persons.person_id.unique" in result.output
    assert failed(out) == {
        "persons.person_id.unique",
        "residents.orphan_person_id.null",  # R2's person is gone from persons
        "links.orphan_person_id.null",
        "insurance.unlinked_record_id.null",
    }
    message = junit(out)["insurance.unlinked_record_id.null"].find("failure")
    assert message is not None and message.get("message", "").startswith("1 of 2 values")


def test_a_register_not_in_the_run_is_skipped_not_failed(tmp_path: Path, config: Path) -> None:
    card = scorecard()
    del card["sources"]["insurance"]
    card["overall"] = group(4)
    out = write_outputs(
        tmp_path / "clean", card, links=links().filter(pl.col("source") != "insurance")
    )
    (out / "insurance.parquet").unlink()
    result = gate(out, config)
    assert result.exit_code == 0, result.output
    assert "SKIP  insurance.present" in result.output
    assert "insurance.parquet not present" in result.output
    assert junit(out)["insurance.present"].find("skipped") is not None


def test_a_score_under_its_floor_fails(tmp_path: Path, config: Path, no_suites: Path) -> None:
    out = write_outputs(tmp_path / "clean", scorecard(residents=group(3, song=66.67)))
    result = gate(out, config, no_suites)
    assert result.exit_code == 1, result.output
    assert failed(out) == {"min_score.residents.song"}  # the mean, 91.67, is above 87
    assert "FAIL  min_score.residents.song" in result.output


def test_accept_then_a_drop_beyond_the_allowed_points_fails(
    good_out: Path, config: Path, no_suites: Path
) -> None:
    result = gate(good_out, config, no_suites, "--accept")
    assert result.exit_code == 0, result.output
    baseline = good_out / "history" / "accepted-scorecard.json"
    assert baseline.read_bytes() == (good_out / "scorecard.json").read_bytes()
    assert "accepted as the baseline" in result.output

    dropped = scorecard("run2", residents=group(3, dung=97.0), civil_events=group(1, dung=98.5))
    (good_out / "scorecard.json").write_text(json.dumps(dropped), encoding="utf-8")
    result = gate(good_out, config, no_suites)
    assert result.exit_code == 1, result.output
    assert failed(good_out) == {"regression.residents.dung"}  # −3.0; civil_events −1.5 is fine
    assert "accepted run run1" in result.output

    result = gate(good_out, config, no_suites, "--accept")  # accept the new level knowingly
    assert result.exit_code == 0, result.output
    assert "WARN  regression.residents.dung" in result.output
    assert json.loads(baseline.read_text(encoding="utf-8"))["run_id"] == "run2"
    assert gate(good_out, config, no_suites).exit_code == 0


def test_accept_refuses_a_run_that_fails_the_gate(
    tmp_path: Path, config: Path, no_suites: Path
) -> None:
    out = write_outputs(tmp_path / "clean", scorecard(residents=group(3, dung=50.0)))
    result = gate(out, config, no_suites, "--accept")
    assert result.exit_code == 1
    assert "not accepted" in result.output
    assert not (out / "history" / "accepted-scorecard.json").exists()


def test_missing_outputs_exit_2_and_say_what_to_do(tmp_path: Path, config: Path) -> None:
    empty = tmp_path / "clean"
    empty.mkdir()
    for out in (empty, tmp_path / "nowhere"):
        result = gate(out, config)
        assert result.exit_code == 2
        assert "run `make clean`" in result.output and "scorecard.json" in result.output


def test_broken_config_or_suite_exit_2(good_out: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[gate]\nmax_drop = -1\n", encoding="utf-8")
    result = gate(good_out, bad)
    assert result.exit_code == 2
    assert "[gate] max_drop must be 0 or more" in result.output

    suites = tmp_path / "suites"
    suites.mkdir()
    for name in OUTPUTS:
        (suites / f"{name}.json").write_bytes((SUITES / f"{name}.json").read_bytes())
    (suites / "links.json").write_text('{"name": "links", "expectations": [', encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text("", encoding="utf-8")
    result = gate(good_out, good, suites)
    assert result.exit_code == 2
    assert "links.json: not readable JSON" in result.output
    assert not (good_out / "reports" / "gate-junit.xml").exists()


def test_an_unreadable_output_exits_2(good_out: Path, config: Path) -> None:
    (good_out / "links.parquet").write_bytes(b"not parquet")
    result = gate(good_out, config)
    assert result.exit_code == 2
    assert "cannot read the outputs" in result.output and "make clean" in result.output
