"""R and Stata scripts written beside a field-sample export: they declare the design and
estimate every coded answer's mean, by linearisation and by the bootstrap replicates.

R: ``svydesign(ids = ~psu, strata = ~stratum, weights = ~nr_weight)``, then ``rake`` to the
margins and ``trimWeights`` when the export was made with them (so the linearised variance
accounts for the calibration as hailong's does), checked against ``final_weight``; and
``svrepdesign(weights = ~final_weight, repweights = "^rep_", type = "bootstrap",
scale = 1/R, rscales = 1, mse = FALSE)``. The means and SEs equal ``hailong fieldwork
estimate`` (tested against Rscript here). Stata: ``svyset psu [pw=final_weight],
strata(stratum)`` and ``svyset [pw=final_weight], bsrweight(rep_*) vce(bootstrap)`` (Stata's
linearisation does not rake, so with margins its SE is that of the final weights as fixed).
"""

from __future__ import annotations

from collections.abc import Sequence

R_TEMPLATE = r"""# Declare the design of a hailong field sample and estimate every answer's mean.
#   Rscript design.R [DATA] [OUT.csv]
# Defaults: DATA = field_answers.csv, OUT = design_estimates.csv (beside this script).
# Output: variable, estimate, se_taylor (linearised, as `hailong fieldwork estimate`),
# se_bootstrap (the {replicates} Rao-Wu replicates rep_1 ... rep_{replicates}), n.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
data_file <- if (length(args) >= 1) args[1] else file.path(here, "field_answers.csv")
out_file <- if (length(args) >= 2) args[2] else file.path(here, "design_estimates.csv")
answers <- c({answers})
margins_file <- {margins}
trim_upper <- {trim}
# Margin variables are read as text, exactly as written (a category "4.0" stays "4.0").
vars <- character(0)
if (!is.na(margins_file)) {{
  m <- read.csv(file.path(here, margins_file), stringsAsFactors = FALSE,
                colClasses = c(category = "character"))
  vars <- unique(m$variable)
}}
d <- read.csv(data_file, fileEncoding = "UTF-8", stringsAsFactors = FALSE,
              colClasses = c(stratum = "character", psu = "character",
                             setNames(rep("character", length(vars)), vars)))

# Linearisation: PSUs within strata, weights after the non-response adjustment, then raked
# to the margins (the calibration enters the variance) and trimmed, as hailong does.
taylor <- svydesign(ids = ~psu, strata = ~stratum, weights = ~nr_weight, data = d)
if (length(vars)) {{
  margin <- function(v) {{
    x <- m[m$variable == v, ]
    out <- data.frame(x$category, x$population, stringsAsFactors = FALSE)
    names(out) <- c(v, "Freq")
    out
  }}
  taylor <- rake(taylor, lapply(vars, function(v) as.formula(paste0("~", v))),
                 lapply(vars, margin), control = list(maxit = 100, epsilon = 1e-13))
}}
if (!is.na(trim_upper)) taylor <- trimWeights(taylor, upper = trim_upper)
gap <- max(abs(weights(taylor) - d$final_weight)) / max(d$final_weight)
if (gap > 1e-8) stop(sprintf("R's weights differ from final_weight (relative %g)", gap))

# Bootstrap replicates of the final weight (each already redid the non-response adjustment
# and the raking: used as they are).
reps <- grep("^rep_[0-9]+$", names(d), value = TRUE)
boot <- svrepdesign(data = d, weights = ~final_weight, repweights = d[, reps],
                    type = "bootstrap", scale = 1 / length(reps),
                    rscales = rep(1, length(reps)), combined.weights = TRUE, mse = FALSE)

rows <- lapply(answers, function(v) {{
  f <- as.formula(paste0("~", v))
  if (all(is.na(d[[v]]))) return(NULL)
  lin <- svymean(f, taylor, na.rm = TRUE)
  bs <- svymean(f, boot, na.rm = TRUE)
  data.frame(variable = v, estimate = unname(coef(lin))[1], se_taylor = unname(SE(lin))[1],
             se_bootstrap = unname(SE(bs))[1], n = sum(!is.na(d[[v]])))
}})
out <- do.call(rbind, rows)
write.csv(out, out_file, row.names = FALSE)
print(out, digits = 6)
"""

STATA_TEMPLATE = r"""* Declare the design of a hailong field sample; estimate every answer's mean.
*   do design.do      (in the folder holding field_answers.csv)
* Linearisation (strata, PSUs, final weight) and the {replicates} Rao-Wu bootstrap replicates.
* Stata does not rake here: {rake_note}
version 15
clear all
import delimited using "field_answers.csv", encoding("utf-8") varnames(1) case(preserve) ///
    stringcols(2 3) clear
encode stratum, generate(stratum_id)
encode psu, generate(psu_id)

svyset psu_id [pweight = final_weight], strata(stratum_id) singleunit(missing)
foreach v of varlist {answers} {{
    capture noisily svy: mean `v'
}}

svyset [pweight = final_weight], bsrweight(rep_1-rep_{replicates}) vce(bootstrap) bsn(1)
foreach v of varlist {answers} {{
    capture noisily svy: mean `v'
}}
"""

README = """Field sample {sample}: answers with their design variables
=================================================================

field_answers.csv   one row per interview with answers (public id order); no names, addresses,
                    phone numbers or respondent ids; free-text answers left out.
  answer_id         random id of the answer (not the sampled person's id)
  stratum, psu      design stratum and primary sampling unit (certainty units: own stratum)
  base_weight       1 / overall inclusion probability from the draw
  nr_weight         after the non-response adjustment within weighting classes{classes}
  final_weight      {final}
  rep_1..rep_{replicates}  Rao-Wu rescaling bootstrap replicates of final_weight (seed {seed}),
                    each redoing the non-response adjustment and the raking (trimming
                    factors held fixed): use them as they are, do not rake them again;
                    variance = (1/{replicates}) * sum over replicates of (estimate_r - mean)^2
  other columns     frame attributes (design variables) and coded answers
design.R            R (survey): svydesign / svrepdesign, means with both SEs
design.do           Stata: svyset for linearisation and for the bootstrap replicates
{margins_line}
Keep this file inside the statistics team: PSU codes name villages.
"""


def _r_vector(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def r_script(answers: Sequence[str], replicates: int, margins_name: str | None,
             trim_upper: float | None) -> str:
    """The R script (see the module docstring)."""
    return R_TEMPLATE.format(
        replicates=replicates, answers=_r_vector(list(answers)),
        margins=f'"{margins_name}"' if margins_name else "NA",
        trim=repr(float(trim_upper)) if trim_upper is not None else "NA")


def stata_do(answers: Sequence[str], replicates: int, margins_name: str | None) -> str:
    """The Stata do-file (see the module docstring)."""
    note = ("the export was raked to margins.csv; this linearised SE treats final_weight as "
            "fixed." if margins_name else "no margins were used; nothing is lost.")
    return STATA_TEMPLATE.format(replicates=replicates, answers=" ".join(answers),
                                 rake_note=note)


def readme(sample: str, *, replicates: int, seed: int, attributes: Sequence[str],
           margins_name: str | None, trim_upper: float | None) -> str:
    """The README listing the files and the design variables."""
    steps = ["nr_weight"]
    if margins_name:
        steps.append(f"raked to {margins_name}")
    if trim_upper is not None:
        steps.append(f"trimmed at {trim_upper:g}")
    return README.format(
        sample=sample, replicates=replicates, seed=seed,
        classes=f" ({', '.join(attributes)} available)" if attributes else "",
        final=", ".join(steps) if len(steps) > 1 else "equal to nr_weight (no raking, no trim)",
        margins_line=(f"{margins_name}         the population margins raked to\n"
                      if margins_name else ""))
