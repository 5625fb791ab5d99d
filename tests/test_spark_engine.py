"""The Spark engine gives the local engine's outputs, file for file (``--engine spark``).

Both engines clean the same ~50k residents (plus their civil events and insurance records),
then the next weekly delivery into the same output folders (ids carried, u reused, id
events). Every Parquet output, the scorecard and the resolution's figures must be identical:
the Spark engine runs dancu's own Polars code on other units (Spark's batches of rows,
groups of pairs), so any difference is a bug. Needs PySpark and Java (``make setup-spark``;
``make test-slow`` installs it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.config import Config, GenerateConfig, ResolveConfig, RunConfig
from pipelines.errors import MemoryBudgetError
from pipelines.generate import run_generate
from pipelines.generate.delivery import run_next_delivery
from pipelines.progress import silent
from pipelines.reconcile import reconciled_with_tally
from pipelines.resolve.cluster import connected_components
from pipelines.resolve.pairs_store import run_candidates
from pipelines.resolve.parts import LocalParts
from pipelines.resolve.records import records_frame
from pipelines.resolve.scoring import fit, with_tf_columns
from pipelines.resolve.week import Constraints
from pipelines.run import run_clean
from pipelines.spark import parts as spark_parts
from pipelines.spark.arrow import to_spark
from pipelines.spark.blocking import spark_candidates
from pipelines.spark.components import spark_components
from pipelines.spark.parts import SparkParts
from pipelines.spark.reconcile import SparkReconciler
from pipelines.spark.session import spark_session

pytestmark = pytest.mark.slow

_PAIRS = {"rid_l": pl.UInt32, "rid_r": pl.UInt32}
AS_OF = dt.date(2026, 11, 22)
NEXT = dt.date(2026, 11, 29)
MAY_BE_EMPTY = ("quarantine.parquet", "findings_suppressed.parquet", "person_events.parquet")
"""Outputs that can be empty (no id events on a first run); the last one is checked below."""


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = tmp_path_factory.mktemp("first")
    run_generate(first, GenerateConfig(residents=50_000, seed=11, as_of=AS_OF), silent())
    second = tmp_path_factory.mktemp("second")
    run_next_delivery(first, second, change=0.01, seed=12, as_of=NEXT, progress=silent())
    return first, second


def _clean(raw: Path, out: Path, engine: str, as_of: dt.date) -> dict[str, Any]:
    base = Config()
    cfg = dataclasses.replace(
        base,
        clean=dataclasses.replace(base.clean, as_of=as_of),
        run=RunConfig(engine=engine, spark_master="local[2]"),
    )
    return run_clean(raw, out, cfg, silent()).manifest


def _assert_same_outputs(local: Path, spark: Path, *, tiny: bool = False) -> None:
    names = sorted(p.name for p in local.glob("*.parquet"))
    assert "links.parquet" in names and "findings.parquet" in names
    assert names == sorted(p.name for p in spark.glob("*.parquet"))
    for name in names:
        a, b = pl.read_parquet(local / name), pl.read_parquet(spark / name)
        assert tiny or a.height > 0 or name in MAY_BE_EMPTY, name
        assert_frame_equal(a, b, check_exact=True)
    cards = [json.loads((d / "scorecard.json").read_text(encoding="utf-8")) for d in (local, spark)]
    for card in cards:  # when each run ran: the only thing allowed to differ
        card.pop("generated_at")
        if card.get("previous"):
            card["previous"].pop("generated_at")
    assert cards[0] == cards[1]


def test_spark_gives_the_local_outputs_first_run_and_next_delivery(
    deliveries: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = deliveries
    runs: dict[str, list[dict[str, Any]]] = {"local": [], "spark": []}
    for raw, as_of in ((first, AS_OF), (second, NEXT)):  # the next delivery: ids carried
        for engine, manifests in runs.items():
            manifests.append(_clean(raw, tmp_path / engine, engine, as_of))
        _assert_same_outputs(tmp_path / "local", tmp_path / "spark")
    local, spark = runs["local"], runs["spark"]
    assert spark[0]["engine"] == {"name": "spark", "master": "local[2]"}
    assert local[0]["engine"] == {"name": "local"}
    for a, b in zip(local, spark, strict=True):
        assert a["resolution"]["candidate_pairs"] > 50_000
        for key in (
            "candidate_pairs",
            "pair_partitions",
            "blocking",  # every rule's blocks, pairs and what the cap cost
            "pairs_matched",
            "persons",
            "em_iterations",
            "person_ids",
        ):
            assert a["resolution"][key] == b["resolution"][key], key
        assert a["findings"] == b["findings"]
        assert a["accounting"] == b["accounting"]
    assert (
        local[1]["resolution"]["u"]
        == spark[1]["resolution"]["u"]
        == ("reused from the previous run")
    )
    events = pl.read_parquet(tmp_path / "spark" / "person_events.parquet")
    assert events.height > 0  # the delivery moved persons: the id events were compared too


@pytest.mark.parametrize(
    ("residents", "insurance"),
    [
        # two people, nothing in common: no candidate pair at all
        (
            "record_id,full_name,personal_id\nR1,Nguyễn Văn An,001090012345\n"
            "R2,Lê Thị Bình,079185000111\n",
            None,
        ),
        # every register row set aside but one, and an insurance file with a header only
        (
            "record_id,full_name,personal_id\nR1,Nguyễn Văn An,001090012345\nR1,Trần B,\n,,\n",
            "record_id,full_name,personal_id\n",
        ),
    ],
)
def test_spark_gives_the_local_outputs_on_tiny_and_empty_registers(
    tmp_path: Path, residents: str, insurance: str | None
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text(residents, encoding="utf-8")
    if insurance is not None:
        (raw / "insurance.csv").write_text(insurance, encoding="utf-8")
    manifests = [_clean(raw, tmp_path / e, e, AS_OF) for e in ("local", "spark")]
    assert manifests[1]["engine"]["name"] == "spark"
    assert manifests[0]["accounting"] == manifests[1]["accounting"]
    _assert_same_outputs(tmp_path / "local", tmp_path / "spark", tiny=True)


def _crowded_residents(n: int, seed: int) -> pl.DataFrame:
    """Residents from a few names, dates, wards and phones: big blocks, some capped."""
    rng = np.random.default_rng(seed)
    names = [
        f"{s} {m} {g}"
        for s in ("Nguyễn", "Trần", "Lê")
        for m in ("Văn", "Thị")
        for g in ("An", "Bình", "Hùng")
    ]
    dates = [dt.date(1980 + k, 1 + k % 12, 1 + k % 28) for k in range(4)]
    year_only = rng.random(n) < 0.2  # spread: paired with the whole capped block
    return pl.DataFrame(
        {
            "record_id": [f"R{i:05d}" for i in range(n)],
            "full_name": rng.choice(names, n).tolist(),
            "birth_date": [dates[k] for k in rng.integers(0, len(dates), n)],
            "birth_date_precision": ["year" if y else "day" for y in year_only],
            "gender": rng.choice(["nam", "nữ"], n).tolist(),
            "ward_code": rng.choice(["00001", "00004"], n).tolist(),
            "phone": [f"09{k:08d}" for k in rng.integers(0, n // 10, n)],
            "personal_id": [f"0010{k:08d}" if k % 3 else None for k in rng.integers(0, n // 4, n)],
        }
    )


def test_spark_blocking_gives_the_local_candidates_in_capped_blocks(tmp_path: Path) -> None:
    # two sources with the same record ids, and rids in no particular order: a capped block's
    # ties are broken by (source, record_id), never by rid or by where a record was read
    frames = {
        "residents": _crowded_residents(2_000, seed=5),
        "insurance": _crowded_residents(1_000, seed=6),
    }
    stacked = records_frame(frames).collect()
    shuffled = np.random.default_rng(7).permutation(stacked.height)
    records = with_tf_columns(stacked.with_columns(pl.Series("rid", shuffled, dtype=pl.UInt32)))
    cfg = ResolveConfig(max_block=5, window=2)
    local = run_candidates(records, tmp_path / "local", cfg)
    with spark_session("local[2]", 4.0, tmp_path / "scratch") as spark:
        theirs = spark_candidates(spark, silent(), records, tmp_path / "spark", cfg)
    capped = [rule for rule in local.stats if rule["capped_blocks"] and rule["pairs_dropped"]]
    assert len(capped) >= 3 and local.n_pairs > 10_000  # the windows and spreads were used
    assert theirs.stats == local.stats
    assert (theirs.partitions, theirs.n_pairs) == (local.partitions, local.n_pairs)
    for p in range(local.partitions):
        assert_frame_equal(theirs.part(p), local.part(p), check_exact=True)
    assert sorted(q.name for q in (tmp_path / "spark").iterdir()) == sorted(
        q.name for q in (tmp_path / "local").iterdir()
    )  # nothing of Spark's left beside the partitions


def test_spark_components_are_the_local_components_on_long_chains(tmp_path: Path) -> None:
    """A chain of 3,000 records in shuffled order (pointer jumping) and a random sparse graph."""
    rng = np.random.default_rng(41)
    chain = rng.permutation(3_000)
    loose = rng.integers(3_000, 6_000, size=(2_500, 2))
    pairs = np.vstack([np.column_stack([chain[:-1], chain[1:]]), loose])
    edges = pl.DataFrame({"rid_l": pairs[:, 0], "rid_r": pairs[:, 1]}, schema=_PAIRS)
    expected = pl.DataFrame({"rid": pl.int_range(6_000, dtype=pl.UInt32, eager=True)}).with_columns(
        connected_components(edges, 6_000)
    )
    with spark_session("local[2]", 4.0, tmp_path / "scratch") as spark:
        spark.conf.set("spark.sql.shuffle.partitions", "4")
        theirs = spark_components(
            spark, spark.createDataFrame(to_spark(edges)), tmp_path / "cc", silent()
        )
        got = pl.from_arrow(theirs.toArrow())
    assert isinstance(got, pl.DataFrame)
    got = got.cast(pl.UInt32).sort("rid")
    ends = pl.concat([edges["rid_l"], edges["rid_r"]]).unique()
    assert_frame_equal(got, expected.filter(pl.col("rid").is_in(ends.implode())), check_exact=True)
    assert expected["cluster"].value_counts()["count"].max() == 3_000


def _resolved_clusters(
    parts: Any, records: pl.DataFrame, cfg: ResolveConfig, work: Path, decisions: Constraints
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Block, compare, fit, score and cluster with ``parts``; return the clusters and scores."""
    work.mkdir()
    store = parts.candidates(records, work / "pairs", cfg, lambda done, total: None)
    patterns = parts.compared(records, store, work, lambda done, total: None)
    params = fit(records, patterns, n_u_pairs=50_000, seed=1, iterations=50)
    scored, _ = parts.scored(records, params, store, work, lambda d, t: None, cfg.review_band)
    clustered = parts.clustered(records, scored, params, cfg, decisions, work)
    return clustered, scored.collect().sort("rid_l", "rid_r")


def test_spark_clustering_splits_as_the_local_engine_with_decisions(tmp_path: Path) -> None:
    """Components on Spark and conflicting ones split per group, with stewards' decisions.

    A low threshold chains the crowded names into big components; ``max_component=4`` makes
    the biggest be judged on their scored pairs only (the other way a component is weighed).
    """
    frames = {
        "residents": _crowded_residents(1_500, seed=31),
        "insurance": _crowded_residents(700, seed=32),
    }
    records = with_tf_columns(records_frame(frames).collect())
    cfg = ResolveConfig(match_threshold=0.3, split_below=2.0, max_component=4)
    none = pl.DataFrame(schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32})
    first, scores = _resolved_clusters(
        LocalParts(), records, cfg, tmp_path / "first", Constraints(none, none, none)
    )
    # decisions: keep apart two records of a person, join records of two persons
    sizes = first.group_by("cluster").len().filter(pl.col("len") >= 2).sort("cluster")
    pairs = (
        first.join(sizes.head(20), on="cluster")
        .group_by("cluster")
        .agg(pl.col("rid").min().alias("rid_l"), pl.col("rid").max().alias("rid_r"))
    )
    cannot = pairs.select("rid_l", "rid_r").head(10)
    firsts = pairs["rid_l"]
    must = pl.DataFrame({"rid_l": firsts[10:15], "rid_r": firsts[15:20]})
    decisions = Constraints(must.cast(pl.UInt32), cannot.cast(pl.UInt32), none)
    local, _ = _resolved_clusters(LocalParts(), records, cfg, tmp_path / "local", decisions)
    with spark_session("local[2]", 4.0, tmp_path / "scratch") as spark:
        theirs, their_scores = _resolved_clusters(
            SparkParts(spark, silent()), records, cfg, tmp_path / "spark", decisions
        )
    assert_frame_equal(their_scores, scores, check_exact=True)
    assert_frame_equal(theirs, local, check_exact=True)
    # what was tested: components were split, some too big to weigh every pair, decisions held
    edges = scores.filter(pl.col("match_probability") >= cfg.match_threshold)
    plain = connected_components(edges, records.height)
    assert local["cluster"].n_unique() > plain.n_unique()
    assert plain.value_counts()["count"].max() > cfg.max_component
    label = dict(zip(local["rid"].to_list(), local["cluster"].to_list(), strict=True))
    assert all(label[a] != label[b] for a, b in cannot.iter_rows())
    assert all(label[a] == label[b] for a, b in must.iter_rows())


def _summed(tally: pl.DataFrame) -> pl.DataFrame:
    keys = ["rule", "source", "province_code"]
    return tally.group_by(keys).agg(pl.col("checked").sum()).sort(keys, nulls_last=True)


def test_spark_reconciles_per_person_and_per_id_as_the_local_engine(tmp_path: Path) -> None:
    """The registers of a clean run with their person ids, 30 personal IDs each given to two
    persons (Spark's groups split them by person, the shared-ID check must not)."""
    raw = tmp_path / "raw"
    run_generate(raw, GenerateConfig(residents=3_000, seed=29, as_of=AS_OF), silent())
    _clean(raw, tmp_path / "local", "local", AS_OF)
    links = pl.read_parquet(tmp_path / "local" / "links.parquet").select(
        "source", "record_id", "person_id"
    )
    frames = {
        source: pl.read_parquet(tmp_path / "local" / f"{source}.parquet")
        .drop("person_id", strict=False)
        .join(links, on=["source", "record_id"])
        for source in ("residents", "civil_events", "insurance")
    }
    res = frames["residents"]
    ids = res["personal_id"].drop_nulls().unique().sort().head(60).to_list()
    taken = dict(zip(ids[1::2], ids[0::2], strict=True))  # 30 IDs each held by two persons
    frames["residents"] = res.with_columns(pl.col("personal_id").replace(taken))
    expected = reconciled_with_tally(frames, AS_OF)
    with spark_session("local[2]", 4.0, tmp_path / "scratch") as spark:
        got = SparkReconciler(spark, silent())(frames, AS_OF, tmp_path / "work")
    assert_frame_equal(got[0], expected[0], check_exact=True)
    assert_frame_equal(_summed(got[1]), _summed(expected[1]), check_exact=True)
    rules = set(expected[0]["rule"])
    shared = expected[0].filter(pl.col("rule") == "personal_id.shared")
    assert shared["value"].n_unique() >= 30 and len(rules) >= 4, rules
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").iterdir())


def test_spark_shipping_each_groups_records_gives_the_local_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way a group gets its records (Spark joins and ships them, for big runs)."""
    raw = tmp_path / "raw"
    run_generate(raw, GenerateConfig(residents=3_000, seed=23, as_of=AS_OF), silent())
    shipped: list[bool] = []
    monkeypatch.setattr(spark_parts, "READS_PER_PAIR", 0)  # never read: always shipped
    real = spark_parts.reads_records

    def reads(groups: int, n_records: int, n_pairs: int) -> bool:
        answer = real(groups, n_records, n_pairs)
        shipped.append(not answer)
        return answer

    monkeypatch.setattr(spark_parts, "reads_records", reads)
    for engine in ("local", "spark"):
        _clean(raw, tmp_path / engine, engine, AS_OF)
    assert shipped == [True]
    _assert_same_outputs(tmp_path / "local", tmp_path / "spark")


def test_a_spark_run_that_only_the_local_engine_fits_is_refused_before_spark_starts(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = "".join(f"R{i},Nguyễn Văn An,00109001{i:04d}\n" for i in range(200))
    (raw / "residents.csv").write_text("record_id,full_name,personal_id\n" + rows, "utf-8")
    out = tmp_path / "clean"
    run = RunConfig(memory_gb=1.5, engine="spark", spark_master="local[2]")
    with pytest.raises(MemoryBudgetError) as caught:
        run_clean(raw, out, dataclasses.replace(Config(), run=run), silent())
    text = str(caught.value)
    assert "for Spark on this machine" in text and "--engine local" in text and "1.5 GB" in text
    assert not out.exists()
    local = dataclasses.replace(Config(), run=RunConfig(memory_gb=1.5))
    assert run_clean(raw, out, local, silent()).manifest["accounting"]  # the local engine fits
