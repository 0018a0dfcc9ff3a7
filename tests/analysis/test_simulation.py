"""Fast version of bench/simulate_coverage.py (the full study's table is in docs/statistics.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from analysis.intervals import DEFAULT_CI_METHOD

BENCH = Path(__file__).parents[2] / "bench" / "simulate_coverage.py"


def _bench():
    spec = importlib.util.spec_from_file_location("simulate_coverage", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_default_ci_method__covers_unit_shares_at_least_94_percent():
    bench = _bench()
    sim = bench.simulate(replications=25, seed=7, units_per_size=4)
    table = bench.coverage_table(sim).set_index(["index", "method"])
    for index in ("C1", "overall"):
        row = table.loc[(index, DEFAULT_CI_METHOD)]
        assert row["all units"] >= 0.94, (index, row.to_dict())
        assert row["n <20"] >= 0.94, (index, row.to_dict())
