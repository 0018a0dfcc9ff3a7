"""A unit's public page: headline, components and criteria with intervals, and its note."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from sqlalchemy import select

from ..db import get_session
from ..models import Unit
from ..periods import PeriodError, parse_period
from ..statistics.default_period import default_period
from ..statistics.indices import IndicesError
from ..statistics.report_cache import cached_report
from ..statistics.stat_cells import latest_month
from ..statistics.unit_charts import unit_charts
from ..survey_versions import default_survey, survey_keys
from .publication import publication_of

bp = Blueprint("transparency", __name__, url_prefix="/public", template_folder="templates")


@bp.get("/units/<code>")
def unit(code: str) -> str:
    """Published indices of a unit that opted in (404 otherwise, as if it did not exist)."""
    session = get_session()
    found = session.scalar(select(Unit).where(Unit.code == code))
    if found is None:
        abort(404)
    publication = publication_of(session, found)
    if not publication.published:
        abort(404)
    keys = survey_keys(session)
    survey = request.args.get("survey") or default_survey(keys) or ""
    if survey not in keys:
        abort(404)
    period = request.args.get("period") or default_period(session, survey)
    report = None
    if period:
        try:
            parse_period(period)
            report = cached_report(session, survey, period, found, str(get_locale()),
                                   trend=False)
        except (PeriodError, IndicesError) as exc:
            abort(400, str(exc))
    chart = None
    if report is not None and report.main is not None:
        chart = unit_charts(report, frozenset({"criteria"})).get("criteria")
    return render_template("transparency/unit.html", unit=found, report=report,
                           publication=publication, survey=survey, period=period,
                           latest=latest_month(session, survey), chart=chart)
