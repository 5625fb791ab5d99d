"""Person ids carried from one delivery to the next, and the log of every id change.

A steward cleans a new extract every week. :func:`~pipelines.resolve.cluster.person_ids`
derives an id from a person's first record, so on its own an id changes whenever a record
with a smaller key joins the person. :func:`stable_person_ids` instead carries the previous
run's ids (``links.parquet``: ``source, record_id, person_id``) onto this run's clusters:

* a person whose records are unchanged keeps its id;
* a merge keeps the id of the previous person with more records in it (ties: the older id,
  by ``person_since``, then the smaller id);
* a split keeps the id on the part holding most of the previous person's records;
* every other cluster is a new person with a new id (content-derived as in
  :func:`~pipelines.resolve.cluster.person_ids`, re-derived with a salt if that id is or
  was taken, so an id never names two persons).

Formally the ids are a greedy matching of this run's clusters to the previous persons,
heaviest overlap first: the overlaps ``(cluster, previous id, records in both)`` are ordered
by records desc, the previous person's ``person_since`` (older first), its id, the cluster's
anchor; an overlap is taken when neither its cluster nor its previous id is taken yet. It is
computed as rounds of "mutual best" overlaps (the best overlap of its cluster and of its
previous id), each round a few joins and group-bys: vectorised, and the same result as the
sequential greedy (the heaviest remaining overlap is always mutual best, so every round
takes at least one).

Every change is an event (:data:`EVENTS_SCHEMA`, kept across runs in ``history/``):

* ``new`` — ``person_id`` did not exist before; ``other_person_id`` the previous person most
  of its records came from (a split-off part), null for a person of new records only;
  ``n_records`` its records;
* ``split`` — ``n_records`` records of ``person_id`` (which keeps its id) now belong to
  ``other_person_id``;
* ``merged`` — ``n_records`` records of the retired ``other_person_id`` now belong to
  ``person_id``;
* ``retired`` — ``person_id`` no longer exists; ``other_person_id`` is the person that holds
  most of its records now (null when they all left the delivery); ``n_records`` its records
  in the previous run.

So a record whose id changed from X to Y always has an event linking X and Y (``split`` X→Y
or ``merged`` Y←X). A pure function of frames (no file access); nothing depends on the order
of the input rows.

Example:
    >>> cur = pl.DataFrame({"rid": [0, 1, 2], "cluster": [0, 0, 2],
    ...     "source": ["residents"] * 3, "record_id": ["R0", "R1", "R2"]})
    >>> prev = pl.DataFrame({"source": ["residents"] * 3, "record_id": ["R1", "R2", "R9"],
    ...     "person_id": ["PA", "PB", "PB"]})
    >>> res = stable_person_ids(cur, prev, run_id="r2", as_of=dt.date(2026, 11, 29))
    >>> res.ids["person_id"].to_list()
    ['PA', 'PA', 'PB']
    >>> res.events.select("event", "person_id", "n_records").rows()
    []
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl

from pipelines.resolve.cluster import person_ids

__all__ = ["EVENTS_SCHEMA", "EVENT_KINDS", "StableIds", "empty_events", "stable_person_ids"]

EVENT_KINDS: Final = ("new", "merged", "split", "retired")
"""The kinds of ``person_events.parquet`` rows (module docstring)."""

EVENTS_SCHEMA: Final = pl.Schema(
    {
        "run_id": pl.String(),
        "event": pl.String(),
        "person_id": pl.String(),
        "other_person_id": pl.String(),
        "n_records": pl.Int64(),
    }
)
"""Columns of ``person_events.parquet``."""

_IDS_SCHEMA: Final = pl.Schema(
    {"rid": pl.UInt32(), "person_id": pl.String(), "person_since": pl.Date()}
)
_HEX: Final = 16
_MAX_SALT: Final = 64


@dataclass(frozen=True)
class StableIds:
    """What :func:`stable_person_ids` returns.

    Attributes:
        ids: ``rid, person_id, person_since`` (the as-of date of the run that issued the id)
            per record, in rid order.
        events: the id changes (:data:`EVENTS_SCHEMA`), sorted; empty on a first run.
        stats: counts for the manifest: ``carried`` (ids kept), ``new``, ``retired``,
            ``merged`` (previous persons absorbed into another), ``split`` (persons that
            gave records to another), ``records_moved`` (records whose id changed).
    """

    ids: pl.DataFrame
    events: pl.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)


def empty_events() -> pl.DataFrame:
    """Return an empty ``person_events`` frame."""
    return pl.DataFrame(schema=EVENTS_SCHEMA)


def _salted_id(anchor: str, salt: int) -> str:
    """Return a content-derived id for ``anchor`` when its plain id is taken (salt 1, 2…)."""
    digest = hashlib.sha256(f"{anchor}\x1f#{salt}".encode()).hexdigest()
    return "P" + digest[:_HEX].upper()


def _cluster_table(assignment: pl.DataFrame) -> pl.DataFrame:
    """Per cluster: its anchor (smallest ``source``, ``record_id``), size and content id."""
    keyed = assignment.select(
        pl.col("rid").cast(pl.UInt32),
        "cluster",
        "source",
        pl.col("record_id").cast(pl.String),
    )
    content = person_ids(keyed, keyed.select("rid", "cluster"))
    return (
        keyed.join(content, on="rid")
        .group_by("cluster")
        .agg(
            pl.len().cast(pl.Int64).alias("size"),
            pl.concat_str("source", pl.lit("\x1f"), "record_id").min().alias("anchor"),
            pl.col("person_id").first().alias("content_id"),
        )
    )


def _matched(edges: pl.DataFrame) -> pl.DataFrame:
    """Greedy matching of ``edges`` (``cluster, prev_id, rank``; rank 0 = heaviest).

    Rounds of mutual best edges (module docstring); returns the taken ``cluster, prev_id``.
    """
    taken: list[pl.DataFrame] = []
    remaining = edges.select("cluster", "prev_id", "rank")
    while remaining.height:
        best_c = remaining.group_by("cluster").agg(pl.col("rank").min())
        best_p = remaining.group_by("prev_id").agg(pl.col("rank").min())
        mutual = remaining.join(best_c.select("rank"), on="rank", how="semi").join(
            best_p.select("rank"), on="rank", how="semi"
        )
        taken.append(mutual.select("cluster", "prev_id"))
        remaining = remaining.join(mutual.select("cluster"), on="cluster", how="anti").join(
            mutual.select("prev_id"), on="prev_id", how="anti"
        )
    if not taken:
        return edges.select("cluster", "prev_id").clear()
    return pl.concat(taken)


def _new_ids(new: pl.DataFrame, taken: pl.Series) -> pl.DataFrame:
    """Give the new clusters (``cluster, anchor, content_id``) ids no one holds or held."""
    out = new.select("cluster", "anchor", pl.col("content_id").alias("person_id"))
    held = taken.drop_nulls().unique().to_frame("person_id")
    clash = out.join(held, on="person_id", how="semi")
    if clash.height == 0:
        return out.select("cluster", "person_id")
    fixed: dict[Any, str] = {}
    used = set(held["person_id"].to_list()) | set(out["person_id"].to_list())
    for cluster, anchor in clash.select("cluster", "anchor").sort("anchor").iter_rows():
        for salt in range(1, _MAX_SALT + 1):
            candidate = _salted_id(anchor, salt)
            if candidate not in used:
                fixed[cluster] = candidate
                used.add(candidate)
                break
        else:  # pragma: no cover - 64 collisions of 64-bit hashes in a row
            raise RuntimeError("person_id collision: raise the id length")
    patch = pl.DataFrame(
        {"cluster": list(fixed), "fixed": list(fixed.values())},
        schema={"cluster": out.schema["cluster"], "fixed": pl.String},
    )
    return out.join(patch, on="cluster", how="left").select(
        "cluster", pl.coalesce("fixed", "person_id").alias("person_id")
    )


def _previous(previous: pl.DataFrame) -> pl.DataFrame:
    """Return the previous links as ``source, record_id, prev_id, prev_since``, one per record."""
    since = (
        pl.col("person_since").cast(pl.Date)
        if "person_since" in previous.columns
        else pl.lit(None, dtype=pl.Date)
    )
    return (
        previous.select(
            "source",
            pl.col("record_id").cast(pl.String),
            pl.col("person_id").cast(pl.String).alias("prev_id"),
            since.alias("prev_since"),
        )
        .filter(pl.col("prev_id").is_not_null())
        .unique(["source", "record_id"], keep="first")
    )


def _best(frame: pl.DataFrame, by: str, target: str, weight: str, alias: str) -> pl.DataFrame:
    """Per ``by``: the ``target`` with the largest ``weight`` (ties: smallest ``target``)."""
    return (
        frame.sort([by, weight, target], descending=[False, True, False])
        .group_by(by, maintain_order=True)
        .agg(pl.col(target).first().alias(alias))
    )


def stable_person_ids(
    assignment: pl.DataFrame,
    previous: pl.DataFrame | None = None,
    *,
    run_id: str = "",
    as_of: dt.date | None = None,
    issued: pl.Series | None = None,
) -> StableIds:
    """Return this run's ``person_id`` per record, carried from ``previous``, and the events.

    ``assignment``: ``rid, cluster, source, record_id`` of every record of this run (any
    integer or string cluster label). ``previous``: the previous run's links (``source,
    record_id, person_id`` and, when present, ``person_since``), or None for a first run (ids
    are then exactly :func:`~pipelines.resolve.cluster.person_ids`' and there are no events).
    ``issued``: further ids that must never be given to a new person (ids retired in earlier
    runs, from the event history). ``run_id`` fills the events' ``run_id``; ``as_of`` is the
    ``person_since`` of new ids.

    Example:
        >>> cur = pl.DataFrame({"rid": [0, 1, 2], "cluster": [0, 0, 0],
        ...     "source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"]})
        >>> prev = pl.DataFrame({"source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"],
        ...     "person_id": ["PA", "PB", "PB"]})
        >>> res = stable_person_ids(cur, prev, run_id="r2")
        >>> res.ids["person_id"].unique().to_list()
        ['PB']
        >>> res.events.select("event", "person_id", "other_person_id", "n_records").rows()
        [('merged', 'PB', 'PA', 1), ('retired', 'PA', 'PB', 1)]
    """
    since = as_of or dt.date(1970, 1, 1)
    table = _cluster_table(assignment)
    keyed = assignment.select(
        pl.col("rid").cast(pl.UInt32), "cluster", "source", pl.col("record_id").cast(pl.String)
    )
    if previous is None or previous.height == 0:
        ids = keyed.join(table.select("cluster", "content_id"), on="cluster").select(
            "rid",
            pl.col("content_id").alias("person_id"),
            pl.lit(since, dtype=pl.Date).alias("person_since"),
        )
        stats = {"carried": 0, "new": table.height, "retired": 0, "merged": 0, "split": 0,
                 "records_moved": 0, "previous_persons": 0}  # fmt: skip
        return StableIds(ids.sort("rid").cast(_IDS_SCHEMA), empty_events(), stats)

    prev = _previous(previous)
    prev_persons = prev.group_by("prev_id").agg(
        pl.len().cast(pl.Int64).alias("prev_size"), pl.col("prev_since").min()
    )
    cur = keyed.join(prev, on=["source", "record_id"], how="left")
    overlap = (
        cur.filter(pl.col("prev_id").is_not_null())
        .group_by("cluster", "prev_id")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .join(prev_persons, on="prev_id")
        .join(table.select("cluster", "anchor"), on="cluster")
        .sort(
            ["n", "prev_since", "prev_id", "anchor"],
            descending=[True, False, False, False],
            nulls_last=False,  # a previous id without a date predates the dates: oldest
        )
        .with_row_index("rank")
    )
    kept = _matched(overlap).join(prev_persons.select("prev_id", "prev_since"), on="prev_id")
    new = table.join(kept.select("cluster"), on="cluster", how="anti")
    taken = pl.concat(
        [prev_persons["prev_id"], *([issued.cast(pl.String)] if issued is not None else [])]
    )
    fresh = _new_ids(new, taken)
    per_cluster = pl.concat(
        [
            kept.select(
                "cluster",
                pl.col("prev_id").alias("person_id"),
                pl.col("prev_since").alias("person_since"),
            ),
            fresh.with_columns(pl.lit(since, dtype=pl.Date).alias("person_since")),
        ]
    )
    now = cur.join(per_cluster, on="cluster")
    ids = now.select("rid", "person_id", "person_since").sort("rid").cast(_IDS_SCHEMA)
    events, stats = _events(now, prev_persons, kept, fresh, table)
    events = events.with_columns(pl.lit(run_id, dtype=pl.String).alias("run_id"))
    return StableIds(ids, events.select(EVENTS_SCHEMA.names()).cast(EVENTS_SCHEMA), stats)


def _events(
    now: pl.DataFrame,
    prev_persons: pl.DataFrame,
    kept: pl.DataFrame,
    fresh: pl.DataFrame,
    table: pl.DataFrame,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Return the events (module docstring) and their counts."""
    alive = kept.select(pl.col("prev_id"))
    flows = (
        now.filter(pl.col("prev_id").is_not_null() & (pl.col("prev_id") != pl.col("person_id")))
        .group_by("prev_id", "person_id")
        .agg(pl.len().cast(pl.Int64).alias("n"))
    )
    split = flows.join(alive, on="prev_id", how="semi").select(
        pl.lit("split").alias("event"),
        pl.col("prev_id").alias("person_id"),
        pl.col("person_id").alias("other_person_id"),
        pl.col("n").alias("n_records"),
    )
    merged = flows.join(alive, on="prev_id", how="anti").select(
        pl.lit("merged").alias("event"),
        "person_id",
        pl.col("prev_id").alias("other_person_id"),
        pl.col("n").alias("n_records"),
    )
    origin = _best(
        now.filter(pl.col("prev_id").is_not_null())
        .group_by("person_id", "prev_id")
        .agg(pl.len().alias("n")),
        "person_id",
        "prev_id",
        "n",
        "other_person_id",
    )
    born = (
        fresh.join(table.select("cluster", "size"), on="cluster")
        .join(origin, on="person_id", how="left")
        .select(
            pl.lit("new").alias("event"),
            "person_id",
            "other_person_id",
            pl.col("size").alias("n_records"),
        )
    )
    gone = prev_persons.join(alive, on="prev_id", how="anti")
    successor = _best(flows, "prev_id", "person_id", "n", "other_person_id")
    retired = gone.join(successor, on="prev_id", how="left").select(
        pl.lit("retired").alias("event"),
        pl.col("prev_id").alias("person_id"),
        "other_person_id",
        pl.col("prev_size").alias("n_records"),
    )
    order = {kind: i for i, kind in enumerate(EVENT_KINDS)}
    events = (
        pl.concat([born, merged, split, retired])
        .with_columns(pl.col("event").replace_strict(order, return_dtype=pl.Int8).alias("_o"))
        .sort(["_o", "person_id", "other_person_id"], nulls_last=True)
        .drop("_o")
    )
    stats = {
        "carried": kept.height,
        "new": born.height,
        "retired": retired.height,
        "merged": merged["other_person_id"].n_unique(),
        "split": split["person_id"].n_unique(),
        "records_moved": int(flows["n"].sum() or 0),
        "previous_persons": prev_persons.height,
    }
    return events, stats
