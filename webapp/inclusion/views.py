"""Recordings (administration and the public audio route) and the per-unit pictorial scale."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..administration.forms import ConfirmForm
from ..auth.access import role_required
from ..auth.staff_units import visible_units
from ..db import get_session
from ..edit_pages import editor_id, unit_or_404
from ..models import Role, SurveyAudio, SurveyVersion, Unit, UnitSurveyOptions
from .audio_files import AudioRejected
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


def _listening_page(version: SurveyVersion, form: AudioUploadForm | None = None,
                    status: int = 200) -> tuple[str, int]:
    items = audible_items(version)
    form = form or AudioUploadForm()
    form.item.choices = [(item_id, label) for item_id, label in items.items()]
    stored = list(get_session().scalars(
        select(SurveyAudio).where(SurveyAudio.survey_version_id == version.id)
        .order_by(SurveyAudio.language, SurveyAudio.item_id)))
    return render_template("inclusion/listening.html", version=version, form=form,
                           recordings=stored, labels=items, confirm=ConfirmForm()), status


@bp.get("/admin/surveys/<int:version_id>/listening")
@role_required(Role.ADMIN)
def listening(version_id: int) -> tuple[str, int]:
    """The recordings of a survey version, and the form to add one."""
    return _listening_page(_version_or_404(version_id))


@bp.post("/admin/surveys/<int:version_id>/listening")
@role_required(Role.ADMIN)
def upload_audio(version_id: int) -> Response | tuple[str, int]:
    """Check and store a recording; a refused file changes nothing and says why."""
    try:
        return _upload_audio(_version_or_404(version_id))
    finally:
        for upload in request.files.values():
            upload.close()  # a large upload is spooled to a temporary file


def _upload_audio(version: SurveyVersion) -> Response | tuple[str, int]:
    form = AudioUploadForm()
    form.item.choices = list(audible_items(version).items())
    if not form.validate_on_submit():
        return _listening_page(version, form, 400)
    upload = form.file.data
    session = get_session()
    try:
        save_audio(session, version, item_id=form.item.data, language=form.language.data,
                   data=upload.read(), filename=upload.filename or "",
                   user_id=editor_id())
    except AudioRejected as exc:
        session.rollback()
        form.file.errors = [str(exc)]
        return _listening_page(version, form, 400)
    session.commit()
    flash(_("The recording is saved; citizens hear it from the next page they open."), "info")
    return redirect(url_for(".listening", version_id=version.id))


@bp.post("/admin/listening/<int:audio_id>/delete")
@role_required(Role.ADMIN)
def remove_audio(audio_id: int) -> Response:
    """Delete a recording."""
    session = get_session()
    found = session.get(SurveyAudio, audio_id)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    version_id = found.survey_version_id
    delete_audio(session, found, editor_id())
    session.commit()
    return redirect(url_for(".listening", version_id=version_id))


@bp.get("/admin/pictorial")
@role_required(Role.ADMIN)
def pictorial_units() -> str:
    """Every unit with its choice of faces or words for the satisfaction scales."""
    session = get_session()
    on = set(session.scalars(select(Unit.code).join(
        UnitSurveyOptions, UnitSurveyOptions.unit_id == Unit.id)
        .where(UnitSurveyOptions.pictorial_scale.is_(True))))
    return render_template("inclusion/pictorial.html", units=visible_units(session, None),
                           on=on, form=PictorialForm())


@bp.post("/admin/units/<code>/pictorial")
@role_required(Role.ADMIN)
def set_pictorial(code: str) -> Response:
    """Switch the faces on or off for one unit (audited)."""
    session = get_session()
    unit = unit_or_404(code)
    form = PictorialForm()
    if not form.validate_on_submit():
        abort(400)
    set_pictorial_scale(session, unit, bool(form.pictorial.data), editor_id())
    session.commit()
    flash(_("Saved: %(unit)s now shows the satisfaction scales %(how)s.", unit=unit.name_vi,
            how=_("as faces") if pictorial_scale(session, unit.id) else _("in words")),
          "info")
    return redirect(url_for(".pictorial_units"))
