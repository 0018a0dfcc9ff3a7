## Reference numbers for hailong's field-survey weights (analysis/sampling/weights.py),
## computed with R's survey package on the synthetic PAPI-like sample papi_synthetic.csv
## (written by make_papi_synthetic.py) and the census-like margins papi_margins.csv.
## Run from this directory:  Rscript make_refs_papi.R   (writes papi_refs.json)
## Designs: base (probs = ~prob), non-response adjusted within sex x age classes (the
## adjustment written out here with ave(), a second path to hailong's), raked to four margins,
## trimmed. `ci` is confint() (df = Inf). (calibrate(calfun = "raking") needs MASS, which is
## not installed here; rake() is the reference.)
suppressMessages({library(survey); library(jsonlite)})
options(survey.lonely.psu = "fail")

s <- read.csv("papi_synthetic.csv", stringsAsFactors = FALSE)
m <- read.csv("papi_margins.csv", stringsAsFactors = FALSE)
TRIM_UPPER <- 80

cls <- paste(s$sex, s$age_group, sep = "|")
sampled <- ave(s$base_weight, cls, FUN = sum)
answered <- ave(s$base_weight * s$responded, cls, FUN = sum)
s$w_nr <- ifelse(s$responded == 1, s$base_weight * sampled / answered, 0)
r <- s[s$responded == 1, ]

margin <- function(v) {
  x <- m[m$variable == v, ]
  out <- data.frame(x$category, x$population, stringsAsFactors = FALSE)
  names(out) <- c(v, "Freq")
  out
}
vars <- c("sex", "age_group", "ethnicity", "urban")

designs <- list()
designs$base <- svydesign(ids = ~psu + ssu, strata = ~stratum, probs = ~prob, data = r)
designs$nonresponse <- svydesign(ids = ~psu + ssu, strata = ~stratum, weights = ~w_nr, data = r)
designs$raked <- rake(designs$nonresponse, lapply(vars, function(v) as.formula(paste0("~", v))),
                      lapply(vars, margin), control = list(maxit = 100, epsilon = 1e-13))
designs$trimmed <- trimWeights(designs$raked, upper = TRIM_UPPER)

record <- function(obj) {
  ci <- confint(obj)
  list(estimate = unname(coef(obj))[1], se = unname(SE(obj))[1],
       ci = list(lower = unname(ci[1, 1]), upper = unname(ci[1, 2])))
}

out <- list(trim_upper = TRIM_UPPER, nonresponse_classes = c("sex", "age_group"),
            designs = lapply(designs, function(d) list(
              weights = unname(weights(d)), degf = degf(d), n = nrow(d),
              mean_participation = record(svymean(~participation, d)),
              mean_trust = record(svymean(~trust, d)),
              total_trust = record(svytotal(~trust, d)))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "papi_refs.json")
