"""Scorecard: exact numbers recomputed by hand, the contract's shape, and metamorphic checks
on the whole pipeline (defects of one word lower that word only; clean data scores 100)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pipelines.config import CleanConfig, Config
from pipelines.progress import silent
from pipelines.run import run_clean
from pipelines.score import DIMENSIONS, rule_tally, scorecard, with_change
from tests.scoring_data import AS_OF, Registers, clean_registers

WORDS = (*DIMENSIONS, "score")


def _records() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": ["residents"] * 5 + ["insurance"] * 3,
            "record_id": ["R1", "R2", "R3", "R4", "R5", "B1", "B2", "B3"],
            "province_code": ["01", "01", "01", "79", None, "01", "79", "79"],
        }
    )


def _findings() -> pl.DataFrame:
    rows = [
        ("residents", "R1", "personal_id.format", "dung"),
        ("residents", "R1", "phone.invalid", "dung"),  # same record, same word: counts once
        ("residents", "R2", "personal_id.missing_adult", "du"),
        ("residents", "R4", "updated_at.stale", "song"),
        ("residents", "R4", "personal_id.format", "dung"),
        ("residents", "R5", "updated_at.stale", "song"),
        ("insurance", "B2", "bhxh.name_differs", "dung"),
        ("insurance", "B3", "person.duplicate_record", "sach"),
    ]
    return pl.DataFrame(rows, schema=["source", "record_id", "rule", "dimension"], orient="row")


def _tally() -> pl.DataFrame:
    records = _records()
    res = records.filter(pl.col("source") == "residents")
    ins = records.filter(pl.col("source") == "insurance")
    return pl.concat(
        [
            rule_tally(res, "personal_id.format"),
            rule_tally(res.filter(pl.col("record_id") != "R3"), "phone.invalid"),
            rule_tally(res, "personal_id.missing_adult"),
            rule_tally(res, "updated_at.stale"),
            rule_tally(ins, "bhxh.name_differs"),
            rule_tally(ins, "person.duplicate_record"),
        ]
    )


@pytest.fixture
def card() -> dict[str, Any]:
    meta = {"run_id": "r1", "as_of": "2026-11-22", "generated_at": "2026-11-24T00:00:00+00:00"}
    return scorecard(
        _records(),
        _findings(),
        _tally(),
        {"residents": 2, "insurance": 0},
        meta,
        {"01": "Thành phố Hà Nội", "79": "Thành phố Hồ Chí Minh"},
    )


def test_source_scores_are_shares_of_records_without_a_failing_rule(card: dict[str, Any]) -> None:
    res = card["sources"]["residents"]
    # 5 residents: đúng fails R1, R4 → 3/5; đủ fails R2 → 4/5; sạch none; sống R4, R5 → 3/5
    assert (res["rows"], res["quarantined"]) == (5, 2)
    assert res["failed_records"] == {"dung": 2, "du": 1, "sach": 0, "song": 2}
    assert [res[w] for w in DIMENSIONS] == [60.0, 80.0, 100.0, 60.0]
    assert res["score"] == pytest.approx((60 + 80 + 100 + 60) / 4)
    ins = card["sources"]["insurance"]
    assert [ins[w] for w in DIMENSIONS] == [round(200 / 3, 2), 100.0, round(200 / 3, 2), 100.0]
    assert ins["score"] == round((2 * 200 / 3 + 200) / 4, 2)


def test_rule_counts_are_records_checked_and_failed(card: dict[str, Any]) -> None:
    rules = {r["rule"]: r for r in card["sources"]["residents"]["rules"]}
    assert rules["personal_id.format"] | {} == {
        "rule": "personal_id.format",
        "dimension": "dung",
        "checked": 5,
        "failed": 2,
        "score": 60.0,
    }
    assert (rules["phone.invalid"]["checked"], rules["phone.invalid"]["failed"]) == (4, 1)
    assert rules["phone.invalid"]["score"] == 75.0
    assert [r["rule"] for r in card["sources"]["residents"]["rules"]] == sorted(rules)


def test_overall_pools_every_register(card: dict[str, Any]) -> None:
    overall = card["overall"]
    # 8 records: đúng R1 R4 B2, đủ R2, sạch B3, sống R4 R5
    assert (overall["rows"], overall["quarantined"]) == (8, 2)
    assert [overall[w] for w in DIMENSIONS] == [62.5, 87.5, 87.5, 75.0]
    assert overall["score"] == 78.12


def test_provinces_pool_registers_and_unplaced_records_are_kept_apart(
    card: dict[str, Any],
) -> None:
    provinces = {p["province_code"]: p for p in card["provinces"]}
    assert list(provinces) == ["01", "79"]
    hn, hcm = provinces["01"], provinces["79"]
    assert hn["province_name"] == "Thành phố Hà Nội"
    # Hà Nội: R1 R2 R3 B1 → đúng fails R1, đủ fails R2
    assert (hn["rows"], hn["dung"], hn["du"], hn["sach"], hn["song"]) == (4, 75.0, 75.0, 100, 100)
    # HCM: R4 B2 B3 → đúng R4 B2; sạch B3; sống R4
    assert hcm["failed_records"] == {"dung": 2, "du": 0, "sach": 1, "song": 1}
    assert card["unplaced"]["rows"] == 1 and card["unplaced"]["song"] == 0.0
    assert sum(p["rows"] for p in card["provinces"]) + card["unplaced"]["rows"] == 8
    hn_rules = {r["rule"]: r for r in hn["rules"]}
    assert (
        hn_rules["personal_id.format"]["checked"],
        hn_rules["personal_id.format"]["failed"],
    ) == (
        3,
        1,
    )


def test_every_number_can_be_recomputed_from_the_file(card: dict[str, Any]) -> None:
    groups = [card["overall"], card["unplaced"], *card["sources"].values(), *card["provinces"]]
    for g in groups:
        if not g["rows"]:
            assert all(g[w] is None for w in WORDS)
            continue
        exact = [100 * (1 - g["failed_records"][w] / g["rows"]) for w in DIMENSIONS]
        assert [g[w] for w in DIMENSIONS] == [round(x, 2) for x in exact]
        assert g["score"] == round(sum(exact) / 4, 2)
    for body in card["sources"].values():
        for r in body["rules"]:
            assert 0 <= r["failed"] <= r["checked"]
            assert r["score"] == round(100 * (1 - r["failed"] / r["checked"]), 2)


def test_change_against_the_previous_run(card: dict[str, Any]) -> None:
    before = json.loads(json.dumps(card))
    before["run_id"] = "r0"
    before["sources"]["residents"]["dung"] = 70.0
    before["overall"]["song"] = 80.0
    now = with_change(card, before)
    assert now["previous"]["run_id"] == "r0"
    assert now["change"]["sources"]["residents"]["dung"] == -10.0
    assert now["change"]["overall"]["song"] == -5.0
    assert now["change"]["overall"]["du"] == 0.0
    assert with_change(card, None)["change"] is None


# --- the whole pipeline ---------------------------------------------------------------------


def _run(regs: Registers, tmp: Path) -> dict[str, Any]:
    out = tmp / "clean"
    run_clean(regs.write(tmp / "raw"), out, Config(clean=CleanConfig(as_of=AS_OF)), silent())
    card: dict[str, Any] = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    return card


def test_data_without_defects_scores_100_everywhere(tmp_path: Path) -> None:
    card = _run(clean_registers(), tmp_path)
    groups = [card["overall"], *card["sources"].values(), *card["provinces"]]
    assert len(card["sources"]) == 3
    for g in groups:
        assert [g[w] for w in WORDS] == [100.0] * 5
    assert card["previous"] is None


def _damaged(word: str) -> tuple[Registers, int]:
    """Return the clean registers with 5 lone residents damaged in one word's way."""
    regs = clean_registers()
    rows = regs.loners()[:5]
    res = regs.residents.with_row_index("__i")
    hit = pl.col("__i").is_in(rows)
    if word == "dung":  # the ID's gender digit contradicts the gender
        flipped = (
            pl.col("personal_id").str.slice(0, 3)
            + pl.when(pl.col("gender") == "Nam").then(pl.lit("1")).otherwise(pl.lit("0"))
            + pl.col("personal_id").str.slice(4)
        )
        res = res.with_columns(
            pl.when(hit).then(flipped).otherwise("personal_id").alias("personal_id")
        )
    elif word == "du":  # an adult without a personal ID
        res = res.with_columns(
            pl.when(hit).then(pl.lit("")).otherwise("personal_id").alias("personal_id")
        )
    elif word == "sach":  # the same person entered a second time
        extra = res.filter(hit).with_columns(pl.col("record_id") + "-2")
        res = pl.concat([res, extra])
    else:  # not updated for years
        res = res.with_columns(
            pl.when(hit).then(pl.lit("2022-01-10")).otherwise("updated_at").alias("updated_at")
        )
    regs.residents = res.drop("__i")
    return regs, len(rows)  # fmt: skip


@pytest.mark.parametrize("word", DIMENSIONS)
def test_defects_of_one_word_lower_that_word_only(tmp_path: Path, word: str) -> None:
    regs, n = _damaged(word)
    card = _run(regs, tmp_path)
    res = card["sources"]["residents"]
    assert res["failed_records"][word] == n
    assert res[word] == round(100 * (1 - n / res["rows"]), 2)
    for other in DIMENSIONS:
        if other != word:
            assert res[other] == pytest.approx(100.0, abs=0.5), other
            assert card["overall"][other] == pytest.approx(100.0, abs=0.5), other
    assert card["overall"][word] < 100.0
    for source in ("civil_events", "insurance"):
        assert card["sources"][source]["score"] == 100.0


def test_second_run_is_compared_with_the_first(tmp_path: Path) -> None:
    regs = clean_registers()
    first = _run(regs, tmp_path)
    damaged, _ = _damaged("song")
    second = _run(damaged, tmp_path)
    assert second["previous"]["run_id"] == first["run_id"]
    assert second["change"]["overall"]["song"] == round(
        second["overall"]["song"] - first["overall"]["song"], 2
    )
    assert second["change"]["overall"]["song"] < 0
    history = sorted((tmp_path / "clean" / "history").glob("scorecard-*.json"))
    assert [json.loads(p.read_text())["run_id"] for p in history] == [
        first["run_id"],
        second["run_id"],
    ]


def test_json_has_every_key_of_the_design_contract(card: dict[str, Any]) -> None:
    # DESIGN §5: the keys other tools read; docs/scorecard.md only adds to them
    assert {"run_id", "as_of", "generated_at", "overall", "sources", "provinces"} <= set(card)
    assert set(WORDS) <= set(card["overall"])
    for body in card["sources"].values():
        assert {"rows", *WORDS, "rules"} <= set(body)
        for rule in body["rules"]:
            assert set(rule) == {"rule", "dimension", "checked", "failed", "score"}
            assert isinstance(rule["checked"], int) and isinstance(rule["failed"], int)
    for province in card["provinces"]:
        assert {"province_code", "province_name", "rows", *WORDS} <= set(province)
        assert isinstance(province["province_code"], str)
    assert json.loads(json.dumps(card, ensure_ascii=False)) == card
