"""Rules of **đúng** (correct): the value is valid and true."""

from __future__ import annotations

from pipelines.rules.model import Rule, Text

__all__ = ["DECLARED"]

_FROM_REGISTER = Text(
    "Đối chiếu với CSDL dân cư và đề nghị cơ quan BHXH sửa theo thông tin căn cước.",
    "Compare with the population register and ask BHXH to correct it from the ID record.",
)

DECLARED = (
    Rule(
        "personal_id.format",
        "dung",
        "identity",
        critical=True,
        nulls=True,
        title=Text("Số định danh sai dạng", "Personal ID malformed"),
        meaning=Text(
            "Số định danh cá nhân gồm đúng 12 chữ số.",
            "A personal ID is 12 digits once spaces, dots and dashes are removed.",
        ),
        message=Text(
            "{column} không phải 12 chữ số; đã bỏ khỏi bản ghi sạch",
            "{column} is not 12 digits; it was removed from the clean record",
        ),
        action=Text(
            "Đối chiếu thẻ căn cước hoặc CSDL quốc gia về dân cư và nhập lại đủ 12 chữ số.",
            "Check the ID card or the national population database and enter the 12 digits again.",
        ),
    ),
    Rule(
        "personal_id.prefix",
        "dung",
        "identity",
        critical=True,
        title=Text("Mã tỉnh trong số định danh sai", "Unknown province code in the personal ID"),
        meaning=Text(
            "Ba chữ số đầu của số định danh là mã một trong 63 tỉnh nơi đăng ký khai sinh.",
            "Digits 1–3 of a personal ID are one of the 63 birth-registration province codes.",
        ),
        message=Text(
            "{column} bắt đầu bằng mã không thuộc 63 mã tỉnh",
            "{column} starts with a code that is not one of the 63 province codes",
        ),
        action=Text(
            "Đối chiếu 3 chữ số đầu với thẻ căn cước và sửa số định danh bị nhập sai.",
            "Compare the first three digits with the ID card and correct a mistyped number.",
        ),
    ),
    Rule(
        "personal_id.gender_digit",
        "dung",
        "identity",
        critical=True,
        title=Text("Số định danh không khớp giới tính", "Personal ID disagrees with gender"),
        meaning=Text(
            "Chữ số thứ 4 của số định danh là chẵn với nam, lẻ với nữ.",
            "Digit 4 of a personal ID is even for men and odd for women.",
        ),
        message=Text(
            "chữ số thứ 4 của {column} không khớp với giới tính",
            "digit 4 of {column} does not agree with the gender",
        ),
        action=Text(
            "Đối chiếu giới tính và chữ số thứ 4 với thẻ căn cước; sửa trường bị nhập sai.",
            "Check the gender and digit 4 against the ID card; correct whichever is mistyped.",
        ),
    ),
    Rule(
        "personal_id.birth_year",
        "dung",
        "identity",
        critical=True,
        title=Text("Số định danh không khớp năm sinh", "Personal ID disagrees with birth year"),
        meaning=Text(
            "Chữ số thứ 4–6 của số định danh khớp với năm sinh.",
            "Digit 4 (century) and digits 5–6 of a personal ID agree with the birth year.",
        ),
        message=Text(
            "chữ số thứ 4–6 của {column} không khớp với năm sinh",
            "digits 4–6 of {column} do not agree with the birth year",
        ),
        action=Text(
            "Đối chiếu năm sinh và chữ số thứ 4–6 với thẻ căn cước hoặc giấy khai sinh; sửa "
            "trường bị nhập sai.",
            "Check the birth year and digits 4–6 against the ID card or the birth certificate; "
            "correct whichever is mistyped.",
        ),
    ),
    Rule(
        "legacy_id.format",
        "dung",
        "identity",
        nulls=True,
        title=Text("Số CMND cũ sai dạng", "Old CMND number malformed"),
        meaning=Text("Số CMND cũ gồm 9 hoặc 12 chữ số.", "An old CMND number is 9 or 12 digits."),
        message=Text(
            "{column} không phải 9 hoặc 12 chữ số; đã bỏ khỏi bản ghi sạch",
            "{column} is not 9 or 12 digits; it was removed from the clean record",
        ),
        action=Text(
            "Nhập lại số CMND theo giấy tờ gốc, hoặc xóa nếu người này đã có số định danh.",
            "Re-enter the CMND number from the document, or delete it if the person has a "
            "personal ID.",
        ),
    ),
    Rule(
        "insurance_code.format",
        "dung",
        "identity",
        nulls=True,
        title=Text("Mã số BHXH sai dạng", "BHXH code malformed"),
        meaning=Text(
            "Mã số BHXH gồm 10 chữ số.",
            "A BHXH code is 10 digits (a 12-digit value there is taken as the personal ID).",
        ),
        message=Text(
            "{column} không phải mã BHXH 10 chữ số; đã bỏ khỏi bản ghi sạch",
            "{column} is not a 10-digit BHXH code; it was removed from the clean record",
        ),
        action=Text(
            "Tra cứu mã số BHXH của người này trên hệ thống BHXH và nhập lại đủ 10 chữ số.",
            "Look the person's code up in the BHXH system and enter its 10 digits again.",
        ),
    ),
    Rule(
        "date.unparseable",
        "dung",
        "completeness",
        title=Text("Ngày không đọc được", "Unreadable date"),
        meaning=Text(
            "Ngày được viết theo một dạng đã biết (dd/mm/yyyy, yyyy-mm-dd, 'ngày … tháng … "
            "năm …'…).",
            "A date is written in a known form (dd/mm/yyyy, yyyy-mm-dd, yyyymmdd, mm/yyyy, yyyy, "
            "'ngày … tháng … năm …', Excel serial).",
        ),
        message=Text(
            "{column} không phải ngày theo dạng nào đã biết",
            "{column} is not a date in any known form",
        ),
        action=Text(
            "Nhập lại ngày theo dạng ngày/tháng/năm (dd/mm/yyyy) theo giấy tờ gốc.",
            "Re-enter the date as dd/mm/yyyy from the source document.",
        ),
    ),
    Rule(
        "date.impossible",
        "dung",
        "completeness",
        critical=True,
        title=Text("Ngày không có thật", "Impossible date"),
        meaning=Text(
            "Ngày có thật trên lịch (không có 31/02, không có tháng 13).",
            "A date exists in the calendar (no 31/02, no month 13).",
        ),
        message=Text("{column} không phải ngày có thật", "{column} is not a real calendar date"),
        action=Text(
            "Đối chiếu giấy tờ gốc và nhập lại ngày đúng (thường do đảo ngày với tháng hoặc gõ "
            "nhầm một chữ số).",
            "Check the source document and enter the real date (often day and month swapped or "
            "one digit mistyped).",
        ),
    ),
    Rule(
        "date.future",
        "dung",
        "completeness",
        critical=True,
        nulls=True,
        title=Text("Ngày ở tương lai", "Date in the future"),
        meaning=Text(
            "Ngày không được sau ngày tính dữ liệu.",
            "A date is not after the run's as-of date.",
        ),
        message=Text(
            "{column} sau ngày tính dữ liệu; đã bỏ khỏi bản ghi sạch",
            "{column} is after the as-of date; it was removed from the clean record",
        ),
        action=Text(
            "Sửa ngày theo giấy tờ gốc: ngày không thể sau ngày tính dữ liệu.",
            "Correct the date from the source document: it cannot be after the as-of date.",
        ),
    ),
    Rule(
        "date.before_birth",
        "dung",
        "identity",
        critical=True,
        title=Text("Ngày trước ngày sinh", "Date before birth"),
        meaning=Text(
            "Ngày mất và ngày cấp thẻ căn cước không được trước ngày sinh.",
            "A death date or an ID-card issue date is not before the birth date.",
        ),
        message=Text("{column} trước ngày sinh", "{column} is before the birth date"),
        action=Text(
            "Đối chiếu ngày sinh với ngày mất hoặc ngày cấp thẻ; sửa ngày bị nhập sai.",
            "Check the birth date against the death or card-issue date; correct the wrong one.",
        ),
    ),
    Rule(
        "gender.unrecognised",
        "dung",
        "completeness",
        title=Text("Giới tính không rõ", "Unknown gender value"),
        meaning=Text(
            "Giới tính là Nam hoặc Nữ (mã BHXH 1 = Nam, 0 = Nữ).",
            "Gender is a known spelling of Nam or Nữ (BHXH code 1 = Nam, 0 = Nữ).",
        ),
        message=Text(
            "{column} không phải cách viết đã biết của Nam hoặc Nữ",
            "{column} is not a known way of writing Nam or Nữ",
        ),
        action=Text(
            "Ghi giới tính là Nam hoặc Nữ theo giấy tờ gốc.",
            "Write the gender as Nam or Nữ from the source document.",
        ),
    ),
    Rule(
        "status.unrecognised",
        "dung",
        "completeness",
        title=Text("Trạng thái không rõ", "Unknown status value"),
        meaning=Text(
            "Trạng thái là một giá trị đã biết (còn sống/đã mất; đang tham gia/tạm dừng/đã đóng).",
            "Status is a known value (alive/deceased; active/suspended/closed for BHXH).",
        ),
        message=Text("{column} không phải trạng thái đã biết", "{column} is not a known status"),
        action=Text(
            "Ghi trạng thái bằng một giá trị chuẩn: còn sống hoặc đã mất; đang tham gia, tạm "
            "dừng hoặc đã đóng.",
            "Use a standard status: alive or deceased; active, suspended or closed.",
        ),
    ),
    Rule(
        "event_type.unrecognised",
        "dung",
        "completeness",
        title=Text("Loại sự kiện không rõ", "Unknown event type"),
        meaning=Text(
            "Sự kiện hộ tịch là khai sinh, khai tử hoặc kết hôn.",
            "A civil event is a birth, a death or a marriage.",
        ),
        message=Text(
            "{column} không phải khai sinh, khai tử hay kết hôn",
            "{column} is not birth, death or marriage",
        ),
        action=Text(
            "Ghi loại sự kiện là khai sinh, khai tử hoặc kết hôn theo sổ hộ tịch.",
            "Record the event as a birth, a death or a marriage, as the civil register has it.",
        ),
    ),
    Rule(
        "phone.invalid",
        "dung",
        "completeness",
        title=Text("Số điện thoại không hợp lệ", "Invalid phone number"),
        meaning=Text(
            "Số điện thoại là số di động hoặc cố định hợp lệ của Việt Nam.",
            "A phone number is a valid Vietnamese mobile or landline number.",
        ),
        message=Text(
            "{column} không phải số điện thoại Việt Nam hợp lệ",
            "{column} is not a valid Vietnamese phone number",
        ),
        action=Text(
            "Liên hệ người dân hoặc đối chiếu hồ sơ để cập nhật số đúng; xóa nếu không xác minh "
            "được.",
            "Contact the person or check the file for the right number; delete it if it cannot "
            "be confirmed.",
        ),
    ),
    Rule(
        "phone.ambiguous_landline",
        "dung",
        "form",
        title=Text("Có thể là số cố định cũ", "Possibly an old landline number"),
        meaning=Text(
            "Số 10 chữ số trong hồ sơ cập nhật trước giữa năm 2017 có thể là số cố định cũ.",
            "A 10-digit number in a record last updated before mid-2017 may be an old landline "
            "(2-digit area code) rather than a mobile.",
        ),
        message=Text(
            "{column} có thể là số cố định trước 2017, không phải di động; cần kiểm tra",
            "{column} may be a pre-2017 landline number, not a mobile; check it",
        ),
        action=Text(
            "Xác minh với người dân; nếu là số cố định cũ, ghi lại thành số 11 chữ số với mã "
            "vùng mới.",
            "Confirm with the person; if it is an old landline, write it as the 11-digit number "
            "with the new area code.",
        ),
    ),
    Rule(
        "address.unknown_province",
        "dung",
        "completeness",
        title=Text("Tỉnh/thành không xác định", "Unknown province"),
        meaning=Text(
            "Tỉnh/thành là một tỉnh hiện nay hoặc trước năm 2025.",
            "The province is a current or pre-2025 Vietnamese province.",
        ),
        message=Text("{column} không phải tỉnh/thành đã biết", "{column} is not a known province"),
        action=Text(
            "Sửa tên tỉnh/thành theo danh mục đơn vị hành chính hiện hành.",
            "Correct the province name from the current list of administrative units.",
        ),
    ),
    Rule(
        "address.unknown_ward",
        "dung",
        "completeness",
        title=Text("Phường/xã không xác định", "Unknown ward or commune"),
        meaning=Text(
            "Phường/xã có trong tỉnh (hiện nay hoặc trước năm 2025).",
            "The ward or commune exists in the province (now or before 2025).",
        ),
        message=Text(
            "{column} không phải phường/xã đã biết của tỉnh",
            "{column} is not a known ward or commune of the province",
        ),
        action=Text(
            "Sửa tên phường/xã theo danh mục đơn vị hành chính (thường do gõ sai).",
            "Correct the ward or commune name from the list of administrative units (often a "
            "typo).",
        ),
    ),
    Rule(
        "address.ambiguous_unit",
        "dung",
        "completeness",
        title=Text("Phường/xã ứng với nhiều xã mới", "Ward maps to several current communes"),
        meaning=Text(
            "Phường/xã chỉ ứng với một xã/phường hiện nay.",
            "The ward points to one current commune (not a split old ward or a name shared by "
            "several communes).",
        ),
        message=Text(
            "{column} có thể ứng với nhiều xã/phường hiện nay; mã phường/xã được để trống",
            "{column} could be one of several current communes; the ward code was left empty",
        ),
        action=Text(
            "Xác định xã/phường hiện nay theo địa chỉ chi tiết (thôn, tổ, số nhà) và ghi mã "
            "phường/xã mới.",
            "Find the current commune from the detailed address (hamlet, group, house number) "
            "and record its code.",
        ),
    ),
    Rule(
        "bhxh.birth_date_differs",
        "dung",
        "identity",
        title=Text("Ngày sinh BHXH khác CSDL dân cư", "BHXH birth date differs from register"),
        meaning=Text(
            "Ngày sinh trong BHXH khớp với CSDL dân cư.",
            "BHXH and the population register agree on a person's birth date.",
        ),
        message=Text(
            "{column} trong BHXH khác với CSDL dân cư",
            "{column} in BHXH differs from the population register",
        ),
        action=_FROM_REGISTER,
    ),
    Rule(
        "bhxh.gender_differs",
        "dung",
        "identity",
        title=Text("Giới tính BHXH khác CSDL dân cư", "BHXH gender differs from register"),
        meaning=Text(
            "Giới tính trong BHXH khớp với CSDL dân cư.",
            "BHXH and the population register agree on a person's gender.",
        ),
        message=Text(
            "{column} trong BHXH khác với CSDL dân cư",
            "{column} in BHXH differs from the population register",
        ),
        action=_FROM_REGISTER,
    ),
    Rule(
        "bhxh.name_differs",
        "dung",
        "identity",
        title=Text("Họ tên BHXH khác CSDL dân cư", "BHXH name differs from register"),
        meaning=Text(
            "Họ tên trong BHXH khớp với CSDL dân cư (không tính dấu).",
            "BHXH and the population register agree on a person's name (ignoring accents).",
        ),
        message=Text(
            "{column} trong BHXH khác với CSDL dân cư",
            "{column} in BHXH differs from the population register",
        ),
        action=_FROM_REGISTER,
    ),
)
