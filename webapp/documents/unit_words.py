"""The wording of the unit report document in each language it is issued in (Vietnamese, the
language of record, and an English copy). Text with ``{}`` fields is filled by
:mod:`.unit_document`."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "number": "Số:       /BC-UBND",
        "kind": "BÁO CÁO",
        "title": "Kết quả khảo sát sự hài lòng của người dân, tổ chức ({survey}) {period} "
                 "của {unit}",
        "intro": "Căn cứ kết quả khảo sát ý kiến người dân, tổ chức về sự phục vụ của {unit} "
                 "({survey}), {period}, {unit} báo cáo kết quả như sau:",
        "s_overall": "I. KẾT QUẢ CHUNG",
        "interval": "Khoảng tin cậy 95%: từ {low} đến {high}. {n} người trả lời (cỡ mẫu hiệu "
                    "dụng {n_eff}). Khoảng tin cậy 95% là khoảng chứa giá trị thật với độ tin "
                    "cậy 95%; cỡ mẫu hiệu dụng là số người trả lời tương đương sau khi gia "
                    "quyền.",
        "small": "Lưu ý: ít người trả lời, số liệu chưa chắc chắn.",
        "suppressed": "Chưa công bố: dưới {k} câu trả lời hợp lệ.",
        "no_headline": "Chưa có đủ câu trả lời để tính chỉ số chung trong kỳ này.",
        "volume": "Trong kỳ có {responses} phiếu trả lời và {dossiers} hồ sơ được giải quyết"
                  "{rate}.",
        "rate": "; tỷ lệ phản hồi {rate}",
        "components": "Kết quả theo từng yếu tố:",
        "h_item": "Nội dung", "h_value": "Kết quả", "h_ci": "Khoảng tin cậy 95%",
        "h_n": "Số người trả lời", "h_no": "STT", "h_criterion": "Tiêu chí",
        "s_criteria": "II. KẾT QUẢ THEO TỪNG TIÊU CHÍ (TỪ THẤP ĐẾN CAO)",
        "criteria_note": "Tiêu chí có kết quả thấp nhất đứng đầu: đó là những nội dung cần "
                         "khắc phục trước.",
        "s_citizens": "III. NỘI DUNG NGƯỜI DÂN ĐÁNH GIÁ THẤP NHẤT VÀ MONG MUỐN CẢI THIỆN NHẤT",
        "weakest": "Ba tiêu chí người dân đánh giá thấp nhất:",
        "wanted": "Những nội dung người dân mong muốn được cải thiện nhất (tỷ lệ chọn "
                  "\"rất mong muốn\"):",
        "no_wishes": "Kỳ này không có câu trả lời về mong muốn cải thiện.",
        "h_aspect": "Nội dung mong muốn cải thiện", "h_share": "Tỷ lệ",
        "s_change": "IV. THAY ĐỔI SO VỚI KỲ TRƯỚC",
        "change_intro": "So với {previous}: thay đổi được coi là rõ rệt khi vẫn còn sau khi "
                        "kiểm soát tỷ lệ phát hiện sai (Benjamini-Hochberg, 5%) trên các chỉ "
                        "số của đơn vị; thay đổi của một tỷ lệ tính bằng điểm phần trăm.",
        "h_previous": "Kỳ trước", "h_current": "Kỳ này", "h_change": "Thay đổi",
        "h_change_pp": "Thay đổi (điểm %)",
        "h_clear": "Rõ rệt", "yes": "Có", "no": "Không",
        "no_change": "Chưa có số liệu kỳ trước để so sánh.",
        "trend_caption": "Biểu đồ: {label} qua {count} kỳ gần nhất, vùng tô là khoảng tin cậy "
                         "95% (trục dọc không bắt đầu từ 0 để thấy rõ thay đổi).",
        "h_period": "Kỳ",
        "s_children": "V. CÁC ĐƠN VỊ TRỰC THUỘC",
        "children_note": "Xếp từ cao xuống thấp; nhóm 1 là nhóm cao nhất (chia theo tứ phân "
                         "vị, như báo cáo PAPI).",
        "h_unit": "Đơn vị", "h_group": "Nhóm",
        "s_plans": "{n}. KẾ HOẠCH KHẮC PHỤC",
        "h_remedy": "Giải pháp", "h_owner": "Người thực hiện", "h_deadline": "Hạn",
        "h_status": "Trạng thái", "h_before_after": "Trước → sau",
        "done": "Đã hoàn thành", "open": "Đang thực hiện", "late": "Quá hạn",
        "no_plans": "Chưa có kế hoạch khắc phục nào được ghi nhận.",
        "s_comments": "{n}. Ý KIẾN CỦA NGƯỜI DÂN",
        "comments_count": "Trong kỳ có {total} ý kiến: {open} chưa xử lý, {assigned} đã giao "
                          "người xử lý, {replied} đã trả lời, {closed} đã đóng.",
        "comments_none": "Trong kỳ không có ý kiến nào.",
        "comments_topics": "Các ý kiến gắn với tiêu chí:",
        "comments_quotes": "Một số ý kiến gần đây (đã xoá số điện thoại, thư điện tử, số giấy "
                           "tờ):",
        "other_topic": "Không gắn với tiêu chí",
        "h_comments": "Số ý kiến",
        "recipients_label": "Nơi nhận:",
        "parent_recipient": "- {parent};", "archive": "- Lưu: VT.",
        "superior": "Cấp trên",
        "signature_1": "TM. ỦY BAN NHÂN DÂN", "signature_2": "CHỦ TỊCH",
        "none": "–",
    },
    "en": {
        "number": "No.:       /BC-UBND",
        "kind": "REPORT",
        "title": "Citizens' and organisations' satisfaction ({survey}), {period}, {unit}",
        "intro": "Based on the survey of citizens and organisations served by {unit} "
                 "({survey}), {period}, {unit} reports the following results:",
        "s_overall": "I. OVERALL RESULT",
        "interval": "95% confidence interval: {low} to {high}. {n} respondents (effective "
                    "sample size {n_eff}). The 95% interval holds the true value with 95% "
                    "confidence; the effective sample size is the number of respondents the "
                    "weighted answers are worth.",
        "small": "Note: few respondents, the figure is uncertain.",
        "suppressed": "Not published: fewer than {k} valid answers.",
        "no_headline": "Not enough answers in this period for the overall index.",
        "volume": "The period had {responses} responses and {dossiers} dossiers handled{rate}.",
        "rate": "; response rate {rate}",
        "components": "Results by element:",
        "h_item": "Item", "h_value": "Result", "h_ci": "95% interval",
        "h_n": "Respondents", "h_no": "No.", "h_criterion": "Criterion",
        "s_criteria": "II. RESULTS BY CRITERION (LOWEST FIRST)",
        "criteria_note": "The criterion with the lowest result comes first: these are the "
                         "aspects to remedy first.",
        "s_citizens": "III. WHAT CITIZENS RATE LOWEST AND MOST WANT IMPROVED",
        "weakest": "The three criteria citizens rate lowest:",
        "wanted": "What citizens most want improved (share answering \"very much\"):",
        "no_wishes": "No answers about wished improvements in this period.",
        "h_aspect": "Aspect to improve", "h_share": "Share",
        "s_change": "IV. CHANGE SINCE THE PREVIOUS PERIOD",
        "change_intro": "Compared with {previous}: a change is clear when it remains after "
                        "controlling the false discovery rate (Benjamini-Hochberg, 5%) across "
                        "the unit's indices; a change of a share is in percentage points (pp).",
        "h_previous": "Previous", "h_current": "Current", "h_change": "Change",
        "h_change_pp": "Change (pp)",
        "h_clear": "Clear", "yes": "Yes", "no": "No",
        "no_change": "No figures of the previous period to compare with.",
        "trend_caption": "Chart: {label} over the last {count} periods; the band is the 95% "
                         "interval (the axis does not start at 0, so changes stay visible).",
        "h_period": "Period",
        "s_children": "V. UNITS BELOW",
        "children_note": "Highest first; group 1 is the highest (quartile groups, as in PAPI "
                         "reports).",
        "h_unit": "Unit", "h_group": "Group",
        "s_plans": "{n}. ACTION PLANS",
        "h_remedy": "Remedy", "h_owner": "Owner", "h_deadline": "Deadline",
        "h_status": "Status", "h_before_after": "Before → after",
        "done": "Done", "open": "In progress", "late": "Overdue",
        "no_plans": "No action plan has been recorded.",
        "s_comments": "{n}. CITIZENS' COMMENTS",
        "comments_count": "The period had {total} comments: {open} open, {assigned} assigned, "
                          "{replied} replied, {closed} closed.",
        "comments_none": "No comments in this period.",
        "comments_topics": "Comments by criterion:",
        "comments_quotes": "Some recent comments (phone numbers, e-mail addresses and ID "
                           "numbers removed):",
        "other_topic": "Not about a criterion",
        "h_comments": "Comments",
        "recipients_label": "Recipients:",
        "parent_recipient": "- {parent};", "archive": "- Archived: VT.",
        "superior": "The level above",
        "signature_1": "ON BEHALF OF THE PEOPLE'S COMMITTEE", "signature_2": "CHAIRPERSON",
        "none": "–",
    },
}


def words(language: str) -> dict[str, str]:
    """The wording in ``language`` (Vietnamese when the language has none)."""
    return WORDS.get(language, WORDS["vi"])
