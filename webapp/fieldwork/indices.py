"""Index tables of a household survey (PAPI) from its field answers, design-based.

A field sample is tied to a survey and a period when it is drawn (``parameters["survey"]``,
``parameters["period"]``, a year for PAPI); each answer names its hailong unit through the frame
attribute ``unit`` (a commune's code). Every unit's figures are domain estimates of one design:
base weights, strata and PSUs as drawn (:func:`analysis.sampling.weights.field_design`), scored
by the survey's scoring block (:func:`analysis.scoring.score` on ``design.subset``), so the
variance keeps the whole sample's strata and PSUs. A unit with answers of its own gets scope
``unit``; every ancestor gets a ``subtree`` roll-up over its descendants' answers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.cell_stats import empty_composite
from analysis.errors import AnalysisError
from analysis.sampling.weights import field_design
from analysis.scoring import score
from analysis.unit_stats import MIN_EFFECTIVE_N, RESULT_COLUMNS, SUPPRESS_BELOW
from webapp.fieldwork.estimates import weighted_answers
from webapp.models import FieldAnswer, FieldSample, Unit

UNIT_ATTRIBUTE = "unit"  # the frame attribute holding the hailong unit code of an answer
# Outputs not shown on a page (the raw indicator means behind the 1-10 scores).
HIDDEN_LEVELS = ("indicator_mean",)


def samples_for(session: Session, survey_key: str, period: str | None = None
                ) -> list[FieldSample]:
    """Samples drawn for ``survey_key`` (and ``period``), oldest first."""
    found = session.scalars(select(FieldSample).order_by(FieldSample.id)).all()
    return [s for s in found if (s.parameters or {}).get("survey") == survey_key
            and (period is None or str((s.parameters or {}).get("period")) == period)]


def field_periods(session: Session, survey_key: str) -> list[str]:
    """Periods with a sample of ``survey_key``, in order."""
    return sorted({str(s.parameters["period"]) for s in samples_for(session, survey_key)
                   if s.parameters.get("period")})


def field_stamp(session: Session) -> tuple[object, ...]:
    """Changes when a sample is drawn or answers are imported (memo keys)."""
    return (session.scalar(select(func.max(FieldAnswer.id))),
            session.scalar(select(func.max(FieldSample.id))))


def answers_frame(session: Session, survey_key: str, period: str) -> pd.DataFrame:
    """The answers of every sample of the survey and period, with ``stratum``, ``psu``,
    ``base_weight`` and the unit code (strata prefixed by the sample when there are several)."""
    frames = []
    samples = samples_for(session, survey_key, period)
    for sample in samples:
        try:
            frame = weighted_answers(session, sample)
        except AnalysisError:  # drawn, no answers imported yet
            continue
        if len(samples) > 1:
            frame["stratum"] = sample.name + "/" + frame["stratum"].astype(str)
            frame["psu"] = sample.name + "/" + frame["psu"].astype(str)
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    if UNIT_ATTRIBUTE not in out.columns:
        raise AnalysisError(f"the frame of {survey_key} {period} has no column "
                            f"{UNIT_ATTRIBUTE!r} naming each person's unit")
    return out


def _kish(weights: np.ndarray) -> float:
    total = weights.sum()
    return float(total * total / (weights * weights).sum()) if total > 0 else 0.0


def field_results(session: Session, survey_key: str, period: str, spec: Mapping[str, Any],
                  units: list[Unit]) -> tuple[pd.DataFrame, int]:
    """Result rows (``RESULT_COLUMNS``) for ``units`` and the number of answers behind them."""
    frame = answers_frame(session, survey_key, period)
    if frame.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS), 0
    design = field_design(frame, weight="base_weight", clusters=("psu",))
    codes = frame[UNIT_ATTRIBUTE].astype(str).to_numpy()
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    code_of = dict(session.execute(select(Unit.id, Unit.code)).all())
    ancestors: dict[str, set[str]] = {}
    for uid, code in code_of.items():
        chain, at = {code}, parents.get(uid)
        while at is not None:
            chain.add(code_of[at])
            at = parents.get(at)
        ancestors[code] = chain
    rows = []
    for unit in units:
        own = codes == unit.code
        inside = np.array([unit.code in ancestors.get(c, {c}) for c in codes])
        for scope, mask in (("unit", own), ("subtree", inside)):
            if scope == "subtree" and inside.sum() == own.sum():
                continue  # no answers below the unit: its own figures say it all
            if not mask.any():
                continue
            rows += _domain_rows(design.subset(mask), spec, unit.code, period, scope,
                                 int(mask.sum()))
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return out, len(frame)


def _domain_rows(design: Any, spec: Mapping[str, Any], unit: str, period: str, scope: str,
                 answers: int) -> list[dict[str, Any]]:
    estimates = score(design, spec)
    shape = empty_composite(spec)
    levels = dict(zip(shape.output_ids, shape.output_levels, strict=True))
    n_eff = _kish(design.weights[design.weights != 0])
    rows = []
    for index_id, est in estimates.items():
        level = levels[index_id]
        if level in HIDDEN_LEVELS:
            continue
        suppressed = est.n < SUPPRESS_BELOW or math.isnan(est.estimate)
        rows.append({"unit": unit, "period": period, "scope": scope, "index_id": index_id,
                     "index_level": level,
                     "estimate": math.nan if suppressed else est.estimate,
                     "se": est.se, "ci_low": math.nan if suppressed else est.ci_low,
                     "ci_high": math.nan if suppressed else est.ci_high, "df": est.df,
                     "n": est.n, "n_eff": n_eff, "deff": est.deff, "n_responses": answers,
                     "small_sample": n_eff < MIN_EFFECTIVE_N, "suppressed": suppressed,
                     "ci_method": est.method})
    return rows
