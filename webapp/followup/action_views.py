"""Action plans of a unit: list with before/after figures, record a remedy, close it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import once
from ..auth.access import (
    can_act,
    current_user,
    login_required,
    require_in_scope,
    require_unit,
    role_required,
)
from ..db import get_session
from ..models import ActionPlan, Role
from ..par_index.remedies import scorecard_remedies
from ..periods import PeriodError, parse_period
from ..statistics import unit_report as reports
from ..statistics.default_period import default_period
from ..statistics.unit_charts import plans_chart
from ..survey_versions import (
    default_survey,
    latest_version,
    load_version,
    survey_keys,
)
from . import actions as plans
from .action_forms import ActionPlanForm, StatusForm

bp = Blueprint("actions", __name__, url_prefix="/staff", template_folder="templates")


def _choice() -> tuple[str, str]:
    session = get_session()
    keys = survey_keys(session)
    survey = request.args.get("survey") or default_survey(keys) or ""
    if survey not in keys:
        abort(404)
    period = request.args.get("period") or default_period(session, survey) or ""
    try:
        parse_period(period)
    except PeriodError as exc:
        abort(400, str(exc))
    return survey, period


def _form(survey: str, language: str) -> ActionPlanForm:
    form = ActionPlanForm()
    version = latest_version(get_session(), survey)
    definition = load_version(version) if version else None
    labels = reports.index_labels(definition, language) if definition else {}
    ids = reports.criterion_ids(definition) if definition else []
    form.index_id.choices = [(i, labels.get(i, i)) for i in ids]
    if request.method == "GET" and request.args.get("criterion"):
        form.index_id.data = request.args["criterion"]
    return form


@bp.route("/units/<code>/actions", methods=["GET", "POST"])
@login_required
def action_plans(code: str) -> str | Response:
    """List the unit subtree's action plans with before/after; managers record new ones."""
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    survey, period = _choice()
    language = str(get_locale())
    form = _form(survey, language)
    if request.method == "POST":
        if not can_act(user):
            abort(403)
        token = once.posted_token()
        if form.validate_on_submit() and not once.claim(session, token):
            session.rollback()
            flash(once.already_saved(), "info")
            return redirect(url_for("actions.action_plans", code=code, survey=survey,
                                    period=period))
        if form.validate_on_submit():
            try:
                plans.create_action_plan(
                    session, unit=unit, survey_key=survey, index_id=form.index_id.data,
                    baseline_period=plans.baseline_for(period), owner=form.owner.data,
                    deadline=form.deadline.data, description=form.description.data,
                    user_id=user.id)
            except plans.ActionPlanError as exc:
                session.rollback()
                flash(str(exc), "error")
            else:
                flash(_("The remedy is recorded."), "info")
                return redirect(url_for("actions.action_plans", code=code, survey=survey,
                                        period=period))
    subtree = visible_subtree(unit.id)
    listed = plans.list_plans(session, subtree, survey)
    progress = plans.plan_progress(session, listed, period, language)
    return render_template("actions/plans.html", unit=unit, survey=survey, period=period,
                           scorecard_remedies=scorecard_remedies(session, subtree, language),
                           form=form, progress=progress, can_act=can_act(user),
                           status_form=StatusForm(), percent=_percent(survey),
                           chart=plans_chart(progress, _percent(survey)))


def _percent(survey: str) -> bool:
    version = latest_version(get_session(), survey)
    return version is None or load_version(version).scoring_spec().get("method") != "papi"


def visible_subtree(unit_id: int) -> set[int]:
    """The subtree of ``unit_id`` (already checked visible by the caller)."""
    from ..unit_tree import subtree_ids

    return subtree_ids(get_session(), unit_id)


@bp.post("/actions/<int:plan_id>/status")
@role_required(Role.UNIT_MANAGER)
def action_status(plan_id: int) -> Response:
    """Mark a plan done, or open again."""
    session = get_session()
    user = current_user()
    assert user is not None
    plan = require_in_scope(session, user, ActionPlan, plan_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    status = request.form.get("status", "")
    try:
        plans.set_plan_status(session, plan, status, user_id=user.id)
    except plans.ActionPlanError as exc:
        abort(400, str(exc))
    # A scorecard's remedy is listed beside a survey's plans: back to the survey shown.
    return redirect(url_for("actions.action_plans", code=plan.unit.code,
                            survey=request.args.get("survey") or plan.survey_key,
                            period=request.args.get("period")))

