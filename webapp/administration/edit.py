"""Administrators' edit pages: a unit and a survey version.

Each edit is checked whole by its service before anything is written; a refusal is shown with
the service's specific message and a 400 status, and nothing changes.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..auth.access import role_required
from ..auth.staff_units import visible_units
from ..db import get_session
from ..edit_pages import editor_id, flash_refused, unit_or_404
from ..models import Role, SurveyVersion, Unit
from ..survey_versions import latest_version
from .forms import ConfirmForm, UnitEditForm, VersionTextForm
from .surveys import PublishError, publish_edited_text, set_retired
from .units import UnitEdit, UnitError, update_unit

bp = Blueprint("admin_edit", __name__, url_prefix="/admin", template_folder="templates")

Page = tuple[str, int]





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
    unit = unit_or_404(code)
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
                update_unit(session, unit, edit, user_id=editor_id())
            except UnitError as exc:
                session.rollback()
                flash_refused(str(exc))
            else:
                flash(_("Unit %(code)s saved.", code=unit.code), "info")
                return redirect(url_for("admin.index"))
    return render_template("admin/unit_edit.html", unit=unit, form=form), status


# ---- survey versions --------------------------------------------------------------------------

def _version(version_id: int) -> SurveyVersion:
    version = get_session().get(SurveyVersion, version_id)
    if version is None:
        abort(404)
    return version


def _in_force(version: SurveyVersion) -> SurveyVersion | None:
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
                                             user_id=editor_id())
            except PublishError as exc:
                session.rollback()
                flash_refused(str(exc))
            else:
                if not result.created:
                    flash(_("This text is already version %(v)s; nothing was published.",
                            v=result.version.version), "info")
                else:
                    flash(_("Published as version %(v)s; version %(old)s is unchanged.",
                            v=result.version.version, old=version.version), "info")
                return redirect(url_for("admin_edit.survey_version",
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
        set_retired(session, version, action == "retire", user_id=editor_id())
    except PublishError as exc:
        session.rollback()
        flash_refused(str(exc))
        return render_template("admin/version.html", version=version,
                               form=VersionTextForm(text=version.definition_text),
                               in_force=_in_force(version), confirm=ConfirmForm()), 400
    flash(_("%(key)s version %(v)s retired.", key=version.survey_key, v=version.version)
          if action == "retire" else
          _("%(key)s version %(v)s is in force again.", key=version.survey_key,
            v=version.version), "info")
    return redirect(url_for("admin_edit.survey_version", version_id=version.id))
