## Reference numbers for hailong's analysis/ tests: cluster designs, post-stratification,
## raking, trimming and lonely-PSU policies, computed with R's survey package.
## Run from this directory:  Rscript make_refs_extra.R
## Writes apiclus1.csv, apiclus2.csv, apistrat_lonely.csv, pop_*.csv and extra_refs.json.
## Every result records the exact R expression evaluated (`call`) and the design it used.
## Conventions as ../../../shared/reference/README.md: `ci` is confint() (df = Inf) for
## svymean/svytotal/svyratio/svyby, attr(, "ci") (df = degf(design)) for svyciprop.
suppressMessages({library(survey); library(jsonlite)})
data(api)
options(survey.lonely.psu = "fail")

write.csv(apiclus1, "apiclus1.csv", row.names = FALSE, na = "")
apiclus2$fpc2 <- as.vector(apiclus2$fpc2)
write.csv(apiclus2, "apiclus2.csv", row.names = FALSE, na = "")
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- as.data.frame(xtabs(~sch.wide, apipop))
pop_stype_schwide <- as.data.frame(xtabs(~stype + sch.wide, apipop))
write.csv(pop_stype, "pop_stype.csv", row.names = FALSE)
write.csv(pop_schwide, "pop_schwide.csv", row.names = FALSE)
write.csv(pop_stype_schwide, "pop_stype_schwide.csv", row.names = FALSE)
## apistrat with stratum H reduced to its first school: a single-PSU stratum.
first_h <- apistrat$snum[apistrat$stype == "H"][1]
apistrat_lonely <- apistrat[apistrat$stype != "H" | apistrat$snum == first_h, ]
write.csv(apistrat_lonely, "apistrat_lonely.csv", row.names = FALSE, na = "")

design_calls <- c(
  dclus1 = 'svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)',
  dclus1_nofpc = 'svydesign(id = ~dnum, weights = ~pw, data = apiclus1)',
  dclus2 = 'svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = apiclus2)',
  dclus2_nofpc = 'svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)',
  dstratclus1 = 'svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apiclus1, nest = TRUE)',
  ps_clus1 = 'postStratify(dclus1, ~stype, pop_stype)',
  ps2_clus1 = 'postStratify(dclus1, ~stype + sch.wide, pop_stype_schwide)',
  ps_clus2 = 'postStratify(dclus2, ~stype, pop_stype)',
  rake_clus1 = 'rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide), control = list(maxit = 100, epsilon = 1e-13))',
  rake_clus2 = 'rake(dclus2, list(~stype, ~sch.wide), list(pop_stype, pop_schwide), control = list(maxit = 100, epsilon = 1e-13))',
  trim_strat = 'trimWeights(svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc), lower = 16, upper = 40)',
  trim_ps_clus1 = 'trimWeights(ps_clus1, upper = 50)',
  lonely_certainty = 'svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat_lonely)',
  lonely_adjust = 'svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat_lonely)',
  lonely_average = 'svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat_lonely)'
)
lonely_policy <- c(lonely_certainty = "certainty", lonely_adjust = "adjust", lonely_average = "average")

num <- function(x) { x <- as.numeric(x); if (length(x) == 1 && is.infinite(x)) "Inf" else x }

stat_record <- function(call, obj, design) {
  est <- coef(obj); v <- vcov(obj)
  rec <- list(call = call, estimate = unname(est[length(est)]),
              se = sqrt(unname(diag(as.matrix(v)))[length(est)]))
  ci <- confint(obj)
  rec$ci <- list(lower = unname(ci[nrow(ci), 1]), upper = unname(ci[nrow(ci), 2]), df = "Inf")
  d <- attr(obj, "deff")
  if (!is.null(d)) rec$deff <- unname(diag(as.matrix(d)))[length(est)]
  rec
}

ratio_record <- function(call, obj) {
  ci <- confint(obj)
  list(call = call, estimate = unname(as.vector(coef(obj))), se = unname(as.vector(SE(obj))),
       ci = list(lower = ci[1, 1], upper = ci[1, 2], df = "Inf"),
       deff = unname(as.vector(attr(obj, "deff"))))
}

ciprop_record <- function(call, obj, design) {
  ci <- attr(obj, "ci")
  list(call = call, estimate = unname(as.vector(obj)), se = unname(sqrt(as.vector(vcov(obj)))),
       ci = list(lower = unname(ci[1]), upper = unname(ci[2]), df = degf(design)))
}

by_record <- function(call, obj) {
  ci <- confint(obj)
  groups <- as.character(obj[[1]])
  rows <- lapply(seq_along(groups), function(i) {
    r <- list(group = groups[i], estimate = unname(coef(obj)[i]), se = unname(SE(obj)[i]),
              ci = list(lower = unname(ci[i, 1]), upper = unname(ci[i, 2])))
    if (!is.null(obj$DEff)) r$deff <- unname(obj$DEff[i])
    r
  })
  list(call = call, ci_df = "Inf", by = rows)
}

by_ciprop_record <- function(call, obj, design, byvar) {
  groups <- as.character(obj[[1]])
  rows <- lapply(seq_along(groups), function(i) {
    sub <- eval(bquote(subset(design, .(as.name(byvar)) == .(groups[i]))))
    list(group = groups[i], estimate = unname(obj[i, 2]), se = unname(obj$se[i]),
         ci = list(lower = unname(obj$ci_l[i]), upper = unname(obj$ci_u[i])), df = degf(sub))
  })
  list(call = call, by = rows)
}

out <- list(meta = list(
  generated_by = "tests/analysis/reference/make_refs_extra.R (Rscript make_refs_extra.R)",
  R_version = R.version.string, survey_version = as.character(packageVersion("survey")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  survey.lonely.psu = "fail unless the design says otherwise",
  numbers = "jsonlite digits = I(17), which writes 15 significant digits: compare at rtol 1e-6 or coarser; \"Inf\" is a string"),
  populations = list(pop_stype = pop_stype, pop_schwide = pop_schwide,
                     pop_stype_schwide = pop_stype_schwide),
  designs = list())

for (name in names(design_calls)) {
  if (name %in% names(lonely_policy)) options(survey.lonely.psu = lonely_policy[[name]])
  else options(survey.lonely.psu = "fail")
  d <- eval(parse(text = design_calls[[name]]))
  assign(name, d)
  res <- list(design = list(call = paste(name, "<-", design_calls[[name]]),
                            lonely_psu = getOption("survey.lonely.psu"),
                            n = sum(weights(d) != 0), degf = degf(d),
                            sum_weights = sum(weights(d)), weights = unname(weights(d))))
  ev <- function(txt) eval(parse(text = gsub("DESIGN", name, txt, fixed = TRUE)))
  call_of <- function(txt) gsub("DESIGN", name, txt, fixed = TRUE)
  for (txt in c(mean_api00 = "svymean(~api00, DESIGN, deff = TRUE)",
                total_enroll = "svytotal(~enroll, DESIGN, na.rm = TRUE, deff = TRUE)",
                mean_schwide = "svymean(~as.numeric(sch.wide == \"Yes\"), DESIGN, deff = TRUE)",
                mean_api00_subset_E = "svymean(~api00, subset(DESIGN, stype == \"E\"), deff = TRUE)")) {
    key <- names(which(c(mean_api00 = "svymean(~api00, DESIGN, deff = TRUE)",
                         total_enroll = "svytotal(~enroll, DESIGN, na.rm = TRUE, deff = TRUE)",
                         mean_schwide = "svymean(~as.numeric(sch.wide == \"Yes\"), DESIGN, deff = TRUE)",
                         mean_api00_subset_E = "svymean(~api00, subset(DESIGN, stype == \"E\"), deff = TRUE)") == txt))
    res[[key]] <- stat_record(call_of(txt), ev(txt))
  }
  txt <- "svyratio(~api.stu, ~enroll, DESIGN, na.rm = TRUE, deff = TRUE)"
  res$ratio_apistu_enroll <- ratio_record(call_of(txt), ev(txt))
  txt <- "svyby(~api00, ~stype, DESIGN, svymean, deff = TRUE)"
  res$by_api00_stype <- by_record(call_of(txt), ev(txt))
  txt <- "svyby(~api00, ~awards, DESIGN, svymean, deff = TRUE)"
  res$by_api00_awards <- by_record(call_of(txt), ev(txt))
  txt <- "svyby(~enroll, ~stype, DESIGN, svytotal, na.rm = TRUE, deff = TRUE)"
  res$by_total_enroll_stype <- by_record(call_of(txt), ev(txt))
  props <- list()
  for (m in c("logit", "likelihood", "asin", "beta", "mean", "xlogit")) {
    txt <- sprintf("svyciprop(~I(sch.wide == \"Yes\"), DESIGN, method = \"%s\")", m)
    props[[m]] <- tryCatch(ciprop_record(call_of(txt), ev(txt), d),
                           error = function(e) list(call = call_of(txt), error = conditionMessage(e)))
  }
  res$ciprop_schwide <- props
  byprops <- list()
  for (m in c("beta", "xlogit", "likelihood", "mean", "asin")) {
    txt <- sprintf("svyby(~I(sch.wide == \"Yes\"), ~stype, DESIGN, svyciprop, method = \"%s\", vartype = c(\"se\", \"ci\"))", m)
    byprops[[m]] <- tryCatch(by_ciprop_record(call_of(txt), ev(txt), d, "stype"),
                             error = function(e) list(call = call_of(txt), error = conditionMessage(e)))
  }
  res$by_ciprop_schwide_stype <- byprops
  out$designs[[name]] <- res
}
options(survey.lonely.psu = "fail")
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(17), pretty = TRUE, na = "null"),
           "extra_refs.json")
cat("wrote extra_refs.json\n")
