"""The unit page: parse the choice of survey, period and unit, build the report, render."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from ..auth.access import (
    can_act,
    current_user,
    login_required,
    require_unit,
    visible_unit_ids,
)
from ..db import get_session
from ..services import unit_report as reports
from ..services.charts import Bar, interval_chart, trend_chart
from ..services.indices import IndicesError
from ..services.periods import PeriodError, parse_period
from ..services.report_pdf import report_pdf
from ..services.report_xlsx import report_workbook
from ..services.staff_units import visible_units
from . import bp

REPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf"}


def _choice() -> tuple[str, str | None]:
    session = get_session()
    keys = reports.survey_keys(session)
    survey = request.args.get("survey") or ("sipas" if "sipas" in keys else
                                            (keys[0] if keys else ""))
    if survey and survey not in keys:
        abort(404)
    period = request.args.get("period") or (reports.latest_month(session, survey)
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
    return render_template("dashboard/home.html", units=units, surveys=reports.survey_keys(session),
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
                               period=period, surveys=reports.survey_keys(session))
    try:
        parse_period(period)
        report = reports.build_unit_report(session, survey, period, unit, str(get_locale()))
    except (PeriodError, IndicesError) as exc:
        abort(400, str(exc))
    return render_template("dashboard/unit.html", unit=unit, report=report, survey=survey,
                           period=period, surveys=reports.survey_keys(session),
                           charts=_charts(report), can_act=can_act(user))


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
        report = reports.build_unit_report(session, survey, period, unit, str(get_locale()))
    except (PeriodError, IndicesError) as exc:
        abort(400, str(exc))
    render = report_workbook if fmt == "xlsx" else report_pdf
    name = f"hailong-{unit.code}-{survey}-{report.period}.{fmt}"
    return FlaskResponse(render(report, unit.name_vi), mimetype=REPORT_TYPES[fmt],
                         headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _charts(report: reports.UnitReport) -> dict[str, object]:
    lo, hi = report.scale
    percent = report.method != "papi"
    criteria = [Bar(f.label, f.estimate, f.ci_low, f.ci_high) for f in report.criteria]
    children = [Bar(c.name, c.figure.estimate, c.figure.ci_low, c.figure.ci_high, c.group)
                for c in report.children]
    expectations = [Bar(e.labels.get(str(get_locale()), e.labels.get("vi", "")), e.estimate,
                        e.ci_low, e.ci_high) for e in report.expectations]
    trend = [Bar(p, f.estimate if f else None, f.ci_low if f else None,
                 f.ci_high if f else None) for p, f in report.trend]
    return {
        "criteria": interval_chart(criteria, lo=lo, hi=hi, percent=percent),
        "children": interval_chart(children, lo=lo, hi=hi, percent=percent),
        "expectations": interval_chart(expectations),
        "trend": trend_chart([p for p, _ in report.trend], trend, lo=lo, hi=hi,
                             percent=percent),
    }
