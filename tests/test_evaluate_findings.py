"""Tests of the findings-accuracy evaluation (recall per defect kind, false findings per rule)."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pytest
from polars._typing import PolarsDataType

import pipelines.generate as generate_pkg
from pipelines.evaluate.findings import (
    DERIVED_KINDS,
    EXPECTED_RULES,
    EXPLAINS,
    FINDING_COLUMN,
    NOT_FINDINGS,
    applicable_defects,
    false_finding_rate,
    findings_recall,
    findings_report,
    person_level_hits,
    unexplained_findings,
)
from pipelines.rules import RULES

DEFECT_SCHEMA = {
    "source": pl.String,
    "record_id": pl.String,
    "column": pl.String,
    "defect": pl.String,
}
FINDING_SCHEMA = {
    "source": pl.String,
    "record_id": pl.String,
    "rule": pl.String,
    "column": pl.String,
    "value": pl.String,
}
QUARANTINE_SCHEMA = FINDING_SCHEMA


def _frame(
    rows: list[tuple[str | None, ...]], schema: Mapping[str, PolarsDataType]
) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def _defects(*rows: tuple[str, str, str, str]) -> pl.DataFrame:
    return _frame(list(rows), DEFECT_SCHEMA)


def _findings(*rows: tuple[str, str, str, str, str | None]) -> pl.DataFrame:
    return _frame(list(rows), FINDING_SCHEMA)


NO_QUARANTINE = pl.DataFrame(schema=QUARANTINE_SCHEMA)


def _generator_kinds() -> set[str]:
    """Every defect kind literal passed to ``inject`` / ``DefectLog.add`` in pipelines/generate."""
    kinds: set[str] = set()
    for path in Path(generate_pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            position = {"inject": 4, "add": 3}.get(name)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                kinds.add(arg.value)
    return kinds


def test_generator_kinds_are_found_by_the_scan() -> None:
    kinds = _generator_kinds()
    # sanity: the AST scan sees kinds from each generator module
    assert {"id_bad_length", "date_format_variant", "insurance_mismatch", "address_moved"} <= kinds


def test_every_generator_kind_is_classified() -> None:
    kinds = _generator_kinds()
    classified = set(EXPECTED_RULES) | set(NOT_FINDINGS)
    assert kinds - classified == set(), "a new defect kind needs a mapping or a reason"
    assert set(EXPECTED_RULES).isdisjoint(NOT_FINDINGS)
    # only the derived exempt label is not emitted by the generator itself
    assert classified - kinds == {"id_missing_exempt"}


def test_deterministic_kinds_are_all_mapped() -> None:
    deterministic = {
        "id_bad_length",
        "id_gender_mismatch",
        "id_year_mismatch",
        "id_bad_prefix",
        "id_missing",
        "date_impossible",
        "date_future",
        "phone_legacy_11_digit",
        "address_legacy_unit",
        "updated_at_stale",
        "name_no_accents",
        "name_upper",
        "name_nfd",
        "name_eth",
        "name_extra_spaces",
        "name_tone_style",
    }
    assert deterministic <= set(EXPECTED_RULES)


def test_mapped_rules_are_declared_finding_rules() -> None:
    for rules in EXPECTED_RULES.values():
        for rule in rules:
            assert RULES[rule].outcome == "finding"
    assert set(FINDING_COLUMN) <= set(EXPECTED_RULES)
    for rule, kinds in EXPLAINS.items():
        assert rule in RULES
        assert kinds <= set(EXPECTED_RULES) | set(NOT_FINDINGS) | set(DERIVED_KINDS)


def test_recall_counts_a_missed_defect() -> None:
    defects = _defects(
        ("residents", "R1", "personal_id", "id_bad_prefix"),
        ("residents", "R2", "personal_id", "id_bad_prefix"),
        ("residents", "R3", "personal_id", "id_bad_prefix"),
        ("residents", "R4", "personal_id", "id_bad_prefix"),
        ("residents", "R1", "full_name", "name_typo"),  # not a finding kind: not counted
    )
    findings = _findings(
        ("residents", "R1", "personal_id.prefix", "personal_id", "991234567890"),
        ("residents", "R2", "personal_id.prefix", "personal_id", "981234567890"),
        ("residents", "R3", "personal_id.prefix", "personal_id", "971234567890"),
        # right record, wrong rule: R4 is missed
        ("residents", "R4", "personal_id.format", "personal_id", "12"),
    )
    out = findings_recall(findings, NO_QUARANTINE, defects)
    assert out.select("source", "defect", "injected", "found", "recall").rows() == [
        ("residents", "id_bad_prefix", 4, 3, 0.75)
    ]


def test_recall_needs_the_same_column_except_declared_exceptions() -> None:
    defects = _defects(
        ("residents", "R1", "birth_date", "date_future"),
        ("residents", "R2", "ward", "address_legacy_unit"),
    )
    findings = _findings(
        ("residents", "R1", "date.future", "death_date", "01/01/2099"),  # other column
        ("residents", "R2", "address.superseded_unit", "district", "Huyện Ba Vì"),
    )
    out = findings_recall(findings, NO_QUARANTINE, defects)
    recall = dict(zip(out["defect"], out["recall"], strict=True))
    assert recall == {"address_legacy_unit": 1.0, "date_future": 0.0}


def test_name_kinds_share_one_rule_and_sources_stay_apart() -> None:
    defects = _defects(
        ("residents", "R1", "full_name", "name_upper"),
        ("residents", "R2", "full_name", "name_nfd"),
        ("insurance", "BH1", "full_name", "name_upper"),
    )
    findings = _findings(
        ("residents", "R1", "name.not_canonical", "full_name", "AN"),
        ("residents", "R2", "name.not_canonical", "full_name", "An"),
    )
    out = findings_recall(findings, NO_QUARANTINE, defects)
    got = {(s, k): r for s, k, r in out.select("source", "defect", "recall").rows()}
    assert got == {
        ("insurance", "name_upper"): 0.0,
        ("residents", "name_nfd"): 1.0,
        ("residents", "name_upper"): 1.0,
    }


def test_quarantine_counts_only_when_it_names_the_column() -> None:
    defects = _defects(
        ("residents", "R1", "personal_id", "id_bad_length"),
        ("residents", "R2", "personal_id", "id_bad_length"),
    )
    quarantine = _frame(
        [
            ("residents", "R1", "record.unusable", "personal_id", "12"),
            ("residents", "R2", "record_id.duplicate", "record_id", "R2"),
        ],
        QUARANTINE_SCHEMA,
    )
    out = findings_recall(pl.DataFrame(schema=FINDING_SCHEMA), quarantine, defects)
    assert out.select("injected", "found", "quarantined", "recall").row(0) == (2, 1, 2, 0.5)


def test_id_missing_only_counts_for_living_adults_in_residents() -> None:
    defects = _defects(
        ("residents", "R1", "personal_id", "id_missing"),  # adult, alive: applies
        ("residents", "R2", "personal_id", "id_missing"),  # child
        ("residents", "R3", "personal_id", "id_missing"),  # deceased, shown deceased
        ("residents", "R4", "personal_id", "id_missing"),  # deceased, death not reflected
        ("residents", "R4", "status", "death_not_reflected"),
        ("residents", "R5", "personal_id", "id_missing"),  # has an old CMND
        ("insurance", "BH1", "personal_id", "id_missing"),  # no rule in insurance
    )
    truth = pl.DataFrame(
        {
            "source": ["residents"] * 5 + ["insurance"],
            "record_id": ["R1", "R2", "R3", "R4", "R5", "BH1"],
            "person_key": ["P1", "P2", "P3", "P4", "P5", "P1"],
        }
    )
    persons = pl.DataFrame(
        {
            "person_key": ["P1", "P2", "P3", "P4", "P5"],
            "birth_date": [dt.date(1980, 1, 1), dt.date(2015, 1, 1)] + [dt.date(1950, 1, 1)] * 3,
            "is_deceased": [False, False, True, True, False],
            "legacy_id": [None, None, None, None, "123456789"],
        }
    )
    out = applicable_defects(defects, truth, persons, dt.date(2026, 11, 22))
    applies = out.filter(pl.col("defect") == "id_missing")
    assert sorted(applies["record_id"]) == ["R1", "R4"]
    assert out.filter(pl.col("defect") == "id_missing_exempt").height == 4
    assert out.height == defects.height


def test_false_findings_are_those_no_defect_explains() -> None:
    truth = pl.DataFrame(
        {"source": ["residents"] * 10, "record_id": [f"R{i}" for i in range(10)]}
    ).with_columns(person_key=pl.col("record_id"))
    defects = _defects(
        ("residents", "R0", "phone", "phone_legacy_11_digit"),
        ("residents", "R1", "birth_date", "date_future"),  # explains birth_year by side effect
        ("residents", "R2", "full_name", "name_typo"),  # does not explain phone.invalid
    )
    findings = _findings(
        ("residents", "R0", "phone.legacy_mobile", "phone", "01688123456"),
        ("residents", "R1", "personal_id.birth_year", "personal_id", "001090000001"),
        ("residents", "R2", "phone.invalid", "phone", "0890123456"),
        ("residents", "R3", "phone.invalid", "phone", "0891234567"),
    )
    assert sorted(unexplained_findings(findings, defects)["record_id"]) == ["R2", "R3"]
    out = false_finding_rate(findings, defects, truth)
    rows = {r: (n, u, c, rate) for _, r, n, u, c, rate in out.rows()}
    assert rows["phone.invalid"] == (2, 2, 10, 0.2)
    assert rows["phone.legacy_mobile"] == (1, 0, 10, 0.0)
    assert rows["personal_id.birth_year"] == (1, 0, 10, 0.0)
    # a rule an injected defect expects shows up even when it never fired
    assert rows["date.future"] == (0, 0, 10, 0.0)


def test_report_runs_on_files(tmp_path: Path) -> None:
    out, truth_dir = tmp_path / "clean", tmp_path / "truth"
    out.mkdir()
    truth_dir.mkdir()
    _defects(
        ("residents", "R1", "phone", "phone_legacy_11_digit"),
        ("residents", "R2", "phone", "phone_legacy_11_digit"),
    ).write_parquet(truth_dir / "defects.parquet")
    pl.DataFrame(
        {"source": ["residents"] * 2, "record_id": ["R1", "R2"], "person_key": ["P1", "P2"]}
    ).write_parquet(truth_dir / "truth.parquet")
    pl.DataFrame(
        {
            "person_key": ["P1", "P2"],
            "birth_date": [dt.date(1980, 1, 1)] * 2,
            "is_deceased": [False, False],
            "legacy_id": pl.Series([None, None], dtype=pl.String),
        }
    ).write_parquet(truth_dir / "persons.parquet")
    _findings(
        ("residents", "R1", "phone.legacy_mobile", "phone", "01688123456"),
        ("residents", "R2", "phone.invalid", "phone", "0890123456"),
    ).write_parquet(out / "findings.parquet")
    NO_QUARANTINE.write_parquet(out / "quarantine.parquet")
    text = findings_report(out, truth_dir)
    assert "phone_legacy_11_digit" in text
    assert "residents phone_legacy_11_digit: missed e.g. R2" in text
    assert "residents phone.invalid: e.g. R2 ('089*****56')" in text


@pytest.mark.parametrize("kind", sorted(EXPECTED_RULES))
def test_mapping_entries_are_nonempty(kind: str) -> None:
    assert EXPECTED_RULES[kind]


def test_person_level_kind_is_found_on_any_record_of_the_person() -> None:
    defects = _defects(
        ("insurance", "B1", "insurance_code", "insurance_second_code"),
        ("insurance", "B3", "insurance_code", "insurance_second_code"),
    )
    # B2 is the same person as B1 and carries the duplicate finding; B3's person has none
    findings = _findings(
        ("insurance", "B2", "person.duplicate_record", "person_id", "P1"),
        ("insurance", "B4", "name.not_canonical", "full_name", "AN"),
    )
    truth = pl.DataFrame(
        {
            "source": ["insurance"] * 4,
            "record_id": ["B1", "B2", "B3", "B4"],
            "person_key": ["P1", "P1", "P2", "P2"],
        }
    )
    plain = findings_recall(findings, NO_QUARANTINE, defects)
    assert plain["found"].to_list() == [0]
    spread = findings_recall(person_level_hits(findings, truth), NO_QUARANTINE, defects)
    assert spread.select("injected", "found").rows() == [(2, 1)]
