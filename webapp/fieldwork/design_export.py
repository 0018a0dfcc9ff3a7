"""A field sample's answers with their design variables, for a statistician's own software.

One row per answer (in ``public_id`` order, never the order of entry): ``answer_id``,
``stratum``, ``psu``, ``base_weight`` (1/prob from the draw), ``nr_weight`` (after the
non-response adjustment within weighting classes), ``final_weight`` (after raking and trimming,
when asked; else ``nr_weight``), the frame's design attributes, the coded answers (numbers) and
``rep_1 … rep_R``, Rao-Wu bootstrap replicates of the final weight in which the non-response
adjustment, raking and trimming are redone
(:func:`analysis.sampling.bootstrap.adjusted_replicates`). Free-text answers are left out
(they can name people);
nothing links a row to the sampled person. Beside it: ``design.R`` and ``design.do`` declaring
the design (``svydesign``/``svrepdesign``; ``svyset``) and estimating every answer's mean,
``README.txt`` and, when raking was asked, the margins used.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.errors import AnalysisError
from analysis.sampling.bootstrap import replicate_mean
from survey_defs import SurveyDefinition
from survey_defs.xlsform import xls_name

from ..models import FieldAnswer, FieldSample
from .design_scripts import r_script, readme, stata_do
from .estimates import weighted_sample

DESIGN_COLUMNS = ["answer_id", "stratum", "psu", "base_weight", "nr_weight", "final_weight"]


@dataclass(frozen=True)
class FieldExport:
    """The rows, which columns are answers, and how the weights were made."""

    rows: pd.DataFrame
    answers: list[str]
    attributes: list[str]
    replicates: int
    seed: int
    margins: Path | None
    trim_upper: float | None


def field_export(session: Session, sample: FieldSample, definition: SurveyDefinition, *,
                 classes: Sequence[str] = (), margins: Path | None = None,
                 trim_upper: float | None = None, replicates: int = 200,
                 seed: int = 1) -> FieldExport:
    """Build the export table (see the module docstring)."""
    weighted = weighted_sample(session, sample, classes=classes, margins=margins,
                               trim_upper=trim_upper, replicates=replicates, seed=seed)
    frame = weighted.frame
    public = list(session.scalars(select(FieldAnswer.public_id)
                                  .where(FieldAnswer.sample_id == sample.id)
                                  .order_by(FieldAnswer.id)))
    frame.insert(0, "answer_id", public)
    order = np.argsort(np.asarray(public, dtype=str), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    assert weighted.replicates is not None
    final = weighted.design.weights[order]
    rep_weights = weighted.replicates.weights[order]
    coded = [xls_name(aid) for q in definition.questions if q.type != "text"
             for aid in q.answer_ids]
    answers = [c for c in coded if c in frame.columns]
    attributes = sorted(set(frame.columns) - set(answers) - {"answer_id", "stratum", "psu",
                                                             "base_weight", "weight", "wclass"}
                        - {xls_name(aid) for aid in definition.answer_ids()})
    out = pd.DataFrame({"answer_id": frame["answer_id"], "stratum": frame["stratum"],
                        "psu": frame["psu"], "base_weight": frame["base_weight"],
                        "nr_weight": frame["weight"], "final_weight": final})
    for column in attributes:
        out[column] = frame[column]
    for column in answers:
        out[column] = pd.to_numeric(frame[column], errors="coerce")
    reps = pd.DataFrame(rep_weights, columns=[f"rep_{r + 1}" for r in range(replicates)])
    return FieldExport(pd.concat([out, reps], axis=1), answers, attributes, replicates, seed,
                       margins, trim_upper)


def bootstrap_means(export: FieldExport) -> pd.DataFrame:
    """Each answer's mean and bootstrap SE from the exported replicates (what ``design.R``
    reproduces with ``svrepdesign``)."""
    from analysis.replicates import ReplicateWeights

    reps = export.rows[[f"rep_{r + 1}" for r in range(export.replicates)]].to_numpy()
    rep = ReplicateWeights(reps, np.ones(export.replicates), 1.0 / export.replicates,
                           "bootstrap")
    rows = []
    for column in export.answers:
        try:
            estimate, se = replicate_mean(export.rows["final_weight"].to_numpy(), rep,
                                          export.rows[column].to_numpy(dtype=float))
        except AnalysisError:
            continue
        rows.append({"variable": column, "estimate": estimate, "se_bootstrap": se})
    return pd.DataFrame(rows)


def write_field_export(export: FieldExport, sample: FieldSample, out_dir: Path) -> list[Path]:
    """Write ``field_answers.csv``, ``design.R``, ``design.do``, ``README.txt`` (and the
    margins) into ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = out_dir / "field_answers.csv"
    export.rows.to_csv(data, index=False, encoding="utf-8")
    written = [data]
    margins_name = None
    if export.margins is not None:
        margins_name = "margins.csv"
        shutil.copyfile(export.margins, out_dir / margins_name)
        written.append(out_dir / margins_name)
    texts = {
        "design.R": r_script(export.answers, export.replicates, margins_name,
                             export.trim_upper),
        "design.do": stata_do(export.answers, export.replicates, margins_name),
        "README.txt": readme(sample.name, replicates=export.replicates, seed=export.seed,
                             attributes=export.attributes, margins_name=margins_name,
                             trim_upper=export.trim_upper),
    }
    for name, text in texts.items():
        (out_dir / name).write_text(text, encoding="utf-8")
        written.append(out_dir / name)
    return written
