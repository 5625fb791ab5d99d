"""The review round trip: filled review files and worklists come back and the next run obeys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from week_fixtures import NEXT, fill, rows, week_config

from pipelines.cli import cli
from pipelines.config import ResolveConfig
from pipelines.decisions.command import run_review_import
from pipelines.errors import InputError, OutputFolderError
from pipelines.progress import silent
from pipelines.run import run_clean

THRESHOLD = ResolveConfig().match_threshold


def review_files(out: Path) -> list[Path]:
    return sorted((out / "reports" / "review").glob("*.xlsx"))


def worklists(out: Path) -> list[Path]:
    return sorted((out / "reports" / "worklist").glob("*.xlsx"))


def disjoint_pairs(out: Path, want_same: int, want_different: int) -> tuple[list[str], list[str]]:
    """Pairs on records no other chosen pair touches: 'cùng người' for pairs the model keeps
    apart, 'khác người' for pairs it merges (so every decision changes something)."""
    review = pl.read_parquet(out / "review_pairs.parquet").sort("pair_key")
    used: set[tuple[str, str]] = set()
    same: list[str] = []
    different: list[str] = []
    for row in review.iter_rows(named=True):
        ends = {(row["source_l"], row["record_id_l"]), (row["source_r"], row["record_id_r"])}
        if ends & used:
            continue
        if row["match_probability"] < THRESHOLD and len(same) < want_same:
            same.append(row["pair_key"])
        elif row["match_probability"] >= THRESHOLD and len(different) < want_different:
            different.append(row["pair_key"])
        else:
            continue
        used |= ends
    assert len(same) == want_same and len(different) == want_different
    return same, different


def decide(out: Path, same: list[str], different: list[str], who: str = "Chị Lan") -> list[Path]:
    """Fill the decisions in the review files in place; return the files filled."""
    choice = {**dict.fromkeys(same, "cùng người"), **dict.fromkeys(different, "khác người")}
    filled = []
    for path in review_files(out):
        n = fill(
            path,
            lambda r: {"Quyết định": choice[r["Mã cặp"]], "Người quyết định": who,
                       "Ngày": "25/11/2026"} if r["Mã cặp"] in choice else None,
        )  # fmt: skip
        if n:
            filled.append(path)
    return filled


def person_of(out: Path) -> dict[tuple[str, str], str]:
    links = pl.read_parquet(out / "links.parquet")
    return {(s, r): p for s, r, p in links.select("source", "record_id", "person_id").iter_rows()}


def sides(key: str) -> tuple[tuple[str, str], tuple[str, str]]:
    from pipelines.resolve.review import pair_key_parts

    parts = pair_key_parts(key)
    assert parts is not None
    return (parts[0], parts[1]), (parts[2], parts[3])


def test_pair_decisions_come_back_and_the_next_run_obeys_them(week: tuple[Path, Path]) -> None:
    raw, out = week
    same, different = disjoint_pairs(out, 3, 3)
    before = person_of(out)
    for key in same:
        a, b = sides(key)
        assert before[a] != before[b]  # the model kept them apart
    filled = decide(out, same, different)
    result = run_review_import(out, filled)
    assert (result.counts["pairs_same"], result.counts["pairs_different"]) == (3, 3)
    stored = pl.read_parquet(out / "decisions" / "pairs.parquet")
    assert sorted(stored["pair_key"]) == sorted(same + different)
    assert set(stored["decided_by"]) == {"Chị Lan"}
    assert len(list((out / "decisions" / "imported").iterdir())) == len(filled)

    run = run_clean(raw, out, week_config(NEXT), silent())
    now = person_of(out)
    for key in same:
        a, b = sides(key)
        assert now[a] == now[b]
    for key in different:
        a, b = sides(key)
        assert now[a] != now[b]
    asked = {r["Mã cặp"] for path in review_files(out) for r in rows(path)}
    assert not asked & set(same + different)  # a decided pair is never asked again
    review = pl.read_parquet(out / "review_pairs.parquet").filter(pl.col("status") == "decided")
    assert dict(review.select("pair_key", "decision").iter_rows()) == {
        **dict.fromkeys(same, "same"),
        **dict.fromkeys(different, "different"),
    }
    assert run.manifest["decisions"]["pairs"]["applied"] == 6
    assert run.manifest["decisions"]["pairs"]["no_longer_apply"] == 0
    assert run.scorecard["flow"]["review"]["decided"] == 6
    merged_or_split = {e for e in pl.read_parquet(out / "person_events.parquet")["event"]}
    assert merged_or_split  # the decisions moved records: every move has its event


def sheets(path: Path) -> int:
    return len(openpyxl.load_workbook(path).worksheets)


def finding_rows(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "findings.parquet")


def single(findings: pl.DataFrame, n: int, skip: set[str]) -> list[str]:
    """Keys of findings whose record holds no other finding of their rule."""
    alone = findings.filter(pl.len().over("source", "record_id", "rule") == 1)
    keys = [k for k in alone.sort("finding_key")["finding_key"] if k not in skip]
    return keys[:n]


def mark(out: Path, status: dict[str, str], sheet: int = 1) -> list[Path]:
    filled = []
    for path in worklists(out):
        if sheets(path) <= sheet:
            continue
        n = fill(
            path,
            lambda r: (
                {"Trạng thái": status[r["Mã vấn đề"]], "Người xử lý": "Anh Minh"}
                if r["Mã vấn đề"] in status
                else None
            ),
            sheet=sheet,
        )
        if n:
            filled.append(path)
    return filled


def test_false_alarms_leave_the_list_counted_and_fixes_that_still_show_reopen(
    week: tuple[Path, Path],
) -> None:
    raw, out = week
    findings = finding_rows(out)
    false = single(findings, 3, set())
    fixed = single(findings, 2, set(false))
    filled = mark(
        out, {**dict.fromkeys(false, "không phải lỗi"), **dict.fromkeys(fixed, "đã sửa tại nguồn")}
    )
    counts = run_review_import(out, filled).counts
    assert (counts["findings_not_error"], counts["findings_fixed"]) == (3, 2)

    run = run_clean(raw, out, week_config(NEXT), silent())
    now = finding_rows(out)
    assert not set(now["finding_key"]) & set(false)  # gone from the list…
    suppressed = pl.read_parquet(out / "findings_suppressed.parquet")
    assert sorted(suppressed["finding_key"]) == sorted(false)  # …and listed apart
    assert set(suppressed["decided_by"]) == {"Anh Minh"}
    reopened = now.filter(pl.col("finding_key").is_in(fixed))
    assert reopened["finding_status"].to_list() == ["reopened"] * 2
    flow = run.scorecard["flow"]
    assert (flow["findings"]["false_alarms"], flow["findings"]["reopened"]) == (3, 2)
    by_rule: dict[str, int] = {}
    for source in flow["sources"].values():
        for rule, n in source["false_alarms_by_rule"].items():
            by_rule[rule] = by_rule.get(rule, 0) + n
    expected = findings.filter(pl.col("finding_key").is_in(false)).group_by("rule").len()
    assert by_rule == dict(expected.iter_rows())
    assert run.manifest["decisions"]["findings"]["suppressed"] == 3
    # the new worklists say so: reopened rows, and the false alarms on a sheet of their own
    shown = {r["Mã vấn đề"]: r for path in worklists(out) for r in rows(path)}
    assert {shown[k]["Trạng thái"] for k in fixed} == {"mở lại"}
    assert {shown[k]["Người xử lý"] for k in fixed} == {"Anh Minh"}
    apart = {r["Mã vấn đề"]: r for path in worklists(out) if sheets(path) > 2
             for r in rows(path, 2)}  # fmt: skip
    assert set(apart) == set(false)
    assert {r["Trạng thái"] for r in apart.values()} == {"không phải lỗi"}

    # a false alarm set back to "chưa xử lý" on that sheet comes back to the list
    back = false[0]
    filled = mark(out, {back: "chưa xử lý"}, sheet=2)
    assert run_review_import(out, filled).counts["findings_reverted"] == 1
    run_clean(raw, out, week_config(NEXT), silent())
    assert back in set(finding_rows(out)["finding_key"])
    assert back not in set(pl.read_parquet(out / "findings_suppressed.parquet")["finding_key"])


def _first_review_row(out: Path) -> tuple[Path, dict[str, Any]]:
    path = review_files(out)[0]
    return path, rows(path)[0]


MUTATIONS = {
    "a decision not in the list": lambda r: {"Quyết định": "có lẽ"},
    "a pair key dancu did not write": lambda r: {"Quyết định": "cùng người",
                                                 "Mã cặp": "XX:1|DC:2"},
    "an unknown record id": lambda r: {"Quyết định": "cùng người",
                                       "Mã cặp": "DC:NOT-HERE-1|DC:NOT-HERE-2",
                                       "Mã bản ghi (1)": "NOT-HERE-1",
                                       "Mã bản ghi (2)": "NOT-HERE-2"},
    "a record changed since": lambda r: {"Quyết định": "khác người", "_fingerprint_1": "0" * 16},
    "record ids that are not the key's": lambda r: {"Quyết định": "khác người",
                                                    "Mã bản ghi (1)": "R99999999"},
}  # fmt: skip
EXPECT = {
    "a decision not in the list": "is not 'cùng người' or 'khác người'",
    "a pair key dancu did not write": "the pair key is not one dancu wrote",
    "an unknown record id": "unknown record id",
    "a record changed since": "changed since the file was written",
    "record ids that are not the key's": "are not the key's",
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_a_bad_row_imports_nothing_and_says_where(week: tuple[Path, Path], case: str) -> None:
    _, out = week
    path, first = _first_review_row(out)
    names = {first["Họ và tên (1)"], first["Họ và tên (2)"], first["Số định danh (1)"]} - {None}
    seen = {"n": 0}

    def choose(row: dict[str, Any]) -> dict[str, Any] | None:
        seen["n"] += 1
        if seen["n"] == 1:
            return MUTATIONS[case](row)
        if seen["n"] == 2:  # a good decision in the same file: not imported either
            return {"Quyết định": "cùng người"}
        return None

    fill(path, choose)
    with pytest.raises(InputError) as err:
        run_review_import(out, [path])
    message = str(err.value)
    assert EXPECT[case] in message
    assert f"{path.name}, sheet 'Cặp cần xem xét', row 2" in message
    assert "nothing was imported" in message
    assert not any(n in message for n in names)  # a problem is named by place, not by value
    assert not (out / "decisions").exists()


def test_a_pair_decided_both_ways_in_two_files_imports_nothing(week: tuple[Path, Path]) -> None:
    _, out = week
    path, first = _first_review_row(out)
    other = path.with_name("copy-" + path.name)
    shutil.copy(path, other)
    fill(path, lambda r: {"Quyết định": "cùng người"} if r["Mã cặp"] == first["Mã cặp"] else None)
    fill(other, lambda r: {"Quyết định": "khác người"} if r["Mã cặp"] == first["Mã cặp"] else None)
    with pytest.raises(InputError, match="decided both ways"):
        run_review_import(out, [path, other])
    assert not (out / "decisions").exists()


def test_a_worklist_status_not_in_the_list_imports_nothing(week: tuple[Path, Path]) -> None:
    _, out = week
    path = worklists(out)[0]
    fill(path, lambda r: {"Trạng thái": "xong rồi"} if r is not None else None)
    with pytest.raises(InputError, match="the status is not"):
        run_review_import(out, [path])
    assert not (out / "decisions").exists()


def test_a_file_filled_in_place_stops_the_next_run_until_it_is_imported(
    week: tuple[Path, Path],
) -> None:
    raw, out = week
    same, different = disjoint_pairs(out, 1, 0)
    (path,) = decide(out, same, different)
    with pytest.raises(OutputFolderError, match="dancu review import --out"):
        run_clean(raw, out, week_config(NEXT), silent())
    result = run_review_import(out, [path])
    assert result.recorded == [path.relative_to(out).as_posix()]
    run_clean(raw, out, week_config(NEXT), silent())
    # the filled file was replaced by the new run's (the pair is decided: not asked again)
    assert not path.exists() or same[0] not in {r["Mã cặp"] for r in rows(path)}
    copies = list((out / "decisions" / "imported").glob(f"*{path.name}"))
    assert len(copies) == 1
    assert same[0] in {r["Mã cặp"] for r in rows(copies[0])}


def test_a_file_of_someone_elses_in_the_folder_stays_theirs(week: tuple[Path, Path]) -> None:
    raw, out = week
    same, _ = disjoint_pairs(out, 1, 0)
    (source,) = [p for p in review_files(out) if same[0] in {r["Mã cặp"] for r in rows(p)}]
    mine = out / "lan-review.xlsx"
    shutil.copy(source, mine)
    fill(mine, lambda r: {"Quyết định": "cùng người"} if r["Mã cặp"] == same[0] else None)
    result = run_review_import(out, [mine])
    assert result.recorded == []  # not dancu's: never recorded as its own
    with pytest.raises(OutputFolderError, match=r"lan-review\.xlsx, which dancu did not write"):
        run_clean(raw, out, week_config(NEXT), silent())


def test_the_command_line_exit_codes(week: tuple[Path, Path]) -> None:
    _, out = week
    same, _ = disjoint_pairs(out, 1, 0)
    outside = out.parent / "filled"
    outside.mkdir()
    copies = []
    for path in review_files(out):
        copies.append(Path(shutil.copy(path, outside / path.name)))
    for path in copies:
        fill(path, lambda r: {"Quyết định": "cùng người"} if r["Mã cặp"] == same[0] else None)
    runner = CliRunner()
    ok = runner.invoke(cli, ["review", "import", "--out", str(out), *map(str, copies)])
    assert ok.exit_code == 0, ok.output
    assert "1 pair(s) 'cùng người'" in ok.output
    bad = runner.invoke(cli, ["review", "import", "--out", str(out), str(out / "manifest.json")])
    assert bad.exit_code == 2
    log = [
        json.loads(line) for line in (out / "decisions" / "imports.jsonl").read_text().splitlines()
    ]
    assert len(log) == 1 and log[0]["counts"]["pairs_same"] == 1


def test_a_decision_no_longer_applies_when_its_record_changed(week: tuple[Path, Path]) -> None:
    raw, out = week
    same, _ = disjoint_pairs(out, 1, 0)
    run_review_import(out, decide(out, same, []))
    (source, record), _ = sides(same[0])
    assert source in ("residents", "civil_events", "insurance")
    path = raw / f"{source}.csv"
    frame = pl.read_csv(path, infer_schema=False)
    id_column, name_column = frame.columns[0], next(c for c in frame.columns
                                                   if c in ("full_name", "Họ và tên"))  # fmt: skip
    frame = frame.with_columns(
        pl.when(pl.col(id_column) == record)
        .then(pl.lit("Tạ Thị Khác"))
        .otherwise(pl.col(name_column))
        .alias(name_column)
    )
    frame.write_csv(path)
    run = run_clean(raw, out, week_config(NEXT), silent())
    pairs = run.manifest["decisions"]["pairs"]
    assert (pairs["applied"], pairs["record_changed"], pairs["no_longer_apply"]) == (0, 1, 1)
    assert run.scorecard["flow"]["review"]["no_longer_apply"] == 1
