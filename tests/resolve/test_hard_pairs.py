"""Labelled hard pairs, scored with parameters learnt (unsupervised) from generated data.

``data/hard_pairs.csv`` grows with every mis-merge or missed match found: add the pair with
its expected decision and a short case name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.config import Config, GenerateConfig, ResolveConfig
from pipelines.generate import run_generate
from pipelines.progress import silent
from pipelines.resolve.compare import comparisons
from pipelines.resolve.records import records_frame
from pipelines.resolve.scoring import FSParams, score
from pipelines.resolve.stage import resolved
from pipelines.run import run_clean
from pipelines.standardise import standardised
from pipelines.validate import validated

HERE = Path(__file__).parent
AS_OF = dt.date(2026, 11, 22)
SIDE_COLUMNS = ["full_name", "birth_date", "gender", "personal_id", "phone", "province",
                "father_name", "mother_name"]  # fmt: skip


@pytest.fixture(scope="module")
def clean_frames(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    raw = tmp_path_factory.mktemp("raw")
    out = raw.parent / "clean"
    run_generate(raw, GenerateConfig(residents=3000, seed=9), silent())
    run_clean(raw, out, Config(), silent())
    sources = ("residents", "civil_events", "insurance")
    return {s: pl.read_parquet(out / f"{s}.parquet").drop("person_id") for s in sources}


@pytest.fixture(scope="module")
def params(clean_frames: dict[str, pl.DataFrame]) -> FSParams:
    result = resolved(clean_frames, ResolveConfig(u_sample_pairs=200_000))
    assert result.params is not None
    return result.params


def _pair_frame(row: dict[str, str | None]) -> pl.DataFrame:
    sides = [
        {"record_id": f"{side}", **{c: row[f"{c}_{side}"] for c in SIDE_COLUMNS}}
        for side in ("l", "r")
    ]
    frame = pl.DataFrame(sides, schema=dict.fromkeys(["record_id", *SIDE_COLUMNS], pl.String))
    frame = frame.with_columns(pl.lit("residents").alias("source"), pl.lit(1).alias("source_row"))
    std = standardised(frame.lazy(), "residents", AS_OF).collect()
    clean, _ = validated(std, "residents", AS_OF - dt.timedelta(days=365))
    return clean


CASES = pl.read_csv(HERE / "data" / "hard_pairs.csv", infer_schema=False)


@pytest.mark.parametrize("row", CASES.to_dicts(), ids=CASES["case"].to_list())
def test_hard_pair_decision(row: dict[str, str | None], params: FSParams) -> None:
    records = records_frame({"residents": _pair_frame(row)}).collect()
    pair = pl.DataFrame(
        {"rid_l": [0], "rid_r": [1]}, schema={"rid_l": pl.UInt32, "rid_r": pl.UInt32}
    )
    scored = score(comparisons(records, pair), params, records)
    probability = scored["match_probability"].item()
    threshold = ResolveConfig().match_threshold
    if row["expected"] == "match":
        assert probability >= threshold, scored["match_reason"].item()
    else:
        assert probability < threshold, scored["match_reason"].item()


def test_person_ids_do_not_depend_on_row_order(clean_frames: dict[str, pl.DataFrame]) -> None:
    cfg = ResolveConfig(u_sample_pairs=200_000)
    first = resolved(clean_frames, cfg).links
    shuffled = {s: f.sample(fraction=1.0, shuffle=True, seed=3) for s, f in clean_frames.items()}
    second = resolved(shuffled, cfg).links
    joined = first.join(second, on=["source", "record_id"], suffix="_shuffled")
    assert joined.height == first.height
    assert (joined["person_id"] == joined["person_id_shuffled"]).all()
