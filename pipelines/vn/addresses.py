"""Standardise Vietnamese (province, district, ward) addresses to the 2025 administrative units.

:func:`standardised_addresses` adds the current (post-1 July 2025) ``province_code`` and
``ward_code`` and, when the raw address used pre-2025 units, the legacy codes and the mapping
outcome. Only DISTINCT raw triples are normalised and matched (vectorised polars joins against
the reference tables of :mod:`pipelines.vn.admin_units`); the result is joined back. The distinct
triples are materialised once and resolved eagerly inside the lazy plan (one
:meth:`polars.LazyFrame.map_batches` node): match keys are computed per distinct province,
district and ward text, the current-ward match per distinct (province, ward) keys, and the
legacy search only for the keys that can need it (a district given, or no unique current match).

``address_superseded`` names the highest unit written in a pre-2025 form, whatever the status:
``province`` (a province merged away in 2025, e.g. "Bình Dương"), ``district`` (any district:
the level was abolished on 1 July 2025) or ``ward`` (an old ward, mapped or split); null when the
address is written in current units only.

``address_unit_status``:

* ``current`` — the (province, ward) pair names one current commune.
* ``legacy_mapped`` — the address is in pre-2025 units and its old ward went, whole, into
  exactly one new commune (crosswalk by code).
* ``legacy_ambiguous`` — the old ward was split between several new communes: ``province_code``
  is set (province level is a function), ``ward_code`` is null. The package's default candidate
  is never used silently; see :func:`pipelines.vn.admin_units.crosswalk`.
* ``ambiguous_ward`` — the ward name fits several communes of the province (e.g. "Tân Lập"
  without a district, or names equal after accent folding such as "Thanh An"/"Thạnh An");
  ``ward_code`` is null.
* ``unknown_ward`` — the province is known (``province_code`` set) but the ward matches nothing.
* ``unknown_province`` — the province text matches no current or 2004–2025 province (e.g. the
  pre-2008 "Hà Tây", or garbage).
* ``missing`` — province or ward is null/blank (``province_code`` is still set when the
  province alone resolves). Exception: a ward-less island district (e.g. "Huyện Côn Đảo")
  maps without a ward.

Resolution order, per distinct triple:

1. Province key (accents, "Tỉnh"/"Thành phố"/"TP" and aliases such as "HCM", "TPHCM", "Sài Gòn",
   "HN" ignored) → current code and/or legacy code. Seven names are both a current and an old
   province with different codes (DOMAIN.md §1.3); both readings are tried, and every code in the
   output comes from the reference tables by code.
2. Without a district, a unique current (province, ward) match wins → ``current``.
3. Otherwise the ward is looked up among pre-2025 wards of the legacy province of that name and
   of every old province merged into the named current province, restricted to the district
   when the district matches. A unique old ward → crosswalk → ``legacy_mapped`` or
   ``legacy_ambiguous``.
4. With a district but no legacy match, a unique current match is still accepted.

Name ranks: input with its type word against the full name ("Phường Bến Thành") beats input
against the short name ("Bến Thành" given bare), which beats the input stripped of its type word
against the short name ("Xã Bến Thành" → "Bến Thành"); only the best rank counts. Keys ignore
accents, so when several candidates remain, one whose accented name equals the input's (tone
placement ignored, :func:`pipelines.vn.admin_units.accent_key_expr`) wins: "Xã Văn Lăng" and
"Xã Văn Lang" resolve, unaccented "Van Lang" stays ``ambiguous_ward``.

Limitations: no fuzzy matching (typos → ``unknown_ward``); the district is only used to pin an
old ward, never validated on its own; a province name is read as itself (no inference from the
ward when the province is wrong or missing).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import polars as pl

from pipelines.vn import admin_units as au

STATUSES: Final[tuple[str, ...]] = (
    "current",
    "legacy_mapped",
    "legacy_ambiguous",
    "ambiguous_ward",
    "unknown_ward",
    "unknown_province",
    "missing",
)

OUTPUT_COLUMNS: Final[tuple[str, ...]] = (
    "province_code",
    "ward_code",
    "address_unit_status",
    "legacy_province_code",
    "legacy_district_code",
    "legacy_ward_code",
    "address_superseded",
)

# keys of one distinct normalised address
_K: Final[list[str]] = ["_pk", "_dkf", "_dks", "_wkf", "_wks", "_wak"]


def _long_ref(
    df: pl.DataFrame,
    group: list[str],
    code: str,
    full: str,
    short: str,
    accent: str | None = None,
) -> pl.LazyFrame:
    """Return reference keys in long form: ``group..., code, key, rk[, akey]`` (rk 1 = short)."""
    base = df.lazy().filter(pl.col(code).is_not_null())
    extra = {"akey": pl.col(accent)} if accent else {}
    return pl.concat(
        [
            base.select(*group, code, key=pl.col(full), rk=pl.lit(0, pl.Int8), **extra),
            base.select(*group, code, key=pl.col(short), rk=pl.lit(1, pl.Int8), **extra),
        ]
    ).unique()


def _long_input(
    lf: pl.LazyFrame,
    group: dict[str, pl.Expr],
    full: str,
    stripped: str,
    by: list[str] = _K,
) -> pl.LazyFrame:
    """Return input keys in long form: ``by..., group..., key, ik`` (1 = type word stripped)."""
    return (
        pl.concat(
            [
                lf.select(*by, **group, key=pl.col(full), ik=pl.lit(0, pl.Int8)),
                lf.select(*by, **group, key=pl.col(stripped), ik=pl.lit(1, pl.Int8)),
            ]
        )
        .filter(pl.col("key") != "")
        .drop_nulls(list(group))
    )


def _best(matches: pl.LazyFrame, by: list[str], accent: bool = False) -> pl.LazyFrame:
    """Keep the best-ranked candidates per ``by`` (rank = 2 * input kind + reference kind).

    With ``accent``, candidates whose accent key equals the input's (``_wak``) are preferred
    when there are any: "Văn Lăng" picks Xã Văn Lăng over Xã Văn Lang.
    """
    rank = pl.col("ik") * 2 + pl.col("rk")
    best = matches.with_columns(rank=rank).filter(pl.col("rank") == pl.col("rank").min().over(by))
    if not accent:
        return best
    exact = (pl.col("akey") == pl.col("_wak")).fill_null(False)
    return best.filter(exact | ~exact.any().over(by))


@lru_cache(maxsize=1)
def _refs() -> dict[str, pl.DataFrame]:
    """Build the reference tables of the resolution once per process (from :mod:`.admin_units`)."""
    legacy = au.legacy_units()
    ref_cur = _long_ref(
        au.current_wards(), ["province_code"], "ward_code", "key_full", "key_short", "accent_key"
    )
    ref_dist = _long_ref(
        legacy.select(
            "legacy_province_code",
            "legacy_district_code",
            "district_key_full",
            "district_key_short",
        ).unique(),
        ["legacy_province_code"],
        "legacy_district_code",
        "district_key_full",
        "district_key_short",
    )
    ref_ward = _long_ref(
        legacy,
        ["legacy_province_code", "legacy_district_code"],
        "legacy_ward_code",
        "ward_key_full",
        "ward_key_short",
        "ward_accent_key",
    )
    islands = legacy.lazy().filter(pl.col("legacy_ward_code").is_null())
    xwalk = (
        au.crosswalk()
        .lazy()
        .group_by("legacy_district_code", "legacy_ward_code")
        .agg(
            _x_n=pl.col("n_candidates").first(),
            _x_pc=pl.col("province_code").first(),
            _x_ward=pl.col("ward_code").first(),
        )
    )
    frames = pl.collect_all(
        [
            ref_cur,
            ref_dist,
            ref_ward,
            islands.select("legacy_district_code", "legacy_ward_code"),
            legacy.lazy().select(
                "legacy_district_code", "legacy_ward_code", "legacy_province_code"
            ),
            xwalk,
        ]
    )
    names = ("ref_cur", "ref_dist", "ref_ward", "islands", "units", "xwalk")
    return dict(zip(names, frames, strict=True))


def _resolve(keys: pl.DataFrame) -> pl.DataFrame:
    """Resolve distinct normalised keys ``_K`` to codes and a status.

    The current-ward match depends on the province and ward keys only, so it runs on their
    distinct tuples; the legacy search runs only for keys with a district or without a unique
    current match (a unique current match without a district is ``current`` whatever the
    legacy search would give).
    """
    refs = _refs()
    pkeys = au.province_keys().lazy()
    legacy_prov = au.legacy_provinces().lazy()
    lookups_all = (
        keys.lazy()
        .join(pkeys, left_on="_pk", right_on="key", how="left")
        .rename({"province_code": "_cur_pc", "legacy_province_code": "_leg_pc"})
        .collect()
    )

    # --- current wards, per distinct (province, ward) keys ------------------------------
    kw = ["_pk", "_wkf", "_wks", "_wak"]
    cur = (
        _long_input(
            lookups_all.lazy().select(*kw, "_cur_pc").unique(),
            {"province_code": pl.col("_cur_pc")},
            "_wkf",
            "_wks",
            by=kw,
        )
        .join(refs["ref_cur"].lazy(), on=["province_code", "key"])
        .pipe(_best, kw, accent=True)
        .group_by(kw)
        .agg(_cur_n=pl.col("ward_code").n_unique(), _cur_ward=pl.col("ward_code").first())
    )
    with_cur = lookups_all.lazy().join(cur, on=kw, how="left").collect()
    lookups = with_cur.lazy().filter((pl.col("_dkf") != "") | (pl.col("_cur_n").fill_null(0) != 1))

    # --- legacy provinces to search: the legacy one of that name + all merged into current ---
    search = (
        pl.concat(
            [
                lookups.select(*_K, legacy_province_code=pl.col("_leg_pc")),
                lookups.join(legacy_prov, left_on="_cur_pc", right_on="province_code").select(
                    *_K, "legacy_province_code"
                ),
            ]
        )
        .drop_nulls("legacy_province_code")
        .unique()
        .collect()
        .lazy()
    )

    dist = (
        _long_input(
            search,
            {"legacy_province_code": pl.col("legacy_province_code")},
            "_dkf",
            "_dks",
        )
        .join(refs["ref_dist"].lazy(), on=["legacy_province_code", "key"])
        .pipe(_best, _K)
        .select(*_K, "legacy_district_code")
        .unique()
        .collect()
        .lazy()
    )
    has_dist = dist.select(_K).unique().with_columns(_dist_ok=pl.lit(True))

    ward_cands = (
        _long_input(
            search,
            {"legacy_province_code": pl.col("legacy_province_code")},
            "_wkf",
            "_wks",
        )
        .join(refs["ref_ward"].lazy(), on=["legacy_province_code", "key"])
        .join(has_dist, on=_K, how="left")
        .join(
            dist.with_columns(_in_dist=pl.lit(True)),
            on=[*_K, "legacy_district_code"],
            how="left",
        )
        .filter(pl.col("_dist_ok").is_null() | pl.col("_in_dist").is_not_null())
        .pipe(_best, _K, accent=True)
        .select(*_K, "legacy_district_code", "legacy_ward_code")
    )
    # ward-less island districts: the district alone identifies the old unit
    island_cands = (
        dist.filter(pl.col("_wkf") == "")
        .join(refs["islands"].lazy(), on="legacy_district_code")
        .select(*_K, "legacy_district_code", "legacy_ward_code")
    )
    leg = (
        pl.concat([ward_cands, island_cands])
        .unique()
        .group_by(_K)
        .agg(
            _leg_n=pl.len(),
            legacy_district_code=pl.col("legacy_district_code").first(),
            legacy_ward_code=pl.col("legacy_ward_code").first(),
        )
    )
    units = refs["units"].lazy()
    xwalk = refs["xwalk"].lazy()
    leg = leg.join(
        units, on=["legacy_district_code", "legacy_ward_code"], how="left", nulls_equal=True
    ).join(xwalk, on=["legacy_district_code", "legacy_ward_code"], how="left", nulls_equal=True)

    res = (
        with_cur.lazy()
        .join(leg, on=_K, how="left")
        .join(
            legacy_prov.select(_lpk="legacy_province_code", _leg_new_pc="province_code"),
            left_on="_leg_pc",
            right_on="_lpk",
            how="left",
        )
    )
    has_p = pl.col("_pk") != ""
    has_d = pl.col("_dkf") != ""
    has_w = pl.col("_wkf") != ""
    # counts are null when nothing matched: compare on filled values (Kleene logic otherwise)
    cur_n = pl.col("_cur_n").fill_null(0)
    leg_n = pl.col("_leg_n").fill_null(0)
    x_n = pl.col("_x_n").fill_null(0)
    cur_one = cur_n == 1
    leg_one = leg_n == 1
    use_cur = cur_one & (~has_d | ~leg_one)
    # a name that fits several current communes is not resolved through an old unit unless a
    # district pins the old unit down
    use_leg = ~use_cur & leg_one & (has_d | (cur_n == 0))
    known_p = pl.col("_cur_pc").is_not_null() | pl.col("_leg_pc").is_not_null()
    status = (
        pl.when(~has_p)
        .then(pl.lit("missing"))
        .when(~known_p)
        .then(pl.lit("unknown_province"))
        .when(use_cur)
        .then(pl.lit("current"))
        .when(use_leg & (x_n == 1))
        .then(pl.lit("legacy_mapped"))
        .when(use_leg & (x_n > 1))
        .then(pl.lit("legacy_ambiguous"))
        .when(~has_w)
        .then(pl.lit("missing"))
        .when((cur_n > 1) | (leg_n > 1))
        .then(pl.lit("ambiguous_ward"))
        .otherwise(pl.lit("unknown_ward"))
    )
    province_only = (
        pl.when(known_p).then(pl.coalesce("_cur_pc", "_leg_new_pc")).otherwise(pl.lit(None))
    )
    return res.select(
        *_K,
        province_code=pl.when(use_cur)
        .then(pl.col("_cur_pc"))
        .when(use_leg)
        .then(pl.col("_x_pc"))
        .otherwise(province_only),
        ward_code=pl.when(use_cur)
        .then(pl.col("_cur_ward"))
        .when(use_leg & (x_n == 1))
        .then(pl.col("_x_ward")),
        address_unit_status=status,
        legacy_province_code=pl.when(use_leg)
        .then(pl.col("legacy_province_code"))
        .when(~use_cur & pl.col("_cur_pc").is_null())
        .then(pl.col("_leg_pc")),
        legacy_district_code=pl.when(use_leg).then(pl.col("legacy_district_code")),
        legacy_ward_code=pl.when(use_leg).then(pl.col("legacy_ward_code")),
        address_superseded=pl.when(
            has_p & pl.col("_cur_pc").is_null() & pl.col("_leg_pc").is_not_null()
        )
        .then(pl.lit("province"))
        .when(has_d)
        .then(pl.lit("district"))
        .when(use_leg)
        .then(pl.lit("ward")),
    ).collect()


_RAW: Final[list[str]] = ["_rp", "_rd", "_rw"]
_MAPPING_SCHEMA: Final[dict[str, pl.DataType]] = {
    **dict.fromkeys(_RAW, pl.String()),
    **dict.fromkeys(OUTPUT_COLUMNS, pl.String()),
}


def _mapping(triples: pl.DataFrame) -> pl.DataFrame:
    """Map distinct raw triples ``_rp, _rd, _rw`` to the output columns.

    Keys are computed once per distinct province, district and ward text (far fewer than the
    triples), then the distinct key tuples are resolved and joined back to the triples.
    """
    d_full, d_stripped = au.district_key_exprs(pl.col("_rd"))
    w_full, w_stripped = au.ward_key_exprs(pl.col("_rw"))
    prov = triples.select(pl.col("_rp").unique()).with_columns(
        _pk=au.province_key_expr(pl.col("_rp"))
    )
    dist = triples.select(pl.col("_rd").unique()).with_columns(_dkf=d_full, _dks=d_stripped)
    ward = triples.select(pl.col("_rw").unique()).with_columns(
        _wkf=w_full, _wks=w_stripped, _wak=au.ward_accent_key_expr(pl.col("_rw"))
    )
    keyed = (
        triples.lazy()
        .join(prov.lazy(), on="_rp", how="left", nulls_equal=True)
        .join(dist.lazy(), on="_rd", how="left", nulls_equal=True)
        .join(ward.lazy(), on="_rw", how="left", nulls_equal=True)
        .with_columns(pl.col(_K).fill_null(""))
        .collect()
    )
    resolved = _resolve(keyed.select(_K).unique())
    return keyed.join(resolved, on=_K, how="left").select(*_RAW, *OUTPUT_COLUMNS)


def standardised_addresses(
    lf: pl.LazyFrame,
    province: str = "province",
    district: str = "district",
    ward: str = "ward",
) -> pl.LazyFrame:
    """Add 2025 ``province_code``/``ward_code``, ``address_unit_status`` and legacy codes.

    ``district`` may be absent from the frame (treated as null). Existing columns named like the
    outputs (:data:`OUTPUT_COLUMNS`) are replaced. Row order and all other columns are kept.
    See the module docstring for the statuses and the resolution order.

    Example:
        >>> lf = pl.LazyFrame(
        ...     {
        ...         "province": ["TP. Hồ Chí Minh", "Tỉnh Bình Dương"],
        ...         "district": ["Quận 1", None],
        ...         "ward": ["Phường Bến Nghé", "Phường Phú Cường"],
        ...     }
        ... )
        >>> out = standardised_addresses(lf).collect()
        >>> out.select("province_code", "ward_code", "address_unit_status").rows()
        [('79', '26740', 'legacy_mapped'), ('79', '25747', 'legacy_mapped')]
    """
    schema = lf.collect_schema()
    dist_expr = pl.col(district) if district in schema else pl.lit(None, pl.String)
    base = lf.drop([c for c in OUTPUT_COLUMNS if c in schema]).with_columns(
        _rp=pl.col(province).cast(pl.String),
        _rd=dist_expr.cast(pl.String),
        _rw=pl.col(ward).cast(pl.String),
    )
    # The distinct triples are materialised once and resolved eagerly (:func:`_mapping`); as a
    # lazy sub-plan they were re-executed by every branch of the resolution.
    mapping = base.select(_RAW).unique().map_batches(_mapping, schema=_MAPPING_SCHEMA)
    return base.join(mapping, on=_RAW, how="left", nulls_equal=True, maintain_order="left").drop(
        _RAW
    )
