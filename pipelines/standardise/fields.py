"""Which canonical column of each source is which kind of field.

Example:
    >>> FIELDS["residents"]["birth_date"]
    'date'
"""

from __future__ import annotations

from typing import Literal

__all__ = ["DATE_DIGITS", "DATE_PRECISION", "FIELDS", "FieldKind", "raw_name"]

FieldKind = Literal[
    "id",
    "name",
    "text",
    "personal_id",
    "legacy_id",
    "insurance_code",
    "gender",
    "date",
    "phone",
    "status",
    "event_type",
    "province",
    "ward",
    "district",
]

_PERSON: dict[str, FieldKind] = {
    "personal_id": "personal_id",
    "full_name": "name",
    "gender": "gender",
    "birth_date": "date",
}

FIELDS: dict[str, dict[str, FieldKind]] = {
    "residents": {
        "record_id": "id",
        **_PERSON,
        "legacy_id": "legacy_id",
        "ethnicity": "text",
        "address": "text",
        "ward": "ward",
        "district": "district",
        "province": "province",
        "phone": "phone",
        "father_name": "name",
        "mother_name": "name",
        "household_id": "id",
        "status": "status",
        "death_date": "date",
        "updated_at": "date",
        "id_issued_on": "date",
    },
    "civil_events": {
        "record_id": "id",
        "event_id": "id",
        "event_type": "event_type",
        "event_date": "date",
        "registered_on": "date",
        **_PERSON,
        "father_name": "name",
        "mother_name": "name",
        "spouse_personal_id": "personal_id",
        "spouse_name": "name",
        "ward": "ward",
        "province": "province",
    },
    "insurance": {
        "record_id": "id",
        "insurance_code": "insurance_code",
        **_PERSON,
        "phone": "phone",
        "province": "province",
        "employer_code": "id",
        "status": "status",
        "benefit": "text",
        "last_paid_on": "date",
        "updated_at": "date",
    },
}
"""Canonical columns of each source and their kind (DESIGN §4)."""

DATE_PRECISION = {"birth_date": "birth_date_precision"}
"""Date columns whose precision (day / month / year) is kept in a column of its own."""

DATE_DIGITS = {"birth_date": "birth_date_digits"}
"""Date columns whose written digits (``YYYYMMDD``, also for an impossible date) are kept for
matching: ``1950-41-16`` is one mistyped digit away from ``1950-11-16``."""


def raw_name(column: str) -> str:
    """Return the name of the column that keeps ``column``'s raw text during validation.

    Example:
        >>> raw_name("birth_date")
        'birth_date__raw'
    """
    return f"{column}__raw"
