"""Rules of **sống** (current): the data reflects today."""

from __future__ import annotations

from pipelines.rules.model import Rule, Text

__all__ = ["DECLARED"]

DECLARED = (
    Rule(
        "address.superseded_unit",
        "song",
        "form",
        title=Text("Địa chỉ theo đơn vị hành chính cũ", "Address in pre-2025 units"),
        meaning=Text(
            "Địa chỉ dùng đơn vị hành chính hiện nay (sau 7/2025), không dùng đơn vị trước 2025. "
            "Vấn đề ghi ở đơn vị đã thay đổi: tỉnh/thành đã sáp nhập, quận/huyện (bỏ từ "
            "01/07/2025) hoặc phường/xã cũ.",
            "The address is written in current (post-July-2025) units, not pre-2025 ones. The "
            "finding names the unit that changed: a merged province, a district (abolished on "
            "1 July 2025) or an old ward.",
        ),
        message=Text(
            "{column} là đơn vị hành chính trước 2025; đã chuyển sang đơn vị hiện nay",
            "{column} names a pre-2025 unit; mapped to the current unit",
        ),
        action=Text(
            "Cập nhật địa chỉ theo tỉnh/thành và xã/phường hiện nay (không còn cấp huyện).",
            "Update the address to the current province and commune (there are no districts "
            "any more).",
        ),
    ),
    Rule(
        "death.not_reflected",
        "song",
        "legal",
        critical=True,
        title=Text(
            "Đã khai tử nhưng CSDL dân cư còn ghi sống",
            "Death registered, the register still says alive",
        ),
        meaning=Text(
            "Việc khai tử đã đăng ký trong hộ tịch được phản ánh vào trạng thái trong CSDL dân cư.",
            "A death registered in hộ tịch is reflected in the population register's status.",
        ),
        message=Text(
            "hộ tịch đã đăng ký khai tử người này nhưng {column} chưa ghi là đã mất",
            "hộ tịch registered this person's death but {column} is not deceased",
        ),
        action=Text(
            "Cập nhật trạng thái “đã mất” và ngày mất vào CSDL dân cư theo trích lục khai tử.",
            "Set the status to deceased and enter the death date in the register from the "
            "death registration.",
        ),
    ),
    Rule(
        "insurance.active_after_death",
        "song",
        "financial",
        critical=True,
        title=Text("Người đã mất còn tham gia BHXH", "Deceased person still active in BHXH"),
        meaning=Text(
            "Người đã mất không còn ở trạng thái đang tham gia BHXH.",
            "BHXH participation of a deceased person is not active.",
        ),
        message=Text(
            "{column} vẫn là đang tham gia dù người này đã mất",
            "{column} is still active although the person has died",
        ),
        action=Text(
            "Báo cơ quan BHXH để dừng tham gia và giải quyết chế độ tử tuất.",
            "Tell BHXH to close the participation and settle the survivor benefits.",
        ),
    ),
    Rule(
        "insurance.paid_after_death",
        "song",
        "financial",
        critical=True,
        title=Text("Chi trả BHXH sau ngày mất", "Benefit paid after death"),
        meaning=Text(
            "Không chi trả chế độ BHXH sau ngày mất của người hưởng.",
            "No BHXH benefit is paid after the person's death.",
        ),
        message=Text(
            "{column} sau ngày mất của người này",
            "{column} is after the person's death date",
        ),
        action=Text(
            "Báo cơ quan BHXH để dừng chi trả và thu hồi khoản đã chi sau ngày mất.",
            "Tell BHXH to stop the payments and recover what was paid after the death.",
        ),
    ),
    Rule(
        "legacy_id.expired",
        "song",
        "identity",
        title=Text("Chỉ có CMND đã hết giá trị", "Only an expired CMND"),
        meaning=Text(
            "Người đang sống có số định danh cá nhân; CMND cũ hết giá trị từ ngày 01/01/2025.",
            "A living resident has a personal ID; an old CMND alone is no longer valid (from "
            "1 January 2025).",
        ),
        message=Text(
            "{column} là CMND cũ, chỉ có giá trị đến 31/12/2024, và chưa có số định danh cá nhân",
            "{column} is an old CMND, valid only until 31/12/2024, and there is no personal ID",
        ),
        action=Text(
            "Tra cứu và bổ sung số định danh cá nhân; hướng dẫn người dân làm thẻ căn cước nếu "
            "chưa có.",
            "Look up and add the personal ID; ask the person to apply for an ID card if they "
            "have none.",
        ),
    ),
    Rule(
        "card.expired",
        "song",
        "form",
        title=Text("Thẻ căn cước quá tuổi phải đổi", "ID card past its renewal age"),
        meaning=Text(
            "Thẻ căn cước (CCCD) của người đang sống chưa quá tuổi phải đổi thẻ vào ngày tính "
            "dữ liệu: 25, 40, 60 tuổi (thẻ cấp từ 01/07/2024 còn mốc 14 tuổi); thẻ cấp trong "
            "vòng 2 năm trước mốc tuổi có giá trị đến mốc sau; thẻ cấp từ 58 tuổi có giá trị "
            "suốt đời.",
            "A living resident's ID card (CCCD / thẻ căn cước) has not passed its renewal age "
            "at the as-of date: 25, 40, 60 (also 14 for cards issued from 1 July 2024); a card "
            "issued within 2 years before a renewal age is valid to the next one, from age 58 "
            "for life.",
        ),
        message=Text(
            "{column} cho thấy thẻ căn cước đã quá tuổi phải đổi; người dân cần làm thẻ mới",
            "{column} dates an ID card past its renewal age; the resident needs a new card",
        ),
        action=Text(
            "Thông báo người dân đi đổi thẻ căn cước.",
            "Ask the resident to renew the ID card.",
        ),
    ),
    Rule(
        "updated_at.stale",
        "song",
        "form",
        title=Text("Hồ sơ lâu chưa cập nhật", "Record not updated recently"),
        meaning=Text(
            "Hồ sơ được cập nhật trong khoảng thời gian quy định.",
            "The record was updated within the configured window (`[clean] stale_after_days`).",
        ),
        message=Text(
            "{column} đã quá thời hạn cập nhật", "{column} is older than the update window"
        ),
        action=Text(
            "Rà soát hồ sơ và xác nhận lại thông tin với người dân.",
            "Review the record and confirm its details with the person.",
        ),
    ),
    Rule(
        "age.implausible",
        "song",
        "identity",
        title=Text("Người còn sống trên 120 tuổi", "Living person over 120"),
        meaning=Text(
            "Người còn sống không quá 120 tuổi.",
            "A living person is at most 120 years old.",
        ),
        message=Text(
            "{column} cho thấy người còn sống trên 120 tuổi",
            "{column} gives an age over 120 for a living person",
        ),
        action=Text(
            "Kiểm tra ngày sinh và việc người này còn sống; sửa ngày sinh hoặc cập nhật khai tử.",
            "Check the birth date and whether the person is alive; correct the date or record "
            "the death.",
        ),
    ),
)
