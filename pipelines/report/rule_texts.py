"""Vietnamese wording of every data rule: its plain meaning and its worklist message.

The English wording lives beside each rule in :mod:`pipelines.rules`; this table gives the
stewards' language. ``{column}`` in a message is replaced by the column's Vietnamese name.

Example:
    >>> RULES_VI["age.implausible"][0]
    'Người còn sống không quá 120 tuổi.'
"""

from __future__ import annotations

__all__ = ["RULES_VI"]

RULES_VI: dict[str, tuple[str, str]] = {
    # rule id: (meaning, worklist message with {column})
    "record_id.missing": ("Dòng không có mã hồ sơ nên không theo dõi được.", "thiếu mã hồ sơ"),
    "record_id.duplicate": (
        "Mã hồ sơ đã xuất hiện trước đó trong cùng tệp; chỉ giữ bản đầu.",
        "mã hồ sơ bị trùng",
    ),
    "record.unusable": (
        "Dòng không có cả họ tên lẫn số định danh nên không ghép được với người nào.",
        "không có họ tên và số định danh",
    ),
    "personal_id.format": (
        "Số định danh cá nhân gồm đúng 12 chữ số.",
        "{column} không phải 12 chữ số; đã bỏ khỏi bản ghi sạch",
    ),
    "personal_id.prefix": (
        "Ba chữ số đầu của số định danh là mã một trong 63 tỉnh nơi đăng ký khai sinh.",
        "{column} bắt đầu bằng mã không thuộc 63 mã tỉnh",
    ),
    "personal_id.gender_digit": (
        "Chữ số thứ 4 của số định danh là chẵn với nam, lẻ với nữ.",
        "chữ số thứ 4 của {column} không khớp với giới tính",
    ),
    "personal_id.birth_year": (
        "Chữ số thứ 4–6 của số định danh khớp với năm sinh.",
        "chữ số thứ 4–6 của {column} không khớp với năm sinh",
    ),
    "legacy_id.format": (
        "Số CMND cũ gồm 9 hoặc 12 chữ số.",
        "{column} không phải 9 hoặc 12 chữ số; đã bỏ khỏi bản ghi sạch",
    ),
    "insurance_code.format": (
        "Mã số BHXH gồm 10 chữ số.",
        "{column} không phải mã BHXH 10 chữ số; đã bỏ khỏi bản ghi sạch",
    ),
    "date.unparseable": (
        "Ngày được viết theo một dạng đã biết (dd/mm/yyyy, yyyy-mm-dd, 'ngày … tháng … năm …'…).",
        "{column} không phải ngày theo dạng nào đã biết",
    ),
    "date.impossible": (
        "Ngày có thật trên lịch (không có 31/02, không có tháng 13).",
        "{column} không phải ngày có thật",
    ),
    "date.future": (
        "Ngày không được sau ngày tính dữ liệu.",
        "{column} sau ngày tính dữ liệu; đã bỏ khỏi bản ghi sạch",
    ),
    "date.before_birth": ("Ngày mất không được trước ngày sinh.", "{column} trước ngày sinh"),
    "gender.unrecognised": (
        "Giới tính là Nam hoặc Nữ (mã BHXH 1 = Nam, 0 = Nữ).",
        "{column} không phải cách viết đã biết của Nam hoặc Nữ",
    ),
    "status.unrecognised": (
        "Trạng thái là một giá trị đã biết (còn sống/đã mất; đang tham gia/tạm dừng/đã đóng).",
        "{column} không phải trạng thái đã biết",
    ),
    "event_type.unrecognised": (
        "Sự kiện hộ tịch là khai sinh, khai tử hoặc kết hôn.",
        "{column} không phải khai sinh, khai tử hay kết hôn",
    ),
    "phone.invalid": (
        "Số điện thoại là số di động hoặc cố định hợp lệ của Việt Nam.",
        "{column} không phải số điện thoại Việt Nam hợp lệ",
    ),
    "phone.ambiguous_landline": (
        "Số 10 chữ số trong hồ sơ cập nhật trước giữa năm 2017 có thể là số cố định cũ.",
        "{column} có thể là số cố định trước 2017, không phải di động; cần kiểm tra",
    ),
    "address.unknown_province": (
        "Tỉnh/thành là một tỉnh hiện nay hoặc trước năm 2025.",
        "{column} không phải tỉnh/thành đã biết",
    ),
    "address.unknown_ward": (
        "Phường/xã có trong tỉnh (hiện nay hoặc trước năm 2025).",
        "{column} không phải phường/xã đã biết của tỉnh",
    ),
    "address.ambiguous_unit": (
        "Phường/xã chỉ ứng với một xã/phường hiện nay.",
        "{column} có thể ứng với nhiều xã/phường hiện nay; mã phường/xã được để trống",
    ),
    "bhxh.birth_date_differs": (
        "Ngày sinh trong BHXH khớp với CSDL dân cư.",
        "{column} trong BHXH khác với CSDL dân cư",
    ),
    "bhxh.gender_differs": (
        "Giới tính trong BHXH khớp với CSDL dân cư.",
        "{column} trong BHXH khác với CSDL dân cư",
    ),
    "bhxh.name_differs": (
        "Họ tên trong BHXH khớp với CSDL dân cư (không tính dấu).",
        "{column} trong BHXH khác với CSDL dân cư",
    ),
    "required.missing": ("Các trường bắt buộc của sổ được điền đủ.", "{column} bị trống"),
    "personal_id.missing_adult": (
        "Người đang sống từ 14 tuổi trở lên có số định danh cá nhân.",
        "{column} bị trống với người từ 14 tuổi trở lên",
    ),
    "link.no_resident": (
        "Mỗi người tham gia BHXH và mỗi người trong sự kiện hộ tịch có trong CSDL dân cư.",
        "không tìm thấy hồ sơ dân cư của người này",
    ),
    "birth.child_not_in_register": (
        "Trẻ đã được đăng ký khai sinh có trong CSDL dân cư.",
        "trẻ của lần đăng ký khai sinh này chưa có trong CSDL dân cư",
    ),
    "personal_id.legacy_cmnd": (
        "Số CMND 9 chữ số nằm trong cột số định danh; đã chuyển sang cột CMND cũ.",
        "{column} là số CMND 9 chữ số; đã chuyển sang cột CMND cũ",
    ),
    "name.not_canonical": (
        "Họ tên được viết theo dạng chuẩn (Unicode NFC, một dấu cách, viết hoa đầu từ).",
        "{column} chưa theo dạng chuẩn; đã viết lại",
    ),
    "name.no_diacritics": (
        "Họ tên giữ dấu tiếng Việt (Nguyễn, không phải Nguyen).",
        "{column} không có dấu tiếng Việt; cần bổ sung theo giấy tờ gốc",
    ),
    "insurance_code.several_per_person": (
        "Mỗi người chỉ có một mã số BHXH; nhiều mã của cùng một người cần được gộp.",
        "người này có nhiều mã BHXH; {column} là một trong số đó",
    ),
    "phone.legacy_mobile": (
        "Số di động dùng dạng 10 chữ số hiện nay, không dùng đầu số 11 chữ số trước 2018.",
        "{column} dùng đầu số 11 chữ số trước 2018; đã chuyển đổi",
    ),
    "person.duplicate_record": (
        "Mỗi sổ chỉ có một hồ sơ cho mỗi người (hộ tịch: một lần khai sinh, một lần khai tử).",
        "hồ sơ này mô tả một người đã có hồ sơ khác trong cùng sổ ({column})",
    ),
    "personal_id.shared": (
        "Mỗi số định danh cá nhân chỉ thuộc về một người.",
        "{column} cũng thuộc về một người khác",
    ),
    "address.superseded_unit": (
        "Địa chỉ dùng đơn vị hành chính hiện nay (sau 7/2025), không dùng đơn vị trước 2025.",
        "{column} dùng đơn vị hành chính trước 2025; đã chuyển sang đơn vị hiện nay",
    ),
    "death.not_reflected": (
        "Việc khai tử đã đăng ký trong hộ tịch được phản ánh vào trạng thái trong CSDL dân cư.",
        "hộ tịch đã đăng ký khai tử người này nhưng {column} chưa ghi là đã mất",
    ),
    "insurance.active_after_death": (
        "Người đã mất không còn ở trạng thái đang tham gia BHXH.",
        "{column} vẫn là đang tham gia dù người này đã mất",
    ),
    "insurance.paid_after_death": (
        "Không chi trả chế độ BHXH sau ngày mất của người hưởng.",
        "{column} sau ngày mất của người này",
    ),
    "legacy_id.expired": (
        "Người đang sống có số định danh cá nhân; CMND cũ hết giá trị từ ngày 01/01/2025.",
        "{column} là CMND cũ, chỉ có giá trị đến 31/12/2024, và chưa có số định danh cá nhân",
    ),
    "card.expired": (
        "Thẻ căn cước (CCCD) của người đang sống chưa quá tuổi phải đổi thẻ vào ngày tính dữ liệu: "
        "25, 40, 60 tuổi (thẻ cấp từ 01/07/2024 còn mốc 14 tuổi); thẻ cấp trong vòng 2 năm trước "
        "mốc tuổi có giá trị đến mốc sau; thẻ cấp từ 58 tuổi có giá trị suốt đời.",
        "{column} cho thấy thẻ căn cước đã quá tuổi phải đổi; người dân cần làm thẻ mới",
    ),
    "updated_at.stale": (
        "Hồ sơ được cập nhật trong khoảng thời gian quy định.",
        "{column} đã quá thời hạn cập nhật",
    ),
    "age.implausible": (
        "Người còn sống không quá 120 tuổi.",
        "{column} cho thấy người còn sống trên 120 tuổi",
    ),
}
