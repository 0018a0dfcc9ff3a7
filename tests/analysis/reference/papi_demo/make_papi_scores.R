## Reference PAPI scores of the demo's field answers, computed with R's survey package and an
## independent reading of the scoring block (papi_demo_spec.json): hailong's pages must show the
## same numbers (tests/webapp/test_instrument_pages.py).
## Run from this directory:  Rscript make_papi_scores.R   (writes papi_demo_refs.json)
## Design: svydesign(ids = ~psu, strata = ~stratum, weights = ~base_weight), as drawn.
## Each indicator is a ratio m = sum(w y) / sum(w x): y = the value of a listed code (x = 1 for a
## listed code) or, for a numeric answer, the answer clipped to the bounds (x = answered).
## Score on 1-10: 1 + 9 (m - lo) / (hi - lo), or 1 + 9 (hi - m) / (hi - lo) when lower is better;
## sub-dimension = mean of its indicators, dimension = mean of its sub-dimensions, contribution =
## sub-dimension / number of sub-dimensions, total = sum of the dimensions. A domain (a unit) keeps
## the whole design: its influence values are zero outside it, and svytotal gives the variance.
suppressMessages({library(survey); library(jsonlite)})
options(survey.lonely.psu = "fail")

a <- read.csv("papi_demo_answers.csv", stringsAsFactors = FALSE)
spec <- fromJSON("papi_demo_spec.json", simplifyVector = FALSE)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~base_weight, data = a)

indicators <- list()
for (d in spec$dimensions) for (s in d$subdimensions) for (i in s$indicators) {
  v <- a[[i$item]]
  if (length(i$values) > 0) {
    codes <- as.numeric(names(i$values)); vals <- as.numeric(unlist(i$values))
    x <- as.numeric(!is.na(v) & v %in% codes)
    y <- ifelse(x == 1, vals[match(v, codes)], 0)
  } else {
    x <- as.numeric(!is.na(v))
    y <- ifelse(x == 1, pmin(pmax(v, i$bounds[[1]]), i$bounds[[2]]), 0)
  }
  indicators[[i$id]] <- list(y = y, x = x, lo = i$bounds[[1]], hi = i$bounds[[2]],
                             lower = identical(i$direction, "lower_better"))
}

## Each output as offset + sum(coef * m): a list of (coef named by indicator, offset).
outputs <- list()
dims <- list()
for (d in spec$dimensions) {
  subs <- list()
  for (s in d$subdimensions) {
    coef <- c(); off <- 0
    for (i in s$indicators) {
      k <- indicators[[i$id]]; slope <- 9 / (k$hi - k$lo)
      c1 <- if (k$lower) -slope else slope
      o1 <- if (k$lower) 1 + slope * k$hi else 1 - slope * k$lo
      outputs[[i$id]] <- list(coef = setNames(c1, i$id), offset = o1)
      coef[i$id] <- c1 / length(s$indicators); off <- off + o1 / length(s$indicators)
    }
    subs[[s$id]] <- list(coef = coef, offset = off)
    outputs[[s$id]] <- subs[[s$id]]
  }
  n <- length(subs)
  for (sid in names(subs)) outputs[[paste0(sid, ":contribution")]] <-
    list(coef = subs[[sid]]$coef / n, offset = subs[[sid]]$offset / n)
  coef <- c(); off <- 0
  for (sb in subs) { for (nm in names(sb$coef)) coef[nm] <- sum(coef[nm], sb$coef[nm], na.rm = TRUE)
                     off <- off + sb$offset }
  dims[[d$id]] <- list(coef = coef / n, offset = off / n)
  outputs[[d$id]] <- dims[[d$id]]
}
coef <- c(); off <- 0
for (dd in dims) { for (nm in names(dd$coef)) coef[nm] <- sum(coef[nm], dd$coef[nm], na.rm = TRUE)
                   off <- off + dd$offset }
outputs[["total"]] <- list(coef = coef, offset = off)

score_domain <- function(inside) {
  w <- weights(des) * inside
  m <- list(); z <- list()
  for (id in names(indicators)) {
    k <- indicators[[id]]; tx <- sum(w * k$x)
    m[[id]] <- if (tx > 0) sum(w * k$y) / tx else NA
    z[[id]] <- if (tx > 0) inside * (k$y - m[[id]] * k$x) / tx else rep(0, nrow(a))
  }
  out <- list()
  for (oid in names(outputs)) {
    o <- outputs[[oid]]
    est <- o$offset + sum(o$coef * unlist(m[names(o$coef)]))
    u <- Reduce(`+`, lapply(names(o$coef), function(nm) o$coef[[nm]] * z[[nm]]))
    d2 <- update(des, u = u)
    se <- as.numeric(SE(svytotal(~u, d2)))[1]
    out[[oid]] <- list(estimate = est, se = se)
  }
  out
}

domains <- list(LD = rep(1, nrow(a)), `LD-DS` = as.numeric(a$unit == "LD-DS"),
                `LD-GN` = as.numeric(a$unit == "LD-GN"))
res <- lapply(domains, score_domain)
out <- list(n = nrow(a), degf = degf(des), domains = res)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "papi_demo_refs.json")
