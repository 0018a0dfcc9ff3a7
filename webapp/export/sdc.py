"""Statistical disclosure control of the respondent items: risk, global recoding, suppression.

The methods are those of R's sdcMicro as published (Templ, Kowarik and Meindl 2015, *J. Stat.
Softw.* 67(4); Templ 2017, *Statistical Disclosure Control for Microdata*) and of Hundepool et
al. (2012), *Statistical Disclosure Control*, Wiley, ch. 3; the code is hailong's own.

* **Frequencies** of key combinations are counted as sdcMicro's ``freqCalc``: a missing key value
  matches every category (a suppressed age could be any age), so ``f_i`` is the number of
  responses compatible with response *i* on every key, and ``F_i`` the sum of their design
  weights (the estimated population frequency). The unit is a key that is never missing, so
  responses are only compared within their (possibly pooled) unit.
* **Risk**: k-anonymity violations (``f_i < k``), the sample re-identification risk ``1/f_i``
  and the individual risk of Benedetti and Franconi (1998) with ``p = f/F`` (Franconi and
  Polettini 2004; sdcMicro's ``indivRisk``): ``p/(1-p) log(1/p)`` for ``f = 1``,
  ``p/(1-p) - (p/(1-p))² log(1/p)`` for ``f = 2`` and the approximation ``p/(f - (1-p))``
  above; where the weights do not exceed the sample (``p >= 1``) it is ``1/f``. Their sum is the
  expected number of re-identifications.
* **Global recoding** first (:mod:`webapp.export.sdc_rules`), then **local suppression** with an
  importance order (sdcMicro ``localSuppression(importance=...)``; Templ 2017, sec. 3.6):
  responses that violate k-anonymity are visited from the rarest combination up; in each, among
  the keys whose blanking alone makes the response safe, the one blanked so far the least
  (relative to the number of its values) is chosen, the least important on a tie, so the losses
  are spread and no variable is emptied; if no single key suffices the least important values
  are blanked one by one until it is safe. A response whose keys are all blank reveals only its
  unit (whose number of responses is published): it counts as safe even in a unit of fewer
  than k responses. Because a blank matches everything, blanking never
  lowers another response's frequency, so one pass suffices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .sdc_rules import Recode, Release

MISSING = -1


@dataclass
class RiskSummary:
    """Disclosure risk of a file on its declared keys."""

    k: int
    rows: int
    violations: int  # responses whose key combination is shared by fewer than k
    max_reid: float  # max 1/f
    mean_reid: float
    expected_reid: float  # Σ individual risk (Benedetti-Franconi)
    max_individual: float

    def as_dict(self) -> dict[str, float | int]:
        return {"k": self.k, "rows": self.rows, "violations": self.violations,
                "max_reid": round(self.max_reid, 6), "mean_reid": round(self.mean_reid, 6),
                "expected_reid": round(self.expected_reid, 4),
                "max_individual": round(self.max_individual, 6)}


@dataclass
class Protection:
    """What disclosure control did: recoded values, the suppression mask and its reports."""

    release: str
    k: int
    keys: list[str]
    items: list[str]  # every respondent item (keys and the others), file order
    values: pd.DataFrame  # protected items (recoded and suppressed), aligned with the rows
    suppressed: dict[str, int]
    observed: dict[str, int]  # values present before suppression, per item
    merged: dict[str, int]  # categories removed by global recoding, per item
    pooled_units: dict[str, str]  # unit → pooled pseudo-unit (public-use small units)
    risk_before: RiskSummary | None = None
    risk_after: RiskSummary | None = None
    utility: dict[str, object] = field(default_factory=dict)

    def kept_share(self) -> dict[str, float]:
        """Share of each item's values kept by local suppression (1.0 when none was present)."""
        return {v: (1 - self.suppressed[v] / n) if (n := self.observed[v]) else 1.0
                for v in self.items}


def codes_of(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Integer codes, ``MISSING`` for missing values (rows × columns)."""
    if not columns:
        return np.zeros((len(frame), 0), dtype=np.int64)
    block = frame[list(columns)].astype("Float64").to_numpy(float, na_value=np.nan)
    return np.where(np.isnan(block), MISSING, np.rint(block)).astype(np.int64)


def recode(frame: pd.DataFrame, recodes: Sequence[Recode]) -> pd.DataFrame:
    """Apply global recodes to the coded columns they name (others unchanged)."""
    out = frame.copy()
    for rc in recodes:
        if rc.variable in out:
            out[rc.variable] = out[rc.variable].map(rc.mapping()).astype("Int16")
    return out


def pool_small_units(units: pd.Series, parents: Mapping[str, str | None],
                     below: int) -> dict[str, str]:
    """Units with fewer than ``below`` responses → a pseudo-unit pooling them under their parent
    (``<parent>~pooled``); empty when ``below`` is 0."""
    if below <= 0 or units.empty:
        return {}
    sizes = units.value_counts()
    return {str(u): f"{parents.get(str(u)) or 'root'}~pooled"
            for u, n in sizes.items() if n < below}


class _Table:
    """Distinct key patterns of one group (unit) with their counts and weight sums."""

    def __init__(self, codes: np.ndarray, weights: np.ndarray) -> None:
        pats, inv, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
        self.pats = pats
        self.inv = inv.ravel()
        self.counts = counts.astype(float)
        self.wsum = np.bincount(self.inv, weights=weights, minlength=len(pats))

    def compatible(self, pattern: np.ndarray) -> np.ndarray:
        a = self.pats
        return ((a == pattern) | (a == MISSING) | (pattern == MISSING)).all(axis=1)

    def freq(self, pattern: np.ndarray) -> tuple[float, float]:
        ok = self.compatible(pattern)
        return float(self.counts[ok].sum()), float(self.wsum[ok].sum())

    def move(self, row: int, new: np.ndarray, weight: float) -> None:
        old = self.inv[row]
        self.counts[old] -= 1
        self.wsum[old] -= weight
        hit = np.flatnonzero((self.pats == new).all(axis=1))
        if hit.size:
            j = int(hit[0])
        else:
            self.pats = np.vstack([self.pats, new])
            self.counts = np.append(self.counts, 0.0)
            self.wsum = np.append(self.wsum, 0.0)
            j = len(self.pats) - 1
        self.counts[j] += 1
        self.wsum[j] += weight
        self.inv[row] = j


def _groups(units: pd.Series) -> list[np.ndarray]:
    codes, _ = pd.factorize(units.reset_index(drop=True))
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds) if len(order) else []


def frequencies(units: pd.Series, codes: np.ndarray,
                weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f_i`` and ``F_i`` for every response (a missing key matches every category)."""
    f = np.zeros(len(codes))
    big_f = np.zeros(len(codes))
    for rows in _groups(units):
        table = _Table(codes[rows], weights[rows])
        compat = np.ones((len(table.pats), len(table.pats)), dtype=bool)
        for j in range(codes.shape[1]):
            a = table.pats[:, j]
            compat &= (a[:, None] == a[None, :]) | (a[:, None] == MISSING) \
                | (a[None, :] == MISSING)
        f[rows] = (compat @ table.counts)[table.inv]
        big_f[rows] = (compat @ table.wsum)[table.inv]
    return f, big_f


def individual_risk(f: np.ndarray, big_f: np.ndarray) -> np.ndarray:
    """Benedetti-Franconi individual risk from sample and estimated population frequencies."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(big_f > 0, f / big_f, 1.0)
        odds = p / (1 - p)
        log = np.log(1 / p)
        r = np.where(f == 1, odds * log,
                     np.where(f == 2, odds - odds**2 * log, p / (f - (1 - p))))
    return np.where(p >= 1, 1 / np.maximum(f, 1), np.clip(r, 0, 1))


def measure_risk(units: pd.Series, codes: np.ndarray, weights: np.ndarray, k: int) -> RiskSummary:
    """k-anonymity violations, ``1/f`` and the individual risk of a file."""
    n = len(codes)
    if n == 0:
        return RiskSummary(k, 0, 0, 0.0, 0.0, 0.0, 0.0)
    w = np.where(np.isfinite(weights), weights, 1.0)
    f, big_f = frequencies(units, codes, w)
    reid = 1 / f
    risk = individual_risk(f, big_f)
    # A response with every key blank reveals only its unit, whose count is published anyway.
    shown = (codes != MISSING).any(axis=1) if codes.shape[1] else np.zeros(n, dtype=bool)
    return RiskSummary(k, n, int(((f < k) & shown).sum()), float(reid.max()), float(reid.mean()),
                       float(risk.sum()), float(risk.max()))


def local_suppression(units: pd.Series, codes: np.ndarray, k: int,
                      weights: np.ndarray | None = None) -> np.ndarray:
    """Blank key values until every response's combination is shared by at least ``k``
    responses; return the mask (True = blanked). Columns are in importance order, most
    important first; see the module docstring for the choice of the cell."""
    if k < 1:
        raise ValueError("k must be at least 1")
    codes = codes.copy()
    mask = np.zeros(codes.shape, dtype=bool)
    p = codes.shape[1]
    if p == 0:
        return mask
    w = np.ones(len(codes)) if weights is None else np.where(np.isfinite(weights), weights, 1.0)
    present = np.maximum((codes != MISSING).sum(axis=0), 1).astype(float)
    blanked = np.zeros(p)
    f_all, _ = frequencies(units, codes, w)
    for rows in _groups(units):
        table = _Table(codes[rows], w[rows])
        for pos in np.argsort(f_all[rows], kind="stable"):
            if f_all[rows][pos] >= k:
                break
            row = rows[pos]
            if table.freq(codes[row])[0] >= k:
                continue
            enough = []
            for j in range(p):
                if codes[row, j] == MISSING:
                    continue
                trial = codes[row].copy()
                trial[j] = MISSING
                if table.freq(trial)[0] >= k:
                    enough.append(j)
            if enough:
                order = [min(enough, key=lambda j: (blanked[j] / present[j], -j))]
            else:
                order = [j for j in reversed(range(p)) if codes[row, j] != MISSING]
            for j in order:
                codes[row, j] = MISSING
                mask[row, j] = True
                blanked[j] += 1
                table.move(int(pos), codes[row], w[row])
                if table.freq(codes[row])[0] >= k:
                    break
    return mask


def protect(release: Release, k: int, units: pd.Series, items: pd.DataFrame,
            weights: np.ndarray, parents: Mapping[str, str | None]) -> Protection:
    """Measure risk, recode, pool small units, suppress, measure again (see the module)."""
    units = units.reset_index(drop=True).astype(str)
    items = items.reset_index(drop=True)
    names = list(items.columns)
    keys = [v for v in release.keys if v in names]
    before = measure_risk(units, codes_of(items, keys), weights, k)
    recoded = recode(items, release.recodes)
    pooled = pool_small_units(units, parents, release.coarsen_below)
    key_units = units.map(lambda u: pooled.get(u, u))
    key_codes = codes_of(recoded, keys)
    mask = local_suppression(key_units, key_codes, k, weights)
    protected = recoded.copy()
    for j, name in enumerate(keys):
        protected.loc[mask[:, j], name] = pd.NA
    after = measure_risk(key_units, codes_of(protected, keys), weights, k)
    suppressed = dict.fromkeys(names, 0)
    suppressed.update({name: int(mask[:, j].sum()) for j, name in enumerate(keys)})
    merged = {rc.variable: rc.merged() for rc in release.recodes if rc.variable in names}
    return Protection(release.name, k, keys, names, protected, suppressed,
                      {v: int(recoded[v].notna().sum()) for v in names}, merged, pooled,
                      before, after)
