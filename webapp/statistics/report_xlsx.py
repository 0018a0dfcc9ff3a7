"""The unit report as a spreadsheet for the monthly meeting: one sheet per part of the page."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from .unit_report import Figure, UnitReport

FIGURE_HEADER = ("index_id", "label", "estimate", "ci_low", "ci_high", "n", "n_eff",
                 "small_sample", "suppressed", "change", "change_clear")


def _figure_row(report: UnitReport, f: Figure) -> list[object]:
    change = report.changes.get(f.index_id)
    return [f.index_id, f.label, f.estimate, f.ci_low, f.ci_high, f.n, round(f.n_eff, 1),
            f.small_sample, f.suppressed, change.change if change else None,
            change.clear if change else None]


def _as_text(sheet: Worksheet) -> None:
    # openpyxl stores any string starting with "=" as a formula; names and labels are text.
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


# Values stay numbers (0.809, not text) so the meeting can compute with them; the number format
# makes Excel or LibreOffice show them as 80,9% under a Vietnamese locale (80.9% in English).
SHARE_FORMAT, POINTS_FORMAT = "0.0%", "0.00"
VALUE_COLUMNS = ("estimate", "ci_low", "ci_high", "change", "share_very_much")


def _sheet(book: Workbook, title: str, header: tuple[str, ...],
           rows: list[list[object]], value_format: str = SHARE_FORMAT) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(header, start=1):
        if name in VALUE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = value_format
    sheet.column_dimensions["B"].width = 60
    _as_text(sheet)


def report_workbook(report: UnitReport, unit_name: str) -> bytes:
    """Return the report as XLSX bytes (estimates as shares 0-1, or PAPI points)."""
    book = Workbook()
    about = book.active
    about.title = "about"
    values = SHARE_FORMAT if report.method != "papi" else POINTS_FORMAT
    for row in (("unit", report.unit_code), ("name", unit_name), ("survey", report.survey),
                ("period", report.period), ("previous_period", report.previous_period),
                ("responses", report.responses), ("dossiers", report.dossiers),
                ("response_rate", report.response_rate), ("interval", "95%"),
                ("change_clear", "Benjamini-Hochberg, FDR 5%, across the units of the table")):
        about.append(list(row))
    _as_text(about)
    _sheet(book, "headline", FIGURE_HEADER,
           [_figure_row(report, f) for f in report.headline + report.components], values)
    _sheet(book, "criteria", FIGURE_HEADER, [_figure_row(report, f) for f in report.criteria],
           values)
    _sheet(book, "expectations", ("answer_id", "label", "share_very_much", "ci_low", "ci_high",
                                  "n"),
           [[e.answer_id, e.labels.get("vi", ""), e.estimate, e.ci_low, e.ci_high, e.n]
            for e in report.expectations])
    _sheet(book, "children", ("unit", "name", "estimate", "ci_low", "ci_high", "n", "group",
                              "group_certainty"),
           [[c.code, c.name, c.figure.estimate, c.figure.ci_low, c.figure.ci_high, c.figure.n,
             c.group, c.certainty] for c in report.children], values)
    _sheet(book, "trend", ("period", "label", "estimate", "ci_low", "ci_high", "n"),
           [[p, f.label if f else None, f.estimate if f else None, f.ci_low if f else None,
             f.ci_high if f else None, f.n if f else 0] for p, f in report.trend], values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
