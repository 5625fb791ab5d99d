"""Rules that set a whole row aside (``quarantine.parquet``): it cannot be used at all."""

from __future__ import annotations

from pipelines.rules.model import Rule, Text

__all__ = ["DECLARED"]

DECLARED = (
    Rule(
        "record_id.missing",
        "du",
        "completeness",
        outcome="quarantine",
        title=Text("Thiếu mã hồ sơ", "No record id"),
        meaning=Text(
            "Dòng không có mã hồ sơ nên không theo dõi được.",
            "The row has no record id (`event_id` for civil events): it cannot be tracked.",
        ),
        message=Text("thiếu mã hồ sơ", "the row has no record id"),
        action=Text(
            "Bổ sung mã hồ sơ cho dòng này ở hệ thống nguồn rồi xuất lại tệp.",
            "Give the row its record id in the source system and export the file again.",
        ),
    ),
    Rule(
        "record_id.duplicate",
        "sach",
        "completeness",
        outcome="quarantine",
        title=Text("Mã hồ sơ bị trùng", "Duplicate record id"),
        meaning=Text(
            "Mã hồ sơ đã xuất hiện trước đó trong cùng tệp; chỉ giữ bản đầu.",
            "The record id already appeared earlier in the same file; the first copy is kept.",
        ),
        message=Text("mã hồ sơ bị trùng", "the record id appears more than once"),
        action=Text(
            "Kiểm tra các dòng cùng mã hồ sơ ở hệ thống nguồn: cấp mã mới cho bản ghi của "
            "người khác, xóa bản sao.",
            "Check the rows sharing the record id in the source system: give another person's "
            "record a new id, delete a copy.",
        ),
    ),
    Rule(
        "record.unusable",
        "du",
        "completeness",
        outcome="quarantine",
        title=Text("Không có họ tên và số định danh", "Neither name nor personal ID"),
        meaning=Text(
            "Dòng không có cả họ tên lẫn số định danh nên không ghép được với người nào.",
            "The row has neither a name nor a personal ID: it cannot be matched to a person.",
        ),
        message=Text("không có họ tên và số định danh", "no name and no personal ID"),
        action=Text(
            "Bổ sung họ tên hoặc số định danh cá nhân từ hồ sơ gốc.",
            "Add the name or the personal ID from the source document.",
        ),
    ),
)
