"""Writing the raw registers (CSV, optionally with Vietnamese headers) and the ground truth."""

from __future__ import annotations

from pathlib import Path

import polars as pl

__all__ = ["VIETNAMESE_HEADERS", "clear_stale", "write_csv", "write_parquet"]

VIETNAMESE_HEADERS: dict[str, str] = {
    "record_id": "Mã hồ sơ",
    "personal_id": "Số định danh cá nhân",
    "legacy_id": "Số CMND",
    "full_name": "Họ và tên",
    "gender": "Giới tính",
    "birth_date": "Ngày sinh",
    "ethnicity": "Dân tộc",
    "address": "Địa chỉ",
    "ward": "Xã/Phường",
    "district": "Quận/Huyện",
    "province": "Tỉnh/Thành phố",
    "phone": "Số điện thoại",
    "father_name": "Họ tên cha",
    "mother_name": "Họ tên mẹ",
    "household_id": "Số hộ",
    "status": "Trạng thái",
    "death_date": "Ngày mất",
    "updated_at": "Ngày cập nhật",
    "id_issued_on": "Ngày cấp",
    "event_id": "Mã sự kiện",
    "event_type": "Loại sự kiện",
    "event_date": "Ngày sự kiện",
    "registered_on": "Ngày đăng ký",
    "spouse_personal_id": "Số định danh vợ/chồng",
    "spouse_name": "Họ tên vợ/chồng",
    "insurance_code": "Mã số BHXH",
    "employer_code": "Mã đơn vị",
    "benefit": "Chế độ hưởng",
    "last_paid_on": "Ngày chi trả gần nhất",
}

_RAW_SUFFIXES = (".csv", ".parquet", ".xlsx", ".tsv", ".txt")


def clear_stale(out: Path, source: str) -> None:
    """Delete earlier raw files of ``source`` in ``out`` (``residents.parquet`` …), nothing else.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "residents.xlsx").write_text("x")
        >>> clear_stale(d, "residents"); list(d.iterdir())
        []
    """
    for suffix in _RAW_SUFFIXES:
        path = out / f"{source}{suffix}"
        if path.is_file():
            path.unlink()


def write_csv(frame: pl.DataFrame, path: Path, vietnamese: bool, bom: bool = False) -> Path:
    """Write ``frame`` (all text) as UTF-8 CSV, optionally with Vietnamese headers and a BOM.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "x.csv"
        >>> _ = write_csv(pl.DataFrame({"full_name": ["Lê An"]}), p, vietnamese=True)
        >>> p.read_text(encoding="utf-8").splitlines()[0]
        'Họ và tên'
    """
    if vietnamese:
        frame = frame.rename({c: VIETNAMESE_HEADERS.get(c, c) for c in frame.columns})
    with path.open("wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        frame.write_csv(fh)
    return path


def write_parquet(frame: pl.DataFrame, path: Path) -> Path:
    """Write a ground-truth table as parquet (zstd, no statistics: stable bytes).

    Example:
        >>> import tempfile
        >>> p = write_parquet(pl.DataFrame({"a": [1]}), Path(tempfile.mkdtemp()) / "t.parquet")
        >>> pl.read_parquet(p).height
        1
    """
    frame.write_parquet(path, compression="zstd", statistics=False)
    return path
