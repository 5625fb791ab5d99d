"""Pandera models at the raw boundary: what the ingest stage hands on.

Every canonical column is text, ``record_id`` is present and unique, and each kept row has a
name or a personal ID. Ingest has already set aside the rows that break these, so a failure
here is a defect in dancu itself, not in the data.

Example:
    >>> import polars as pl
    >>> df = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
    ...                    "full_name": ["An"], "personal_id": [None]},
    ...                   schema_overrides={"personal_id": pl.String})
    >>> RawResidents.validate(df).height
    1
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

__all__ = ["RAW_MODELS", "RawCivilEvents", "RawInsurance", "RawResidents"]


class _RawBase(pa.DataFrameModel):
    source: pl.String
    record_id: pl.String = pa.Field(nullable=False, unique=True)

    class Config:
        strict = False


class _Person(_RawBase):
    full_name: pl.String = pa.Field(nullable=True)
    personal_id: pl.String = pa.Field(nullable=True)

    @pa.dataframe_check(name="record.unusable")
    @classmethod
    def has_name_or_id(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Each kept row has a name or a personal ID."""
        return data.lazyframe.select(
            pl.col("full_name").is_not_null() | pl.col("personal_id").is_not_null()
        )


class RawResidents(_Person):
    """Residents after ingest: canonical text columns."""


class RawInsurance(_Person):
    """Insurance records after ingest: canonical text columns."""


class RawCivilEvents(_Person):
    """Civil events after ingest: canonical text columns; ``record_id`` copies ``event_id``."""

    event_id: pl.String = pa.Field(nullable=False, unique=True)
    event_type: pl.String = pa.Field(nullable=True)


RAW_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "residents": RawResidents,
    "civil_events": RawCivilEvents,
    "insurance": RawInsurance,
}
