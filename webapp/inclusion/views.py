"""Recordings (administration, units' own, the public audio route) and the per-unit faces.

Administrators keep the survey-wide recordings; a unit manager records or uploads the unit's
own (heard in that unit and every unit below it) and chooses faces for the units in their scope.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..administration.forms import ConfirmForm
from ..auth.access import can_see, current_user, require_unit, role_required, visible_unit_ids
from ..auth.staff_units import visible_units
from ..db import get_session
from ..edit_pages import editor_id
from ..models import Role, SurveyAudio, SurveyVersion, Unit, UnitSurveyOptions, User
from ..survey_versions import latest_version, survey_keys
from .audio_files import RECORD_SECONDS, RECORDER_RATE, AudioRejected
from .forms import AudioUploadForm, PictorialForm
from .services import (
    audible_items,
    delete_audio,
    pictorial_scale,
    save_audio,
    set_pictorial_scale,
)

bp = Blueprint("inclusion", __name__, template_folder="templates")


@bp.get("/nghe/<int:audio_id>")
def audio(audio_id: int) -> Response:
    """A recording, for the survey's "Nghe" button (public: it reads out public labels)."""
    found = get_session().get(SurveyAudio, audio_id)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.media_type)
    response.set_etag(found.sha256)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response.make_conditional(request)


def _version_or_404(version_id: int) -> SurveyVersion:
    version = get_session().get(SurveyVersion, version_id)
    if version is None:
        abort(404)
    return version


def _user() -> User:
    user = current_user()
    assert user is not None  # role_required let the request through
    return user


def _listening_page(version: SurveyVersion, unit: Unit | None,
                    form: AudioUploadForm | None = None, status: int = 200) -> tuple[str, int]:
    items = audible_items(version)
    form = form or AudioUploadForm()
    form.item.choices = [(item_id, label) for item_id, label in items.items()]
    owner = SurveyAudio.unit_id.is_(None) if unit is None else SurveyAudio.unit_id == unit.id
    stored = list(get_session().scalars(
        select(SurveyAudio).where(SurveyAudio.survey_version_id == version.id, owner)
        .order_by(SurveyAudio.language, SurveyAudio.item_id)))
    action = (url_for(".listening", version_id=version.id) if unit is None else
              url_for(".unit_listening", code=unit.code, version_id=version.id))
    return render_template("inclusion/listening.html", version=version, unit=unit, form=form,
                           action=action, recordings=stored, labels=items,
                           record_seconds=RECORD_SECONDS, record_rate=RECORDER_RATE,
                           confirm=ConfirmForm()), status


@bp.get("/admin/surveys/<int:version_id>/listening")
@role_required(Role.ADMIN)
def listening(version_id: int) -> tuple[str, int]:
    """The survey-wide recordings of a version, and the form to record or upload one."""
    return _listening_page(_version_or_404(version_id), None)


@bp.get("/admin/units/<code>/surveys/<int:version_id>/listening")
@role_required(Role.UNIT_MANAGER)
def unit_listening(code: str, version_id: int) -> tuple[str, int]:
    """A unit's own recordings of a version (heard in the unit and below it)."""
    unit = require_unit(get_session(), _user(), code)
    return _listening_page(_version_or_404(version_id), unit)


@bp.post("/admin/surveys/<int:version_id>/listening")
@role_required(Role.ADMIN)
def upload_audio(version_id: int) -> Response | tuple[str, int]:
    """Check and store a survey-wide recording; a refused file changes nothing and says why."""
    return _closing_uploads(_version_or_404(version_id), None)


@bp.post("/admin/units/<code>/surveys/<int:version_id>/listening")
@role_required(Role.UNIT_MANAGER)
def unit_upload_audio(code: str, version_id: int) -> Response | tuple[str, int]:
    """Check and store a unit's own recording (same checks as the survey-wide ones)."""
    unit = require_unit(get_session(), _user(), code)
    return _closing_uploads(_version_or_404(version_id), unit)


def _closing_uploads(version: SurveyVersion, unit: Unit | None) -> Response | tuple[str, int]:
    try:
        return _upload_audio(version, unit)
    finally:
        for upload in request.files.values():
            upload.close()  # a large upload is spooled to a temporary file


def _upload_audio(version: SurveyVersion, unit: Unit | None) -> Response | tuple[str, int]:
    form = AudioUploadForm()
    form.item.choices = list(audible_items(version).items())
    if not form.validate_on_submit():
        return _listening_page(version, unit, form, 400)
    upload = form.file.data
    session = get_session()
    try:
        save_audio(session, version, item_id=form.item.data, language=form.language.data,
                   data=upload.read(), filename=upload.filename or "",
                   user_id=editor_id(), unit=unit)
    except AudioRejected as exc:
        session.rollback()
        form.file.errors = [str(exc)]
        return _listening_page(version, unit, form, 400)
    session.commit()
    flash(_("The recording is saved; citizens hear it from the next page they open."), "info")
    return redirect(url_for(".listening", version_id=version.id) if unit is None else
                    url_for(".unit_listening", code=unit.code, version_id=version.id), 303)


@bp.post("/admin/listening/<int:audio_id>/delete")
@role_required(Role.UNIT_MANAGER)
def remove_audio(audio_id: int) -> Response:
    """Delete a recording: a survey-wide one by an administrator, a unit's by its managers."""
    session = get_session()
    user = _user()
    found = session.get(SurveyAudio, audio_id)
    if found is None:
        abort(404)
    if found.unit_id is None and user.role is not Role.ADMIN:
        abort(403)
    if found.unit_id is not None and not can_see(session, user, found.unit_id):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    version_id, unit = found.survey_version_id, found.unit_id
    delete_audio(session, found, editor_id())
    session.commit()
    if unit is None:
        return redirect(url_for(".listening", version_id=version_id), 303)
    owner = session.get(Unit, unit)
    assert owner is not None
    return redirect(url_for(".unit_listening", code=owner.code, version_id=version_id), 303)


@bp.get("/admin/pictorial")
@role_required(Role.UNIT_MANAGER)
def pictorial_units() -> str:
    """The units in the user's scope: faces or words, and their own recordings per survey."""
    session = get_session()
    visible = visible_unit_ids(session, _user())
    on = set(session.scalars(select(Unit.code).join(
        UnitSurveyOptions, UnitSurveyOptions.unit_id == Unit.id)
        .where(UnitSurveyOptions.pictorial_scale.is_(True))))
    versions = [v for v in (latest_version(session, key) for key in survey_keys(session))
                if v is not None]
    return render_template("inclusion/pictorial.html", units=visible_units(session, visible),
                           on=on, form=PictorialForm(), versions=versions)


@bp.post("/admin/units/<code>/pictorial")
@role_required(Role.UNIT_MANAGER)
def set_pictorial(code: str) -> Response:
    """Switch the faces on or off for one unit of the user's scope (audited)."""
    session = get_session()
    unit = require_unit(session, _user(), code)
    form = PictorialForm()
    if not form.validate_on_submit():
        abort(400)
    set_pictorial_scale(session, unit, bool(form.pictorial.data), editor_id())
    session.commit()
    flash(_("Saved: %(unit)s now shows the satisfaction scales %(how)s.", unit=unit.name_vi,
            how=_("as faces") if pictorial_scale(session, unit.id) else _("in words")),
          "info")
    return redirect(url_for(".pictorial_units"), 303)
