"""The week in numbers: how the stewards' work list moved since the previous run.

Per register, per province and overall, counted in findings (one per record and rule):

* ``new`` — findings of this run that the previous run did not list;
* ``resolved`` — findings the previous run listed that are gone (neither listed nor marked a
  false alarm now);
* ``reopened`` — findings a steward marked ``đã sửa tại nguồn`` that still show;
* ``false_alarms`` — findings a steward marked ``không phải lỗi``, left out of the list and
  the scores (``false_alarms_by_rule`` per register says which rules);
* ``open`` — the findings listed now (the backlog).

Beside them: persons carried, new, merged and split (:mod:`pipelines.resolve.stable_ids`)
and review pairs open and decided. The result is the ``flow`` key of ``scorecard.json``
(docs/scorecard.md); counts only, so it may leave the machine.

Example:
    >>> now = pl.DataFrame({"source": ["residents"] * 2, "province_code": ["01", None],
    ...     "rule": ["phone.invalid"] * 2, "finding_key": ["a", "b"],
    ...     "finding_status": ["open", "reopened"]})
    >>> before = pl.DataFrame({"source": ["residents"] * 2, "province_code": ["01", "79"],
    ...     "finding_key": ["a", "c"]})
    >>> flow = week_flow(now, now.clear(), before)
    >>> flow["findings"]
    {'new': 1, 'resolved': 1, 'reopened': 1, 'false_alarms': 0, 'open': 2}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

__all__ = ["FLOW_KEYS", "empty_flow_counts", "week_flow"]

FLOW_KEYS: Final = ("new", "resolved", "reopened", "false_alarms", "open")
"""The counts of each group, in the order the reports show them."""

_SOURCES: Final = ("residents", "civil_events", "insurance")


def empty_flow_counts() -> dict[str, int]:
    """Return every flow count at 0."""
    return dict.fromkeys(FLOW_KEYS, 0)


def _tagged(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    return frame.select(
        "source", pl.col("province_code").cast(pl.String), pl.lit(kind).alias("kind")
    )


def _counts(events: pl.DataFrame, by: list[str]) -> dict[tuple[Any, ...], dict[str, int]]:
    grouped = events.group_by([*by, "kind"]).len()
    out: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in grouped.iter_rows(named=True):
        key = tuple(row[k] for k in by)
        out.setdefault(key, empty_flow_counts())[row["kind"]] = int(row["len"])
    return out


def week_flow(
    open_now: pl.DataFrame,
    suppressed_now: pl.DataFrame,
    previous_open: pl.DataFrame | None,
    *,
    persons: Mapping[str, int] | None = None,
    review: Mapping[str, int] | None = None,
    compared_with: Mapping[str, Any] | None = None,
    province_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the ``flow`` of a run (module docstring).

    ``open_now``: the run's findings (``source, province_code, rule, finding_key,
    finding_status``);
    ``suppressed_now``: those marked false alarms (``source, province_code, rule,
    finding_key``); ``previous_open``: the previous run's findings (``source, province_code,
    finding_key``), None on a first run (then every finding is new).
    """
    names = dict(province_names or {})
    prev = (
        previous_open.select("source", pl.col("province_code").cast(pl.String), "finding_key")
        if previous_open is not None
        else pl.DataFrame(
            schema={"source": pl.String, "province_code": pl.String, "finding_key": pl.String}
        )
    )
    listed_now = pl.concat(
        [open_now.select("finding_key"), suppressed_now.select("finding_key")]
    ).unique()
    parts = [
        _tagged(open_now, "open"),
        _tagged(open_now.filter(pl.col("finding_status") == "reopened"), "reopened"),
        _tagged(suppressed_now, "false_alarms"),
        _tagged(open_now.join(prev.select("finding_key"), on="finding_key", how="anti"), "new"),
        _tagged(prev.join(listed_now, on="finding_key", how="anti"), "resolved"),
    ]
    events = pl.concat(parts)
    overall = _counts(events.with_columns(pl.lit(1).alias("_all")), ["_all"]).get(
        (1,), empty_flow_counts()
    )
    by_source = _counts(events, ["source"])
    by_rule = (
        suppressed_now.group_by("source", "rule").len().sort("source", "rule")
        if suppressed_now.height
        else pl.DataFrame(schema={"source": pl.String, "rule": pl.String, "len": pl.UInt32})
    )
    sources: dict[str, Any] = {}
    for source in _SOURCES:
        if (source,) not in by_source:
            continue
        rules = by_rule.filter(pl.col("source") == source)
        sources[source] = {
            **by_source[(source,)],
            "false_alarms_by_rule": {r: int(n) for r, n in rules.select("rule", "len").rows()},
        }
    by_province = _counts(events, ["province_code"])
    provinces = [
        {"province_code": code, "province_name": names.get(code, code), **counts}
        for (code,), counts in sorted(
            ((k, v) for k, v in by_province.items() if k[0] is not None), key=lambda kv: kv[0][0]
        )
    ]
    return {
        "compared_with": dict(compared_with) if compared_with else None,
        "findings": overall,
        "sources": sources,
        "provinces": provinces,
        "unplaced": by_province.get((None,), empty_flow_counts()),
        "persons": dict(persons or {}),
        "review": dict(review or {}),
    }
