"""Bringing answers back: ODK Central and KoboToolbox CSV exports matched to the sample.

Both tools export one row per submission. Column names carry the group path (ODK Central
``group-question``, Kobo ``group/question``); only the last segment is kept, which is the
XLSForm ``name`` hailong wrote. The row must carry ``respondent_id`` (the sampled unit's id,
typed or scanned by the interviewer) and may carry ``disposition`` (AAPOR code; default 1.1
complete). The submission key (``instanceID``/``KEY``/``_uuid``) makes the import
idempotent: a key already imported for this sample is skipped if it names the same respondent
and rejected otherwise. Every problem is reported as ``file:line: column 'x': why`` and nothing
is stored unless the whole file is clean.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analysis.errors import AnalysisError
from analysis.sampling.dispositions import classify, response_rates_by
from survey_defs import SurveyDefinition
from survey_defs.xlsform import xls_name
from webapp.audit import record
from webapp.csv_input import ImportProblem, ImportRejected, read_csv
from webapp.models import FieldAnswer, FieldInterview, FieldSample, FrameUnit, SampleMember, User

KEY_COLUMNS = ("instanceID", "KEY", "_uuid")
# Tool metadata, never an answer.
META = {"SubmissionDate", "start", "end", "today", "deviceid", "DeviceID", "SubmitterID",
        "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
        "Edits", "FormVersion", "instanceName", "uuid", "respondent_id", "disposition",
        *KEY_COLUMNS}


@dataclass(frozen=True)
class ReturnsReport:
    """What an import stored."""

    interviews: int
    answers: int
    skipped: int
    source: str


def _leaf(column: str) -> str:
    return column.replace("/", "-").rsplit("-", 1)[-1]


def _minutes(start: str, end: str) -> float | None:
    try:
        began, ended = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    except ValueError:
        return None
    return round((ended - began).total_seconds() / 60, 2)


def import_returns(session: Session, sample: FieldSample, path: Path) -> ReturnsReport:
    """Import an ODK Central / KoboToolbox CSV export for ``sample``; all or nothing."""
    filename = path.name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            header = [h.strip() for h in next(csv.reader(handle), [])]
        except (UnicodeDecodeError, csv.Error):
            header = []
    table = read_csv(path, required=[], optional=header)
    problems = list(table.problems)
    leaves: dict[str, str] = {}
    for column in header:
        leaf = _leaf(column)
        if leaf in leaves and not leaf.startswith("_"):
            problems.append(ImportProblem(1, column, f"has the same question name as "
                                          f"'{leaves[leaf]}'"))
        leaves.setdefault(leaf, column)
    source = "kobo" if "_uuid" in leaves else "odk"
    key_column = next((leaves[k] for k in KEY_COLUMNS if k in leaves), None)
    for needed, present in (("respondent_id", "respondent_id" in leaves),
                            ("instanceID, KEY or _uuid", key_column is not None)):
        if not present:
            problems.append(ImportProblem(1, needed, "required column is missing"))
    if problems:
        raise ImportRejected(filename, problems)
    rows = session.execute(
        select(SampleMember, FrameUnit.unit_key, FrameUnit.attributes)
        .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
        .where(SampleMember.sample_id == sample.id)).all()
    members = {unit_key: member for member, unit_key, _ in rows}
    attributes = {member.id: attrs for member, _, attrs in rows}
    unit_keys = {member.id: unit_key for member, unit_key, _ in rows}
    known = dict(session.execute(select(FieldInterview.submission_key,
                                        FieldInterview.sample_member_id)
                                 .where(FieldInterview.sample_id == sample.id)).all())
    completed = {member_id for member_id, in session.execute(
        select(FieldInterview.sample_member_id).where(
            FieldInterview.sample_id == sample.id,
            FieldInterview.disposition.in_(["1.1", "1.2"]))).all()}
    assert key_column is not None
    respondent_column = leaves["respondent_id"]
    new: list[tuple[SampleMember, str, str, float | None, dict[str, str]]] = []
    skipped = 0
    seen_keys: dict[str, int] = {}
    for row in table.rows:
        values = row.values
        key, respondent = values[key_column], values[respondent_column]
        code = values.get(leaves.get("disposition", ""), "") or "1.1"
        if not key:
            problems.append(ImportProblem(row.line, key_column, "is empty"))
            continue
        if key in seen_keys:
            problems.append(ImportProblem(row.line, key_column,
                                          f"{key!r} already appears on line {seen_keys[key]}"))
            continue
        seen_keys[key] = row.line
        member = members.get(respondent)
        if member is None:
            problems.append(ImportProblem(row.line, respondent_column,
                                          f"{respondent!r} is not in sample {sample.name!r}"
                                          if respondent else "is empty"))
            continue
        if key in known:
            if known[key] != member.id:
                problems.append(ImportProblem(row.line, key_column, f"{key!r} was imported "
                                              "before for another respondent"))
            else:
                skipped += 1
            continue
        try:
            category = classify(code)
        except AnalysisError as exc:
            problems.append(ImportProblem(row.line, leaves.get("disposition", "disposition"),
                                          str(exc)))
            continue
        if category in ("I", "P"):
            if member.id in completed:
                problems.append(ImportProblem(row.line, respondent_column, f"{respondent!r} "
                                              "already has a completed interview"))
                continue
            completed.add(member.id)
        answers = {} if category not in ("I", "P") else {
            _leaf(c): v for c, v in values.items()
            if v and _leaf(c) not in META and not _leaf(c).startswith("_")}
        minutes = _minutes(values.get(leaves.get("start", ""), ""),
                           values.get(leaves.get("end", ""), ""))
        new.append((member, key, code, minutes, answers))
    if problems:
        raise ImportRejected(filename, problems)
    answered = 0
    for member, key, code, minutes, answers in new:
        answered += _add_return(session, sample, member, attributes[member.id], key=key,
                                code=code, minutes=minutes, answers=answers, source=source,
                                unit_key=unit_keys[member.id])
    record(session, "fieldwork.import", target=sample.name,
           detail={"file": filename, "interviews": len(new), "skipped": skipped})
    session.commit()
    return ReturnsReport(interviews=len(new), answers=answered, skipped=skipped, source=source)


def answer_psu(member: SampleMember, unit_key: str) -> str:
    """The PSU label stored with an answer. In a single-stage sample the PSU is the sampled
    unit itself, and its label is the respondent id: stored as such it would tie the answer to
    the person, so a random label (unique, which is all the variance needs) is stored instead."""
    return f"u{secrets.token_hex(8)}" if member.psu == unit_key else member.psu


def _add_return(session: Session, sample: FieldSample, member: SampleMember,
                attributes: dict, *, key: str, code: str, minutes: float | None,
                answers: dict[str, str], source: str, unit_key: str) -> int:
    """Add one return: the visit's paradata, and (if any) the answers without the person."""
    session.add(FieldInterview(sample_id=sample.id, sample_member_id=member.id,
                               submission_key=key, disposition=code, source=source,
                               interview_minutes=minutes))
    if not answers:
        return 0
    session.add(FieldAnswer(public_id=secrets.token_hex(16), sample_id=sample.id,
                            stratum=member.stratum, psu=answer_psu(member, unit_key),
                            base_weight=member.base_weight, attributes=attributes,
                            answers=answers))
    return 1


class ReturnRefused(ValueError):
    """A single return (interviewer mode, a resolved paper form) cannot be stored; says why."""


def record_return(session: Session, sample: FieldSample, member: SampleMember, *, key: str,
                  code: str, answers: dict[str, str], source: str,
                  minutes: float | None = None) -> bool:
    """Store one return, by the same rules as an imported file; False if ``key`` was stored
    before for this respondent (a double submit stores nothing twice).

    Answers are kept only for a complete or partial interview (AAPOR 1.1, 1.2); a respondent
    has at most one of those.
    """
    if sample.closed_at is not None:
        raise ReturnRefused(_("fieldwork on this sample is closed"))
    if member.sample_id != sample.id:
        raise ReturnRefused(_("the respondent is not in this sample"))
    try:
        category = classify(code)
    except AnalysisError as exc:
        raise ReturnRefused(str(exc)) from None

    def stored_before() -> bool:
        earlier = session.scalar(select(FieldInterview.sample_member_id).where(
            FieldInterview.sample_id == sample.id, FieldInterview.submission_key == key))
        if earlier is not None and earlier != member.id:
            raise ReturnRefused(_("this submission was stored before for another respondent"))
        return earlier is not None

    if stored_before():
        return False
    if category in ("I", "P") and session.scalar(select(FieldInterview.id).where(
            FieldInterview.sample_member_id == member.id,
            FieldInterview.disposition.in_(["1.1", "1.2"]))) is not None:
        raise ReturnRefused(_("this respondent already has a completed interview"))
    unit_key, attributes = session.execute(
        select(FrameUnit.unit_key, FrameUnit.attributes)
        .where(FrameUnit.id == member.frame_unit_id)).one()
    _add_return(session, sample, member, attributes, key=key, code=code, minutes=minutes,
                answers=answers if category in ("I", "P") else {}, source=source,
                unit_key=unit_key)
    record(session, "fieldwork.return", target=sample.name,
           detail={"source": source, "disposition": code})
    try:
        session.commit()
    except IntegrityError:
        # The same key committed by a concurrent request (two clicks on two workers).
        session.rollback()
        if stored_before():
            return False
        raise
    return True


def xlsform_answers(definition: SurveyDefinition, answers: dict[str, object]) -> dict[str, str]:
    """Answers of the web form as an ODK/Kobo export carries them: XLSForm names
    (``c9.r15`` -> ``c9_r15``), every value text, multiple choices space-separated."""
    names = {aid for q in definition.questions for aid in q.answer_ids}
    out: dict[str, str] = {}
    for answer_id, value in answers.items():
        if answer_id not in names or value in (None, "", []):
            continue
        text = (" ".join(str(v) for v in value) if isinstance(value, list | tuple)
                else str(value))
        out[xls_name(answer_id)] = text
    return out


def monitoring(session: Session, sample: FieldSample, by: str) -> pd.DataFrame:
    """Response rates (RR1, RR3), counts and median interview length per village/interviewer.

    Each sampled unit counts once, with its latest disposition; units without any recorded
    attempt are not yet in the rates (they are reported as ``pending``). A replacement becomes
    a case when an attempt on it is recorded; unused replacements are not counted.
    """
    rows = session.execute(
        select(SampleMember.id, SampleMember.role, FrameUnit.attributes, User.email,
               FieldInterview.disposition,
               FieldInterview.interview_minutes, FieldInterview.id)
        .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
        .outerjoin(User, User.id == SampleMember.interviewer_id)
        .outerjoin(FieldInterview, FieldInterview.sample_member_id == SampleMember.id)
        .where(SampleMember.sample_id == sample.id)
        .order_by(SampleMember.id, FieldInterview.id)).all()
    cases = pd.DataFrame([{"member": m, "group": (attrs.get(by, "") if by != "interviewer"
                                                  else (email or "unassigned")),
                           "disposition": code, "minutes": minutes}
                          for m, role, attrs, email, code, minutes, _ in rows
                          if role == "sample" or code is not None])
    latest = cases.groupby("member").tail(1)
    done = latest[latest["disposition"].notna()]
    pending = latest[latest["disposition"].isna()].groupby("group").size()
    rates = (response_rates_by(done, "group") if len(done)
             else pd.DataFrame(columns=["group", "I", "RR1", "RR3"]))
    rates = rates.set_index("group") if len(rates) else rates
    out = pd.DataFrame(index=sorted(set(latest["group"])))
    out["pending"] = pending.reindex(out.index).fillna(0).astype(int)
    out["contacts"] = done.groupby("group").size().reindex(out.index).fillna(0).astype(int)
    for column in ("I", "RR1", "RR3"):
        out[column] = rates[column].reindex(out.index) if len(rates) else float("nan")
    minutes = done[done["disposition"] == "1.1"].groupby("group")["minutes"].median()
    out["median_minutes"] = minutes.reindex(out.index)
    return out.rename(columns={"I": "completes"}).rename_axis(by).reset_index()
