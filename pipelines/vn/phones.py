"""Vietnamese phone-number expressions (DOMAIN.md §3).

Canonical form (DESIGN.md §5): national digits starting with ``0``: 10-digit mobile or 11-digit
landline, legacy 11-digit mobile prefixes converted (``01688123456`` → ``0388123456``).

Validity and number type come from ``phonenumbers`` (never a hard-coded prefix list). Each
expression runs one ``map_batches``: the column's **distinct** values are cleaned with polars
string operations, classified with ``phonenumbers``' own VN metadata (its number patterns and
lengths, evaluated as polars regexes: the same verdicts as ``phonenumbers.is_valid_number`` /
``number_type``, with no per-number Python call) and joined back. Every
public function is one field of ``phone_info``; to get several outputs from one pass over the
column, select ``phone_info(col)`` once and unnest it.

Ambiguity: before the 2017 landline area-code change a landline with a one- or two-digit area
code had 10 digits (``08 3829 1234`` old TP HCM, ``037 385 2222`` old Thanh Hóa). Many such
numbers are today's valid 03x/05x/07x/08x mobiles, and ``phonenumbers`` reports them as MOBILE.
This module cannot tell them apart: ``phone_maybe_legacy_landline`` only flags the collision, and
the validation stage decides (e.g. only for records dated before mid-2017).

Limitation: one value holding several numbers (``0912345678 / 0987654321``) is invalid.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import phonenumbers
import polars as pl
from phonenumbers import PhoneMetadata, PhoneNumberDesc, PhoneNumberType

from pipelines.vn._exprs import as_expr, named

__all__ = [
    "LEGACY_MOBILE_PREFIXES",
    "OLD_LANDLINE_AREA_CODES",
    "canonical_phone",
    "phone_digits",
    "phone_info",
    "phone_is_legacy_mobile",
    "phone_is_valid",
    "phone_kind",
    "phone_legacy_converted",
    "phone_maybe_legacy_landline",
]

#: The 21 legacy 11-digit mobile prefixes → their 10-digit replacement (from 15 Sep 2018).
LEGACY_MOBILE_PREFIXES: Final[dict[str, str]] = {
    # Viettel
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    # MobiFone
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    # VinaPhone
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    # Vietnamobile
    "0186": "056",
    "0188": "058",
    # Gmobile
    "0199": "059",
}

#: Pre-2017 landline area codes (without the trunk ``0``) → the 2017 code (QĐ 2036/QĐ-BTTTT).
OLD_LANDLINE_AREA_CODES: Final[dict[str, str]] = {
    # phase 1 (11 Feb 2017)
    "22": "212",
    "231": "213",
    "20": "214",
    "230": "215",
    "29": "216",
    "52": "232",
    "53": "233",
    "54": "234",
    "510": "235",
    "511": "236",
    "37": "237",
    "38": "238",
    "39": "239",
    # phase 2 (15 Apr 2017)
    "33": "203",
    "240": "204",
    "25": "205",
    "26": "206",
    "27": "207",
    "280": "208",
    "281": "209",
    "320": "220",
    "321": "221",
    "241": "222",
    "31": "225",
    "351": "226",
    "36": "227",
    "350": "228",
    "30": "229",
    "780": "290",
    "781": "291",
    "710": "292",
    "711": "293",
    "74": "294",
    "76": "296",
    "77": "297",
    "79": "299",
    # phase 3 (17 Jun 2017)
    "4": "24",
    "8": "28",
    "61": "251",
    "62": "252",
    "64": "254",
    "55": "255",
    "56": "256",
    "57": "257",
    "58": "258",
    "68": "259",
    "60": "260",
    "501": "261",
    "500": "262",
    "63": "263",
    "59": "269",
    "70": "270",
    "651": "271",
    "72": "272",
    "73": "273",
    "650": "274",
    "75": "275",
    "66": "276",
    "67": "277",
}

_OLD_AREA_RE: Final[str] = (
    "^0(?:" + "|".join(sorted(OLD_LANDLINE_AREA_CODES, key=lambda c: (-len(c), c))) + ")[0-9]+$"
)
_LEGACY_KEYS: Final[list[str]] = sorted(LEGACY_MOBILE_PREFIXES)


_KIND_BY_TYPE: Final[dict[int, str]] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
}

_INFO_DTYPE = pl.Struct(
    {
        "digits": pl.String,
        "converted": pl.String,
        "legacy": pl.Boolean,
        "kind": pl.String,
        "canonical": pl.String,
        "maybe_landline": pl.Boolean,
    }
)


@lru_cache(maxsize=1 << 20)
def _classify(national: str) -> str:
    """Return ``mobile``/``landline``/``other``/``invalid`` for a national ``0…`` digit string.

    Per-value reference for :func:`_kind_expr` (which gives the same answer vectorised).
    """
    if not (10 <= len(national) <= 11 and national.isascii() and national.isdigit()):
        return "invalid"
    if national[0] != "0" or national[1] == "0":
        return "invalid"
    number = phonenumbers.PhoneNumber(country_code=84, national_number=int(national[1:]))
    if not phonenumbers.is_valid_number(number):
        return "invalid"
    return _KIND_BY_TYPE.get(phonenumbers.number_type(number), "other")


#: What ``_classify`` accepts before asking phonenumbers: ``0``, then 9 or 10 digits, not ``00``.
_SHAPE_RE: Final = r"^0[1-9][0-9]{8,9}$"
#: ``phonenumbers`` metadata: the number-type descriptions checked, in the order its
#: ``number_type`` checks them, before fixed line and mobile; any of them means ``other``.
_OTHER_DESCS: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


def _desc_matches(nsn: pl.Expr, metadata: PhoneMetadata, name: str) -> pl.Expr:
    r"""Vectorised ``phonenumbers`` ``_is_number_matching_desc`` for one number-type desc.

    The desc's possible lengths gate its national-number pattern, which must match the whole
    national significant number. The patterns use only ``\d``, classes, groups, alternation
    and counted repeats, which mean the same in Rust's regex engine; ``\d`` is spelled
    ``[0-9]`` (the input is ASCII digits anyway).
    """
    desc: PhoneNumberDesc | None = getattr(metadata, name)
    if desc is None or desc.national_number_pattern is None:
        return pl.lit(False)
    pattern = "^(?:" + desc.national_number_pattern.replace(r"\d", "[0-9]") + ")$"
    matches = nsn.str.contains(pattern)
    if desc.possible_length:
        matches = nsn.str.len_bytes().is_in(list(desc.possible_length)) & matches
    return matches


def _kind_expr(national: pl.Expr) -> pl.Expr:
    """Vectorised :func:`_classify`: ``phonenumbers``' own VN metadata evaluated in polars.

    Mirrors ``phonenumbers.is_valid_number`` / ``number_type`` for country code 84 (one region,
    VN): the number must match the general desc, then the first matching type wins in
    phonenumbers' order (premium rate, toll free, …, UAN, voicemail → ``other``; fixed line →
    ``landline``, or ``mobile`` if it also matches mobile; mobile → ``mobile``); no match →
    ``invalid``. Exact, not an approximation: the same patterns and lengths, only compiled by
    Rust's regex engine (checked against per-number phonenumbers in the tests).
    """
    metadata = PhoneMetadata.metadata_for_region("VN")
    if metadata is None:  # pragma: no cover - phonenumbers always ships VN
        raise RuntimeError("phonenumbers has no metadata for VN")
    nsn = national.str.slice(1)
    same = bool(metadata.same_mobile_and_fixed_line_pattern)
    mobile = _desc_matches(nsn, metadata, "mobile")
    other = pl.lit(False)
    for name in _OTHER_DESCS:
        other = other | _desc_matches(nsn, metadata, name)
    return (
        pl.when(national.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(~national.str.contains(_SHAPE_RE))
        .then(pl.lit("invalid"))
        .when(~_desc_matches(nsn, metadata, "general_desc"))
        .then(pl.lit("invalid"))
        .when(other)
        .then(pl.lit("other"))
        .when(_desc_matches(nsn, metadata, "fixed_line"))
        .then(
            pl.lit("mobile")
            if same
            else pl.when(mobile).then(pl.lit("mobile")).otherwise(pl.lit("landline"))
        )
        .when(pl.lit(not same) & mobile)
        .then(pl.lit("mobile"))
        .otherwise(pl.lit("invalid"))
    )


def _nfkc_non_ascii(values: pl.Series) -> pl.Series:
    """NFKC, computed only for the non-ASCII values (ASCII text is NFKC already)."""
    non_ascii = values.str.contains(r"[^\x00-\x7F]").fill_null(False)
    if not non_ascii.any():
        return values
    normalized = values.filter(non_ascii).str.normalize("NFKC")
    return values.clone().scatter(non_ascii.arg_true(), normalized)


def _kinds(converted: pl.Series) -> pl.Series:
    """:func:`_kind_expr`, with the metadata patterns run only on 10/11-digit ``0…`` values."""
    shaped = converted.str.contains(_SHAPE_RE).fill_null(False)
    kinds = pl.select(
        pl.when(converted.is_not_null()).then(pl.lit("invalid", dtype=pl.String))
    ).to_series()
    if not shaped.any():
        return kinds
    valid_shape = converted.filter(shaped).to_frame("n").select(_kind_expr(pl.col("n")))
    return kinds.scatter(shaped.arg_true(), valid_shape.to_series())


def _phone_frame(raw: pl.Series) -> pl.DataFrame:
    """Standardise distinct raw values stepwise (eager); returns ``raw`` + an ``info`` struct."""
    s = pl.col("s")
    rest = s.str.replace(r"^(?:\+|00)?84", "")
    national = (
        pl.when(s.str.contains(r"^(?:\+|00)84[0-9]") | s.str.contains(r"^84[0-9]{9,10}$"))
        .then(pl.when(rest.str.starts_with("0")).then(rest).otherwise(pl.lit("0") + rest))
        .when(s.str.contains(r"^[1-9][0-9]{8,9}$"))
        .then(pl.lit("0") + s)
        .otherwise(s)
    )
    d = pl.col("digits")
    cleaned = raw
    for _ in range(2):  # removing a separator can leave a combining mark NFKC then composes
        cleaned = _nfkc_non_ascii(cleaned).str.replace_all(r"[\s.\-()]", "")
    frame = (
        pl.DataFrame({"raw": raw, "s": cleaned})
        .with_columns(digits=pl.when(national.str.len_bytes() > 0).then(national))
        .with_columns(
            legacy=d.str.contains(r"^01[0-9]{9}$") & d.str.slice(0, 4).is_in(_LEGACY_KEYS),
            new_prefix=d.str.slice(0, 4).replace_strict(
                LEGACY_MOBILE_PREFIXES, default=None, return_dtype=pl.String
            ),
        )
        .with_columns(
            converted=pl.when("legacy").then(pl.col("new_prefix") + d.str.slice(4)).otherwise(d)
        )
    )
    return frame.with_columns(kind=_kinds(frame["converted"])).select(
        "raw",
        pl.struct(
            "digits",
            "converted",
            "legacy",
            "kind",
            canonical=pl.when(pl.col("kind") != "invalid").then("converted"),
            maybe_landline=d.str.contains(r"^[0-9]{10}$") & d.str.contains(_OLD_AREA_RE),
        ).alias("info"),
    )


def _phone_batch(s: pl.Series) -> pl.Series:
    raw = s.cast(pl.String)
    lookup = _phone_frame(raw.unique())
    joined = raw.to_frame("raw").join(
        lookup, on="raw", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["info"].cast(_INFO_DTYPE)


def phone_info(col: str | pl.Expr) -> pl.Expr:
    """Return every phone output in one pass, as a struct.

    Fields: ``digits``, ``converted``, ``legacy`` (bool), ``kind``, ``canonical``,
    ``maybe_landline`` (bool); same semantics as the single-field functions below.

    Example:
        >>> df = pl.DataFrame({"p": ["0168 812 3456", "08 3829 1234"]})
        >>> for row in df.select(phone_info("p").struct.unnest()).rows():
        ...     print(row)
        ('01688123456', '0388123456', True, 'mobile', '0388123456', False)
        ('0838291234', '0838291234', False, 'mobile', '0838291234', True)

    """
    return named(as_expr(col).map_batches(_phone_batch, return_dtype=_INFO_DTYPE), col)


def _info(col: str | pl.Expr, field: str) -> pl.Expr:
    return named(phone_info(col).struct.field(field), col)


def phone_digits(col: str | pl.Expr) -> pl.Expr:
    """Clean a phone value to national digits starting with ``0`` where recognisable.

    NFKC (full-width → ASCII); drop spaces, dots, dashes, parentheses; ``+84``/``0084``/``84``
    (with an optional trunk ``0`` after it) → leading ``0``. A bare ``84…`` counts as a country
    code only at international length (11 or 12 digits). A 9- or 10-digit value without a
    leading ``0`` (lost by a spreadsheet) gets one. Letters are kept (so the value is invalid).
    Empty → null.

    Example:
        >>> df = pl.DataFrame({"p": ["+84 912 345 678", "0084-912.345.678", "84912345678",
        ...                          "+840912345678", "(028) 3829 1234", "912345678", ""]})
        >>> df.select(phone_digits("p"))["p"].to_list()
        ['0912345678', '0912345678', '0912345678', '0912345678', '02838291234', '0912345678', None]

    """
    return _info(col, "digits")


def phone_is_legacy_mobile(col: str | pl.Expr) -> pl.Expr:
    """Flag: an 11-digit number with one of the 21 legacy mobile prefixes (null input → null).

    Example:
        >>> df = pl.DataFrame({"p": ["01688123456", "0388123456", None]})
        >>> df.select(phone_is_legacy_mobile("p"))["p"].to_list()
        [True, False, None]

    """
    return _info(col, "legacy")


def phone_legacy_converted(col: str | pl.Expr) -> pl.Expr:
    """Return ``phone_digits`` with the 21 legacy 11-digit mobile prefixes converted (0168→038).

    The last 7 digits are unchanged. Other values pass through as ``phone_digits``.

    Example:
        >>> df = pl.DataFrame({"p": ["0168 812 3456", "+84 1699 123 456", "0912345678"]})
        >>> df.select(phone_legacy_converted("p"))["p"].to_list()
        ['0388123456', '0399123456', '0912345678']

    """
    return _info(col, "converted")


def phone_kind(col: str | pl.Expr) -> pl.Expr:
    """Return ``mobile`` / ``landline`` / ``other`` / ``invalid`` (null input → null).

    From ``phonenumbers`` on the converted number (distinct values only). ``other`` = valid but
    neither mobile nor fixed line (VoIP ``0672…`` and similar). A pre-2017 10-digit landline such
    as ``0838291234`` reads as ``mobile`` (see ``phone_maybe_legacy_landline``).

    Example:
        >>> df = pl.DataFrame({"p": ["0912345678", "028 3829 1234", "01688123456", "12345", None]})
        >>> df.select(phone_kind("p"))["p"].to_list()
        ['mobile', 'landline', 'mobile', 'invalid', None]

    """
    return _info(col, "kind")


def phone_is_valid(col: str | pl.Expr) -> pl.Expr:
    """Check: ``phonenumbers.is_valid_number`` on the converted number (null input → null).

    Example:
        >>> df = pl.DataFrame({"p": ["0912345678", "0438262999", "01688123456", None]})
        >>> df.select(phone_is_valid("p"))["p"].to_list()
        [True, False, True, None]

    """
    return named(_info(col, "kind") != "invalid", col)


def canonical_phone(col: str | pl.Expr) -> pl.Expr:
    """Return the canonical national phone (legacy mobile converted), or null when invalid.

    Example:
        >>> df = pl.DataFrame({"p": ["+84 168 812 3456", "(028) 3829-1234", "0438262999", None]})
        >>> df.select(canonical_phone("p"))["p"].to_list()
        ['0388123456', '02838291234', None, None]

    """
    return _info(col, "canonical")


def phone_maybe_legacy_landline(col: str | pl.Expr) -> pl.Expr:
    """Flag: a 10-digit number starting with a pre-2017 landline area code (null input → null).

    Such a number may be an old landline (``08 3829 1234`` = old TP HCM, now ``028 3829 1234``;
    ``037 385 2222`` = old Thanh Hóa; ``031 …`` = old Hải Phòng) or a current mobile in the same
    range: the prefixes overlap 03x/05x/07x/08x mobiles, so the flag is only a hint. Decide in
    the validation stage, e.g. only for records dated before mid-2017.

    Example:
        >>> phones = ["0838291234", "0373852222", "0912345678", "02838291234", None]
        >>> df = pl.DataFrame({"p": phones})
        >>> df.select(phone_maybe_legacy_landline("p"))["p"].to_list()
        [True, True, False, False, None]

    """
    return _info(col, "maybe_landline")
