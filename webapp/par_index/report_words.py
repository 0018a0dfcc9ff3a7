"""The wording of the PAR INDEX báo cáo in each language it is issued in: Vietnamese, the
language of record, and an English copy. Text with ``{}`` fields is filled by
:mod:`.report_content` and :mod:`.report_document`."""

from __future__ import annotations

LANGUAGES = ("vi", "en")

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "number": "Số:       /BC-UBND",
        "kind": "BÁO CÁO",
        "title": "Phân tích kết quả Chỉ số cải cách hành chính, SIPAS, PAPI năm {year} của "
                 "{unit}",
        "intro": "Thực hiện chỉ đạo của cấp trên về khắc phục hạn chế, cải thiện và nâng cao "
                 "các Chỉ số PAR INDEX, SIPAS, PAPI, {unit} báo cáo kết quả phân tích năm "
                 "{year} như sau:",
        "recipients_label": "Nơi nhận:", "superior": "Cấp trên",
        "parent_recipient": "- {parent};", "archive": "- Lưu: VT.",
        "signature_1": "TM. ỦY BAN NHÂN DÂN", "signature_2": "CHỦ TỊCH",
        "s_achieved": "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "total": "Tổng điểm năm {year}: {total}/{maximum} điểm, đạt {percent}%",
        "total_rank": ", xếp thứ {rank}/{out_of}", "total_band": ", xếp loại {band}",
        "compare": "So với năm {year} ({total} điểm, {percent}%): {change} {delta} điểm"
                   "{rank}.",
        "up": "tăng", "down": "giảm", "same": "không đổi",
        "rank_steps": "; thứ hạng {change} {steps} bậc", "rank_same": "; thứ hạng không đổi",
        "steps": "{change} {steps} bậc",
        "overall_target": "Mục tiêu chung ({target}): {verdict}.",
        "achieved": "đạt", "not_achieved": "chưa đạt",
        "target_level": "mức {value}", "target_no_worse": "không thấp hơn năm trước",
        "target_top_half": "thuộc nửa trên bảng xếp hạng", "target_max": "điểm tối đa",
        "official": "Kết quả chính thức đã công bố:",
        "h_index": "Chỉ số", "h_year": "Năm", "h_component": "Nội dung",
        "whole_index": "Toàn chỉ số", "h_score": "Điểm", "h_maximum": "Tối đa",
        "h_rank": "Xếp hạng", "h_source": "Nguồn", "h_code": "Mã", "h_criterion": "Tiêu chí",
        "h_target": "Mục tiêu", "h_lost": "Điểm mất", "h_change_year": "So với năm trước",
        "h_unit": "Đơn vị chịu trách nhiệm", "h_person": "Người chịu trách nhiệm",
        "h_domain": "Lĩnh vực", "h_previous": "Năm trước", "h_change": "Thay đổi",
        "achieved_list": "Các tiêu chí đạt mục tiêu ({n}):",
        "s_shortfalls": "II. TỒN TẠI, HẠN CHẾ",
        "not_achieved_list": "Các tiêu chí chưa đạt mục tiêu ({n}):",
        "lost_intro": "Các tiêu chí bị mất điểm hoặc giảm điểm so với năm trước (mất nhiều "
                      "điểm nhất trước) và trách nhiệm:",
        "unassigned": "Chưa phân công",
        "domains_intro": "Thứ hạng theo lĩnh vực so với năm trước:",
        "worst_intro": "Những nội dung người dân đánh giá thấp nhất (khảo sát SIPAS tại Bộ "
                       "phận Một cửa):",
        "worst_line": "{label}: {share}% hài lòng (n = {n})",
        "wanted_line": "{label}: {share}% mong muốn cải thiện rất nhiều (n = {n})",
        "list_item": "- {text};",
        "s_causes": "III. NGUYÊN NHÂN",
        "cause": "- Tiêu chí {code} ({name}): {cause}",
        "no_causes": "Chưa có nguyên nhân được nhập cho các tiêu chí mất điểm.",
        "s_remedies": "IV. GIẢI PHÁP KHẮC PHỤC",
        "remedy": "- Tiêu chí {code}: {description} (người thực hiện: {owner}; hạn: "
                  "{deadline}; {status}).",
        "done": "đã hoàn thành", "open": "đang thực hiện",
        "no_remedies": "Chưa có giải pháp được giao cho các tiêu chí mất điểm.",
        "wanted_intro": "Những nội dung người dân mong muốn được cải thiện nhất:",
    },
    "en": {
        "number": "No.:       /BC-UBND",
        "kind": "REPORT",
        "title": "Analysis of the {year} results of the Public Administration Reform Index, "
                 "SIPAS and PAPI of {unit}",
        "intro": "Following the direction of the level above on remedying shortcomings and "
                 "improving the PAR INDEX, SIPAS and PAPI, {unit} reports its analysis of "
                 "{year} as follows:",
        "recipients_label": "Recipients:", "superior": "The level above",
        "parent_recipient": "- {parent};", "archive": "- Archived: VT.",
        "signature_1": "ON BEHALF OF THE PEOPLE'S COMMITTEE", "signature_2": "CHAIRPERSON",
        "s_achieved": "I. RESULTS ACHIEVED",
        "total": "Total for {year}: {total}/{maximum} points, {percent}%",
        "total_rank": ", ranked {rank}/{out_of}", "total_band": ", classified {band}",
        "compare": "Compared with {year} ({total} points, {percent}%): {change} {delta} "
                   "points{rank}.",
        "up": "up", "down": "down", "same": "unchanged",
        "rank_steps": "; rank {change} {steps} place(s)", "rank_same": "; rank unchanged",
        "steps": "{change} {steps} place(s)",
        "overall_target": "Overall target ({target}): {verdict}.",
        "achieved": "achieved", "not_achieved": "not achieved",
        "target_level": "level {value}", "target_no_worse": "no lower than last year",
        "target_top_half": "in the top half of the ranking", "target_max": "full points",
        "official": "Official published results:",
        "h_index": "Index", "h_year": "Year", "h_component": "Component",
        "whole_index": "Whole index", "h_score": "Score", "h_maximum": "Maximum",
        "h_rank": "Rank", "h_source": "Source", "h_code": "Code", "h_criterion": "Criterion",
        "h_target": "Target", "h_lost": "Points lost", "h_change_year": "Change on last year",
        "h_unit": "Responsible unit", "h_person": "Responsible person",
        "h_domain": "Domain", "h_previous": "Last year", "h_change": "Change",
        "achieved_list": "Criteria that reached their target ({n}):",
        "s_shortfalls": "II. SHORTCOMINGS AND LIMITATIONS",
        "not_achieved_list": "Criteria that did not reach their target ({n}):",
        "lost_intro": "Criteria that lost points or fell since last year (most points lost "
                      "first) and who is responsible:",
        "unassigned": "Not assigned",
        "domains_intro": "Rank per domain against last year:",
        "worst_intro": "What citizens rated lowest (SIPAS survey at the one-stop counter):",
        "worst_line": "{label}: {share}% satisfied (n = {n})",
        "wanted_line": "{label}: {share}% want it improved very much (n = {n})",
        "list_item": "- {text};",
        "s_causes": "III. CAUSES",
        "cause": "- Criterion {code} ({name}): {cause}",
        "no_causes": "No cause has been entered for the criteria that lost points.",
        "s_remedies": "IV. REMEDIES",
        "remedy": "- Criterion {code}: {description} (owner: {owner}; deadline: {deadline}; "
                  "{status}).",
        "done": "completed", "open": "in progress",
        "no_remedies": "No remedy has been assigned to the criteria that lost points.",
        "wanted_intro": "What citizens most want improved:",
    },
}


def words(language: str) -> dict[str, str]:
    """The báo cáo's wording in ``language`` (Vietnamese for any other language)."""
    return WORDS.get(language, WORDS["vi"])
