"""Administrators' edit pages: a unit, a unit's counters, a survey version.

Each edit is checked whole by its service before anything is written; a refusal is shown with
the service's specific message and a 400 status, and nothing changes.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..auth.access import current_user, role_required
from ..db import get_session
from ..models import Counter, Role, SurveyVersion, Unit
from ..respond.bindings import (
    HOUSEHOLD_SURVEYS,
    SurveyBindingError,
    parse_survey_keys,
    set_counter_surveys,
)
from ..services import indices_cache, report_cache
from ..services.counters import CounterError, create_counter, update_counter
from ..services.staff_units import visible_units
from ..services.surveys import PublishError, publish_edited_text, set_retired
from ..services.units import UnitEdit, UnitError, update_unit
from . import bp
from .forms import ConfirmForm, CounterForm, UnitEditForm, VersionTextForm

Page = tuple[str, int]


def _me() -> int | None:
    user = current_user()
    return user.id if user else None


def _unit(code: str) -> Unit:
    unit = get_session().scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        abort(404)
    return unit


def _refused(message: str) -> None:
    flash(_("Nothing was changed: %(reason)s", reason=message), "error")


# ---- units ------------------------------------------------------------------------------------

def _unit_form(unit: Unit) -> UnitEditForm:
    form = UnitEditForm(obj=unit)
    choices = [("", _("(none)"))] + [(u.code, f"{'· ' * u.depth}{u.name_vi} ({u.code})")
                                     for u in visible_units(get_session(), None)]
    form.parent.choices = choices
    form.successor.choices = choices
    if not form.is_submitted():
        form.parent.data = unit.parent.code if unit.parent else ""
        form.successor.data = unit.successor.code if unit.successor else ""
    return form


@bp.route("/units/<code>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_unit(code: str) -> Response | Page:
    """Rename a unit, change its type, validity, parent (no cycles) or successor."""
    session = get_session()
    unit = _unit(code)
    form = _unit_form(unit)
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            edit = UnitEdit(name_vi=form.name_vi.data or "", name_en=form.name_en.data or "",
                            unit_type=form.unit_type.data or "",
                            parent_code=form.parent.data or "",
                            successor_code=form.successor.data or "",
                            valid_from=form.valid_from.data, valid_to=form.valid_to.data)
            try:
                update_unit(session, unit, edit, user_id=_me())
            except UnitError as exc:
                session.rollback()
                _refused(str(exc))
            else:
                indices_cache.clear()  # roll-ups follow the tree
                report_cache.clear()  # and reports carry unit names
                flash(_("Unit %(code)s saved.", code=unit.code), "info")
                return redirect(url_for("admin.index"))
    return render_template("admin/unit_edit.html", unit=unit, form=form), status


# ---- counters ---------------------------------------------------------------------------------

@bp.post("/units/<code>/counters")
@role_required(Role.ADMIN)
def add_counter(code: str) -> Response:
    """Add a counter to a unit (its QR poster is then available on the counters page)."""
    session = get_session()
    unit = _unit(code)
    form = CounterForm(prefix="new")
    if not form.validate_on_submit():
        _refused("; ".join(f"{f.label.text}: {' '.join(f.errors)}" for f in form if f.errors))
        return redirect(url_for("admin.counters", code=code), 303)
    try:
        create_counter(session, unit, code=form.code.data or "", name_vi=form.name_vi.data or "",
                       name_en=form.name_en.data or "", user_id=_me())
    except CounterError as exc:
        session.rollback()
        _refused(str(exc))
    else:
        flash(_("Counter %(code)s added.", code=form.code.data), "info")
    return redirect(url_for("admin.counters", code=code), 303)


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
                                    published={key for key, _ in choices}, user_id=_me())
                update_counter(session, counter, name_vi=form.name_vi.data or "",
                               name_en=form.name_en.data or "", active=bool(form.active.data),
                               user_id=_me())
            except (CounterError, SurveyBindingError) as exc:
                session.rollback()
                _refused(str(exc))
            else:
                flash(_("Counter %(code)s saved.", code=counter.code), "info")
                return redirect(url_for("admin.counters", code=counter.unit.code))
    return render_template("admin/counter_edit.html", counter=counter, form=form), status


def counter_survey_choices(session: Session) -> list[tuple[str, str]]:
    """Published surveys a counter may open, each named by its title in the page language."""
    from flask_babel import get_locale

    from ..services.surveys import latest_version, load_version
    from ..services.unit_report import survey_keys

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
    from ..services.counters import retire_counter_codes

    session = get_session()
    counter = session.get(Counter, counter_id)
    if counter is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    retire_counter_codes(session, counter, user_id=_me())
    flash(_("The printed posters of %(code)s no longer work; print the new one.",
            code=counter.code), "info")
    return redirect(url_for("admin.counters", code=counter.unit.code))


# ---- survey versions --------------------------------------------------------------------------

def _version(version_id: int) -> SurveyVersion:
    version = get_session().get(SurveyVersion, version_id)
    if version is None:
        abort(404)
    return version


def _in_force(version: SurveyVersion) -> SurveyVersion | None:
    from ..services.surveys import latest_version

    return latest_version(get_session(), version.survey_key)


@bp.route("/surveys/<int:version_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def survey_version(version_id: int) -> Response | Page:
    """A version's frozen text; an edited copy is published as a new version."""
    session = get_session()
    version = _version(version_id)
    form = VersionTextForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                result = publish_edited_text(session, version, form.text.data or "",
                                             user_id=_me())
            except PublishError as exc:
                session.rollback()
                _refused(str(exc))
            else:
                if not result.created:
                    flash(_("This text is already version %(v)s; nothing was published.",
                            v=result.version.version), "info")
                else:
                    flash(_("Published as version %(v)s; version %(old)s is unchanged.",
                            v=result.version.version, old=version.version), "info")
                return redirect(url_for("admin.survey_version",
                                        version_id=result.version.id))
    elif not form.text.data:
        form.text.data = version.definition_text
    return render_template("admin/version.html", version=version, form=form,
                           in_force=_in_force(version), confirm=ConfirmForm()), status


@bp.post("/surveys/<int:version_id>/<any(retire, activate):action>")
@role_required(Role.ADMIN)
def retire_version(version_id: int, action: str) -> Response | Page:
    """Retire a version (citizens get the newest in force) or bring a retired one back."""
    session = get_session()
    version = _version(version_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        set_retired(session, version, action == "retire", user_id=_me())
    except PublishError as exc:
        session.rollback()
        _refused(str(exc))
        return render_template("admin/version.html", version=version,
                               form=VersionTextForm(text=version.definition_text),
                               in_force=_in_force(version), confirm=ConfirmForm()), 400
    indices_cache.clear()  # the version in force gives the labels and scoring
    report_cache.clear()
    flash(_("%(key)s version %(v)s retired.", key=version.survey_key, v=version.version)
          if action == "retire" else
          _("%(key)s version %(v)s is in force again.", key=version.survey_key,
            v=version.version), "info")
    return redirect(url_for("admin.survey_version", version_id=version.id))
