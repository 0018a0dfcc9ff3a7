# Reference numbers for hailong's composite indices (SIPAS-like criterion shares, element indices,
# overall index), computed with R's survey package.
#
# Run from the repository root:
#   Rscript tests/analysis/reference/composites/make_composites.R
# It writes, next to this script:
#   sipas_synth.csv      synthetic responses (fixed seed), one row per response
#   sipas_dossiers.csv   dossier counts per unit x field (the population table; includes one field
#                        with dossiers but no responses, to exercise the collapse rule)
#   composites.json      estimates and SEs, each with the exact R call that produced it
#
# Design: strata = units, one response = one PSU, base weight 1, post-stratified to dossier counts
# per unit x field cell. Unit U3 has dossiers in field F4 but no responses: hailong's rule scales the
# unit's observed cells up so that they carry the unit's whole dossier count; the Freq column below
# is built with that rule (cell count * unit total / observed-cells total).
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
set.seed(20261127)

units <- data.frame(unit = c("U1", "U2", "U3", "U4"), parent = c("P1", "P1", "P2", "P2"),
                    n = c(40, 60, 25, 80), level = c(0.85, 0.7, 0.55, 0.9))
fields <- c("F1", "F2", "F3")
criteria <- c("C1", "C2", "C3", "C4", "C5")
draw_codes <- function(n, level) {
  p <- c((1 - level) * 0.3, (1 - level) * 0.3, (1 - level) * 0.4, level * 0.6, level * 0.4)
  x <- sample(1:5, n, replace = TRUE, prob = p)
  x[runif(n) < 0.06] <- 9      # "no opinion": excluded from the denominator
  x[runif(n) < 0.05] <- NA     # not asked / missing
  x
}
parts <- list()
for (j in seq_len(nrow(units))) {
  n <- units$n[j]
  fld <- c(rep(fields, each = 2), sample(fields, n - 6, replace = TRUE, prob = c(0.6, 0.25, 0.15)))
  d <- data.frame(unit = units$unit[j], field = fld, period = "2026-10")
  for (cc in criteria) d[[cc]] <- draw_codes(n, units$level[j] + rnorm(1, 0, 0.05))
  parts[[j]] <- d
}
df <- do.call(rbind, parts)
df$parent <- units$parent[match(df$unit, units$unit)]
write.csv(df[, c("unit", "field", "period", criteria)], file.path(here, "sipas_synth.csv"),
          row.names = FALSE, na = "")

dossiers <- expand.grid(field = fields, unit = units$unit, stringsAsFactors = FALSE)[, c("unit", "field")]
dossiers$period <- "2026-10"
dossiers$count <- sample(50:2000, nrow(dossiers), replace = TRUE)
dossiers <- rbind(dossiers, data.frame(unit = "U3", field = "F4", period = "2026-10", count = 321))
write.csv(dossiers, file.path(here, "sipas_dossiers.csv"), row.names = FALSE)

# hailong's empty-field rule, written out by hand.
obs <- unique(df[, c("unit", "field")])
pop <- merge(dossiers, obs)
unit_total <- tapply(dossiers$count, dossiers$unit, sum)
obs_total <- tapply(pop$count, pop$unit, sum)
pop$Freq <- as.vector(pop$count * unit_total[pop$unit] / obs_total[pop$unit])
pop$cell <- paste(pop$unit, pop$field, sep = ":")
df$cell <- paste(df$unit, df$field, sep = ":")
for (cc in criteria) {
  df[[paste0("s_", cc)]] <- as.numeric(!is.na(df[[cc]]) & df[[cc]] %in% c(4, 5))
  df[[paste0("v_", cc)]] <- as.numeric(!is.na(df[[cc]]) & df[[cc]] %in% 1:5)
}
df$one <- 1

d0 <- svydesign(id = ~1, strata = ~unit, weights = ~one, data = df)
dps <- postStratify(d0, ~cell, pop[, c("cell", "Freq")])
r0 <- as.svrepdesign(d0, type = "JKn")
rps <- postStratify(r0, ~cell, pop[, c("cell", "Freq")])

num <- ~s_C1 + s_C2 + s_C3 + s_C4 + s_C5
den <- ~v_C1 + v_C2 + v_C3 + v_C4 + v_C5
rn <- function(c) paste0("s_", c, "/v_", c)
contr <- list(
  C1 = setNames(1, rn("C1")), C2 = setNames(1, rn("C2")), C3 = setNames(1, rn("C3")),
  C4 = setNames(1, rn("C4")), C5 = setNames(1, rn("C5")),
  E1 = setNames(rep(1 / 2, 2), rn(c("C1", "C2"))),
  E2 = setNames(rep(1 / 3, 3), rn(c("C3", "C4", "C5"))),
  overall = setNames(c(rep(1 / 4, 2), rep(1 / 6, 3)), rn(criteria))
)
# svyratio with 5 numerators and 5 denominators returns all 25 ratios; the contrasts pick the
# matching pairs (element = mean of its criterion shares; overall = mean of element indices).
composite <- function(design) {
  r <- svyratio(num, den, design, covmat = TRUE)
  cf <- setNames(as.vector(coef(r)), sapply(strsplit(names(coef(r)), "/"), function(p) paste(p, collapse = "/")))
  V <- vcov(r)
  out <- list()
  for (nm in names(contr)) {
    a <- setNames(rep(0, length(cf)), names(cf))
    a[names(contr[[nm]])] <- contr[[nm]]
    out[[nm]] <- list(estimate = sum(a * cf), se = sqrt(as.numeric(t(a) %*% V %*% a)))
  }
  out
}
domains <- list(all = "TRUE")
for (u in units$unit) domains[[u]] <- sprintf('unit == "%s"', u)
for (p in unique(units$parent)) domains[[p]] <- sprintf('parent == "%s"', p)

results <- list()
for (dn in names(domains)) {
  for (kind in c("linearised", "jkn")) {
    des <- if (kind == "linearised") "dps" else "rps"
    call <- sprintf("composite(subset(%s, %s))", des, domains[[dn]])
    res <- eval(parse(text = call))
    for (nm in names(res)) {
      results[[length(results) + 1]] <- list(domain = dn, statistic = nm, variance = kind,
        estimate = res[[nm]]$estimate, se = res[[nm]]$se, call = call)
    }
  }
}
# Weighted totals and sums of weights per unit (checks the hailong default weights).
wsum <- svyby(~one, ~unit, dps, svytotal)
meta <- list(
  r_version = R.version.string, survey_version = as.character(packageVersion("survey")),
  setup = c(
    "d0 <- svydesign(id = ~1, strata = ~unit, weights = ~one, data = df)",
    "dps <- postStratify(d0, ~cell, pop[, c('cell', 'Freq')])",
    "r0 <- as.svrepdesign(d0, type = 'JKn')",
    "rps <- postStratify(r0, ~cell, pop[, c('cell', 'Freq')])",
    "composite(design): svyratio(num, den, design, covmat = TRUE), then a' coef and sqrt(a' V a) for each contrast a"
  ),
  satisfied_codes = c(4, 5), excluded_codes = c(9),
  elements = list(E1 = c("C1", "C2"), E2 = c("C3", "C4", "C5")),
  parents = setNames(as.list(units$parent), units$unit),
  weight_totals = setNames(as.list(as.vector(coef(wsum))), rownames(wsum)),
  poststrata = pop[, c("cell", "Freq")]
)
writeLines(toJSON(list(meta = meta, results = results), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "composites.json"))
cat("wrote", length(results), "results\n")
