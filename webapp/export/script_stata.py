"""The Stata do-file written beside an export: the same computation as the R script, in Mata.

Line by line it follows :mod:`webapp.export.script_r` (and ``docs/statistics.md`` B3, B5, B6):
ratio estimates of weighted totals, the linearised variance with the small post-stratum
correction, df = responses minus post-strata, ``n`` = valid respondents, suppression below 10
answers and every interval method hailong offers. The composite (which ratios, with which
coefficients, make each index) is written into the do-file as Mata matrices, so the file needs
nothing but the data. Stata is not available where hailong is built: the do-file is checked by
reading it against the R script and by a lexer test (see ``docs/export.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

STATA_READERS = {
    "dta": 'use "`data\'", clear',
    "csv": 'import delimited using "`data\'", encoding("utf-8") varnames(1) '
           "stringcols(_all) clear\ndestring weight ps_total {numeric}, replace",
    "sav": 'import spss using "`data\'", clear',
    "parquet": '* Stata cannot read Parquet: export again with --format dta.\nexit 198',
}

HEADER = """\
* Recompute hailong's published indices and intervals from the exported microdata (Stata 16+).
*   do {script} [DATA] [OUT.csv] [METHOD]
* Defaults: DATA = {data}
*   OUT = reproduced_stata.csv, METHOD = beta_nchs (hailong's default; also beta, mean,
*   xlogit, logit, wilson).
* Same formulas and output columns as {stem}_indices.R (docs/statistics.md B3, B5, B6):
* the rows equal those of "hailong indices --format csv" and of the pages.
version 16
clear all
set more off
local data `"`1'"'
if `"`data'"' == "" local data "{data}"
local out `"`2'"'
if `"`out'"' == "" local out "reproduced_stata.csv"
local method `"`3'"'
if `"`method'"' == "" local method "beta_nchs"
"""

BODY = r"""drop if missing(weight)
sort stratum poststratum, stable
* B3, small post-stratum correction: residuals from the post-stratum mean times
* sqrt(n_c/(n_c-1)); a single-response post-stratum is centred at its stratum's mean.
bysort poststratum: generate double _nc = _N
foreach v of varlist _y* _x* {
    egen double _cm = mean(`v'), by(poststratum)
    egen double _sm = mean(`v'), by(stratum)
    generate double _d`v' = cond(_nc > 1, (`v' - _cm) * sqrt(_nc / (_nc - 1)), `v' - _sm)
    drop _cm _sm
}
* Degrees of freedom of a stratum: responses minus post-strata.
egen byte _tagps = tag(poststratum)
egen double _cells = total(_tagps), by(stratum)
egen double _nh = count(weight), by(stratum)
egen byte _tagst = tag(stratum)
generate double _dfh = (_nh - _cells) * _tagst
generate byte _in = 0

mata:
mata clear
real rowvector hl_kg(real scalar p, real scalar s, real scalar df, real scalar n,
                     real scalar cap)
{
    real scalar alpha, ne, ratio, x
    alpha = 0.05
    ne = p * (1 - p) / s^2
    if (ne >= . | ne <= 0) ne = n
    ratio = (n > 1 ? (invttail(n - 1, alpha / 2) / invttail(df, alpha / 2))^2 : .)
    ne = ne * ratio
    if (ne >= .) return((., .))
    if (cap < ne) ne = cap
    x = ne * p
    return(((x <= 0 ? 0 : invibeta(x, ne - x + 1, alpha / 2)),
            (ne - x <= 0 ? 1 : invibeta(x + 1, ne - x, 1 - alpha / 2))))
}

real rowvector hl_interval(string scalar method, real scalar est, real scalar se,
                           real scalar df, real scalar n, real scalar lower,
                           real scalar upper, real scalar single, real scalar se_srs)
{
    real scalar width, p, s, t, degenerate, cap, n_srs, ne, centre, half
    real rowvector ab
    if (est >= . | se >= . | df >= . | df <= 0) return((., .))
    width = upper - lower
    p = min((max(((est - lower) / width, 0)), 1))
    s = se / width
    t = invttail(df, 0.025)
    degenerate = (p <= 0 | p >= 1 | s <= 0)
    if (method == "beta" | method == "beta_nchs") {
        cap = .
        if (method == "beta_nchs") {
            n_srs = p * (1 - p) / (se_srs / width)^2
            if (n_srs < . & n_srs > 0) cap = n_srs
            else if (single) cap = n
        }
        ab = hl_kg(p, s, df, n, cap)
    }
    else if (method == "wilson") {
        ne = p * (1 - p) / s^2
        if (ne >= . | ne <= 0) ne = n
        centre = (p + t^2 / (2 * ne)) / (1 + t^2 / ne)
        half = t / (1 + t^2 / ne) * sqrt(p * (1 - p) / ne + t^2 / (4 * ne^2))
        ab = (min((max((centre - half, 0)), 1)), min((max((centre + half, 0)), 1)))
    }
    else if (degenerate) ab = hl_kg(p, s, df, n, .)
    else if (method == "mean") ab = (p - t * s, p + t * s)
    else {
        half = t * s / (p * (1 - p))
        ab = (invlogit(logit(p) - half), invlogit(logit(p) + half))
    }
    return(lower :+ width :* ab)
}

string scalar hl_num(real scalar x)
{
    return(x >= . ? "" : strtrim(strofreal(x, "%21.0g")))
}

void hl_domain(string scalar unit, string scalar period, string scalar scope,
               string scalar method)
{
    external real matrix HL_A, HL_BOUNDS
    external real rowvector HL_BINARY
    external string colvector HL_IDS
    external string colvector HL_LINES
    real colvector sel, w, u, v, n_any
    real vector used
    real matrix Y, X, DY, DX
    real rowvector Ty, Tx, a, m, ci
    real scalar N, wbar, df, i, n, est, se, se_srs, single, off, lo, hi
    string scalar ys, xs
    ys = st_local("ys")
    xs = st_local("xs")
    sel = selectindex(st_data(., "_in"))
    w = st_data(sel, "weight")
    Y = st_data(sel, ys)
    X = st_data(sel, xs)
    DY = st_data(sel, "_d" + subinstr(ys, " ", " _d"))
    DX = st_data(sel, "_d" + subinstr(xs, " ", " _d"))
    N = rows(sel)
    wbar = sum(w) / N
    df = max((sum(st_data(sel, "_dfh")), 1))
    Ty = colsum(w :* Y)
    Tx = colsum(w :* X)
    for (i = 1; i <= rows(HL_A); i++) {
        used = selectindex(HL_A[i, .] :!= 0)
        a = HL_A[i, used]
        off = HL_BOUNDS[i, 1]
        lo = HL_BOUNDS[i, 2]
        hi = HL_BOUNDS[i, 3]
        n_any = rowsum(X[., used] :!= 0) :> 0
        n = sum(n_any)
        single = (cols(used) == 1 & abs(abs(a[1]) - 1) < 1e-8 & HL_BINARY[used[1]] &
                  lo == 0 & hi == 1 & off == 0)
        if (any(Tx[used] :<= 0)) {
            est = .
            se = .
            se_srs = .
        }
        else {
            m = Ty[used] :/ Tx[used]
            est = off + sum(a :* m)
            u = DY[., used] * (a :/ Tx[used])' - DX[., used] * (a :* m :/ Tx[used])'
            se = sqrt(sum((w :* u):^2))
            v = Y[., used] * (a :/ Tx[used])' - X[., used] * (a :* m :/ Tx[used])'
            se_srs = (N > 1 ? sqrt(max((wbar^2 * N / (N - 1) * sum((v :- mean(v)):^2), 0))) : .)
        }
        ci = hl_interval(method, est, se, df, n, lo, hi, single, se_srs)
        if (n < 10) {
            est = .
            se = .
            ci = (., .)
        }
        HL_LINES = HL_LINES \ (unit + "," + period + "," + scope + "," + HL_IDS[i] + "," +
            hl_num(est) + "," + hl_num(se) + "," + hl_num(ci[1]) + "," + hl_num(ci[2]) + "," +
            hl_num(df) + "," + hl_num(n) + "," + method)
    }
}

void hl_write(string scalar path)
{
    external string colvector HL_LINES
    real scalar fh, i
    if (fileexists(path)) unlink(path)
    fh = fopen(path, "w")
    fput(fh, "unit,period,scope,index,estimate,se,ci_low,ci_high,df,n,method")
    for (i = 1; i <= rows(HL_LINES); i++) fput(fh, HL_LINES[i])
    fclose(fh)
}
end
"""

LOOP = r"""* Every unit, then every unit of the tree that has descendants (scope "subtree").
levelsof period, local(periods)
foreach p of local periods {
    levelsof unit if period == "`p'", local(units)
    foreach u of local units {
        quietly replace _in = unit == "`u'" & period == "`p'"
        mata: hl_domain("`u'", "`p'", "unit", "`method'")
    }
    foreach col of varlist unit_level*_code {
        levelsof `col' if `col' != "" & period == "`p'", local(nodes)
        foreach a of local nodes {
            quietly count if `col' == "`a'" & unit != "`a'" & period == "`p'"
            if r(N) > 0 {
                quietly replace _in = `col' == "`a'" & period == "`p'"
                mata: hl_domain("`a'", "`p'", "subtree", "`method'")
            }
        }
    }
}
mata: hl_write(st_local("out"))
display "wrote `out'"
"""


def _mata_matrix(rows: Sequence[Sequence[float]]) -> str:
    return " \\ ".join("(" + ", ".join(repr(float(x)) for x in row) + ")" for row in rows)


def stata_do(stem: str, data_file: str, fmt: str,
             rows: Sequence[dict[str, object]]) -> str:
    """The Stata do-file for an export in ``fmt`` (``rows`` from ``composite_rows``)."""
    ratios = list(dict.fromkeys(str(r["ratio"]) for r in rows))
    ids = list(dict.fromkeys(str(r["index_id"]) for r in rows))
    coef = [[0.0] * len(ratios) for _ in ids]
    bounds = [[0.0, 0.0, 1.0] for _ in ids]
    for r in rows:
        i = ids.index(str(r["index_id"]))
        coef[i][ratios.index(str(r["ratio"]))] = float(str(r["coef"]))
        bounds[i] = [float(str(r["offset"])), float(str(r.get("lower", 0.0))),
                     float(str(r.get("upper", 1.0)))]
    lines = [HEADER.format(script=f"{stem}_indices.do", data=data_file, stem=stem),
             STATA_READERS[fmt].replace("{numeric}", " ".join(ratios))]
    for j, r in enumerate(ratios, start=1):
        lines += [f"generate double _y{j} = cond(missing({r}), 0, {r})",
                  f"generate double _x{j} = !missing({r})"]
    lines.append(BODY)
    names = " ".join(f"_y{j}" for j in range(1, len(ratios) + 1))
    lines += [f'local ys "{names}"', f'local xs "{names.replace("_y", "_x")}"', "mata:",
              f"HL_A = {_mata_matrix(coef) if coef else 'J(0, 0, .)'}",
              f"HL_BOUNDS = {_mata_matrix(bounds) if bounds else 'J(0, 3, .)'}",
              "HL_IDS = (" + ", ".join(f'"{i}"' for i in ids) + ")'" if ids
              else "HL_IDS = J(0, 1, \"\")",
              'HL_LINES = J(0, 1, "")',
              'HL_BINARY = colmin(st_data(., st_local("ys")) :== 0 :| '
              'st_data(., st_local("ys")) :== 1)',
              "end", LOOP]
    return "\n".join(lines)
