"""Rules of **sạch** (clean): one record per person, one form per value."""

from __future__ import annotations

from pipelines.rules.model import Rule, Text

__all__ = ["DECLARED"]

DECLARED = (
    Rule(
        "personal_id.legacy_cmnd",
        "sach",
        "form",
        title=Text("CMND nằm trong cột số định danh", "CMND number in the personal ID column"),
        meaning=Text(
            "Số CMND 9 chữ số nằm trong cột số định danh; đã chuyển sang cột CMND cũ.",
            "A 9-digit old CMND number sits in the personal ID column; it is moved to legacy_id.",
        ),
        message=Text(
            "{column} là số CMND 9 chữ số; đã chuyển sang cột CMND cũ",
            "{column} holds a 9-digit CMND number; it was moved to legacy_id",
        ),
        action=Text(
            "Ghi số CMND vào trường CMND cũ ở hệ thống nguồn và bổ sung số định danh 12 chữ số.",
            "Keep the CMND number in the old-ID field of the source system and add the 12-digit "
            "personal ID.",
        ),
    ),
    Rule(
        "name.not_canonical",
        "sach",
        "form",
        title=Text("Họ tên chưa theo dạng chuẩn", "Name not in canonical form"),
        meaning=Text(
            "Họ tên được viết theo dạng chuẩn (Unicode NFC, một dấu cách, viết hoa đầu từ).",
            "A name is written in canonical form (Unicode NFC, single spaces, title case, Đ not "
            "Ð, one tone-placement style).",
        ),
        message=Text(
            "{column} chưa theo dạng chuẩn; đã viết lại",
            "{column} was not in canonical form; it was rewritten",
        ),
        action=Text(
            "Đã được viết lại trong bản ghi sạch; sửa ở hệ thống nguồn khi cập nhật hồ sơ.",
            "Rewritten in the clean record; fix it in the source system at the next update.",
        ),
    ),
    Rule(
        "name.no_diacritics",
        "sach",
        "form",
        title=Text("Họ tên mất dấu", "Name without diacritics"),
        meaning=Text(
            "Họ tên giữ dấu tiếng Việt (Nguyễn, không phải Nguyen).",
            "A full name keeps its Vietnamese diacritics (Nguyễn, not Nguyen); a name of two or "
            "more words in plain ASCII lost them.",
        ),
        message=Text(
            "{column} không có dấu tiếng Việt; cần bổ sung theo giấy tờ gốc",
            "{column} has no Vietnamese diacritics; restore them from the source document",
        ),
        action=Text(
            "Bổ sung dấu tiếng Việt cho họ tên theo giấy tờ gốc.",
            "Restore the Vietnamese diacritics from the source document.",
        ),
    ),
    Rule(
        "insurance_code.several_per_person",
        "sach",
        "identity",
        title=Text("Một người nhiều mã BHXH", "Several BHXH codes for one person"),
        meaning=Text(
            "Mỗi người chỉ có một mã số BHXH; nhiều mã của cùng một người cần được gộp.",
            "One person holds one BHXH code; several codes for the same person must be merged.",
        ),
        message=Text(
            "người này có nhiều mã BHXH; {column} là một trong số đó",
            "this person holds several BHXH codes; {column} is one of them",
        ),
        action=Text(
            "Đề nghị cơ quan BHXH gộp các mã về một mã số BHXH duy nhất của người này.",
            "Ask BHXH to merge the codes into the person's single code.",
        ),
    ),
    Rule(
        "phone.legacy_mobile",
        "sach",
        "form",
        title=Text("Số di động 11 số cũ", "Old 11-digit mobile number"),
        meaning=Text(
            "Số di động dùng dạng 10 chữ số hiện nay, không dùng đầu số 11 chữ số trước 2018.",
            "A mobile number uses its current 10-digit form, not a pre-2018 11-digit prefix.",
        ),
        message=Text(
            "{column} dùng đầu số 11 chữ số trước 2018; đã chuyển đổi",
            "{column} used a pre-2018 11-digit prefix; it was converted",
        ),
        action=Text(
            "Đã chuyển sang 10 chữ số trong bản ghi sạch; cập nhật ở hệ thống nguồn.",
            "Converted to 10 digits in the clean record; update it in the source system.",
        ),
    ),
    Rule(
        "person.duplicate_record",
        "sach",
        "identity",
        title=Text("Hồ sơ trùng người", "Duplicate record of one person"),
        meaning=Text(
            "Mỗi sổ chỉ có một hồ sơ cho mỗi người (hộ tịch: một lần khai sinh, một lần khai tử).",
            "Each register holds one record per person (hộ tịch: one birth and one death "
            "registration per person).",
        ),
        message=Text(
            "hồ sơ này mô tả một người đã có hồ sơ khác trong cùng sổ ({column})",
            "this record describes a person who already has a record in this register ({column})",
        ),
        action=Text(
            "Gộp hồ sơ này vào hồ sơ đầy đủ nhất của cùng người (cùng mã người) rồi hủy bản trùng.",
            "Merge this record into the person's most complete record (same person id) and "
            "retire the copy.",
        ),
    ),
    Rule(
        "personal_id.shared",
        "sach",
        "legal",
        critical=True,
        title=Text("Một số định danh cho hai người", "One personal ID held by two persons"),
        meaning=Text(
            "Mỗi số định danh cá nhân chỉ thuộc về một người.",
            "One personal ID belongs to one person.",
        ),
        message=Text(
            "{column} cũng thuộc về một người khác",
            "{column} is also held by a different person",
        ),
        action=Text(
            "Xác minh trên CSDL quốc gia về dân cư số định danh thuộc về ai; sửa hồ sơ của người "
            "còn lại.",
            "Check in the national population database whom the ID belongs to; correct the "
            "other person's record.",
        ),
    ),
)
