"""Nothing personal leaves the machine: the whole sent message (every header and every decoded
text part, the attached HTML report included) is scanned for the IDs, phone numbers, names and
record ids of the data the run was built from.

The attached report is rendered for the ``shared`` audience: the steward's own report lists
example record ids and links to the worklists; the copy that travels by e-mail has neither."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import polars as pl
from email_fixtures import Server, dancu_email, everything, make_card, rule, write_run

from pipelines.email.outbox import read_eml
from pipelines.io.outdir import write_marker
from pipelines.report.render import render_reports

IDS = ["001203012345", "079188001234", "031095004321"]
PHONES = ["01688123456", "0912345678", "0387654321"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Phúc"]
RECORDS = [f"REC-PRIV-{i:03d}" for i in range(9)]


def run_with_personal_data(out: Path) -> Path:
    """Write a run whose findings hold full IDs, phones and names, and its reports."""
    card = make_card("run-privacy", "2026-11-22")
    card["sources"]["residents"]["rules"].append(rule("name.no_diacritics", "sach", 1000, 55))
    write_run(out, card)
    rules = ("personal_id.birth_year", "phone.legacy_mobile", "name.no_diacritics")
    provinces = ("79", "01", "48")
    rows = [
        ("residents", RECORDS[3 * k + i], rules[k], value, provinces[k])
        for k, values in enumerate((IDS, PHONES, NAMES))
        for i, value in enumerate(values)
    ]
    schema = ["source", "record_id", "rule", "value", "province_code"]
    findings = pl.DataFrame(rows, schema=schema, orient="row")
    findings.write_parquet(out / "findings.parquet")
    render_reports(out)  # the steward's reports/scorecard.md and .html, with example records
    write_marker(out, "clean", "run-privacy")
    return out


def leaks(text: str) -> list[str]:
    """Return every personal value of the data, and any 12-digit or phone-like run, in text."""
    found = [v for v in IDS + PHONES + RECORDS if v in text]
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    found += [n for n in NAMES if n in nfc or unicodedata.normalize("NFD", n) in nfd]
    found += re.findall(r"(?<!\d)\d{12}(?!\d)", text)
    found += re.findall(r"(?<!\d)0\d{9,10}(?!\d)", text)
    return found


def test_sent_message_holds_no_personal_data(tmp_path: Path, smtp_server: Server) -> None:
    out = run_with_personal_data(tmp_path / "clean")
    local = (out / "reports" / "scorecard.html").read_text(encoding="utf-8")
    assert RECORDS[0] in local  # the steward's report does show example records
    cfg = dataclasses.replace(
        smtp_server.cfg,
        recipients=("lanh.dao@example.vn",),
        provinces={"01": ("so.hanoi@example.vn",)},
    )
    code, output = dancu_email(out, cfg, "--send")
    assert code == 0, output
    assert len(smtp_server.recorder.received) == 2
    for got in smtp_server.recorder.received:
        text = everything(got.message)
        assert "95,9" in text or "92,8" in text  # the scan reads the real, decoded content
        assert leaks(text) == []
    national = smtp_server.recorder.received[0].message
    [attached] = [p for p in national.walk() if p.get_filename() == "scorecard.html"]
    report = attached.get_content()
    assert "Thành phố Hồ Chí Minh" in report and "personal_id.birth_year" in report
    assert leaks(report) == []  # the attached report itself, scanned on its own too
    for eml in (out / "reports").glob("email-*.eml"):
        assert leaks(everything(read_eml(eml))) == []
    assert leaks(output) == []  # the console report neither


def test_the_scan_would_catch_a_leak() -> None:
    assert leaks("CCCD 001203012345, SĐT 0912345678, Nguyễn Văn An") == [
        "001203012345",
        "0912345678",
        "Nguyễn Văn An",
        "001203012345",
        "0912345678",
    ]
    assert leaks("1.000 bản ghi · 95,9 · 2026-11-22 · W47") == []
    assert leaks(f"Dân cư {RECORDS[4]}") == [RECORDS[4]]
