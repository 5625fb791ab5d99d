"""The next weekly delivery: a generated delivery with a share of its records changed.

``dancu generate --from data/raw --change 0.01 --out data/raw-w2`` reads a delivery that
``dancu generate`` wrote and writes the next week's: of every register, a share of the
records (``--change``, 1 % by default) is changed, a third each way:

* **edited** — one field takes a new value, as a register updates it: a new phone number, a
  new house number, a new update date (residents, insurance), a new registration or payment
  date (civil events, insurance);
* **removed** — the record is not in the new delivery;
* **added** — new records: half of them for new people (drawn from a fresh population, with
  record ids ``N…`` and person keys ``N…``), half a new record of a person already there (a
  copy of one of their records under a new record id, another phone).

Everything else is byte for byte the same (headers in the same language, a BOM where there
was one). The ground truth follows (``_truth/truth.parquet``, ``defects.parquet`` and
``persons.parquet``), and ``_truth/changes.parquet`` lists every change: ``source,
record_id, person_key, change`` (``edited`` / ``removed`` / ``added``), so a test or a bench
can tell the persons the change touched from those it did not. The same seed gives the same
files.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl

from pipelines.config import GenerateConfig
from pipelines.errors import InputError
from pipelines.generate import SOURCES, GenerateSummary, run_generate
from pipelines.generate.writer import VIETNAMESE_HEADERS, write_csv, write_parquet
from pipelines.progress import Progress, silent

__all__ = ["CHANGES", "run_next_delivery"]

CHANGES: Final = ("edited", "removed", "added")
"""The kinds of change of ``_truth/changes.parquet``."""

_ID_COLUMN: Final = {"residents": "record_id", "civil_events": "event_id", "insurance": "record_id"}
_EDITABLE: Final = {
    "residents": ("phone", "address", "updated_at"),
    "civil_events": ("registered_on",),
    "insurance": ("phone", "updated_at", "last_paid_on"),
}
_CANONICAL: Final = {v: k for k, v in VIETNAMESE_HEADERS.items()}


def _read(path: Path) -> tuple[pl.DataFrame, bool, bool]:
    """Return the file as canonical text columns, whether its headers are Vietnamese, BOM."""
    bom = path.read_bytes()[:3] == b"\xef\xbb\xbf"
    frame = pl.read_csv(path, infer_schema=False)
    vietnamese = any(c in _CANONICAL for c in frame.columns)
    return frame.rename({c: _CANONICAL.get(c, c) for c in frame.columns}), vietnamese, bom


def _phones(rng: np.random.Generator, n: int) -> list[str]:
    prefixes = np.array(["090", "091", "093", "096", "097", "098", "086", "088", "032", "035"])
    heads = prefixes[rng.integers(0, len(prefixes), n)]
    tails = rng.integers(0, 10_000_000, n)
    return [f"{h}{t:07d}" for h, t in zip(heads, tails, strict=True)]


def _edited(
    frame: pl.DataFrame, rows: np.ndarray, source: str, rng: np.random.Generator, as_of: dt.date
) -> pl.DataFrame:
    """Give each of ``rows`` one field a new value (module docstring)."""
    fields = [c for c in _EDITABLE[source] if c in frame.columns]
    if not fields or len(rows) == 0:
        return frame
    which = rng.integers(0, len(fields), len(rows))
    out = frame.with_row_index("_i")
    date = as_of.strftime("%d/%m/%Y")
    for j, field in enumerate(fields):
        chosen = rows[which == j]
        if len(chosen) == 0:
            continue
        if field == "phone":
            values = _phones(rng, len(chosen))
        elif field == "address":
            streets = frame["address"].drop_nulls().str.replace(r"^\d+\s*", "").to_numpy()
            picks: list[str] = (
                streets[rng.integers(0, len(streets), len(chosen))].tolist() if len(streets) else []
            )
            values = [f"{n} {s}" for n, s in zip(rng.integers(1, 400, len(chosen)), picks,
                                                 strict=False)]  # fmt: skip
        else:
            values = [date] * len(chosen)
        patch = pl.DataFrame(
            {"_i": chosen.astype(np.uint32), "_v": values},
            schema={"_i": pl.UInt32, "_v": pl.String},
        )
        out = (
            out.join(patch, on="_i", how="left")
            .with_columns(pl.coalesce("_v", field).alias(field))
            .drop("_v")
        )
    return out.drop("_i")


def run_next_delivery(
    src: Path,
    out: Path,
    *,
    change: float = 0.01,
    seed: int = 42,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> GenerateSummary:
    """Write the next delivery of ``src`` into ``out`` (module docstring).

    Raises :class:`~pipelines.errors.InputError` when ``src`` is not a delivery ``dancu
    generate`` wrote (it needs ``_truth/truth.parquet``).
    """
    progress = progress or silent()
    start = time.perf_counter()
    truth_path = src / "_truth" / "truth.parquet"
    if not truth_path.is_file():
        raise InputError(f"{src}: not a delivery `dancu generate` wrote (no _truth/truth.parquet)")
    if not 0.0 < change <= 0.5:
        raise InputError(f"--change must be a share between 0 and 0.5, got {change}")
    as_of = as_of or dt.date.today()
    rng = np.random.default_rng([seed, 20261129])
    truth = pl.read_parquet(truth_path)
    present = {s: src / f"{s}.csv" for s in SOURCES if (src / f"{s}.csv").is_file()}
    n_added = {s: 0 for s in present}
    frames = {}
    for source, path in present.items():
        frames[source] = _read(path)
        k = round(change * frames[source][0].height)
        n_added[source] = k - 2 * (k // 3)
    fresh_n = max(50, max(n_added.values(), default=0) * 2)
    with tempfile.TemporaryDirectory() as tmp, progress.step("draw new people"):
        fresh_dir = Path(tmp) / "fresh"
        run_generate(fresh_dir, GenerateConfig(residents=fresh_n, seed=seed + 7919,
                                               as_of=as_of), silent())  # fmt: skip
        fresh = {s: _read(fresh_dir / f"{s}.csv")[0] for s in present
                 if (fresh_dir / f"{s}.csv").is_file()}  # fmt: skip
        fresh_truth = pl.read_parquet(fresh_dir / "_truth" / "truth.parquet")
        fresh_persons = pl.read_parquet(fresh_dir / "_truth" / "persons.parquet")
        fresh_defects = pl.read_parquet(fresh_dir / "_truth" / "defects.parquet")
    out.mkdir(parents=True, exist_ok=True)
    (out / "_truth").mkdir(exist_ok=True)
    changes: list[pl.DataFrame] = []
    summary = GenerateSummary()
    added_truth: list[pl.DataFrame] = []
    added_fresh: list[pl.DataFrame] = []
    for source, (frame, vietnamese, bom) in frames.items():
        id_col = _ID_COLUMN[source]
        n = frame.height
        k = round(change * n)
        n_remove, n_edit = k // 3, k // 3
        order = rng.permutation(n)
        removed, edited = order[:n_remove], order[n_remove : n_remove + n_edit]
        keep = np.setdiff1d(np.arange(n), removed)
        changed = _edited(frame, edited, source, rng, as_of)
        n_copy = n_added[source] // 2
        n_new = n_added[source] - n_copy
        picked = rng.choice(keep, size=n_copy, replace=False) if n_copy else keep[:0]
        copies = changed[picked.tolist()]
        copies = copies.with_columns(
            pl.format("{}K{}", pl.col(id_col), pl.lit(seed % 100)).alias(id_col),
            *([pl.Series("phone", _phones(rng, copies.height))] if "phone" in copies.columns
              else []),
        )  # fmt: skip
        pool = fresh.get(source, changed.clear())
        new_rows = pool.head(min(n_new, pool.height)).with_columns(
            pl.concat_str(pl.lit("N"), pl.col(id_col)).alias(id_col)
        )
        ids = changed[id_col]
        kept = changed[keep.tolist()]
        final = pl.concat([kept, copies.select(kept.columns),
                           new_rows.select([c for c in kept.columns if c in new_rows.columns])],
                          how="diagonal")  # fmt: skip
        write_csv(final.select(frame.columns), out / f"{source}.csv", vietnamese, bom)
        summary.files[source] = out / f"{source}.csv"
        summary.rows[source] = final.height
        key = truth.filter(pl.col("source") == source).select("record_id", "person_key")
        copy_keys = (
            pl.DataFrame({"record_id": copies[id_col].str.replace(r"K\d+$", ""),
                          "new_id": copies[id_col]})
            .join(key, on="record_id", how="left")
            .select(pl.col("new_id").alias("record_id"), "person_key")
        )  # fmt: skip
        fresh_keys = (
            fresh_truth.filter(pl.col("source") == source)
            .join(new_rows.select(pl.col(id_col).str.slice(1).alias("record_id")), on="record_id")
            .select(
                pl.concat_str(pl.lit("N"), "record_id").alias("record_id"),
                pl.concat_str(pl.lit("N"), "person_key").alias("person_key"),
            )
        )
        added_truth.append(pl.concat([copy_keys, fresh_keys]).with_columns(
            pl.lit(source).alias("source")))  # fmt: skip
        added_fresh.append(fresh_keys.with_columns(pl.lit(source).alias("source")))
        for kind, rows in (("edited", ids.gather(edited.tolist())),
                           ("removed", ids.gather(removed.tolist()))):  # fmt: skip
            changes.append(
                pl.DataFrame({"record_id": rows})
                .join(key, on="record_id", how="left")
                .select(pl.lit(source).alias("source"), "record_id", "person_key",
                        pl.lit(kind).alias("change"))
            )  # fmt: skip
        changes.append(
            pl.concat([copy_keys, fresh_keys]).select(
                pl.lit(source).alias("source"), "record_id", "person_key",
                pl.lit("added").alias("change"),
            )
        )  # fmt: skip
    removed_all = pl.concat(changes).filter(pl.col("change") == "removed")
    new_truth = pl.concat(
        [
            truth.join(removed_all.select("source", "record_id"), on=["source", "record_id"],
                       how="anti"),
            *(a.select("source", "record_id", "person_key") for a in added_truth),
        ]
    )  # fmt: skip
    write_parquet(new_truth, out / "_truth" / "truth.parquet")
    write_parquet(
        pl.concat(changes).sort("source", "record_id"), out / "_truth" / "changes.parquet"
    )
    defects_path = src / "_truth" / "defects.parquet"
    if defects_path.is_file():
        fresh_ids = pl.concat(added_fresh)
        carried = pl.read_parquet(defects_path).join(
            removed_all.select("source", "record_id"), on=["source", "record_id"], how="anti"
        )
        born = fresh_defects.with_columns(
            pl.concat_str(pl.lit("N"), "record_id").alias("record_id")
        ).join(fresh_ids.select("source", "record_id"), on=["source", "record_id"], how="semi")
        write_parquet(pl.concat([carried, born.select(carried.columns)]),
                      out / "_truth" / "defects.parquet")  # fmt: skip
    persons_path = src / "_truth" / "persons.parquet"
    if persons_path.is_file():
        persons = pl.read_parquet(persons_path)
        newcomers = fresh_persons.with_columns(
            pl.concat_str(pl.lit("N"), "person_key").alias("person_key")
        ).join(pl.concat(added_fresh).select("person_key").unique(), on="person_key", how="semi")
        write_parquet(pl.concat([persons, newcomers.select(persons.columns)]),
                      out / "_truth" / "persons.parquet")  # fmt: skip
    summary.seconds = time.perf_counter() - start
    return summary
