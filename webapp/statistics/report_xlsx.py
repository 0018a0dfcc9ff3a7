"""The unit report as a spreadsheet for the monthly meeting, in the reader's language
(Vietnamese by default): one sheet per part of the page, labels instead of ids, every value a
number with a number format (shares as percentages, PAPI's points with two decimals)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import translated
from ..template_helpers import period_label
from .unit_report import Figure, UnitReport

# Values stay numbers (0.809, not text) so the meeting can compute with them; the number format
# makes Excel or LibreOffice show them as 80,9% under a Vietnamese locale (80.9% in English).
SHARE_FORMAT, POINTS_FORMAT, COUNT_FORMAT, ONE_DECIMAL = "0.0%", "0.00", "0", "0.0"

WORDS = {
    "vi": {
        "about": "Thông tin", "headline": "Chỉ số chung", "criteria": "Tiêu chí",
        "wishes": "Mong muốn cải thiện", "children": "Đơn vị trực thuộc", "trend": "Xu hướng",
        "item": "Nội dung", "criterion": "Tiêu chí", "value": "Giá trị",
        "low": "Cận dưới (KTC 95%)",
        "high": "Cận trên (KTC 95%)", "n": "Số người trả lời", "n_eff": "Cỡ mẫu hiệu dụng",
        "small": "Ít người trả lời", "suppressed": "Chưa công bố",
        "change": "Thay đổi so với kỳ trước", "clear": "Thay đổi rõ rệt",
        "aspect": "Nội dung mong muốn cải thiện", "share": "Tỷ lệ rất mong muốn",
        "unit": "Đơn vị", "group": "Nhóm (1 = cao nhất)", "certainty": "Độ chắc chắn của nhóm",
        "period": "Kỳ", "yes": "Có", "no": "Không", "field": "Mục", "content": "Nội dung",
        "survey": "Khảo sát", "this_period": "Kỳ báo cáo", "previous": "Kỳ trước",
        "responses": "Số phiếu trả lời", "dossiers": "Số hồ sơ giải quyết",
        "rate": "Tỷ lệ phản hồi", "interval": "Khoảng tin cậy",
        "interval_text": "95%: khoảng chứa giá trị thật với độ tin cậy 95%",
        "clear_text": "Thay đổi rõ rệt: còn lại sau khi kiểm soát tỷ lệ phát hiện sai "
                      "(Benjamini-Hochberg, 5%) trên các chỉ số của đơn vị",
        "note": "Ghi chú",
    },
    "en": {
        "about": "About", "headline": "Headline", "criteria": "Criteria",
        "wishes": "Wished improvements", "children": "Units below", "trend": "Trend",
        "item": "Item", "criterion": "Criterion", "value": "Value", "low": "Lower (95% CI)",
        "high": "Upper (95% CI)", "n": "Respondents", "n_eff": "Effective sample size",
        "small": "Few respondents", "suppressed": "Not published",
        "change": "Change since previous period", "clear": "Clear change",
        "aspect": "Aspect to improve", "share": "Share wanting it very much",
        "unit": "Unit", "group": "Group (1 = highest)", "certainty": "Group certainty",
        "period": "Period", "yes": "Yes", "no": "No", "field": "Field", "content": "Content",
        "survey": "Survey", "this_period": "Period", "previous": "Previous period",
        "responses": "Responses", "dossiers": "Dossiers handled",
        "rate": "Response rate", "interval": "Interval",
        "interval_text": "95%: holds the true value with 95% confidence",
        "clear_text": "Clear change: remains after controlling the false discovery rate "
                      "(Benjamini-Hochberg, 5%) across the unit's indices",
        "note": "Note",
    },
}


def _as_text(sheet: Worksheet) -> None:
    # openpyxl stores any string starting with "=" as a formula; names and labels are text.
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[object]],
           formats: dict[int, str]) -> Worksheet:
    """A sheet with a bold, wrapped header row, frozen below it; ``formats`` maps a column
    index (0-based) to its number format."""
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for index, fmt in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    sheet.column_dimensions["A"].width = 60
    for index in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "B2"
    _as_text(sheet)
    return sheet


def report_workbook(report: UnitReport, unit_name: str, language: str = "vi",
                    survey_name: str | None = None) -> bytes:
    """Return the report as XLSX bytes (estimates as shares 0-1 shown as %, or PAPI points)."""
    w = WORDS.get(language, WORDS["vi"])
    value = SHARE_FORMAT if report.method != "papi" else POINTS_FORMAT
    yes_no = {True: w["yes"], False: w["no"]}

    def shown(f: Figure | None) -> list[object]:
        # A suppressed figure is left blank, as the page shows a dash.
        if f is None or f.suppressed:
            return [None, None, None]
        return [f.estimate, f.ci_low, f.ci_high]

    def figure_row(f: Figure) -> list[object]:
        change = report.changes.get(f.index_id)
        return [f.label, *shown(f), f.n, round(f.n_eff, 1), yes_no[f.small_sample],
                yes_no[f.suppressed], change.change if change else None,
                yes_no[change.clear] if change and change.change is not None else None]

    figure_header = [w["item"], w["value"], w["low"], w["high"], w["n"], w["n_eff"], w["small"],
                     w["suppressed"], w["change"], w["clear"]]
    figure_formats = {1: value, 2: value, 3: value, 4: COUNT_FORMAT, 5: ONE_DECIMAL, 8: value}
    book = Workbook()
    about = book.active
    about.title = w["about"]
    about.append([w["field"], w["content"]])
    rows: list[tuple[str, object, str | None]] = [
        (w["unit"], unit_name, None), (w["survey"], survey_name or report.survey, None),
        (w["this_period"], period_label(report.period, language), None),
        (w["previous"], period_label(report.previous_period, language), None),
        (w["responses"], report.responses, COUNT_FORMAT),
        (w["dossiers"], report.dossiers, COUNT_FORMAT),
        (w["rate"], report.response_rate, SHARE_FORMAT),
        (w["interval"], w["interval_text"], None), (w["note"], w["clear_text"], None)]
    for label, content, fmt in rows:
        about.append([label, content])
        if fmt:
            about.cell(about.max_row, 2).number_format = fmt
    for cell in about[1]:
        cell.font = Font(bold=True)
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 90
    _as_text(about)
    _sheet(book, w["headline"], figure_header,
           [figure_row(f) for f in report.headline + report.components], figure_formats)
    criteria_header = [w["criterion"], *figure_header[1:]]
    _sheet(book, w["criteria"], criteria_header, [figure_row(f) for f in report.criteria],
           figure_formats)
    _sheet(book, w["wishes"], [w["aspect"], w["share"], w["low"], w["high"], w["n"]],
           [[translated(e.labels, language), e.estimate, e.ci_low, e.ci_high, e.n]
            for e in report.expectations],
           {1: SHARE_FORMAT, 2: SHARE_FORMAT, 3: SHARE_FORMAT, 4: COUNT_FORMAT})
    _sheet(book, w["children"], [w["unit"], w["value"], w["low"], w["high"], w["n"], w["group"],
                                 w["certainty"]],
           [[c.name, *shown(c.figure), c.figure.n, c.group, c.certainty]
            for c in report.children],
           {1: value, 2: value, 3: value, 4: COUNT_FORMAT, 5: COUNT_FORMAT,
            6: SHARE_FORMAT})
    _sheet(book, w["trend"], [w["period"], w["value"], w["low"], w["high"], w["n"]],
           [[period_label(p, language), *shown(f), f.n if f else 0] for p, f in report.trend],
           {1: value, 2: value, 3: value, 4: COUNT_FORMAT})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
