"""Reconcile stage: each cross-register rule flags the record to fix, and is tallied."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.reconcile import reconciled, reconciled_with_tally
from pipelines.rules import RULES

AS_OF = dt.date(2026, 11, 22)
D = dt.date


def _res(*rows: tuple[str, str, str | None, str, str, D | None, str]) -> pl.DataFrame:
    """Residents: record_id, person_id, personal_id, full_name, status, death_date, gender."""
    return pl.DataFrame(
        [
            {
                "source": "residents",
                "record_id": r[0],
                "person_id": r[1],
                "personal_id": r[2],
                "legacy_id": None,
                "full_name": r[3],
                "status": r[4],
                "death_date": r[5],
                "gender": r[6],
                "birth_date": D(1980, 5, 1),
                "birth_date_precision": "day",
                "province_code": "01",
            }
            for r in rows
        ],
        schema_overrides={"legacy_id": pl.String, "death_date": pl.Date, "personal_id": pl.String},
    )


def _ins(**cols: list[object]) -> pl.DataFrame:
    n = len(cols["record_id"])
    base: dict[str, list[object]] = {
        "source": ["insurance"] * n,
        "personal_id": [None] * n,
        "full_name": ["Nguyễn Văn An"] * n,
        "gender": ["Nam"] * n,
        "birth_date": [D(1980, 5, 1)] * n,
        "birth_date_precision": ["day"] * n,
        "status": ["active"] * n,
        "last_paid_on": [None] * n,
        "province_code": ["01"] * n,
    }
    return pl.DataFrame(
        base | cols,
        schema_overrides={"personal_id": pl.String, "last_paid_on": pl.Date},
    )


def _civ(**cols: list[object]) -> pl.DataFrame:
    n = len(cols["record_id"])
    base: dict[str, list[object]] = {
        "source": ["civil_events"] * n,
        "personal_id": [None] * n,
        "province_code": ["01"] * n,
    }
    return pl.DataFrame(base | cols, schema_overrides={"personal_id": pl.String})


def _rules(findings: pl.DataFrame) -> list[tuple[str, str]]:
    return sorted(findings.select("record_id", "rule").iter_rows())


AN = ("P1", None, "Nguyễn Văn An")


def test_death_in_civil_register_not_reflected_flags_the_resident() -> None:
    res = _res(("R1", "P1", None, "Nguyễn Văn An", "alive", None, "Nam"),
               ("R2", "P2", None, "Lê Thị Bình", "deceased", D(2025, 1, 1), "Nữ"))  # fmt: skip
    civ = _civ(record_id=["E1", "E2"], person_id=["P1", "P2"], event_type=["death"] * 2,
               event_date=[D(2025, 1, 2)] * 2)  # fmt: skip
    found, tally = reconciled_with_tally({"residents": res, "civil_events": civ}, AS_OF)
    assert ("R1", "death.not_reflected") in _rules(found)
    assert ("R2", "death.not_reflected") not in _rules(found)
    checked = tally.filter(pl.col("rule") == "death.not_reflected")["checked"].sum()
    assert checked == 2


def test_insurance_after_death_active_and_paid() -> None:
    res = _res(("R1", "P1", None, "Nguyễn Văn An", "deceased", D(2025, 3, 1), "Nam"))
    ins = _ins(record_id=["B1", "B2", "B3"], person_id=["P1", "P1", "P9"],
               status=["active", "closed", "active"],
               last_paid_on=[D(2025, 2, 1), D(2025, 4, 1), D(2026, 1, 1)])  # fmt: skip
    found = _rules(reconciled({"residents": res, "insurance": ins}, AS_OF))
    assert ("B1", "insurance.active_after_death") in found
    assert ("B1", "insurance.paid_after_death") not in found  # paid before the death
    assert ("B2", "insurance.paid_after_death") in found
    assert ("B2", "insurance.active_after_death") not in found
    assert not [r for r in found if r[0] == "B3" and "death" in r[1]]  # P9 is alive


def test_bhxh_value_wrong_only_when_no_register_record_agrees() -> None:
    res = _res(("R1", "P1", None, "Nguyễn Văn An", "alive", None, "Nam"),
               ("R2", "P1", None, "Nguyễn Văn Ân", "alive", None, "Nam"))  # fmt: skip
    ins = _ins(record_id=["B1", "B2", "B3"], person_id=["P1"] * 3,
               full_name=["NGUYEN VAN AN", "Nguyễn Văn Anh", "Nguyễn Văn An"],
               gender=["Nam", "Nam", "Nữ"],
               birth_date=[D(1980, 5, 1), D(1981, 5, 1), D(1980, 5, 1)])  # fmt: skip
    found = _rules(reconciled({"residents": res, "insurance": ins}, AS_OF))
    assert [r for r in found if r[0] == "B1"] == []  # accents and case do not count
    assert ("B2", "bhxh.name_differs") in found
    assert ("B2", "bhxh.birth_date_differs") in found
    assert ("B3", "bhxh.gender_differs") in found
    assert ("B3", "bhxh.name_differs") not in found


def test_birth_without_child_in_register() -> None:
    res = _res(("R1", "P1", None, "Nguyễn Văn An", "alive", None, "Nam"))
    civ = _civ(record_id=["E1", "E2", "E3"], person_id=["P1", "P2", "P3"],
               event_type=["birth", "birth", "marriage"],
               event_date=[D(2020, 1, 1)] * 3)  # fmt: skip
    found, tally = reconciled_with_tally({"residents": res, "civil_events": civ}, AS_OF)
    assert [r for r in _rules(found) if r[1] == "birth.child_not_in_register"] == [
        ("E2", "birth.child_not_in_register")
    ]
    assert tally.filter(pl.col("rule") == "birth.child_not_in_register")["checked"].sum() == 2


def test_cmnd_only_resident_is_expired_after_2024_and_not_before() -> None:
    res = _res(
        ("R1", "P1", None, "Nguyễn Văn An", "alive", None, "Nam"),
        ("R2", "P2", "001080012345", "Lê Thị Bình", "alive", None, "Nữ"),
        ("R3", "P3", None, "Lê Văn Cường", "deceased", D(2020, 1, 1), "Nam"),
    )
    res = res.with_columns(pl.Series("legacy_id", ["012345678", "023456789", "034567890"]))
    later = _rules(reconciled({"residents": res}, AS_OF))
    assert [r for r in later if r[1] == "legacy_id.expired"] == [("R1", "legacy_id.expired")]
    earlier = _rules(reconciled({"residents": res}, D(2024, 6, 1)))
    assert not [r for r in earlier if r[1] == "legacy_id.expired"]


def test_duplicate_resident_records_flag_all_but_one_and_shared_ids() -> None:
    res = _res(("R1", "P1", "001080012345", "Nguyễn Văn An", "alive", None, "Nam"),
               ("R2", "P1", "001080012345", "Nguyễn Văn An", "alive", None, "Nam"),
               ("R3", "P2", "001080012345", "Lê Văn Cường", "alive", None, "Nam"))  # fmt: skip
    found = _rules(reconciled({"residents": res}, AS_OF))
    dup = [r for r in found if r[1] == "person.duplicate_record"]
    assert dup == [("R2", "person.duplicate_record")]
    shared = [r[0] for r in found if r[1] == "personal_id.shared"]
    assert shared == ["R1", "R2", "R3"]


def test_every_finding_has_the_rule_dimension_and_is_tallied() -> None:
    res = _res(("R1", "P1", None, "Nguyễn Văn An", "alive", None, "Nam"),
               ("R2", "P1", None, "Nguyễn Văn An", "alive", None, "Nam"))  # fmt: skip
    civ = _civ(record_id=["E1"], person_id=["P1"], event_type=["death"],
               event_date=[D(2025, 1, 2)])  # fmt: skip
    ins = _ins(record_id=["B1"], person_id=["P1"], last_paid_on=[D(2026, 1, 1)])
    found, tally = reconciled_with_tally(
        {"residents": res, "civil_events": civ, "insurance": ins}, AS_OF
    )
    assert found.height > 0
    for rule, dim in found.select("rule", "dimension").unique().iter_rows():
        assert RULES[rule].dimension == dim
        failed = found.filter(pl.col("rule") == rule)["record_id"].n_unique()
        assert tally.filter(pl.col("rule") == rule)["checked"].sum() >= failed


def test_missing_registers_give_no_findings() -> None:
    res = _res(("R1", "P1", None, "Nguyễn Văn An", "alive", None, "Nam"))
    assert reconciled({"residents": res}, AS_OF).height == 0


def test_insurance_duplicate_keeps_the_most_complete_record() -> None:
    ins = _ins(record_id=["B1", "B2", "B3"], person_id=["P1", "P1", "P2"],
               insurance_code=[None, "0123456789", None])  # fmt: skip
    found = _rules(reconciled({"insurance": ins}, AS_OF))
    assert [r for r in found if r[1] == "person.duplicate_record"] == [
        ("B1", "person.duplicate_record")
    ]


def test_a_person_may_marry_twice_but_is_born_once() -> None:
    civ = _civ(
        record_id=["E1", "E2", "E3", "E4"],
        person_id=["P1"] * 4,
        event_type=["marriage", "marriage", "birth", "birth"],
        event_date=[D(2010, 1, 1), D(2020, 1, 1), D(1990, 1, 1), D(1990, 1, 1)],
    )
    found = _rules(reconciled({"civil_events": civ}, AS_OF))
    assert [r for r in found if r[1] == "person.duplicate_record"] == [
        ("E4", "person.duplicate_record")
    ]


def test_a_record_without_a_bhxh_code_is_not_a_second_code() -> None:
    from pipelines.resolve.link_findings import link_findings

    ins = _ins(record_id=["B1", "B2", "B3", "B4"], person_id=["P1", "P1", "P2", "P2"],
               insurance_code=[None, "0123456789", "1111111111", "2222222222"])  # fmt: skip
    links = ins.select("source", "record_id", "person_id")
    found = _rules(link_findings(links, {"insurance": ins.drop("person_id")}))
    several = [r for r in found if r[1] == "insurance_code.several_per_person"]
    assert several == [
        ("B3", "insurance_code.several_per_person"),
        ("B4", "insurance_code.several_per_person"),
    ]
