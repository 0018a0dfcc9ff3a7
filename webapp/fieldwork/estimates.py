"""Design-based estimates from a field sample's imported answers.

Weights: base weight, then non-response adjustment within weighting classes (frame
attributes), then optional raking to population margins and trimming
(:mod:`analysis.sampling.weights`). The class total is the base weight of the *sampled* units
(replacements excluded) that are not known to be ineligible (AAPOR 4.x); cases still pending or
of unknown eligibility count as eligible. All answers (from sampled units and from the
replacements used) share that total, so replacement is treated as a non-response adjustment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.errors import AnalysisError
from analysis.estimators import mean
from analysis.results import Estimate
from analysis.sampling.dispositions import classify
from analysis.sampling.weights import field_design, read_margins
from survey_defs.ethnic_groups import split
from webapp.models import FieldAnswer, FieldInterview, FieldSample, FrameUnit, SampleMember


@dataclass(frozen=True)
class FieldEstimate:
    """A mean with its design-based interval, and how many answers it rests on."""

    variable: str
    estimate: Estimate
    answers: int


def _class_key(attributes: dict, classes: Sequence[str]) -> str:
    return "|".join(str(attributes.get(c, "")) for c in classes)


def weighted_answers(session: Session, sample: FieldSample,
                     classes: Sequence[str] = ()) -> pd.DataFrame:
    """One row per answer with ``stratum``, ``psu``, ``base_weight``, ``weight`` (adjusted)."""
    answers = session.scalars(select(FieldAnswer).where(FieldAnswer.sample_id == sample.id)
                              .order_by(FieldAnswer.id)).all()
    if not answers:
        raise AnalysisError(f"sample {sample.name!r} has no imported answers")
    frame = pd.DataFrame([{**a.attributes, **a.answers, "stratum": a.stratum, "psu": a.psu,
                           "base_weight": a.base_weight} for a in answers])
    if "ethnicity" in frame.columns:
        # Weighting classes and margins may use the official list or the Kinh / minority split.
        codes = pd.to_numeric(frame["ethnicity"], errors="coerce")
        frame["ethnicity_split"] = codes.map(lambda c: split(int(c)) if pd.notna(c) else None)
    missing = [c for c in classes if c not in frame.columns]
    if missing:
        raise AnalysisError(f"weighting class column {missing[0]!r} is not a frame attribute")
    latest: dict[int, str] = {}
    for member_id, code in session.execute(
            select(FieldInterview.sample_member_id, FieldInterview.disposition)
            .where(FieldInterview.sample_id == sample.id).order_by(FieldInterview.id)):
        latest[member_id] = code
    sampled: dict[str, float] = {}
    for member_id, weight, attributes in session.execute(
            select(SampleMember.id, SampleMember.base_weight, FrameUnit.attributes)
            .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
            .where(SampleMember.sample_id == sample.id, SampleMember.role == "sample")):
        code = latest.get(member_id)
        if code is not None and classify(code) == "NE":
            continue
        key = _class_key(attributes, classes)
        sampled[key] = sampled.get(key, 0.0) + weight
    keys = frame.apply(lambda row: _class_key(row.to_dict(), classes), axis=1)
    answered = frame["base_weight"].groupby(keys).transform("sum")
    frame["weight"] = frame["base_weight"] * keys.map(sampled).fillna(np.nan) / answered
    if frame["weight"].isna().any():
        raise AnalysisError(f"weighting class {keys[frame['weight'].isna()].iloc[0]!r} has "
                            "answers but no eligible sampled unit: merge classes")
    return frame


def estimate_mean(session: Session, sample: FieldSample, variable: str, *,
                  classes: Sequence[str] = (), margins: Path | None = None,
                  trim_upper: float | None = None) -> FieldEstimate:
    """Weighted mean of a numeric answer with its Taylor-linearised 95% interval."""
    frame = weighted_answers(session, sample, classes)
    if variable not in frame.columns:
        raise AnalysisError(f"no answer {variable!r} in sample {sample.name!r}")
    frame[variable] = pd.to_numeric(frame[variable], errors="coerce")
    design = field_design(frame, weight="weight", clusters=("psu",),
                          margins=read_margins(margins) if margins else None,
                          trim_upper=trim_upper)
    return FieldEstimate(variable=variable, estimate=mean(design, variable),
                         answers=int(frame[variable].notna().sum()))
