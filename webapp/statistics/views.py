"""The unit page: parse the choice of survey, period and unit, build the report, render."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask import Response as FlaskResponse
from flask_babel import get_locale
from werkzeug.wrappers import Response

from analysis.unit_stats import SUPPRESS_BELOW

from ..auth.access import can_act, current_user, login_required, require_unit, visible_unit_ids
from ..auth.staff_units import visible_units
from ..codes import attachment
from ..db import get_session
from ..documents.pdf import FontMissing, render_pdf
from ..documents.unit_document import unit_document
from ..periods import PeriodError, parse_period
from ..survey_versions import default_survey, survey_keys, survey_title
from .default_period import default_period
from .indices import IndicesError
from .report_cache import cached_report
from .report_xlsx import report_workbook
from .stat_cells import latest_month
from .unit_charts import ranked_children, unit_charts

bp = Blueprint("dashboard", __name__, url_prefix="/staff", template_folder="templates")

REPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf"}


def _choice() -> tuple[str, str | None]:
    session = get_session()
    keys = survey_keys(session)
    survey = request.args.get("survey") or default_survey(keys) or ""
    if survey and survey not in keys:
        abort(404)
    period = request.args.get("period") or (default_period(session, survey)
                                            if survey else None)
    return survey, period


@bp.get("/")
@login_required
def home() -> str | Response:
    """Pick a survey, period and unit among those the user may see."""
    session = get_session()
    user = current_user()
    assert user is not None
    units = visible_units(session, visible_unit_ids(session, user))
    unit = request.args.get("unit")
    survey, period = _choice()
    if unit:
        return redirect(url_for("dashboard.unit_page", code=unit, survey=survey, period=period))
    return render_template("dashboard/home.html", units=units, surveys=survey_keys(session),
                           survey=survey, period=period)


@bp.get("/units/<code>")
@login_required
def unit_page(code: str) -> str:
    """A unit's indices: headline, weakest criteria, expectations, change, children, trend."""
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    survey, period = _choice()
    if not survey or not period:
        return render_template("dashboard/unit.html", unit=unit, report=None, survey=survey,
                               period=period, surveys=survey_keys(session),
                               latest=None)
    try:
        parse_period(period)
        report = cached_report(session, survey, period, unit, str(get_locale()))
    except (PeriodError, IndicesError) as exc:
        abort(400, str(exc))
    return render_template("dashboard/unit.html", unit=unit, report=report, survey=survey,
                           period=period, surveys=survey_keys(session),
                           charts=unit_charts(report), can_act=can_act(user),
                           children=ranked_children(report),
                           latest=latest_month(session, survey),
                           suppress_below=SUPPRESS_BELOW)


@bp.get("/units/<code>/report.<fmt>")
@login_required
def unit_report_file(code: str, fmt: str) -> FlaskResponse:
    """The unit page as a spreadsheet or a printable PDF, for the monthly meeting."""
    if fmt not in REPORT_TYPES:
        abort(404)
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    survey, period = _choice()
    if not survey or not period:
        abort(404)
    try:
        parse_period(period)
        report = cached_report(session, survey, period, unit, str(get_locale()))
    except (PeriodError, IndicesError) as exc:
        abort(400, str(exc))
    language = str(get_locale())
    if fmt == "xlsx":
        name_shown = unit.name_en if language == "en" and unit.name_en else unit.name_vi
        data = report_workbook(report, name_shown, language,
                               survey_title(session, survey, language))
    else:
        try:
            data = render_pdf(unit_document(session, report, unit, language))
        except FontMissing as exc:
            abort(503, str(exc))
    name = f"hailong-{unit.code}-{survey}-{report.period}.{fmt}"
    return FlaskResponse(data, mimetype=REPORT_TYPES[fmt],
                         headers={"Content-Disposition": attachment(name)})

