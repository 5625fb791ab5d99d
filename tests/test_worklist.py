"""The stewards' worklist files: one xlsx per province, most urgent first, values as text.

The files are also opened as a spreadsheet program reads them (openpyxl): the summary comes
first and says which province, data date and run; the data sheet prints landscape on one page
width with the header on every page; counts are numbers and codes are words."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import fastexcel
import openpyxl
import polars as pl
import pytest

from pipelines.report import xlsx
from pipelines.report.worklist import worklist_rows, write_worklists
from pipelines.rules import RULES

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

VI_HEADERS = [
    "Thứ tự ưu tiên",
    "Sổ đăng ký",
    "Mã bản ghi",
    "Họ và tên",
    "Ngày sinh",
    "Số định danh",
    "Mã người",
    "Khía cạnh",
    "Quy tắc",
    "Trường",
    "Giá trị hiện tại",
    "Giá trị dancu ghi",
    "Vấn đề",
    "Bản ghi liên quan",
    "Tỉnh/thành",
    "Số vấn đề của bản ghi",
    "Mã vấn đề",
    "Trạng thái",
    "Người xử lý",
    "Ngày",
    "Ghi chú",
    "_status_written",
    "_value",
]
LAST = "W"  # the last column's letter (the two hidden ones end the sheet)
COUNT = "P"  # "Số vấn đề của bản ghi", the one number column


def letter(header: str) -> str:
    return chr(65 + VI_HEADERS.index(header))


def finding(
    record_id: str,
    rule: str,
    province: str | None = "01",
    *,
    source: str = "residents",
    column: str = "phone",
    value: str | None = "x",
) -> dict[str, str | None]:
    return {
        "source": source,
        "record_id": record_id,
        "person_id": "P" + record_id,
        "rule": rule,
        "dimension": RULES[rule].dimension,
        "column": column,
        "value": value,
        "message": RULES[rule].message.en.format(column=column),
        "province_code": province,
    }


def frame(*rows: dict[str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict.fromkeys(rows[0], pl.String))


def read_sheet(path: Path, sheet: int = 1) -> pl.DataFrame:
    """The data sheet (the second sheet, after the summary), every cell as text."""
    return fastexcel.read_excel(path).load_sheet(sheet, dtypes="string").to_polars()


def sheet_xml(path: Path, number: int = 2) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{number}.xml").decode()


def test_rows_have_vietnamese_headers_and_plain_words() -> None:
    rows = worklist_rows(frame(finding("R1", "required.missing", column="phone", value=None)))
    assert rows.columns == VI_HEADERS
    assert rows.row(0, named=True) == {
        "Thứ tự ưu tiên": "3 – thiếu, sai dạng, chưa liên kết",
        "Sổ đăng ký": "Dân cư",
        "Mã bản ghi": "R1",
        "Họ và tên": None,  # no clean records given: no identity to show
        "Ngày sinh": None,
        "Số định danh": None,
        "Mã người": "PR1",
        "Khía cạnh": "đủ",
        "Quy tắc": "required.missing",
        "Trường": "số điện thoại",
        "Giá trị hiện tại": None,
        "Giá trị dancu ghi": None,
        "Vấn đề": "số điện thoại bị trống",
        "Bản ghi liên quan": None,
        "Tỉnh/thành": "Thành phố Hà Nội",
        "Số vấn đề của bản ghi": 1,
        "Mã vấn đề": None,
        "Trạng thái": "chưa xử lý",
        "Người xử lý": None,
        "Ngày": None,
        "Ghi chú": None,
        "_status_written": "open",
        "_value": None,
    }
    assert rows.schema["Số vấn đề của bản ghi"] == pl.Int64
    assert all(dtype == pl.String for name, dtype in rows.schema.items() if "Số" not in name)


def test_rows_sort_by_priority_then_findings_per_record_then_register() -> None:
    rows = worklist_rows(
        frame(
            finding("R9", "updated_at.stale", column="updated_at"),  # priority 4
            finding("R1", "phone.invalid"),  # priority 3, record with 1 finding
            finding("R2", "phone.invalid"),  # priority 3, record with 2 findings
            finding("R2", "name.not_canonical", column="full_name"),  # priority 4
            finding("B1", "insurance.paid_after_death", source="insurance"),  # priority 1
            finding("R5", "death.not_reflected", column="status"),  # priority 1
            finding("R3", "person.duplicate_record", column="record_id"),  # priority 2
        )
    )
    assert rows.select("Mã bản ghi", "Quy tắc").rows() == [
        ("R5", "death.not_reflected"),  # residents before insurance within priority 1
        ("B1", "insurance.paid_after_death"),
        ("R3", "person.duplicate_record"),
        ("R2", "phone.invalid"),  # two findings on R2: before R1
        ("R1", "phone.invalid"),
        ("R2", "name.not_canonical"),
        ("R9", "updated_at.stale"),
    ]
    assert rows["Số vấn đề của bản ghi"].to_list() == [1, 1, 1, 2, 1, 2, 1]


def test_english_headers_and_file_names(tmp_path: Path) -> None:
    findings = frame(finding("R1", "phone.invalid", "79"), finding("R2", "phone.invalid", None))
    rows = worklist_rows(findings, lang="en")
    assert rows.columns[:3] == ["Priority", "Register", "Record ID"]
    assert (
        rows["Problem"].to_list() == [RULES["phone.invalid"].message.en.format(column="phone")] * 2
    )
    paths = write_worklists(findings, tmp_path, lang="en")
    assert [p.name for p in paths] == ["79-ho-chi-minh.xlsx", "no-province.xlsx"]
    assert fastexcel.read_excel(paths[0]).sheet_names == ["Summary", "To fix"]
    assert read_sheet(paths[1])["Province"].to_list() == ["Unknown province"]


def test_one_file_per_province_with_exact_rows(tmp_path: Path) -> None:
    findings = frame(
        finding("R1", "phone.invalid", "01"),
        finding("R2", "phone.invalid", "01"),
        finding("R2", "updated_at.stale", "01", column="updated_at"),
        finding("R3", "phone.invalid", "79"),
        finding("R4", "phone.invalid", None),
        finding("R5", "phone.invalid", "99"),  # not a current province: goes with no province
    )
    paths = write_worklists(findings, tmp_path)
    assert [p.name for p in paths] == [
        "01-ha-noi.xlsx",
        "79-ho-chi-minh.xlsx",
        "khong-ro-tinh.xlsx",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    hanoi, hcm, none = (read_sheet(p) for p in paths)
    assert (hanoi.height, hcm.height, none.height) == (3, 1, 2)
    assert hanoi.columns == VI_HEADERS
    assert hanoi["Mã bản ghi"].to_list() == ["R2", "R1", "R2"]
    assert set(hcm["Tỉnh/thành"]) == {"Thành phố Hồ Chí Minh"}
    assert none["Tỉnh/thành"].to_list() == ["Chưa rõ tỉnh/thành", "99"]
    assert fastexcel.read_excel(paths[0]).sheet_names == ["Tóm tắt", "Danh sách cần sửa"]


def test_summary_sheet_comes_first_and_counts_per_priority_and_rule(tmp_path: Path) -> None:
    findings = frame(
        finding("R1", "name.not_canonical", column="full_name"),
        finding("R1", "name.not_canonical", column="father_name"),
        finding("R2", "name.not_canonical", column="full_name"),
        finding("R2", "death.not_reflected", column="status", value="alive"),
    )
    (path,) = write_worklists(findings, tmp_path, created=dt.date(2026, 11, 22), run_id="7c92")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tóm tắt", "Danh sách cần sửa"]
    assert book.active.title == "Tóm tắt"  # the file opens on the summary
    rows = [[c for c in r if c is not None] for r in book["Tóm tắt"].iter_rows(values_only=True)]
    assert rows[0] == ["Danh sách cần sửa – Thành phố Hà Nội"]
    fields = {r[0]: r[1] for r in rows[1:7] if len(r) == 2}
    assert fields["Tỉnh/thành"] == "Thành phố Hà Nội (01)"
    assert fields["Dữ liệu tính đến ngày"] == "22/11/2026"
    assert fields["Lần chạy"] == "7c92"
    assert (fields["Số bản ghi cần sửa"], fields["Số vấn đề"]) == (2, 4)
    head = rows.index(["Thứ tự ưu tiên", "Số bản ghi", "Số vấn đề"])
    assert rows[head + 1 : head + 4] == [
        ["1 – gấp: pháp lý, tài chính", 1, 1],
        ["4 – hình thức, cập nhật", 2, 3],
        ["Tổng", 2, 4],
    ]
    by_rule = rows[rows.index(["Thứ tự ưu tiên", "Quy tắc", "Tên", "Khía cạnh", "Cách xử lý",
                               "Số bản ghi", "Số vấn đề"]) + 1 :]  # fmt: skip
    assert [(r[1], r[5], r[6]) for r in by_rule] == [
        ("death.not_reflected", 1, 1),
        ("name.not_canonical", 2, 3),
    ]
    assert by_rule[0][2] == RULES["death.not_reflected"].title.vi
    assert by_rule[0][4] == RULES["death.not_reflected"].action.vi


def test_every_sheet_prints_landscape_one_page_wide_with_the_header_repeated(
    tmp_path: Path,
) -> None:
    findings = frame(*(finding(f"R{i}", "phone.invalid") for i in range(41)))
    (path,) = write_worklists(findings, tmp_path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # one page wide (1 is the OOXML default, left out of the file), any number of pages long
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)
    data = book["Danh sách cần sửa"]
    assert data.print_title_rows == "$1:$1"
    assert data.freeze_panes == "A2" and data.auto_filter.ref == f"A1:{LAST}42"
    visible = [h for h in VI_HEADERS if not h.startswith("_")]
    widths = [data.column_dimensions[letter(h)].width for h in visible]
    # the record's identity and the steward's columns make it wide: about 60 % on A4
    assert sum(widths) < 310
    for header in ("Vấn đề", "Giá trị hiện tại", "Quy tắc"):  # wrapped, not cut
        assert data[f"{letter(header)}2"].alignment.wrap_text
    assert data[f"{letter('Vấn đề')}2"].alignment.vertical == "top"
    cols = ET.fromstring(sheet_xml(path)).findall("m:cols/m:col", NS)
    hidden = {i for c in cols if c.get("hidden") == "1"
              for i in range(int(c.get("min", "0")), int(c.get("max", "0")) + 1)}  # fmt: skip
    assert hidden == {VI_HEADERS.index(h) + 1 for h in ("_status_written", "_value")}


def test_counts_are_numbers_and_codes_are_words(tmp_path: Path) -> None:
    findings = frame(
        finding("R1", "death.not_reflected", column="status", value="alive"),
        finding("R1", "updated_at.stale", column="updated_at", value="2019-01-01"),
        finding("B1", "insurance.active_after_death", source="insurance", column="status",
                value="active"),
        finding("E1", "event_type.unrecognised", source="civil_events", column="event_type",
                value="khai sinh?"),
    )  # fmt: skip
    (path,) = write_worklists(findings, tmp_path)
    data = openpyxl.load_workbook(path)["Danh sách cần sửa"]
    header = [c.value for c in data[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in data.iter_rows(min_row=2)]
    assert [r["Số vấn đề của bản ghi"] for r in rows] == [2, 1, 1, 2]
    assert all(isinstance(r["Số vấn đề của bản ghi"], int) for r in rows)
    values = {r["Quy tắc"]: r["Giá trị hiện tại"] for r in rows}
    assert values["death.not_reflected"] == "còn sống"
    assert values["insurance.active_after_death"] == "đang tham gia"
    assert values["event_type.unrecognised"] == "khai sinh?"  # a raw value stays as written
    assert values["updated_at.stale"] == "2019-01-01"
    english = openpyxl.load_workbook(write_worklists(findings, tmp_path / "en", "en")[0])
    assert "alive" in [c.value for c in english["To fix"][letter("Giá trị hiện tại")]]


def test_superseded_unit_names_the_unit_that_changed(tmp_path: Path) -> None:
    findings = frame(
        finding("R1", "address.superseded_unit", "12", column="district", value="Huyện Tam Đường"),
        finding("R1", "address.superseded_unit", "12", column="ward", value="Xã Bản Giang"),
        finding("R2", "address.superseded_unit", "79", column="province", value="Tỉnh Bình Dương"),
    )
    rows = worklist_rows(findings)
    said = "là đơn vị hành chính trước 2025; đã chuyển sang đơn vị hiện nay"
    assert rows.select("Mã bản ghi", "Trường", "Vấn đề").rows() == [
        ("R1", "quận/huyện", f"quận/huyện {said}"),
        ("R1", "phường/xã", f"phường/xã {said}"),
        ("R2", "tỉnh/thành", f"tỉnh/thành {said}"),
    ]
    assert "Tỉnh Lai Châu" not in rows["Giá trị hiện tại"].to_list()


def test_formula_like_values_stay_text(tmp_path: Path) -> None:
    values = [
        '=HYPERLINK("http://x","y")',
        "+1+1",
        "-2",
        "@SUM(A1)",
        "0012",
        "<b>&amp;",
        " lead",
        "a\x01b",
        "_x0041_",
        "a_xyz_x12_",
        "http://example.org",
    ]
    findings = frame(*(finding(f"R{i}", "phone.invalid", value=v) for i, v in enumerate(values)))
    (path,) = write_worklists(findings, tmp_path)
    xml = sheet_xml(path)
    root = ET.fromstring(xml)  # well-formed
    assert root.findall(".//m:f", NS) == []
    data_rows = root.findall("m:sheetData/m:row", NS)[1:]
    assert len(data_rows) == len(values)
    cells = [c for row in data_rows for c in row.findall("m:c", NS)]

    # every value is an inline string; only the count column holds numbers
    def col(cell: ET.Element) -> str:
        return re.sub(r"\d", "", cell.get("r", ""))

    assert {c.get("t") for c in cells if col(c) != COUNT} == {"inlineStr"}
    assert {c.get("t") for c in cells if col(c) == COUNT} == {None}
    assert '<t>=HYPERLINK("http://x","y")</t>' in xml
    assert "<hyperlinks" not in xml
    back = read_sheet(path).sort("Mã bản ghi")["Giá trị hiện tại"].to_list()
    assert back == [values[int(r[1:])] for r in sorted(f"R{i}" for i in range(len(values)))]


def test_data_columns_are_text_formatted_and_header_bold_frozen_filtered(tmp_path: Path) -> None:
    findings = frame(finding("R1", "phone.invalid"), finding("R2", "phone.invalid"))
    (path,) = write_worklists(findings, tmp_path)
    root = ET.fromstring(sheet_xml(path))
    pane = root.find(".//m:pane", NS)
    assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1"
    auto = root.find("m:autoFilter", NS)
    assert auto is not None and auto.get("ref") == f"A1:{LAST}3"
    dimension = root.find("m:dimension", NS)
    assert dimension is not None and dimension.get("ref") == f"A1:{LAST}3"
    with zipfile.ZipFile(path) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
    xfs = styles.findall("m:cellXfs/m:xf", NS)
    fonts = styles.findall("m:fonts/m:font", NS)
    header = root.find(".//m:row[@r='1']/m:c", NS)
    assert header is not None
    assert fonts[int(xfs[int(header.get("s", "0"))].get("fontId", "0"))].find("m:b", NS) is not None
    value_cell = root.find(".//m:row[@r='2']/m:c", NS)
    assert value_cell is not None
    text_xf = xfs[int(value_cell.get("s", "0"))]
    assert text_xf.get("numFmtId") == "49"  # the built-in "@" (text) format
    cols = root.findall("m:cols/m:col", NS)  # adjacent equal columns share one <col>
    assert sum(int(c.get("max", "0")) - int(c.get("min", "1")) + 1 for c in cols) == 23
    assert all(4 <= float(c.get("width", "0")) <= 61 for c in cols)
    # each column's own format is the one of its cells, so new entries get it too; every
    # column but the count is text ("@")
    cells = root.findall(".//m:row[@r='2']/m:c", NS)
    styles = [
        c.get("style")
        for c in cols
        for _ in range(int(c.get("max", "0")) - int(c.get("min", "1")) + 1)
    ]
    present = {re.sub(r"\d", "", c.get("r", "")): c.get("s") for c in cells}  # empty: no cell
    assert {k: styles[ord(k) - 65] for k in present} == present
    formats = [xfs[int(s or "0")].get("numFmtId") for s in styles]
    count = VI_HEADERS.index("Số vấn đề của bản ghi")
    assert formats[:count] + formats[count + 1 :] == ["49"] * 22 and formats[count] != "49"


def test_a_province_over_the_row_limit_continues_in_parts(tmp_path: Path) -> None:
    findings = frame(
        *(finding(f"R{i}", "phone.invalid") for i in range(5)),
        finding("R0", "death.not_reflected", column="status"),
    )
    paths = write_worklists(findings, tmp_path, max_rows=2)
    assert [p.name for p in paths] == [
        "01-ha-noi.xlsx",
        "01-ha-noi-part2.xlsx",
        "01-ha-noi-part3.xlsx",
    ]
    parts = [read_sheet(p) for p in paths]
    assert [p.height for p in parts] == [2, 2, 2]
    order = pl.concat(parts)["Mã bản ghi"].to_list()
    assert order == worklist_rows(findings)["Mã bản ghi"].to_list()
    assert order[:2] == ["R0", "R0"]  # the urgent finding and its record's other finding first
    assert re.search(rf'<dimension ref="A1:{LAST}3"/>', sheet_xml(paths[2]))


def test_same_findings_give_byte_identical_files(tmp_path: Path) -> None:
    findings = frame(finding("R1", "phone.invalid"), finding("R2", "phone.invalid", None))
    first = write_worklists(findings, tmp_path / "a")
    second = write_worklists(findings, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_no_findings_write_no_files(tmp_path: Path) -> None:
    empty = pl.DataFrame(schema=dict.fromkeys(finding("R", "phone.invalid"), pl.String))
    assert write_worklists(empty, tmp_path / "w") == []
    assert worklist_rows(empty).columns == VI_HEADERS


def test_missing_column_is_named(tmp_path: Path) -> None:
    findings = frame(finding("R1", "phone.invalid")).drop("province_code")
    with pytest.raises(ValueError, match="province_code"):
        write_worklists(findings, tmp_path)


def test_a_sheet_near_the_zip_size_limit_is_written_as_zip64(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    findings = frame(finding("R1", "phone.invalid"), finding("R2", "phone.invalid"))
    (plain,) = write_worklists(findings, tmp_path / "plain")
    monkeypatch.setattr(xlsx, "_ZIP32_LIMIT", 2_000)  # a tiny limit stands in for 2 GiB
    (large,) = write_worklists(findings, tmp_path / "zip64")

    def sheet_zip_version(path: Path) -> int:
        with zipfile.ZipFile(path) as z:
            return z.getinfo("xl/worksheets/sheet2.xml").extract_version

    assert sheet_zip_version(plain) == 20
    assert sheet_zip_version(large) == zipfile.ZIP64_VERSION  # 45: written with zip64 sizes
    assert read_sheet(large)["Mã bản ghi"].to_list() == ["R1", "R2"]
