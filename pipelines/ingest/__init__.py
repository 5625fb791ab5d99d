"""Ingest: map raw headers to canonical columns and set aside rows that cannot be used."""

from pipelines.ingest.headers import (
    ALIASES,
    CANONICAL,
    REQUIRED,
    ROW_ID,
    HeaderMap,
    header_key,
    map_headers,
)
from pipelines.ingest.stage import (
    QUARANTINE_SCHEMA,
    IngestResult,
    empty_quarantine,
    ingest,
    kept_columns,
)

__all__ = [
    "ALIASES",
    "CANONICAL",
    "QUARANTINE_SCHEMA",
    "REQUIRED",
    "ROW_ID",
    "HeaderMap",
    "IngestResult",
    "empty_quarantine",
    "header_key",
    "ingest",
    "kept_columns",
    "map_headers",
]
