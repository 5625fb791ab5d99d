"""Fuzz the whole `dancu clean`: any raw folder ends in exit 0 or 2, never a traceback.

Hypothesis builds raw folders with random headers (canonical names, Vietnamese aliases, serial
columns, duplicates, junk), random cells (control characters, huge fields, impossible dates,
mojibake, digits), random encodings and formats, empty files. Whenever the run succeeds, every
input row is kept or quarantined. A few dozen examples in the fast suite, a few hundred in the
slow one; both derandomised, so CI is repeatable.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipelines.cli import cli
from pipelines.ingest.headers import ALIASES, CANONICAL

SOURCES = ("residents", "civil_events", "insurance")
NAMES = sorted(
    {n for cols in CANONICAL.values() for n in cols}
    | {a for aliases in ALIASES.values() for a in aliases}
    | {"STT", "Ghi chú", "", "source", "_row", "Họ và tên", "full_name"}
)
SAMPLES = [
    "", " ", "R1", "R1", "Nguyễn Văn An", "NGUYEN VAN AN", "Trần Thị Bé", "Ð", "001203012345",
    "0912345678", "01688123456", "0942-05-03", "1984-05-32", "4944-09-28", "31/02/1990",
    "05/03/1987", "1987", "03/1987", "ngày 5 tháng 3 năm 1987", "Nam", "Nữ", "0", "1", "Hà Nội",
    "Bình Dương", "Quận 1", "Phường Bến Nghé", "alive", "đã mất", "birth", "khai_tu",
    "=HYPERLINK(1)", "NguyÔn V¨n An", "Nguyeãn", "Tổng cộng", "Người lập biểu",
]  # fmt: skip
"""Cell values that look like what registers hold, good and bad."""
CELLS = st.one_of(
    st.none(),
    st.sampled_from(SAMPLES),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.from_regex(r"\d{1,14}", fullmatch=True),
    st.just("x" * 5000),
)


REQUIRED = {"residents": ["record_id", "full_name"], "civil_events": ["event_id", "event_type"],
            "insurance": ["record_id", "full_name"]}  # fmt: skip


@st.composite
def tables(draw: st.DrawFn, source: str) -> tuple[list[str], list[list[str | None]]]:
    """A table for ``source``: mostly a usable header (each column once, by its name or an
    alias), sometimes a duplicated, missing or junk one."""
    columns = draw(st.lists(st.sampled_from(CANONICAL[source]), max_size=8, unique=True))
    header = []
    for column in dict.fromkeys([*REQUIRED[source], *columns]):
        header.append(draw(st.sampled_from([column, *ALIASES.get(column, ())])))
    trouble = draw(st.sampled_from(["none"] * 6 + ["duplicate", "junk", "serial", "missing"]))
    if trouble == "duplicate":
        header.append(draw(st.sampled_from(header)))
    elif trouble == "junk":
        header += draw(st.lists(st.sampled_from(NAMES) | st.text(max_size=8), max_size=3))
    elif trouble == "serial":
        header.insert(0, "STT")
    elif trouble == "missing":
        header = header[1:] or ["x"]
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)),
                         max_size=12))  # fmt: skip
    return header, rows


def csv_bytes(header: list[str], rows: list[list[str | None]], sep: str, enc: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if c is None else c for c in r] for r in rows])
    text = buf.getvalue()
    if enc == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if enc == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(enc, errors="replace")


@st.composite
def raw_folders(draw: st.DrawFn) -> dict[str, tuple[str, bytes | pl.DataFrame | None]]:
    sources = draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3, unique=True))
    files: dict[str, tuple[str, bytes | pl.DataFrame | None]] = {}
    for source in sources:
        kind = draw(st.sampled_from(["csv"] * 8 + ["empty", "junk", "parquet", "xlsx"]))
        if kind == "empty":
            files[source] = ("csv", b"")
            continue
        if kind == "junk":
            files[source] = ("csv", draw(st.binary(min_size=1, max_size=300)))
            continue
        header, rows = draw(tables(source))
        if kind == "csv":
            sep = draw(st.sampled_from([",", ";", "\t"]))
            enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]))
            files[source] = ("csv", csv_bytes(header, rows, sep, enc))
            continue
        names = [h if h else f"c{i}" for i, h in enumerate(header)]
        if len(set(names)) != len(names):
            names = [f"{h}{i}" for i, h in enumerate(names)]
        frame = pl.DataFrame(
            [[r[i] for r in rows] for i in range(len(names))],
            schema=dict.fromkeys(names, pl.String),
            orient="col",
        )
        files[source] = (kind, frame)
    return files


def write(raw: Path, files: dict[str, tuple[str, bytes | pl.DataFrame | None]]) -> None:
    for source, (kind, content) in files.items():
        path = raw / f"{source}.{kind}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif kind == "parquet" and content is not None:
            content.write_parquet(path)
        elif content is not None:
            content.write_excel(path)


def check_one(files: dict[str, tuple[str, bytes | pl.DataFrame | None]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        write(raw, files)
        out = Path(tmp) / "out"
        result = CliRunner().invoke(
            cli, ["clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-22", "-q"]
        )
        assert result.exit_code in (0, 2), (result.exit_code, result.output)
        event(f"exit {result.exit_code}")
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            assert result.output.startswith("error: ")
            assert not out.exists()
            return
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        quarantine = pl.read_parquet(out / "quarantine.parquet")
        for source, counts in manifest["accounting"].items():
            kept = pl.read_parquet(out / f"{source}.parquet").height
            set_aside = quarantine.filter(pl.col("source") == source)["source_row"].n_unique()
            assert counts["rows_in"] == kept + set_aside, source
        links = pl.read_parquet(out / "links.parquet")
        assert links.height == sum(c["rows_kept"] for c in manifest["accounting"].values())


_COMMON = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "database": None,
}


@settings(max_examples=30, **_COMMON)  # type: ignore[arg-type]
@given(raw_folders())
def test_clean_never_crashes_on_any_raw_folder(
    files: dict[str, tuple[str, bytes | pl.DataFrame | None]],
) -> None:
    check_one(files)


@pytest.mark.slow
@settings(max_examples=300, **_COMMON)  # type: ignore[arg-type]
@given(raw_folders())
def test_clean_never_crashes_on_hundreds_of_raw_folders(
    files: dict[str, tuple[str, bytes | pl.DataFrame | None]],
) -> None:
    check_one(files)
