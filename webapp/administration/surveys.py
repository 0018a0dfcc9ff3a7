"""Publishing survey definitions as frozen, hashed versions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import survey_defs
from survey_defs import DefinitionError

from .. import audit
from ..models import Response, SurveyVersion
from ..models.base import utcnow
from ..survey_versions import latest_version, load_version


class PublishError(Exception):
    """A definition could not be published (invalid) or a version could not be deleted."""


@dataclass(frozen=True)
class PublishResult:
    """The version a publication produced and what it changed in the scoring."""

    version: SurveyVersion
    created: bool
    scoring_changes: tuple[str, ...]


def _highest_number(session: Session, survey_key: str) -> int:
    # Retired versions keep their numbers: a new version never reuses one.
    return session.scalar(select(func.max(SurveyVersion.version))
                          .where(SurveyVersion.survey_key == survey_key)) or 0


def publish_definition(session: Session, path: Path, *, text: str | None = None,
                       user_id: int | None = None) -> PublishResult:
    """Freeze a definition as a new version unless the same text is already published.

    A change that alters how existing items are scored is recorded with the new version and
    returned, so the publisher sees that old and new indices are not comparable as they are.
    """
    try:
        definition = survey_defs.load_definition(path, text=text).definition
    except DefinitionError as exc:
        raise PublishError(f"{path} was not published:\n{exc}") from exc
    same = session.scalar(select(SurveyVersion).where(
        SurveyVersion.survey_key == definition.key,
        SurveyVersion.content_hash == definition.content_hash))
    if same is not None:
        return PublishResult(same, False, ())
    previous = latest_version(session, definition.key)
    changes: tuple[str, ...] = ()
    if previous is not None:
        changes = tuple(survey_defs.scoring_changes(load_version(previous), definition))
    version = SurveyVersion(
        survey_key=definition.key,
        version=_highest_number(session, definition.key) + 1,
        definition_text=definition.source_text,
        content_hash=definition.content_hash,
        published_by_id=user_id,
        scoring_changes="\n".join(changes) or None,
    )
    session.add(version)
    session.flush()
    audit.record(session, "surveys.publish", target=f"{version.survey_key} v{version.version}",
                 user_id=user_id, detail={"scoring_changes": list(changes)})
    session.commit()
    return PublishResult(version, True, changes)


def delete_version(session: Session, version_id: int, *, user_id: int | None = None) -> None:
    """Delete a version that no response answered; refuse otherwise."""
    version = session.get(SurveyVersion, version_id)
    if version is None:
        raise PublishError(f"no survey version with id {version_id}")
    answered = session.scalar(select(func.count()).select_from(Response)
                              .where(Response.survey_version_id == version_id))
    if answered:
        raise PublishError(f"{version.survey_key} v{version.version} has {answered} response(s) "
                           "and cannot be deleted; publish a new version instead")
    session.delete(version)
    audit.record(session, "surveys.delete", target=f"{version.survey_key} v{version.version}",
                 user_id=user_id)
    session.commit()


def set_retired(session: Session, version: SurveyVersion, retired: bool, *,
                user_id: int | None = None) -> None:
    """Retire a version (citizens get the newest one still in force) or bring it back.

    Refuses to retire the only version in force: citizens would have no survey to answer.
    """
    if retired and version.retired_at is None:
        in_force = session.scalar(select(func.count()).select_from(SurveyVersion).where(
            SurveyVersion.survey_key == version.survey_key, SurveyVersion.retired_at.is_(None)))
        if in_force <= 1:
            raise PublishError(f"{version.survey_key} v{version.version} is the only version "
                               "in force: publish or reactivate another version first")
        version.retired_at = utcnow()
    elif not retired:
        version.retired_at = None
    audit.record(session, "surveys.retire" if retired else "surveys.activate",
                 target=f"{version.survey_key} v{version.version}", user_id=user_id)
    session.commit()


def publish_edited_text(session: Session, version: SurveyVersion, text: str, *,
                        user_id: int | None = None) -> PublishResult:
    """Publish an edited copy of ``version``'s text as a new version; the frozen one is untouched.

    Raises PublishError when the text is not a valid definition or names another survey.
    """
    label = Path(f"{version.survey_key}.yaml")
    text = text.replace("\r\n", "\n")  # browsers send a textarea's lines with CRLF
    try:
        key = survey_defs.load_definition(label, text=text).definition.key
    except DefinitionError as exc:
        raise PublishError(f"the edited text was not published:\n{exc}") from exc
    if key != version.survey_key:
        raise PublishError(f"the edited text defines survey {key!r}, not "
                           f"{version.survey_key!r}: change its key back")
    return publish_definition(session, label, text=text, user_id=user_id)
