"""Files as districts and communes send them: title lines, STT, footers, sheets, 8-bit text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.errors import InputError
from pipelines.io import read_source

PEOPLE = [
    ("R001", "Nguyễn Văn Tuấn", "001090012345", "05/03/1990", "Nam"),
    ("R002", "Trần Thị Bích Ngọc", "001195004321", "12/11/1995", "Nữ"),
    ("R003", "Đỗ Minh Đức", "", "1952", "Nam"),
]
HEADER = ["STT", "Mã hồ sơ", "Họ và tên", "Số định danh cá nhân", "Ngày sinh", "Giới tính"]
TITLE = "UBND XÃ TÂN LẬP — DANH SÁCH NHÂN KHẨU THƯỜNG TRÚ"
REFERENCE = "(Kèm theo Công văn số 123/UBND ngày 02/11/2026)"
FOOTER = [
    ["", "Tổng cộng: 3 nhân khẩu"],
    [],
    ["", "", "", "Tân Lập, ngày 05 tháng 11 năm 2026"],
    ["", "Người lập biểu", "", "Chủ tịch UBND xã"],
    ["", "(Ký, ghi rõ họ tên)", "", "(Ký tên, đóng dấu)"],
    [],
    ["", "Lê Văn Tám", "", "Phạm Thị Hoa"],
]


def commune_rows(people: list[tuple[str, ...]] = PEOPLE) -> list[list[str]]:
    """The rows of a commune's sheet: titles, header, numbering, records, footer."""
    rows: list[list[str]] = [[TITLE], [REFERENCE], []]
    rows.append(HEADER)
    rows.append([f"({i})" for i in range(1, len(HEADER) + 1)])
    rows += [[str(i), *p] for i, p in enumerate(people, start=1)]
    rows.append([])
    rows += FOOTER
    return rows


def write_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        bold = book.add_format({"bold": True, "align": "center"})
        for r, row in enumerate(rows):
            if r == 0 and len(row) == 1:  # the merged title row, as communes make it
                sheet.merge_range(0, 0, 0, len(HEADER) - 1, row[0], bold)
                continue
            for c, value in enumerate(row):
                if value != "":
                    sheet.write_string(r, c, value)
    book.close()
    return path


def as_csv(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    lines = []
    for row in rows:
        cells = [*row, *[""] * (width - len(row))]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\n".join(lines) + "\n"


def clean(raw: Path, out: Path, *extra: str) -> tuple[int, str]:
    args = ["clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-22", "-q", *extra]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


def kept(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "residents.parquet").sort("record_id")


def manifest_input(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]["residents"]


# --------------------------------------------------------------------------------------------
# sheets as communes send them


def test_a_commune_sheet_is_read_without_hand_editing(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "residents.xlsx", {"Danh sách": commune_rows()})
    code, output = clean(raw, tmp_path / "out")
    assert code == 0, output
    frame = kept(tmp_path / "out")
    assert frame["record_id"].to_list() == ["R001", "R002", "R003"]
    assert frame["full_name"].to_list() == [p[1] for p in PEOPLE]
    assert "STT" not in frame.columns
    info = manifest_input(tmp_path / "out")
    assert info["rows"] == 3
    sheet = info["layout"]["sheets"][0]
    assert sheet["sheet"] == "Danh sách" and sheet["header_row"] == 4
    assert sheet["ignored_columns"] == ["STT"]
    reasons = {s["reason"]: s for s in sheet["skipped_rows"]}
    titles = [s for s in sheet["skipped_rows"] if s["reason"].startswith("title")]
    assert [t["row"] for t in titles] == [1, 2] and titles[0]["text"] == TITLE
    assert reasons["column numbering under the header"]["row"] == 5
    footer = reasons["signature, total or empty lines after the records"]
    assert footer["row"] == 9 and footer["rows"] == len(FOOTER) + 1


def test_the_same_sheet_saved_as_csv_gives_the_same_records(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text(as_csv(commune_rows()), encoding="utf-8")
    code, output = clean(raw, tmp_path / "out")
    assert code == 0, output
    frame = kept(tmp_path / "out")
    assert frame["full_name"].to_list() == [p[1] for p in PEOPLE]
    assert frame["personal_id"].to_list() == ["001090012345", "001195004321", None]
    layout = manifest_input(tmp_path / "out")["layout"]
    assert layout["header_row"] == 4 and layout["ignored_columns"] == ["STT"]


def test_footer_words_inside_the_data_do_not_end_it(tmp_path: Path) -> None:
    people = [*PEOPLE, ("R004", "Công Thị Tổng", "", "1980", "Nữ")]
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = commune_rows(people)
    (raw / "residents.csv").write_text(as_csv(rows), encoding="utf-8")
    code, output = clean(raw, tmp_path / "out")
    assert code == 0, output
    assert kept(tmp_path / "out")["record_id"].to_list() == ["R001", "R002", "R003", "R004"]


def test_every_sheet_with_a_header_is_read_or_only_the_one_named(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    guide = [["Hướng dẫn"], ["Điền mỗi người một dòng."]]
    write_xlsx(
        raw / "residents.xlsx",
        {
            "Hướng dẫn": guide,
            "Thôn 1": commune_rows(PEOPLE[:2]),
            "Thôn 2": commune_rows([("R010", "Lý Thị Mai", "", "1970", "Nữ")]),
        },
    )
    code, output = clean(raw, tmp_path / "all")
    assert code == 0, output
    frame = kept(tmp_path / "all")
    assert frame.select("record_id", "source_sheet").rows() == [
        ("R001", "Thôn 1"),
        ("R002", "Thôn 1"),
        ("R010", "Thôn 2"),
    ]
    layout = manifest_input(tmp_path / "all")["layout"]
    assert [s["sheet"] for s in layout["sheets"]] == ["Thôn 1", "Thôn 2"]
    assert layout["sheets_without_header"] == ["Hướng dẫn"]
    code, output = clean(raw, tmp_path / "one", "--sheet", "Thôn 2")
    assert code == 0, output
    assert kept(tmp_path / "one")["record_id"].to_list() == ["R010"]
    code, output = clean(raw, tmp_path / "none", "--sheet", "Thôn 9")
    assert code == 2
    assert "no sheet named 'Thôn 9'" in output and "'Thôn 1'" in output


# --------------------------------------------------------------------------------------------
# duplicated headers


def test_a_header_twice_is_refused_naming_both_columns(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text(
        "record_id,full_name,phone,full_name\nR1,An,0912345678,Bình\n", encoding="utf-8"
    )
    code, output = clean(raw, tmp_path / "out")
    assert code == 2
    assert "residents.csv" in output and "columns 2 and 4 are both named 'full_name'" in output
    assert not (tmp_path / "out").exists()


def test_a_header_and_its_alias_are_refused_naming_both(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text("Mã hồ sơ,Họ và tên,full_name\nR1,An,An\n", encoding="utf-8")
    code, output = clean(raw, tmp_path / "out")
    assert code == 2
    assert "'Họ và tên' and 'full_name' both mean 'full_name'" in output


def test_a_sheet_with_a_header_twice_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "residents.xlsx",
        {"DS": [["Mã hồ sơ", "Họ và tên", "Họ và tên"], ["R1", "An", "Bình"]]},
    )
    with pytest.raises(InputError, match=r"sheet 'DS'.*columns 2 and 3 are both named"):
        read_source("residents", path)


# --------------------------------------------------------------------------------------------
# 8-bit Vietnamese encodings

# Hand-written from the published TCVN3 (ABC) and VNI-Windows code tables, only for the
# letters these test names use.
TCVN3 = {
    "à": 0xB5, "á": 0xB8, "ă": 0xA8, "â": 0xA9, "đ": 0xAE, "Đ": 0xA7, "ê": 0xAA, "ô": 0xAB,
    "ơ": 0xAC, "ư": 0xAD, "ễ": 0xD4, "ế": 0xD5, "é": 0xD0, "ấ": 0xCA, "ầ": 0xC7, "ị": 0xDE,
    "í": 0xDD, "ọ": 0xE4, "ỗ": 0xE7, "ờ": 0xEA, "ứ": 0xF8, "ữ": 0xF7, "ạ": 0xB9, "ồ": 0xE5,
}  # fmt: skip
VNI_MARK = {"\u0301": 0xF9, "\u0300": 0xF8, "\u0309": 0xFB, "\u0303": 0xF5, "\u0323": 0xEF}
VNI_CIRC = {"": 0xE2, "\u0301": 0xE1, "\u0300": 0xE0, "\u0309": 0xE5, "\u0303": 0xE3,
            "\u0323": 0xE4}  # fmt: skip
VNI_BREVE = {"": 0xEA, "\u0301": 0xE9, "\u0300": 0xE8, "\u0323": 0xEB}
VNI_SINGLE = {"ơ": 0xF4, "ư": 0xF6, "đ": 0xF1, "Đ": 0xD1, "ị": 0xF2}


def tcvn3(text: str) -> bytes:
    return bytes(TCVN3.get(c, ord(c)) for c in text)


def vni(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch in VNI_SINGLE:
            out.append(VNI_SINGLE[ch])
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        upper = base.isupper()
        tone = next((m for m in marks if m in VNI_MARK), "")
        if "\u0302" in marks:
            code = VNI_CIRC[tone]
        elif "\u0306" in marks:
            code = VNI_BREVE[tone]
        elif "\u031b" in marks:  # ơ/ư with a tone: the horn letter, then the tone byte
            out.append(VNI_SINGLE[("o" if base in "oO" else "u") + "\u031b"])
            out.append(VNI_MARK[tone])
            continue
        elif tone:
            code = VNI_MARK[tone]
        else:
            out.append(ord(base))
            continue
        out.append(ord(base))
        out.append(code - 0x20 if upper else code)
    return bytes(out)


VNI_SINGLE.update({"o\u031b": 0xF4, "u\u031b": 0xF6})


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: base letters with the quality marks
    precomposed, tone marks as combining characters."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", nfd[:-1]).encode("cp1258") + nfd[-1].encode(
                "cp1258"
            )
    return out


NAMES_8BIT = ["Nguyễn Văn Tuấn", "Trần Thị Bích Ngọc", "Đỗ Minh Đức", "Lê Thị Ngữ"]


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [("windows-1258", cp1258), ("tcvn3", tcvn3), ("vni-windows", vni)],
)
def test_8bit_district_exports_are_decoded(tmp_path: Path, encoding: str, encode: object) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = ["Ma ho so,Ho va ten,Xa/Phuong,Tinh/Thanh pho"]
    lines += [f"R{i},{n},Phường Bến Nghé,Hồ Chí Minh" for i, n in enumerate(NAMES_8BIT)]
    data = encode("\n".join(lines) + "\n")  # type: ignore[operator]
    assert isinstance(data, bytes) and max(data) > 0x7F
    (raw / "residents.csv").write_bytes(data)
    code, output = clean(raw, tmp_path / "out")
    assert code == 0, output
    frame = kept(tmp_path / "out")
    assert frame["full_name"].to_list() == NAMES_8BIT
    assert set(frame["province_code"].to_list()) == {"79"}
    assert manifest_input(tmp_path / "out")["encoding"] == encoding


def test_bytes_no_encoding_explains_are_refused_with_a_line(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_bytes(
        b"record_id,full_name\nR1,An\nR2,\x81\x8d\x8f\x90\x9d junk\n"
    )
    code, output = clean(raw, tmp_path / "out")
    assert code == 2
    assert "line 3" in output
    assert "windows-1258" in output and "tcvn3" in output and "vni-windows" in output


# --------------------------------------------------------------------------------------------
# superseded units


def test_a_superseded_province_or_district_without_a_ward_is_a_song_finding(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "residents.csv").write_text(
        "record_id,full_name,province,district,ward\n"
        "R1,Lê An,Bình Dương,,\n"  # merged into TP Hồ Chí Minh in 2025
        "R2,Lê Ba,Hà Nội,Quận Ba Đình,\n"  # districts were abolished
        "R3,Lê Ca,Hà Nội,,Phường Ba Đình\n"  # current
        "R4,Lê Da,Bình Dương,,Phường Phú Cường\n",  # an old ward of an old province: both
        encoding="utf-8",
    )
    code, output = clean(raw, tmp_path / "out")
    assert code == 0, output
    frame = kept(tmp_path / "out")
    assert frame["province_code"].to_list() == ["79", "01", "01", "79"]
    findings = pl.read_parquet(tmp_path / "out" / "findings.parquet").filter(
        pl.col("rule") == "address.superseded_unit"
    )
    assert findings.sort("record_id").select(
        "record_id", "column", "value", "dimension"
    ).rows() == [
        ("R1", "province", "Bình Dương", "song"),
        ("R2", "district", "Quận Ba Đình", "song"),
        ("R4", "province", "Bình Dương", "song"),
        ("R4", "ward", "Phường Phú Cường", "song"),  # the old ward is a new commune's now
    ]
