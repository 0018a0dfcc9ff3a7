"""Stored survey versions: which surveys are published, the default one, the version in force
for a survey and its frozen definition."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

import survey_defs

from .models import SurveyVersion

# The survey a page shows, and a counter's QR code opens, when none is named.
DEFAULT_SURVEY = "sipas"


def latest_version(session: Session, survey_key: str) -> SurveyVersion | None:
    """Return the version in force: the newest one not retired, if any."""
    return session.scalar(select(SurveyVersion).where(SurveyVersion.survey_key == survey_key,
                                                      SurveyVersion.retired_at.is_(None))
                          .order_by(SurveyVersion.version.desc()).limit(1))


def version_in_force(session: Session, survey_key: str) -> SurveyVersion | None:
    """:func:`latest_version` without reading the definition's text: the survey pages ask
    for it on every request and take the parsed definition from :func:`load_version`'s
    cache, keyed by the version's content hash."""
    return session.scalar(select(SurveyVersion)
                          .options(defer(SurveyVersion.definition_text))
                          .where(SurveyVersion.survey_key == survey_key,
                                 SurveyVersion.retired_at.is_(None))
                          .order_by(SurveyVersion.version.desc()).limit(1))


# Parsed definitions by (survey key, version number, content hash). This is a pure cache and
# legal under "nothing a user can observe lives in one process": a published version is
# immutable (a change of text is a new version with a new hash, and a deleted version's
# number can only come back with another hash), so every process that holds an entry holds
# the same value the database would give. Which version is in force is still asked of the
# database on every request.
_FROZEN: dict[tuple[str, int, str], survey_defs.SurveyDefinition] = {}
_FROZEN_LOCK = threading.Lock()
_FROZEN_MAX = 64


def load_version(version: SurveyVersion) -> survey_defs.SurveyDefinition:
    """Load the frozen definition of a stored version (parsed once per process; the text is
    read only when this process has not parsed that version yet)."""
    key = (version.survey_key, version.version, version.content_hash)
    found = _FROZEN.get(key)
    if found is None:
        found = survey_defs.load_definition(f"{version.survey_key}@v{version.version}",
                                            text=version.definition_text).definition
        with _FROZEN_LOCK:
            if len(_FROZEN) >= _FROZEN_MAX:
                _FROZEN.pop(next(iter(_FROZEN)))
            _FROZEN[key] = found
    return found


def survey_keys(session: Session) -> list[str]:
    """Keys of every published survey."""
    return list(session.scalars(select(SurveyVersion.survey_key).distinct()
                                .order_by(SurveyVersion.survey_key)))


def survey_title(session: Session, survey_key: str, language: str) -> str:
    """The survey's title from the definition in force, in ``language`` (Vietnamese when the
    definition has no such title); the key only when no version is published."""
    version = latest_version(session, survey_key)
    if version is None:
        return survey_key
    title = load_version(version).title
    return title.get(language) or title.get("vi") or survey_key


def default_survey(keys: Sequence[str]) -> str | None:
    """The one rule for the survey shown when none is asked for: SIPAS when it is published,
    else the first published survey in key order, else None."""
    if DEFAULT_SURVEY in keys:
        return DEFAULT_SURVEY
    return min(keys) if keys else None
