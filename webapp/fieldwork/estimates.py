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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.design import SurveyDesign
from analysis.errors import AnalysisError
from analysis.estimators import mean
from analysis.replicates import ReplicateWeights
from analysis.results import Estimate
from analysis.sampling.bootstrap import adjusted_replicates, replicate_mean
from analysis.sampling.dispositions import classify
from analysis.sampling.weights import field_design, read_margins
from survey_defs import SurveyDefinition
from survey_defs.ethnic_groups import split
from survey_defs.model import Labels
from survey_defs.xlsform import xls_name
from webapp.models import FieldAnswer, FieldInterview, FieldSample, FrameUnit, SampleMember


@dataclass(frozen=True)
class FieldEstimate:
    """A mean with its design-based interval (and how its variance was computed: Taylor
    linearisation or bootstrap replicates), and how many answers it rests on."""

    variable: str
    estimate: Estimate
    answers: int
    method: str = "taylor"  # or "bootstrap"
    replicates: int = 0


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
    units = eligible_units(session, sample, classes)
    sampled = units.groupby("wclass")["base_weight"].sum().to_dict()
    keys = frame.apply(lambda row: _class_key(row.to_dict(), classes), axis=1)
    frame["wclass"] = keys
    answered = frame["base_weight"].groupby(keys).transform("sum")
    frame["weight"] = frame["base_weight"] * keys.map(sampled).fillna(np.nan) / answered
    if frame["weight"].isna().any():
        raise AnalysisError(f"weighting class {keys[frame['weight'].isna()].iloc[0]!r} has "
                            "answers but no eligible sampled unit: merge classes")
    return frame


def eligible_units(session: Session, sample: FieldSample, classes: Sequence[str] = (),
                   leave_out: set[int] | None = None) -> pd.DataFrame:
    """The sampled units (not replacements) not known to be ineligible: ``stratum``, ``psu``,
    ``base_weight`` and their weighting class ``wclass`` (without the ``leave_out`` ids)."""
    latest: dict[int, str] = {}
    for member_id, code in session.execute(
            select(FieldInterview.sample_member_id, FieldInterview.disposition)
            .where(FieldInterview.sample_id == sample.id).order_by(FieldInterview.id)):
        latest[member_id] = code
    rows = []
    for member_id, stratum, psu, weight, attributes in session.execute(
            select(SampleMember.id, SampleMember.stratum, SampleMember.psu,
                   SampleMember.base_weight, FrameUnit.attributes)
            .join(FrameUnit, FrameUnit.id == SampleMember.frame_unit_id)
            .where(SampleMember.sample_id == sample.id, SampleMember.role == "sample")
            .order_by(SampleMember.id)):
        last = latest.get(member_id)
        if (last is not None and classify(last) == "NE") or member_id in (leave_out or ()):
            continue
        rows.append({"stratum": stratum, "psu": psu, "base_weight": weight,
                     "wclass": _class_key(attributes, classes)})
    return pd.DataFrame(rows, columns=["stratum", "psu", "base_weight", "wclass"])


def _replicate_units(session: Session, sample: FieldSample, classes: Sequence[str],
                     answers: pd.DataFrame) -> pd.DataFrame:
    """The eligible sampled units as the replicates must scale them: with their own PSU when
    answers carry it (multi-stage: the village), else (single-stage, where an answer's PSU is
    a random label so it cannot be traced to the person) the answers stand for the sampled
    units that gave them, and only the units that did not answer are taken from the sample."""
    units = eligible_units(session, sample, classes)
    if set(answers["psu"].astype(str)) <= set(units["psu"].astype(str)):
        return units
    answered: set[int] = set()
    for member_id, code in session.execute(
            select(FieldInterview.sample_member_id, FieldInterview.disposition)
            .where(FieldInterview.sample_id == sample.id)):
        if classify(code) in ("I", "P"):
            answered.add(member_id)
    roles = dict(session.execute(select(SampleMember.id, SampleMember.role)
                                 .where(SampleMember.id.in_(answered))).all())
    if any(role != "sample" for role in roles.values()):
        raise AnalysisError("replacements answered in a single-stage sample: its bootstrap "
                            "cannot tell their answers from the sampled units' (use "
                            "--variance taylor)")
    if len(roles) != len(answers):
        raise AnalysisError(f"{len(answers)} answers but {len(roles)} answering sampled units: "
                            "the bootstrap cannot scale them together (use --variance taylor)")
    missing = eligible_units(session, sample, classes, leave_out=answered)
    return pd.concat([missing, answers[["stratum", "psu", "base_weight", "wclass"]]],
                     ignore_index=True)


@dataclass(frozen=True)
class WeightedSample:
    """The answers with their weights, the design, and bootstrap replicates (if asked)."""

    frame: pd.DataFrame
    design: SurveyDesign
    replicates: ReplicateWeights | None
    nr_replicates: np.ndarray | None


def weighted_sample(session: Session, sample: FieldSample, *, classes: Sequence[str] = (),
                    margins: Path | None = None, trim_upper: float | None = None,
                    replicates: int = 0, seed: int = 1,
                    numeric: Sequence[str] = ()) -> WeightedSample:
    """Answers, final weights (non-response, rake, trim) and, with ``replicates``, Rao-Wu
    replicates in which every adjustment is redone (:func:`adjusted_replicates`). The
    ``numeric`` answers are read as numbers (blank or text: missing)."""
    frame = weighted_answers(session, sample, classes)
    for column in numeric:
        if column not in frame.columns:
            raise AnalysisError(f"no answer {column!r} in sample {sample.name!r}")
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    read = read_margins(margins) if margins else None
    design = field_design(frame, weight="weight", clusters=("psu",), margins=read,
                          trim_upper=trim_upper)
    if not replicates:
        return WeightedSample(frame, design, None, None)
    table = frame.copy()
    for margin in read or ():
        for column in margin.columns:
            if column != "Freq" and column in table.columns:
                table[column] = table[column].astype(str)
    trim_factor = None
    if trim_upper is not None:
        raked = field_design(frame, weight="weight", clusters=("psu",), margins=read).weights
        trim_factor = np.divide(design.weights, raked, out=np.zeros_like(raked),
                                where=raked > 0)
    nr, rep = adjusted_replicates(_replicate_units(session, sample, classes, table), table,
                                  margins=read, trim_factor=trim_factor,
                                  replicates=replicates, seed=seed)
    return WeightedSample(frame, design, rep, nr)


VARIANCE_METHODS = ("taylor", "bootstrap")


def estimate_mean(session: Session, sample: FieldSample, variable: str, *,
                  classes: Sequence[str] = (), margins: Path | None = None,
                  trim_upper: float | None = None, variance: str = "taylor",
                  replicates: int = 200, seed: int = 1) -> FieldEstimate:
    """Weighted mean of a numeric answer with its 95% interval: Taylor-linearised, or from
    ``replicates`` bootstrap replicates that redo the weighting (normal interval, as R's
    ``confint`` on a replicate design)."""
    if variance not in VARIANCE_METHODS:
        raise AnalysisError(f"variance must be taylor or bootstrap, not {variance!r}")
    weighted = weighted_sample(session, sample, classes=classes, margins=margins,
                               trim_upper=trim_upper,
                               replicates=replicates if variance == "bootstrap" else 0,
                               seed=seed, numeric=[variable])
    design, values = weighted.design, weighted.frame[variable]
    linear = mean(design, variable)
    answers = int(values.notna().sum())
    if weighted.replicates is None:
        return FieldEstimate(variable=variable, estimate=linear, answers=answers,
                             method="taylor")
    point, se = replicate_mean(design.weights, weighted.replicates, values.to_numpy(dtype=float))
    z = float(norm.ppf(0.975))
    boot = replace(linear, estimate=point, se=se, ci_low=point - z * se,
                   ci_high=point + z * se)
    return FieldEstimate(variable=variable, estimate=boot, answers=answers,
                         method="bootstrap", replicates=weighted.replicates.weights.shape[1])


def estimate_choices(definition: SurveyDefinition) -> list[tuple[str, Labels, Labels | None]]:
    """Numeric and coded answers that can be averaged: XLSForm name, the question's labels
    and, for a grid, the row's labels (the page picks the reader's language)."""
    out: list[tuple[str, Labels, Labels | None]] = []
    for q in definition.questions:
        if q.type == "text":
            continue
        rows = {f"{q.id}.{r.id}": r.label for r in q.rows} if q.type == "grid" else {}
        for aid in q.answer_ids:
            out.append((xls_name(aid), q.label, rows.get(aid)))
    return out
