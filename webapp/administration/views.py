"""Administration: units, users, API keys, dossier imports, survey versions; counters'
posters for unit managers of the counter's unit."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from .. import audit, once
from ..auth.access import current_user, role_required
from ..auth.staff_units import visible_units
from ..csv_input import ImportRejected
from ..db import get_session
from ..import_messages import ShownProblem, shown_problems
from ..models import ApiKey, Role, SurveyVersion, User
from ..survey_versions import latest_version
from ..template_helpers import role_label
from .apikeys import ApiKeyError, create_api_key, revoke_api_key
from .dossiers import import_dossier_counts
from .forms import ApiKeyForm, ConfirmForm, DossierImportForm, UserForm
from .units import import_units
from .users import UserError, create_user

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

T = TypeVar("T")


def _unit_choices(blank: str) -> list[tuple[str, str]]:
    units = visible_units(get_session(), None)
    return [("", blank)] + [(u.code, f"{'· ' * u.depth}{u.name_vi} ({u.code})") for u in units]


def _forms() -> tuple[UserForm, ApiKeyForm, DossierImportForm]:
    user_form, key_form = UserForm(prefix="user"), ApiKeyForm(prefix="key")
    user_form.role.choices = [(r.value, role_label(r)) for r in Role]
    user_form.unit.choices = _unit_choices(_("(none: administrators only)"))
    key_form.unit.choices = _unit_choices(_("(all units)"))
    return user_form, key_form, DossierImportForm(prefix="dossiers")


def _page(user_form: UserForm | None = None, key_form: ApiKeyForm | None = None,
          import_form: DossierImportForm | None = None,
          problems: list[ShownProblem] | None = None, problems_for: str = "",
          units_form: DossierImportForm | None = None,
          status: int = 200) -> tuple[str, int]:
    session = get_session()
    forms = _forms()
    versions = list(session.scalars(select(SurveyVersion).order_by(
        SurveyVersion.survey_key, SurveyVersion.version)))
    return render_template(
        "admin/index.html",
        units=visible_units(session, None),
        users=list(session.scalars(select(User).order_by(User.email))),
        keys=list(session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc()))),
        versions=versions,
        in_force={v.survey_key: latest_version(session, v.survey_key).id  # type: ignore[union-attr]
                  for v in versions if v.retired_at is None},
        user_form=user_form or forms[0], key_form=key_form or forms[1],
        import_form=import_form or forms[2],
        units_form=units_form or DossierImportForm(prefix="units"),
        confirm=ConfirmForm(), problems=problems or [], problems_for=problems_for,
    ), status


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> tuple[str, int]:
    """Everything an administrator manages, on one page."""
    return _page()


@bp.post("/users")
@role_required(Role.ADMIN)
def create_user_view() -> Response | tuple[str, int]:
    """Create a staff account; show a generated password once."""
    form = _forms()[0]
    if not form.validate_on_submit():
        return _page(user_form=form, status=400)
    me = current_user()
    if not once.claim(get_session(), once.posted_token()):
        get_session().rollback()
        flash(once.already_saved() + " " + _("If its password was not seen, deactivate the "
                                             "account and create it again."), "info")
        return redirect(url_for("admin.index"))
    try:
        user, password = create_user(get_session(), email=form.email.data, role=form.role.data,
                                     unit_code=form.unit.data or None,
                                     password=form.password.data or None)
    except UserError as exc:
        get_session().rollback()
        flash(str(exc), "error")
        return _page(user_form=form, status=400)
    audit.record(get_session(), "users.create_by_admin", target=user.email,
                 user_id=me.id if me else None)
    get_session().commit()
    message = _("Account %(email)s created.", email=user.email)
    if not form.password.data:
        message += " " + _("Its password, shown only now: %(pw)s", pw=password)
    flash(message, "info")
    return redirect(url_for("admin.index"))


@bp.post("/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def toggle_user(user_id: int) -> Response:
    """Deactivate an account (it is signed out at once) or activate it again."""
    session = get_session()
    user = session.get(User, user_id)
    me = current_user()
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit() or (me is not None and user.id == me.id):
        abort(400)
    user.active = not user.active
    if not user.active:
        from .users import end_sessions

        end_sessions(session, user)
    audit.record(session, "users.active", target=user.email, user_id=me.id if me else None,
                 detail={"active": user.active})
    session.commit()
    return redirect(url_for("admin.index"))


@bp.post("/apikeys")
@role_required(Role.ADMIN)
def create_key() -> Response | tuple[str, int]:
    """Create an API key; show it once."""
    form = _forms()[1]
    if not form.validate_on_submit():
        return _page(key_form=form, status=400)
    me = current_user()
    if not once.claim(get_session(), once.posted_token()):
        get_session().rollback()
        flash(once.already_saved() + " " + _("A key is shown only once: if it was not copied, "
                                             "revoke it and create another."), "info")
        return redirect(url_for("admin.index"))
    try:
        raw, key = create_api_key(get_session(), name=form.name.data,
                                  unit_code=form.unit.data or None,
                                  user_id=me.id if me else None)
    except ApiKeyError as exc:
        get_session().rollback()
        flash(str(exc), "error")
        return _page(key_form=form, status=400)
    flash(_("Key %(prefix)s created. Copy it now, it is not shown again: %(key)s",
            prefix=key.prefix, key=raw), "info")
    return redirect(url_for("admin.index"))


@bp.post("/apikeys/<prefix>/revoke")
@role_required(Role.ADMIN)
def revoke_key(prefix: str) -> Response:
    """Revoke an API key."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    me = current_user()
    try:
        revoke_api_key(get_session(), prefix, user_id=me.id if me else None)
    except ApiKeyError:
        abort(404)
    flash(_("Key %(prefix)s revoked.", prefix=prefix), "info")
    return redirect(url_for("admin.index"))


def _import(form: DossierImportForm, importer: Callable[..., T],
            which: str) -> T | tuple[str, int]:
    """Save the upload to a temporary file and import it, all or nothing."""
    me = current_user()
    with tempfile.TemporaryDirectory() as folder:
        name = Path(form.file.data.filename or "upload.csv").name or "upload.csv"
        path = Path(folder) / name
        form.file.data.save(path)
        try:
            return importer(get_session(), path, user_id=me.id if me else None)
        except ImportRejected as exc:
            # Shown beside the form that sent the file (``which``), in the page's language.
            problems = shown_problems(exc.problems, name)
            return _page(import_form=form if which == "dossiers" else None,
                         units_form=form if which == "units" else None,
                         problems=problems, problems_for=which, status=400)


@bp.post("/dossiers")
@role_required(Role.ADMIN)
def import_dossiers() -> Response | tuple[str, int]:
    """Import dossier counts from an uploaded CSV, all or nothing."""
    form = _forms()[2]
    if not form.validate_on_submit():
        return _page(import_form=form, status=400)
    report = _import(form, import_dossier_counts, "dossiers")
    if isinstance(report, tuple):
        return report
    flash(_("Dossier counts: %(created)s created, %(replaced)s replaced.",
            created=report.created, replaced=report.replaced), "info")
    return redirect(url_for("admin.index"))


@bp.post("/units")
@role_required(Role.ADMIN)
def import_units_view() -> Response | tuple[str, int]:
    """Import units (code, name_vi, unit_type, parent_code, ...) from an uploaded CSV."""
    form = DossierImportForm(prefix="units")
    if not form.validate_on_submit():
        return _page(units_form=form, status=400)
    report = _import(form, import_units, "units")
    if isinstance(report, tuple):
        return report
    flash(_("Units: %(created)s created, %(updated)s updated.", created=report.created,
            updated=report.updated), "info")
    return redirect(url_for("admin.index"))
