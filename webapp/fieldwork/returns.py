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
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.errors import AnalysisError
from analysis.sampling.dispositions import classify, response_rates_by
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
        session.add(FieldInterview(sample_id=sample.id, sample_member_id=member.id,
                                   submission_key=key, disposition=code, source=source,
                                   interview_minutes=minutes))
        if answers:
            session.add(FieldAnswer(public_id=secrets.token_hex(16), sample_id=sample.id,
                                    stratum=member.stratum, psu=member.psu,
                                    base_weight=member.base_weight,
                                    attributes=attributes[member.id], answers=answers))
            answered += 1
    record(session, "fieldwork.import", target=sample.name,
           detail={"file": filename, "interviews": len(new), "skipped": skipped})
    session.commit()
    return ReturnsReport(interviews=len(new), answers=answered, skipped=skipped, source=source)


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
