"""The R script written beside an export: it recomputes every published index and interval.

It follows ``docs/statistics.md`` (B3, B5, B6) step by step in base R, so a statistician can
read each formula next to its description: ratio estimates of weighted totals, the linearised
variance with the small post-stratum correction (on by default in hailong, so the script uses
it too), df = responses minus post-strata, ``n`` = valid respondents, suppression below 10, and
the interval methods hailong offers (``beta_nchs`` by default). As a cross-check it also
rebuilds the weights with R's ``survey`` package (``postStratify``) and stops if they differ.
"""

from __future__ import annotations

R_READERS = {
    "csv": 'read.csv(data_file, fileEncoding = "UTF-8-BOM", na.strings = "", '
           "stringsAsFactors = FALSE)",
    "dta": "as.data.frame(haven::zap_labels(haven::read_dta(data_file)))",
    "sav": "as.data.frame(haven::zap_labels(haven::read_sav(data_file)))",
    "parquet": "as.data.frame(arrow::read_parquet(data_file))",
}

R_TEMPLATE = r"""# Recompute hailong's published indices and intervals from the exported microdata.
#   Rscript {script} [DATA] [OUT.csv] [METHOD]
# Defaults: DATA = {data}, OUT = reproduced.csv (beside this script), METHOD = beta_nchs
# (hailong's default; also: beta, mean, xlogit, logit, wilson).
# Output: one row per unit (scope "unit") and per roll-up (scope "subtree") and index, with
# estimate, se, ci_low, ci_high, df, n as `hailong indices --format csv` and the pages show them.
# The formulas are those of docs/statistics.md (sections B3, B5, B6); each step says which.
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
data_file <- if (length(args) >= 1) args[1] else file.path(here, "{data}")
out_file <- if (length(args) >= 2) args[2] else file.path(here, "reproduced.csv")
method <- if (length(args) >= 3) args[3] else "beta_nchs"
stopifnot(method %in% c("beta_nchs", "beta", "mean", "xlogit", "logit", "wilson"))
level <- 0.95
suppress_below <- 10   # B6: fewer valid respondents -> estimate and interval not published
spec <- read.csv(file.path(here, "{stem}_composite.csv"), stringsAsFactors = FALSE)

d <- {reader}
d <- d[!is.na(d$weight), ]            # responses outside the weighting (no dossier count)
d <- d[order(d$stratum), ]
w <- d$weight
ratios <- unique(spec$ratio)
Y <- sapply(ratios, function(r) {{ v <- as.numeric(d[[r]]); ifelse(is.na(v), 0, v) }})
X <- sapply(ratios, function(r) as.numeric(!is.na(d[[r]])))
Y <- matrix(Y, ncol = length(ratios), dimnames = list(NULL, ratios))
X <- matrix(X, ncol = length(ratios), dimnames = list(NULL, ratios))
binary <- apply(Y, 2, function(v) all(v %in% c(0, 1)))

# Cross-check with the survey package: post-stratifying equal weights to the dossier totals
# within unit x period strata gives the exported weight.
pop <- unique(d[, c("poststratum", "ps_total")])
names(pop) <- c("poststratum", "Freq")
des <- postStratify(svydesign(ids = ~1, strata = ~stratum, weights = ~1, data = d),
                    ~poststratum, pop)
stopifnot(isTRUE(all.equal(as.vector(weights(des)), w, tolerance = 1e-9)))

# B3, small post-stratum correction: residuals from the post-stratum mean, times
# sqrt(n_c / (n_c - 1)); a single-response post-stratum is centred at its stratum's mean.
Z <- cbind(Y, X)
n_c <- ave(rep(1, nrow(d)), d$poststratum, FUN = sum)
cell_mean <- apply(Z, 2, function(z) ave(z, d$poststratum))
stratum_mean <- apply(Z, 2, function(z) ave(z, d$stratum))
D <- Z - cell_mean
D[n_c == 1, ] <- (Z - stratum_mean)[n_c == 1, , drop = FALSE]
D <- D * ifelse(n_c > 1, sqrt(n_c / (n_c - 1)), 1)
DY <- D[, seq_along(ratios), drop = FALSE]
DX <- D[, length(ratios) + seq_along(ratios), drop = FALSE]
# Degrees of freedom of a stratum: responses minus post-strata (summed over a domain's strata).
strata <- unique(d$stratum)
df_h <- sapply(strata, function(h) {{
  sum(d$stratum == h) - length(unique(d$poststratum[d$stratum == h]))
}})
names(df_h) <- strata

# B5: intervals for an estimate bounded in [lower, upper].
kg_limits <- function(p, s, df, n, cap) {{
  alpha <- 1 - level
  ne <- if (is.finite(p * (1 - p) / s^2) && p * (1 - p) / s^2 > 0) p * (1 - p) / s^2 else n
  ratio <- if (n > 1) (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2 else NaN
  ne <- min(ne * ratio, cap)
  if (is.na(ne)) return(c(NaN, NaN))
  x <- ne * p
  c(if (x <= 0) 0 else qbeta(alpha / 2, x, ne - x + 1),
    if (ne - x <= 0) 1 else qbeta(1 - alpha / 2, x + 1, ne - x))
}}
interval <- function(est, se, df, n, lower, upper, single, se_srs) {{
  if (is.na(est) || is.na(se) || is.na(df) || df <= 0) return(c(NA, NA))
  width <- upper - lower
  p <- min(max((est - lower) / width, 0), 1)
  s <- se / width
  t <- qt(1 - (1 - level) / 2, df)
  degenerate <- p <= 0 || p >= 1 || s <= 0
  if (method %in% c("beta", "beta_nchs")) {{
    cap <- Inf
    if (method == "beta_nchs") {{
      n_srs <- p * (1 - p) / (se_srs / width)^2
      cap <- if (is.finite(n_srs) && n_srs > 0) n_srs else if (single) n else Inf
    }}
    ab <- kg_limits(p, s, df, n, cap)
  }} else if (method == "wilson") {{
    ne <- if (is.finite(p * (1 - p) / s^2) && p * (1 - p) / s^2 > 0) p * (1 - p) / s^2 else n
    centre <- (p + t^2 / (2 * ne)) / (1 + t^2 / ne)
    half <- t / (1 + t^2 / ne) * sqrt(p * (1 - p) / ne + t^2 / (4 * ne^2))
    ab <- c(min(max(centre - half, 0), 1), min(max(centre + half, 0), 1))
  }} else if (degenerate) {{
    ab <- kg_limits(p, s, df, n, Inf)   # never a collapsed interval
  }} else if (method == "mean") {{
    ab <- c(p - t * s, p + t * s)
  }} else {{                           # xlogit = logit
    half <- t * s / (p * (1 - p))
    ab <- plogis(qlogis(p) + c(-half, half))
  }}
  lower + width * ab
}}

indices <- unique(spec[, c("index_id", "index_level")])
estimate_domain <- function(rows) {{
  h <- unique(d$stratum[rows])
  df <- max(sum(df_h[h]), 1)
  Ty <- colSums(w[rows] * Y[rows, , drop = FALSE])
  Tx <- colSums(w[rows] * X[rows, , drop = FALSE])
  N <- length(rows)
  wbar <- sum(w[rows]) / N
  out <- vector("list", nrow(indices))
  for (i in seq_len(nrow(indices))) {{
    s <- spec[spec$index_id == indices$index_id[i], ]
    a <- s$coef
    r <- s$ratio
    n <- sum(rowSums(X[rows, r, drop = FALSE] != 0) > 0)
    single <- length(r) == 1 && abs(abs(a) - 1) < 1e-8 && binary[r[1]] &&
      s$lower[1] == 0 && s$upper[1] == 1 && s$offset[1] == 0
    if (any(Tx[r] <= 0)) {{
      est <- NA; se <- NA; se_srs <- NA
    }} else {{
      m <- Ty[r] / Tx[r]
      est <- s$offset[1] + sum(a * m)
      # B3: influence values u_i = sum_c a_c (dy_ic - m_c dx_ic) / X_c, V = sum (w_i u_i)^2.
      u <- as.vector(DY[rows, r, drop = FALSE] %*% (a / Tx[r]) -
                     DX[rows, r, drop = FALSE] %*% (a * m / Tx[r]))
      se <- sqrt(sum((w[rows] * u)^2))
      # Variance of the same respondents with equal weights (for beta_nchs and deff).
      v <- as.vector(Y[rows, r, drop = FALSE] %*% (a / Tx[r]) -
                     X[rows, r, drop = FALSE] %*% (a * m / Tx[r]))
      se_srs <- if (N > 1) sqrt(max(wbar^2 * N / (N - 1) * sum((v - mean(v))^2), 0)) else NA
    }}
    ci <- interval(est, se, df, n, s$lower[1], s$upper[1], single, se_srs)
    if (n < suppress_below) {{ est <- NA; se <- NA; ci <- c(NA, NA) }}
    out[[i]] <- data.frame(index = indices$index_id[i], estimate = est, se = se,
                           ci_low = ci[1], ci_high = ci[2], df = df, n = n)
  }}
  do.call(rbind, out)
}}

results <- list()
add <- function(rows, unit, period, scope) {{
  results[[length(results) + 1]] <<- cbind(data.frame(unit = unit, period = period,
                                                      scope = scope), estimate_domain(rows))
}}
levels_cols <- grep("^unit_level[0-9]+_code$", names(d), value = TRUE)
for (p in unique(d$period)) {{
  for (u in sort(unique(d$unit))) add(which(d$unit == u & d$period == p), u, p, "unit")
  for (col in levels_cols) {{
    for (a in sort(unique(d[[col]][!is.na(d[[col]]) & d[[col]] != ""]))) {{
      rows <- which(d[[col]] == a & !is.na(d[[col]]) & d$period == p)
      if (any(d$unit[rows] != a)) add(rows, a, p, "subtree")   # a has descendants
    }}
  }}
}}
out <- do.call(rbind, results)
out$method <- method
write.csv(out, out_file, row.names = FALSE, na = "")
cat("wrote", nrow(out), "estimates (", method, ") to", out_file, "\n")
"""


def r_script(stem: str, data_file: str, fmt: str) -> str:
    """The R script for an export in ``fmt``."""
    return R_TEMPLATE.format(script=f"{stem}_indices.R", data=data_file, stem=stem,
                             reader=R_READERS[fmt])
