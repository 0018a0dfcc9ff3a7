"""Storing recordings and unit options, and reading what a survey page needs of them."""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import SurveyAudio, SurveyVersion, Unit, UnitSurveyOptions
from ..survey_versions import load_version
from .audio_files import AudioRejected, check_audio
from .items import label_items

LANGUAGE_CODE_MAX = 8


def audible_items(version: SurveyVersion) -> dict[str, str]:
    """Item id -> Vietnamese label of every label of the version that can be recorded."""
    return {item.id: item.labels.get("vi", "") for item in label_items(load_version(version),
                                                                       hints=False)
            if item.kind not in {"language", "heading"}}


def save_audio(session: Session, version: SurveyVersion, *, item_id: str, language: str,
               data: bytes, filename: str, user_id: int | None,
               unit: Unit | None = None) -> SurveyAudio:
    """Check and store a recording (replacing the one of the same item, language and unit;
    ``unit`` None: the survey-wide one)."""
    if item_id not in audible_items(version):
        raise AudioRejected(_("Choose a question or answer of this survey."))
    language = language.strip().lower()
    if not (2 <= len(language) <= 3 and language.isascii() and language.isalpha()):
        raise AudioRejected(_("The language is a code of two or three letters (vi, en, cmo)."))
    checked = check_audio(data, filename)
    unit_id = unit.id if unit is not None else None
    audio = session.scalar(select(SurveyAudio).where(
        SurveyAudio.survey_version_id == version.id, SurveyAudio.item_id == item_id,
        SurveyAudio.language == language,
        SurveyAudio.unit_id.is_(None) if unit_id is None else SurveyAudio.unit_id == unit_id))
    if audio is None:
        audio = SurveyAudio(survey_version_id=version.id, item_id=item_id, language=language,
                            unit_id=unit_id)
        session.add(audio)
    audio.media_type, audio.duration_ms = checked.media_type, checked.duration_ms
    audio.size_bytes, audio.data = len(data), data
    audio.sha256 = hashlib.sha256(data).hexdigest()
    audio.uploaded_by_id = user_id
    audit.record(session, "survey_audio.upload", user_id=user_id,
                 target=f"{version.survey_key} v{version.version}",
                 detail={"item": item_id, "language": language, "bytes": len(data),
                         "duration_ms": checked.duration_ms,
                         "unit": unit.code if unit is not None else None})
    session.flush()
    return audio


def delete_audio(session: Session, audio: SurveyAudio, user_id: int | None) -> None:
    """Remove a recording (the page falls back to the phone's voice)."""
    audit.record(session, "survey_audio.delete", user_id=user_id,
                 target=str(audio.survey_version_id),
                 detail={"item": audio.item_id, "language": audio.language,
                         "unit_id": audio.unit_id})
    session.delete(audio)


def unit_chain(session: Session, unit_id: int | None) -> list[int]:
    """The unit's id and its ancestors' ids, nearest first (empty for no unit)."""
    chain: list[int] = []
    while unit_id is not None and unit_id not in chain:  # a cycle would be bad data: stop
        chain.append(unit_id)
        unit_id = session.scalar(select(Unit.parent_id).where(Unit.id == unit_id))
    return chain


def recordings(session: Session, version_id: int, language: str,
               unit_id: int | None = None) -> dict[str, int]:
    """Item id -> recording id of a version in a language as ``unit_id``'s pages play them:
    the unit's own recording, else its nearest ancestor's, else the survey-wide one."""
    chain = unit_chain(session, unit_id)
    rank = {uid: depth for depth, uid in enumerate(chain)}
    found: dict[str, tuple[int, int]] = {}
    for item_id, audio_id, owner in session.execute(
            select(SurveyAudio.item_id, SurveyAudio.id, SurveyAudio.unit_id).where(
                SurveyAudio.survey_version_id == version_id, SurveyAudio.language == language,
                SurveyAudio.unit_id.is_(None) | SurveyAudio.unit_id.in_(chain))):
        order = len(chain) if owner is None else rank[owner]
        if item_id not in found or order < found[item_id][0]:
            found[item_id] = (order, audio_id)
    return {item_id: audio_id for item_id, (_order, audio_id) in found.items()}


def pictorial_scale(session: Session, unit_id: int) -> bool:
    """Whether the unit shows its satisfaction scales as faces."""
    options = session.get(UnitSurveyOptions, unit_id)
    return bool(options and options.pictorial_scale)


def set_pictorial_scale(session: Session, unit: Unit, on: bool, user_id: int | None) -> None:
    """Switch the faces on or off for a unit (audited)."""
    options = session.get(UnitSurveyOptions, unit.id)
    if options is None:
        options = UnitSurveyOptions(unit_id=unit.id)
        session.add(options)
    before = bool(options.pictorial_scale)
    options.pictorial_scale, options.updated_by_id = on, user_id
    audit.record(session, "unit.pictorial_scale", target=unit.code, user_id=user_id,
                 detail={"before": before, "after": on})
