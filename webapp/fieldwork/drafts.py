"""Interrupted web interviews: saved with their page, resumed, or at close a break-off.

The draft holds the answers given so far, linked to the sampled person, only while the
interview is unfinished (as a paper form's two entries are until resolved): it is deleted as
soon as the interview is stored (one answer, as any other return) or another outcome is
recorded. A draft still there when fieldwork closes becomes a break-off, AAPOR 2.12, and its
answers are deleted with it (a break-off is a non-interview: its answers are not used).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import FieldInterview, FieldSample, InterviewDraft, SampleMember
from .interviews import WEB_KEY_PREFIX, Assignment

PAUSE_ACTION = "pause"
BREAK_OFF = "2.12"


def draft_of(session: Session, member: SampleMember) -> InterviewDraft | None:
    """The saved interrupted interview of ``member``, if any."""
    return session.scalar(select(InterviewDraft)
                          .where(InterviewDraft.sample_member_id == member.id))


def save_draft(session: Session, found: Assignment, *, page: int, answers: dict[str, object],
               submission_id: str, started: str) -> InterviewDraft:
    """Save (or replace) the interrupted interview of the assignment's member."""
    draft = draft_of(session, found.member)
    if draft is None:
        draft = InterviewDraft(sample_id=found.sample.id, sample_member_id=found.member.id,
                               page=0, answers={}, submission_id="", started="")
        session.add(draft)
    draft.page, draft.answers = page, dict(answers)
    draft.submission_id, draft.started = submission_id[:64], started[:40]
    draft.saved_at = dt.datetime.now(dt.UTC)
    session.commit()
    return draft


def drop_draft(session: Session, member: SampleMember) -> None:
    """Delete ``member``'s draft (the interview was stored or another outcome recorded)."""
    session.execute(delete(InterviewDraft).where(InterviewDraft.sample_member_id == member.id))
    session.commit()


def paused_members(session: Session, member_ids: list[int]) -> set[int]:
    """Which of ``member_ids`` have a saved interrupted interview."""
    return set(session.scalars(select(InterviewDraft.sample_member_id)
                               .where(InterviewDraft.sample_member_id.in_(member_ids))))


def break_off_drafts(session: Session, sample: FieldSample) -> int:
    """Record every draft of ``sample`` as a break-off (2.12) and delete it; return how many.
    The caller commits."""
    drafts = session.scalars(select(InterviewDraft)
                             .where(InterviewDraft.sample_id == sample.id)).all()
    for draft in drafts:
        key = WEB_KEY_PREFIX + draft.submission_id
        seen = session.scalar(select(FieldInterview.id).where(
            FieldInterview.sample_id == sample.id, FieldInterview.submission_key == key))
        if seen is None:
            session.add(FieldInterview(sample_id=sample.id,
                                       sample_member_id=draft.sample_member_id,
                                       submission_key=key, disposition=BREAK_OFF,
                                       source="interviewer"))
        session.delete(draft)
    return len(drafts)
