"""validate_answers: skip logic, required, types, bounds, choices, context."""

from __future__ import annotations

import pytest

from survey_defs import SHIPPED_DIR, SurveyDefinition, load_definition, validate_answers
from survey_defs.answers import visible_questions


@pytest.fixture(scope="module")
def sipas() -> SurveyDefinition:
    return load_definition(SHIPPED_DIR / "sipas.yaml").definition


@pytest.fixture(scope="module")
def onestop() -> SurveyDefinition:
    return load_definition(SHIPPED_DIR / "onestop.yaml").definition


def _complete_sipas(**extra: object) -> dict[str, object]:
    answers: dict[str, object] = {f"c9.r{n}": "4" for n in range(15, 31)}
    answers.update({"procedure": "Đăng ký khai sinh", "exp_feedback": "0"})
    answers.update(extra)
    return answers


def _keys(errors: list) -> list[tuple[str, str]]:
    return [(e.answer_id, e.key) for e in errors]


def test_valid_submission__normalises_codes_to_int(sipas: SurveyDefinition) -> None:
    clean, errors = validate_answers(sipas, _complete_sipas(gender="2"))
    assert errors == []
    assert clean["c9.r15"] == 4 and clean["gender"] == 2 and clean["exp_feedback"] == 0


def test_hidden_questions__answers_are_dropped(sipas: SurveyDefinition) -> None:
    clean, errors = validate_answers(sipas, _complete_sipas(**{"c9_fb.r31": "5"}))
    assert errors == [] and "c9_fb.r31" not in clean


def test_shown_required_grid__every_row_is_required(sipas: SurveyDefinition) -> None:
    _, errors = validate_answers(sipas, _complete_sipas(exp_feedback="1", **{"c9_fb.r31": 5}))
    assert _keys(errors) == [("c9_fb.r32", "required"), ("c9_fb.r33", "required")]


def test_no_opinion__is_accepted_and_kept(sipas: SurveyDefinition) -> None:
    clean, errors = validate_answers(sipas, _complete_sipas(**{"c9.r20": "9"}))
    assert errors == [] and clean["c9.r20"] == 9


def test_code_not_on_scale__rejected(sipas: SurveyDefinition) -> None:
    _, errors = validate_answers(sipas, _complete_sipas(**{"c9.r20": "7", "gender": "x"}))
    assert _keys(errors) == [("c9.r20", "not_a_choice"), ("gender", "not_a_choice")]
    assert errors[0].params == {"value": "7"}


def test_missing_required__reported(sipas: SurveyDefinition) -> None:
    answers = _complete_sipas()
    del answers["exp_feedback"]
    _, errors = validate_answers(sipas, answers)
    assert _keys(errors) == [("exp_feedback", "required")]


def test_text_too_long__rejected(sipas: SurveyDefinition) -> None:
    _, errors = validate_answers(sipas, _complete_sipas(comment="x" * 1001))
    assert _keys(errors) == [("comment", "too_long")]
    assert errors[0].params == {"length": 1001, "max_length": 1000}


def test_context__supplies_the_procedure_and_wins(sipas: SurveyDefinition) -> None:
    answers = _complete_sipas()
    del answers["procedure"]
    clean, errors = validate_answers(sipas, answers, context={"procedure": "Cấp hộ chiếu"})
    assert errors == [] and clean["procedure"] == "Cấp hộ chiếu"
    _, errors = validate_answers(sipas, answers)
    assert _keys(errors) == [("procedure", "required")]


def test_reason__required_only_when_not_satisfied(onestop: SurveyDefinition) -> None:
    base = {"procedure": "p", "overall": "0"}
    _, errors = validate_answers(onestop, base)
    assert _keys(errors) == [("reason", "required")]
    clean, errors = validate_answers(onestop, {**base, "overall": "2", "reason": "ignored"})
    assert errors == [] and "reason" not in clean


def test_multiple__max_choices_and_dedup() -> None:
    d = load_definition(SHIPPED_DIR / "sipas_2017.yaml").definition
    base = {"procedure": "p", "exp_feedback": 0, "sat_overall": 4}
    base.update({f"e{e}.c{c}": 4 for e, n in [(1, 4), (2, 5), (3, 6), (4, 3)]
                 for c in range(1, n + 1)})
    base.update({f"sat_e{e}": 4 for e in range(1, 5)})
    clean, errors = validate_answers(d, {**base, "expectations": ["1", "3", 3]})
    assert errors == [] and clean["expectations"] == [1, 3]
    _, errors = validate_answers(d, {**base, "expectations": [1, 2, 3, 4]})
    assert _keys(errors) == [("expectations", "too_many_choices")]


def test_number__bounds_and_integer() -> None:
    d = load_definition(SHIPPED_DIR / "papi.yaml").definition
    clean, errors = validate_answers(d, {"birth_year": "1980", "used_commune_proc": 1,
                                         "d5_commune_visits": "2"})
    assert errors == [] and clean["birth_year"] == 1980 and clean["d5_commune_visits"] == 2
    _, errors = validate_answers(d, {"birth_year": "1800", "used_commune_proc": 1,
                                     "d5_commune_visits": "2.5"})
    assert _keys(errors) == [("d5_commune_visits", "not_integer"), ("birth_year", "below_min")]
    _, errors = validate_answers(d, {"birth_year": "abc"})
    assert _keys(errors) == [("birth_year", "not_a_number")]


def test_visible_questions__follow_show_if(onestop: SurveyDefinition) -> None:
    assert "reason" in visible_questions(onestop, {"overall": 0})
    assert "reason" not in visible_questions(onestop, {"overall": 1})
