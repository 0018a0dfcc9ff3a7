"""Estimators: mean, total, proportion, ratio, and domains (``by``).

Each estimator linearises its statistic and passes the influence values to
:func:`analysis.variance.total_variance` (Binder 1983; Lumley 2010, sec. 2.2;
Wolter 2007, ch. 6), as R ``survey``'s ``svymean``, ``svytotal``,
``svyratio``, ``svyciprop`` and ``svyby`` do:

* mean ``m = sum w y / sum w``, influence ``(y - m) / sum w``;
* total ``sum w y``, influence ``y``;
* ratio ``R = sum w y / sum w x``, influence ``(y - R x) / sum w x``;
* proportion: the mean of a 0/1 indicator, with an interval from
  :mod:`analysis.intervals`.

Missing values are left out (R's ``na.rm = TRUE``): those rows get weight 0
but keep their PSUs, like every domain. A domain keeps the whole design for
its variance (R's ``svyby``/``subset``); ``by`` computes all domains in one
pass with sparse influence columns.

Design effect (R's ``deff = TRUE``): ``V / V_srs`` with
``V_srs = svyvar(u) / n * (1 - n / W)`` for a mean (times ``W^2`` for a total;
for a ratio ``u`` is its linearised residual, as R), where
``svyvar = n / (n - 1) * sum w (u - u_bar)^2 / W``. The ``(1 - n/W)`` factor is
applied even without fpc, as R does; ``deff`` is None where ``W <= n`` or ``n < 2``.

Degrees of freedom (R's conventions): ``df=None`` uses the normal quantile for
means, totals and ratios (R's ``confint`` default) and ``degf`` for proportions
(``svyciprop``). ``df="design"`` means the full design's ``degf`` for means,
totals and ratios (R's ``confint(svyby(...), df = degf(design))``) and the
domain's own ``degf`` for proportions (R's ``svyby(..., svyciprop)`` evaluates
``degf`` on the domain). A number is used as given.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.design import LonelyPSU, SurveyDesign
from analysis.errors import AnalysisError
from analysis.intervals import is_degenerate, proportion_ci, quasibinomial_fit
from analysis.results import DomainEstimates, Estimate, normal_or_t_ci
from analysis.variance import domain_variances, total_variance

__all__ = ["by", "indicator", "mean", "numeric_column", "proportion", "ratio", "total"]

DENSE_LIMIT = 4_000_000  # rows x domains above which variances use sparse columns
Df = float | str | None


def numeric_column(design: SurveyDesign, column: str) -> np.ndarray:
    """Return ``column`` as floats (NaN for missing), with a clear error for text or no column."""
    if column not in design.frame.columns:
        raise AnalysisError(f"column {column!r} is not in the data")
    raw = design.frame[column]
    if raw.dtype == bool:
        return raw.to_numpy(dtype=float)
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise AnalysisError(f"column {column!r} is not numeric: row {row} holds {raw.iloc[row]!r}")
    return values.to_numpy(dtype=float)


def indicator(design: SurveyDesign, expression: str) -> np.ndarray:
    """Return the 0/1 indicator of ``"COL==VALUE"`` (NaN where COL is missing).

    The value is compared as a number when the column is numeric, else as text.
    """
    column, sep, value = expression.partition("==")
    column, value = column.strip(), value.strip().strip("\"'")
    if not sep or not column:
        raise AnalysisError(f"proportion must look like COL==VALUE, got {expression!r}")
    if column not in design.frame.columns:
        raise AnalysisError(f"column {column!r} is not in the data")
    raw = design.frame[column]
    if pd.api.types.is_numeric_dtype(raw) and raw.dtype != bool:
        try:
            target = float(value)
        except ValueError as exc:
            raise AnalysisError(f"column {column!r} is numeric but {value!r} is not") from exc
        hit = raw.to_numpy(dtype=float) == target
    else:
        hit = (raw.astype("string") == value).fillna(False).to_numpy(dtype=bool)
    return np.where(raw.isna().to_numpy(), np.nan, hit.astype(float))


def _values(design: SurveyDesign, column: str | np.ndarray | pd.Series) -> np.ndarray:
    if isinstance(column, str):
        if column not in design.frame.columns and "==" in column:
            return indicator(design, column)
        return numeric_column(design, column)
    values = np.asarray(column, dtype=float)
    if values.shape != (design.nrow,):
        raise AnalysisError(f"values have shape {values.shape}, the design has {design.nrow} rows")
    return values


def _group_sum(codes: np.ndarray, values: np.ndarray, ngroups: int) -> np.ndarray:
    return np.bincount(codes, weights=values, minlength=ngroups)


def _variances(
    design: SurveyDesign, rows: np.ndarray, codes: np.ndarray, z: np.ndarray, ngroups: int
) -> np.ndarray:
    """Return the variance of each domain total of influence values ``z`` (valid ``rows``)."""
    if design.nrow * ngroups <= DENSE_LIMIT and design.lonely_psu is not LonelyPSU.AVERAGE:
        dense = np.zeros((design.nrow, ngroups))
        dense[rows, codes] = z
        return np.diag(total_variance(design, dense)).copy()
    matrix = sparse.csr_matrix((z, (rows, codes)), shape=(design.nrow, ngroups))
    return domain_variances(design, matrix)


def _domain_degf(
    design: SurveyDesign, rows: np.ndarray, codes: np.ndarray, ngroups: int
) -> np.ndarray:
    first = design.stages[0]
    pairs = pd.DataFrame({"g": codes, "c": first.cluster[rows], "s": first.stratum[rows]})
    psus = pairs.drop_duplicates(["g", "c"])["g"].to_numpy()
    strata = pairs.drop_duplicates(["g", "s"])["g"].to_numpy()
    return np.bincount(psus, minlength=ngroups) - np.bincount(strata, minlength=ngroups)


def _estimate(
    kind: str,
    design: SurveyDesign,
    y: np.ndarray,
    x: np.ndarray | None,
    domain: np.ndarray,
    ngroups: int,
) -> dict[str, np.ndarray]:
    """Return per-domain arrays: estimate, variance, deff, n, degf (domain = -1: outside)."""
    valid = (design.weights != 0) & ~np.isnan(y) & (domain >= 0)
    if x is not None:
        valid &= ~np.isnan(x)
    rows = np.flatnonzero(valid)
    codes, w, yv = domain[rows], design.weights[rows], y[rows]
    n = np.bincount(codes, minlength=ngroups)
    big_w = _group_sum(codes, w, ngroups)
    sum_y = _group_sum(codes, w * yv, ngroups)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "mean":
            est = sum_y / big_w
            z = (yv - est[codes]) / big_w[codes]
            u, scale = yv, np.ones(ngroups)
        elif kind == "total":
            est, z, u, scale = sum_y, yv, yv, big_w**2
        else:
            assert x is not None
            sum_x = _group_sum(codes, w * x[rows], ngroups)
            est = sum_y / sum_x
            z = (yv - est[codes] * x[rows]) / sum_x[codes]
            u, scale = z, big_w**2
        var = _variances(design, rows, codes, z, ngroups)
        u_bar = _group_sum(codes, w * u, ngroups) / big_w
        svyvar = n / (n - 1) * _group_sum(codes, w * (u - u_bar[codes]) ** 2, ngroups) / big_w
        vsrs = svyvar * scale * (big_w - n) / (big_w * n)
        deff = np.where((big_w > n) & (n > 1), var / vsrs, np.nan)
    degf = _domain_degf(design, rows, codes, ngroups)
    order = np.argsort(codes, kind="stable")
    return {
        "estimate": est,
        "variance": var,
        "deff": deff,
        "n": n,
        "degf": degf,
        "y": yv[order],
        "w": w[order],
        "start": np.concatenate([[0], np.cumsum(n)]),
    }


def _resolve_df(df: Df, default: str, design_df: float | Callable[[], float]) -> float:
    choice = default if df is None else df
    if isinstance(choice, str):
        if choice == "inf":
            return math.inf
        if choice == "design":
            return float(design_df() if callable(design_df) else design_df)
        raise AnalysisError(f"df must be a number, 'design' or 'inf', got {choice!r}")
    return float(choice)


def _wald(
    parts: dict[str, np.ndarray], i: int, design: SurveyDesign, df: Df, level: float
) -> Estimate:
    est, se = float(parts["estimate"][i]), math.sqrt(max(parts["variance"][i], 0.0))
    dfv = _resolve_df(df, "inf", lambda: design.degf)
    lo, hi = normal_or_t_ci(est, se, dfv, level)
    return _make(parts, i, est, se, dfv, lo, hi, level, "wald")


def _make(
    parts: dict[str, np.ndarray],
    i: int,
    est: float,
    se: float,
    df: float,
    lo: float,
    hi: float,
    level: float,
    method: str,
) -> Estimate:
    deff = float(parts["deff"][i])
    return Estimate(
        est,
        se,
        df,
        int(parts["n"][i]),
        None if math.isnan(deff) else deff,
        float(lo),
        float(hi),
        level,
        method,
    )


def _prop(
    parts: dict[str, np.ndarray], i: int, design: SurveyDesign, df: Df, level: float, method: str
) -> Estimate:
    p, se = float(parts["estimate"][i]), math.sqrt(max(parts["variance"][i], 0.0))
    dfv = _resolve_df(df, "design", float(parts["degf"][i]))
    n = int(parts["n"][i])
    fit = None
    if method == "likelihood" and not is_degenerate(p, se):
        lo_row, hi_row = parts["start"][i], parts["start"][i + 1]
        fit = quasibinomial_fit(parts["y"][lo_row:hi_row], parts["w"][lo_row:hi_row])
    lo, hi, used = proportion_ci(p, se, method=method, df=dfv, level=level, n=n, glm_fit=fit)
    return _make(parts, i, p, se, dfv, lo, hi, level, used)


def _single(
    kind: str, design: SurveyDesign, y: np.ndarray, x: np.ndarray | None, name: str
) -> dict[str, np.ndarray]:
    parts = _estimate(kind, design, y, x, np.zeros(design.nrow, dtype=np.int64), 1)
    if parts["n"][0] == 0:
        raise AnalysisError(f"no respondents with a value of {name!r} in this design or domain")
    return parts


def mean(
    design: SurveyDesign, column: str | np.ndarray, *, level: float = 0.95, df: Df = None
) -> Estimate:
    """Return the weighted mean of ``column`` (R ``svymean``).

    Parameters
    ----------
    design : SurveyDesign
    column : str or array
        Numeric column name, or one value per row (NaN = missing).
    level : float
        Confidence level.
    df : float, "design", "inf" or None
        Degrees of freedom of the interval; None = normal (R ``confint`` default).

    Returns
    -------
    Estimate
    """
    parts = _single("mean", design, _values(design, column), None, str(column))
    return _wald(parts, 0, design, df, level)


def total(
    design: SurveyDesign, column: str | np.ndarray, *, level: float = 0.95, df: Df = None
) -> Estimate:
    """Return the weighted total of ``column`` (R ``svytotal``); arguments as :func:`mean`."""
    parts = _single("total", design, _values(design, column), None, str(column))
    return _wald(parts, 0, design, df, level)


def ratio(
    design: SurveyDesign,
    numerator: str | np.ndarray,
    denominator: str | np.ndarray,
    *,
    level: float = 0.95,
    df: Df = None,
) -> Estimate:
    """Return the ratio of weighted totals ``numerator / denominator`` (R ``svyratio``).

    Rows where either value is missing are left out. Other arguments as :func:`mean`.
    """
    y, x = _values(design, numerator), _values(design, denominator)
    parts = _single("ratio", design, y, x, f"{numerator}/{denominator}")
    return _wald(parts, 0, design, df, level)


def proportion(
    design: SurveyDesign,
    column_or_bool_array: str | np.ndarray | pd.Series,
    *,
    method: str = "logit",
    level: float = 0.95,
    df: Df = None,
) -> Estimate:
    """Return a weighted proportion with a proportion interval (R ``svyciprop``).

    Parameters
    ----------
    design : SurveyDesign
    column_or_bool_array : str, array or Series
        A 0/1 (or bool) column, an expression ``"COL==VALUE"``, or one 0/1/NaN value per row.
    method : str
        Interval method, see :mod:`analysis.intervals` (default ``"logit"`` as R).
    level : float
        Confidence level.
    df : float, "design", "inf" or None
        None or "design": ``degf`` of the design (or of the domain), as ``svyciprop``.

    Returns
    -------
    Estimate
        ``method`` records the interval used (e.g. ``"logit->beta"`` in the degenerate case).
    """
    y = _indicator_values(design, column_or_bool_array)
    parts = _single("mean", design, y, None, str(column_or_bool_array))
    return _prop(parts, 0, design, df, level, method)


def _indicator_values(design: SurveyDesign, values: str | np.ndarray | pd.Series) -> np.ndarray:
    y = _values(design, values if isinstance(values, str) else np.asarray(values, dtype=float))
    finite = y[~np.isnan(y)]
    if np.any((finite != 0) & (finite != 1)):
        raise AnalysisError(f"proportion needs 0/1 values; {values!r} has others")
    return y


_KINDS: dict[Callable[..., Estimate], str] = {
    mean: "mean",
    total: "total",
    ratio: "ratio",
    proportion: "proportion",
}


def by(
    design: SurveyDesign,
    by_column: str,
    estimator_fn: Callable[..., Estimate],
    *args: Any,
    **kwargs: Any,
) -> DomainEstimates:
    """Return ``estimator_fn`` in every domain of ``by_column`` (R ``svyby``).

    Domains keep the whole design for their variances. The library's own estimators are
    computed for all domains in one pass; any other function is called on ``design.subset``.

    Parameters
    ----------
    design : SurveyDesign
    by_column : str
        Column defining the domains (rows where it is missing belong to none).
    estimator_fn : callable
        :func:`mean`, :func:`total`, :func:`proportion`, :func:`ratio` or any
        ``f(design, *args, **kwargs) -> Estimate``.

    Returns
    -------
    DomainEstimates
        ``(group, Estimate)`` pairs in sorted group order.
    """
    if by_column not in design.frame.columns:
        raise AnalysisError(f"by column {by_column!r} is not in the data")
    labels = design.frame[by_column].to_numpy()
    inset = (design.weights != 0) & pd.notna(labels)
    if not inset.any():
        raise AnalysisError(f"by column {by_column!r} defines no non-empty domain")
    codes_in, groups = pd.factorize(labels[inset], sort=True)
    domain = np.full(design.nrow, -1, dtype=np.int64)
    domain[inset] = codes_in
    kind = _KINDS.get(estimator_fn)
    if kind is None:
        return DomainEstimates(
            tuple(
                (_label(g), estimator_fn(design.subset(domain == i), *args, **kwargs))
                for i, g in enumerate(groups)
            )
        )
    return _by_fast(kind, design, domain, groups, args, kwargs)


def _label(value: Hashable) -> Hashable:
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _by_fast(
    kind: str,
    design: SurveyDesign,
    domain: np.ndarray,
    groups: pd.Index,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> DomainEstimates:
    level = kwargs.pop("level", 0.95)
    df = kwargs.pop("df", None)
    method = kwargs.pop("method", "logit")
    if kind == "ratio":
        y, x = _values(design, args[0]), _values(design, args[1])
    elif kind == "proportion":
        y, x = _indicator_values(design, args[0]), None
    else:
        y, x = _values(design, args[0]), None
    if kwargs or len(args) != (2 if kind == "ratio" else 1):
        raise TypeError(f"unexpected arguments for {kind}: {args!r} {kwargs!r}")
    parts = _estimate("mean" if kind == "proportion" else kind, design, y, x, domain, len(groups))
    items = []
    for i, group in enumerate(groups):
        if parts["n"][i] == 0:
            raise AnalysisError(f"domain {group!r} has no respondents with a value of {args[0]!r}")
        if kind == "proportion":
            est = _prop(parts, i, design, df, level, method)
        else:
            est = _wald(parts, i, design, df, level)
        items.append((_label(group), est))
    return DomainEstimates(tuple(items))
