"""The one list of dancu's data rules: id, dimension, outcome and meaning.

Every rule id the code emits (in ``quarantine.parquet`` or ``findings.parquet``) is declared
here, and ``docs/rules.md`` is generated from this list (``make docs``; a test keeps them equal).

Example:
    >>> RULES["record_id.duplicate"].outcome
    'quarantine'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DIMENSIONS", "RULES", "Rule", "rule_id", "rules_markdown"]

Dimension = Literal["dung", "du", "sach", "song"]
DIMENSIONS: tuple[str, ...] = ("dung", "du", "sach", "song")
"""The four words, in their fixed order: đúng, đủ, sạch, sống."""
Outcome = Literal["quarantine", "finding"]


@dataclass(frozen=True)
class Rule:
    """One data rule: what it checks, which of the four words it counts against.

    ``message`` is the plain-words text a steward reads in the worklist; ``{column}`` in it is
    replaced by the column's name. ``nulls`` says the failing value is removed from the clean
    output (it stays in the finding's ``value``).
    """

    id: str
    dimension: Dimension
    outcome: Outcome
    meaning: str
    message: str = ""
    nulls: bool = False


def _finding(
    id: str, dimension: Dimension, meaning: str, message: str, nulls: bool = False
) -> Rule:
    return Rule(id, dimension, "finding", meaning, message, nulls)


_ALL = (
    Rule(
        "record_id.missing",
        "du",
        "quarantine",
        "The row has no record id (`event_id` for civil events): it cannot be tracked.",
    ),
    Rule(
        "record_id.duplicate",
        "sach",
        "quarantine",
        "The record id already appeared earlier in the same file; the first copy is kept.",
    ),
    Rule(
        "record.unusable",
        "du",
        "quarantine",
        "The row has neither a name nor a personal ID: it cannot be matched to a person.",
    ),
    # đúng: valid and true
    _finding(
        "personal_id.format",
        "dung",
        "A personal ID is 12 digits once spaces, dots and dashes are removed.",
        "{column} is not 12 digits; it was removed from the clean record",
        nulls=True,
    ),
    _finding(
        "personal_id.prefix",
        "dung",
        "Digits 1–3 of a personal ID are one of the 63 birth-registration province codes.",
        "{column} starts with a code that is not one of the 63 province codes",
    ),
    _finding(
        "personal_id.gender_digit",
        "dung",
        "Digit 4 of a personal ID is even for men and odd for women.",
        "digit 4 of {column} does not agree with the gender",
    ),
    _finding(
        "personal_id.birth_year",
        "dung",
        "Digit 4 (century) and digits 5–6 of a personal ID agree with the birth year.",
        "digits 4–6 of {column} do not agree with the birth year",
    ),
    _finding(
        "legacy_id.format",
        "dung",
        "An old CMND number is 9 or 12 digits.",
        "{column} is not 9 or 12 digits; it was removed from the clean record",
        nulls=True,
    ),
    _finding(
        "insurance_code.format",
        "dung",
        "A BHXH code is 10 digits (a 12-digit value there is taken as the personal ID).",
        "{column} is not a 10-digit BHXH code; it was removed from the clean record",
        nulls=True,
    ),
    _finding(
        "date.unparseable",
        "dung",
        "A date is written in a known form (dd/mm/yyyy, yyyy-mm-dd, yyyymmdd, mm/yyyy, yyyy, "
        "'ngày … tháng … năm …', Excel serial).",
        "{column} is not a date in any known form",
    ),
    _finding(
        "date.impossible",
        "dung",
        "A date exists in the calendar (no 31/02, no month 13).",
        "{column} is not a real calendar date",
    ),
    _finding(
        "date.future",
        "dung",
        "A date is not after the run's as-of date.",
        "{column} is after the as-of date; it was removed from the clean record",
        nulls=True,
    ),
    _finding(
        "date.before_birth",
        "dung",
        "A death date or an ID-card issue date is not before the birth date.",
        "{column} is before the birth date",
    ),
    _finding(
        "gender.unrecognised",
        "dung",
        "Gender is a known spelling of Nam or Nữ (BHXH code 1 = Nam, 0 = Nữ).",
        "{column} is not a known way of writing Nam or Nữ",
    ),
    _finding(
        "status.unrecognised",
        "dung",
        "Status is a known value (alive/deceased; active/suspended/closed for BHXH).",
        "{column} is not a known status",
    ),
    _finding(
        "event_type.unrecognised",
        "dung",
        "A civil event is a birth, a death or a marriage.",
        "{column} is not birth, death or marriage",
    ),
    _finding(
        "phone.invalid",
        "dung",
        "A phone number is a valid Vietnamese mobile or landline number.",
        "{column} is not a valid Vietnamese phone number",
    ),
    _finding(
        "phone.ambiguous_landline",
        "dung",
        "A 10-digit number in a record last updated before mid-2017 may be an old landline "
        "(2-digit area code) rather than a mobile.",
        "{column} may be a pre-2017 landline number, not a mobile; check it",
    ),
    _finding(
        "address.unknown_province",
        "dung",
        "The province is a current or pre-2025 Vietnamese province.",
        "{column} is not a known province",
    ),
    _finding(
        "address.unknown_ward",
        "dung",
        "The ward or commune exists in the province (now or before 2025).",
        "{column} is not a known ward or commune of the province",
    ),
    _finding(
        "address.ambiguous_unit",
        "dung",
        "The ward points to one current commune (not a split old ward or a name shared by "
        "several communes).",
        "{column} could be one of several current communes; the ward code was left empty",
    ),
    _finding(
        "bhxh.birth_date_differs",
        "dung",
        "BHXH and the population register agree on a person's birth date.",
        "{column} in BHXH differs from the population register",
    ),
    _finding(
        "bhxh.gender_differs",
        "dung",
        "BHXH and the population register agree on a person's gender.",
        "{column} in BHXH differs from the population register",
    ),
    _finding(
        "bhxh.name_differs",
        "dung",
        "BHXH and the population register agree on a person's name (ignoring accents).",
        "{column} in BHXH differs from the population register",
    ),
    # đủ: complete
    _finding(
        "required.missing",
        "du",
        "The register's required fields are filled.",
        "{column} is empty",
    ),
    _finding(
        "personal_id.missing_adult",
        "du",
        "A living resident aged 14 or more has a personal ID.",
        "{column} is empty for a resident aged 14 or more",
    ),
    _finding(
        "link.no_resident",
        "du",
        "Every insured person and every civil-event subject is found in the population register.",
        "no resident record was found for this person",
    ),
    _finding(
        "birth.child_not_in_register",
        "du",
        "A child whose birth hộ tịch registered is in the population register.",
        "the child of this birth registration is not in the population register",
    ),
    # sạch: one form per value
    _finding(
        "personal_id.legacy_cmnd",
        "sach",
        "A 9-digit old CMND number sits in the personal ID column; it is moved to legacy_id.",
        "{column} holds a 9-digit CMND number; it was moved to legacy_id",
    ),
    _finding(
        "name.not_canonical",
        "sach",
        "A name is written in canonical form (Unicode NFC, single spaces, title case, Đ not Ð, "
        "one tone-placement style).",
        "{column} was not in canonical form; it was rewritten",
    ),
    _finding(
        "name.no_diacritics",
        "sach",
        "A full name keeps its Vietnamese diacritics (Nguyễn, not Nguyen); a name of two or more "
        "words in plain ASCII lost them.",
        "{column} has no Vietnamese diacritics; restore them from the source document",
    ),
    _finding(
        "insurance_code.several_per_person",
        "sach",
        "One person holds one BHXH code; several codes for the same person must be merged.",
        "this person holds several BHXH codes; {column} is one of them",
    ),
    _finding(
        "phone.legacy_mobile",
        "sach",
        "A mobile number uses its current 10-digit form, not a pre-2018 11-digit prefix.",
        "{column} used a pre-2018 11-digit prefix; it was converted",
    ),
    _finding(
        "person.duplicate_record",
        "sach",
        "Each register holds one record per person (hộ tịch: one birth and one death "
        "registration per person).",
        "this record describes a person who already has a record in this register ({column})",
    ),
    _finding(
        "personal_id.shared",
        "sach",
        "One personal ID belongs to one person.",
        "{column} is also held by a different person",
    ),
    # sống: current
    _finding(
        "address.superseded_unit",
        "song",
        "The address is written in current (post-July-2025) units, not pre-2025 ones.",
        "{column} is written in pre-2025 units; mapped to the current unit",
    ),
    _finding(
        "death.not_reflected",
        "song",
        "A death registered in hộ tịch is reflected in the population register's status.",
        "hộ tịch registered this person's death but {column} is not deceased",
    ),
    _finding(
        "insurance.active_after_death",
        "song",
        "BHXH participation of a deceased person is not active.",
        "{column} is still active although the person has died",
    ),
    _finding(
        "insurance.paid_after_death",
        "song",
        "No BHXH benefit is paid after the person's death.",
        "{column} is after the person's death date",
    ),
    _finding(
        "legacy_id.expired",
        "song",
        "A living resident has a personal ID; an old CMND alone is no longer valid (from "
        "1 January 2025).",
        "{column} is an old CMND, valid only until 31/12/2024, and there is no personal ID",
    ),
    _finding(
        "card.expired",
        "song",
        "A living resident's ID card (CCCD / thẻ căn cước) has not passed its renewal age at "
        "the as-of date: 25, 40, 60 (also 14 for cards issued from 1 July 2024); a card issued "
        "within 2 years before a renewal age is valid to the next one, from age 58 for life.",
        "{column} dates an ID card past its renewal age; the resident needs a new card",
    ),
    _finding(
        "updated_at.stale",
        "song",
        "The record was updated within the configured window (`[clean] stale_after_days`).",
        "{column} is older than the update window",
    ),
    _finding(
        "age.implausible",
        "song",
        "A living person is at most 120 years old.",
        "{column} gives an age over 120 for a living person",
    ),
)

RULES: dict[str, Rule] = {r.id: r for r in _ALL}
"""Every rule by id."""


def rule_id(name: str) -> str:
    """Return ``name`` if it is a declared rule id, else raise ``KeyError``.

    Code that emits a rule goes through this so an undeclared id fails at once.

    Example:
        >>> rule_id("record.unusable")
        'record.unusable'
    """
    if name not in RULES:
        raise KeyError(f"undeclared rule id {name!r}; add it to pipelines/rules.py")
    return name


def rules_markdown() -> str:
    """Return the Markdown page listing every rule (the content of ``docs/rules.md``)."""
    words = {"dung": "đúng", "du": "đủ", "sach": "sạch", "song": "sống"}
    lines = [
        "# Data rules",
        "",
        "Generated from `pipelines/rules.py` by `make docs`; do not edit by hand.",
        "A *quarantine* rule sets the whole row aside (`quarantine.parquet`); a *finding*",
        "keeps the record and lists the problem (`findings.parquet`).",
        "",
        "| rule | dimension | outcome | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for r in _ALL:
        outcome = f"{r.outcome}, value removed" if r.nulls else r.outcome
        lines.append(
            f"| `{r.id}` | {words[r.dimension]} (`{r.dimension}`) | {outcome} | {r.meaning} |"
        )
    return "\n".join(lines) + "\n"
