"""The shipped definitions load cleanly and carry the structure the briefs describe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from survey_defs import SHIPPED_DIR, check_paths, load_definition, shipped_paths
from survey_defs.schema import VERIFICATION_TAGS

SHIPPED = sorted(SHIPPED_DIR.glob("*.yaml"))


def _spec(key: str) -> dict:
    return load_definition(SHIPPED_DIR / f"{key}.yaml").definition.scoring_spec()


def test_shipped_paths__are_the_five_instruments() -> None:
    assert [p.name for p in shipped_paths()] == [
        "onestop.yaml", "papi.yaml", "par_officials.yaml", "sipas.yaml", "sipas_2017.yaml"]
    assert SHIPPED == shipped_paths()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped__loads_without_errors_or_warnings(path: Path) -> None:
    result = load_definition(path)
    assert result.warnings == ()
    assert result.definition.key == path.stem
    assert result.definition.content_hash == load_definition(path).definition.content_hash


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped__every_question_has_vi_en_source_and_tag(path: Path) -> None:
    definition = load_definition(path).definition
    assert definition.languages == ("vi", "en")
    for q in definition.questions:
        assert q.label["vi"] and q.label["en"], q.id
        assert q.source and q.verification in VERIFICATION_TAGS, q.id
        for row in q.rows:
            assert row.label["vi"] and row.label["en"], row.id
            assert row.source and row.verification in VERIFICATION_TAGS, row.id
    for scale in definition.scales.values():
        for choice in scale.all_choices():
            assert choice.label["vi"] and choice.label["en"], (scale.id, choice.code)


def _referenced(spec: dict) -> list[str]:
    if spec["method"] == "sipas":
        items = [c for e in spec["elements"] for c in e["criteria"]]
        items += [e["satisfaction_item"] for e in spec["elements"] if e["satisfaction_item"]]
        return items + ([spec["overall_item"]] if spec.get("overall_item") else [])
    if spec["method"] == "papi":
        return [i["item"] for d in spec["dimensions"] for s in d["subdimensions"]
                for i in s["indicators"]]
    # Indicators 1-2 read the dossier's on-time flag, not an answer.
    return [spec["overall_item"]] + [i["item"] for i in spec["indicators"]
                                     if i["supplied_by"] == "citizen"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped__scoring_spec_is_json_and_names_real_answers(path: Path) -> None:
    definition = load_definition(path).definition
    spec = definition.scoring_spec()
    assert json.loads(json.dumps(spec)) == spec
    referenced = _referenced(spec)
    assert referenced and set(referenced) <= set(definition.answer_ids())


def test_check_paths__shipped_files_have_no_problems() -> None:
    assert check_paths(SHIPPED) == []


def test_sipas__five_elements_nineteen_criteria_on_sat5() -> None:
    spec = _spec("sipas")
    definition = load_definition(SHIPPED_DIR / "sipas.yaml").definition
    assert spec["method"] == "sipas" and spec["scale"] == "sat5"
    assert [e["id"] for e in spec["elements"]] == ["E1", "E2", "E3", "E4", "E5"]
    assert [len(e["criteria"]) for e in spec["elements"]] == [4, 4, 5, 3, 3]
    assert sum(len(e["criteria"]) for e in spec["elements"]) == 19
    assert spec["satisfied_codes"] == [4, 5] and spec["excluded_codes"] == [9]
    assert spec["element_method"] == "criterion_mean"
    assert spec["overall_method"] == "mean_of_elements"
    for element in spec["elements"]:
        for criterion in element["criteria"]:
            assert definition.scale_of(criterion).id == "sat5"


def test_sipas__feedback_items_only_for_those_who_gave_feedback() -> None:
    definition = load_definition(SHIPPED_DIR / "sipas.yaml").definition
    assert definition.question("c9_fb").show_if == "exp_feedback == 1"
    assert definition.question("procedure").from_context == "procedure"
    ids = [q.id for q in definition.questions]
    for needed in ("c10", "comment", "gender", "age_band", "ethnicity", "education",
                   "occupation", "residence"):
        assert needed in ids


def test_sipas_2017__five_elements_twenty_two_criteria_and_element_questions() -> None:
    spec = _spec("sipas_2017")
    assert len(spec["elements"]) == 5
    assert [len(e["criteria"]) for e in spec["elements"]] == [4, 5, 6, 3, 4]
    assert sum(len(e["criteria"]) for e in spec["elements"]) == 22
    assert spec["element_method"] == "element_question"
    assert [e["satisfaction_item"] for e in spec["elements"]] == [
        "sat_e1", "sat_e2", "sat_e3", "sat_e4", "sat_e5"]
    definition = load_definition(SHIPPED_DIR / "sipas_2017.yaml").definition
    assert definition.question("expectations").max_choices == 3


PAPI_SUBDIMENSIONS = {
    "D1": ["1.1", "1.2", "1.3", "1.4"], "D2": ["2.1", "2.2", "2.3", "2.4"],
    "D3": ["3.1", "3.2", "3.3"], "D4": ["4.1", "4.2", "4.3", "4.4"],
    "D5": ["5.1", "5.2", "5.3"], "D6": ["6.1", "6.2", "6.3", "6.4"],
    "D7": ["7.1", "7.2", "7.3"], "D8": ["8.1", "8.2", "8.3"],
}


def test_papi__eight_dimensions_with_their_subdimensions_and_two_indicators_each() -> None:
    spec = _spec("papi")
    assert spec["dimension_range"] == [1.0, 10.0] and spec["total_range"] == [8.0, 80.0]
    found = {d["id"]: [s["id"] for s in d["subdimensions"]] for d in spec["dimensions"]}
    assert found == PAPI_SUBDIMENSIONS
    for dim in spec["dimensions"]:
        for sub in dim["subdimensions"]:
            assert len(sub["indicators"]) >= 2, sub["id"]
            for ind in sub["indicators"]:
                assert ind["direction"] in ("higher_better", "lower_better")
                lo, hi = ind["bounds"]
                assert lo < hi
                assert all(lo <= v <= hi for v in ind["values"].values())


def test_papi__service_items_are_rated_only_by_users() -> None:
    definition = load_definition(SHIPPED_DIR / "papi.yaml").definition
    spec = definition.scoring_spec()
    hospital = [i for d in spec["dimensions"] for s in d["subdimensions"]
                for i in s["indicators"] if i["id"] == "d4_hospital_informal"][0]
    assert hospital["eligible_if"] == "used_district_hospital == 1"
    assert definition.question("d4_hospital_informal").show_if == "used_district_hospital == 1"
    assert "8" not in hospital["values"]  # "don't know" is excluded from the indicator
    ids = {q.id for q in definition.questions}
    assert {"gender", "birth_year", "ethnicity", "residence", "registration"} <= ids


def test_onestop__overall_rating_reason_dossier_and_citizen_indicators_unit_entries() -> None:
    spec = _spec("onestop")
    definition = load_definition(SHIPPED_DIR / "onestop.yaml").definition
    assert spec["overall_item"] == "overall" and spec["satisfied_codes"] == [2, 1]
    labels = [c.label["vi"] for c in definition.scales["sat3"].choices]
    assert labels == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert definition.question("reason").show_if == "overall == 0"
    assert [i["item"] for i in spec["indicators"]] == [
        "on_time", "on_time", "contacts", "agencies", "publication", "attitude"]
    assert [i["supplied_by"] for i in spec["indicators"]][:2] == ["dossier", "dossier"]
    assert [i["id"] for i in spec["unit_indicators"]] == ["tt01_5", "tt01_8", "tt01_9"]
    for ind in spec["indicators"][2:]:
        assert sorted(ind["points"].values()) == [0, 1, 2]
    assert spec["max_points_per_indicator"] == 2
    assert spec["band_basis"] == "points_share"


def test_onestop__bands_tile_zero_to_one_with_fifteen_of_eighteen_excellent() -> None:
    bands = _spec("onestop")["bands"]
    assert bands[0]["min_share"] == 0.0 and bands[-1]["max_share"] == 1.0
    for low, high in zip(bands, bands[1:], strict=False):
        assert low["max_share"] == high["min_share"]
    assert bands[-1]["id"] == "xuat_sac" and bands[-1]["inclusive_max"] is True
    assert bands[-1]["min_share"] == pytest.approx(15 / 18)


CONTRACT = {
    "sipas": ({"method", "scale", "satisfied_codes", "excluded_codes", "element_method",
               "overall_method", "elements"}, {"id", "label", "criteria", "satisfaction_item"}),
    "papi": ({"method", "dimension_range", "total_range", "dimensions"}, {"id", "label",
                                                                          "subdimensions"}),
    "onestop": ({"method", "overall_item", "satisfied_codes", "indicators",
                 "max_points_per_indicator", "bands", "band_basis"}, {"id", "item", "points"}),
}


@pytest.mark.parametrize("key", ["sipas", "sipas_2017", "papi", "onestop"])
def test_scoring_spec__keeps_the_contract_keys(key: str) -> None:
    spec = _spec(key)
    top, inner = CONTRACT[spec["method"]]
    assert top <= set(spec)
    children = spec.get("elements") or spec.get("dimensions") or spec["indicators"]
    assert all(inner <= set(child) for child in children)
    if spec["method"] == "papi":
        indicator_keys = {"id", "item", "values", "direction", "bounds"}
        assert all(indicator_keys <= set(i) for d in spec["dimensions"]
                   for s in d["subdimensions"] for i in s["indicators"])
    if spec["method"] == "onestop":
        band_keys = {"id", "label", "min_share", "max_share", "inclusive_max"}
        assert all(band_keys <= set(b) for b in spec["bands"])


def test_weighting__officials_equal_citizens_by_dossiers_rules_as_in_analysis() -> None:
    from analysis.cell_stats import WEIGHTING_RULES
    from survey_defs.schema import WEIGHTING_RULES as DECLARED

    assert WEIGHTING_RULES == DECLARED  # the two lists of names stay the same
    rules = {p.stem: load_definition(p).definition.weighting for p in SHIPPED}
    assert rules.pop("par_officials") == "equal"
    assert set(rules.values()) == {"dossiers"}  # the citizens' surveys: the default
