"""Which true pairs each tool misses, by the modifications the two records went through.

The generator logs what it did to each record: the febrl profile one row per modification
(``_truth/modifications.parquet``: ``field.kind`` such as ``birth_date.placeholder``), the
default profile one row per injected defect (``_truth/defects.parquet``: ``column.defect``).
A true pair carries the kinds of both its records. For each kind this module counts the
true pairs that carry it and how many of them each tool put in one person; and it lists
the missed pairs with their kinds, for whoever improves the model.

Example:
    >>> t = pl.DataFrame({"source": ["r"] * 3, "record_id": ["1", "2", "3"],
    ...                   "person_key": ["K", "K", "L"]})
    >>> true_pairs(t).select("record_id_a", "record_id_b").row(0)
    ('1', '2')
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

__all__ = [
    "false_pair_names",
    "missed_by_kind",
    "missed_pairs",
    "missed_table",
    "pair_kinds",
    "recall_by_changes",
    "record_kinds",
    "true_pairs",
]

_KEY = ["source", "record_id"]


def record_kinds(truth_dir: Path) -> pl.DataFrame:
    """Return ``source, record_id, kind`` from the generator's log, one row per change.

    Empty when there is no log.

    Example:
        >>> record_kinds(Path("/nowhere")).columns
        ['source', 'record_id', 'kind']
    """
    mods, defects = truth_dir / "modifications.parquet", truth_dir / "defects.parquet"
    if mods.is_file():
        frame = pl.read_parquet(mods).select(
            *_KEY, pl.concat_str("field", "kind", separator=".").alias("kind")
        )
    elif defects.is_file():
        frame = pl.read_parquet(defects).select(
            *_KEY, pl.concat_str("column", "defect", separator=".").alias("kind")
        )
    else:
        frame = pl.DataFrame(
            schema={"source": pl.String, "record_id": pl.String, "kind": pl.String}
        )
    return frame.sort(*_KEY, "kind")


def true_pairs(truth: pl.DataFrame) -> pl.DataFrame:
    """Return every true pair once: ``source_a, record_id_a, source_b, record_id_b, person_key``.

    Example:
        >>> t = pl.DataFrame({"source": ["r"] * 3, "record_id": ["1", "2", "3"],
        ...                   "person_key": ["K"] * 3})
        >>> true_pairs(t).height
        3
    """
    keys = truth.select(*_KEY, "person_key").drop_nulls("person_key")
    a = keys.rename({"source": "source_a", "record_id": "record_id_a"})
    b = keys.rename({"source": "source_b", "record_id": "record_id_b"})
    first = (pl.col("source_a") < pl.col("source_b")) | (
        (pl.col("source_a") == pl.col("source_b")) & (pl.col("record_id_a") < pl.col("record_id_b"))
    )
    return a.join(b, on="person_key").filter(first).sort("source_a", "record_id_a", "record_id_b")


def pair_kinds(pairs: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """Return ``pairs`` with ``kinds`` and ``changes``: what was done to the two records.

    ``kinds``: both records' distinct kinds, sorted (``[]`` if none); ``changes``: how many
    logged changes the two records carry in all.

    Example:
        >>> p = pl.DataFrame({"source_a": ["r"], "record_id_a": ["1"], "source_b": ["r"],
        ...                   "record_id_b": ["2"]})
        >>> k = pl.DataFrame({"source": ["r", "r"], "record_id": ["1", "2"],
        ...                   "kind": ["phone.missing", "gender.flip"]})
        >>> pair_kinds(p, k).select("kinds", "changes").row(0)
        (['gender.flip', 'phone.missing'], 2)
    """
    per = kinds.group_by(_KEY).agg(pl.col("kind").sort().alias("k"))
    out = pairs
    for side in ("a", "b"):
        out = out.join(
            per.rename({"source": f"source_{side}", "record_id": f"record_id_{side}", "k": side}),
            on=[f"source_{side}", f"record_id_{side}"],
            how="left",
            maintain_order="left",
        )
    both = pl.concat_list(
        pl.col("a").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("b").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    )
    return out.with_columns(
        kinds=both.list.unique().list.sort(), changes=both.list.len().cast(pl.Int64)
    ).drop("a", "b")


def _found(pairs: pl.DataFrame, assignment: pl.DataFrame) -> pl.Series:
    """Return, per pair, whether the tool gave both records one person_id."""
    ids = assignment.select(*_KEY, "person_id").unique(subset=_KEY, keep="first")
    out = pairs.select("source_a", "record_id_a", "source_b", "record_id_b")
    for side in ("a", "b"):
        out = out.join(
            ids.rename(
                {
                    "source": f"source_{side}",
                    "record_id": f"record_id_{side}",
                    "person_id": f"p_{side}",
                }
            ),
            on=[f"source_{side}", f"record_id_{side}"],
            how="left",
            maintain_order="left",
        )
    return out.select((pl.col("p_a") == pl.col("p_b")).fill_null(False).alias("found")).to_series()


def missed_by_kind(pairs: pl.DataFrame, assignments: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Return per kind: true pairs carrying it, and per tool pairs missed and recall.

    ``pairs`` comes from :func:`pair_kinds`; a pair with no logged kind counts under
    ``(none)``. Sorted by the first tool's misses, most first.

    Example:
        >>> p = pl.DataFrame({"source_a": ["r"], "record_id_a": ["1"], "source_b": ["r"],
        ...                   "record_id_b": ["2"], "kinds": [["gender.flip"]]})
        >>> a = pl.DataFrame({"source": ["r", "r"], "record_id": ["1", "2"],
        ...                   "person_id": ["P", "Q"]})
        >>> missed_by_kind(p, {"dancu": a}).row(0)
        ('gender.flip', 1, 1, 0.0)
    """
    flags = pairs.with_columns(
        *(_found(pairs, a).alias(f"found_{tool}") for tool, a in assignments.items()),
        kinds=pl.when(pl.col("kinds").list.len() == 0)
        .then(pl.lit(["(none)"], dtype=pl.List(pl.String)))
        .otherwise(pl.col("kinds")),
    ).explode("kinds")
    table = flags.group_by(pl.col("kinds").alias("kind")).agg(
        pl.len().alias("pairs"),
        *(
            expr
            for tool in assignments
            for expr in (
                (~pl.col(f"found_{tool}")).sum().alias(f"{tool}_missed"),
                pl.col(f"found_{tool}").mean().alias(f"{tool}_recall"),
            )
        ),
    )
    first = next(iter(assignments))
    return table.sort([f"{first}_missed", "kind"], descending=[True, False])


def recall_by_changes(pairs: pl.DataFrame, assignments: Mapping[str, pl.DataFrame]) -> str:
    """Return, as text, each tool's recall by how many changes the pair's records carry.

    Example:
        >>> p = pl.DataFrame({"source_a": ["r"], "record_id_a": ["1"], "source_b": ["r"],
        ...                   "record_id_b": ["2"], "changes": [2]})
        >>> a = pl.DataFrame({"source": ["r", "r"], "record_id": ["1", "2"],
        ...                   "person_id": ["P", "P"]})
        >>> print(recall_by_changes(p, {"dancu": a}).splitlines()[2])
              2          1         1.0000
    """
    table = (
        pairs.with_columns(*(_found(pairs, a).alias(t) for t, a in assignments.items()))
        .group_by("changes")
        .agg(pl.len().alias("pairs"), *(pl.col(t).mean() for t in assignments))
        .sort("changes")
    )
    head = f"{'changes':>7} {'pairs':>10}" + "".join(f" {t + ' recall':>14}" for t in assignments)
    lines = [head, "-" * len(head)]
    for row in table.iter_rows(named=True):
        line = f"{row['changes']:>7} {row['pairs']:>10,}"
        lines.append(line + "".join(f" {row[t]:>14.4f}" for t in assignments))
    return "\n".join(lines)


def missed_pairs(pairs: pl.DataFrame, assignments: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Return the true pairs at least one tool missed, with per tool whether it found them.

    Example:
        >>> p = pl.DataFrame({"source_a": ["r"], "record_id_a": ["1"], "source_b": ["r"],
        ...                   "record_id_b": ["2"], "kinds": [["gender.flip"]]})
        >>> a = pl.DataFrame({"source": ["r", "r"], "record_id": ["1", "2"],
        ...                   "person_id": ["P", "P"]})
        >>> missed_pairs(p, {"dancu": a}).height
        0
    """
    flags = pairs.with_columns(
        *(_found(pairs, a).alias(f"{tool}_found") for tool, a in assignments.items())
    )
    return flags.filter(~pl.all_horizontal(*(f"{t}_found" for t in assignments)))


def missed_table(table: pl.DataFrame, tools: list[str], top: int = 25) -> str:
    """Return the ``top`` rows of :func:`missed_by_kind` as fixed-width text."""
    head = f"{'kind (either record of the pair)':<34} {'pairs':>8}" + "".join(
        f" {t + ' missed':>14} {t + ' recall':>14}" for t in tools
    )
    lines = [head, "-" * len(head)]
    for row in table.head(top).iter_rows(named=True):
        line = f"{row['kind']:<34} {row['pairs']:>8,}"
        for t in tools:
            line += f" {row[f'{t}_missed']:>14,} {row[f'{t}_recall']:>14.4f}"
        lines.append(line)
    return "\n".join(lines)


def false_pair_names(
    assignment: pl.DataFrame, truth: pl.DataFrame, persons: pl.DataFrame, max_cluster: int = 200
) -> dict[str, int]:
    """Count a tool's false pairs, and those between namesakes (same true name; and year).

    Only clusters of at most ``max_cluster`` records are expanded into pairs (a larger one
    is counted in ``skipped_records``). ``persons`` needs ``person_key, full_name,
    birth_date``.

    Example:
        >>> t = pl.DataFrame({"source": ["r", "r"], "record_id": ["1", "2"],
        ...                   "person_key": ["K", "L"]})
        >>> a = t.select("source", "record_id", pl.lit("P").alias("person_id"))
        >>> ps = pl.DataFrame({"person_key": ["K", "L"], "full_name": ["Lê An", "Lê An"],
        ...                    "birth_date": ["1990-01-02", "1991-03-04"]})
        >>> false_pair_names(a, t, ps)["same_name"]
        1
    """
    rec = assignment.join(truth.select(*_KEY, "person_key"), on=_KEY).drop_nulls("person_id")
    size = rec.group_by("person_id").len()
    small = size.filter(pl.col("len") <= max_cluster)["person_id"].implode()
    skipped = int(size.filter(pl.col("len") > max_cluster)["len"].sum())
    rec = rec.filter(pl.col("person_id").is_in(small)).join(
        persons.select(
            "person_key", pl.col("full_name").alias("name"), pl.col("birth_date").str.slice(0, 4)
        ),
        on="person_key",
        how="left",
    )
    pairs = rec.join(rec, on="person_id", suffix="_b").filter(
        pl.col("person_key") < pl.col("person_key_b")
    )
    same = pairs["name"] == pairs["name_b"]
    return {
        "false_pairs": pairs.height,
        "same_name": int(same.sum()),
        "same_name_and_year": int((same & (pairs["birth_date"] == pairs["birth_date_b"])).sum()),
        "skipped_records": skipped,
    }
