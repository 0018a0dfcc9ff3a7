"""``hailong demo``: a province with counters, users and synthetic responses of known structure.

Known structure (so later screens have something true to show): units differ in satisfaction
(``COMMUNES`` offsets), some improve or decline month by month (trend), slow fields such as land
are rated lower, a few criteria are weak everywhere, and one counter of the centre hands out
far more codes for quick certifications than their share of dossiers, which weights correct.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import survey_defs

from .. import audit
from ..administration.surveys import publish_definition
from ..administration.users import create_user
from ..counters.service import counter_url
from ..models import Counter, DossierCount, Procedure, ProcedureField, Response, Role, Unit
from ..periods import Period, parse_period
from .data import (
    COMMUNES,
    CRITERION_OFFSETS_BY_POSITION,
    FIELD_OFFSETS,
    FIELDS,
    PROCEDURES,
    PROVINCE,
)
from .followup import load_demo_followup, load_demo_unit_scores
from .papi import load_demo_papi

DEMO_MONTHS = 12
BASE_LOGIT = 1.1  # about 75% satisfied on a typical criterion


@dataclass
class DemoReport:
    """What ``hailong demo`` loaded, and how to sign in."""

    already_loaded: bool = False
    # (role, email, password, unit the login sees: "CODE name", or every unit for admins)
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)
    responses: int = 0
    survey_url: str = ""
    others: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Human-readable summary for the command line."""
        if self.already_loaded:
            return ["demo data already loaded (nothing changed)"]
        out = [f"demo province loaded: {self.responses} synthetic responses"]
        if self.others:
            out.append("also: " + ", ".join(f"{key} {n}" for key, n in self.others.items())
                       + " (PAPI: completed household interviews of the drawn sample)")
        out += [f"login {role:13s} {email}  password: {pw}  unit: {unit}"
                for role, email, pw, unit in self.logins]
        if self.survey_url:
            out.append(f"survey URL of a counter: {self.survey_url}")
        return out


def demo_months(today: dt.date | None = None) -> list[str]:
    """The twelve months ending with the current one, oldest first."""
    today = today or dt.date.today()
    return [str(p) for p in Period.month_of(today.year, today.month).recent(DEMO_MONTHS)]


def _load_units(session: Session) -> list[Unit]:
    code, name_vi, name_en, unit_type = PROVINCE
    province = Unit(code=code, name_vi=name_vi, name_en=name_en, unit_type=unit_type,
                    valid_from=dt.date(2025, 7, 1))
    session.add(province)
    communes = []
    for c_code, c_vi, c_en, c_type, *_ in COMMUNES:
        unit = Unit(code=c_code, name_vi=c_vi, name_en=c_en, unit_type=c_type, parent=province,
                    valid_from=dt.date(2025, 7, 1))
        unit.counters = [Counter(code=f"{c_code}-Q{i}", name_vi=f"Quầy số {i}",
                                 name_en=f"Counter {i}") for i in (1, 2)]
        communes.append(unit)
    session.add_all(communes)
    return communes


def _load_fields(session: Session) -> dict[str, ProcedureField]:
    fields = {code: ProcedureField(code=code, name_vi=vi, name_en=en) for code, vi, en, _ in FIELDS}
    session.add_all(fields.values())
    for national_code, vi, en, field_code in PROCEDURES:
        session.add(Procedure(national_code=national_code, name_vi=vi, name_en=en,
                              field=fields[field_code]))
    return fields


def _load_dossier_counts(session: Session, communes: list[Unit],
                         fields: dict[str, ProcedureField], months: list[str],
                         rng: np.random.Generator) -> None:
    sizes = {c[0]: c[4] for c in COMMUNES}
    for unit in communes:
        for f_code, _, _, monthly in FIELDS:
            for month in months:
                mean = monthly * sizes[unit.code]
                session.add(DossierCount(unit_id=unit.id, field_id=fields[f_code].id,
                                         period=month, dossiers=int(rng.poisson(mean))))


def _answer_for_item(p_satisfied: float, rng: np.random.Generator) -> int:
    if rng.random() < p_satisfied:
        return 5 if rng.random() < 0.35 else 4
    return int(rng.choice([1, 2, 3], p=[0.1, 0.3, 0.6]))


def synthetic_answers(definition: survey_defs.SurveyDefinition, logit: float,
                      rng: np.random.Generator, context: dict[str, object]) -> dict[str, Any]:
    """A valid answer set: scored criteria satisfied with probability ``expit(logit + offset)``,
    every other coded question answered at random, skip logic applied by validation."""
    spec = definition.scoring_spec()
    scored: dict[str, float] = {}
    if spec.get("method") == "sipas" and spec.get("overall_item"):
        scored[spec["overall_item"]] = 1 / (1 + math.exp(-logit))
    position = 0
    for element in spec.get("elements", []):
        for item in element["criteria"]:
            offset = CRITERION_OFFSETS_BY_POSITION.get(position, 0.0)
            scored[item] = 1 / (1 + math.exp(-(logit + offset)))
            position += 1
        if element.get("satisfaction_item"):
            scored[element["satisfaction_item"]] = 1 / (1 + math.exp(-logit))
    answers: dict[str, Any] = {}
    for question in definition.questions:
        for answer_id in question.answer_ids:
            scale = definition.scale_of(answer_id)
            if answer_id in scored:
                answers[answer_id] = _answer_for_item(scored[answer_id], rng)
            elif question.type == "multiple" and scale is not None:
                k = int(rng.integers(1, (question.max_choices or 2) + 1))
                answers[answer_id] = [int(c) for c in rng.choice(scale.codes, size=k,
                                                                   replace=False)]
            elif scale is not None:
                answers[answer_id] = int(rng.choice(scale.codes))
            elif question.type == "number":
                low, high = question.min or 0, question.max or 10
                answers[answer_id] = int(rng.integers(int(low), int(high) + 1))
    clean, errors = survey_defs.validate_answers(definition, answers, context=context)
    if errors:
        raise RuntimeError(f"demo answers do not validate: {errors[:3]}")
    return clean


def _load_responses(session: Session, communes: list[Unit], fields: dict[str, ProcedureField],
                    months: list[str], total: int, rng: np.random.Generator,
                    survey_key: str = "sipas") -> int:
    version_id, definition = _version(session, survey_key)
    onestop = definition.scoring_spec().get("method") == "onestop"
    by_code = {c[0]: c for c in COMMUNES}
    weights = np.array([by_code[u.code][4] for u in communes])
    field_codes = [f[0] for f in FIELDS]
    field_share = np.array([f[3] for f in FIELDS], dtype=float)
    field_share /= field_share.sum()
    rows = []
    for _ in range(total):
        unit = communes[rng.choice(len(communes), p=weights / weights.sum())]
        month_index = int(rng.integers(len(months)))
        counter = unit.counters[0] if rng.random() < 0.6 else unit.counters[1]
        share = field_share
        if unit.code == "LD-TTHCC" and counter is unit.counters[0]:
            # The over-eager counter: most of its codes go to quick certifications.
            share = np.where(np.array(field_codes) == "CT", 4.0, 1.0) * field_share
            share = share / share.sum()
        f_code = field_codes[int(rng.choice(len(field_codes), p=share))]
        _, _, _, _, _, offset, trend = by_code[unit.code]
        logit = BASE_LOGIT + offset + trend * month_index + FIELD_OFFSETS.get(f_code, 0.0)
        context = {"procedure": fields[f_code].name_vi}
        # Slow fields and weak units return more dossiers late (the receipt's token says so).
        on_time = bool(rng.random() < 1 / (1 + math.exp(-(2.2 + offset
                                                           + FIELD_OFFSETS.get(f_code, 0.0)))))
        answers = (onestop_answers(definition, logit, rng, context) if onestop
                   else synthetic_answers(definition, logit, rng, context))
        rows.append(Response(
            public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
            survey_version_id=version_id, unit_id=unit.id, counter_id=counter.id,
            field_id=fields[f_code].id, period=months[month_index],
            channel="dossier" if onestop else "demo", on_time=on_time, language="vi",
            answers=answers))
    session.add_all(rows)
    return len(rows)


def onestop_answers(definition: survey_defs.SurveyDefinition, logit: float,
                    rng: np.random.Generator, context: dict[str, object]) -> dict[str, Any]:
    """A one-stop rating after a dossier: the overall rating (with a reason when not
    satisfied) and the citizen-rated indicators, better with ``logit``."""
    good = 1 / (1 + math.exp(-logit))
    spec = definition.scoring_spec()
    answers: dict[str, Any] = {}
    overall = 2 if rng.random() < good * 0.45 else (1 if rng.random() < good else 0)
    answers[spec["overall_item"]] = overall
    if overall == 0 and spec.get("reason_item"):
        answers[spec["reason_item"]] = str(rng.choice(ONESTOP_REASONS))
    for ind in spec["indicators"]:
        if ind["supplied_by"] != "citizen":
            continue
        by_points = {int(p): int(code) for code, p in ind["points"].items()}
        points = 2 if rng.random() < good * 0.6 else (1 if rng.random() < good else 0)
        answers[ind["item"]] = by_points[points]
    clean, errors = survey_defs.validate_answers(definition, answers, context=context)
    if errors:
        raise RuntimeError(f"demo one-stop answers do not validate: {errors[:3]}")
    return clean


ONESTOP_REASONS = ("Phải đi lại nhiều lần mới xong hồ sơ.",
                   "Trả kết quả chậm hơn ngày hẹn.",
                   "Không được hướng dẫn rõ phải bổ sung giấy tờ gì.")


def _version(session: Session, survey_key: str) -> tuple[int, survey_defs.SurveyDefinition]:
    from ..survey_versions import latest_version, load_version

    version = latest_version(session, survey_key)
    if version is None:
        raise RuntimeError(f"the {survey_key} definition is not published")
    return version.id, load_version(version)


def load_demo(session: Session, config: Mapping[str, Any], *, responses: int = 3000,
              seed: int = 2025) -> DemoReport:
    """Load the demo once; a second call changes nothing and says so."""
    if session.scalar(select(func.count()).select_from(Unit).where(Unit.code == PROVINCE[0])):
        return DemoReport(already_loaded=True)
    rng = np.random.default_rng(seed)
    for path in survey_defs.shipped_paths():
        publish_definition(session, path)
    months = demo_months()
    communes = _load_units(session)
    fields = _load_fields(session)
    session.flush()
    _load_dossier_counts(session, communes, fields, months, rng)
    session.flush()
    count = _load_responses(session, communes, fields, months, responses, rng)
    # The other instruments: one-stop ratings from dossier receipts over the same months,
    # SIPAS 2017 (QĐ 2640) in the year before them for comparison, PAPI through fieldwork.
    ratings = _load_responses(session, communes, fields, months, responses // 2, rng,
                              "onestop")
    earlier = [str(p) for p in parse_period(months[0]).previous().recent(DEMO_MONTHS)]
    _load_dossier_counts(session, communes, fields, earlier, rng)
    sipas_2017 = _load_responses(session, communes, fields, earlier, responses // 3, rng,
                                 "sipas_2017")
    comments = load_demo_followup(session, communes, months, rng)
    entered = load_demo_unit_scores(session, communes, months)
    audit.record(session, "demo.load", detail={"responses": count, "seed": seed,
                                               "comments": comments, "onestop": ratings,
                                               "sipas_2017": sipas_2017,
                                               "onestop_unit_scores": entered})
    session.commit()
    interviews = load_demo_papi(session, int(months[-1][:4]) - 1, seed)
    session.commit()

    report = DemoReport(responses=count, others={"onestop": ratings, "sipas_2017": sipas_2017,
                                                 "papi": interviews})
    password = f"demo-{secrets.token_hex(4)}"
    for role, email, unit_code in (
        (Role.ADMIN, "admin@demo.hailong", None),
        (Role.UNIT_MANAGER, "manager.dakso@demo.hailong", "LD-DS"),
        # A manager of the whole province sees the communes compared, as PAPI shows provinces.
        (Role.UNIT_MANAGER, "manager.lamdong@demo.hailong", PROVINCE[0]),
        (Role.ANALYST, "analyst@demo.hailong", PROVINCE[0]),
        (Role.VIEWER, "viewer.giangh@demo.hailong", "LD-GN"),
    ):
        create_user(session, email=email, role=role, unit_code=unit_code, password=password)
        unit = session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
        scope = f"{unit.code} {unit.name_vi}" if unit else "every unit (administrator)"
        report.logins.append((role.value, email, password, scope))
    report.survey_url = counter_survey_url(session, config)
    return report


def counter_survey_url(session: Session, config: Mapping[str, Any]) -> str:
    """The survey URL of the demo centre's first counter."""
    counter = session.scalar(select(Counter).join(Unit).where(Unit.code == "LD-TTHCC")
                             .order_by(Counter.code).limit(1))
    return counter_url(counter, config) if counter else ""
