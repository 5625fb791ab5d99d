"""Reading raw files and the ingest stage: headers, encodings, formats, errors, quarantine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.ingest import CANONICAL, header_key, ingest, map_headers
from pipelines.io import find_inputs, read_source, read_table

VN_HEADER = (
    "Mã hồ sơ,Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Số điện thoại,"
    "Tỉnh/Thành phố,Xã/Phường,Mã số BHXH,Ghi chú\n"
)
VN_ROW = "R0000001,Nguyễn Văn An,001203012345,05/03/1987,Nam,0912345678,Hà Nội,Phường Ba Đình,0123456789,xem lại\n"  # noqa: E501


def _csv(tmp_path: Path, text: str, name: str = "residents.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _ingest(path: Path, source: str = "residents") -> tuple[pl.DataFrame, pl.DataFrame]:
    table = read_source(source, path)
    headers = map_headers(table.frame.columns, source, path.name)
    res = ingest(table.frame.lazy(), headers, path.name)
    kept, quarantine = pl.collect_all([res.kept, res.quarantine])
    return kept, quarantine


# --- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Họ và tên", "full_name"),
        ("HO VA TEN", "full_name"),
        ("ho_va_ten", "full_name"),
        ("  Họ  tên ", "full_name"),
        ("Mã hồ sơ", "record_id"),
        ("ID", "record_id"),
        ("id", "record_id"),
        ("Số định danh cá nhân", "personal_id"),
        ("SO DINH DANH CA NHAN", "personal_id"),
        ("Ngày sinh", "birth_date"),
        ("Giới tính", "gender"),
        ("Số điện thoại", "phone"),
        ("SĐT", "phone"),
        ("Tỉnh/Thành phố", "province"),
        ("tinh thanh pho", "province"),
        ("Xã/Phường", "ward"),
        ("Mã số BHXH", "insurance_code"),
        ("Số CMND", "legacy_id"),
        ("Họ tên cha", "father_name"),
        ("Số nhà, đường/thôn", "address"),
        ("full_name", "full_name"),
        ("Full Name", "full_name"),
    ],
)
def test_header_aliases_map_to_canonical(header: str, canonical: str) -> None:
    others = [c for c in ("record_id", "full_name") if c != canonical]
    hm = map_headers([*others, header], "residents", "r.csv")
    assert hm.rename[header] == canonical
    assert hm.extra == ()


def test_header_key_folds_d_and_accents() -> None:
    assert header_key("Điện thoại") == header_key("dien-thoai") == "dienthoai"


def test_vietnamese_headers_each_canonical_and_extras_carried(tmp_path: Path) -> None:
    kept, quarantine = _ingest(_csv(tmp_path, VN_HEADER + VN_ROW))
    assert quarantine.height == 0
    row = kept.row(0, named=True)
    assert row["record_id"] == "R0000001"
    assert row["full_name"] == "Nguyễn Văn An"
    assert row["personal_id"] == "001203012345"  # leading zeros kept
    assert row["birth_date"] == "05/03/1987"
    assert row["gender"] == "Nam"
    assert row["phone"] == "0912345678"
    assert row["province"] == "Hà Nội"
    assert row["ward"] == "Phường Ba Đình"
    assert row["insurance_code"] == "0123456789"
    assert row["Ghi chú"] == "xem lại"  # unknown column carried with its own header
    assert row["source"] == "residents" and row["_row"] == 1
    assert all(dtype == pl.String for name, dtype in kept.schema.items() if name != "_row")
    # absent canonical columns exist as nulls
    assert set(CANONICAL["residents"]) <= set(kept.columns)
    assert row["ethnicity"] is None


def test_two_headers_for_one_column_is_an_error() -> None:
    with pytest.raises(InputError, match=r"r\.csv: columns 'Họ tên' and 'full_name' both mean"):
        map_headers(["ID", "Họ tên", "full_name"], "residents", "r.csv")


def test_missing_required_column_names_file_column_and_aliases(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Mã hồ sơ,Ngày sinh\nR1,1987\n")
    table = read_source("residents", path)
    with pytest.raises(InputError) as err:
        map_headers(table.frame.columns, "residents", path.name)
    msg = str(err.value)
    assert "residents.csv" in msg and "'full_name'" in msg
    assert "'Họ và tên'" in msg and "'Họ tên'" in msg


def test_civil_events_requires_event_type_and_copies_event_id(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"'event_type'.*'Loại sự kiện'"):
        map_headers(["Mã sự kiện"], "civil_events", "civil_events.csv")
    path = _csv(
        tmp_path, "Mã sự kiện,Loại sự kiện,Họ và tên\nE1,Khai sinh,An\n", "civil_events.csv"
    )
    kept, _ = _ingest(path, "civil_events")
    assert kept.select("event_id", "record_id", "event_type").row(0) == ("E1", "E1", "Khai sinh")


# --- encodings and formats ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16-le")],
)
def test_csv_encodings(tmp_path: Path, encoding: str, label: str) -> None:
    path = _csv(tmp_path, VN_HEADER + VN_ROW, encoding=encoding)
    frame, fmt, enc, _ = read_table(path)
    assert (fmt, enc) == ("csv", label)
    assert frame.columns[0] == "Mã hồ sơ"  # no BOM glued to the first header
    assert frame.row(0)[1] == "Nguyễn Văn An"


def test_utf16_be_and_tab_separated_excel_unicode_text(tmp_path: Path) -> None:
    text = VN_HEADER.replace(",", "\t") + VN_ROW.replace(",", "\t")
    path = tmp_path / "residents.csv"
    path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    frame, _, enc, _ = read_table(path)
    assert enc == "utf-16-be"
    assert frame.width == 10 and frame.row(0)[2] == "001203012345"


def test_invalid_utf8_says_so_and_suggests_utf8(tmp_path: Path) -> None:
    path = tmp_path / "residents.csv"
    path.write_bytes(b"record_id,full_name\nR1,An\nR2,Nguy\x81\x9d\x90n\n")  # no encoding fits
    with pytest.raises(InputError, match=r"residents\.csv: line 3: not valid UTF-8.*UTF-8"):
        read_table(path)


def test_parquet_values_become_text(tmp_path: Path) -> None:
    path = tmp_path / "insurance.parquet"
    pl.DataFrame(
        {
            "ID": ["B1", "B2"],
            "Họ tên": ["An", "Bình"],
            "Số CCCD": ["001203012345", None],
            "Mã đơn vị": [912345678.0, 1.5],
            "Ngày chi trả gần nhất": [dt.date(2026, 1, 31), None],
        }
    ).write_parquet(path)
    kept, _ = _ingest(path, "insurance")
    assert kept["personal_id"].to_list() == ["001203012345", None]
    assert kept["employer_code"].to_list() == ["912345678", "1.5"]
    assert kept["last_paid_on"].to_list() == ["2026-01-31", None]


def test_xlsx_values_become_sensible_text(tmp_path: Path) -> None:
    path = tmp_path / "residents.xlsx"
    pl.DataFrame(
        {
            "Mã hồ sơ": ["R1", "R2"],
            "Họ và tên": ["Trần Thị Bé", "  "],
            "Số định danh cá nhân": ["001203012345", "079088000123"],
            "Số điện thoại": [912345678, 388123456],
            "Ngày sinh": [dt.date(1987, 3, 5), dt.date(2001, 12, 31)],
        }
    ).write_excel(path)
    frame, fmt, _, _ = read_table(path)
    assert fmt == "xlsx"
    assert frame["Số định danh cá nhân"].to_list() == ["001203012345", "079088000123"]
    assert frame["Số điện thoại"].to_list() == ["912345678", "388123456"]
    assert frame["Ngày sinh"].to_list() == ["1987-03-05", "2001-12-31"]
    assert frame["Họ và tên"].to_list() == ["Trần Thị Bé", None]  # whitespace-only → null


def test_whitespace_only_is_null_but_raw_text_kept(tmp_path: Path) -> None:
    frame, *_ = read_table(_csv(tmp_path, "record_id,full_name\nR1,   \nR2, nguyễn  văn an \n"))
    assert frame["full_name"].to_list() == [None, " nguyễn  văn an "]


# --- errors ---------------------------------------------------------------------------------


def test_ragged_line_with_too_many_fields_gives_line_number(tmp_path: Path) -> None:
    path = _csv(tmp_path, "record_id,full_name\nR1,An\nR2,Bình\nR3,Chi,extra\n")
    with pytest.raises(InputError, match=r"residents\.csv: line 4 has 3 fields .* header has 2"):
        read_table(path)


def test_ragged_line_with_too_few_fields_gives_line_number(tmp_path: Path) -> None:
    # line 3 holds a quoted comma and a quoted newline: those are not separators
    text = 'record_id,full_name,phone\nR1,"An, Văn",091\nR2,"Bình\nThị",092\nR3,Chi\nR4,Dũng,093\n'
    with pytest.raises(InputError, match=r"line 5 has 2 fields but the header has 3"):
        read_table(_csv(tmp_path, text))


def test_quoted_commas_and_blank_lines_are_not_ragged(tmp_path: Path) -> None:
    text = 'record_id,full_name,phone\nR1,"An, Văn",091\n\nR2,"Bình ""B""",092\n\n'
    frame, *_ = read_table(_csv(tmp_path, text))
    assert frame.filter(pl.col("record_id").is_not_null())["full_name"].to_list() == [
        "An, Văn",
        'Bình "B"',
    ]


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"residents\.csv: the file is empty"):
        read_table(_csv(tmp_path, ""))
    with pytest.raises(InputError, match="empty"):
        read_table(_csv(tmp_path, "\ufeff\n", encoding="utf-8"))


def test_unknown_format_lists_accepted_ones(tmp_path: Path) -> None:
    (tmp_path / "residents.json").write_text("[]")
    with pytest.raises(
        InputError, match=r"residents\.json: unknown input format.*\.csv, \.parquet"
    ):
        find_inputs(tmp_path)


def test_two_files_for_one_source_names_both(tmp_path: Path) -> None:
    (tmp_path / "residents.csv").write_text("record_id,full_name\n")
    pl.DataFrame({"record_id": ["R1"]}).write_parquet(tmp_path / "residents.parquet")
    with pytest.raises(InputError, match=r"residents\.csv and residents\.parquet"):
        find_inputs(tmp_path)


def test_no_input_files_is_an_error_and_others_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "residents.old.csv").write_text("record_id,full_name\n")
    (tmp_path / "_truth").mkdir()
    (tmp_path / "_truth" / "residents.csv").write_text("record_id\n")
    with pytest.raises(InputError, match="no input files"):
        find_inputs(tmp_path)
    (tmp_path / "insurance.csv").write_text("record_id,full_name\n")
    assert find_inputs(tmp_path) == {"insurance": tmp_path / "insurance.csv"}


# --- quarantine -----------------------------------------------------------------------------


def test_duplicates_missing_ids_and_unusable_rows_are_quarantined(tmp_path: Path) -> None:
    text = (
        "record_id,full_name,personal_id\n"
        "R1,An,\n"  # row 1: kept (first copy)
        "R2,Bình,001203012345\n"  # row 2: kept
        "R1,An B,\n"  # row 3: later copy of R1
        ",Chi,\n"  # row 4: no record id
        "R5,,\n"  # row 5: no name and no ID
        "R1,,\n"  # row 6: later copy of R1 and unusable: two reasons, one row
        "R7,,079088000123\n"  # row 7: kept (ID without a name is usable)
    )
    kept, q = _ingest(_csv(tmp_path, text))
    assert kept["_row"].to_list() == [1, 2, 7]
    assert kept["record_id"].to_list() == ["R1", "R2", "R7"]
    assert q.select("source_row", "rule").rows() == [
        (3, "record_id.duplicate"),
        (4, "record_id.missing"),
        (5, "record.unusable"),
        (6, "record_id.duplicate"),
        (6, "record.unusable"),
    ]
    dup = q.row(0, named=True)
    assert dup["source"] == "residents" and dup["record_id"] == "R1" and dup["value"] == "R1"
    assert dup["message"] == (
        "record_id R1 appears more than once in residents.csv (rows 1 and 3); "
        "the first copy is kept"
    )
    assert q.row(1, named=True)["record_id"] is None
    # nothing lost: every input row is kept or quarantined, never both
    assert kept.height + q["source_row"].n_unique() == 7
    assert not set(kept["_row"]) & set(q["source_row"])
    assert all(q.schema[c] == pl.String for c in ("source", "record_id", "rule", "message"))


def test_blank_lines_inside_quotes_and_between_rows_lose_nothing(tmp_path: Path) -> None:
    text = 'record_id;full_name;address\nR1;An;"Thôn 3\n\nXã Tân Lập"\n\nR2;Bình;\n'
    kept, q = _ingest(_csv(tmp_path, text))  # semicolon-separated, as some Excel locales write
    assert kept["address"].to_list() == ["Thôn 3\n\nXã Tân Lập", None]
    assert kept["_row"].to_list() == [1, 3]
    # the blank line between the rows is an input row too: set aside, not dropped
    assert q.filter(pl.col("source_row") == 2)["rule"].to_list() == [
        "record_id.missing",
        "record.unusable",
    ]
