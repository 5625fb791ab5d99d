"""Run Splink 5 on the raw registers: pre-process, train, predict, cluster; write the clusters.

Runs in Splink's own environment, never in dancu's (the bench starts it with
``uv run --no-project --with splink==5.0.0 --with duckdb==2.0.0 python -m
pipelines.anchor.splink_run --raw DIR --out DIR`` from the repository root). It imports only
the standard library, DuckDB, Splink and :mod:`pipelines.anchor.sql`.

The model is configured as STACK.md's "Splink 5.0 as the benchmark anchor" says: a union of
six blocking rules; name comparisons with term-frequency adjustments, date of birth, exact
gender, a location comparison, Levenshtein phone, Damerau-Levenshtein ID, Jaro-Winkler
address; λ from deterministic rules (recall 0.6), u by random sampling (1e7 pairs), m by EM
twice (blocked on date of birth, then phone); predictions above 0.01, clusters at 0.95.

Writes ``OUT/clusters.parquet`` (``source, record_id, cluster_id``) and ``OUT/splink.json``
(records, seconds per phase, peak memory, versions). Timed: train + predict + cluster;
reading and pre-processing are reported apart.

Example:
    >>> [Path(p).name for p in raw_files(Path("/nowhere"))]
    []
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipelines.anchor.sql import header_map, prepared_sql, source_sql, stacked_sql

__all__ = ["MATCH_THRESHOLD", "PREDICT_THRESHOLD", "SOURCES", "main", "raw_files", "settings"]

SOURCES = ("residents", "civil_events", "insurance")
PREDICT_THRESHOLD = 0.01
MATCH_THRESHOLD = 0.95


def raw_files(raw: Path) -> dict[str, Path]:
    """Return the raw CSV of each register present in ``raw``."""
    return {s: raw / f"{s}.csv" for s in SOURCES if (raw / f"{s}.csv").is_file()}


def settings() -> Any:
    """Return the SettingsCreator of the anchor model (imports Splink)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    location = cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("province"),
            cll.And(cll.ExactMatchLevel("province"), cll.ExactMatchLevel("district")),
            cll.ExactMatchLevel("province"),
            cll.ElseLevel(),
        ],
        output_column_name="location",
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("nid"),
            block_on("phone"),
            block_on("dob", "given"),
            block_on("dob", "surname"),
            block_on("surname", "given", "birth_year"),
            block_on("given", "middle", "surname", "province"),
        ],
        comparisons=[
            cl.NameComparison("given").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.NameComparison("middle", jaro_winkler_thresholds=[0.92]).configure(
                term_frequency_adjustments=True
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("gender"),
            location,
            cl.LevenshteinAtThresholds("phone", [1]),
            cl.DamerauLevenshteinAtThresholds("nid", [1]),
            cl.JaroWinklerAtThresholds("address", [0.9]),
        ],
    )


def _count(con: Any, table: str) -> int:
    """Return the rows of ``table``, fetching the whole result (DuckDB 2 wants it finished)."""
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the anchor on ``--raw`` and write its clusters and figures into ``--out``."""
    import duckdb
    import splink
    from splink import DuckDBAPI, Linker, block_on

    parser = argparse.ArgumentParser(prog="python -m pipelines.anchor.splink_run")
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    files = raw_files(args.raw)
    if not files:
        raise SystemExit(f"{args.raw}: no residents.csv, civil_events.csv or insurance.csv")

    t0 = time.perf_counter()
    con = duckdb.connect()
    selects = []
    for source, path in files.items():
        headers = [r[0] for r in con.execute(
            f"DESCRIBE SELECT * FROM read_csv('{path}', all_varchar = true, header = true)"
        ).fetchall()]  # fmt: skip
        selects.append(source_sql(source, str(path), header_map(headers)))
    con.execute(f"CREATE TABLE raw_people AS {stacked_sql(selects)}").fetchall()
    con.execute(f"CREATE TABLE people AS {prepared_sql('raw_people')}").fetchall()
    records = _count(con, "people")
    t1 = time.perf_counter()

    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("people"), settings(), log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("nid"), block_on("phone", "dob")], recall=0.6
    )
    training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in (block_on("dob"), block_on("phone")):
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    t2 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
    t3 = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=MATCH_THRESHOLD
    )
    t4 = time.perf_counter()

    pairs = _count(con, predictions.physical_name)
    target = args.out / "clusters.parquet"
    con.execute(
        f"COPY (SELECT p.source, p.record_id, CAST(c.cluster_id AS VARCHAR) AS cluster_id "
        f"FROM {clusters.physical_name} c JOIN people p USING (unique_id) "
        f"ORDER BY p.source, p.record_id) TO '{target}' (FORMAT parquet)"
    ).fetchall()
    summary = {
        "records": int(records),
        "sources": sorted(files),
        "predicted_pairs": int(pairs),
        "seconds": {
            "preprocess": round(t1 - t0, 3),
            "train": round(t2 - t1, 3),
            "predict": round(t3 - t2, 3),
            "cluster": round(t4 - t3, 3),
            "train_predict_cluster": round(t4 - t1, 3),
        },
        "peak_rss_mb": _peak_mb(),
        "versions": {"splink": splink.__version__, "duckdb": duckdb.__version__},
        "thresholds": {"predict": PREDICT_THRESHOLD, "cluster": MATCH_THRESHOLD},
    }
    (args.out / "splink.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
