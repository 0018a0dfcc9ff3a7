"""Coverage of nominal 95% intervals for unit-level satisfaction shares (simulation study).

A synthetic population of units of very different sizes: each unit handles dossiers in two to four
procedure fields, with satisfaction that differs by field. Each replication draws responses from
every unit (5 to 400 responses; fields are over- or under-represented because counters hand out QR
codes unevenly, and a field may get no response at all), computes hailong's default weights
(post-stratification to dossier counts per field, the collapse rule for empty fields) and the
per-unit SIPAS results with :func:`analysis.units.unit_results`, and records whether each interval
method covers the unit's true share (the dossier-weighted share of satisfied citizens). Responses
within a unit x field are a random sample: the study checks the estimator, not self-selection.

Run (results are in docs/statistics.md)::

    .venv/bin/python bench/simulate_coverage.py --replications 1000 --seed 20261127
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.intervals import interval
from analysis.units import unit_results

METHODS = ("beta_nchs", "beta", "wilson", "xlogit", "mean")
SIZES = (5, 8, 12, 15, 19, 25, 40, 60, 100, 200, 400)
SPEC = {
    "method": "sipas",
    "scale": "sat5",
    "satisfied_codes": [4, 5],
    "excluded_codes": [9],
    "element_method": "criterion_mean",
    "overall_method": "mean_of_elements",
    "elements": [
        {"id": "E1", "criteria": ["C1", "C2"], "satisfaction_item": None},
        {"id": "E2", "criteria": ["C3"], "satisfaction_item": None},
    ],
}
CRITERIA = ("C1", "C2", "C3")


def make_population(units_per_size: int = 6, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Return the synthetic population: dossier counts, true shares and response propensities."""
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for size_index, n_resp in enumerate(SIZES):
        for j in range(units_per_size):
            unit = f"U{size_index:02d}{j}"
            n_fields = int(rng.integers(2, 5))
            counts = rng.integers(20, 3000, n_fields) * (1 + size_index)
            base = rng.uniform(0.55, 0.97)
            for f in range(n_fields):
                p = np.clip(base + rng.normal(0, 0.08, len(CRITERIA)), 0.3, 0.995)
                rows.append(
                    {
                        "unit": unit,
                        "field": f"F{f}",
                        "period": "2026-10",
                        "count": int(counts[f]),
                        "propensity": rng.uniform(0.3, 3.0),
                        **{c: p[i] for i, c in enumerate(CRITERIA)},
                        "n_resp": n_resp,
                    }
                )
    cells = pd.DataFrame(rows)
    for c in CRITERIA:
        share = (cells[c] * cells["count"]).groupby(cells["unit"]).sum()
        truth.append(share / cells.groupby("unit")["count"].sum())
    true = pd.concat(truth, axis=1, keys=CRITERIA)
    true["E1"] = (true["C1"] + true["C2"]) / 2
    true["E2"] = true["C3"]
    true["overall"] = (true["E1"] + true["E2"]) / 2
    return {"cells": cells, "truth": true}


def draw_sample(cells: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw one sample of responses from every unit (field shares follow the propensities)."""
    parts = []
    for unit, g in cells.groupby("unit", sort=False):
        prob = (g["count"] * g["propensity"]).to_numpy(dtype=float)
        alloc = rng.multinomial(int(g["n_resp"].iloc[0]), prob / prob.sum())
        for (_, cell), k in zip(g.iterrows(), alloc, strict=True):
            if k == 0:
                continue
            frame = {"unit": unit, "field": cell["field"], "period": cell["period"]}
            for c in CRITERIA:
                sat = rng.random(k) < cell[c]
                codes = np.where(sat, rng.integers(4, 6, k), rng.integers(1, 4, k)).astype(float)
                codes[rng.random(k) < 0.05] = 9.0
                frame[c] = codes
            parts.append(pd.DataFrame(frame))
    return pd.concat(parts, ignore_index=True)


def simulate(replications: int, seed: int, units_per_size: int = 6) -> pd.DataFrame:
    """Return one row per (replication, unit, index, method) with ``covered`` and ``n``."""
    pop = make_population(units_per_size, seed)
    cells, truth = pop["cells"], pop["truth"]
    dossiers = cells[["unit", "field", "period", "count"]]
    rng = np.random.default_rng(seed + 1)
    out = []
    for rep in range(replications):
        sample = draw_sample(cells, rng)
        res = unit_results(sample, SPEC, dossiers, suppress_below=0)
        res = res[res["index_id"].isin(["C1", "overall"])]
        true = truth.stack().rename("truth")
        res = res.join(true, on=["unit", "index_id"])
        for method in METHODS:
            lo, hi = interval(
                res["estimate"],
                res["se"],
                res["df"],
                res["n"],
                method=method,
                single=(res["index_level"] == "criterion").to_numpy(),
                se_srs=(res["se"] / np.sqrt(res["deff"])).to_numpy(),
            )
            out.append(
                pd.DataFrame(
                    {
                        "replication": rep,
                        "unit": res["unit"].to_numpy(),
                        "index_id": res["index_id"].to_numpy(),
                        "method": method,
                        "n": res["n_responses"].to_numpy(),
                        "covered": (lo <= res["truth"].to_numpy())
                        & (res["truth"].to_numpy() <= hi),
                        "defined": ~np.isnan(lo),
                        "width": hi - lo,
                    }
                )
            )
    return pd.concat(out, ignore_index=True)


def coverage_table(sim: pd.DataFrame) -> pd.DataFrame:
    """Coverage (share of intervals containing the truth) per method, index and size band."""
    band = pd.cut(sim["n"], [0, 19, 59, np.inf], labels=["<20", "20-59", ">=60"])
    sim = sim.assign(band=band.astype(str))
    rows = []
    for (index_id, method), g in sim.groupby(["index_id", "method"], sort=False):
        row = {"index": index_id, "method": method, "all units": g["covered"].mean()}
        for b in ("<20", "20-59", ">=60"):
            row[f"n {b}"] = g.loc[g["band"] == b, "covered"].mean()
        row["median width (n<20)"] = g.loc[g["band"] == "<20", "width"].median()
        row["intervals"] = len(g)
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    """Run the study and print the coverage table as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--units-per-size", type=int, default=6)
    args = parser.parse_args()
    start = time.perf_counter()
    sim = simulate(args.replications, args.seed, args.units_per_size)
    table = coverage_table(sim)
    print(_markdown(table))
    print(
        f"\n{args.replications} replications, {sim['unit'].nunique()} units, "
        f"{time.perf_counter() - start:.0f} s"
    )


def _markdown(table: pd.DataFrame) -> str:
    """Format the coverage table as a Markdown table (no extra dependency)."""
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in table.iterrows():
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
