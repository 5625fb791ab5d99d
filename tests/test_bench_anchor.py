"""The side-by-side bench: header mapping for Splink, pair counting, misses by kind.

The Splink run itself needs its own environment and minutes: the end-to-end test is
``slow`` (``make test-slow``) and skips when ``uv`` is not available.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipelines.anchor.run import splink_assignment, splink_command
from pipelines.anchor.sql import FIELDS, header_map, prepared_sql, source_sql
from pipelines.bench import _row, speed_line
from pipelines.evaluate.missed import (
    false_pair_names,
    missed_by_kind,
    missed_pairs,
    pair_kinds,
    recall_by_changes,
    record_kinds,
    true_pairs,
)
from pipelines.evaluate.side_by_side import over_truth, scored, side_by_side_table
from pipelines.generate.events import COLUMNS as EVENT_COLUMNS
from pipelines.generate.febrl import COLUMNS as FEBRL_COLUMNS
from pipelines.generate.insurance import COLUMNS as INSURANCE_COLUMNS
from pipelines.generate.residents import COLUMNS as RESIDENT_COLUMNS
from pipelines.generate.writer import VIETNAMESE_HEADERS

ROOT = Path(__file__).resolve().parents[1]
R = "residents"


@pytest.mark.parametrize(
    "columns", [RESIDENT_COLUMNS, EVENT_COLUMNS, INSURANCE_COLUMNS, FEBRL_COLUMNS]
)
@pytest.mark.parametrize("vietnamese", [False, True])
def test_splink_reads_the_generators_headers(columns: tuple[str, ...], vietnamese: bool) -> None:
    headers = [VIETNAMESE_HEADERS.get(c, c) if vietnamese else c for c in columns]
    mapped = header_map(headers)
    back = {h: c for h, c in zip(headers, columns, strict=True)}
    canonical = {field: back[h] for field, h in mapped.items()}
    id_column = "event_id" if "event_id" in columns else "record_id"
    assert canonical.pop("record_id") == id_column
    # every other anchor field the file has is found, under its own name only
    assert canonical == {f: f for f in FIELDS[1:] if f in columns}
    assert "spouse_personal_id" not in canonical.values()  # not the subject's ID
    assert "father_name" not in canonical.values()


def test_source_sql_needs_a_record_id_and_nulls_absent_columns() -> None:
    with pytest.raises(ValueError, match="no record id"):
        source_sql(R, "x.csv", {"full_name": "Họ và tên"})
    sql = source_sql(R, "it's.csv", {"record_id": "Mã hồ sơ", "full_name": "Họ và tên"})
    assert "'it''s.csv'" in sql and '"Họ và tên" AS full_name' in sql
    assert "CAST(NULL AS VARCHAR) AS phone" in sql
    prepared = prepared_sql("raw")
    for needed in ("strip_accents", "'đ', 'd'", "AS surname", "AS given", "AS middle", "AS nid"):
        assert needed in prepared
    assert splink_command("uv", Path("a"), Path("b"))[-4:] == [
        "--raw",
        str(Path("a").resolve()),
        "--out",
        str(Path("b").resolve()),
    ]


def _truth(keys: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"source": [R] * len(keys), "record_id": list(keys), "person_key": list(keys.values())}
    )


def _assigned(ids: dict[str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"source": [R] * len(ids), "record_id": list(ids), "person_id": list(ids.values())},
        schema={"source": pl.String, "record_id": pl.String, "person_id": pl.String},
    )


def test_recall_counts_every_true_pair_even_of_unassigned_records() -> None:
    truth = _truth({"1": "K", "2": "K", "3": "K", "4": "L"})
    # record 3 was quarantined: absent from the tool's output
    assigned = _assigned({"1": "P", "2": "P", "4": "Q"})
    assert over_truth(assigned, truth)["person_id"].to_list() == ["P", "P", None, "Q"]
    m = scored(assigned, truth)["overall"]
    assert (m["tp"], m["fp"], m["fn"], m["true_pairs"]) == (1, 0, 2, 3)
    assert m["recall"] == pytest.approx(1 / 3) and m["precision"] == 1.0


def test_clusters_become_an_assignment(tmp_path: Path) -> None:
    pl.DataFrame(
        {"source": [R, R], "record_id": ["1", "2"], "cluster_id": [7, 7]},
    ).write_parquet(tmp_path / "clusters.parquet")
    a = splink_assignment(tmp_path)
    assert a.schema["person_id"] == pl.String
    assert scored(a, _truth({"1": "K", "2": "K"}))["overall"]["f1"] == 1.0


def test_missed_pairs_by_kind(tmp_path: Path) -> None:
    truth = _truth({"o": "K", "d1": "K", "d2": "K", "x": "L", "y": "L"})
    pl.DataFrame(
        {
            "source": [R, R, R],
            "record_id": ["d1", "d2", "d2"],
            "person_key": ["K"] * 3,
            "slot": [0, 0, 1],
            "field": ["birth_date", "gender", "birth_date"],
            "kind": ["placeholder", "flip", "placeholder"],
            "before": ["a", "b", "c"],
            "after": ["d", "e", "f"],
        }
    ).write_parquet(tmp_path / "modifications.parquet")
    kinds = record_kinds(tmp_path)
    assert kinds.height == 3  # one row per logged change
    assert pair_kinds(true_pairs(truth), kinds)["changes"].to_list() == [3, 1, 2, 0]
    pairs = pair_kinds(true_pairs(truth), record_kinds(tmp_path))
    assert pairs.height == 4  # (d1,d2), (d1,o), (d2,o), (x,y)
    dancu = _assigned({"o": "P", "d1": "P", "d2": "Q", "x": "S", "y": "S"})
    splink = _assigned({"o": "P", "d1": "P", "d2": "P", "x": "S", "y": "T"})
    table = missed_by_kind(pairs, {"dancu": dancu, "splink": splink})
    rows = {r["kind"]: r for r in table.iter_rows(named=True)}
    # placeholder: all three K pairs carry it; dancu missed the two with d2
    assert rows["birth_date.placeholder"]["pairs"] == 3
    assert rows["birth_date.placeholder"]["dancu_missed"] == 2
    assert rows["birth_date.placeholder"]["splink_missed"] == 0
    assert rows["gender.flip"]["pairs"] == 2 and rows["gender.flip"]["dancu_recall"] == 0.0
    assert rows["(none)"]["pairs"] == 1 and rows["(none)"]["splink_missed"] == 1
    assert table["kind"][0] == "birth_date.placeholder"  # most missed by dancu first
    by_changes = recall_by_changes(pairs, {"dancu": dancu, "splink": splink}).splitlines()
    # changes 0: (x,y) dancu only; 1: (d1,o) both; 2: (d2,o) and 3: (d1,d2) splink only
    assert [line.split() for line in by_changes[2:]] == [
        ["0", "1", "1.0000", "0.0000"],
        ["1", "1", "1.0000", "1.0000"],
        ["2", "1", "0.0000", "1.0000"],
        ["3", "1", "0.0000", "1.0000"],
    ]
    missed = missed_pairs(pairs, {"dancu": dancu, "splink": splink})
    assert missed.height == 3
    assert missed.filter(pl.col("record_id_a") == "x")["dancu_found"].to_list() == [True]


def test_record_kinds_reads_the_default_profiles_defects(tmp_path: Path) -> None:
    pl.DataFrame(
        {"source": [R], "record_id": ["1"], "column": ["phone"], "defect": ["phone_landline"]}
    ).write_parquet(tmp_path / "defects.parquet")
    assert record_kinds(tmp_path)["kind"].to_list() == ["phone.phone_landline"]


def test_false_pairs_between_namesakes() -> None:
    truth = _truth({"1": "K", "2": "L", "3": "M", "4": "M"})
    persons = pl.DataFrame(
        {
            "person_key": ["K", "L", "M"],
            "full_name": ["Lê An", "Lê An", "Trần Bình"],
            "birth_date": ["1990-01-02", "1990-05-06", "1970-01-01"],
        }
    )
    counts = false_pair_names(_assigned({"1": "P", "2": "P", "3": "P", "4": "Q"}), truth, persons)
    # cluster P holds K, L and M: pairs (1,2), (1,3), (2,3) are false; (1,2) are namesakes
    # born the same year; cluster Q holds the other record of M alone
    assert counts == {
        "false_pairs": 3,
        "same_name": 1,
        "same_name_and_year": 1,
        "skipped_records": 0,
    }
    assert false_pair_names(_assigned({"1": "P", "2": "P"}), truth, persons, 1) == {
        "false_pairs": 0,
        "same_name": 0,
        "same_name_and_year": 0,
        "skipped_records": 2,
    }


def test_side_by_side_rows_and_a_failed_tool() -> None:
    truth = _truth({"1": "K", "2": "K"})
    ok = {"assigned": _assigned({"1": "P", "2": "P"}), "seconds": 2.0, "timed": "x", "peak_mb": 5}
    rows = [_row("dancu", None, truth), _row("splink", ok, truth)]
    assert rows[0]["f1"] is None and rows[0]["timed"] == "FAILED"
    assert rows[1]["f1"] == 1.0 and rows[1]["records"] == 2
    text = side_by_side_table(rows)
    assert "FAILED" in text and "1.0000" in text
    line = speed_line([{**rows[1], "tool": "dancu", "seconds": 1.0}, rows[1]])
    assert "+0.0000" in line and "2.00×" in line


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("uv") is None and not (ROOT / ".tools" / "bin" / "uv").exists(),
    reason="uv is needed to build Splink's environment",
)
def test_make_bench_side_by_side_end_to_end(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.bench",
            "--residents",
            "2000",
            "--dir",
            str(tmp_path),
            "--seed",
            "9",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((tmp_path / "bench-default.json").read_text(encoding="utf-8"))
    rows = {r["tool"]: r for r in report["side_by_side"]}
    assert set(rows) == {"dancu", "splink"}
    assert rows["dancu"]["records"] == rows["splink"]["records"] == report["records"]
    for r in rows.values():
        assert 0.5 < r["f1"] <= 1.0 and r["seconds"] > 0 and r["peak_mb"] > 0
    assert report["tools"]["splink"]["versions"] == {"splink": "5.0.0", "duckdb": "2.0.0"}
    assert report["missed_by_kind"] and "side by side" in proc.stdout
    clusters = pl.read_parquet(tmp_path / "default" / "splink" / "clusters.parquet")
    assert clusters.height == report["records"]  # Splink saw every record of every register
