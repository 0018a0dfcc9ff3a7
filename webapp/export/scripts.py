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


def composite_rows(definition: survey_defs.SurveyDefinition,
                   variables: Sequence[Variable]) -> list[dict[str, object]]:
    """Rows ``index_id, index_level, offset, ratio, coef`` (one per nonzero coefficient)."""
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
                             "coef": repr(float(comp.coef[k, j]))})
    return rows


def write_composite(path: Path, rows: Sequence[dict[str, object]]) -> None:
    """Write the composite table as UTF-8 CSV."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["index_id", "index_level", "offset", "ratio", "coef"])
        writer.writeheader()
        writer.writerows(rows)


R_READERS = {
    "csv": 'read.csv(data_file, fileEncoding = "UTF-8-BOM", na.strings = "", '
           "stringsAsFactors = FALSE)",
    "dta": "as.data.frame(haven::zap_labels(haven::read_dta(data_file)))",
    "sav": "as.data.frame(haven::zap_labels(haven::read_sav(data_file)))",
    "parquet": "as.data.frame(arrow::read_parquet(data_file))",
}

R_TEMPLATE = r"""# Recompute hailong's unit indices from the exported microdata (R survey package).
#   Rscript {script} [DATA] [OUT.csv]
# Defaults: DATA = {data} and OUT = {stem}_indices_r.csv, both beside this script.
# Design: one response = one PSU, strata = unit x period (`stratum`), post-strata = unit x
# period x procedure field (`poststratum`) with their dossier totals (`ps_total`); the
# post-stratified weights equal `weight`. Estimates and standard errors equal hailong's
# (analysis.units.unit_results with small_cell_correction = FALSE); intervals here are Wald
# intervals with a t quantile on the design degrees of freedom.
suppressMessages(library(survey))
options(survey.lonely.psu = "certainty")  # a unit with one response adds no variance
args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
data_file <- if (length(args) >= 1) args[1] else file.path(here, "{data}")
out_file <- if (length(args) >= 2) args[2] else file.path(here, "{stem}_indices_r.csv")
spec <- read.csv(file.path(here, "{stem}_composite.csv"), stringsAsFactors = FALSE)

d <- {reader}
d <- d[!is.na(d$weight), ]           # responses outside the weighting (no dossier count)
ratios <- unique(spec$ratio)
for (r in ratios) {{
  v <- as.numeric(d[[r]])
  d[[paste0("y_", r)]] <- ifelse(is.na(v), 0, v)
  d[[paste0("x_", r)]] <- as.numeric(!is.na(v))
}}
d$one <- 1
pop <- unique(d[, c("poststratum", "ps_total")])
names(pop) <- c("poststratum", "Freq")
d0 <- svydesign(ids = ~1, strata = ~stratum, weights = ~one, data = d)
des <- postStratify(d0, ~poststratum, pop)
stopifnot(isTRUE(all.equal(as.vector(weights(des)), d$weight, tolerance = 1e-9)))

totals <- as.formula(paste("~", paste(c(paste0("y_", ratios), paste0("x_", ratios)),
                                      collapse = " + ")))
indices <- unique(spec[, c("index_id", "index_level")])
estimate_domain <- function(sub, rows) {{
  tot <- svytotal(totals, sub)
  out <- list()
  for (i in seq_len(nrow(indices))) {{
    s <- spec[spec$index_id == indices$index_id[i], ]
    terms <- paste0(s$coef, " * (y_", s$ratio, " / x_", s$ratio, ")")
    expr <- parse(text = paste(s$offset[1], "+", paste(terms, collapse = " + ")))[[1]]
    est <- svycontrast(tot, list(theta = expr))
    n <- sum(rowSums(as.matrix(rows[, paste0("x_", s$ratio), drop = FALSE])) > 0)
    out[[i]] <- data.frame(index_id = indices$index_id[i], index_level = indices$index_level[i],
                           estimate = as.numeric(coef(est)), se = as.numeric(SE(est)),
                           df = degf(sub), n = n, stringsAsFactors = FALSE)
  }}
  do.call(rbind, out)
}}

results <- list()
add <- function(keep, unit, period, scope) {{
  sub <- subset(des, keep)
  res <- estimate_domain(sub, d[keep, , drop = FALSE])
  results[[length(results) + 1]] <<- cbind(data.frame(unit = unit, period = period,
                                                      scope = scope), res)
}}
levels_cols <- grep("^unit_level[0-9]+_code$", names(d), value = TRUE)
for (p in unique(d$period)) {{
  for (u in sort(unique(d$unit))) add(d$unit == u & d$period == p, u, p, "unit")
  for (col in levels_cols) {{
    for (a in sort(unique(d[[col]][!is.na(d[[col]]) & d[[col]] != ""]))) {{
      keep <- d[[col]] == a & !is.na(d[[col]]) & d$period == p
      if (any(d$unit[keep] != a)) add(keep, a, p, "subtree")   # a has descendants
    }}
  }}
}}
out <- do.call(rbind, results)
q <- qt(0.975, out$df)
out$ci_low <- out$estimate - q * out$se
out$ci_high <- out$estimate + q * out$se
write.csv(out, out_file, row.names = FALSE)
cat("wrote", nrow(out), "estimates to", out_file, "\n")
"""


def r_script(stem: str, data_file: str, fmt: str) -> str:
    """The R script for an export in ``fmt``."""
    return R_TEMPLATE.format(script=f"{stem}_indices.R", data=data_file, stem=stem,
                             reader=R_READERS[fmt])


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
