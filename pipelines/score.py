"""Score stage: đúng / đủ / sạch / sống per register, per province and per rule.

A dimension's score is the share of records with no failing rule of that dimension, ×100;
``score`` is the mean of the four (DESIGN §7). Per rule, ``checked`` counts the records the
rule applied to (from the stages' tallies) and ``failed`` the records with a finding of it.
The shape of the result is documented in ``docs/scorecard.md``.

Example:
    >>> records = pl.DataFrame({"source": ["residents"] * 4, "record_id": list("abcd"),
    ...     "province_code": ["01", "01", "79", None]})
    >>> findings = pl.DataFrame({"source": ["residents"], "record_id": ["a"],
    ...     "rule": ["phone.invalid"], "dimension": ["dung"]})
    >>> tally = pl.DataFrame({"source": ["residents"] * 2, "province_code": ["01", "79"],
    ...     "rule": ["phone.invalid"] * 2, "checked": [2, 1]})
    >>> card = scorecard(records, findings, tally, {"residents": 0}, {"run_id": "r"})
    >>> card["sources"]["residents"]["dung"], card["sources"]["residents"]["score"]
    (75.0, 93.75)
    >>> card["sources"]["residents"]["rules"]
    [{'rule': 'phone.invalid', 'dimension': 'dung', 'checked': 3, 'failed': 1, 'score': 66.67}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from pipelines.contracts import TALLY_SCHEMA, empty_tally, rule_tally
from pipelines.rules import DIMENSIONS, RULES

__all__ = [
    "DIMENSIONS",
    "TALLY_SCHEMA",
    "empty_tally",
    "record_index",
    "rule_tally",
    "scorecard",
    "with_change",
]

_RECORD_KEY = ["source", "record_id"]


def record_index(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Return ``source, record_id, province_code`` of every kept record of every source."""
    parts = [
        frame.select(
            pl.lit(source).alias("source"),
            "record_id",
            (pl.col("province_code") if "province_code" in frame.columns else pl.lit(None))
            .cast(pl.String)
            .alias("province_code"),
        )
        for source, frame in frames.items()
    ]
    schema = {"source": pl.String, "record_id": pl.String, "province_code": pl.String}
    return pl.concat([pl.DataFrame(schema=schema), *parts])


def _pct(failed: int, total: int) -> float | None:
    return None if total == 0 else round(100.0 * (1 - failed / total), 2)


def _scores(rows: int, failed: Mapping[str, int]) -> dict[str, Any]:
    """Return rows, failed_records and the four scores plus their mean for one group."""
    out: dict[str, Any] = {"rows": rows, "failed_records": {d: failed[d] for d in DIMENSIONS}}
    exact = [None if rows == 0 else 100.0 * (1 - failed[d] / rows) for d in DIMENSIONS]
    for d, value in zip(DIMENSIONS, exact, strict=True):
        out[d] = None if value is None else round(value, 2)
    out["score"] = None if rows == 0 else round(sum(v for v in exact if v is not None) / 4, 2)
    return out


def _failed_by(flags: pl.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], dict[str, int]]:
    """Return per group of ``keys``: records, and records failing each dimension."""
    grouped = flags.group_by(keys).agg(
        pl.len().alias("rows"), *(pl.col(d).sum().alias(d) for d in DIMENSIONS)
    )
    return {
        tuple(row[k] for k in keys): {"rows": row["rows"], **{d: row[d] for d in DIMENSIONS}}
        for row in grouped.iter_rows(named=True)
    }


def _rule_rows(checked: pl.DataFrame, failed: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Return checked and failed per rule (and ``keys``), with the rule's dimension and score."""
    both = checked.join(failed, on=[*keys, "rule"], how="full", coalesce=True).with_columns(
        pl.col("checked").fill_null(0), pl.col("failed").fill_null(0)
    )
    dims = pl.DataFrame({"rule": list(RULES), "dimension": [r.dimension for r in RULES.values()]})
    return (
        both.join(dims, on="rule", how="left")
        .with_columns(pl.max_horizontal("checked", "failed").alias("checked"))
        .sort([*keys, "rule"], nulls_last=True)
    )


def _rule_list(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "rule": r["rule"],
            "dimension": r["dimension"],
            "checked": int(r["checked"]),
            "failed": int(r["failed"]),
            "score": _pct(int(r["failed"]), int(r["checked"])),
        }
        for r in rows
    ]


def scorecard(
    records: pl.DataFrame,
    findings: pl.DataFrame,
    tally: pl.DataFrame,
    quarantined: Mapping[str, int],
    meta: Mapping[str, Any],
    province_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the scorecard (docs/scorecard.md) of one run.

    ``records`` is :func:`record_index` of the kept records; ``findings`` has at least
    ``source, record_id, rule, dimension``; ``tally`` is the concatenated
    :func:`rule_tally` frames of every stage; ``quarantined`` the set-aside rows per source;
    ``meta`` the ``run_id``, ``as_of`` and ``generated_at`` to put first. ``previous`` and
    ``change`` are added by :func:`with_change`.
    """
    names = dict(province_names or {})
    hits = findings.select(*_RECORD_KEY, "rule", "dimension").unique()
    per_dim = hits.select(*_RECORD_KEY, "dimension").unique()
    flags = records.join(
        per_dim.with_columns(pl.lit(1, dtype=pl.Int64).alias("__hit")).pivot(
            on="dimension", index=_RECORD_KEY, values="__hit"
        )
        if per_dim.height
        else pl.DataFrame(schema={"source": pl.String, "record_id": pl.String}),
        on=_RECORD_KEY,
        how="left",
    )
    flags = flags.with_columns(
        (pl.col(d).fill_null(0) if d in flags.columns else pl.lit(0, dtype=pl.Int64))
        .cast(pl.Int64)
        .alias(d)
        for d in DIMENSIONS
    )
    located = hits.join(records, on=_RECORD_KEY, how="inner")
    failed_src = located.group_by("source", "rule").agg(pl.len().cast(pl.Int64).alias("failed"))
    failed_prov = located.group_by("province_code", "rule").agg(
        pl.len().cast(pl.Int64).alias("failed")
    )
    checked_src = tally.group_by("source", "rule").agg(pl.col("checked").sum())
    checked_prov = tally.group_by("province_code", "rule").agg(pl.col("checked").sum())
    src_rules = _rule_rows(checked_src, failed_src, ["source"])
    prov_rules = _rule_rows(checked_prov, failed_prov, ["province_code"])

    by_source = _failed_by(flags, ["source"])
    sources: dict[str, Any] = {}
    for source in quarantined:
        counts = by_source.get((source,), {"rows": 0, **dict.fromkeys(DIMENSIONS, 0)})
        body = _scores(int(counts["rows"]), counts)
        body["quarantined"] = int(quarantined[source])
        body["rules"] = _rule_list(
            src_rules.filter(pl.col("source") == source).iter_rows(named=True)
        )
        sources[source] = {"rows": body.pop("rows"), "quarantined": body.pop("quarantined"), **body}

    total = _failed_by(flags.with_columns(pl.lit(1).alias("__all")), ["__all"]).get(
        (1,), {"rows": 0, **dict.fromkeys(DIMENSIONS, 0)}
    )
    overall = _scores(int(total["rows"]), total)
    overall = {
        "rows": overall.pop("rows"),
        "quarantined": int(sum(quarantined.values())),
        **overall,
    }

    provinces = []
    by_province = _failed_by(flags, ["province_code"])
    for (code,), counts in sorted(
        ((k, v) for k, v in by_province.items() if k[0] is not None), key=lambda kv: kv[0][0]
    ):
        entry: dict[str, Any] = {
            "province_code": code,
            "province_name": names.get(code, code),
            **_scores(int(counts["rows"]), counts),
        }
        entry["rules"] = _rule_list(
            prov_rules.filter((pl.col("province_code") == code) & (pl.col("checked") > 0))
            .iter_rows(named=True)
        )  # fmt: skip
        provinces.append(entry)
    unplaced_counts = by_province.get((None,), {"rows": 0, **dict.fromkeys(DIMENSIONS, 0)})
    return {
        "run_id": meta.get("run_id"),
        "as_of": meta.get("as_of"),
        "generated_at": meta.get("generated_at"),
        "overall": overall,
        "sources": sources,
        "provinces": provinces,
        "unplaced": _scores(int(unplaced_counts["rows"]), unplaced_counts),
        "previous": None,
        "change": None,
    }


def _words(group: Mapping[str, Any]) -> dict[str, Any]:
    return {k: group.get(k) for k in (*DIMENSIONS, "score")}


def _diff(now: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for k in (*DIMENSIONS, "score"):
        a, b = now.get(k), before.get(k)
        out[k] = None if a is None or b is None else round(float(a) - float(b), 2)
    return out


def with_change(card: dict[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return ``card`` with ``previous`` (a summary of the earlier run) and ``change`` set.

    Example:
        >>> now = {"overall": {"dung": 90.0, "du": 90.0, "sach": 90.0, "song": 90.0,
        ...     "score": 90.0}, "sources": {}}
        >>> before = {"run_id": "r0", "as_of": "2026-11-15", "generated_at": "x",
        ...     "overall": {"dung": 91.5, "du": 90.0, "sach": 90.0, "song": 90.0,
        ...     "score": 90.38}, "sources": {}}
        >>> with_change(now, before)["change"]["overall"]["dung"]
        -1.5
    """
    if previous is None:
        return {**card, "previous": None, "change": None}
    prev_sources = previous.get("sources") or {}
    summary = {
        "run_id": previous.get("run_id"),
        "as_of": previous.get("as_of"),
        "generated_at": previous.get("generated_at"),
        "overall": _words(previous.get("overall") or {}),
        "sources": {s: _words(v) for s, v in prev_sources.items() if v},
    }
    change = {
        "overall": _diff(card["overall"], previous.get("overall") or {}),
        "sources": {
            s: _diff(v, prev_sources[s]) for s, v in card["sources"].items() if prev_sources.get(s)
        },
    }
    return {**card, "previous": summary, "change": change}
