"""The interviewer's XLSForm: hailong's form plus what fieldwork needs to bring answers back.

:func:`write_field_xlsform` writes the survey as :func:`survey_defs.xlsform.write_xlsform` does,
then adds, before the questions: the ``start`` and ``end`` times (interview length), the
sampled ``respondent_id`` (typed or scanned from the assignment sheet) and the AAPOR
``disposition`` of the visit; the questions are wrapped in a group shown only for a complete or
partial interview. ``hailong fieldwork import`` reads the CSV that ODK Central or KoboToolbox
export from this form.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from survey_defs.model import SurveyDefinition
from survey_defs.xlsform import write_xlsform

__all__ = ["DISPOSITIONS", "write_field_xlsform"]

# AAPOR final dispositions offered to the interviewer: code, Vietnamese, English.
DISPOSITIONS = (
    ("1.1", "Phỏng vấn xong", "Complete interview"),
    ("1.2", "Phỏng vấn được một phần", "Partial interview"),
    ("2.11", "Từ chối", "Refusal"),
    ("2.12", "Bỏ dở giữa chừng", "Break-off"),
    ("2.20", "Không gặp được người được chọn", "Non-contact"),
    ("2.30", "Lý do khác (ốm, không nói được tiếng Việt...)", "Other non-response"),
    ("3.20", "Không rõ người này có thuộc đối tượng không", "Unknown eligibility"),
    ("4.10", "Không thuộc đối tượng (ngoài độ tuổi, đã chuyển đi)", "Not eligible"),
)
LABELS = {
    "respondent_id": ("Mã người trả lời (trên phiếu phân công)",
                      "Respondent id (from the assignment sheet)"),
    "disposition": ("Kết quả lần đến", "Outcome of the visit"),
    "interview": ("Phỏng vấn", "Interview"),
}


def _label_columns(header: list[str]) -> tuple[str | None, str | None]:
    vi = next((h for h in header if h.startswith("label::") and h.endswith("(vi)")), None)
    en = next((h for h in header if h.startswith("label::") and h.endswith("(en)")), None)
    return vi, en


def write_field_xlsform(definition: SurveyDefinition, path: str | Path) -> Path:
    """Write the interviewer's XLSForm of ``definition`` at ``path`` and return the path."""
    target = write_xlsform(definition, path)
    book = load_workbook(target)
    survey, choices = book["survey"], book["choices"]
    header = [c.value for c in survey[1]]
    for column in ("required", "relevant"):
        if column not in header:
            header.append(column)
    rows = [dict(zip(header, [c.value for c in row], strict=False))
            for row in survey.iter_rows(min_row=2)]
    vi, en = _label_columns(header)

    def labelled(name: str) -> dict[str, str]:
        text_vi, text_en = LABELS[name]
        return {**({vi: text_vi} if vi else {}), **({en: text_en} if en else {})}

    front = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "text", "name": "respondent_id", "required": "yes", **labelled("respondent_id")},
        {"type": "select_one aapor", "name": "disposition", "required": "yes",
         **labelled("disposition")},
        {"type": "begin_group", "name": "interview", **labelled("interview"),
         "relevant": "${disposition} = '1.1' or ${disposition} = '1.2'"},
    ]
    survey.delete_rows(1, survey.max_row)
    survey.append(header)
    for row in [*front, *rows, {"type": "end_group", "name": "interview"}]:
        survey.append([row.get(column) for column in header])
    choice_header = [c.value for c in choices[1]]
    cvi, cen = _label_columns(choice_header)
    for code, text_vi, text_en in DISPOSITIONS:
        row = {"list_name": "aapor", "name": code,
               **({cvi: text_vi} if cvi else {}), **({cen: text_en} if cen else {})}
        choices.append([row.get(column) for column in choice_header])
    book.save(target)
    return target
