"""Address standardisation to the 2025 units: reference tables, matching, legacy crosswalk.

Expected codes are looked up independently of the code under test: by SQL on the package's
``dataset.db``, from ``converter_2025.json`` directly, or with the package's ``convert_address``.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pipelines.vn import admin_units as au
from pipelines.vn.addresses import OUTPUT_COLUMNS, STATUSES, standardised_addresses
from pipelines.vn.provinces_legacy import ID_PREFIXES

_SPEC = importlib.util.find_spec("vietnamadminunits")
assert _SPEC is not None and _SPEC.origin is not None
DATA = Path(_SPEC.origin).parent / "data"


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(DATA / "dataset.db")
    yield con
    con.close()


def sql_one(con: sqlite3.Connection, sql: str, *args: Any) -> Any:
    rows = con.execute(sql, args).fetchall()
    assert len(rows) == 1, (sql, args, rows)
    return rows[0][0]


def run(rows: list[tuple[str | None, str | None, str | None]]) -> list[dict[str, Any]]:
    lf = pl.LazyFrame(
        rows, schema={"province": pl.String, "district": pl.String, "ward": pl.String}, orient="row"
    )
    return standardised_addresses(lf).collect().to_dicts()


def std1(province: str | None, ward: str | None, district: str | None = None) -> dict[str, Any]:
    return run([(province, district, ward)])[0]


# --- reference tables ---------------------------------------------------------------------


def test_reference_table_sizes_and_cache() -> None:
    assert au.current_provinces().height == 34
    assert au.current_wards().height == 3321
    assert au.current_wards()["ward_code"].is_unique().all()
    assert au.legacy_units().height == 10040
    assert au.legacy_provinces().height == 63
    assert au.current_wards() is au.current_wards()  # loaded once per process
    assert au.crosswalk() is au.crosswalk()


def test_legacy_provinces_agree_with_id_prefix_table_by_code() -> None:
    by_code = dict(au.legacy_provinces().select("legacy_province_code", "province_code").rows())
    assert by_code == {prefix[1:]: new for prefix, (_, new) in ID_PREFIXES.items()}


def test_crosswalk_covers_every_legacy_unit_and_flags_splits() -> None:
    cw = au.crosswalk()
    units = au.legacy_units().select("legacy_district_code", "legacy_ward_code")
    keys = cw.select("legacy_district_code", "legacy_ward_code").unique()
    assert keys.height == units.height == 10040
    per_old = cw.group_by("legacy_district_code", "legacy_ward_code").agg(
        n=pl.len(), amb=pl.col("ambiguous").all(), defaults=pl.col("is_default").sum()
    )
    assert (per_old["amb"] == (per_old["n"] > 1)).all()
    assert (per_old["defaults"] == 1).all()  # exactly one package default, informational only
    conv = json.loads((DATA / "converter_2025.json").read_text(encoding="utf-8"))
    n_divided = sum(len(v) for v in conv["DICT_PROVINCE_WARD_DIVIDED"].values())
    assert per_old.filter(pl.col("amb")).height == n_divided == 471


def test_province_keys_keep_trap_codes_apart() -> None:
    keys = {k: (c, o) for k, c, o in au.province_keys().rows()}
    # DOMAIN §1.3: same name, different codes before and after 2025
    assert keys["quangtri"] == ("44", "45")
    assert keys["bacninh"] == ("24", "27")
    assert keys["laocai"] == ("15", "10")
    assert keys["quangbinh"] == (None, "44")
    assert keys["hcm"] == ("79", "79")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Khánh Hoà", "Khánh Hòa", True),
        ("Thuỷ", "Thủy", True),
        ("Ðà Nẵng", "Đà Nẵng", True),
        ("Văn Lang", "Văn Lăng", False),
        ("Thanh An", "Thạnh An", False),
    ],
)
def test_accent_key(a: str, b: str, same: bool) -> None:
    got = pl.select(au.accent_key_expr(pl.lit(a)) == au.accent_key_expr(pl.lit(b))).item()
    assert got is same


# --- current addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "ward", ["Phường Bến Thành", "P. Bến Thành", "P.Bến Thành", "ben thanh", "PHƯỜNG BẾN THÀNH"]
)
@pytest.mark.parametrize(
    "province",
    ["Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "TP HCM", "TPHCM", "Hồ Chí Minh", "Sài Gòn"],
)
def test_current_ben_thanh(db: sqlite3.Connection, province: str, ward: str) -> None:
    code = sql_one(
        db,
        "SELECT wardCode FROM admin_units WHERE ward = ? AND provinceCode = '79'",
        "Phường Bến Thành",
    )
    out = std1(province, ward)
    assert (out["province_code"], out["ward_code"], out["address_unit_status"]) == (
        "79",
        code,
        "current",
    )
    assert out["legacy_ward_code"] is None


@pytest.mark.parametrize(
    ("province", "code"),
    [
        ("Khánh Hoà", "56"),
        ("Khánh Hòa", "56"),
        ("Tỉnh Khánh Hòa", "56"),
        ("khanh hoa", "56"),
        ("Thanh Hoá", "38"),
        ("tỉnh thanh hóa", "38"),
        ("HN", "01"),
        ("Thành phố Hà Nội", "01"),
        ("Thừa Thiên Huế", "46"),
        ("TP. Huế", "46"),
        ("Đắk Lắk", "66"),
        # pre-2025 provinces: province level is a function, mapped by code
        ("Bình Dương", "79"),
        ("Quảng Bình", "44"),
        ("Bắc Giang", "24"),
        ("Yên Bái", "15"),
        ("Hà Giang", "08"),
        ("Quảng Nam", "48"),
        ("Bà Rịa - Vũng Tàu", "79"),
    ],
)
def test_province_only_is_missing_with_code(province: str, code: str) -> None:
    out = std1(province, None)
    assert out["province_code"] == code
    assert out["address_unit_status"] == "missing"
    assert out["ward_code"] is None


@pytest.mark.parametrize(
    ("province", "ward", "sql_province", "sql_ward"),
    [
        ("Tỉnh Khánh Hoà", "Phường Nha Trang", "Tỉnh Khánh Hòa", "Phường Nha Trang"),
        ("Thanh Hoá", "Phường Hạc Thành", "Tỉnh Thanh Hóa", "Phường Hạc Thành"),
        ("Ha Noi", "Phuong Hoan Kiem", "Thành phố Hà Nội", "Phường Hoàn Kiếm"),
        ("Quảng Trị", "Phường Đồng Hới", "Tỉnh Quảng Trị", "Phường Đồng Hới"),
        ("Đồng Tháp", "Phường Mỹ Tho", "Tỉnh Đồng Tháp", "Phường Mỹ Tho"),
        ("Hồ Chí Minh", "Đặc khu Côn Đảo", "Thành phố Hồ Chí Minh", "Đặc khu Côn Đảo"),
        ("Thái Nguyên", "Xã Văn Lăng", "Tỉnh Thái Nguyên", "Xã Văn Lăng"),
        ("Thái Nguyên", "Xã Văn Lang", "Tỉnh Thái Nguyên", "Xã Văn Lang"),
    ],
)
def test_current_wards_in_various_spellings(
    db: sqlite3.Connection, province: str, ward: str, sql_province: str, sql_ward: str
) -> None:
    code = sql_one(
        db,
        "SELECT wardCode FROM admin_units WHERE province = ? AND ward = ?",
        sql_province,
        sql_ward,
    )
    out = std1(province, ward)
    assert (out["ward_code"], out["address_unit_status"]) == (code, "current")


def test_every_current_ward_by_its_official_name(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT province, ward, provinceCode, wardCode FROM admin_units").fetchall()
    out = run([(p, None, w) for p, w, _, _ in rows])
    got = [(o["province_code"], o["ward_code"], o["address_unit_status"]) for o in out]
    assert got == [(pc, wc, "current") for _, _, pc, wc in rows]


# --- legacy addresses -----------------------------------------------------------------------


def test_legacy_ben_nghe_maps_to_phuong_sai_gon(db: sqlite3.Connection) -> None:
    import vietnamadminunits

    sai_gon = sql_one(
        db, "SELECT wardCode FROM admin_units WHERE provinceCode = '79' AND ward = 'Phường Sài Gòn'"
    )
    theirs = vietnamadminunits.convert_address("Phường Bến Nghé, Quận 1, TP.HCM")
    assert theirs.ward_code == sai_gon
    old = sql_one(
        db,
        "SELECT wardCode FROM admin_units_legacy WHERE ward = 'Phường Bến Nghé'"
        " AND district = 'Quận 1'",
    )
    for district in ["Quận 1", "Q.1", "Q1", "quan 1"]:
        out = std1("TP. Hồ Chí Minh", "Phường Bến Nghé", district)
        assert out["address_unit_status"] == "legacy_mapped"
        assert (out["province_code"], out["ward_code"]) == ("79", sai_gon)
        assert (out["legacy_province_code"], out["legacy_ward_code"]) == ("79", old)


@pytest.mark.parametrize(
    ("province", "district", "ward", "old_code", "new_code"),
    [
        ("Tỉnh Bình Dương", "Thành phố Thủ Dầu Một", "Phường Phú Cường", "74", "79"),
        ("Bình Dương", None, "Phường Phú Cường", "74", "79"),
        ("Quảng Bình", "Thành phố Đồng Hới", "Phường Đồng Hải", "44", "44"),  # trap: → Quảng Trị
        ("Tỉnh Quảng Bình", None, "Phường Đồng Hải", "44", "44"),
        ("Bắc Giang", "Huyện Lạng Giang", "Xã Tân Dĩnh", "24", "24"),  # trap: → Bắc Ninh
        ("Yên Bái", "Thành phố Yên Bái", "Phường Yên Ninh", "15", "15"),  # trap: → Lào Cai
        ("Hà Giang", None, "Phường Minh Khai", "02", "08"),
        ("Tỉnh Bắc Ninh", "Thành phố Bắc Ninh", "Phường Vũ Ninh", "27", "24"),  # trap: old 27
        ("Tiền Giang", "Thành phố Mỹ Tho", "Phường 1", "82", "82"),
        ("Long An", "Thành phố Tân An", "Phường 1", "80", "80"),
        ("Kiên Giang", None, "Phường Vĩnh Thanh Vân", "91", "91"),
        ("Bình Định", "Thành phố Quy Nhơn", "Phường Trần Phú", "52", "52"),
    ],
)
def test_legacy_abolished_and_trap_provinces(
    db: sqlite3.Connection,
    province: str,
    district: str | None,
    ward: str,
    old_code: str,
    new_code: str,
) -> None:
    import vietnamadminunits

    # the package's parser needs the district: give it the one SQL says the old ward was in
    full_district = district or sql_one(
        db,
        "SELECT district FROM admin_units_legacy WHERE provinceCode = ? AND ward = ?",
        old_code,
        ward,
    )
    theirs = vietnamadminunits.convert_address(f"{ward}, {full_district}, {province}")
    out = std1(province, ward, district)
    assert out["address_unit_status"] == "legacy_mapped"
    assert out["legacy_province_code"] == old_code
    assert out["province_code"] == new_code == theirs.province_code
    assert out["ward_code"] == theirs.ward_code
    # the legacy ward code really is that old ward (SQL, not the code under test)
    name = sql_one(
        db,
        "SELECT ward FROM admin_units_legacy WHERE wardCode = ? AND provinceCode = ?",
        out["legacy_ward_code"],
        old_code,
    )
    assert name == ward


def test_split_ward_is_ambiguous_with_province_only(db: sqlite3.Connection) -> None:
    conv = json.loads((DATA / "converter_2025.json").read_text(encoding="utf-8"))
    new_pkey, divided = next(iter(conv["DICT_PROVINCE_WARD_DIVIDED"].items()))
    old_key, candidates = next(iter(divided.items()))
    assert len(candidates) > 1
    province, district, ward, old_code = db.execute(
        "SELECT province, district, ward, wardCode FROM admin_units_legacy"
        " WHERE provinceKey || '_' || districtKey || '_' || wardKey = ?",
        (old_key,),
    ).fetchone()
    new_pc = sql_one(
        db, "SELECT DISTINCT provinceCode FROM admin_units WHERE provinceKey = ?", new_pkey
    )
    out = std1(province, ward, district)
    assert out["address_unit_status"] == "legacy_ambiguous"
    assert out["province_code"] == new_pc
    assert out["ward_code"] is None
    assert out["legacy_ward_code"] == old_code
    cand = au.crosswalk().filter(pl.col("legacy_ward_code") == old_code)
    assert cand.height == len(candidates) and cand["ambiguous"].all()


def test_island_district_without_ward(db: sqlite3.Connection) -> None:
    con_dao = sql_one(db, "SELECT wardCode FROM admin_units WHERE ward = 'Đặc khu Côn Đảo'")
    out = std1("Bà Rịa - Vũng Tàu", None, "Huyện Côn Đảo")
    assert (out["province_code"], out["ward_code"], out["address_unit_status"]) == (
        "79",
        con_dao,
        "legacy_mapped",
    )
    assert (out["legacy_province_code"], out["legacy_district_code"]) == ("77", "755")


def test_agreement_with_convert_address_on_non_split_wards() -> None:
    import vietnamadminunits

    non_split = au.crosswalk().filter(
        ~pl.col("ambiguous"), pl.col("legacy_ward_code").is_not_null()
    )
    units = au.legacy_units().join(
        non_split.select("legacy_district_code", "legacy_ward_code"),
        on=["legacy_district_code", "legacy_ward_code"],
    )
    sample = units[random.Random(2025).sample(range(units.height), 200)]
    theirs = [
        vietnamadminunits.convert_address(
            f"{r['legacy_ward_name']}, {r['legacy_district_name']}, {r['legacy_province_name']}"
        ).ward_code
        for r in sample.iter_rows(named=True)
    ]
    ours = run(
        list(
            sample.select(
                "legacy_province_name", "legacy_district_name", "legacy_ward_name"
            ).iter_rows()
        )
    )
    agree = sum(o["ward_code"] == t for o, t in zip(ours, theirs, strict=True))
    assert agree / len(theirs) >= 0.99, agree


# --- ambiguous, unknown, missing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "district", "ward", "status", "province_code"),
    [
        ("Hồ Chí Minh", None, "Phường 1", "ambiguous_ward", "79"),  # many old "Phường 1"
        ("Hồ Chí Minh", None, "xa thanh an", "ambiguous_ward", "79"),  # Thanh An / Thạnh An
        ("Thái Nguyên", None, "Van Lang", "ambiguous_ward", "19"),  # Văn Lang / Văn Lăng
        ("asdfgh", None, "Phường Bến Thành", "unknown_province", None),
        ("Hà Tây", None, "Xã Tân Lập", "unknown_province", None),  # abolished in 2008
        ("Tỉnh Thanh Hóa", None, "Phường Không Có", "unknown_ward", "38"),
        ("Bình Dương", None, "zzz", "unknown_ward", "79"),
        (None, None, None, "missing", None),
        ("", "", "", "missing", None),
        ("   ", None, "Phường Bến Thành", "missing", None),
        ("TP HCM", None, "  ", "missing", "79"),
    ],
)
def test_non_resolving_statuses(
    province: str | None,
    district: str | None,
    ward: str | None,
    status: str,
    province_code: str | None,
) -> None:
    out = std1(province, ward, district)
    assert out["address_unit_status"] == status
    assert out["province_code"] == province_code
    assert out["ward_code"] is None


def test_unknown_legacy_province_keeps_legacy_code() -> None:
    out = std1("Tỉnh Bình Dương", "xyz")
    assert (out["legacy_province_code"], out["province_code"]) == ("74", "79")


# --- frame contract ---------------------------------------------------------------------------


def test_frame_contract_order_columns_and_dtypes() -> None:
    lf = pl.LazyFrame(
        {
            "id": [3, 1, 2, 4],
            "tinh": ["TP HCM", None, "Bình Dương", "TP HCM"],
            "xa": ["Bến Thành", None, "Phú Cường", "Bến Thành"],
            "ward_code": ["stale"] * 4,
        }
    )
    out = standardised_addresses(lf, province="tinh", ward="xa").collect()
    assert out["id"].to_list() == [3, 1, 2, 4]
    assert out.columns == ["id", "tinh", "xa", *OUTPUT_COLUMNS]
    assert all(out.schema[c] == pl.String for c in OUTPUT_COLUMNS)
    assert set(out["address_unit_status"]) <= set(STATUSES)
    assert out["address_unit_status"].to_list() == [
        "current",
        "missing",
        "legacy_mapped",
        "current",
    ]
    assert out["ward_code"][0] == out["ward_code"][3] != "stale"


def test_lazy_until_collected_and_consistent_across_duplicates_and_engines() -> None:
    rows = [
        ("TP HCM", "Quận 1", "Phường Bến Nghé"),
        ("Hà Nội", None, "Tân Lập"),
        (None, None, None),
        ("Bình Dương", "", "Phú Cường"),
        ("Quảng Ngãi", "Huyện Lý Sơn", None),
        ("xyz", "Q.1", "P.1"),
    ]
    lf = pl.LazyFrame(rows * 3, schema=["province", "district", "ward"], orient="row").with_columns(
        pl.col("province").cast(pl.Categorical)
    )
    plan = standardised_addresses(lf)
    assert isinstance(plan, pl.LazyFrame)
    one = standardised_addresses(
        pl.LazyFrame(rows, schema=["province", "district", "ward"], orient="row")
    )
    expected = pl.concat([one.collect()] * 3).select(OUTPUT_COLUMNS)
    for engine in ("in-memory", "streaming"):
        out = plan.collect(engine=engine)
        assert out.select(OUTPUT_COLUMNS).equals(expected), engine
        assert out["district"].to_list() == [r[1] for r in rows] * 3


def test_empty_frame() -> None:
    lf = pl.LazyFrame(schema={"province": pl.String, "ward": pl.String})
    out = standardised_addresses(lf).collect()
    assert out.height == 0
    assert out.columns == ["province", "ward", *OUTPUT_COLUMNS]
    assert all(out.schema[c] == pl.String for c in OUTPUT_COLUMNS)
