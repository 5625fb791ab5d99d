"""Pandera models at the standardised boundary: the typed contract plus the data rules.

Each source has a ``DataFrameModel`` with the canonical columns and their types (the typed
contract of the clean outputs), and a list of rule checks: a check is named
``<rule id>@<column>`` and its expression is True or null where the value keeps the rule.
:func:`rule_schema` turns the checks into a Pandera schema over their outcomes, validated with
``lazy=True`` so that every failing row of every rule is reported (``pipelines/validate.py``).

Example:
    >>> import datetime as dt
    >>> df = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
    ...     "personal_id": ["001"], "gender": ["Nam"], "birth_date": [dt.date(1990, 1, 1)]})
    >>> [c.name for c in checks_for("residents", df.columns)][:2]
    ['personal_id.format@personal_id', 'personal_id.prefix@personal_id']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from pipelines.rules import rule_id
from pipelines.standardise.fields import FIELDS, raw_name
from pipelines.vn.admin_units import province_written_current, ward_written_current
from pipelines.vn.cards import card_expiry_date
from pipelines.vn.dates import age_years
from pipelines.vn.ids import (
    id_digits,
    personal_id_century_matches,
    personal_id_gender_digit_matches,
    personal_id_prefix_known,
    personal_id_year_matches,
)

__all__ = [
    "MODELS",
    "STALE_BEFORE",
    "CivilEvents",
    "Insurance",
    "Residents",
    "RuleCheck",
    "checks_for",
    "rule_schema",
    "typed_schema",
]

STALE_BEFORE = "__stale_before"
"""Helper column: records updated before this date are stale."""

AS_OF = "__as_of"
LANDLINE_SWITCH = pl.date(2017, 7, 1)
"""After the third phase of the 2017 area-code change every landline has 11 digits."""


class _Base(pa.DataFrameModel):
    source: pl.String
    record_id: pl.String = pa.Field(nullable=False, unique=True)
    personal_id: pl.String = pa.Field(nullable=True)
    full_name: pl.String = pa.Field(nullable=True)
    gender: pl.String = pa.Field(nullable=True, isin=["Nam", "Nữ"])
    birth_date: pl.Date = pa.Field(nullable=True)
    birth_date_precision: pl.String = pa.Field(nullable=True, isin=["day", "month", "year"])

    class Config:
        strict = False


class Residents(_Base):
    """Standardised residents (dân cư)."""

    legacy_id: pl.String = pa.Field(nullable=True)
    phone: pl.String = pa.Field(nullable=True)
    province_code: pl.String = pa.Field(nullable=True)
    ward_code: pl.String = pa.Field(nullable=True)
    status: pl.String = pa.Field(nullable=True, isin=["alive", "deceased"])
    death_date: pl.Date = pa.Field(nullable=True)
    updated_at: pl.Date = pa.Field(nullable=True)
    id_issued_on: pl.Date = pa.Field(nullable=True)
    """Issue date of the chip ID card (ngày cấp CCCD / căn cước); optional input column."""


class CivilEvents(_Base):
    """Standardised civil events (hộ tịch)."""

    event_id: pl.String = pa.Field(nullable=False, unique=True)
    event_type: pl.String = pa.Field(nullable=True, isin=["birth", "death", "marriage"])
    event_date: pl.Date = pa.Field(nullable=True)
    registered_on: pl.Date = pa.Field(nullable=True)
    province_code: pl.String = pa.Field(nullable=True)


class Insurance(_Base):
    """Standardised insurance records (BHXH)."""

    insurance_code: pl.String = pa.Field(nullable=True)
    phone: pl.String = pa.Field(nullable=True)
    province_code: pl.String = pa.Field(nullable=True)
    status: pl.String = pa.Field(nullable=True, isin=["active", "suspended", "closed"])
    last_paid_on: pl.Date = pa.Field(nullable=True)
    updated_at: pl.Date = pa.Field(nullable=True)


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "residents": Residents,
    "civil_events": CivilEvents,
    "insurance": Insurance,
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "residents": ("full_name", "gender", "birth_date"),
    "civil_events": ("event_date", "full_name"),
    "insurance": ("full_name", "gender", "birth_date"),
}
"""Fields whose absence counts against đủ (beyond the ids ingest already requires)."""


@dataclass(frozen=True)
class RuleCheck:
    """One rule applied to one column: ``passes`` is True or null where the rule holds."""

    rule: str
    column: str
    passes: pl.Expr

    @property
    def name(self) -> str:
        """Return the Pandera check name, ``<rule>@<column>``."""
        return f"{self.rule}@{self.column}"


def _raw_present(column: str) -> pl.Expr:
    return (pl.col(raw_name(column)).str.strip_chars().str.len_chars() > 0).fill_null(False)


def _state_ok(column: str, state: str) -> pl.Expr:
    return pl.col(f"{column}__state").fill_null("") != state


_ALWAYS_MARKED = (
    "nguyen tran le pham hoang huynh vo vu dang bui do ho ngo duong ly dinh doan dao truong "
    "trinh luong phung trieu vuong luu kieu quach van thi duc huu quoc tuan thuy"
)
"""Folded words that, in a Vietnamese name, are (almost) always written with diacritics:
common surnames and middle names (Nguyễn, Trần, Lê, Văn, Thị, Đức, Hữu, Quốc…)."""

_MARK_RHYME = r"(?:ie|ye|(?:^|[^q])uo)"
"""Vowel groups that exist only with a quality mark (iê, yê, uô/ươ): Kiệt, Tuyết, Hương."""


def _accentless(column: str) -> pl.Expr:
    """Return True for an all-ASCII name of two or more words that must have lost its marks.

    A name counts when it is plain ASCII and has a word that Vietnamese names only write with
    diacritics (see ``_ALWAYS_MARKED``) or a vowel group that needs a quality mark. Names that
    are legitimately unmarked (Phan Minh Anh, Mai Thanh Long) are not flagged.
    """
    name = pl.col(column)
    words = name.str.to_lowercase().str.split(" ")
    marked = words.list.eval(
        pl.element().is_in(_ALWAYS_MARKED.split()) | pl.element().str.contains(_MARK_RHYME)
    ).list.any()
    return name.str.contains(r"^[A-Za-z]+( [A-Za-z]+)+$") & marked


def _id_checks(column: str, birth: bool) -> Iterable[RuleCheck]:
    pid = pl.col(column)
    yield RuleCheck(rule_id("personal_id.format"), column, pid.str.contains(r"^\d{12}$"))
    well_formed = pid.str.contains(r"^\d{12}$")
    yield RuleCheck(
        rule_id("personal_id.prefix"),
        column,
        ~well_formed | personal_id_prefix_known(column),
    )
    yield RuleCheck(
        rule_id("personal_id.legacy_cmnd"),
        column,
        id_digits(raw_name(column)).str.len_chars() != 9,
    )
    if birth:
        # a birth date after the as-of date is itself wrong (date.future): don't blame the ID
        year = pl.when(pl.col("birth_date") <= pl.col(AS_OF)).then(pl.col("birth_date").dt.year())
        yield RuleCheck(
            rule_id("personal_id.gender_digit"),
            column,
            ~well_formed | personal_id_gender_digit_matches(column, "gender"),
        )
        yield RuleCheck(
            rule_id("personal_id.birth_year"),
            column,
            ~well_formed
            | (personal_id_century_matches(column, year) & personal_id_year_matches(column, year)),
        )


def _date_checks(column: str) -> Iterable[RuleCheck]:
    yield RuleCheck(rule_id("date.unparseable"), column, _state_ok(column, "unparseable"))
    yield RuleCheck(rule_id("date.impossible"), column, _state_ok(column, "impossible"))
    yield RuleCheck(rule_id("date.future"), column, pl.col(column) <= pl.col(AS_OF))


def _coded(rule: str, column: str) -> RuleCheck:
    return RuleCheck(rule, column, ~_raw_present(column) | pl.col(column).is_not_null())


def _phone_checks(columns: set[str]) -> Iterable[RuleCheck]:
    yield _coded(rule_id("phone.invalid"), "phone")
    yield RuleCheck(rule_id("phone.legacy_mobile"), "phone", ~pl.col("phone__legacy"))
    if "updated_at" in columns:
        old = pl.col("updated_at") < LANDLINE_SWITCH
        yield RuleCheck(
            rule_id("phone.ambiguous_landline"),
            "phone",
            ~(pl.col("phone__maybe_landline") & old),
        )


def _address_checks(columns: set[str]) -> Iterable[RuleCheck]:
    status = pl.col("address_unit_status").fill_null("")
    yield RuleCheck(rule_id("address.unknown_province"), "province", status != "unknown_province")
    if "ward" in columns:
        yield RuleCheck(rule_id("address.unknown_ward"), "ward", status != "unknown_ward")
        yield RuleCheck(
            rule_id("address.ambiguous_unit"),
            "ward",
            ~status.is_in(["legacy_ambiguous", "ambiguous_ward"]),
        )
    # an old ward (mapped or split), or an old province or a district written without a ward
    legacy = status.is_in(["legacy_mapped", "legacy_ambiguous"])
    if "address_superseded" in columns:
        legacy = legacy | pl.col("address_superseded").is_not_null()
    yield from _superseded_unit_checks(columns, legacy)


def _superseded_unit_checks(columns: set[str], legacy: pl.Expr) -> Iterable[RuleCheck]:
    """Return the ``address.superseded_unit`` checks: one per unit of the address that changed.

    An address in pre-2025 units is flagged on the unit a steward has to rewrite: the province
    when its name is not the current province (Bình Dương → Hồ Chí Minh), the district when one
    is written (districts were abolished on 1 July 2025), the ward when its name is not the
    current commune's (or the old ward was split). A record fails the rule once whatever the
    number of units; the province check runs on every record, so ``checked`` counts them all.
    """
    code = pl.col("province_code")
    province_changed = ~province_written_current(pl.col(raw_name("province")), code)
    yield RuleCheck(rule_id("address.superseded_unit"), "province", ~(legacy & province_changed))
    district = pl.lit(False)
    if raw_name("district") in columns:
        district = pl.col(raw_name("district")).str.strip_chars().fill_null("") != ""
        yield RuleCheck(
            rule_id("address.superseded_unit"),
            "district",
            pl.when(pl.col(raw_name("district")).is_not_null()).then(~(legacy & district)),
        )
    if raw_name("ward") in columns:
        ward_changed = ~ward_written_current(pl.col(raw_name("ward")), pl.col("ward_code"))
        alone = ~province_changed & ~district  # a legacy address with nothing else to blame
        yield RuleCheck(
            rule_id("address.superseded_unit"),
            "ward",
            pl.when(pl.col(raw_name("ward")).is_not_null()).then(
                ~(legacy & (ward_changed.fill_null(True) | alone))
            ),
        )


def _resident_checks() -> Iterable[RuleCheck]:
    alive = pl.col("status").fill_null("alive") == "alive"
    age = age_years("birth_date", pl.col(AS_OF))
    yield RuleCheck(
        rule_id("personal_id.missing_adult"),
        "personal_id",
        ~(alive & (age >= 14) & pl.col("personal_id").is_null() & pl.col("legacy_id").is_null()),
    )
    yield RuleCheck(rule_id("age.implausible"), "birth_date", ~(alive & (age > 120)))
    birth = pl.when(pl.col("birth_date") <= pl.col(AS_OF)).then(pl.col("birth_date"))
    yield RuleCheck(rule_id("date.before_birth"), "death_date", pl.col("death_date") >= birth)


def _card_checks() -> Iterable[RuleCheck]:
    """Return the checks of the ID-card issue date: not before birth, card not expired.

    ``card.expired`` is null unless the card can be judged: a living resident with a 12-digit
    personal ID, a card issue date and a birth date, neither after the as-of date (those are
    ``date.future``), and a card the expiry rules cover
    (:func:`pipelines.vn.cards.card_expiry_date`).
    """
    as_of = pl.col(AS_OF)
    alive = pl.col("status").fill_null("alive") == "alive"
    has_id = pl.col("personal_id").str.contains(r"^\d{12}$").fill_null(False)
    birth = pl.when(pl.col("birth_date") <= as_of).then(pl.col("birth_date"))
    issued = pl.when(pl.col("id_issued_on") <= as_of).then(pl.col("id_issued_on"))
    yield RuleCheck(rule_id("date.before_birth"), "id_issued_on", pl.col("id_issued_on") >= birth)
    expiry = card_expiry_date(birth, "birth_date_precision", issued)
    yield RuleCheck(
        rule_id("card.expired"), "id_issued_on", pl.when(alive & has_id).then(as_of <= expiry)
    )


def checks_for(source: str, columns: Iterable[str]) -> list[RuleCheck]:
    """Return every rule check that applies to ``source`` given the frame's ``columns``."""
    cols = set(columns)
    fields = {c: k for c, k in FIELDS[source].items() if c in cols}
    out: list[RuleCheck] = []
    for column, kind in fields.items():
        if kind == "personal_id":
            out += _id_checks(column, birth=column == "personal_id" and "birth_date" in cols)
        elif kind == "legacy_id":
            out.append(
                RuleCheck(
                    rule_id("legacy_id.format"),
                    column,
                    pl.col(column).str.contains(r"^(\d{9}|\d{12})$"),
                )
            )
        elif kind == "insurance_code":
            out.append(
                RuleCheck(
                    rule_id("insurance_code.format"),
                    column,
                    pl.col(column).str.contains(r"^\d{10}$"),
                )
            )
        elif kind == "date":
            out += _date_checks(column)
        elif kind == "gender":
            out.append(_coded(rule_id("gender.unrecognised"), column))
        elif kind == "status":
            out.append(_coded(rule_id("status.unrecognised"), column))
        elif kind == "event_type":
            out.append(_coded(rule_id("event_type.unrecognised"), column))
        elif kind == "name":
            raw = pl.col(raw_name(column))
            out.append(RuleCheck(rule_id("name.not_canonical"), column, raw == pl.col(column)))
            out.append(RuleCheck(rule_id("name.no_diacritics"), column, ~_accentless(column)))
    if "phone" in fields:
        out += _phone_checks(cols)
    if "province" in fields and "address_unit_status" in cols:
        out += _address_checks(cols)
    for column in REQUIRED[source]:
        if raw_name(column) in cols:
            out.append(RuleCheck(rule_id("required.missing"), column, _raw_present(column)))
    if "updated_at" in fields and STALE_BEFORE in cols:
        out.append(
            RuleCheck(
                rule_id("updated_at.stale"),
                "updated_at",
                pl.col("updated_at") >= pl.col(STALE_BEFORE),
            )
        )
    if source == "residents" and {"status", "legacy_id", "death_date"} <= cols:
        out += _resident_checks()
    card = {"status", "personal_id", "birth_date", "birth_date_precision", "id_issued_on"}
    if source == "residents" and card <= cols:
        out += _card_checks()
    return out


def typed_schema(source: str, columns: Iterable[str]) -> pa.DataFrameSchema:
    """Return the typed contract of ``source`` for the model columns present in ``columns``."""
    base = MODELS[source].to_schema()
    cols = set(columns)
    return pa.DataFrameSchema(
        columns={k: v for k, v in base.columns.items() if k in cols},
        strict=False,
        name=MODELS[source].__name__,
    )


def rule_schema(checks: Iterable[RuleCheck], name: str = "rules") -> pa.DataFrameSchema:
    """Return the Pandera schema of the rule outcomes: one boolean column per check.

    The frame it validates is ``frame.select(c.passes.alias(c.name) for c in checks)``, built
    in one Polars pass; each column's Pandera check, named ``<rule>@<column>``, fails the rows
    where the rule is broken (False) and passes True or null. Validating the outcomes rather
    than re-running each expression inside Pandera keeps 1M rows at about a second.
    """
    return pa.DataFrameSchema(
        columns={
            c.name: pa.Column(
                pl.Boolean,
                nullable=True,
                checks=pa.Check(lambda data: data.lazyframe.select(pl.col(data.key)), name=c.name),
            )
            for c in checks
        },
        strict=True,
        name=name,
    )
