"""No personal data in any error: one record's ID, phone and name through every error path.

Each path's console output, crash report, JUnit file and job summary are scanned for the
record's values (and for any 12-digit or phone-like run of digits).
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import cli

NAME = "Trịnh Thị Mỹ Duyên"
NAME_ASCII = "Trinh Thi My Duyen"
PID = "001190054321"
PHONE = "0912345678"
BAD_PHONE = "0123 999 888"
VALUES = (NAME, NAME_ASCII, PID, PHONE, "09/07/1990")


def leaks(text: str) -> list[str]:
    nfc = unicodedata.normalize("NFC", text)
    found = [v for v in VALUES if v in nfc or v in text]
    found += re.findall(r"(?<!\d)\d{12}(?!\d)", nfc)
    found += re.findall(r"(?<!\d)0\d{9,10}(?!\d)", nfc)
    return found


def everything(folder: Path) -> str:
    """All text dancu left in ``folder`` and beside it that a person could send on."""
    parts = []
    for path in sorted(folder.parent.glob("*.txt")) + sorted(folder.rglob("*.xml")):
        parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def raw_with(tmp_path: Path, rows: str) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    header = "record_id,full_name,personal_id,phone,birth_date\n"
    (raw / "residents.csv").write_text(header + rows, encoding="utf-8")
    return raw


PERSON = f"R1,{NAME},{PID},{PHONE},09/07/1990\nR2,{NAME_ASCII},{PID},{BAD_PHONE},09/07/1990\n"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def clean(raw: Path, out: Path, *extra: str) -> tuple[int, str]:
    return invoke("clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-22",
                  "-q", *extra)  # fmt: skip


def test_a_broken_stage_contract_shows_counts_not_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipelines.run as run_module
    from pipelines.ingest import IngestResult

    real = run_module.ingest

    def leaky(raw: pl.LazyFrame, headers: Any, name: str) -> IngestResult:
        """A dancu bug: ingest forgets to set unusable rows and duplicates aside."""
        res = real(raw, headers, name)
        names = res.kept.collect_schema().names()
        every = raw.with_row_index("_row", offset=1).rename(headers.rename)
        every = every.with_columns(
            pl.lit("residents").alias("source"), pl.col("_row").cast(pl.Int64)
        )
        have = every.collect_schema().names()
        every = every.with_columns(
            pl.lit(None, dtype=pl.String).alias(c) for c in names if c not in have
        )
        return IngestResult(kept=every.select(names), quarantine=res.quarantine.head(0))

    monkeypatch.setattr(run_module, "ingest", leaky)
    # R1 twice (the raw contract wants unique ids) and a row with neither name nor ID
    raw = raw_with(tmp_path, PERSON + f"R1,{NAME},{PID},{PHONE},09/07/1990\nR9,,,{PHONE},\n")
    code, output = clean(raw, tmp_path / "out", "--debug")
    assert code == 3, output
    report = everything(tmp_path / "out")
    assert "breaks the raw contract" in report and "record_id" in report
    assert leaks(output) == [] and leaks(report) == []


@pytest.mark.parametrize("kind", ["csv-quote", "parquet", "xlsx", "encoding"])
def test_read_errors_name_the_file_not_the_values(tmp_path: Path, kind: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    if kind == "csv-quote":
        (raw / "residents.csv").write_text(
            f'record_id,full_name,phone\nR1,"{NAME_ASCII} {PID},{PHONE}\n', encoding="utf-8"
        )
    elif kind == "parquet":
        (raw / "residents.parquet").write_bytes(b"PAR1" + f"{NAME} {PID} {PHONE}".encode())
    elif kind == "xlsx":
        (raw / "residents.xlsx").write_bytes(b"PK\x03\x04" + f"{NAME} {PID}".encode())
    else:
        (raw / "residents.csv").write_bytes(
            f"record_id,full_name,phone\nR1,{NAME_ASCII},{PHONE}\nR2,".encode()
            + b"\x81\x8d\x8f\x90\x9d\n"
        )
    code, output = clean(raw, tmp_path / "out")
    assert code == 2
    assert "residents." in output
    assert leaks(output) == []


def test_an_internal_error_in_a_stage_masks_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipelines.run as run_module

    def broken(frames: object, _cfg: object, _progress: object, **_week: object) -> None:
        raise KeyError(f"{NAME} / {NAME_ASCII} / {PID} / {PHONE} / 09/07/1990")

    monkeypatch.setattr(run_module, "resolved", broken)
    raw = raw_with(tmp_path, PERSON)
    code, output = clean(raw, tmp_path / "out", "--debug")
    assert code == 3 and "resolve" in output
    report = everything(tmp_path / "out")
    assert "KeyError" in report
    assert leaks(output) == [] and leaks(report) == []


def test_the_gate_masks_gx_failures_and_gx_exceptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with warnings.catch_warnings():  # GX warns of its own deprecations on import
        warnings.simplefilter("ignore")
        from great_expectations.expectations.registry import _registered_metrics

    raw = raw_with(tmp_path, PERSON)
    out = tmp_path / "out"
    assert clean(raw, out)[0] == 0
    # make a failing value check: a non-canonical phone slips into the clean file
    frame = pl.read_parquet(out / "residents.parquet")
    frame.with_columns(pl.lit(BAD_PHONE).alias("phone")).write_parquet(out / "residents.parquet")
    # and make GX itself fail on a regex check with the value in its message
    providers = _registered_metrics["column_values.match_regex.condition"]["providers"]
    cls, _fn = providers["PandasExecutionEngine"]

    def exploding(*_args: object, **_kwargs: object) -> None:
        raise ValueError(f"regex failed on {NAME!r} {PID} {PHONE}")

    monkeypatch.setitem(providers, "PandasExecutionEngine", (cls, exploding))
    summary = tmp_path / "summary.md"
    code, output = invoke("gate", "--out", str(out), "-q", "--wait",
                          env={"GITHUB_STEP_SUMMARY": str(summary)})  # fmt: skip
    assert code == 1, output
    junit = (out / "reports" / "gate-junit.xml").read_text(encoding="utf-8")
    assert "could not be evaluated" in junit and "ValueError" not in output
    for text in (output, junit, summary.read_text(encoding="utf-8")):
        assert leaks(text) == []


def test_evaluate_prints_masked_examples(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    code, output = invoke("generate", "--out", str(raw), "--residents", "300", "--seed", "3",
                          "--as-of", "2026-11-22", "-q")  # fmt: skip
    assert code == 0, output
    out = tmp_path / "out"
    assert clean(raw, out)[0] == 0
    residents = pl.read_parquet(out / "residents.parquet").filter(pl.col("phone").is_not_null())
    phones = residents["phone"].to_list()
    truth = raw / "_truth" / "truth.parquet"
    code, output = invoke("evaluate", "--out", str(out), "--truth", str(truth))
    assert code == 0, output
    # examples of rules that flag records without a defect: record id and masked value
    assert re.search(r"e\.g\. \S+ \('[^']*\*+[^']*'\)", output), output
    names = pl.read_csv(raw / "residents.csv", infer_schema=False).to_series(1).drop_nulls()
    assert [n for n in names.to_list() if n in output] == []
    assert re.findall(r"(?<!\d)\d{12}(?!\d)", output) == []
    assert re.findall(r"(?<!\d)0\d{9,10}(?!\d)", output) == []
    assert [p for p in phones if p in output] == []


def test_the_manifest_and_console_of_a_good_run_hold_no_values(tmp_path: Path) -> None:
    raw = raw_with(tmp_path, PERSON)
    result = CliRunner().invoke(
        cli, ["clean", "--raw", str(raw), "--out", str(tmp_path / "out"), "--as-of", "2026-11-22"]
    )
    assert result.exit_code == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert leaks(result.output) == []
    assert leaks(json.dumps(manifest, ensure_ascii=False)) == []
