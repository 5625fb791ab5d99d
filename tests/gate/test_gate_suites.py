"""The repository's GX suites: every expectation tagged, every column real, JSON never rewritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate_outputs import civil_events, insurance, links, persons, residents

from pipelines.gate.errors import GateError
from pipelines.gate.frames import DERIVED
from pipelines.gate.suites import DIMENSIONS, OUTPUTS, SEVERITIES, load_suite, load_suites

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "expectations"
VIETNAMESE = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
CONTRACT = {
    "persons": persons().columns,
    "residents": residents().columns,
    "civil_events": civil_events().columns,
    "insurance": insurance().columns,
    "links": links().columns,
}


def test_there_is_one_suite_per_output_and_nothing_else() -> None:
    assert sorted(p.stem for p in SUITES.glob("*.json")) == sorted(OUTPUTS)
    assert [s.name for s in load_suites(SUITES)] == list(OUTPUTS)


@pytest.mark.parametrize("name", OUTPUTS)
def test_every_expectation_is_tagged_in_meta(name: str) -> None:
    raw = json.loads((SUITES / f"{name}.json").read_text(encoding="utf-8"))
    assert raw["name"] == name
    assert len(raw["expectations"]) >= 5
    for exp in raw["expectations"]:
        meta = exp["meta"]
        assert meta["dimension"] in DIMENSIONS, exp
        assert meta["severity"] in SEVERITIES, exp
        assert set(meta["description"].lower()) & VIETNAMESE, exp  # Vietnamese, with diacritics


@pytest.mark.parametrize("name", OUTPUTS)
def test_every_column_a_suite_reads_is_a_contract_or_derived_column(name: str) -> None:
    suite = load_suite(SUITES / f"{name}.json")
    for e in suite.expectations:
        for column in e.columns():
            assert column in CONTRACT[name] or column in DERIVED, (e.check, column)
    checks = [e.check for e in suite.expectations]
    assert len(checks) == len(set(checks))
    assert all(c.startswith(f"{name}.") for c in checks)


def test_suites_cover_uniqueness_and_referential_integrity() -> None:
    checks = {e.check for s in load_suites(SUITES) for e in s.expectations}
    assert {
        "persons.person_id.unique",
        "persons.unlinked_person_id.null",
        "links.orphan_person_id.null",
        "links.dangling_record_id.null",
        "residents.unlinked_record_id.null",
        "civil_events.unlinked_record_id.null",
        "insurance.unlinked_record_id.null",
        "residents.personal_id.match_regex",
        "insurance.insurance_code.match_regex",
        "residents.phone.match_regex",
    } <= checks


def _write(folder: Path, name: str, suite: object) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    return path


GOOD = {
    "type": "expect_column_values_to_not_be_null",
    "kwargs": {"column": "person_id"},
    "meta": {"dimension": "du", "severity": "critical", "description": "Có mã người"},
}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"meta": {**GOOD["meta"], "dimension": "dirty"}}, "meta.dimension"),
        ({"meta": {**GOOD["meta"], "severity": "info"}}, "meta.severity"),
        ({"meta": {**GOOD["meta"], "description": "has a person id"}}, "Vietnamese"),
        ({"severity": "warning"}, "disagrees with meta.severity"),
        ({"type": "check_it"}, "GX expectation"),
        ({"kwargs": {"column": "x", "value": {"$PARAMETER": "today"}}}, "unknown $PARAMETER"),
    ],
)
def test_a_broken_expectation_names_the_file_and_the_problem(
    tmp_path: Path, change: dict[str, object], needle: str
) -> None:
    path = _write(tmp_path, "persons", {"name": "persons", "expectations": [GOOD | change]})
    with pytest.raises(GateError) as info:
        load_suite(path)
    assert str(path) in str(info.value) and needle in str(info.value)
    assert info.value.exit_code == 2


def test_broken_json_wrong_name_duplicates_and_strangers_are_refused(tmp_path: Path) -> None:
    (tmp_path / "persons.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GateError, match="not readable JSON"):
        load_suite(tmp_path / "persons.json")
    path = _write(tmp_path, "persons", {"name": "links", "expectations": []})
    with pytest.raises(GateError, match="'name' must be 'persons'"):
        load_suite(path)
    path = _write(tmp_path, "persons", {"name": "persons", "expectations": [GOOD, GOOD]})
    with pytest.raises(GateError, match=r"set meta\.check"):
        load_suite(path)
    _write(tmp_path, "people", {"name": "people", "expectations": []})
    with pytest.raises(GateError, match=r"people\.json: no such output"):
        load_suites(tmp_path)
    with pytest.raises(GateError, match="suites folder not found"):
        load_suites(tmp_path / "nope")
