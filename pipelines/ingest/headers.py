"""Canonical columns per source, required columns, and the header alias table (DESIGN §4).

Headers match the canonical name or an alias ignoring case, accents (đ → d), spaces and
punctuation: ``Họ và tên``, ``HO VA TEN`` and ``ho_va_ten`` are the same header.

Example:
    >>> header_key("Tỉnh/Thành phố")
    'tinhthanhpho'
    >>> map_headers(["Mã hồ sơ", "HO VA TEN", "ghi chú"], "residents", "residents.csv").rename
    {'Mã hồ sơ': 'record_id', 'HO VA TEN': 'full_name'}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.errors import InputError
from pipelines.vn.fold import fold_text

__all__ = [
    "ALIASES",
    "CANONICAL",
    "REQUIRED",
    "ROW_ID",
    "HeaderMap",
    "header_key",
    "map_headers",
]

ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": ("Mã hồ sơ", "Mã bản ghi", "ID"),
    "personal_id": ("Số định danh cá nhân", "Số định danh", "Số CCCD", "CCCD", "Số căn cước"),
    "legacy_id": ("Số CMND", "CMND"),
    "id_issued_on": (
        "Ngày cấp",
        "Ngày cấp CCCD",
        "Ngày cấp căn cước",
        "issued_on",
        "card_issued_on",
    ),
    "full_name": ("Họ và tên", "Họ tên"),
    "gender": ("Giới tính",),
    "birth_date": ("Ngày sinh", "Ngày tháng năm sinh"),
    "ethnicity": ("Dân tộc",),
    "address": ("Địa chỉ", "Số nhà, đường/thôn", "Số nhà", "Đường/thôn"),
    "ward": ("Xã/Phường", "Phường/Xã"),
    "district": ("Quận/Huyện",),
    "province": ("Tỉnh/Thành phố", "Tỉnh/TP", "Tỉnh"),
    "phone": ("Số điện thoại", "Điện thoại", "SĐT"),
    "father_name": ("Họ tên cha",),
    "mother_name": ("Họ tên mẹ",),
    "household_id": ("Số hộ", "Mã hộ"),
    "status": ("Trạng thái", "Tình trạng"),
    "death_date": ("Ngày mất", "Ngày chết"),
    "updated_at": ("Ngày cập nhật",),
    "event_id": ("Mã sự kiện",),
    "event_type": ("Loại sự kiện",),
    "event_date": ("Ngày sự kiện",),
    "registered_on": ("Ngày đăng ký",),
    "spouse_personal_id": ("Số định danh vợ/chồng",),
    "spouse_name": ("Họ tên vợ/chồng",),
    "insurance_code": ("Mã số BHXH", "Mã BHXH", "Số sổ BHXH"),
    "employer_code": ("Mã đơn vị",),
    "benefit": ("Chế độ hưởng",),
    "last_paid_on": ("Ngày chi trả gần nhất",),
}
"""Canonical column → accepted aliases (besides the canonical name itself)."""

CANONICAL: dict[str, tuple[str, ...]] = {
    "residents": (
        "record_id", "personal_id", "legacy_id", "full_name", "gender", "birth_date",
        "ethnicity", "address", "ward", "district", "province", "phone", "father_name",
        "mother_name", "household_id", "status", "death_date", "updated_at", "id_issued_on",
    ),
    "civil_events": (
        "event_id", "event_type", "event_date", "registered_on", "personal_id", "full_name",
        "gender", "birth_date", "father_name", "mother_name", "spouse_personal_id",
        "spouse_name", "ward", "province",
    ),
    "insurance": (
        "record_id", "insurance_code", "personal_id", "full_name", "gender", "birth_date",
        "phone", "province", "employer_code", "status", "benefit", "last_paid_on",
        "updated_at",
    ),
}  # fmt: skip
"""Canonical columns of each source, in output order (DESIGN §4)."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "residents": ("record_id", "full_name"),
    "civil_events": ("event_id", "event_type"),
    "insurance": ("record_id", "full_name"),
}
"""Columns each source's file must have."""

ROW_ID: dict[str, str] = {
    "residents": "record_id",
    "civil_events": "event_id",
    "insurance": "record_id",
}
"""The column that identifies a row in each source (copied to ``record_id``)."""

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def header_key(name: str) -> str:
    """Return the matching key of a header: lower case, no accents, đ → d, letters/digits only.

    Example:
        >>> header_key("Số Điện-Thoại "), header_key("ho_va_ten"), header_key("record_id")
        ('sodienthoai', 'hovaten', 'recordid')
    """
    return _NOT_WORD.sub("", fold_text(name).lower())


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for canonical, aliases in ALIASES.items():
        for name in (canonical, *aliases):
            key = header_key(name)
            if lookup.setdefault(key, canonical) != canonical:
                raise RuntimeError(f"alias {name!r} is ambiguous in the alias table")
    return lookup


_LOOKUP: dict[str, str] = _build_lookup()


@dataclass(frozen=True)
class HeaderMap:
    """How one file's headers map to canonical columns.

    Attributes:
        source: the source name.
        rename: raw header → canonical column, for recognised headers, in file order.
        extra: raw headers not recognised, carried through untouched, in file order.
    """

    source: str
    rename: dict[str, str]
    extra: tuple[str, ...]


def _accepted(canonical: str) -> str:
    return ", ".join(repr(a) for a in (canonical, *ALIASES.get(canonical, ())))


def map_headers(headers: Sequence[str], source: str, file_name: str) -> HeaderMap:
    """Return the :class:`HeaderMap` of ``headers`` for ``source``; raise on a bad header set.

    Raises :class:`InputError` (naming ``file_name``) if a required column is missing (the
    message lists its accepted aliases), if two headers map to the same canonical column, or
    if a civil_events file has a ``record_id`` column (its row id is ``event_id``).

    Example:
        >>> m = map_headers(["Mã sự kiện", "Loại sự kiện"], "civil_events", "civil_events.csv")
        >>> m.rename, m.extra
        ({'Mã sự kiện': 'event_id', 'Loại sự kiện': 'event_type'}, ())
    """
    if source not in CANONICAL:
        raise ValueError(f"unknown source {source!r}; known: {', '.join(CANONICAL)}")
    rename: dict[str, str] = {}
    extra: list[str] = []
    seen: dict[str, str] = {}
    for header in headers:
        canonical = _LOOKUP.get(header_key(header))
        if canonical == "record_id" and ROW_ID[source] != "record_id":
            canonical = None
        if canonical is None:
            if header == "record_id" or header in _RESERVED:
                raise InputError(
                    f"{file_name}: column {header!r} is reserved by dancu"
                    + (" (the row id of civil_events is event_id)" if header == "record_id" else "")
                    + "; rename it"
                )
            extra.append(header)
            continue
        if canonical in seen:
            raise InputError(
                f"{file_name}: columns {seen[canonical]!r} and {header!r} both mean "
                f"{canonical!r}; keep only one"
            )
        seen[canonical] = header
        rename[header] = canonical
    for column in REQUIRED[source]:
        if column not in seen:
            raise InputError(
                f"{file_name}: missing required column {column!r}; "
                f"accepted headers: {_accepted(column)}"
            )
    return HeaderMap(source, rename, tuple(extra))


_RESERVED = frozenset({"source", "_row", "source_row"})
