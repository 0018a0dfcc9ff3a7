"""Interviewer mode: the survey pages of ``respond`` filled on a tablet on a respondent's behalf.

The interviewer opens a sampled person from their assignments; the pages, their validation and
the form handling are the citizen's (:mod:`webapp.respond.flow`, ``submission``), only the
wording around them is the interviewer's. What is stored is what an imported ODK or Kobo return
stores (:func:`webapp.fieldwork.returns.record_return`): the visit's disposition for the sampled
person, and the answers with the stratum, PSU and base weight only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FieldInterview, FieldSample, FrameUnit, SampleMember, Unit, User
from ..respond.context import SurveyContext
from ..respond.responses import Origin
from ..survey_versions import latest_version, load_version

# Outcomes an interviewer records without answers (AAPOR final dispositions).
NON_INTERVIEWS = ("2.11", "2.12", "2.20", "2.30", "3.20", "4.10")
DISPOSITION_TEXT = {
    "1.1": _l("Complete interview"), "1.2": _l("Partial interview"), "2.11": _l("Refusal"),
    "2.12": _l("Break-off"), "2.20": _l("Could not meet the selected person"),
    "2.30": _l("Other reason (ill, does not speak Vietnamese...)"),
    "3.20": _l("Not known whether the person is eligible"),
    "4.10": _l("Not eligible (outside the age range, moved away)"),
}
WEB_KEY_PREFIX = "web:"
PAPER_KEY_PREFIX = "paper:"


@dataclass(frozen=True)
class FieldContext(SurveyContext):
    """A survey context for a sampled respondent: no counter, no procedure-field picker."""

    @property
    def needs_field(self) -> bool:
        """A household survey asks no procedure field."""
        return False


@dataclass(frozen=True)
class Assignment:
    """A sampled person as their interviewer works on them (no contact data here)."""

    sample: FieldSample
    member: SampleMember
    respondent_id: str
    disposition: str | None  # the latest recorded, if any


def assignment_for(session: Session, user: User, member_id: int) -> Assignment | None:
    """The member ``member_id`` if it is assigned to ``user`` in an open sample, else None."""
    row = session.execute(
        select(SampleMember, FrameUnit.unit_key)
        .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
        .where(SampleMember.id == member_id, SampleMember.interviewer_id == user.id)).first()
    if row is None:
        return None
    member, key = row
    if member.sample.closed_at is not None:
        return None
    return Assignment(member.sample, member, key, latest_disposition(session, member.id))


def latest_disposition(session: Session, member_id: int) -> str | None:
    """The most recent disposition recorded for a sampled member."""
    return session.scalar(select(FieldInterview.disposition)
                          .where(FieldInterview.sample_member_id == member_id)
                          .order_by(FieldInterview.id.desc()).limit(1))


def dispositions_of(session: Session, member_ids: list[int]) -> dict[int, str]:
    """The latest disposition of each of ``member_ids`` that has one."""
    latest: dict[int, str] = {}
    for member_id, code in session.execute(
            select(FieldInterview.sample_member_id, FieldInterview.disposition)
            .where(FieldInterview.sample_member_id.in_(member_ids))
            .order_by(FieldInterview.id)):
        latest[member_id] = code
    return latest


def field_context(session: Session, assignment: Assignment) -> FieldContext | None:
    """The survey pages for the sample's survey (None when it is not published)."""
    version = latest_version(session, assignment.sample.survey_key)
    if version is None:
        return None
    # The page header names the respondent, not a unit; this unit is never stored.
    header = Unit(code="-", name_vi=assignment.respondent_id, name_en=assignment.respondent_id,
                  unit_type="field")
    return FieldContext(Origin(unit_id=0, channel="interviewer"), header, version,
                        load_version(version), ())


def interview_minutes(started: str, now: dt.datetime | None = None) -> float | None:
    """Minutes since ``started`` (ISO time the first page was served), if plausible."""
    try:
        began = dt.datetime.fromisoformat(started)
    except ValueError:
        return None
    if began.tzinfo is None:
        return None
    minutes = ((now or dt.datetime.now(dt.UTC)) - began).total_seconds() / 60
    return round(minutes, 2) if 0 <= minutes <= 24 * 60 else None


def disposition_label(code: str) -> str:
    """The outcome's words in the reader's language (the AAPOR code for an unlisted one)."""
    return str(DISPOSITION_TEXT.get(code, code))
