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
from analysis.scoring.composite import build_composite

from .labels import Variable
from .script_r import r_script

__all__ = ["composite_rows", "r_script", "stata_do", "write_composite"]


def composite_rows(definition: survey_defs.SurveyDefinition,
                   variables: Sequence[Variable]) -> list[dict[str, object]]:
    """Rows ``index_id, index_level, offset, ratio, coef, lower, upper`` (one per nonzero
    coefficient; ``lower``/``upper`` bound the index's scale)."""
    spec = definition.scoring_spec()
    if spec.get("method") is None:
        return []
    empty = pd.DataFrame({aid: pd.Series(dtype=float) for aid in definition.answer_ids()})
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


STATA_READERS = {
    "dta": 'use "{data}", clear',
    "csv": 'import delimited using "{data}", encoding("utf-8") varnames(1) '
           "stringcols(_all) clear\ndestring survey_version weight ps_total sat_* score_* "
           "val_* pts_*, replace",
    "sav": 'import spss using "{data}", clear',
    "parquet": '* Stata cannot read Parquet: export again with --format dta.\nexit 198',
}


def stata_do(stem: str, data_file: str, fmt: str,
             rows: Sequence[dict[str, object]]) -> str:
    """The Stata do-file for an export in ``fmt`` (svyset with post-strata, then ``svy:
    ratio`` per domain and ``lincom`` per index)."""
    ratios = list(dict.fromkeys(str(r["ratio"]) for r in rows))
    short = {r: f"r{i + 1}" for i, r in enumerate(ratios)}
    lines = [
        f"* Recompute hailong's unit indices from {data_file} with svy (Stata 16+).",
        "* Same design as the R script beside it; results are written to",
        f"* {stem}_indices_stata.dta. Estimates and SEs equal hailong's R-compatible ones.",
        "version 16", "clear all", "set more off",
        STATA_READERS[fmt].format(data=data_file),
        "drop if missing(weight)",
        "encode stratum, generate(_stratum)",
        "encode poststratum, generate(_post)",
    ]
    for r, s in short.items():
        lines += [f"generate double y{s[1:]} = cond(missing({r}), 0, {r})",
                  f"generate double x{s[1:]} = !missing({r})"]
    lines += [
        "svyset _n, strata(_stratum) poststrata(_post) postweight(ps_total) "
        "singleunit(certainty)",
        "tempname results",
        "postfile `results' str60 unit str24 period str10 scope str40 index_id "
        "double(estimate se ci_low ci_high df) using "
        f'"{stem}_indices_stata.dta", replace',
        "capture program drop _hl_domain",
        "program define _hl_domain",
        "    args results cond unit period scope",
    ]
    for oid in dict.fromkeys(str(r["index_id"]) for r in rows):
        part = [r for r in rows if r["index_id"] == oid]
        spec = " ".join(f"({short[str(r['ratio'])]}: y{short[str(r['ratio'])][1:]}/"
                        f"x{short[str(r['ratio'])][1:]})" for r in part)
        combo = " + ".join(f"{r['coef']}*_b[{short[str(r['ratio'])]}]" for r in part)
        offset = part[0]["offset"]
        lines += [
            f"    capture quietly svy, subpop(if `cond'): ratio {spec}",
            "    if _rc == 0 {",
            f"        quietly lincom {combo}",
            f"        post `results' (\"`unit'\") (\"`period'\") (\"`scope'\") (\"{oid}\") "
            f"(r(estimate) + {offset}) (r(se)) (r(lb) + {offset}) (r(ub) + {offset}) "
            "(r(df))",
            "    }",
        ]
    lines += [
        "end",
        "levelsof period, local(periods)",
        "foreach p of local periods {",
        "    levelsof unit, local(units)",
        "    foreach u of local units {",
        '        _hl_domain `results\' `"unit == "`u\'" & period == "`p\'""\' "`u\'" '
        '"`p\'" unit',
        "    }",
        "    foreach col of varlist unit_level*_code {",
        "        levelsof `col' if `col' != \"\", local(nodes)",
        "        foreach a of local nodes {",
        "            quietly count if `col' == \"`a'\" & unit != \"`a'\"",
        "            if r(N) > 0 {",
        '                _hl_domain `results\' `"`col\' == "`a\'" & period == "`p\'""\' '
        '"`a\'" "`p\'" subtree',
        "            }",
        "        }",
        "    }",
        "}",
        "postclose `results'",
        f'use "{stem}_indices_stata.dta", clear',
        "list, clean noobs",
    ]
    return "\n".join(lines) + "\n"
