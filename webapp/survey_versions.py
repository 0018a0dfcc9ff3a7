"""Stored survey versions: which surveys are published, the default one, the version in force
for a survey and its frozen definition."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

import survey_defs

from .models import SurveyVersion

# The survey a page shows, and a counter's QR code opens, when none is named.
DEFAULT_SURVEY = "sipas"


def latest_version(session: Session, survey_key: str) -> SurveyVersion | None:
    """Return the version in force: the newest one not retired, if any."""
    return session.scalar(select(SurveyVersion).where(SurveyVersion.survey_key == survey_key,
                                                      SurveyVersion.retired_at.is_(None))
                          .order_by(SurveyVersion.version.desc()).limit(1))


def load_version(version: SurveyVersion) -> survey_defs.SurveyDefinition:
    """Load the frozen definition of a stored version (parsed once per process)."""
    return _load_frozen(f"{version.survey_key}@v{version.version}", version.definition_text)


@functools.lru_cache(maxsize=64)
def _load_frozen(label: str, text: str) -> survey_defs.SurveyDefinition:
    # A published version never changes, so its parsed form can be shared by every request.
    return survey_defs.load_definition(label, text=text).definition


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
