"""Each data rule, table-driven on small hand-built records: raw text in, findings out."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl
import pytest

from pipelines.ingest.headers import CANONICAL
from pipelines.rules import RULES
from pipelines.standardise import standardised
from pipelines.validate import FINDINGS_SCHEMA, validated

AS_OF = dt.date(2026, 11, 22)
STALE_BEFORE = dt.date(2025, 11, 22)

# A resident with nothing wrong: every later case changes one or two fields of it.
GOOD = {
    "record_id": "R1",
    "personal_id": "001090012345",  # Hà Nội, male (0), born 1990
    "full_name": "Nguyễn Văn An",
    "gender": "Nam",
    "birth_date": "05/03/1990",
    "ward": "Phường Ba Đình",
    "province": "Thành phố Hà Nội",
    "phone": "0912345678",
    "status": "alive",
    "updated_at": "2026-10-02",
}


def run(source: str, **fields: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (clean, findings) for one record of ``source`` built from GOOD + ``fields``."""
    row = {**GOOD, **fields} if source == "residents" else dict(fields)
    if source == "civil_events":
        row.setdefault("event_id", "E1")
        row["record_id"] = row["event_id"]
    row.setdefault("record_id", "X1")
    columns = [*CANONICAL[source], "record_id"]
    data = {c: [row.get(c)] for c in dict.fromkeys(columns)}
    frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.String)).with_columns(
        pl.lit(source).alias("source"), pl.lit(1).alias("source_row")
    )
    std = standardised(frame.lazy(), source, AS_OF).collect()
    return validated(std, source, STALE_BEFORE)


def rules_of(findings: pl.DataFrame) -> set[tuple[str, str]]:
    return set(findings.select("rule", "column").rows())


def test_a_good_record_has_no_findings() -> None:
    clean, findings = run("residents")
    assert findings.is_empty()
    assert findings.schema == FINDINGS_SCHEMA
    assert clean.select("personal_id", "gender", "birth_date", "phone", "province_code").row(0) == (
        "001090012345",
        "Nam",
        dt.date(1990, 3, 5),
        "0912345678",
        "01",
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"personal_id": "0010900123"}, {("personal_id.format", "personal_id")}),
        ({"personal_id": "00109001234X"}, {("personal_id.format", "personal_id")}),
        ({"personal_id": "003090012345"}, {("personal_id.prefix", "personal_id")}),
        ({"personal_id": "001190012345"}, {("personal_id.gender_digit", "personal_id")}),
        ({"personal_id": "001091012345"}, {("personal_id.birth_year", "personal_id")}),
        ({"personal_id": "001290012345"}, {("personal_id.birth_year", "personal_id")}),
        ({"birth_date": "31/02/1990"}, {("date.impossible", "birth_date")}),
        ({"birth_date": "hôm qua"}, {("date.unparseable", "birth_date")}),
        ({"gender": "không rõ"}, {("gender.unrecognised", "gender")}),
        ({"status": "mất tích?"}, {("status.unrecognised", "status")}),
        ({"phone": "0123"}, {("phone.invalid", "phone")}),
        ({"phone": "01688123456"}, {("phone.legacy_mobile", "phone")}),
        ({"province": "Tỉnh Mộng Mơ"}, {("address.unknown_province", "province")}),
        ({"ward": "Phường Không Có"}, {("address.unknown_ward", "ward")}),
        ({"full_name": "NGUYỄN VĂN AN"}, {("name.not_canonical", "full_name")}),
        ({"full_name": "Nguyễn  Văn An"}, {("name.not_canonical", "full_name")}),
        ({"full_name": "Ðinh Văn An"}, {("name.not_canonical", "full_name")}),
        ({"full_name": unicodedata.normalize("NFD", "Nguyễn Văn An")},
         {("name.not_canonical", "full_name")}),
        ({"full_name": "Nguyễn Văn Hoà"}, {("name.not_canonical", "full_name")}),
        ({"full_name": "Nguyen Van An"}, {("name.no_diacritics", "full_name")}),
        ({"full_name": "NGUYEN VAN AN"},
         {("name.no_diacritics", "full_name"), ("name.not_canonical", "full_name")}),
        ({"birth_date": "01/01/2030"}, {("date.future", "birth_date")}),  # the ID is not blamed
        ({"updated_at": "2020-01-01"}, {("updated_at.stale", "updated_at")}),
        ({"full_name": None}, {("required.missing", "full_name")}),
        ({"gender": " "}, {("required.missing", "gender")}),
        ({"personal_id": None}, {("personal_id.missing_adult", "personal_id")}),
        ({"status": "đã mất", "death_date": "01/01/1980"}, {("date.before_birth", "death_date")}),
        ({"birth_date": "1890", "personal_id": None, "legacy_id": "012345678"},
         {("age.implausible", "birth_date")}),
    ],
)  # fmt: skip
def test_each_rule_fires_on_its_defect(fields: dict[str, str | None], expected: set) -> None:
    _, findings = run("residents", **fields)
    assert rules_of(findings) == expected
    for rule in findings["rule"]:
        assert findings.filter(pl.col("rule") == rule)["dimension"].item() == RULES[rule].dimension


def test_future_birth_date_is_a_finding_and_the_value_is_removed() -> None:
    clean, findings = run("residents", birth_date="01/01/2030", personal_id="001030012345")
    assert ("date.future", "birth_date") in rules_of(findings)
    assert clean["birth_date"].item() is None
    assert findings.filter(pl.col("rule") == "date.future")["value"].item() == "01/01/2030"


def test_bad_id_is_removed_but_its_raw_value_is_kept_in_the_finding() -> None:
    clean, findings = run("residents", personal_id="0010 9001 23")
    assert clean["personal_id"].item() is None
    assert findings["value"].to_list() == ["0010 9001 23"]
    assert (
        findings["message"].item()
        == "personal_id is not 12 digits; it was removed from the clean record"
    )


def test_id_with_spaces_dots_dashes_is_repaired_without_a_finding() -> None:
    clean, findings = run("residents", personal_id="001.090-012 345")
    assert findings.is_empty()
    assert clean["personal_id"].item() == "001090012345"


def test_nine_digit_cmnd_moves_to_legacy_id() -> None:
    clean, findings = run("residents", personal_id="012345678")
    assert clean.select("personal_id", "legacy_id").row(0) == (None, "012345678")
    assert rules_of(findings) == {("personal_id.legacy_cmnd", "personal_id")}


@pytest.mark.parametrize(
    ("province", "ward", "district", "code", "rule"),
    [
        ("Thành phố Hồ Chí Minh", "Phường Bến Thành", None, "79", None),
        ("TP. Hồ Chí Minh", "P. Bến Nghé", "Quận 1", "79", "address.superseded_unit"),
        ("Tỉnh Quảng Bình", "Phường Đồng Phú", "Thành phố Đồng Hới", "44",
         "address.superseded_unit"),
    ],
)  # fmt: skip
def test_addresses_map_to_current_codes(
    province: str, ward: str, district: str | None, code: str, rule: str | None
) -> None:
    clean, findings = run("residents", province=province, ward=ward, district=district)
    assert clean["province_code"].item() == code
    assert clean["ward_code"].item() is not None
    assert {r for r, _ in rules_of(findings)} == ({rule} if rule else set())


@pytest.mark.parametrize(
    ("province", "district", "ward", "changed"),
    [
        # the province kept its name: the district (abolished) and the old ward changed
        ("Tỉnh Lai Châu", "Huyện Tam Đường", "Xã Bản Giang", {"district", "ward"}),
        ("TP. Hồ Chí Minh", "Quận 1", "P. Bến Nghé", {"district", "ward"}),
        # a merged province: all three units changed
        ("Tỉnh Quảng Bình", "Thành phố Đồng Hới", "Phường Đồng Phú",
         {"province", "district", "ward"}),
        # the commune kept its name (Bến Thành): only the district is out of date
        ("Thành phố Hồ Chí Minh", "Quận 1", "Phường Bến Thành", {"district"}),
    ],
)  # fmt: skip
def test_superseded_unit_names_the_units_that_changed(
    province: str, district: str, ward: str, changed: set[str]
) -> None:
    _, findings = run("residents", province=province, ward=ward, district=district)
    superseded = findings.filter(pl.col("rule") == "address.superseded_unit")
    assert set(superseded["column"]) == changed
    values = dict(superseded.select("column", "value").iter_rows())
    assert values == {
        c: {"province": province, "district": district, "ward": ward}[c] for c in changed
    }


def test_old_landline_in_an_old_record_is_flagged_but_kept() -> None:
    clean, findings = run("residents", phone="0838291234", updated_at="2016-05-01")
    assert ("phone.ambiguous_landline", "phone") in rules_of(findings)
    assert clean["phone"].item() == "0838291234"
    _, recent = run("residents", phone="0838291234")
    assert ("phone.ambiguous_landline", "phone") not in rules_of(recent)


def test_insurance_code_forms_and_bhxh_gender_convention() -> None:
    clean, findings = run(
        "insurance", full_name="Lê Thị Hoa", gender="0", birth_date="1985", insurance_code="0123"
    )
    assert clean.select("gender", "birth_date", "birth_date_precision").row(0) == (
        "Nữ",
        dt.date(1985, 1, 1),
        "year",
    )
    assert rules_of(findings) == {("insurance_code.format", "insurance_code")}
    assert clean["insurance_code"].item() is None
    clean, findings = run(
        "insurance",
        full_name="Lê Thị Hoa",
        gender="Nữ",
        birth_date="1985",
        insurance_code="001185012345",
    )
    assert findings.is_empty()
    assert clean.select("insurance_code", "personal_id").row(0) == (None, "001185012345")


def test_civil_event_types_in_vietnamese() -> None:
    clean, findings = run(
        "civil_events", event_type="Khai sinh", event_date="ngày 5 tháng 3 năm 2024",
        full_name="Trần Minh Khôi",
    )  # fmt: skip
    assert findings.is_empty()
    assert clean.select("event_type", "event_date").row(0) == ("birth", dt.date(2024, 3, 5))
    _, findings = run("civil_events", event_type="ly hôn", event_date="2024", full_name="Lê Bình")
    assert rules_of(findings) == {("event_type.unrecognised", "event_type")}


def test_unknown_columns_are_carried_through_untouched() -> None:
    frame = pl.DataFrame(
        {"record_id": ["R9"], "full_name": ["An"], "Ghi chú": ["  giữ nguyên  "]}
    ).with_columns(pl.lit("residents").alias("source"), pl.lit(1).alias("source_row"))
    std = standardised(frame.lazy(), "residents", AS_OF).collect()
    clean, _ = validated(std, "residents", STALE_BEFORE)
    assert clean["Ghi chú"].item() == "  giữ nguyên  "
