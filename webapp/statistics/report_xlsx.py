"""The unit report as a spreadsheet for the monthly meeting, in the reader's language
(Vietnamese by default): one sheet per part of the page, labels instead of ids, every value a
number with a number format (shares as percentages, PAPI's points with two decimals)."""

from __future__ import annotations

import io

from flask_babel import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import interface_catalogue, translated
from ..template_helpers import number, period_label
from .unit_report import Figure, UnitReport

# Values stay numbers (0.809, not text) so the meeting can compute with them; the number format
# makes Excel or LibreOffice show them as 80,9% under a Vietnamese locale (80.9% in English).
SHARE_FORMAT, POINTS_FORMAT, COUNT_FORMAT, ONE_DECIMAL = "0.0%", "0.00", "0", "0.0"

# The sheet and column names have the message context "unit report" (see unit_words).


def _words() -> dict[str, str]:
    return {
        "about": pgettext("unit report", "About"),
        "headline": pgettext("unit report", "Headline"),
        "criteria": pgettext("unit report", "Criteria"),
        "wishes": pgettext("unit report", "Wished improvements"),
        "children": pgettext("unit report", "Units below"),
        "trend": pgettext("unit report", "Trend"),
        "item": pgettext("unit report", "Item"),
        "criterion": pgettext("unit report", "Criterion"),
        "value": pgettext("unit report", "Value"),
        "low": pgettext("unit report", "Lower (95% CI)"),
        "high": pgettext("unit report", "Upper (95% CI)"),
        "n": pgettext("unit report", "Respondents"),
        "n_eff": pgettext("unit report", "Effective sample size"),
        "small": pgettext("unit report", "Few respondents"),
        "suppressed": pgettext("unit report", "Not published"),
        "change": pgettext("unit report", "Change since previous period"),
        "clear": pgettext("unit report", "Clear change"),
        "aspect": pgettext("unit report", "Aspect to improve"),
        "share": pgettext("unit report", "Share wanting it very much"),
        "unit": pgettext("unit report", "Unit"),
        "group": pgettext("unit report", "Group (1 = highest)"),
        "certainty": pgettext("unit report", "Group certainty"),
        "period": pgettext("unit report", "Period"),
        "yes": pgettext("unit report", "Yes"),
        "no": pgettext("unit report", "No"),
        "field": pgettext("unit report", "Field"),
        "content": pgettext("unit report", "Content"),
        "survey": pgettext("unit report", "Survey"),
        "this_period": pgettext("unit report", "Reporting period"),
        "previous": pgettext("unit report", "Previous period"),
        "responses": pgettext("unit report", "Responses"),
        "dossiers": pgettext("unit report", "Dossiers handled"),
        "rate": pgettext("unit report", "Response rate"),
        "interval": pgettext("unit report", "Interval"),
        "interval_text": pgettext(
            "unit report", "95%: holds the true value at a confidence level of 95%"),
        "clear_text": pgettext(
            "unit report", "Clear change: remains after controlling the false discovery rate "
            "(Benjamini-Hochberg, 5%) across the unit's indices"),
        "note": pgettext("unit report", "Note"),
        "subdims_sheet": pgettext("unit report", "Sub-dimensions"),
        "subdim": pgettext("unit report", "Dimension or sub-dimension"),
        "score": pgettext("unit report", "Score"),
        "contribution": pgettext("unit report", "Contribution"),
        "tt01_sheet": pgettext("unit report", "Circular 01"),
        "indicator": pgettext("unit report", "Indicator"),
        "points": pgettext("unit report", "Points"),
        "source": pgettext("unit report", "Source"),
        "src_dossier": pgettext("unit report", "dossiers (on time or late)"),
        "src_unit": pgettext("unit report", "entered by the unit"),
        "src_citizens": pgettext("unit report", "citizens' ratings ({n})"),
        "tt01_total": pgettext("unit report", "Total of the nine indicators (0 to 18 points)"),
        "band": pgettext("unit report", "Rating (Circular 01/2018/TT-VPCP)"),
        "points_unit": pgettext("unit report", " points"),
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


def _in_units(sheet: Worksheet, figures: list[Figure], formats: dict[str, str]) -> None:
    """Each row's value, bounds and change in its figure's own unit (a one-stop sheet holds
    shares and TT 01 points)."""
    for row, f in enumerate(figures, start=2):
        for column in (2, 3, 4, 9):
            sheet.cell(row, column).number_format = formats[f.unit]


def _subdimension_sheet(book: Workbook, report: UnitReport, w: dict[str, str]) -> None:
    """PAPI: each dimension, then its sub-dimensions (1-10) with their contributions."""
    rows: list[list[object]] = []
    for dim, subs in report.subdimensions:
        rows.append([dim.label, dim.estimate, dim.estimate, dim.ci_low, dim.ci_high, dim.n])
        rows += [[f"  {sub.label}", sub.estimate, part.estimate if part else None, sub.ci_low,
                  sub.ci_high, sub.n] for sub, part in subs]
    sheet = _sheet(book, w["subdims_sheet"],
                   [w["subdim"], w["score"], w["contribution"], w["low"], w["high"], w["n"]],
                   rows, {1: POINTS_FORMAT, 2: POINTS_FORMAT, 3: POINTS_FORMAT,
                          4: POINTS_FORMAT, 5: COUNT_FORMAT})
    for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
        if not str(cell.value).startswith(" "):
            cell.font = Font(bold=True)


def _tt01_sheet(book: Workbook, report: UnitReport, w: dict[str, str], points: str,
                language: str) -> None:
    """One-stop: TT 01's nine indicators (0-2 points), then the 18-point total and its band
    only when all nine exist (left blank otherwise, as the page says why)."""
    tt = report.tt01
    source = {"dossier": w["src_dossier"], "unit": w["src_unit"]}
    rows: list[list[object]] = [
        [r.label, r.points, r.ci_low, r.ci_high,
         source.get(r.supplied_by) or w["src_citizens"].format(n=number(r.n or 0, 0, language))]
        for r in tt.indicators]
    rows.append([w["tt01_total"], tt.total, tt.ci_low, tt.ci_high, None])
    rows.append([w["band"], tt.band, None, None, None])
    sheet = _sheet(book, w["tt01_sheet"],
                   [w["indicator"], w["points"], w["low"], w["high"], w["source"]], rows,
                   {1: points, 2: points, 3: points})
    sheet.column_dimensions["E"].width = 30
    for cell in sheet[sheet.max_row - 1] + sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def report_workbook(report: UnitReport, unit_name: str, language: str = "vi",
                    survey_name: str | None = None) -> bytes:
    """Return the report as XLSX bytes (estimates as shares 0-1 shown as %, or PAPI points)."""
    with interface_catalogue(language):
        w = _words()
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
    unit_formats = {"share": SHARE_FORMAT, "score": POINTS_FORMAT,
                    "points": f'0.0"{w["points_unit"]}"'}
    heads = report.headline + [f for f in report.components
                               if f.level not in ("subdimension", "contribution")]
    _in_units(_sheet(book, w["headline"], figure_header, [figure_row(f) for f in heads],
                     figure_formats), heads, unit_formats)
    criteria_header = [w["criterion"], *figure_header[1:]]
    _in_units(_sheet(book, w["criteria"], criteria_header,
                     [figure_row(f) for f in report.criteria], figure_formats),
              report.criteria, unit_formats)
    if report.subdimensions:
        _subdimension_sheet(book, report, w)
    if report.tt01 is not None:
        _tt01_sheet(book, report, w, unit_formats["points"], language)
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
