"""Back-checks: a supervisor re-contacts a random share of each interviewer's completes.

Selection is reproducible: every completed interview gets a rank from a hash of the sample's
back-check seed and the respondent id (not a database id, so the same data and seed select the
same people in any copy of the database); for each interviewer the lowest-ranked completes are
taken until ``ceil(share × completes)`` are selected. Selecting again later (new completes have
come in) tops every interviewer up to the share and never drops a case already selected, so a
back-check already made stays on the list.

Who sees what: supervisors (analysts and administrators whose subtree holds the sample's unit,
:mod:`.scope`) see the selected cases with respondent id, village and interviewer, and, while
fieldwork is open and the case is not yet checked, the contact data they need to re-contact the
person. Nobody else sees those contacts; they are deleted at close as all contacts are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.sampling.dispositions import classify

from ..audit import record
from ..models import (
    BackCheck,
    FieldInterview,
    FieldSample,
    FrameContact,
    FrameUnit,
    SampleMember,
    User,
)

OUTCOMES = ("confirmed", "not_confirmed")
DEFAULT_SHARE = 0.1


class BackCheckError(ValueError):
    """A selection or an outcome that cannot be recorded, with the reason."""


def _rank(seed: int, respondent_id: str) -> str:
    return hashlib.sha256(f"{seed}|{respondent_id}".encode()).hexdigest()


def completes_by_interviewer(session: Session,
                             sample: FieldSample) -> dict[int, list[tuple[int, str]]]:
    """Per interviewer id, the (member id, respondent id) of members whose latest disposition
    is a complete interview (AAPOR I)."""
    latest: dict[int, str] = {}
    for member_id, code in session.execute(
            select(FieldInterview.sample_member_id, FieldInterview.disposition)
            .where(FieldInterview.sample_id == sample.id).order_by(FieldInterview.id)):
        latest[member_id] = code
    out: dict[int, list[tuple[int, str]]] = {}
    for member_id, interviewer, key in session.execute(
            select(SampleMember.id, SampleMember.interviewer_id, FrameUnit.unit_key)
            .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
            .where(SampleMember.sample_id == sample.id,
                   SampleMember.interviewer_id.is_not(None))):
        last = latest.get(member_id)
        if interviewer is not None and last is not None and classify(last) == "I":
            out.setdefault(interviewer, []).append((member_id, key))
    return out


def select_back_checks(session: Session, sample: FieldSample, *, share: float | None = None,
                       seed: int | None = None) -> int:
    """Top up each interviewer's back-checks to ``share`` of their completes; return how many
    were added. ``share`` and ``seed`` are kept with the sample (defaults: 10 %, the draw's
    seed), so later selections follow the same rule."""
    if sample.closed_at is not None:
        raise BackCheckError(f"fieldwork of sample {sample.name!r} is closed")
    kept = dict(sample.parameters.get("back_check") or {})
    share = float(share if share is not None else kept.get("share", DEFAULT_SHARE))
    seed = int(seed if seed is not None else kept.get("seed", sample.seed))
    if not 0 < share <= 1:
        raise BackCheckError(f"the back-check share must be above 0 and at most 1, not {share}")
    sample.parameters = {**sample.parameters, "back_check": {"share": share, "seed": seed}}
    chosen = set(session.scalars(select(BackCheck.sample_member_id)
                                 .where(BackCheck.sample_id == sample.id)))
    added = 0
    for interviewer, cases in sorted(completes_by_interviewer(session, sample).items()):
        target = math.ceil(share * len(cases) - 1e-9)
        have = sum(1 for member_id, _ in cases if member_id in chosen)
        for member_id, _key in sorted((c for c in cases if c[0] not in chosen),
                                      key=lambda c: _rank(seed, c[1]))[:max(0, target - have)]:
            session.add(BackCheck(sample_id=sample.id, sample_member_id=member_id,
                                  interviewer_id=interviewer))
            added += 1
    record(session, "fieldwork.back_check_select", target=sample.name,
           detail={"share": share, "seed": seed, "added": added})
    session.commit()
    return added


@dataclass(frozen=True)
class BackCheckRow:
    """A selected case as its supervisor sees it (contacts only while it is to be made)."""

    check: BackCheck
    respondent_id: str
    village: str
    interviewer: str
    name: str | None
    address: str | None
    phone: str | None


def back_check_rows(session: Session, sample: FieldSample) -> list[BackCheckRow]:
    """The selected cases, unchecked first, with contacts for those still to be made."""
    rows = session.execute(
        select(BackCheck, FrameUnit.unit_key, FrameUnit.attributes, SampleMember.psu, User.email,
               FrameContact.name, FrameContact.address, FrameContact.phone)
        .join(SampleMember, SampleMember.id == BackCheck.sample_member_id)
        .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
        .join(User, User.id == BackCheck.interviewer_id)
        .outerjoin(FrameContact, FrameContact.frame_unit_id == FrameUnit.id)
        .where(BackCheck.sample_id == sample.id)).all()
    out = []
    for check, key, attributes, psu, email, name, address, phone in rows:
        show = check.outcome is None and sample.closed_at is None
        # The village (a frame column) where the frame has one, else the PSU (e.g. the village
        # in a multi-stage design).
        village = str(attributes.get("village") or psu)
        out.append(BackCheckRow(check, key, village, email,
                                name if show else None, address if show else None,
                                phone if show else None))
    return sorted(out, key=lambda r: (r.check.outcome is not None, r.interviewer,
                                      r.respondent_id))


def record_outcome(session: Session, check: BackCheck, *, outcome: str, note: str,
                   supervisor: User) -> None:
    """Record that the interview was confirmed or not (with a note); a later record replaces
    an earlier one."""
    if outcome not in OUTCOMES:
        raise BackCheckError(f"outcome must be one of {', '.join(OUTCOMES)}")
    note = note.strip()
    if len(note) > 500:
        raise BackCheckError("the note is longer than 500 characters")
    if outcome == "not_confirmed" and not note:
        raise BackCheckError("say in the note what was not confirmed")
    check.outcome, check.note = outcome, note or None
    check.checked_by, check.checked_at = supervisor.id, dt.datetime.now(dt.UTC)
    record(session, "fieldwork.back_check", target=str(check.id), user_id=supervisor.id,
           detail={"outcome": outcome})
    session.commit()


@dataclass(frozen=True)
class ConfirmationRate:
    """One interviewer's back-checks: selected, made, confirmed, and the confirmed share."""

    interviewer: str
    selected: int
    checked: int
    confirmed: int

    @property
    def rate(self) -> float | None:
        """Confirmed among the checks made (None before any)."""
        return self.confirmed / self.checked if self.checked else None


def confirmation_rates(session: Session, sample: FieldSample) -> list[ConfirmationRate]:
    """Per interviewer, how many of the back-checks made confirmed the interview."""
    counts: dict[str, list[int]] = {}
    for outcome, email in session.execute(
            select(BackCheck.outcome, User.email)
            .join(User, User.id == BackCheck.interviewer_id)
            .where(BackCheck.sample_id == sample.id)):
        row = counts.setdefault(email, [0, 0, 0])
        row[0] += 1
        row[1] += outcome is not None
        row[2] += outcome == "confirmed"
    return [ConfirmationRate(name, *row) for name, row in sorted(counts.items())]
