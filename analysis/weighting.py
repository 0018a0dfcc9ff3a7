"""Calibration weighting: post-stratification, raking and trimming.

All three return a new :class:`~analysis.design.SurveyDesign`. Post-stratification
and raking append a calibration record, so that
:func:`~analysis.variance.total_variance` removes the calibrated component from the
influence values, as R ``survey``'s ``postStratify`` and ``rake`` (Lumley 2010,
sec. 7.2-7.3; Deville & Saerndal 1992; Valliant, Dever & Kreuter 2013, ch. 14).

Post-stratification multiplies the weights in each cell by
``population / sum of weights in the cell``. Rule for empty cells (population
but no respondents), chosen with ``empty_cells``:

* ``"error"`` (default): raise :class:`AnalysisError` listing the cells;
* ``"collapse"``: within each group of ``collapse_within`` (e.g. the unit), the
  population of the empty cells is shared among the group's non-empty cells in
  proportion to their own population counts. Each group keeps its population
  total and the relative sizes of its observed cells; this equals collapsing the
  empty cells into the whole group's observed cells. A group whose cells are all
  empty cannot be collapsed and raises :class:`AnalysisError`. Without
  ``collapse_within`` the whole table is one group.

A cell with respondents but no population count is always an error.

Raking iterates post-stratification over the margins (iterative proportional
fitting) until the largest change in the joint table of the margin variables is
below ``epsilon * sum(weights)`` (R's ``control$epsilon`` below 1), raising
:class:`ConvergenceError` after ``max_iter`` iterations.

Trimming follows R's ``trimWeights``: weights outside ``[lower, upper]`` are set
to the bound and the amount trimmed is spread equally over the other respondents
(rows with nonzero weight; R also spreads over zero-weight rows of a subset);
``strict=True`` repeats until no weight is outside. The calibration records are
kept, as R does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.design import PostStratum, Raking, SurveyDesign
from analysis.errors import AnalysisError, ConvergenceError

__all__ = ["poststratify", "rake", "rake_replicates", "trim"]


def _population(population: pd.DataFrame, columns: list[str], what: str) -> pd.DataFrame:
    missing = [c for c in [*columns, "Freq"] if c not in population.columns]
    if missing:
        raise AnalysisError(f"{what} has no column {missing[0]!r} (needs {columns} and Freq)")
    freq = pd.to_numeric(population["Freq"], errors="coerce")
    if freq.isna().any() or (freq < 0).any():
        raise AnalysisError(f"{what}: Freq must be a non-negative number in every row")
    table = pd.DataFrame({c: _normalise(population[c]) for c in columns})
    table["Freq"] = freq.to_numpy(dtype=float)
    if table.duplicated(columns).any():
        dup = table[table.duplicated(columns)].iloc[0][columns].tolist()
        raise AnalysisError(f"{what}: cell {dup} appears more than once")
    return table


def _sample_keys(design: SurveyDesign, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        if column not in design.frame.columns:
            raise AnalysisError(f"post-stratification column {column!r} is not in the data")
    keys = pd.DataFrame({c: _normalise(design.frame[c]) for c in columns})
    bad = keys.isna().any(axis=1).to_numpy() & (design.weights != 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise AnalysisError(f"post-stratification columns {columns} are missing in row {row}")
    return keys


def _normalise(values: pd.Series) -> pd.Series:
    """Return cell labels as text; numbers as ``%.15g`` so 1, 1.0 and "1" are one cell."""
    # Work on the distinct labels only: parsing a million repeated unit codes costs seconds.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(uniques, dtype=object).astype("string").str.strip()
    number = pd.to_numeric(text, errors="coerce")
    if number.notna().sum() == text.notna().sum():
        text = number.map(lambda v: f"{v:.15g}", na_action="ignore").astype("string")
    out = text.take(np.maximum(codes, 0)).to_numpy()
    out[codes < 0] = pd.NA
    return pd.Series(pd.array(out, dtype="string"), index=values.index)


def _cell_table(
    design: SurveyDesign, columns: list[str], table: pd.DataFrame
) -> tuple[np.ndarray, pd.DataFrame]:
    """Return (cell code per row, merged table with sample weight sums and population)."""
    keys = _sample_keys(design, columns)
    sample = keys.assign(_w=design.weights).groupby(columns, dropna=False, sort=True)["_w"].sum()
    sample = sample.rename("Sample").reset_index()
    both = sample.merge(table, on=columns, how="outer")
    both["Sample"] = both["Sample"].fillna(0.0)
    both["Freq"] = both["Freq"].fillna(0.0)
    both = both[(both["Sample"] > 0) | (both["Freq"] > 0)].reset_index(drop=True)
    lookup = both[columns].reset_index().rename(columns={"index": "_cell"})
    code = keys.merge(lookup, on=columns, how="left")["_cell"]
    code = code.fillna(len(both)).to_numpy(dtype=np.int64)
    return code, both


def _collapse(both: pd.DataFrame, columns: list[str], within: str | None) -> pd.DataFrame:
    if within is not None and within not in columns:
        raise AnalysisError(f"collapse_within {within!r} must be one of {columns}")
    group = both[within] if within is not None else pd.Series(0, index=both.index)
    observed = both["Sample"] > 0
    total = both["Freq"].groupby(group).transform("sum")
    kept = both["Freq"].where(observed, 0.0).groupby(group).transform("sum")
    if ((kept == 0) & (total > 0)).any():
        bad = group[(kept == 0) & (total > 0)].iloc[0]
        raise AnalysisError(f"cannot collapse: group {within}={bad!r} has no respondents")
    both = both.copy()
    both["Freq"] = np.where(observed, both["Freq"] * total / kept.where(kept > 0, 1.0), 0.0)
    return both


def poststratify(
    design: SurveyDesign,
    strata_columns: Sequence[str],
    population: pd.DataFrame,
    *,
    empty_cells: str = "error",
    collapse_within: str | None = None,
) -> SurveyDesign:
    """Return the design post-stratified to ``population`` (R ``postStratify``).

    Parameters
    ----------
    design : SurveyDesign
    strata_columns : sequence of str
        Columns defining the post-strata (cells are their combinations).
    population : pandas.DataFrame
        Those columns and ``Freq``, the population count of each cell.
    empty_cells : {"error", "collapse"}
        What to do with cells that have population but no respondents (module docstring).
    collapse_within : str, optional
        One of ``strata_columns``; empty cells are collapsed within its groups.

    Returns
    -------
    SurveyDesign
        New weights and a :class:`~analysis.design.PostStratum` record for the variance.
    """
    columns = list(strata_columns)
    if empty_cells not in ("error", "collapse"):
        raise AnalysisError(f"empty_cells must be 'error' or 'collapse', got {empty_cells!r}")
    table = _population(population, columns, "population table")
    code, both = _cell_table(design, columns, table)
    onlysample = (both["Sample"] > 0) & (both["Freq"] == 0)
    if onlysample.any():
        cell = both.loc[onlysample, columns].iloc[0].tolist()
        raise AnalysisError(
            f"cell {dict(zip(columns, cell, strict=True))} has respondents but no population count"
        )
    onlypop = (both["Sample"] == 0) & (both["Freq"] > 0)
    if onlypop.any():
        if empty_cells == "error":
            cells = both.loc[onlypop, columns].head(5).to_dict("records")
            raise AnalysisError(
                f"{int(onlypop.sum())} cells have population but no respondents, e.g. {cells}; "
                "use empty_cells='collapse' or merge cells"
            )
        both = _collapse(both, columns, collapse_within)
    factor = np.append((both["Freq"] / both["Sample"].where(both["Sample"] > 0, 1.0)).to_numpy(), 0)
    new = design.weights * factor[code]
    record = PostStratum(cell=code, weights=new, old_weights=np.asarray(design.weights))
    return design.with_weights(new, calibration=record)


def _joint_codes(design: SurveyDesign, columns: list[str]) -> np.ndarray:
    keys = _sample_keys(design, columns)
    return keys.groupby(columns, dropna=False, sort=True).ngroup().to_numpy(dtype=np.int64)


def rake(
    design: SurveyDesign,
    margins: Sequence[pd.DataFrame],
    *,
    max_iter: int = 100,
    epsilon: float = 1e-10,
) -> SurveyDesign:
    """Return the design raked to ``margins`` by iterative proportional fitting (R ``rake``).

    Parameters
    ----------
    design : SurveyDesign
    margins : sequence of pandas.DataFrame
        Each has one or more margin columns and ``Freq``.
    max_iter : int
        Maximum number of full passes over the margins.
    epsilon : float
        Convergence tolerance, relative to the sum of the weights: stop when no cell of the
        joint table of all margin variables changes by more than ``epsilon * sum(w)``.

    Returns
    -------
    SurveyDesign
        New weights and a :class:`~analysis.design.Raking` record for the variance.

    Raises
    ------
    ConvergenceError
        The margins could not be met within ``max_iter`` passes (e.g. inconsistent totals).
    """
    if not margins:
        raise AnalysisError("rake needs at least one margin")
    specs = []
    for i, margin in enumerate(margins):
        columns = [c for c in margin.columns if c != "Freq"]
        specs.append((columns, _population(margin, columns, f"margin {i + 1}")))
    joint = _joint_codes(design, [c for columns, _ in specs for c in columns])
    tolerance = epsilon * design.sum_weights
    old_table = np.bincount(joint, weights=design.weights)
    current, delta = design, np.inf
    for _ in range(max_iter):
        steps = []
        for columns, table in specs:
            step = poststratify(current, columns, table)
            record = step.calibration[-1]
            assert isinstance(record, PostStratum)  # poststratify appends exactly this record
            steps.append((record.cell, step.weights))
            current = step
        new_table = np.bincount(joint, weights=current.weights)
        delta = float(np.max(np.abs(old_table - new_table)))
        if delta < tolerance:
            record = Raking(margins=tuple(steps))
            return design.with_weights(current.weights, calibration=record)
        old_table = new_table
    names = [columns for columns, _ in specs]
    raise ConvergenceError(
        f"raking on margins {names} did not converge in {max_iter} iterations "
        f"(last change {delta:.3g} > tolerance {tolerance:.3g}); check that the margins "
        "have the same total and that no margin cell is empty"
    )


def trim(
    design: SurveyDesign,
    lower: float | None = None,
    upper: float | None = None,
    *,
    strict: bool = False,
) -> SurveyDesign:
    """Return the design with weights trimmed to ``[lower, upper]`` (R ``trimWeights``).

    Parameters
    ----------
    design : SurveyDesign
    lower, upper : float, optional
        Bounds for the weights of respondents (rows with nonzero weight).
    strict : bool
        Repeat until redistribution pushes no weight outside the bounds.

    Returns
    -------
    SurveyDesign
        Same calibration records, new weights with the same total.
    """
    lo = -np.inf if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    if lo > hi:
        raise AnalysisError(f"trim bounds are reversed: lower {lo} > upper {hi}")
    weights = np.array(design.weights, dtype=float)
    active = weights != 0
    for _ in range(1000):
        outside = active & ((weights < lo) | (weights > hi))
        if not outside.any():
            break
        clipped = np.clip(weights, lo, hi)
        inside = active & ~outside
        if not inside.any():
            raise AnalysisError("every weight is outside the trimming bounds")
        trimmed = float(np.sum(weights[outside] - clipped[outside]))
        weights = np.where(outside, clipped, weights)
        weights[inside] += trimmed / np.count_nonzero(inside)
        if not strict:
            break
    return design.with_weights(weights)


def rake_replicates(
    design: SurveyDesign,
    replicate_weights: np.ndarray,
    margins: Sequence[pd.DataFrame],
    *,
    max_iter: int = 2000,
    epsilon: float = 1e-12,
) -> np.ndarray:
    """Rake every column of ``replicate_weights`` (rows as ``design.frame``) to ``margins``.

    The same iterative proportional fitting and stop rule as :func:`rake`, run on all
    replicates at once (R's ``rake`` on an ``svrepdesign`` recalibrates each replicate the same
    way). A replicate that leaves a margin cell without any weight cannot be raked: the error
    names the replicate and the cell.
    """
    w = np.array(replicate_weights, dtype=float)
    if w.ndim != 2 or w.shape[0] != len(design.frame):
        raise AnalysisError("replicate weights need one row per row of the design")
    if not margins:
        raise AnalysisError("rake needs at least one margin")
    specs = []
    for i, margin in enumerate(margins):
        columns = [c for c in margin.columns if c != "Freq"]
        table = _population(margin, columns, f"margin {i + 1}")
        full = design.with_weights(np.ones(len(design.frame)))
        code, both = _cell_table(full, columns, table)
        if (code == len(both)).any() or (both["Freq"] == 0).any():
            cell = both.loc[both["Freq"] == 0, columns].head(1).to_dict("records")
            raise AnalysisError(f"margin {i + 1}: cell {cell} has answers but no population")
        specs.append((columns, code, both["Freq"].to_numpy(dtype=float), both))
    joint = _joint_codes(design.with_weights(np.ones(len(design.frame))),
                         [c for columns, _, _, _ in specs for c in columns])
    n_joint = int(joint.max()) + 1

    def table_of(weights: np.ndarray) -> np.ndarray:
        out = np.zeros((n_joint, weights.shape[1]))
        np.add.at(out, joint, weights)
        return out

    old = table_of(w)
    for _ in range(max_iter):
        for columns, code, freq, both in specs:
            sums = np.zeros((len(freq), w.shape[1]))
            np.add.at(sums, code, w)
            empty = (sums == 0) & (freq[:, None] > 0)
            if empty.any():
                cell, r = np.argwhere(empty)[0]
                label = both.loc[cell, columns].to_dict()
                raise AnalysisError(f"bootstrap replicate {r + 1}: margin cell {label} has no "
                                    "answer left (all its PSUs were left out): merge cells")
            w = w * (freq[:, None] / np.where(sums > 0, sums, 1.0))[code]
        new = table_of(w)
        if (np.abs(new - old).max(axis=0) < epsilon * w.sum(axis=0)).all():
            return w
        old = new
    raise ConvergenceError(f"raking the replicates on margins {[s[0] for s in specs]} did "
                           f"not converge in {max_iter} iterations")
