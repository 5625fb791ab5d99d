"""The words of the reports and the e-mail, in Vietnamese (default) and English.

One table for every template (HTML and Markdown report, e-mail HTML and text): a label is
looked up by key with :func:`pipelines.report.texts.label`. Rule texts live in the rule
registry (``pipelines/rules/``), never here.
"""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

LABELS: Final[dict[str, dict[str, str]]] = {
    "vi": {
        # the report
        "title": "Chất lượng dữ liệu dân cư: đúng, đủ, sạch, sống",
        "run": "Lần chạy",
        "as_of": "Dữ liệu tính đến ngày",
        "generated": "Tạo lúc",
        "contents": "Mục lục",
        "scores": "Bốn điểm",
        "compared_with": "Thay đổi so với lần chạy có dữ liệu đến ngày {date}.",
        "no_previous": "Chưa có lần chạy trước để so sánh.",
        "failed_records": "{n} bản ghi vi phạm",
        "records_failing": "Bản ghi vi phạm",
        "of_rows": "trên {n} bản ghi",
        "target": "mục tiêu {value}",
        "targets_note": (
            "Mục tiêu là ngưỡng tối thiểu của cổng kiểm tra ([gate.min_score] trong dancu.toml): "
            "xanh = đạt, vàng = thấp hơn mục tiêu không quá {margin} điểm, đỏ = thấp hơn nữa."
        ),
        "status_green": "đạt",
        "status_amber": "gần đạt",
        "status_red": "chưa đạt",
        "status_none": "chưa có",
        "trend": "Xu hướng",
        "trend_one": "Mới có một lần chạy; xu hướng sẽ hiện từ lần chạy thứ hai.",
        "trend_runs": "{n} lần chạy gần nhất, cũ nhất trước.",
        "chart": "Biểu đồ điểm qua các lần chạy",
        "by_source": "Theo nguồn dữ liệu",
        "source": "Nguồn",
        "rows": "Số bản ghi",
        "quarantined": "Bị tách riêng",
        "total": "Tổng",
        "change_short": "Thay đổi",
        "by_province": "Theo tỉnh/thành (kém nhất trước)",
        "province": "Tỉnh/thành",
        "code": "Mã",
        "unplaced": "Chưa xác định tỉnh/thành",
        "no_provinces": "Chưa có bản ghi nào xác định được tỉnh/thành.",
        "unknown_province": "Chưa xác định",
        "rules": "Các quy tắc bị vi phạm (gấp nhất trước)",
        "rules_note": (
            "Xếp theo mức ưu tiên (pháp lý, tài chính trước), rồi theo tỉ lệ bản ghi vi phạm."
        ),
        "rule": "Quy tắc",
        "dimension": "Chiều",
        "priority": "Ưu tiên",
        "checked": "Đã kiểm tra",
        "failed": "Vi phạm",
        "share": "Tỉ lệ",
        "rule_score": "Điểm",
        "examples": "Ví dụ bản ghi",
        "no_failures": "Không có quy tắc nào bị vi phạm.",
        "todo": "Việc cần làm trước",
        "todo_none": "Không có việc gấp: mọi quy tắc đều đạt.",
        "todo_count": "{failed} / {checked} bản ghi ({share})",
        "todo_what": "Cách xử lý",
        "todo_where": "Tỉ lệ cao nhất ở",
        "critical": "nghiêm trọng",
        "worklist": "Danh sách cần sửa",
        "worklist_none": "không có vấn đề",
        "provinces": "Từng tỉnh/thành",
        "province_todo": "Việc cần làm trước",
        "province_rules": "Các quy tắc bị vi phạm",
        "back": "↑ Bảng tỉnh/thành",
        "local_note": (
            "Ví dụ là mã bản ghi (sổ và mã hồ sơ) để tìm trong danh sách cần sửa. Báo cáo này "
            "và các danh sách chỉ lưu trên máy của cán bộ quản lý dữ liệu."
        ),
        "files": (
            "Các tệp của lần chạy nằm trong thư mục kết quả: báo cáo ở reports/, danh sách cần "
            "sửa theo tỉnh ở reports/worklist/, toàn bộ vấn đề ở findings.parquet, điểm ở "
            "scorecard.json."
        ),
        "shared_note": (
            "Bản gửi qua e-mail: chỉ có số đếm và điểm, không có mã bản ghi hay dữ liệu cá nhân. "
            "Danh sách cần sửa theo tỉnh nằm trên máy của cán bộ quản lý dữ liệu (thư mục "
            "reports/worklist/ của lần chạy {run_id})."
        ),
        "footer": "Tạo bởi dancu từ scorecard.json. Trang này xem được khi không có mạng.",
        # the e-mail
        "subject": "[dancu] Chất lượng dữ liệu tuần {week}: {score} ({delta})",
        "subject_province": (
            "[dancu] Chất lượng dữ liệu tuần {week} – {province}: {score} ({delta})"
        ),
        "subject_first": "lần chạy đầu",
        "heading": "Chất lượng dữ liệu dân cư – tuần {week}",
        "heading_province": "Chất lượng dữ liệu dân cư – {province} – tuần {week}",
        "run_line": "Dữ liệu tính đến ngày {as_of} · lần chạy {run_id}",
        "cmp_week": "So sánh với tuần {week} (dữ liệu tính đến ngày {as_of}).",
        "cmp_latest": (
            "Không có lần chạy nào khoảng một tuần trước (4–10 ngày); so sánh với lần chạy gần "
            "nhất trước đó (dữ liệu tính đến ngày {as_of})."
        ),
        "cmp_none": (
            "Đây là lần chạy đầu tiên: chưa có lần chạy nào trước để so sánh, nên chưa có số "
            "thay đổi."
        ),
        "cmp_province_missing": (
            "Lần chạy được so sánh không có bản ghi nào của tỉnh/thành này, nên chưa có số "
            "thay đổi."
        ),
        "change": "Thay đổi",
        "trend_weeks": "Xu hướng {n} tuần gần nhất",
        "week": "Tuần",
        "worst": "{n} tỉnh/thành có điểm chung thấp nhất",
        "no_rows_province": "Lần chạy này không có bản ghi nào của {province}.",
        "records_line": "{n} bản ghi",
        "top_actions": "Ba việc cần làm trước",
        "attachment": (
            "Báo cáo đầy đủ được đính kèm ({name}): mở bằng trình duyệt, không cần mạng; có "
            "từng tỉnh/thành và việc cần làm của mỗi tỉnh."
        ),
        "worklists_where": (
            "Danh sách cần sửa theo tỉnh (có mã bản ghi) nằm trên máy của cán bộ quản lý dữ "
            "liệu, thư mục reports/worklist/ của lần chạy {run_id}."
        ),
        "privacy": "Thư này chỉ có số đếm và điểm; không có dữ liệu cá nhân.",
        "footer_email": "Thư gửi tự động bởi dancu.",
        "chart_alt": "Biểu đồ điểm chung theo tuần: {values}",
        # the week in numbers (scorecard.json flow)
        "week_title": "Tuần này: danh sách cần sửa, người, cặp cần xem xét",
        "week_short": "Tuần này",
        "week_findings": "Danh sách cần sửa",
        "week_new": "Mới",
        "week_resolved": "Đã hết",
        "week_reopened": "Mở lại",
        "week_false_alarms": "Không phải lỗi",
        "week_open": "Còn mở",
        "week_compared": "So với lần chạy có dữ liệu đến ngày {date}.",
        "week_first": "Lần chạy đầu: mọi vấn đề đều là mới.",
        "week_note": (
            "Đếm theo vấn đề (một bản ghi, một quy tắc). «Đã hết»: có ở lần trước, không còn "
            "lần này. «Mở lại»: đã báo sửa tại nguồn nhưng vẫn còn. «Không phải lỗi»: cán bộ đã "
            "đánh dấu; không tính vào điểm và không còn trong danh sách."
        ),
        "week_persons": (
            "Người: {new} mới, {merged} được gộp vào người khác, {split} được tách, {retired} mã "
            "người ngừng dùng ({carried} giữ nguyên mã)."
        ),
        "week_review": (
            "Cặp cần xem xét: {open} đang chờ, {decided} đã quyết định ({same} cùng người, "
            "{different} khác người){stale}."
        ),
        "week_stale": "; {n} quyết định không còn áp dụng (bản ghi đã đổi hoặc không còn)",
        "week_province": "Theo tỉnh/thành",
    },
    "en": {
        "title": "Resident data quality: correct, complete, clean, current",
        "run": "Run",
        "as_of": "Data as of",
        "generated": "Generated at",
        "contents": "Contents",
        "scores": "The four scores",
        "compared_with": "Change since the run with data as of {date}.",
        "no_previous": "No earlier run to compare with.",
        "failed_records": "{n} records failing",
        "records_failing": "Records failing",
        "of_rows": "over {n} records",
        "target": "target {value}",
        "targets_note": (
            "Targets are the gate's minimum scores ([gate.min_score] in dancu.toml): green = met, "
            "amber = below the target by at most {margin} points, red = further below."
        ),
        "status_green": "met",
        "status_amber": "close",
        "status_red": "below",
        "status_none": "none yet",
        "trend": "Trend",
        "trend_one": "Only one run so far; the trend shows from the second run.",
        "trend_runs": "The last {n} runs, oldest first.",
        "chart": "Chart of the scores over the runs",
        "by_source": "By register",
        "source": "Register",
        "rows": "Records",
        "quarantined": "Quarantined",
        "total": "Total",
        "change_short": "Change",
        "by_province": "By province (worst first)",
        "province": "Province",
        "code": "Code",
        "unplaced": "Province unknown",
        "no_provinces": "No record has a known province yet.",
        "unknown_province": "Unknown",
        "rules": "Rules that fail (most urgent first)",
        "rules_note": "Ranked by priority (legal and financial first), then by the share failing.",
        "rule": "Rule",
        "dimension": "Word",
        "priority": "Priority",
        "checked": "Checked",
        "failed": "Failed",
        "share": "Share",
        "rule_score": "Score",
        "examples": "Example records",
        "no_failures": "No rule failed.",
        "todo": "What to do first",
        "todo_none": "Nothing urgent: every rule passes.",
        "todo_count": "{failed} of {checked} records ({share})",
        "todo_what": "What to do",
        "todo_where": "Highest share in",
        "critical": "critical",
        "worklist": "Worklist",
        "worklist_none": "no problems",
        "provinces": "Province by province",
        "province_todo": "What to do first",
        "province_rules": "Rules that fail",
        "back": "↑ Province table",
        "local_note": (
            "Examples are record ids (register and record id) to look up in the worklist. This "
            "report and the worklists stay on the data steward's machine."
        ),
        "files": (
            "The run's files are in its output folder: reports in reports/, the province "
            "worklists in reports/worklist/, every problem in findings.parquet, the scores in "
            "scorecard.json."
        ),
        "shared_note": (
            "E-mail copy: counts and scores only, no record ids or personal data. The province "
            "worklists are on the data steward's machine (reports/worklist/ of run {run_id})."
        ),
        "footer": "Made by dancu from scorecard.json. This page needs no network.",
        "subject": "[dancu] Data quality week {week}: {score} ({delta})",
        "subject_province": "[dancu] Data quality week {week} – {province}: {score} ({delta})",
        "subject_first": "first run",
        "heading": "Resident data quality – week {week}",
        "heading_province": "Resident data quality – {province} – week {week}",
        "run_line": "Data as of {as_of} · run {run_id}",
        "cmp_week": "Compared with week {week} (data as of {as_of}).",
        "cmp_latest": (
            "No run about a week earlier (4–10 days); compared with the most recent earlier run "
            "(data as of {as_of})."
        ),
        "cmp_none": "This is the first run: there is no earlier run to compare with yet.",
        "cmp_province_missing": (
            "The run compared with had no records of this province, so there is no change yet."
        ),
        "change": "Change",
        "trend_weeks": "Trend over the last {n} weeks",
        "week": "Week",
        "worst": "The {n} provinces with the lowest overall score",
        "no_rows_province": "This run has no records of {province}.",
        "records_line": "{n} records",
        "top_actions": "Three things to do first",
        "attachment": (
            "The full report is attached ({name}): open it in a browser, no network needed; it "
            "has every province and what to do there."
        ),
        "worklists_where": (
            "The province worklists (with record ids) are on the data steward's machine, in "
            "reports/worklist/ of run {run_id}."
        ),
        "privacy": "This message holds counts and scores only; no personal data.",
        "footer_email": "Sent automatically by dancu.",
        "chart_alt": "Overall score by week: {values}",
        # the week in numbers (scorecard.json flow)
        "week_title": "This week: worklist, persons, pairs to review",
        "week_short": "This week",
        "week_findings": "Worklist",
        "week_new": "New",
        "week_resolved": "Resolved",
        "week_reopened": "Reopened",
        "week_false_alarms": "Not an error",
        "week_open": "Open",
        "week_compared": "Compared with the run with data as of {date}.",
        "week_first": "First run: every finding is new.",
        "week_note": (
            "Counted in findings (one record, one rule). Resolved: listed last time, gone now. "
            "Reopened: reported fixed at source, still there. Not an error: marked by a steward; "
            "not scored and off the list."
        ),
        "week_persons": (
            "Persons: {new} new, {merged} merged into another, {split} split, {retired} ids "
            "retired ({carried} kept their id)."
        ),
        "week_review": (
            "Pairs to review: {open} waiting, {decided} decided ({same} same person, {different} "
            "different persons){stale}."
        ),
        "week_stale": "; {n} decisions no longer apply (a record changed or left)",
        "week_province": "By province",
    },
}
"""Every label, by language then key."""
