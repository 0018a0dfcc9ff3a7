"""Change between periods, false-discovery control across units, and PAPI-like quartile groups.

Change between two periods
--------------------------
Responses of different periods come from different respondents, so the two estimates are treated
as independent: ``Δ = θ₂ - θ₁``, ``se(Δ) = sqrt(se₁² + se₂²)``, with Welch-Satterthwaite degrees
of freedom ``(v₁+v₂)² / (v₁²/df₁ + v₂²/df₂)`` (Korn and Graubard 1999;
Lohr 2022). The interval is ``Δ ± t·se(Δ)`` and the p-value is the two-sided t test of ``Δ = 0``.

Many units at once
------------------
Testing hundreds of units at 5% flags about 5% of unchanged units by chance. ``significant`` uses
the Benjamini-Hochberg procedure (Benjamini and Hochberg 1995; ``statsmodels``
``multipletests(method="fdr_bh")``) within each index (and scope), so that among the units
flagged as changed the expected share of false flags is at most ``fdr``.

Quartile groups
---------------
As PAPI, units are grouped by the percentiles of their scores: group 1 (best, at or above the 75th
percentile), 2 (50th-75th), 3 (25th-50th), 4 (below the 25th). ``group_certainty`` is the
probability that the unit would land in the same group if the estimates were drawn again from
their sampling distributions: every unit's score is drawn from ``N(θ̂_u, se_u²)`` independently
(units are separate strata), the percentiles are recomputed and the unit re-grouped, ``draws``
times. This is a parametric bootstrap of the grouping; it ignores bias (e.g. from who chooses to
scan) and treats the point estimates as the truth's best guess.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.errors import AnalysisError

GROUP_LABELS = {
    1: {"vi": "Nhóm đạt điểm cao nhất", "en": "best performers"},
    2: {"vi": "Nhóm đạt điểm trung bình cao", "en": "high-average"},
    3: {"vi": "Nhóm đạt điểm trung bình thấp", "en": "low-average"},
    4: {"vi": "Nhóm đạt điểm thấp nhất", "en": "poor performers"},
}


def period_change(
    results: pd.DataFrame,
    *,
    current: str,
    previous: str,
    keys: Sequence[str] = ("unit", "scope", "index_id"),
    level: float = 0.95,
    fdr: float = 0.05,
) -> pd.DataFrame:
    """Return the change of every index between two periods, with intervals and BH flags.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`analysis.units.unit_results` covering both periods (needs ``period``,
        ``estimate``, ``se``, ``df`` and the ``keys``).
    current, previous : str
        The two periods (``"YYYY-MM"``, ``"YYYY-Qn"`` or ``"YYYY"``).
    keys : sequence of str
        Columns identifying one series.
    level : float
        Confidence level of the interval for the change.
    fdr : float
        False discovery rate for ``significant`` (Benjamini-Hochberg within each index).

    Returns
    -------
    pandas.DataFrame
        ``keys`` plus ``estimate_previous, estimate_current, change, se, df, ci_low, ci_high,
        p_value, q_value, significant`` (False where the change cannot be computed).
    """
    keys = list(keys)
    cols = [*keys, "estimate", "se", "df"]
    missing = [c for c in [*cols, "period"] if c not in results.columns]
    if missing:
        raise AnalysisError(f"results have no column(s) {missing}")
    a = results.loc[results["period"] == previous, cols]
    b = results.loc[results["period"] == current, cols]
    both = a.merge(b, on=keys, suffixes=("_previous", "_current"), how="inner")
    v1, v2 = both["se_previous"] ** 2, both["se_current"] ** 2
    out = both[keys].copy()
    out["estimate_previous"] = both["estimate_previous"]
    out["estimate_current"] = both["estimate_current"]
    out["change"] = both["estimate_current"] - both["estimate_previous"]
    out["se"] = np.sqrt(v1 + v2)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (v1 + v2) ** 2 / (v1**2 / both["df_previous"] + v2**2 / both["df_current"])
    out["df"] = df.where(df > 0)
    t = stats.t.ppf(1 - (1 - level) / 2, out["df"])
    out["ci_low"] = out["change"] - t * out["se"]
    out["ci_high"] = out["change"] + t * out["se"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["p_value"] = 2 * stats.t.sf(np.abs(out["change"] / out["se"]), out["df"])
    family = [k for k in keys if k != "unit"]
    out = out.reset_index(drop=True)
    p_values = out["p_value"].to_numpy(dtype=float)
    q_values = np.full(len(out), np.nan)
    flags = np.zeros(len(out), dtype=bool)
    for idx in out.groupby(family, sort=False).indices.values():
        flags[idx], q_values[idx] = bh_flags(p_values[idx], fdr=fdr)
    out["q_value"] = q_values
    out["significant"] = flags
    return out


def bh_flags(p_values: np.ndarray, *, fdr: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg flags over the non-missing p-values.

    Parameters
    ----------
    p_values : numpy.ndarray
        p-values, NaN where no test was possible (left out of the family).
    fdr : float
        Target false discovery rate.

    Returns
    -------
    (significant, q_values) : tuple of numpy.ndarray
        Boolean flags (False for NaN) and BH-adjusted p-values (NaN for NaN).
    """
    p = np.asarray(p_values, dtype=float)
    ok = ~np.isnan(p)
    flags = np.zeros(p.shape, dtype=bool)
    q = np.full(p.shape, np.nan)
    if ok.any():
        reject, adj, _, _ = multipletests(p[ok], alpha=fdr, method="fdr_bh")
        flags[ok], q[ok] = reject, adj
    return flags, q


def _assign(values: np.ndarray) -> np.ndarray:
    """Quartile group 1 (best) .. 4 per row of ``values`` (last axis = units)."""
    q25, q50, q75 = np.percentile(values, [25, 50, 75], axis=-1, keepdims=True)
    return np.where(values >= q75, 1, np.where(values >= q50, 2, np.where(values >= q25, 3, 4)))


def quartile_groups(
    results: pd.DataFrame,
    *,
    draws: int = 2000,
    seed: int | None = 0,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    """Group units into PAPI-like quartile groups and say how sure each placement is.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per unit for ONE index and period, with ``unit``, ``estimate`` and ``se``.
        Rows with a missing estimate (e.g. suppressed) are left out, as PAPI leaves out provinces
        without valid results.
    draws : int
        Number of simulated re-draws of all estimates.
    seed : int, optional
        Seed of the random generator (results are reproducible with a fixed seed).
    higher_is_better : bool
        Group 1 holds the highest scores (else the lowest).

    Returns
    -------
    pandas.DataFrame
        ``unit, estimate, se, group`` (1 best .. 4), ``group_label_vi``, ``group_label_en``,
        ``group_certainty`` (probability of the same group on a re-draw), ``p_group_1`` ..
        ``p_group_4``, and the cut points ``q25, q50, q75`` (same for all rows).
    """
    data = results.dropna(subset=["estimate"]).reset_index(drop=True)
    if data["unit"].duplicated().any():
        raise AnalysisError("quartile_groups needs one row per unit (one index, one period)")
    if len(data) < 4:
        raise AnalysisError("quartile groups need at least four units with an estimate")
    sign = 1.0 if higher_is_better else -1.0
    est = sign * data["estimate"].to_numpy(dtype=float)
    se = np.nan_to_num(data["se"].to_numpy(dtype=float), nan=0.0)
    group = _assign(est)
    rng = np.random.default_rng(seed)
    sim = est + se * rng.standard_normal((draws, len(est)))
    sim_group = _assign(sim)
    out = data[["unit", "estimate", "se"]].copy()
    out["group"] = group
    out["group_label_vi"] = [GROUP_LABELS[g]["vi"] for g in group]
    out["group_label_en"] = [GROUP_LABELS[g]["en"] for g in group]
    out["group_certainty"] = (sim_group == group).mean(axis=0)
    for g in range(1, 5):
        out[f"p_group_{g}"] = (sim_group == g).mean(axis=0)
    cuts = np.percentile(data["estimate"].to_numpy(dtype=float), [25, 50, 75])
    out["q25"], out["q50"], out["q75"] = cuts
    return out
