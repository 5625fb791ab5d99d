"""Findings that only person resolution can see: records with no resident, several BHXH codes.

Example:
    >>> links = pl.DataFrame({"source": ["residents", "insurance", "insurance"],
    ...     "record_id": ["R1", "B1", "B2"], "person_id": ["P1", "P1", "P2"]})
    >>> ins = pl.DataFrame({"source": ["insurance"] * 2, "record_id": ["B1", "B2"],
    ...     "insurance_code": ["0123456789", "9876543210"], "personal_id": [None, None],
    ...     "province_code": ["01", "79"]}, schema_overrides={"personal_id": pl.String})
    >>> link_findings(links, {"insurance": ins})["rule"].to_list()
    ['link.no_resident']
"""

from __future__ import annotations

import polars as pl

from pipelines.contracts import FINDINGS_SCHEMA, empty_tally, finding_rows, rule_tally
from pipelines.rules import rule_id

__all__ = ["link_findings", "link_tally"]


def link_findings(links: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Return the findings that need persons: no resident, several BHXH codes.

    ``link.no_resident`` for insurance and civil records whose person has no resident record;
    ``insurance_code.several_per_person`` for every coded insurance record of a person with
    more than one distinct BHXH code (all of them are to be merged into one).
    """
    residents = links.filter(pl.col("source") == "residents").select("person_id").unique()
    parts = []
    for source in ("civil_events", "insurance"):
        if source not in frames:
            continue
        frame = frames[source].join(
            links.select("source", "record_id", "person_id"), on=["source", "record_id"]
        )
        if "province_code" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("province_code"))
        orphans = frame.join(residents, on="person_id", how="anti")
        if source == "civil_events" and "event_type" in orphans.columns:
            # a birth without its child in the register is its own rule (reconcile stage)
            orphans = orphans.filter(pl.col("event_type").fill_null("") != "birth")
        parts.append(
            finding_rows(orphans, rule_id("link.no_resident"), "person_id", pl.col("personal_id"))
        )
        if source == "insurance" and "insurance_code" in frame.columns:
            several = frame.filter(
                pl.col("insurance_code").is_not_null()
                # n_unique counts null as a value: a record without a code is not a second code
                & (
                    pl.col("insurance_code").n_unique().over("person_id")
                    - pl.col("insurance_code").is_null().any().over("person_id").cast(pl.UInt32)
                    > 1
                )
            )
            parts.append(
                finding_rows(
                    several,
                    rule_id("insurance_code.several_per_person"),
                    "insurance_code",
                    pl.col("insurance_code"),
                )
            )
    if not parts:
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    return pl.concat(parts).cast(FINDINGS_SCHEMA).sort("source", "record_id", "rule")


def link_tally(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Return the records each link rule was checked on, per source and province.

    ``link.no_resident``: every insurance record and every civil event but births;
    ``insurance_code.several_per_person``: every insurance record with a BHXH code.

    Example:
        >>> ins = pl.DataFrame({"source": ["insurance"] * 2, "record_id": ["B1", "B2"],
        ...     "insurance_code": ["0123456789", None], "province_code": ["01", "01"]})
        >>> link_tally({"insurance": ins}).select("rule", "checked").rows()
        [('link.no_resident', 2), ('insurance_code.several_per_person', 1)]
    """
    parts = [empty_tally()]
    for source in ("civil_events", "insurance"):
        frame = frames.get(source)
        if frame is None:
            continue
        not_birth = (
            pl.col("event_type").fill_null("") != "birth" if "event_type" in frame.columns else None
        )
        parts.append(rule_tally(frame, rule_id("link.no_resident"), not_birth))
        if source == "insurance" and "insurance_code" in frame.columns:
            parts.append(
                rule_tally(
                    frame,
                    rule_id("insurance_code.several_per_person"),
                    pl.col("insurance_code").is_not_null(),
                )
            )
    return pl.concat(parts)
