"""The demo's PAPI-style household survey, run the way fieldwork runs it.

A village frame and resident lists of the demo communes (grouped in their former districts, as
PAPI's design still needs a district stage, papi.md §6.4) are imported as frames, the shipped
PAPI design draws the sample (:func:`webapp.fieldwork.samples.draw_design_sample`), and the
interviews come back as an ODK Central-style CSV export read by
:func:`webapp.fieldwork.returns.import_returns`: the same path a real survey takes. Answers are
synthetic; communes differ (``COMMUNE_OFFSETS``), so the pages have something to compare.
"""

from __future__ import annotations

import csv
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

import survey_defs

from ..fieldwork.frames import import_frame
from ..fieldwork.returns import import_returns
from ..fieldwork.samples import draw_design_sample
from ..models import Unit
from ..survey_versions import latest_version, load_version

# former district -> (its communes, the seat first); the province's capital district first.
DISTRICTS = (("GN", ("LD-GN", "LD-BGN", "LD-NGN")),
             ("DSO", ("LD-DS", "LD-DA", "LD-TX", "LD-NB")),
             ("DMI", ("LD-TA", "LD-QS")))
VILLAGES_PER_COMMUNE = 3
RESPONSE_RATE = 0.85
BASE_LOGIT = 0.4
COMMUNE_OFFSETS = {"LD-GN": 0.5, "LD-DS": -0.5, "LD-TA": -0.2, "LD-BGN": 0.2}
QUALITY_GOOD = (3, 4)


def _frames(directory: Path, rng: np.random.Generator) -> tuple[Path, Path]:
    areas = [["unit_id", "province", "district", "commune", "village", "adults",
              "district_capital", "district_seat", "commune_seat"]]
    persons = [["unit_id", "province", "district", "commune", "village", "unit", "sex"]]
    for d, (district, communes) in enumerate(DISTRICTS):
        for c, commune in enumerate(communes):
            for v in range(VILLAGES_PER_COMMUNE):
                village = f"{commune}-T{v + 1}"
                adults = int(rng.integers(40, 90))
                areas.append([village, "LD", district, commune, village, adults, int(d == 0),
                              int(c == 0), int(v == 0)])
                persons += [[f"{village}-{i:03d}", "LD", district, commune, village, commune,
                             "nam" if rng.random() < 0.5 else "nu"] for i in range(adults)]
    paths = directory / "villages.csv", directory / "residents.csv"
    for path, rows in zip(paths, (areas, persons), strict=True):
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return paths


def _good_codes(indicator: dict[str, Any]) -> tuple[set[float], set[float]]:
    """Codes that make the indicator's score high and low."""
    values = {float(k): float(v) for k, v in (indicator.get("values") or {}).items()}
    high = max(values.values(), default=1.0)
    better = {c for c, v in values.items() if v == high}
    worse = set(values) - better
    if indicator.get("direction") == "lower_better":
        better, worse = worse, better
    return better, worse


def papi_answers(definition: survey_defs.SurveyDefinition, logit: float,
                 rng: np.random.Generator) -> dict[str, str]:
    """One resident's answers as an ODK export writes them (codes as text), skip logic applied:
    each scored item lands on a "good" code with probability ``expit(logit)``."""
    spec = definition.scoring_spec()
    good = 1 / (1 + math.exp(-logit))
    wanted: dict[str, tuple[set[float], set[float]]] = {}
    for dim in spec["dimensions"]:
        for sub in dim["subdimensions"]:
            for ind in sub["indicators"]:
                wanted[ind["item"]] = _good_codes(ind)
    raw: dict[str, Any] = {}
    for question in definition.questions:
        for answer_id in question.answer_ids:
            scale = definition.scale_of(answer_id)
            if answer_id in wanted and wanted[answer_id][0] and wanted[answer_id][1]:
                better, worse = wanted[answer_id]
                pool = sorted(better if rng.random() < good else worse)
                raw[answer_id] = int(pool[int(rng.integers(len(pool)))])
            elif question.type == "number":
                low, high = question.min or 0, question.max or 10
                top = min(int(high), int(low) + 30)
                raw[answer_id] = int(rng.integers(int(low), top + 1))
            elif scale is not None and question.type != "multiple":
                raw[answer_id] = int(rng.choice([c for c in scale.codes if c != 8]))
            elif question.type == "yesno":
                raw[answer_id] = int(rng.random() < 0.5)
    clean, errors = survey_defs.validate_answers(definition, raw)
    if errors:
        raise RuntimeError(f"demo PAPI answers do not validate: {errors[:3]}")
    return {k: str(v) for k, v in clean.items() if not isinstance(v, list | str)}


def load_demo_papi(session: Session, year: int, seed: int) -> int:
    """Import the frames, draw the PAPI sample for ``year``, import the interviews; return
    how many interviews were completed. The same ``seed`` gives the same answers whatever the
    year and the other instruments' sizes (the R reference of the PAPI page relies on it)."""
    rng = np.random.default_rng([seed, 17])
    version = latest_version(session, "papi")
    if version is None:
        return 0
    definition = load_version(version)
    with tempfile.TemporaryDirectory(prefix="hailong-demo-papi-") as tmp:
        directory = Path(tmp)
        villages, residents = _frames(directory, rng)
        import_frame(session, villages, name="demo-villages", kind="villages",
                     numeric=("adults",),
                     flags=("district_capital", "district_seat", "commune_seat"))
        import_frame(session, residents, name="demo-residents", kind="residents")
        drawn = draw_design_sample(session, area_frame="demo-villages",
                                   person_frame="demo-residents", design="papi",
                                   name=f"papi-demo-{year}", seed=seed, survey_key="papi",
                                   period=str(year), unit_code=session.scalar(
                                       select(Unit.code).where(Unit.parent_id.is_(None))
                                       .order_by(Unit.id)))
        sampled = drawn.rows[drawn.rows["role"] == "sample"]
        items = [a for q in definition.questions for a in q.answer_ids]
        rows = [["respondent_id", "disposition", *items, "KEY"]]
        completed = 0
        for n, (respondent, commune) in enumerate(zip(sampled["unit_id"], sampled["commune"],
                                                      strict=True)):
            if rng.random() >= RESPONSE_RATE:
                rows.append([respondent, "2.11", *[""] * len(items), f"uuid:demo-{n}"])
                continue
            answers = papi_answers(definition, BASE_LOGIT + COMMUNE_OFFSETS.get(commune, 0.0),
                                   rng)
            rows.append([respondent, "1.1", *[answers.get(i, "") for i in items],
                         f"uuid:demo-{n}"])
            completed += 1
        export = directory / "papi-odk-export.csv"
        with export.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        import_returns(session, drawn.sample, export)
    return completed
