"""hailong's default weights, per-unit results, small-sample rules and roll-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.scoring import score
from analysis.units import (
    RESULT_COLUMNS,
    ancestors_table,
    default_design,
    default_weights,
    unit_results,
)

SPEC = {
    "method": "sipas",
    "satisfied_codes": [4, 5],
    "excluded_codes": [9],
    "element_method": "criterion_mean",
    "elements": [{"id": "E1", "criteria": ["a", "b"]}, {"id": "E2", "criteria": ["c"]}],
}


def _responses(seed: int = 0, sizes: dict[str, int] | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = sizes or {"u1": 120, "u2": 60, "u3": 8, "u4": 200}
    parts = []
    for unit, n in sizes.items():
        parts.append(
            pd.DataFrame(
                {
                    "unit": unit,
                    "period": "2026-10",
                    "field": rng.choice(["f1", "f2"], n, p=[0.8, 0.2]),
                    **{c: rng.choice([1, 2, 3, 4, 5, 9], n) for c in ("a", "b", "c")},
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _dossiers(responses: pd.DataFrame) -> pd.DataFrame:
    cells = responses[["unit", "period", "field"]].drop_duplicates().reset_index(drop=True)
    return cells.assign(count=100 + 37 * np.arange(len(cells)))


def test_default_weights__cells_sum_to_dossier_counts():
    resp = _responses()
    dos = _dossiers(resp)
    dw = default_weights(resp, dos)
    got = dw.frame.groupby(["unit", "period", "field"])["weight"].sum()
    want = dos.set_index(["unit", "period", "field"])["count"]
    pd.testing.assert_series_equal(
        got.sort_index(), want.sort_index().astype(float), check_names=False
    )
    assert dw.collapsed.empty and dw.dropped.empty
    assert dw.frame.index.equals(resp.index)


def test_default_weights__field_without_responses__collapses_into_unit():
    resp = _responses()
    dos = pd.concat(
        [
            _dossiers(resp),
            pd.DataFrame([{"unit": "u1", "period": "2026-10", "field": "f9", "count": 500}]),
        ]
    )
    dw = default_weights(resp, dos)
    unit_total = dos[dos["unit"] == "u1"]["count"].sum()
    assert dw.frame.loc[dw.frame["unit"] == "u1", "weight"].sum() == pytest.approx(unit_total)
    row = dw.collapsed.iloc[0]
    assert (row["unit"], row["field"], row["count"]) == ("u1", "f9", 500)
    assert row["scale"] == pytest.approx(unit_total / (unit_total - 500))


def test_default_weights__responses_without_dossiers__error_or_drop():
    resp = _responses()
    dos = _dossiers(resp)
    dos = dos[~((dos["unit"] == "u2") & (dos["field"] == "f2"))]
    with pytest.raises(AnalysisError, match="no dossier count"):
        default_weights(resp, dos)
    dw = default_weights(resp, dos, unmatched="drop")
    n_dropped = int(((resp["unit"] == "u2") & (resp["field"] == "f2")).sum())
    assert dw.dropped["responses"].tolist() == [n_dropped]
    assert len(dw.frame) == len(resp) - n_dropped


def test_unit_results__columns_and_one_row_per_unit_and_index():
    resp = _responses()
    res = unit_results(resp, SPEC, _dossiers(resp))
    assert list(res.columns) == RESULT_COLUMNS
    assert len(res) == 4 * 6
    assert set(res["index_level"]) == {"criterion", "element", "overall"}


def test_unit_results__equals_score_on_subset_design():
    """Vectorised per-unit pass == design-object path on design.subset (R-compatible variance)."""
    resp = _responses()
    dos = _dossiers(resp)
    res = unit_results(resp, SPEC, dos, small_cell_correction=False, suppress_below=0)
    design = default_design(default_weights(resp, dos))
    for unit in ("u1", "u2", "u3", "u4"):
        est = score(design.subset(design.frame["unit"] == unit), SPEC)
        for oid, e in est.items():
            row = res[(res["unit"] == unit) & (res["index_id"] == oid)].iloc[0]
            assert row["estimate"] == pytest.approx(e.estimate, rel=1e-10)
            assert row["se"] == pytest.approx(e.se, rel=1e-10)
            assert row["n"] == e.n


def test_unit_results__small_cell_correction__only_inflates_variance():
    resp = _responses()
    dos = _dossiers(resp)
    plain = unit_results(resp, SPEC, dos, small_cell_correction=False, suppress_below=0)
    corrected = unit_results(resp, SPEC, dos, suppress_below=0)
    np.testing.assert_allclose(corrected["estimate"], plain["estimate"])
    assert np.all(corrected["se"].to_numpy() >= plain["se"].to_numpy() * 0.999)
    # df = responses minus post-strata: u1 has 120 responses in 2 fields.
    assert corrected.loc[corrected["unit"] == "u1", "df"].iloc[0] == 118


def test_unit_results__small_sample_flag_and_suppression():
    resp = _responses()
    res = unit_results(resp, SPEC, _dossiers(resp), min_effective_n=30, suppress_below=10)
    u3 = res[res["unit"] == "u3"]
    assert u3["suppressed"].all() and u3["estimate"].isna().all() and u3["ci_low"].isna().all()
    assert (u3["n"] <= 8).all()
    u4 = res[(res["unit"] == "u4") & (res["index_id"] == "overall")].iloc[0]
    assert not u4["suppressed"] and not np.isnan(u4["estimate"])
    assert bool(u4["small_sample"]) == (u4["n_eff"] < 30)
    assert (res["n_eff"] <= res["n"] + 1e-9).all()


def test_unit_results__rollup_equals_union_of_descendants():
    resp = _responses()
    dos = _dossiers(resp)
    parents = {"u1": "d1", "u2": "d1", "u3": "d2", "u4": "d2", "d1": "p", "d2": "p", "p": None}
    res = unit_results(
        resp, SPEC, dos, parents=parents, small_cell_correction=False, suppress_below=0
    )
    design = default_design(default_weights(resp, dos))
    for node, members in {
        "d1": ["u1", "u2"],
        "d2": ["u3", "u4"],
        "p": ["u1", "u2", "u3", "u4"],
    }.items():
        est = score(design.subset(design.frame["unit"].isin(members)), SPEC)["overall"]
        row = res[
            (res["unit"] == node) & (res["scope"] == "subtree") & (res["index_id"] == "overall")
        ].iloc[0]
        assert row["estimate"] == pytest.approx(est.estimate, rel=1e-10)
        assert row["se"] == pytest.approx(est.se, rel=1e-10)
        assert row["n_responses"] == resp["unit"].isin(members).sum()
    assert set(res.loc[res["scope"] == "unit", "unit"]) == {"u1", "u2", "u3", "u4"}


def test_unit_results__periods_are_separate_domains():
    a, b = _responses(1), _responses(2).assign(period="2026-11")
    both = pd.concat([a, b], ignore_index=True)
    res = unit_results(both, SPEC, _dossiers(both))
    only_a = unit_results(a, SPEC, _dossiers(both))
    got = res[res["period"] == "2026-10"].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, only_a)


def test_unit_results__existing_weight_column():
    resp = _responses().assign(w=1.0)
    res = unit_results(resp, SPEC, weight="w", suppress_below=0)
    u1 = resp[resp["unit"] == "u1"]
    valid = u1["a"].isin([1, 2, 3, 4, 5])
    want = u1.loc[valid, "a"].isin([4, 5]).mean()
    got = res[(res["unit"] == "u1") & (res["index_id"] == "a")]["estimate"].iloc[0]
    assert got == pytest.approx(want)
    with pytest.raises(AnalysisError, match="exactly one"):
        unit_results(resp, SPEC)


def test_ancestors_table__cycle__raises():
    with pytest.raises(AnalysisError, match="cycle"):
        ancestors_table({"a": "b", "b": "a"})
    assert len(ancestors_table({"a": "b", "b": "c", "c": None})) == 3


def test_raked_design__meets_dossier_and_demographic_margins():
    from analysis.units import raked_design

    resp = _responses().assign(sex=lambda d: np.where(np.arange(len(d)) % 3 == 0, "f", "m"))
    dos = _dossiers(resp)
    dw = default_weights(resp, dos)
    totals = dos.groupby(["unit", "period"])["count"].sum()
    sex = pd.DataFrame(
        [
            {"unit": u, "period": p, "sex": s, "Freq": t * share}
            for (u, p), t in totals.items()
            for s, share in (("f", 0.6), ("m", 0.4))
        ]
    )
    design = raked_design(dw, [sex])
    frame = design.frame.assign(w=design.weights)
    got_sex = frame.groupby(["unit", "sex"])["w"].sum()
    assert got_sex[("u1", "f")] == pytest.approx(0.6 * totals[("u1", "2026-10")], rel=1e-8)
    got_cells = frame.groupby(["unit", "field"])["w"].sum()
    want = dos.set_index(["unit", "field"])["count"]
    np.testing.assert_allclose(got_cells.sort_index(), want.sort_index(), rtol=1e-8)
    est = score(design.subset(frame["unit"] == "u1"), SPEC)["overall"]
    assert 0 < est.ci_low < est.estimate < est.ci_high < 1


def test_unit_results__reports_collapsed_fields_in_attrs():
    resp = _responses()
    dos = pd.concat(
        [
            _dossiers(resp),
            pd.DataFrame([{"unit": "u2", "period": "2026-10", "field": "f7", "count": 40}]),
        ]
    )
    res = unit_results(resp, SPEC, dos)
    assert [(r["unit"], r["field"], r["count"]) for r in res.attrs["collapsed"]] == [
        ("u2", "f7", 40)
    ]
    assert res.attrs["dropped"] == []
    both = pd.concat([res, res])
    assert len(both) == 2 * len(res)
