"""Standardise stage: raw text → typed, canonical candidate values (raw values kept)."""

from pipelines.standardise.fields import FIELDS, FieldKind, raw_name
from pipelines.standardise.stage import standardised

__all__ = ["FIELDS", "FieldKind", "raw_name", "standardised"]
