"""Disclosure control of the respondent items (issue 19): risk, recoding, suppression, releases.

k-anonymity is checked here by brute force (every pair of responses of a unit compared, a
blank matching any value), a second path beside the pattern tables of ``webapp.export.sdc``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.test_export import read_csv
from webapp.demo.loader import demo_months, load_demo
from webapp.export.sdc import MISSING, individual_risk, local_suppression, measure_risk
from webapp.export.sdc_rules import RELEASES
from webapp.export.service import ExportError, ExportRequest, run_export
from webapp.models import AuditEntry
from webapp.statistics.indices_cache import cached_indices
from webapp.statistics.microdata import load_responses

KEYS = list(RELEASES["public"].keys)


def brute_force_frequency(units: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """f_i by comparing every pair of responses of the same unit."""
    same_unit = units[:, None] == units[None, :]
    match = np.ones_like(same_unit)
    for j in range(codes.shape[1]):
        a = codes[:, j]
        match &= (a[:, None] == a[None, :]) | (a[:, None] == MISSING) | (a[None, :] == MISSING)
    return (same_unit & match).sum(axis=1)


def violations(data: pd.DataFrame, keys: list[str], k: int) -> int:
    """Responses of an exported file whose key combination (in their unit) has fewer than k."""
    codes = data[keys].fillna(MISSING).to_numpy(int)
    shown = (codes != MISSING).any(axis=1)  # all keys blank: only the unit is revealed
    f = brute_force_frequency(data["unit"].astype(str).to_numpy(), codes)
    return int(((f < k) & shown).sum())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_local_suppression__random_data__k_anonymous_by_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    units = pd.Series(rng.choice(["A", "B", "C"], n, p=[0.6, 0.3, 0.1]))
    codes = np.column_stack([rng.integers(1, m + 1, n) for m in (2, 5, 2, 3)])
    codes[rng.random(codes.shape) < 0.05] = MISSING
    for k in (2, 3, 5):
        before = brute_force_frequency(units.to_numpy(), codes)
        assert (before < k).any()  # the random data needs protection
        mask = local_suppression(units, codes, k)
        after = np.where(mask, MISSING, codes)
        assert not (brute_force_frequency(units.to_numpy(), after) < k).any()
        assert not (mask & (codes == MISSING)).any()  # only given values are blanked
        assert mask.sum() < (before < k).sum() * codes.shape[1]  # never everything


def test_local_suppression__safe_rows_untouched_and_least_important_first() -> None:
    units = pd.Series(["U"] * 6)
    codes = np.array([[1, 1], [1, 1], [1, 1], [1, 2], [1, 1], [2, 1]])
    mask = local_suppression(units, codes, 2)
    # Row 3 differs only in the second key, row 5 only in the first: each loses exactly that.
    assert mask.tolist() == [[False, False]] * 3 + [[False, True], [False, False], [True, False]]


def test_individual_risk__benedetti_franconi_values() -> None:
    # f = 1 with F = 2 (p = 1/2): p/(1-p) log(1/p) = log 2; f = 2, F = 4 (p = 1/2):
    # 1 - log 2; f = 5, F = 10: p/(f - (1-p)) = 0.5/4.5; a weight of 1 (p = 1): 1/f.
    r = individual_risk(np.array([1.0, 2.0, 5.0, 3.0]), np.array([2.0, 4.0, 10.0, 3.0]))
    np.testing.assert_allclose(r, [math.log(2), 1 - math.log(2), 0.5 / 4.5, 1 / 3], rtol=1e-12)


def test_measure_risk__counts_violations() -> None:
    units = pd.Series(["U"] * 5 + ["V"] * 2)
    codes = np.array([[1], [1], [1], [2], [MISSING], [1], [1]])
    risk = measure_risk(units, codes, np.full(7, 10.0), k=3)
    # U: the blank matches both; f = 4,4,4,2,5 -> one violation; V: f = 2,2 -> two.
    assert risk.violations == 3 and risk.max_reid == pytest.approx(0.5)


def last_demo_quarter() -> str:
    year, month = demo_months()[-1].split("-")
    return f"{year}-Q{(int(month) - 1) // 3 + 1}"


@pytest.fixture()
def demo(app: Flask, session: Session) -> str:
    """The demo as ``hailong demo`` loads it (default responses and seed); its last quarter."""
    load_demo(session, app.config)
    return last_demo_quarter()


def test_demo_public_use__keeps_90_percent__k_anonymous__unit_indices_as_published(
        session: Session, tmp_path: Path, demo: str) -> None:
    result = run_export(session, ExportRequest("sipas", demo, "csv", tmp_path), actor="test")
    data = read_csv(result.data_file)
    raw = load_responses(session, "sipas", demo)
    assert len(data) == len(raw) > 300
    # No key variable loses more than 10% of its values; items that are not keys lose none.
    for item in ["gender", "age_band", "ethnicity", "education", "occupation", "residence"]:
        kept = data[item].notna().sum() / raw[item].notna().sum()
        assert kept >= (0.9 if item in KEYS else 1.0), (item, kept)
    assert violations(data, KEYS, 5) == 0
    # Broad groups only: three age bands, three education and occupation groups.
    assert set(data["age_band"].dropna()) <= {1, 2, 3}
    assert set(data["occupation"].dropna()) <= {1, 2, 3}
    report = json.loads(next(p for p in result.files
                             if p.name.endswith("_disclosure.json")).read_text("utf-8"))
    assert report["risk_before"]["violations"] > 0 == report["risk_after"]["violations"]
    assert report["risk_after"]["expected_reid"] < report["risk_before"]["expected_reid"]
    assert report["utility"]["max_group_difference"] < 0.05
    # Unit indices recomputed from the protected file's ratio variables and weights
    # (θ = a + Σ A m, m = Σ w y / Σ w x) equal the published ones.
    spec = pd.read_csv(next(p for p in result.files if p.name.endswith("_composite.csv")))
    published = cached_indices(session, "sipas", demo, None).results
    published = published[(published["scope"] == "unit") & published["estimate"].notna()]
    assert len(published) > 50
    for row in published.itertuples():
        rows = data[(data["unit"] == row.unit) & (data["period"] == row.period)
                    & data["weight"].notna()]
        part = spec[spec["index_id"] == row.index_id]
        theta = float(part["offset"].iloc[0]) + sum(
            c * (rows["weight"] * rows[r]).sum() / (rows["weight"] * rows[r].notna()).sum()
            for r, c in zip(part["ratio"], part["coef"], strict=True))
        assert theta == pytest.approx(row.estimate, abs=1e-12), (row.unit, row.index_id)


def test_scientific_use__needs_agreement__recorded_in_audit(
        session: Session, tmp_path: Path, demo: str) -> None:
    with pytest.raises(ExportError, match="agreement"):
        run_export(session, ExportRequest("sipas", demo, "csv", tmp_path, k=3,
                                          release="scientific"), actor="test")
    agreement = "TT-2026/17: Nguyễn Thị Lan, Trần Văn Minh"
    result = run_export(session, ExportRequest("sipas", demo, "csv", tmp_path, k=3,
                                               release="scientific", agreement=agreement),
                        actor="test")
    data = read_csv(result.data_file)
    assert set(data["age_band"].dropna()) == {1, 2, 3, 4, 5}  # full detail
    assert set(data["occupation"].dropna()) == set(range(1, 8))
    assert violations(data, KEYS, 3) == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export.microdata")
                            .order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.detail is not None
    assert entry.detail["release"] == "scientific" and entry.detail["agreement"] == agreement


def test_local_suppression__unit_smaller_than_k__every_key_blanked() -> None:
    units = pd.Series(["small"] * 3 + ["big"] * 6)
    codes = np.array([[1, 1], [2, 1], [1, 2], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1]])
    mask = local_suppression(units, codes, 5)
    assert mask[:3].all() and not mask[3:].any()
    assert measure_risk(units, np.where(mask, MISSING, codes), np.ones(9), 5).violations == 0
