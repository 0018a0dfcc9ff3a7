"""Storing recordings and unit options, and reading what a survey page needs of them."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, String, bindparam, cast, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

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


# The row of the page's statement that carries the unit's faces option: no label has an
# empty id, and the depth marks it apart from every recording.
_FACES_ROW, _OWN_DEPTH_LIMIT, _SURVEY_WIDE = "", 64, 1_000_000


@lru_cache(maxsize=1)
def _page_statement() -> Any:
    """The unit's ancestry (a recursive CTE, depth 0 = the unit), the recordings of a version
    in a language that the unit's pages may play, and the unit's faces option, in one
    statement (built once per process, parameters bound per request)."""
    chain = (select(Unit.id.label("id"), Unit.parent_id.label("parent_id"),
                    literal(0, Integer).label("depth"))
             .where(Unit.id == bindparam("unit_id")).cte("unit_chain", recursive=True))
    parent = aliased(Unit)
    # The depth limit ends a parent cycle (bad data) as unit_chain's loop check did.
    chain = chain.union_all(select(parent.id, parent.parent_id, chain.c.depth + 1)
                            .where(parent.id == chain.c.parent_id,
                                   chain.c.depth < _OWN_DEPTH_LIMIT))
    audio = (select(SurveyAudio.item_id.label("item_id"), SurveyAudio.id.label("value"),
                    func.coalesce(chain.c.depth, _SURVEY_WIDE).label("depth"))
             .outerjoin(chain, SurveyAudio.unit_id == chain.c.id)
             .where(SurveyAudio.survey_version_id == bindparam("version_id"),
                    SurveyAudio.language == bindparam("language"),
                    SurveyAudio.unit_id.is_(None) | chain.c.id.is_not(None)))
    faces = (select(literal(_FACES_ROW, String).label("item_id"),
                    cast(UnitSurveyOptions.pictorial_scale, Integer).label("value"),
                    literal(-1, Integer).label("depth"))
             .where(UnitSurveyOptions.unit_id == bindparam("unit_id")))
    return union_all(audio, faces)


def page_options(session: Session, version_id: int, language: str,
                 unit_id: int | None) -> tuple[bool, dict[str, int]]:
    """(whether the unit shows faces, item id -> recording id) for a survey page, read in one
    statement: the unit's own recording wins over its nearest ancestor's, which wins over the
    survey-wide one."""
    found: dict[str, tuple[int, int]] = {}
    faces = False
    for item_id, value, depth in session.execute(
            _page_statement(), {"unit_id": unit_id, "version_id": version_id,
                                "language": language}):
        if depth < 0:
            faces = bool(value)
        elif item_id not in found or depth < found[item_id][0]:
            found[item_id] = (int(depth), int(value))
    return faces and unit_id is not None, {item_id: audio_id
                                           for item_id, (_d, audio_id) in found.items()}


def recordings(session: Session, version_id: int, language: str,
               unit_id: int | None = None) -> dict[str, int]:
    """Item id -> recording id of a version in a language as ``unit_id``'s pages play them:
    the unit's own recording, else its nearest ancestor's, else the survey-wide one."""
    return page_options(session, version_id, language, unit_id)[1]


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
