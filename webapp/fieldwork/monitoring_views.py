"""The supervisor's monitoring page: response rates per village and interviewer, back-checks.

Supervisors are analysts (and administrators) whose subtree holds the sample's unit
(:mod:`.scope`); any other sample answers 404, as an unknown one does. The page holds contact
data of back-checks still to be made, so it is never stored by a browser or proxy.
"""

from __future__ import annotations

import math

import pandas as pd
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from analysis.errors import AnalysisError

from ..auth.access import current_user, role_required
from ..db import get_session
from ..models import BackCheck, FieldSample, Role, User
from ..survey_versions import latest_version, load_version
from ..template_helpers import reader_language
from .backchecks import (
    DEFAULT_SHARE,
    BackCheckError,
    back_check_rows,
    confirmation_rates,
    record_outcome,
    select_back_checks,
)
from .estimates import VARIANCE_METHODS, estimate_choices, estimate_mean
from .returns import monitoring
from .scope import may_supervise, supervised_filter

bp = Blueprint("field_monitoring", __name__, url_prefix="/staff/fieldwork",
               template_folder="templates")
SUPERVISORS = (Role.ANALYST,)
BOOTSTRAP_REPLICATES = 200


def _me() -> User:
    user = current_user()
    assert user is not None
    return user


def _sample(sample_id: int) -> FieldSample:
    session = get_session()
    sample = session.get(FieldSample, sample_id)
    if sample is None or not may_supervise(session, _me(), sample):
        abort(404)
    return sample


def _rows(table: pd.DataFrame) -> list[dict[str, object]]:
    def clean(value: object) -> object:
        return None if isinstance(value, float) and math.isnan(value) else value
    return [{k: clean(v) for k, v in row.items()} for row in table.to_dict("records")]


@bp.get("/monitoring")
@role_required(*SUPERVISORS)
def samples() -> str:
    """The samples the user supervises, newest first."""
    session = get_session()
    found = session.scalars(select(FieldSample).where(supervised_filter(session, _me()))
                            .order_by(FieldSample.created_at.desc(), FieldSample.name)).all()
    return render_template("fieldwork/monitoring_list.html", samples=found)


@bp.get("/monitoring/<int:sample_id>")
@role_required(*SUPERVISORS)
def sample_page(sample_id: int) -> Response:
    """Rates per village and per interviewer; back-checks to make and their outcomes."""
    session = get_session()
    sample = _sample(sample_id)
    by_village = (_rows(monitoring(session, sample, "village"))
                  if "village" in sample.frame.columns else [])
    by_interviewer = _rows(monitoring(session, sample, "interviewer"))
    setting = sample.parameters.get("back_check") or {}
    return _no_store(make_response(render_template(
        "fieldwork/monitoring.html", sample=sample, by_village=by_village,
        by_interviewer=by_interviewer, checks=back_check_rows(session, sample),
        rates=confirmation_rates(session, sample),
        share=float(setting.get("share", DEFAULT_SHARE)),
        estimate=_estimate(sample), lang=reader_language())))


def _estimate(sample: FieldSample) -> dict:
    """The estimate asked for on the page (``variable``, ``variance``, ``classes``), with the
    choices offered; weighting without margins (raking needs the margins file: command line)."""
    session = get_session()
    version = latest_version(session, sample.survey_key)
    definition = load_version(version) if version is not None else None
    choices = estimate_choices(definition) if definition is not None else []
    classes = [c for c in sample.frame.columns if c not in ("unit_id",)
               and not c.startswith("contact_")]
    asked = {"variable": request.args.get("variable", ""),
             "variance": request.args.get("variance", "taylor"),
             "classes": [c for c in request.args.getlist("classes") if c in classes]}
    out: dict = {"choices": choices, "classes": classes, "asked": asked, "result": None,
                 "problem": None}
    names = {name for name, _label, _row in choices}
    if asked["variable"] not in names or asked["variance"] not in VARIANCE_METHODS:
        return out
    try:
        out["result"] = estimate_mean(session, sample, asked["variable"],
                                      classes=asked["classes"], variance=asked["variance"],
                                      replicates=BOOTSTRAP_REPLICATES, seed=sample.seed)
    except AnalysisError as exc:
        out["problem"] = str(exc)
    return out


@bp.post("/monitoring/<int:sample_id>/back-checks")
@role_required(*SUPERVISORS)
def select_view(sample_id: int) -> Response:
    """Select (top up) the back-checks: the share in percent of each interviewer's completes."""
    sample = _sample(sample_id)
    try:
        share = float(request.form.get("share_percent", "").replace(",", ".")) / 100
    except ValueError:
        share = float("nan")
    if not 0 < share <= 1:
        flash(_("The share of completes to back-check is a percentage above 0 and at most 100."),
              "error")
        return redirect(url_for(".sample_page", sample_id=sample.id), 303)
    try:
        added = select_back_checks(get_session(), sample, share=share)
    except BackCheckError:
        flash(_("Fieldwork of this sample is closed."), "error")
        return redirect(url_for(".sample_page", sample_id=sample.id), 303)
    flash(_("%(n)s interviews newly selected for back-check.", n=added), "ok")
    return redirect(url_for(".sample_page", sample_id=sample.id), 303)


@bp.post("/back-checks/<int:check_id>")
@role_required(*SUPERVISORS)
def outcome_view(check_id: int) -> Response:
    """Record a back-check's outcome: confirmed, or not confirmed with a note."""
    session = get_session()
    check = session.get(BackCheck, check_id)
    if check is None:
        abort(404)
    sample = _sample(check.sample_id)
    if sample.closed_at is not None:
        abort(404)
    outcome, note = request.form.get("outcome", ""), request.form.get("note", "")
    try:
        record_outcome(session, check, outcome=outcome, note=note, supervisor=_me())
    except BackCheckError:
        flash(_("Not saved: choose confirmed or not confirmed; when not confirmed, say why in "
                "the note (at most 500 characters)."), "error")
        return redirect(url_for(".sample_page", sample_id=sample.id), 303)
    flash(_("Back-check outcome saved."), "ok")
    return redirect(url_for(".sample_page", sample_id=sample.id) + "#back-checks", 303)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
