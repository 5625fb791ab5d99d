"""Check filled review files and worklists against a run, and merge them into the decisions.

:func:`imported_decisions` is the pure core of ``dancu review import``: it reads the rows of
the filled files (:mod:`pipelines.decisions.sheets`), checks every one of them against the
run in the output folder and the decisions already stored, and returns the complete decision
tables to store — or raises :class:`~pipelines.errors.InputError` listing every problem, in
which case nothing is imported. A problem is named by file, sheet and row (never by a value:
the message may reach a log):

* a decision that is not one of the drop-down's (either language, with or without accents);
* a pair key or finding key dancu did not write, or record ids beside it that are not the
  key's;
* a record the run does not hold (the file is older than the run, or not from this folder);
* a record that changed since the file was written (its identity fields, for a pair; the
  value of the finding, for a finding): decide it again in the newer file;
* a pair or finding decided both ways (in one file, or in two files imported together);
* pair decisions that contradict each other: a chain of ``cùng người`` joining two records a
  ``khác người`` keeps apart (new decisions and stored ones together).

Empty decision cells are not decisions. A worklist row counts only where its status differs
from what dancu wrote (a hidden column keeps that): ``đã sửa tại nguồn`` and ``không phải
lỗi`` are stored; setting a finding back to ``chưa xử lý`` removes its stored decision.

Example:
    >>> normalised_choice("Cùng  người "), normalised_choice("khac nguoi"), normalised_choice("x")
    ('same', 'different', None)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import polars as pl

from pipelines.decisions.findings import finding_key_parts
from pipelines.decisions.sheets import FilledFile
from pipelines.decisions.store import FINDING_DECISIONS_SCHEMA, PAIR_DECISIONS_SCHEMA
from pipelines.errors import InputError
from pipelines.report.review_files import DECISION_LABELS
from pipelines.report.worklist import STATUS_LABELS
from pipelines.resolve.cluster import connected_components
from pipelines.resolve.review import pair_key_parts
from pipelines.vn.fold import fold_text

__all__ = ["Imported", "RunRecords", "imported_decisions", "normalised_choice"]

_SHOWN: Final = 20


def _folded(text: str) -> str:
    return " ".join(fold_text(text).lower().split())


_CHOICES: Final = {
    **{_folded(t): code for words in DECISION_LABELS.values() for code, t in words.items()},
    **{_folded(t): code for words in STATUS_LABELS.values() for code, t in words.items()},
}


def normalised_choice(text: str | None) -> str | None:
    """Return the code of a decision or status as typed (any case, accents optional)."""
    if text is None:
        return None
    return _CHOICES.get(_folded(text))


@dataclass(frozen=True)
class RunRecords:
    """What the run in the output folder says about the records the files name.

    Attributes:
        records: ``source, record_id`` of every record of the run.
        fingerprints: ``source, record_id, fingerprint`` of the records named in pair rows.
        findings: ``finding_key, value`` of the run's findings (listed or suppressed).
    """

    records: pl.DataFrame
    fingerprints: pl.DataFrame
    findings: pl.DataFrame


@dataclass(frozen=True)
class Imported:
    """The decision tables after the import, and what changed."""

    pairs: pl.DataFrame
    findings: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:_SHOWN]
        more = len(self.items) - len(shown)
        tail = f"\n  … and {more} more" if more > 0 else ""
        raise InputError(
            f"{len(self.items)} problem(s) in the files; nothing was imported. Fix them in "
            "the files (or clear those rows' decisions) and import again:\n  "
            + "\n  ".join(shown)
            + tail
        )


def _where(file: FilledFile, sheet: str, row: int) -> str:
    return f"{file.path.name}, sheet '{sheet}', row {row}"


def _text(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    return None if value is None else str(value)


def _has_columns(
    file: FilledFile, table: pl.DataFrame, needed: set[str], what: str, problems: _Problems
) -> bool:
    """Tell whether ``table`` has the ``needed`` columns; if not, note it against the file."""
    missing = needed - set(table.columns)
    if missing:
        problems.add(
            file.path.name,
            f"{what} lacks its column(s) {', '.join(sorted(missing))} (hidden columns too): "
            "import the file as dancu wrote it",
        )
    return not missing


def _pairs(
    files: Sequence[FilledFile], run: RunRecords, problems: _Problems, now: str
) -> list[dict[str, Any]]:
    known = set(run.records.select("source", "record_id").iter_rows())
    prints = {(s, r): f for s, r, f in run.fingerprints.iter_rows()}
    out = []
    for file in files:
        if file.pairs.height == 0:
            continue
        needed = {"pair_key", "decision", "fingerprint_1", "fingerprint_2"}
        if not _has_columns(file, file.pairs, needed, "the pair sheet", problems):
            continue
        for row in file.pairs.iter_rows(named=True):
            where = _where(file, row["sheet"], row["row"])
            typed = _text(row, "decision")
            if typed is None:
                continue
            decision = normalised_choice(typed)
            if decision not in ("same", "different"):
                problems.add(where, "the decision is not 'cùng người' or 'khác người'")
                continue
            key = _text(row, "pair_key") or ""
            parts = pair_key_parts(key)
            if parts is None:
                problems.add(where, "the pair key is not one dancu wrote")
                continue
            sides = ((parts[0], parts[1]), (parts[2], parts[3]))
            shown = {_text(row, "record_id_1"), _text(row, "record_id_2")} - {None}
            if shown and shown != {parts[1], parts[3]}:
                problems.add(where, "the record ids beside the pair key are not the key's")
                continue
            gone = [s for s in sides if s not in known]
            if gone:
                problems.add(where, "a record of the pair is not in this run (unknown record id)")
                continue
            seen = (_text(row, "fingerprint_1"), _text(row, "fingerprint_2"))
            if any(prints.get(s) != f for s, f in zip(sides, seen, strict=True)):
                problems.add(
                    where,
                    "a record of the pair changed since the file was written; decide it again "
                    "in the newer review file",
                )
                continue
            probability = _text(row, "probability")
            try:
                p = float(probability) if probability is not None else None
            except ValueError:
                p = None
            out.append(
                {
                    "pair_key": key,
                    "source_l": parts[0],
                    "record_id_l": parts[1],
                    "source_r": parts[2],
                    "record_id_r": parts[3],
                    "decision": decision,
                    "fingerprint_l": seen[0],
                    "fingerprint_r": seen[1],
                    "match_probability": p,
                    "decided_by": _text(row, "decided_by"),
                    "decided_on": _text(row, "decided_on"),
                    "note": _text(row, "note"),
                    "run_id": _text(row, "run_id") or file.run_id,
                    "file": file.path.name,
                    "imported_at": now,
                    "_where": where,
                }
            )
    return out


def _findings(
    files: Sequence[FilledFile], run: RunRecords, problems: _Problems, now: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (decisions to store, keys to clear) from the worklist rows."""
    known = set(run.records.select("source", "record_id").iter_rows())
    values = dict(run.findings.select("finding_key", "value").iter_rows())
    stored: list[dict[str, Any]] = []
    cleared: list[dict[str, Any]] = []
    for file in files:
        if file.findings.height == 0:
            continue
        needed = {"finding_key", "status", "status_written", "raw_value"}
        if not _has_columns(file, file.findings, needed, "the worklist", problems):
            continue
        for row in file.findings.iter_rows(named=True):
            where = _where(file, row["sheet"], row["row"])
            typed = _text(row, "status")
            status = normalised_choice(typed) if typed is not None else "open"
            if status not in ("open", "fixed", "not_error", "reopened"):
                problems.add(
                    where,
                    "the status is not 'chưa xử lý', 'đã sửa tại nguồn' or 'không phải lỗi'",
                )
                continue
            status = "open" if status == "reopened" else status
            written = _text(row, "status_written") or "open"
            written = "open" if written == "reopened" else written
            if status == written:
                continue
            key = _text(row, "finding_key") or ""
            parts = finding_key_parts(key)
            if parts is None:
                problems.add(where, "the finding key is not one dancu wrote")
                continue
            if (parts[0], parts[1]) not in known:
                problems.add(where, "the record is not in this run (unknown record id)")
                continue
            value = _text(row, "raw_value")
            if key in values and values[key] != value:
                problems.add(
                    where,
                    "the record changed since the worklist was written; decide it again in the "
                    "newer worklist",
                )
                continue
            item = {
                "finding_key": key,
                "source": parts[0],
                "record_id": parts[1],
                "rule": parts[2],
                "column": parts[3],
                "value": value,
                "status": status,
                "decided_by": _text(row, "decided_by"),
                "decided_on": _text(row, "decided_on"),
                "note": _text(row, "note"),
                "run_id": file.run_id,
                "file": file.path.name,
                "imported_at": now,
                "_where": where,
            }
            (cleared if status == "open" else stored).append(item)
    return stored, cleared


def _both_ways(items: list[dict[str, Any]], key: str, what: str, problems: _Problems) -> None:
    by: dict[str, dict[str, str]] = {}
    for item in items:
        by.setdefault(item[key], {}).setdefault(item[what], item["_where"])
    for places in by.values():
        if len(places) > 1:
            problems.add(" and ".join(sorted(places.values())), "the same one is decided both ways")


def _contradictions(pairs: pl.DataFrame, problems: _Problems) -> None:
    """Add a problem for each ``different`` pair joined by a chain of ``same`` pairs."""
    if pairs.height == 0:
        return
    ends = pl.concat(
        [
            pairs.select(pl.concat_str(f"source_{s}", pl.lit("\x1f"), f"record_id_{s}").alias("k"))
            for s in ("l", "r")
        ]
    ).unique(maintain_order=True)
    index = ends.with_row_index("i")
    coded = pairs.join(
        index.rename({"k": "kl", "i": "il"}),
        left_on=pl.concat_str("source_l", pl.lit("\x1f"), "record_id_l"),
        right_on="kl",
    ).join(
        index.rename({"k": "kr", "i": "ir"}),
        left_on=pl.concat_str("source_r", pl.lit("\x1f"), "record_id_r"),
        right_on="kr",
    )
    same = coded.filter(pl.col("decision") == "same")
    labels = connected_components(
        same.select(pl.col("il").alias("rid_l"), pl.col("ir").alias("rid_r")), index.height
    ).to_numpy()
    different = coded.filter(pl.col("decision") == "different")
    il, ir = different["il"].to_numpy(), different["ir"].to_numpy()
    bad = np.flatnonzero(labels[il] == labels[ir]) if len(il) else np.array([], dtype=np.int64)
    for i in bad.tolist():
        where = different["_where"][i] or "a stored decision"
        problems.add(
            where,
            "'khác người' for two records that 'cùng người' decisions join through other "
            "records; decide the pairs of that chain again",
        )


def imported_decisions(
    files: Sequence[FilledFile],
    run: RunRecords,
    stored_pairs: pl.DataFrame,
    stored_findings: pl.DataFrame,
    now: dt.datetime,
) -> Imported:
    """Check ``files`` against ``run`` and merge their decisions into the stored ones.

    Returns the complete tables to store (:data:`~pipelines.decisions.store.
    PAIR_DECISIONS_SCHEMA`, :data:`~pipelines.decisions.store.FINDING_DECISIONS_SCHEMA`) and
    counts; raises :class:`~pipelines.errors.InputError` listing every problem (module
    docstring), and then nothing is to be stored.
    """
    stamp = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    problems = _Problems()
    pairs = _pairs(files, run, problems, stamp)
    found, cleared = _findings(files, run, problems, stamp)
    _both_ways(pairs, "pair_key", "decision", problems)
    _both_ways([*found, *cleared], "finding_key", "status", problems)
    new_pairs = pl.DataFrame(
        pairs, schema={**PAIR_DECISIONS_SCHEMA, "_where": pl.String}, orient="row"
    ).unique("pair_key", keep="last", maintain_order=True)
    merged_pairs = pl.concat(
        [
            stored_pairs.join(new_pairs.select("pair_key"), on="pair_key", how="anti")
            .with_columns(pl.lit(None, dtype=pl.String).alias("_where")),
            new_pairs,
        ]
    ).sort("pair_key")  # fmt: skip
    _contradictions(merged_pairs, problems)
    problems.raise_if_any()
    new_findings = pl.DataFrame(
        found, schema={**FINDING_DECISIONS_SCHEMA, "_where": pl.String}, orient="row"
    ).unique("finding_key", keep="last", maintain_order=True)
    clear = pl.DataFrame({"finding_key": [c["finding_key"] for c in cleared]},
                         schema={"finding_key": pl.String})  # fmt: skip
    merged_findings = (
        pl.concat([
            stored_findings.join(new_findings.select("finding_key"), on="finding_key",
                                 how="anti"),
            new_findings.drop("_where"),
        ])
        .join(clear, on="finding_key", how="anti")
        .sort("finding_key")
    )  # fmt: skip
    before = stored_pairs.select("pair_key", pl.col("decision").alias("_was"))
    changed = new_pairs.join(before, on="pair_key").filter(pl.col("_was") != pl.col("decision"))
    changed_pairs = changed.height
    counts = {
        "files": len(files),
        "pairs_same": new_pairs.filter(pl.col("decision") == "same").height,
        "pairs_different": new_pairs.filter(pl.col("decision") == "different").height,
        "pairs_changed": changed_pairs,
        "findings_fixed": new_findings.filter(pl.col("status") == "fixed").height,
        "findings_not_error": new_findings.filter(pl.col("status") == "not_error").height,
        "findings_reverted": clear.join(stored_findings.select("finding_key"),
                                        on="finding_key", how="semi").height,
        "stored_pairs": merged_pairs.height,
        "stored_findings": merged_findings.height,
    }  # fmt: skip
    return Imported(
        pairs=merged_pairs.drop("_where").cast(PAIR_DECISIONS_SCHEMA),
        findings=merged_findings.cast(FINDING_DECISIONS_SCHEMA),
        counts=counts,
    )
