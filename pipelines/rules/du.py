"""Rules of **đủ** (complete): everything required is there."""

from __future__ import annotations

from pipelines.rules.model import Rule, Text

__all__ = ["DECLARED"]

DECLARED = (
    Rule(
        "required.missing",
        "du",
        "completeness",
        title=Text("Thiếu trường bắt buộc", "Required field empty"),
        meaning=Text(
            "Các trường bắt buộc của sổ được điền đủ.",
            "The register's required fields are filled.",
        ),
        message=Text("{column} bị trống", "{column} is empty"),
        action=Text(
            "Bổ sung giá trị còn thiếu từ hồ sơ gốc.",
            "Fill in the missing value from the source document.",
        ),
    ),
    Rule(
        "personal_id.missing_adult",
        "du",
        "identity",
        title=Text(
            "Người từ 14 tuổi chưa có số định danh", "Person aged 14+ without a personal ID"
        ),
        meaning=Text(
            "Người đang sống từ 14 tuổi trở lên có số định danh cá nhân.",
            "A living resident aged 14 or more has a personal ID.",
        ),
        message=Text(
            "{column} bị trống với người từ 14 tuổi trở lên",
            "{column} is empty for a resident aged 14 or more",
        ),
        action=Text(
            "Tra cứu số định danh trong CSDL quốc gia về dân cư và bổ sung; nếu chưa có, hướng "
            "dẫn người dân làm thẻ căn cước.",
            "Look the number up in the national population database and add it; if there is "
            "none, ask the person to apply for an ID card.",
        ),
    ),
    Rule(
        "link.no_resident",
        "du",
        "completeness",
        title=Text("Không tìm thấy trong CSDL dân cư", "No resident record found"),
        meaning=Text(
            "Mỗi người tham gia BHXH và mỗi người trong sự kiện hộ tịch có trong CSDL dân cư.",
            "Every insured person and every civil-event subject is found in the population "
            "register.",
        ),
        message=Text(
            "không tìm thấy hồ sơ dân cư của người này",
            "no resident record was found for this person",
        ),
        action=Text(
            "Tìm người này trong CSDL dân cư theo số định danh, họ tên và ngày sinh; bổ sung số "
            "định danh vào hồ sơ, hoặc đăng ký cư trú còn thiếu.",
            "Search the register by ID, name and birth date; add the ID to the record, or "
            "register the missing resident.",
        ),
    ),
    Rule(
        "birth.child_not_in_register",
        "du",
        "completeness",
        title=Text("Trẻ đã khai sinh chưa có trong CSDL dân cư", "Registered child not a resident"),
        meaning=Text(
            "Trẻ đã được đăng ký khai sinh có trong CSDL dân cư.",
            "A child whose birth hộ tịch registered is in the population register.",
        ),
        message=Text(
            "trẻ của lần đăng ký khai sinh này chưa có trong CSDL dân cư",
            "the child of this birth registration is not in the population register",
        ),
        action=Text(
            "Cập nhật thông tin trẻ vào CSDL dân cư theo giấy khai sinh.",
            "Enter the child in the population register from the birth registration.",
        ),
    ),
)
