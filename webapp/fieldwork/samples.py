"""Drawing, storing and closing field samples; interviewer assignments and their contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from analysis.errors import AnalysisError
from analysis.sampling import MultiStageDesign, draw_multistage, draw_stratified
from webapp.audit import record
from webapp.fieldwork.frames import frame_table, latest_frame
from webapp.models import (
    BackCheck,
    FieldSample,
    FrameContact,
    FrameUnit,
    PaperEntry,
    Role,
    SampleMember,
    SamplingFrame,
    Unit,
    User,
)
from webapp.periods import PeriodError, parse_period

DESIGN_COLUMNS = ["stratum", "psu", "prob", "base_weight", "role", "replacement_rank"]


class SampleError(ValueError):
    """A sample could not be drawn, assigned or closed; the message says why."""


@dataclass(frozen=True)
class DrawnSample:
    """A stored sample and its rows (unit attributes and design variables, no contacts)."""

    sample: FieldSample
    rows: pd.DataFrame


def unit_by_code(session: Session, code: str | None) -> Unit | None:
    """The unit with ``code`` (None for no code), or :class:`SampleError`."""
    if code is None:
        return None
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise SampleError(f"no unit with code {code!r}")
    return unit


def set_unit(session: Session, sample: FieldSample, code: str) -> Unit:
    """Give ``sample`` to the unit ``code`` (whose staff then see its pages)."""
    unit = unit_by_code(session, code)
    assert unit is not None
    sample.unit_id = unit.id
    record(session, "sample.unit", target=sample.name, detail={"unit": unit.code})
    session.commit()
    return unit


def _store(session: Session, name: str, frame: SamplingFrame, method: str, seed: int,
           parameters: dict, rows: pd.DataFrame, survey_key: str = "papi",
           unit_code: str | None = None) -> DrawnSample:
    if session.scalar(select(FieldSample.id).where(FieldSample.name == name)) is not None:
        raise SampleError(f"a sample named {name!r} exists already; choose another --name")
    unit = unit_by_code(session, unit_code)
    sample = FieldSample(name=name, frame=frame, method=method, seed=seed,
                         parameters=parameters, survey_key=survey_key,
                         unit_id=unit.id if unit is not None else None)
    session.add(sample)
    for row in rows[["_frame_unit_id", *DESIGN_COLUMNS]].to_dict("records"):
        sample.members.append(SampleMember(
            frame_unit_id=int(row["_frame_unit_id"]), stratum=str(row["stratum"]),
            psu=str(row["psu"]), prob=float(row["prob"]), base_weight=float(row["base_weight"]),
            role=str(row["role"]), replacement_rank=int(row["replacement_rank"])))
    record(session, "sample.draw", target=name,
           detail={"frame": frame.name, "version": frame.version, "method": method,
                   "seed": seed, "rows": len(rows)})
    session.commit()
    return DrawnSample(sample=sample, rows=rows.drop(columns="_frame_unit_id"))


def draw_sample(session: Session, *, frame_name: str, name: str | None, method: str,
                size: int, seed: int, strata: str | None = None,
                size_measure: str | None = None, certainty: str | None = None,
                replacements: int = 0, frame_version: int | None = None,
                survey_key: str = "papi", unit_code: str | None = None) -> DrawnSample:
    """Draw a stratified single-stage sample from the frame and store it."""
    try:
        frame = latest_frame(session, frame_name, frame_version)
    except LookupError as exc:
        raise SampleError(str(exc)) from None
    table = frame_table(session, frame)
    try:
        rows = draw_stratified(table, strata=strata, unit_id="unit_id", size=size,
                               method=method, size_measure=size_measure, certainty=certainty,
                               replacements=replacements, rng=np.random.default_rng(seed))
    except AnalysisError as exc:
        raise SampleError(f"frame {frame_name!r} v{frame.version}: {exc}") from None
    rows["role"] = rows["role"].astype(str)
    parameters = {"strata": strata, "size": size, "size_measure": size_measure,
                  "certainty": certainty, "replacements": replacements,
                  "frame_version": frame.version}
    return _store(session, name or f"{frame_name}-v{frame.version}-{method}-{seed}", frame,
                  method, seed, parameters, rows, survey_key, unit_code)


def draw_design_sample(session: Session, *, area_frame: str, person_frame: str, design: str,
                       name: str, seed: int, survey_key: str = "papi",
                       period: str | None = None, unit_code: str | None = None) -> DrawnSample:
    """Draw a multi-stage sample (design file) of persons; members are person-frame units.

    With ``period`` (e.g. ``2026``) the answers feed the unit pages of ``survey_key`` for that
    period (:mod:`.indices`)."""
    if period is not None:
        try:
            period = str(parse_period(period))
        except PeriodError as exc:
            raise SampleError(f"--period: {exc}") from None
    try:
        areas = latest_frame(session, area_frame)
        people = latest_frame(session, person_frame)
        spec = MultiStageDesign.load(design)
    except (LookupError, OSError) as exc:
        raise SampleError(str(exc)) from None
    try:
        drawn = draw_multistage(frame_table(session, areas).drop(columns="_frame_unit_id"),
                                spec, np.random.default_rng(seed),
                                frame_table(session, people))
    except AnalysisError as exc:
        raise SampleError(f"design {spec.name!r}: {exc}") from None
    if drawn.persons is None:
        raise SampleError(f"design {spec.name!r} has no person stage")
    parameters = {"design": spec.name, "area_frame": area_frame,
                  "area_version": areas.version, "person_version": people.version}
    if period is not None:
        parameters.update(survey=survey_key, period=period)
    return _store(session, name, people, f"design:{spec.name}", seed, parameters, drawn.persons,
                  survey_key, unit_code)


def get_sample(session: Session, name: str) -> FieldSample:
    """The sample called ``name``, or :class:`SampleError`."""
    sample = session.scalars(select(FieldSample).where(FieldSample.name == name)).first()
    if sample is None:
        raise SampleError(f"no sample named {name!r}")
    return sample


def assign(session: Session, sample: FieldSample, interviewer: User,
           psus: Sequence[str]) -> int:
    """Assign the members of the given PSUs to ``interviewer``; return how many."""
    if sample.closed_at is not None:
        raise SampleError(f"sample {sample.name!r} is closed")
    if interviewer.role not in (Role.INTERVIEWER, Role.ADMIN) or not interviewer.active:
        raise SampleError(f"account {interviewer.email!r} is not an active interviewer: "
                          "an administrator gives it the interviewer role first")
    from webapp.fieldwork.scope import may_work_on

    if sample.unit_id is not None and not may_work_on(session, interviewer, sample):
        raise SampleError(f"account {interviewer.email!r} belongs to no unit of sample "
                          f"{sample.name!r}'s fieldwork (the sample's unit or one below it)")
    members = [m for m in sample.members if m.psu in set(psus)]
    unknown = set(psus) - {m.psu for m in members}
    if unknown:
        raise SampleError(f"sample {sample.name!r} has no PSU {sorted(unknown)[0]!r}")
    for member in members:
        member.interviewer_id = interviewer.id
    record(session, "sample.assign", target=sample.name,
           detail={"interviewer": interviewer.id, "psus": sorted(set(psus)),
                   "members": len(members)})
    session.commit()
    return len(members)


def contacts_for(session: Session, sample: FieldSample, interviewer: User) -> list[dict]:
    """Contact data of the members assigned to ``interviewer`` (nobody else's)."""
    rows = session.execute(
        select(SampleMember.id.label("member_id"), FrameUnit.unit_key, SampleMember.role,
               SampleMember.replacement_rank,
               FrameContact.name, FrameContact.address, FrameContact.phone)
        .join(SampleMember, SampleMember.frame_unit_id == FrameUnit.id)
        .outerjoin(FrameContact, FrameContact.frame_unit_id == FrameUnit.id)
        .where(SampleMember.sample_id == sample.id,
               SampleMember.interviewer_id == interviewer.id)
        .order_by(SampleMember.role, SampleMember.replacement_rank, FrameUnit.unit_key)).all()
    return [dict(row._mapping) for row in rows]


def close_fieldwork(session: Session, sample: FieldSample, *,
                    discard_unfinished: bool = False) -> int:
    """Close fieldwork: delete every contact of the sample's frame; return how many.

    Paper forms still waiting for their second entry or for a supervisor would be lost, so
    closing is refused while there are any, unless ``discard_unfinished`` (they are deleted)."""
    pending = session.scalar(select(func.count(func.distinct(PaperEntry.sample_member_id)))
                             .where(PaperEntry.sample_id == sample.id)) or 0
    if pending and not discard_unfinished:
        raise SampleError(f"{pending} paper form(s) of sample {sample.name!r} still wait for "
                          "their second entry or a supervisor; finish them, or close with "
                          "--discard-unfinished-entries")
    session.execute(delete(PaperEntry).where(PaperEntry.sample_id == sample.id))
    from webapp.fieldwork.drafts import break_off_drafts

    broken_off = break_off_drafts(session, sample)  # interrupted and never resumed
    # Back-check notes may name people; the outcomes (paradata on interviewers) are kept.
    for check in session.scalars(select(BackCheck).where(BackCheck.sample_id == sample.id)):
        check.note = None
    unit_ids = select(FrameUnit.id).where(FrameUnit.frame_id == sample.frame_id)
    deleted = session.execute(delete(FrameContact)
                              .where(FrameContact.frame_unit_id.in_(unit_ids))).rowcount
    now = dt.datetime.now(dt.UTC)
    sample.closed_at = now
    sample.frame.contacts_deleted_at = now
    record(session, "sample.close", target=sample.name,
           detail={"contacts_deleted": deleted, "break_offs": broken_off})
    session.commit()
    return int(deleted or 0)


def write_sample_csv(rows: pd.DataFrame, path: Path) -> None:
    """Write the sample: unit id, design attributes, then the design variables."""
    front = [c for c in rows.columns if c not in DESIGN_COLUMNS]
    rows[[*front, *[c for c in DESIGN_COLUMNS if c in rows.columns]]].to_csv(
        path, index=False, encoding="utf-8")
