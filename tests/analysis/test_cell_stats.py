"""Statistics from cell sums equal those from the rows (unit_results), also when the sums are
built in several steps, with one-response cells, collapsed fields and unmatched cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.cell_stats import CellSums, results_from_cells, stats_from_cells
from analysis.unit_stats import results_from_stats
from analysis.units import unit_results
from tests.numeric import assert_results_match, variance_floor

SPEC = {
    "method": "sipas",
    "satisfied_codes": [4, 5],
    "excluded_codes": [9],
    "element_method": "criterion_mean",
    "elements": [{"id": "E1", "criteria": ["a", "b"]}, {"id": "E2", "criteria": ["c"]}],
}
PARENTS = {"u1": "d1", "u2": "d1", "u3": "d2", "u4": "d2", "d1": "p", "d2": "p"}
NUMERIC = ["estimate", "se", "ci_low", "ci_high", "df", "n", "n_eff", "deff", "n_responses"]


def _responses(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for unit, n in {"u1": 150, "u2": 40, "u3": 9, "u4": 70}.items():
        parts.append(pd.DataFrame({
            "unit": unit,
            "field": rng.choice(["f1", "f2", "f3"], n, p=[0.7, 0.25, 0.05]),
            "month": rng.choice(["2026-01", "2026-02", "2026-03"], n),
            **{c: rng.choice([1, 2, 3, 4, 5, 9, np.nan], n) for c in ("a", "b", "c")},
        }))
    frame = pd.concat(parts, ignore_index=True)
    # u4 gets one response in field f4: a one-response post-stratum.
    extra = frame.iloc[[0]].assign(unit="u4", field="f4", month="2026-02")
    return pd.concat([frame, extra], ignore_index=True)


def _dossiers(resp: pd.DataFrame, period: str) -> pd.DataFrame:
    cells = resp[["unit", "field"]].drop_duplicates().sort_values(["unit", "field"])
    cells = cells[~((cells["unit"] == "u2") & (cells["field"] == "f3"))]  # unmatched: dropped
    cells = cells.assign(period=period, count=100 + 13 * np.arange(len(cells)))
    collapsed = pd.DataFrame({"unit": ["u1"], "field": ["f9"], "period": [period],
                              "count": [500]})  # dossiers, no response: collapsed
    return pd.concat([cells, collapsed], ignore_index=True)


@pytest.mark.parametrize("correction", [True, False])
@pytest.mark.parametrize("period,months", [("2026-Q1", ["2026-01", "2026-02", "2026-03"]),
                                           ("2026-02", ["2026-02"])])
def test_cells__equal_rows(correction: bool, period: str, months: list[str]) -> None:
    resp = _responses(3)
    dossiers = _dossiers(resp, period)
    sums = CellSums(SPEC)
    half = len(resp) // 2
    sums.add(resp.iloc[:half])  # in two steps, as responses arrive
    sums.add(resp.iloc[half:])
    stats = stats_from_cells(sums, {period: months}, dossiers, small_cell_correction=correction)
    got = results_from_stats(stats, SPEC, PARENTS)
    rows = resp[resp["month"].isin(months)].assign(period=period)
    want = unit_results(rows, SPEC, dossiers=dossiers, parents=PARENTS, unmatched="drop",
                        small_cell_correction=correction)
    key = ["scope", "unit", "period", "index_id"]
    got = got.sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[key], want[key])
    # Within the rounding of the arithmetic (tests/numeric.py), not a fixed 1e-9: a variance
    # that cancels to zero on one path may be a residue of 1e-17 on the other.
    assert_results_match(got, want)
    assert got["suppressed"].tolist() == want["suppressed"].tolist()
    assert stats.dropped.to_dict("records") == want.attrs["dropped"]
    assert stats.collapsed.to_dict("records") == want.attrs["collapsed"]
    assert want.attrs["collapsed"]  # the collapse rule was exercised
    assert want.attrs["dropped"] or period != "2026-Q1"  # and, over the quarter, the drop rule


def test_cells__only_some_units__same_rows_for_them() -> None:
    resp = _responses(4)
    dossiers = _dossiers(resp, "2026-Q1")
    sums = CellSums(SPEC)
    sums.add(resp)
    months = {"2026-Q1": ["2026-01", "2026-02", "2026-03"]}
    every = stats_from_cells(sums, months, dossiers)
    some = stats_from_cells(sums, months, dossiers, units={"u2"})
    assert list(some.units) == ["u2"]
    pos = list(every.units).index("u2")
    # M_h is a difference of sums of products of the weighted values w z (never negative here:
    # answers and indicators), each term at most (Σ w z)², so its rounding floor is that of a
    # variance with scale max(Σ w z) (tests/numeric.py), not a fixed 1e-12.
    scale = float(np.abs(every.stats.total[pos]).max())
    floor = variance_floor(float(every.stats.n_rows[pos]), scale)
    np.testing.assert_allclose(some.stats.design[0], every.stats.design[pos], rtol=0, atol=floor)



PAPI = {
    "method": "papi", "dimension_range": [1, 10], "total_range": [1, 10],
    "dimensions": [{"id": "D1", "subdimensions": [{"id": "S1", "indicators": [
        {"id": "i1", "item": "a", "values": {1: 0.0, 2: 0.5, 3: 1.0}, "bounds": [0, 1]},
        {"id": "i2", "item": "b", "values": {4: 2.5, 5: 3.0}, "bounds": [0, 3],
         "direction": "lower_better"}]}]}],
}


@pytest.mark.parametrize("spec", [SPEC, PAPI], ids=["sipas", "papi"])
def test_cells__packed_and_put_back__same_results(spec: dict) -> None:
    """Cells stored as bytes (as the database keeps them) and read into another process's
    copy give the same results as the rows; non-0/1 numerators are kept as counts."""
    resp = _responses(5)
    dossiers = _dossiers(resp, "2026-Q1")
    kept = CellSums(spec)
    kept.add(resp.iloc[:100])
    kept.add(resp.iloc[100:])
    keys = list(kept.keys.itertuples(index=False, name=None))
    again = CellSums(spec)
    again.put(keys, kept.n.copy(), [kept.pack(i) for i in range(len(keys))])
    assert bytes(kept.pack(0))[:20] == bytes(again.pack(again._index[keys[0]]))[:20]
    np.testing.assert_array_equal(again.binary, kept.binary)
    assert (spec is PAPI) == (not again.binary.all())  # PAPI values 0.5, 2.5: not 0/1
    months = {"2026-Q1": ["2026-01", "2026-02", "2026-03"]}
    got = results_from_cells(again, months, dossiers, PARENTS)
    rows = resp.assign(period="2026-Q1")
    want = unit_results(rows, spec, dossiers=dossiers, parents=PARENTS, unmatched="drop")
    key = ["scope", "unit", "period", "index_id"]
    got = got.sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[key], want[key])
    assert_results_match(got, want)
