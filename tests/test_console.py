"""The console summary shows counts from the manifest, never values."""

from __future__ import annotations

from pipelines.report.console import summary_table

MANIFEST = {
    "run_id": "abc123",
    "as_of": "2026-11-22",
    "accounting": {
        "residents": {"rows_in": 1200, "rows_kept": 1190, "rows_quarantined": 10, "ok": True},
        "insurance": {"rows_in": 300, "rows_kept": 300, "rows_quarantined": 0, "ok": True},
    },
    "findings": {
        "residents": {"findings": 50, "records": 40, "records_dung": 5, "records_du": 6,
                      "records_sach": 7, "records_song": 30},
        "insurance": {"findings": 3, "records": 2, "records_dung": 0, "records_du": 0,
                      "records_sach": 2, "records_song": 0},
    },
}  # fmt: skip


def test_table_rows_and_totals() -> None:
    lines = summary_table(MANIFEST).splitlines()
    assert lines[0] == "run abc123 as of 2026-11-22"
    assert lines[2].split() == ["residents", "1,200", "1,190", "10", "40"]
    assert lines[4].split() == ["total", "1,500", "1,490", "10", "42"]


def test_table_without_findings_section() -> None:
    manifest = {k: v for k, v in MANIFEST.items() if k != "findings"}
    text = summary_table(manifest)
    assert "with findings" not in text
    assert "by word" not in text
