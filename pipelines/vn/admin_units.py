"""Vietnamese administrative-unit reference tables (2025 reform) as small polars DataFrames.

The data come from the installed ``vietnamadminunits`` 1.0.4 package (MIT): its SQLite file
``data/dataset.db`` (``admin_units``: 34 provinces / 3,321 communes after 1 July 2025;
``admin_units_legacy``: 63 provinces / 696 districts / 10,040 pre-2025 rows) and its converter
``data/converter_2025.json``. The files are read directly (the package itself is not imported),
once per process (:func:`functools.lru_cache`).

Old → new is **not a function** for split wards (DOMAIN.md §4): :func:`crosswalk` lists every new
ward an old ward went into, flags ``ambiguous`` when there are several and records the package's
default candidate in ``is_default`` without ever treating it as the answer. The province level is
a function, but it is mapped by **code** (seven new provinces carry an old province's name with
another old province's code, DOMAIN.md §1.3).

Matching keys are produced by :func:`fold_expr` / :func:`key_expr` (NFC, Ð→Đ, lowercase,
accents stripped, đ→d, spaces and punctuation dropped): both tone styles (hòa/hoà) give one key.
Unit-type prefixes and their abbreviations ("P.", "X.", "TT.", "Q.", "H.", "TX.", "TP.") are
expanded to full words first, so ``"P. Bến Thành"`` and ``"Phường Bến Thành"`` share the key
``"phuongbenthanh"``; the ``*_stripped`` variants drop the type word (``"benthanh"``).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipelines.vn.fold import accent_fold

_PACKAGE: Final = "vietnamadminunits"

#: Extra province spellings (stripped keys, i.e. without "tinh"/"thanhpho"/"tp") → current code.
CURRENT_PROVINCE_ALIASES: Final[dict[str, str]] = {
    "hn": "01",
    "hcm": "79",
    "hcmc": "79",
    "saigon": "79",
    "thuathienhue": "46",
    "daclac": "66",
    "daklac": "66",
}

#: Extra legacy province spellings (stripped keys) → legacy (pre-2025) province code.
LEGACY_PROVINCE_ALIASES: Final[dict[str, str]] = {
    "hn": "01",
    "hcm": "79",
    "hcmc": "79",
    "saigon": "79",
    "thuathienhue": "46",
    "daclac": "66",
    "daklac": "66",
    "brvt": "77",
    "baria": "77",
    "vungtau": "77",
    "daknong": "67",
    "dacnong": "67",
}

# (regex on folded text, replacement): abbreviations → full unit-type words.
_WARD_PREFIXES: Final[list[tuple[str, str]]] = [
    (r"^(?:p|f)\s*\.?\s*(\d)", "phuong ${1}"),
    (r"^(?:p|f)\s*[.\s]\s*", "phuong "),
    (r"^x\s*[.\s]\s*", "xa "),
    (r"^tt\s*[.\s]\s*", "thi tran "),
    (r"^dk\s*[.\s]\s*", "dac khu "),
]
_WARD_TYPES: Final = r"^(?:phuong|xa|thi\s*tran|dac\s*khu)\b\s*"

_DISTRICT_PREFIXES: Final[list[tuple[str, str]]] = [
    (r"^q\s*\.?\s*(\d)", "quan ${1}"),
    (r"^q\s*[.\s]\s*", "quan "),
    (r"^h\s*[.\s]\s*", "huyen "),
    (r"^tx\s*[.\s]\s*", "thi xa "),
    (r"^tp\s*[.\s]\s*", "thanh pho "),
]
_DISTRICT_TYPES: Final = r"^(?:quan|huyen|thi\s*xa|thanh\s*pho)\b\s*"

_PROVINCE_TYPES: Final = r"^(?:thanhpho|tinh|tp)"


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Fold Vietnamese text to trimmed lowercase ASCII, keeping spaces and punctuation.

    :func:`pipelines.vn.fold.accent_fold` (marks dropped, ``đ``/``ð`` → ``d``), lowercase, trimmed.

    Example:
        >>> pl.select(fold_expr(pl.lit("  Thành phố Hồ Chí Minh"))).item()
        'thanh pho ho chi minh'
    """
    return accent_fold(expr).str.to_lowercase().str.strip_chars()


def key_expr(expr: pl.Expr) -> pl.Expr:
    """Match key: :func:`fold_expr` then drop everything except ``a-z0-9``.

    Example:
        >>> pl.select(key_expr(pl.lit("Khánh Hoà"))).item() == "khanhhoa"
        True
    """
    return fold_expr(expr).str.replace_all(r"[^a-z0-9]", "")


_TONE_MARKS: Final = "\u0300\u0301\u0303\u0309\u0323"
_WARD_TYPES_ACCENTED: Final = (
    r"^(?:phường|phuong|xã|thị\s*trấn|thi\s*tran|đặc\s*khu|dac\s*khu|p|f|x|tt|dk)(?:\s*\.\s*|\s+)"
)


def accent_key_expr(expr: pl.Expr) -> pl.Expr:
    """Accent-preserving key, insensitive to tone placement (hòa = hoà, thủy = thuỷ).

    NFC, Ð→Đ, lowercase, NFD, then each tone mark is moved to the end of its word; spaces and
    punctuation are dropped. It tells apart names that :func:`key_expr` merges ("Văn Lang" /
    "Văn Lăng").

    Example:
        >>> a, b = accent_key_expr(pl.lit("Khánh Hoà")), accent_key_expr(pl.lit("Khánh Hòa"))
        >>> pl.select(a == b).item(), pl.select(a == accent_key_expr(pl.lit("Khánh Hoa"))).item()
        (True, False)
    """
    return (
        expr.str.normalize("NFC")
        .str.replace_all("Ð", "Đ", literal=True)
        .str.replace_all("ð", "đ", literal=True)
        .str.to_lowercase()
        .str.normalize("NFD")
        .str.replace_all(rf"([{_TONE_MARKS}])([\p{{L}}\p{{Mn}}]*)", "${2}${1}")
        .str.replace_all(r"[^\p{L}\p{N}\p{Mn}]", "")
    )


def ward_accent_key_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`accent_key_expr` of a ward name without its type word ("P.", "Phường", "Xã"…).

    Example:
        >>> a = ward_accent_key_expr(pl.lit("P. Bến Thành"))
        >>> pl.select(a == accent_key_expr(pl.lit("Bến Thành"))).item()
        True
    """
    text = (
        expr.str.normalize("NFC")
        .str.to_lowercase()
        .str.strip_chars()
        .str.replace(r"^(?:p|f)\s*\.?\s*(\d)", "${1}")
        .str.replace(_WARD_TYPES_ACCENTED, "")
    )
    return accent_key_expr(text)


def _expand(folded: pl.Expr, rules: list[tuple[str, str]]) -> pl.Expr:
    out = folded
    for pattern, replacement in rules:
        out = out.str.replace(pattern, replacement)
    return out


def province_key_expr(expr: pl.Expr) -> pl.Expr:
    """Province key without the "Tỉnh" / "Thành phố" / "TP" prefix.

    Example:
        >>> pl.select(province_key_expr(pl.lit("TP. HCM"))).item()
        'hcm'
    """
    return key_expr(expr).str.replace(_PROVINCE_TYPES, "")


def ward_key_exprs(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Ward keys ``(full, stripped)``: abbreviations expanded; the second without the type word.

    Example:
        >>> full, short = ward_key_exprs(pl.lit("P. Bến Thành"))
        >>> pl.select(full, short.alias("s")).row(0)
        ('phuongbenthanh', 'benthanh')
    """
    expanded = _expand(fold_expr(expr), _WARD_PREFIXES)
    full = expanded.str.replace_all(r"[^a-z0-9]", "")
    stripped = expanded.str.replace(_WARD_TYPES, "").str.replace_all(r"[^a-z0-9]", "")
    return full, stripped


def district_key_exprs(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """District keys ``(full, stripped)``: "Q.1" → ``("quan1", "1")``.

    Example:
        >>> full, short = district_key_exprs(pl.lit("Q.1"))
        >>> pl.select(full, short.alias("s")).row(0)
        ('quan1', '1')
    """
    expanded = _expand(fold_expr(expr), _DISTRICT_PREFIXES)
    full = expanded.str.replace_all(r"[^a-z0-9]", "")
    stripped = expanded.str.replace(_DISTRICT_TYPES, "").str.replace_all(r"[^a-z0-9]", "")
    return full, stripped


def _data_dir() -> Path:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{_PACKAGE} is not installed")
    return Path(spec.origin).parent / "data"


def _query(sql: str, columns: list[str]) -> pl.DataFrame:
    con = sqlite3.connect(f"file:{_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")


@lru_cache(maxsize=1)
def current_wards() -> pl.DataFrame:
    """Return the 3,321 current (post-1 July 2025) communes.

    Columns: ``province_code``, ``ward_code`` (5 digits), ``ward_name`` ("Phường Bến Thành"),
    ``ward_short`` ("Bến Thành"), ``ward_type`` (Phường / Xã / Đặc khu), ``key_full``,
    ``key_short``, ``accent_key`` (:func:`accent_key_expr` of the short name).

    Example:
        >>> current_wards().filter(pl.col("ward_code") == "26743")["ward_name"].item()
        'Phường Bến Thành'
    """
    df = _query(
        "SELECT provinceCode, wardCode, ward, wardShort, wardType FROM admin_units",
        ["province_code", "ward_code", "ward_name", "ward_short", "ward_type"],
    )
    full, _ = ward_key_exprs(pl.col("ward_name"))
    short = key_expr(pl.col("ward_short"))
    return df.with_columns(
        key_full=full, key_short=short, accent_key=accent_key_expr(pl.col("ward_short"))
    ).sort("ward_code")


@lru_cache(maxsize=1)
def current_provinces() -> pl.DataFrame:
    """Return the 34 current provinces: ``province_code``, ``province_name``, ``province_short``.

    Example:
        >>> current_provinces().height
        34
    """
    df = _query(
        "SELECT DISTINCT provinceCode, province, provinceShort FROM admin_units",
        ["province_code", "province_name", "province_short"],
    )
    return df.sort("province_code")


@lru_cache(maxsize=1)
def legacy_units() -> pl.DataFrame:
    """Return the 10,040 pre-2025 (province, district, ward) rows.

    Columns: ``legacy_province_code``, ``legacy_province_name``, ``legacy_province_short``,
    ``legacy_district_code``, ``legacy_district_name``, ``legacy_district_short``,
    ``legacy_ward_code``, ``legacy_ward_name``, ``legacy_ward_short``, plus match keys
    ``district_key_full``, ``district_key_short``, ``ward_key_full``, ``ward_key_short``,
    ``ward_accent_key``.
    Five island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) had no communes:
    their single row has null ward columns.

    Example:
        >>> legacy_units().filter(pl.col("legacy_ward_code") == "26740")["legacy_ward_name"][0]
        'Phường Bến Nghé'
    """
    df = _query(
        "SELECT provinceCode, province, provinceShort, districtCode, district, districtShort,"
        " wardCode, ward, wardShort FROM admin_units_legacy",
        [
            "legacy_province_code",
            "legacy_province_name",
            "legacy_province_short",
            "legacy_district_code",
            "legacy_district_name",
            "legacy_district_short",
            "legacy_ward_code",
            "legacy_ward_name",
            "legacy_ward_short",
        ],
    )
    d_full, _ = district_key_exprs(pl.col("legacy_district_name"))
    w_full, _ = ward_key_exprs(pl.col("legacy_ward_name"))
    return df.with_columns(
        district_key_full=d_full,
        district_key_short=key_expr(pl.col("legacy_district_short")),
        ward_key_full=w_full,
        ward_key_short=key_expr(pl.col("legacy_ward_short")),
        ward_accent_key=accent_key_expr(pl.col("legacy_ward_short")),
    ).sort("legacy_district_code", "legacy_ward_code")


@lru_cache(maxsize=1)
def _converter() -> dict[str, Any]:
    with open(_data_dir() / "converter_2025.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _sqlite_keys(sql: str) -> dict[str, tuple[str, ...]]:
    con = sqlite3.connect(f"file:{_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    try:
        return {str(row[0]): tuple(row[1:]) for row in con.execute(sql)}
    finally:
        con.close()


@lru_cache(maxsize=1)
def legacy_provinces() -> pl.DataFrame:
    """Return the 63 pre-2025 provinces with the code of the 2025 province they merged into.

    Columns: ``legacy_province_code``, ``legacy_province_name``, ``legacy_province_short``,
    ``province_code``. Derived by code from the converter's province map, never by name.

    Example:
        >>> old = legacy_provinces().filter(pl.col("legacy_province_code") == "44")
        >>> old["province_code"].item()
        '44'
    """
    new_code = {
        k: v[0]
        for k, v in _sqlite_keys(
            "SELECT DISTINCT provinceKey, provinceCode FROM admin_units"
        ).items()
    }
    old_code = {
        k: v[0]
        for k, v in _sqlite_keys(
            "SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy"
        ).items()
    }
    pairs = [
        (old_code[old_key], new_code[new_key])
        for new_key, old_keys in _converter()["DICT_PROVINCE"].items()
        for old_key in old_keys
    ]
    mapping = pl.DataFrame(
        pairs, schema={"legacy_province_code": pl.String, "province_code": pl.String}, orient="row"
    )
    names = (
        legacy_units()
        .select("legacy_province_code", "legacy_province_name", "legacy_province_short")
        .unique()
    )
    return names.join(mapping, on="legacy_province_code", how="left").sort("legacy_province_code")


@lru_cache(maxsize=1)
def province_keys() -> pl.DataFrame:
    """Province match keys: ``key`` → ``province_code`` (current) and ``legacy_province_code``.

    Keys are :func:`province_key_expr` of the short names, full names and package keywords, plus
    :data:`CURRENT_PROVINCE_ALIASES` / :data:`LEGACY_PROVINCE_ALIASES`. A key that names both a
    current and a pre-2025 province has both codes, which may differ (e.g. "quangtri": current
    44, legacy 45; DOMAIN.md §1.3).

    Example:
        >>> province_keys().filter(pl.col("key") == "quangbinh").row(0)
        ('quangbinh', None, '44')
    """
    cur_kw = _query(
        "SELECT DISTINCT provinceCode, provinceKeywords FROM admin_units",
        ["code", "kw"],
    )
    old_kw = _query(
        "SELECT DISTINCT provinceCode, provinceKeywords FROM admin_units_legacy",
        ["code", "kw"],
    )

    def keys(
        names: pl.DataFrame, keywords: pl.DataFrame, aliases: dict[str, str], out: str
    ) -> pl.DataFrame:
        name_keys = names.select(
            pl.col("code"),
            pl.concat_list(
                province_key_expr(pl.col("name")), province_key_expr(pl.col("short"))
            ).alias("key"),
        ).explode("key")
        kw_keys = keywords.select(
            pl.col("code"),
            pl.col("kw").str.json_decode(pl.List(pl.String)).alias("key"),
        ).explode("key")
        alias_keys = pl.DataFrame(
            {"code": list(aliases.values()), "key": list(aliases)},
            schema={"code": pl.String, "key": pl.String},
        )
        combined = pl.concat(
            [
                name_keys,
                kw_keys.with_columns(province_key_expr(pl.col("key"))),
                alias_keys.select("code", "key"),
            ],
            how="vertical_relaxed",
        )
        combined = combined.filter(pl.col("key").str.len_bytes() > 0).unique()
        clashes = combined.filter(pl.col("key").is_duplicated())
        if clashes.height:
            raise ValueError(f"province key maps to several codes: {clashes.rows()}")
        return combined.rename({"code": out})

    cur = keys(
        current_provinces().select(
            code="province_code", name="province_name", short="province_short"
        ),
        cur_kw,
        CURRENT_PROVINCE_ALIASES,
        "province_code",
    )
    old = keys(
        legacy_provinces().select(
            code="legacy_province_code",
            name="legacy_province_name",
            short="legacy_province_short",
        ),
        old_kw,
        LEGACY_PROVINCE_ALIASES,
        "legacy_province_code",
    )
    return (
        cur.join(old, on="key", how="full", coalesce=True)
        .select("key", "province_code", "legacy_province_code")
        .sort("key")
    )


@lru_cache(maxsize=1)
def crosswalk() -> pl.DataFrame:
    """Old ward → new ward(s), by code, from the package's 2025 converter.

    One row per (old unit, candidate new ward). Columns: ``legacy_province_code``,
    ``legacy_district_code``, ``legacy_ward_code`` (null for the five ward-less island
    districts), ``province_code``, ``ward_code``, ``is_default`` (the package's default guess for
    a split ward; informational only), ``n_candidates`` and ``ambiguous`` (``n_candidates > 1``:
    the old ward was split and no single new ward can be chosen from the code alone).

    Example:
        >>> cw = crosswalk()
        >>> cw.filter(pl.col("legacy_ward_code") == "26740")["ward_code"].to_list()
        ['26740']
    """
    old = _sqlite_keys(
        "SELECT provinceKey || '_' || districtKey || '_' || coalesce(wardKey, ''),"
        " provinceCode, districtCode, wardCode FROM admin_units_legacy"
    )
    new = _sqlite_keys(
        "SELECT provinceKey || '_' || wardKey, provinceCode, wardCode FROM admin_units"
    )
    conv = _converter()
    rows: list[tuple[Any, ...]] = []
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            target = new[f"{new_pkey}_{new_wkey}"]
            rows.extend((*old[o], *target, False) for o in old_keys)
    for new_pkey, divided in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, candidates in divided.items():
            rows.extend(
                (*old[old_key], *new[f"{new_pkey}_{c['newWardKey']}"], bool(c["isDefaultNewWard"]))
                for c in candidates
            )
    df = pl.DataFrame(
        rows,
        schema={
            "legacy_province_code": pl.String,
            "legacy_district_code": pl.String,
            "legacy_ward_code": pl.String,
            "province_code": pl.String,
            "ward_code": pl.String,
            "is_default": pl.Boolean,
        },
        orient="row",
    ).unique()
    n = pl.len().over("legacy_district_code", "legacy_ward_code")
    return df.with_columns(
        n_candidates=n.cast(pl.UInt32),
        ambiguous=n > 1,
        # a single candidate is the answer, whatever the package's default flag said
        is_default=pl.when(n > 1).then(pl.col("is_default")).otherwise(True),
    ).sort("legacy_district_code", "legacy_ward_code", "ward_code")


def province_written_current(raw: pl.Expr, code: pl.Expr) -> pl.Expr:
    """Return True where the province as written (``raw``) names the current province ``code``.

    "Tỉnh Lai Châu" for a Lai Châu address is current although the address may be in pre-2025
    units (its district and ward changed, the province did not); "Tỉnh Bình Dương" for an
    address now in Hồ Chí Minh (79) is not. Null where ``raw`` is null.

    Example:
        >>> raw = pl.Series(["Tỉnh Lai Châu", "Tỉnh Bình Dương", "TP. HCM"])
        >>> code = pl.Series(["12", "79", "79"])
        >>> pl.select(province_written_current(pl.lit(raw), pl.lit(code))).to_series().to_list()
        [True, False, True]
    """
    keys = province_keys().filter(pl.col("province_code").is_not_null())
    current = dict(zip(keys["key"], keys["province_code"], strict=True))
    named = province_key_expr(raw).replace_strict(current, default=None, return_dtype=pl.String)
    return raw.is_not_null() & (named == code).fill_null(False)


def ward_written_current(raw: pl.Expr, code: pl.Expr) -> pl.Expr:
    """Return True where the ward as written (``raw``) is the name of the current ward ``code``.

    False where the old ward has another name than the commune it went into, went into several
    (no ``code``), or is written as a "thị trấn" (a type of unit that no longer exists); null
    where ``raw`` is null.

    Example:
        >>> raw = pl.Series(["P. Bến Thành", "Bến Thành", "Phường Bến Nghé", "Xã Tân Lập"])
        >>> code = pl.Series(["26743", "26743", "26743", None])
        >>> pl.select(ward_written_current(pl.lit(raw), pl.lit(code))).to_series().to_list()
        [True, True, False, False]
    """
    wards = current_wards()
    short = dict(zip(wards["ward_code"], wards["key_short"], strict=True))
    full, written = ward_key_exprs(raw)
    name = code.replace_strict(short, default=None, return_dtype=pl.String)
    same = (written == name).fill_null(False) & ~full.str.starts_with("thitran")
    return pl.when(raw.is_not_null()).then(same)
