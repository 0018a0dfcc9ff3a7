"""Counter pages: a unit's counters with their QR posters, adding, editing and retiring codes.

Each edit is checked whole by the counters service before anything is written; a refusal is
shown with the service's specific message, and nothing changes.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask import Response as FlaskResponse
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import once
from ..administration.forms import ConfirmForm
from ..auth.access import can_see, current_user, request_scope, require_unit, role_required
from ..codes import attachment
from ..db import get_session
from ..edit_pages import editor_id, flash_refused, unit_or_404
from ..models import Counter, Role, Unit
from ..respond.bindings import (
    HOUSEHOLD_SURVEYS,
    SurveyBindingError,
    parse_survey_keys,
    set_counter_surveys,
)
from ..survey_versions import latest_version, load_version, survey_keys
from .forms import CounterForm
from .poster import MIMETYPES, render_poster
from .service import CounterError, create_counter, retire_counter_codes, update_counter

bp = Blueprint("counters", __name__, url_prefix="/admin", template_folder="templates")

POSTER_FORMATS = ("pdf", "svg", "png")
Page = tuple[str, int]





@bp.get("/units/<code>/counters")
@role_required(Role.UNIT_MANAGER)
def counters(code: str) -> str:
    """The unit's counters with their QR posters."""
    session = get_session()
    user = current_user()
    assert user is not None
    unit = require_unit(session, user, code)
    rows = list(session.scalars(select(Counter).where(Counter.unit_id == unit.id)
                                .order_by(Counter.code)))
    return render_template("counters/counters.html", unit=unit, counters=rows,
                           below=units_below(session, unit),
                           parent_visible=request_scope(session, user, code).parent
                           is not None,
                           formats=POSTER_FORMATS, new_form=CounterForm(prefix="new"),
                           is_admin=user.role is Role.ADMIN)


def units_below(session: Session, unit: Unit) -> list[tuple[Unit, int]]:
    """The units directly below ``unit``, each with the number of counters in its subtree
    (a province reaches its communes' counters through them)."""
    from ..unit_tree import children_of, subtree_ids

    out = []
    for child in children_of(session, unit):
        ids = subtree_ids(session, child.id)
        count = session.scalar(select(func.count(Counter.id))
                               .where(Counter.unit_id.in_(ids))) or 0
        out.append((child, int(count)))
    return out


@bp.get("/counters/<int:counter_id>/poster.<fmt>")
@role_required(Role.UNIT_MANAGER)
def poster(counter_id: int, fmt: str) -> FlaskResponse:
    """Download a counter's QR poster (PDF, SVG or PNG, A4)."""
    session = get_session()
    user = current_user()
    assert user is not None
    counter = session.get(Counter, counter_id)
    if counter is None or fmt not in POSTER_FORMATS:
        abort(404)
    if not can_see(session, user, counter.unit_id):
        abort(403)
    body = render_poster(counter, current_app.config, fmt=fmt)
    unit: Unit = counter.unit
    name = f"poster-{unit.code}-{counter.code}.{fmt}"
    return FlaskResponse(body, mimetype=MIMETYPES[fmt],
                         headers={"Content-Disposition": attachment(name)})


@bp.post("/units/<code>/counters")
@role_required(Role.ADMIN)
def add_counter(code: str) -> Response:
    """Add a counter to a unit (its QR poster is then available on the counters page)."""
    session = get_session()
    unit = unit_or_404(code)
    form = CounterForm(prefix="new")
    if not form.validate_on_submit():
        flash_refused("; ".join(f"{f.label.text}: {' '.join(f.errors)}" for f in form if f.errors))
        return redirect(url_for("counters.counters", code=code), 303)
    if not once.claim(session, once.posted_token()):
        session.rollback()
        flash(once.already_saved(), "info")
        return redirect(url_for("counters.counters", code=code), 303)
    try:
        create_counter(session, unit, code=form.code.data or "", name_vi=form.name_vi.data or "",
                       name_en=form.name_en.data or "", user_id=editor_id())
    except CounterError as exc:
        session.rollback()
        flash_refused(str(exc))
    else:
        flash(_("Counter %(code)s added.", code=form.code.data), "info")
    return redirect(url_for("counters.counters", code=code), 303)


@bp.route("/counters/<int:counter_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_counter(counter_id: int) -> Response | Page:
    """Rename a counter or deactivate it (its printed posters stop opening the survey)."""
    session = get_session()
    counter = session.get(Counter, counter_id)
    if counter is None:
        abort(404)
    form = CounterForm(obj=counter)
    choices = counter_survey_choices(session)
    form.surveys.choices = choices
    if not form.is_submitted():
        form.surveys.data = sorted(parse_survey_keys(counter.survey_keys))
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                set_counter_surveys(session, counter, list(form.surveys.data or []),
                                    published={key for key, _ in choices}, user_id=editor_id())
                update_counter(session, counter, name_vi=form.name_vi.data or "",
                               name_en=form.name_en.data or "", active=bool(form.active.data),
                               user_id=editor_id())
            except (CounterError, SurveyBindingError) as exc:
                session.rollback()
                flash_refused(str(exc))
            else:
                flash(_("Counter %(code)s saved.", code=counter.code), "info")
                return redirect(url_for("counters.counters", code=counter.unit.code))
    return render_template("counters/counter_edit.html", counter=counter, form=form), status


def counter_survey_choices(session: Session) -> list[tuple[str, str]]:
    """Published surveys a counter may open, each named by its title in the page language."""
    language = str(get_locale())
    choices = []
    for key in survey_keys(session):
        version = latest_version(session, key)
        if key in HOUSEHOLD_SURVEYS or version is None:
            continue
        title = load_version(version).title
        choices.append((key, title.get(language) or title.get("vi") or key))
    return choices


@bp.post("/counters/<int:counter_id>/retire-codes")
@role_required(Role.ADMIN)
def retire_codes(counter_id: int) -> Response:
    """Make every printed poster of a counter stop working (a lost or defaced poster)."""
    session = get_session()
    counter = session.get(Counter, counter_id)
    if counter is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    retire_counter_codes(session, counter, user_id=editor_id())
    flash(_("The printed posters of %(code)s no longer work; print the new one.",
            code=counter.code), "info")
    return redirect(url_for("counters.counters", code=counter.unit.code))
