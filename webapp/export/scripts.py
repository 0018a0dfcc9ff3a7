"""Reproduction scripts written beside the data: R (survey package) and Stata (svyset).

Every published index is ``θ_k = a_k + Σ_c A_kc m_c``, where ``m_c = Σ w·y_c / Σ w·x_c`` is a
ratio of weighted totals (see :mod:`analysis.scoring.composite`). The export carries one derived
variable per ratio (``y_c`` where the answer counts, missing otherwise, so ``x_c`` = not
missing); ``<stem>_composite.csv`` lists ``a`` and ``A`` by derived-variable name, and the
scripts rebuild ``y`` and ``x``, declare the design (strata unit × period, post-strata
unit × period × field with their dossier totals, one response = one PSU) and estimate every
index in every unit (scope ``unit``) and every ancestor in the tree (scope ``subtree``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

import survey_defs
from analysis.scoring.composite import answer_items, build_composite

from .labels import Variable
from .script_r import r_script
from .script_stata import stata_do

__all__ = ["composite_rows", "r_script", "stata_do", "write_composite"]


def composite_rows(definition: survey_defs.SurveyDefinition,
                   variables: Sequence[Variable]) -> list[dict[str, object]]:
    """Rows ``index_id, index_level, offset, ratio, coef, lower, upper`` (one per nonzero
    coefficient; ``lower``/``upper`` bound the index's scale)."""
    spec = definition.scoring_spec()
    if spec.get("method") is None:
        return []
    names = [*definition.answer_ids(), *answer_items(spec)]
    empty = pd.DataFrame({aid: pd.Series(dtype=float) for aid in dict.fromkeys(names)})
    comp = build_composite(empty, spec)
    var_of = {v.note.split(":", 1)[1]: v.name for v in variables
              if v.role == "derived" and v.note.startswith("ratio:")}
    rows: list[dict[str, object]] = []
    for k, oid in enumerate(comp.output_ids):
        for j, rid in enumerate(comp.ratio_ids):
            if comp.coef[k, j] != 0:
                rows.append({"index_id": oid, "index_level": comp.output_levels[k],
                             "offset": repr(float(comp.offset[k])), "ratio": var_of[rid],
                             "coef": repr(float(comp.coef[k, j])),
                             "lower": repr(float(comp.lower[k])),
                             "upper": repr(float(comp.upper[k]))})
    return rows


def write_composite(path: Path, rows: Sequence[dict[str, object]]) -> None:
    """Write the composite table as UTF-8 CSV."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["index_id", "index_level", "offset", "ratio", "coef",
                                     "lower", "upper"])
        writer.writeheader()
        writer.writerows(rows)
