"""run_clean: outputs, manifest accounting, atomic replacement, history, reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import polars as pl
import pytest

import pipelines.run as run_module
import pipelines.sources as sources_module
from pipelines.config import CleanConfig, Config
from pipelines.errors import InputError, OutputError, OutputFolderError
from pipelines.progress import Progress, silent
from pipelines.report.texts import fmt_timestamp
from pipelines.run import run_clean

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def cfg() -> Config:
    return Config(clean=CleanConfig(as_of=AS_OF))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "residents.csv").write_text(
        "Mã hồ sơ,Họ và tên,Số định danh cá nhân,Tỉnh/Thành phố\n"
        "R1,Nguyễn Văn An,001203012345,Hà Nội\n"
        "R2,Trần Thị Bình,,Huế\n"
        "R1,Nguyễn Văn An,001203012345,Hà Nội\n"  # duplicate id
        ",Lê Chi,,\n",  # no id
        encoding="utf-8-sig",
    )
    pl.DataFrame(
        {"ID": ["B1", "B2"], "Họ tên": ["Nguyễn Văn An", None], "Mã số BHXH": ["0123", None]}
    ).write_parquet(folder / "insurance.parquet")  # B2: no name and no ID
    (folder / "notes.txt").write_text("ignored")
    return folder


def manifest_run_id(out: Path) -> str:
    return str(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run_id"])


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _untimed(files: dict[str, bytes]) -> dict[str, bytes]:
    """Return a run's ``files`` with its time, as the reports show it, replaced by a mark."""
    generated_at = json.loads(files["scorecard.json"])["generated_at"]
    stamps = [fmt_timestamp(generated_at, lang).encode() for lang in ("vi", "en")]
    out = {}
    for name, data in files.items():
        for stamp in stamps:
            data = data.replace(stamp, b"<generated>")
        out[name] = data
    return out


def test_outputs_and_manifest_reconcile(tmp_path: Path, raw: Path, cfg: Config) -> None:
    out = tmp_path / "clean"
    result = run_clean(raw, out, cfg, silent())
    assert result.out == out
    assert sorted(p.name for p in out.iterdir()) == [
        ".dancu-output",
        "findings.parquet",
        "findings_suppressed.parquet",
        "history",
        "insurance.parquet",
        "links.parquet",
        "manifest.json",
        "model.json",
        "person_events.parquet",
        "persons.parquet",
        "quarantine.parquet",
        "reports",
        "residents.parquet",
        "review_pairs.parquet",
        "scorecard.json",
    ]
    reports = sorted(p.relative_to(out).as_posix() for p in (out / "reports").rglob("*.*"))
    assert reports == [
        "reports/scorecard.html",
        "reports/scorecard.md",
        "reports/worklist/01-ha-noi.xlsx",
        "reports/worklist/46-hue.xlsx",
        "reports/worklist/khong-ro-tinh.xlsx",
    ]
    card = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    assert card == result.scorecard
    assert (card["run_id"], card["as_of"]) == (manifest_run_id(out), "2026-11-22")
    stamp = card["generated_at"][:26].replace("-", "").replace(":", "").replace(".", "")
    assert sorted(p.name for p in (out / "history").iterdir()) == [
        f"person_events-{stamp}Z.parquet",
        f"scorecard-{stamp}Z.json",
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == result.manifest
    assert manifest["as_of"] == "2026-11-22"
    assert len(manifest["run_id"]) == 12
    assert manifest["accounting"] == {
        "residents": {"rows_in": 4, "rows_kept": 2, "rows_quarantined": 2, "ok": True},
        "insurance": {"rows_in": 2, "rows_kept": 1, "rows_quarantined": 1, "ok": True},
    }
    assert result.counts == manifest["accounting"]
    assert manifest["outputs"] == {
        "residents.parquet": 2,
        "insurance.parquet": 1,
        "links.parquet": 3,
        "quarantine.parquet": 3,
        "findings.parquet": 8,
        "findings_suppressed.parquet": 0,
        "person_events.parquet": 0,  # a first run: no id changed
        "review_pairs.parquet": 0,
        "persons.parquet": 3,
    }
    findings = pl.read_parquet(out / "findings.parquet")
    assert sorted(findings.select("record_id", "rule", "column").rows()) == [
        ("B1", "insurance_code.format", "insurance_code"),
        ("B1", "link.no_resident", "person_id"),  # no birth date: nothing to link it by
        ("B1", "required.missing", "birth_date"),
        ("B1", "required.missing", "gender"),
        ("R1", "required.missing", "birth_date"),
        ("R1", "required.missing", "gender"),
        ("R2", "required.missing", "birth_date"),
        ("R2", "required.missing", "gender"),
    ]
    assert pl.read_parquet(out / "insurance.parquet")["insurance_code"].to_list() == [None]
    res_in = manifest["inputs"]["residents"]
    assert res_in["format"] == "csv" and res_in["encoding"] == "utf-8-sig" and res_in["rows"] == 4
    assert res_in["columns"]["Họ và tên"] == "full_name"
    assert len(res_in["sha256"]) == 64
    assert {"dancu", "python", "polars", "pandera", "great_expectations", "rapidfuzz"} <= set(
        manifest["versions"]
    )
    ingest_stages = [s for s in manifest["stages"] if s["name"] == "ingest"]
    assert [(s["source"], s["rows_in"], s["rows_out"], s["rows_quarantined"]) for s in
            ingest_stages] == [("residents", 4, 2, 2), ("insurance", 2, 1, 1)]  # fmt: skip

    residents = pl.read_parquet(out / "residents.parquet")
    assert residents.select("record_id", "source_row", "personal_id").rows() == [
        ("R1", 1, "001203012345"),
        ("R2", 2, None),
    ]
    links = pl.read_parquet(out / "links.parquet")
    assert links.schema == pl.Schema(
        {
            "source": pl.String,
            "record_id": pl.String,
            "person_id": pl.String,
            "match_score": pl.Float64,
            "match_reason": pl.String,
            "person_since": pl.Date,
        }
    )
    quarantine = pl.read_parquet(out / "quarantine.parquet")
    assert quarantine.columns[:6] == ["source", "record_id", "rule", "column", "value", "message"]
    # DESIGN §5: per source, links ids + quarantined rows are exactly the input rows
    for source, acc in manifest["accounting"].items():
        n_links = links.filter(pl.col("source") == source).height
        n_q = quarantine.filter(pl.col("source") == source)["source_row"].n_unique()
        assert n_links + n_q == acc["rows_in"]


def test_quarantine_is_written_even_when_empty(tmp_path: Path, cfg: Config) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text("record_id,full_name\nR1,An\n", encoding="utf-8")
    run_clean(raw, tmp_path / "clean", cfg, silent())
    q = pl.read_parquet(tmp_path / "clean" / "quarantine.parquet")
    assert q.height == 0 and q.columns[:3] == ["source", "record_id", "rule"]


def test_outputs_are_byte_identical_across_runs(tmp_path: Path, raw: Path, cfg: Config) -> None:
    first = run_clean(raw, tmp_path / "a", cfg, silent())
    second = run_clean(raw, tmp_path / "b", cfg, silent())
    # the reports show when they were made, to the minute: two runs may straddle a minute
    a, b = (_untimed(_files(tmp_path / run)) for run in ("a", "b"))
    assert {k for k in a if not k.startswith("history/")} == {
        k for k in b if not k.startswith("history/")
    }
    # the manifest and the scorecard carry the time they were generated; all else is equal
    timed = {"manifest.json", "scorecard.json", ".dancu-output"}
    for name in a:
        if name not in timed and not name.startswith("history/"):
            assert a[name] == b[name], name
    card_a, card_b = (json.loads(x["scorecard.json"]) for x in (a, b))
    assert {**card_a, "generated_at": None} == {**card_b, "generated_at": None}
    assert first.manifest["run_id"] == second.manifest["run_id"]
    other = run_clean(raw, tmp_path / "c", Config(clean=CleanConfig(as_of=dt.date(2026, 1, 1))),
                      silent())  # fmt: skip
    assert other.manifest["run_id"] != first.manifest["run_id"]


def test_failed_run_leaves_previous_output_untouched(
    tmp_path: Path, raw: Path, cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "clean"
    run_clean(raw, out, cfg, silent())
    (out / "history").mkdir(exist_ok=True)
    (out / "history" / "scorecard-2026-11-15.json").write_text("{}")
    before = _files(out)

    calls = {"n": 0}
    real = run_module.write_parquet

    def flaky(frame: pl.DataFrame, path: Path) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OutputError(f"{path}: disk full")
        return real(frame, path)

    monkeypatch.setattr(run_module, "write_parquet", flaky)
    (raw / "residents.csv").write_text("record_id,full_name\nR9,Mới\n", encoding="utf-8")
    with pytest.raises(OutputError, match="disk full"):
        run_clean(raw, out, cfg, silent())
    assert calls["n"] == 2
    assert _files(out) == before
    # no work folder left; the lock file beside the folder is kept (empty) for the next run
    assert sorted(p.name for p in tmp_path.iterdir()) == [".clean.lock", "clean", "raw"]


def test_input_error_leaves_previous_output_untouched(
    tmp_path: Path, raw: Path, cfg: Config
) -> None:
    out = tmp_path / "clean"
    run_clean(raw, out, cfg, silent())
    before = _files(out)
    (raw / "residents.csv").write_text("record_id,ngay_sinh\nR1,1987\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing required column 'full_name'"):
        run_clean(raw, out, cfg, silent())
    assert _files(out) == before


def test_history_survives_a_new_run(tmp_path: Path, raw: Path, cfg: Config) -> None:
    out = tmp_path / "clean"
    run_clean(raw, out, cfg, silent())
    (out / "history").mkdir(exist_ok=True)
    (out / "history" / "scorecard-2026-11-15.json").write_text('{"score": 90}')
    (out / ".gitkeep").write_text("")  # the repo's placeholder in data/clean/
    run_clean(raw, out, cfg, silent())
    assert (out / "history" / "scorecard-2026-11-15.json").read_text() == '{"score": 90}'
    assert (out / ".gitkeep").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".clean.lock", "clean", "raw"]


def test_a_file_dancu_did_not_write_stops_the_run_and_stays(
    tmp_path: Path, raw: Path, cfg: Config
) -> None:
    out = tmp_path / "clean"
    run_clean(raw, out, cfg, silent())
    (out / "notes.txt").write_text("my notes")
    before = _files(out)
    with pytest.raises(OutputFolderError, match=r"notes\.txt, which dancu did not write"):
        run_clean(raw, out, cfg, silent())
    assert _files(out) == before


def test_accounting_mismatch_raises_output_error(
    tmp_path: Path, raw: Path, cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sources_module.accounting
    monkeypatch.setattr(sources_module, "accounting", lambda i, k, q: real(i + 1, k, q))
    with pytest.raises(OutputError, match="does not reconcile"):
        run_clean(raw, tmp_path / "clean", cfg, silent())
    assert not (tmp_path / "clean").exists()


def test_progress_shows_counts_never_values(tmp_path: Path, raw: Path, cfg: Config) -> None:
    buf = io.StringIO()
    run_clean(raw, tmp_path / "clean", cfg, Progress(buf))
    text = buf.getvalue()
    assert "4 rows: 2 kept, 2 set aside" in text
    for value in ("Nguyễn", "001203012345", "R1", "B1", "Hà Nội"):
        assert value not in text


def test_no_inputs_is_an_input_error(tmp_path: Path, cfg: Config) -> None:
    (tmp_path / "raw").mkdir()
    with pytest.raises(InputError, match="no input files"):
        run_clean(tmp_path / "raw", tmp_path / "clean", cfg, silent())
    assert not (tmp_path / "clean").exists()
