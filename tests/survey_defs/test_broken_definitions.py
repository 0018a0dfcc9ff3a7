"""A corpus of broken definitions: each case is a small valid base plus one defect.

Every case names the catalogue code and the line the author must look at.
"""

from __future__ import annotations

import pytest

from survey_defs import Code, DefinitionError, Problem, load_definition

SIPAS_BASE = """\
key: demo
title: {vi: "Khảo sát thử", en: "Demo survey"}
languages: [vi, en]
sources:
  S1: "a source"
scales:
  sat5:
    choices:
      - {code: 1, label: {vi: "Rất không hài lòng", en: "Very dissatisfied"}}
      - {code: 2, label: {vi: "Không hài lòng", en: "Dissatisfied"}}
      - {code: 3, label: {vi: "Bình thường", en: "Neutral"}}
      - {code: 4, label: {vi: "Hài lòng", en: "Satisfied"}}
      - {code: 5, label: {vi: "Rất hài lòng", en: "Very satisfied"}}
    no_opinion: {code: 9, label: {vi: "Không có ý kiến", en: "No opinion"}}
  gender:
    ordered: false
    choices:
      - {code: 1, label: {vi: "Nam", en: "Male"}}
      - {code: 2, label: {vi: "Nữ", en: "Female"}}
questions:
  - id: gave_feedback
    type: yesno
    label: {vi: "Có góp ý không?", en: "Gave feedback?"}
    required: true
    source: S1
    verification: U
  - id: c9
    type: grid
    scale: sat5
    label: {vi: "Mức độ hài lòng", en: "Satisfaction"}
    source: S1
    verification: V-impl
    rows:
      - {id: r1, label: {vi: "Hàng một", en: "Row one"}}
      - {id: r2, label: {vi: "Hàng hai", en: "Row two"}}
  - id: fb
    type: single
    scale: sat5
    show_if: gave_feedback == 1
    label: {vi: "Xử lý góp ý", en: "Feedback handling"}
    source: S1
    verification: U
  - id: topics
    type: multiple
    scale: gender
    max_choices: 2
    label: {vi: "Chủ đề", en: "Topics"}
    source: S1
    verification: U
  - id: age
    type: number
    min: 18
    max: 99
    label: {vi: "Tuổi", en: "Age"}
    source: S1
    verification: U
  - id: comment
    type: text
    max_length: 500
    label: {vi: "Ý kiến khác", en: "Other comments"}
    source: S1
    verification: U
scoring:
  method: sipas
  scale: sat5
  satisfied_codes: [4, 5]
  element_method: criterion_mean
  overall_method: mean_of_elements
  elements:
    - id: E1
      label: {vi: "Tiếp cận", en: "Access"}
      criteria: [c9.r1, c9.r2]
    - id: E5
      label: {vi: "Phản ánh", en: "Feedback"}
      criteria: [fb]
"""

PAPI_BASE = """\
key: papi_demo
title: {vi: "PAPI thử"}
languages: [vi]
scales:
  yn_dk:
    choices:
      - {code: 1, label: {vi: "Có"}}
      - {code: 0, label: {vi: "Không"}}
      - {code: 8, label: {vi: "Không biết"}}
questions:
  - id: used
    type: yesno
    label: {vi: "Đã dùng dịch vụ?"}
  - id: bribe
    type: single
    scale: yn_dk
    show_if: used == 1
    label: {vi: "Có phải chi thêm?"}
  - id: visits
    type: number
    min: 1
    max: 10
    label: {vi: "Số lần đi lại"}
scoring:
  method: papi
  dimension_range: [1, 10]
  total_range: [8, 80]
  dimensions:
    - id: D4
      label: {vi: "Kiểm soát tham nhũng"}
      subdimensions:
        - id: "4.2"
          label: {vi: "Dịch vụ công"}
          indicators:
            - id: bribe_paid
              item: bribe
              values: {1: 1, 0: 0}
              direction: lower_better
              bounds: [0, 1]
              eligible_if: used == 1
            - id: n_visits
              item: visits
              direction: lower_better
              bounds: [1, 10]
"""

ONESTOP_BASE = """\
key: os_demo
title: {vi: "Đánh giá"}
languages: [vi]
scales:
  sat3:
    choices:
      - {code: 2, label: {vi: "Rất hài lòng"}}
      - {code: 1, label: {vi: "Hài lòng"}}
      - {code: 0, label: {vi: "Không hài lòng"}}
  contacts:
    choices:
      - {code: 0, label: {vi: "Không lần nào"}}
      - {code: 1, label: {vi: "Một lần"}}
      - {code: 2, label: {vi: "Hơn một lần"}}
questions:
  - id: overall
    type: single
    scale: sat3
    required: true
    label: {vi: "Đánh giá chung"}
  - id: reason
    type: text
    max_length: 200
    show_if: overall == 0
    label: {vi: "Lý do"}
  - id: contacts
    type: single
    scale: contacts
    label: {vi: "Số lần liên hệ"}
scoring:
  method: onestop
  overall_item: overall
  satisfied_codes: [2, 1]
  max_points_per_indicator: 2
  band_basis: points_share
  indicators:
    - id: i3
      item: contacts
      points: {0: 2, 1: 1, 2: 0}
  bands:
    - {id: low, label: {vi: "Yếu"}, min_share: 0, max_share: 0.5}
    - {id: high, label: {vi: "Tốt"}, min_share: 0.5, max_share: 1, inclusive_max: true}
"""

BASES = {"sipas": SIPAS_BASE, "papi": PAPI_BASE, "onestop": ONESTOP_BASE}

# (case id, base, [(old, new), ...], expected code, expected line)
CASES = [
    # Shape: YAML, keys, types, values.
    ("yaml_syntax_unclosed_flow", "sipas",
     [('label: {vi: "Xử lý góp ý", en: "Feedback handling"}',
       'label: {vi: "Xử lý góp ý", en: "Feedback handling"')], Code.HL100, 41),
    ("yaml_syntax_bad_indent", "sipas", [("    type: yesno\n", "     type: yesno\n")],
     Code.HL100, 22),
    ("duplicate_yaml_key", "sipas", [("    scale: sat5\n    show_if", "    scale: sat5\n"
                                      "    scale: gender\n    show_if")], Code.HL101, 39),
    ("unknown_key_typo", "sipas", [("    required: true\n", "    requird: true\n")],
     Code.HL102, 24),
    ("unknown_top_level_key", "sipas", [("key: demo\n", "key: demo\nkye: x\n")],
     Code.HL102, 2),
    ("missing_label", "sipas", [('    label: {vi: "Có góp ý không?", en: "Gave feedback?"}\n',
                                 "")], Code.HL103, 21),
    ("missing_scoring_method", "sipas", [("  method: sipas\n", "")], Code.HL103, 63),
    ("required_not_bool", "sipas", [("    required: true\n", '    required: "yes"\n')],
     Code.HL104, 24),
    ("yaml11_no_becomes_bool", "sipas", [('{vi: "Nam", en: "Male"}', "{vi: No, en: Male}")],
     Code.HL104, 18),
    ("top_level_list", "sipas", [(SIPAS_BASE, "- just\n- a list\n")], Code.HL104, 1),
    ("key_is_number", "sipas", [("key: demo\n", "key: 123\n")], Code.HL104, 1),
    ("question_type_typo", "sipas", [("    type: single\n", "    type: singel\n")],
     Code.HL105, 37),
    ("scoring_method_typo", "sipas", [("  method: sipas\n", "  method: sipass\n")],
     Code.HL105, 64),
    ("weighting_unknown_rule", "sipas", [("key: demo\n", "key: demo\nweighting: uniform\n")],
     Code.HL105, 2),
    ("bad_verification_tag", "sipas", [("    verification: V-impl\n",
                                        "    verification: verified\n")], Code.HL105, 32),
    ("empty_choices", "sipas", [('    choices:\n      - {code: 1, label: {vi: "Nam", en: "Male"}}'
                                 '\n      - {code: 2, label: {vi: "Nữ", en: "Female"}}\n',
                                 "    choices: []\n")], Code.HL106, 17),
    ("bad_question_id", "sipas", [("  - id: topics\n", "  - id: top-ics\n")], Code.HL107, 43),
    # Ids and references.
    ("duplicate_question_id", "sipas", [("  - id: age\n", "  - id: topics\n")],
     Code.HL201, 50),
    ("duplicate_grid_row", "sipas", [('{id: r2, label', '{id: r1, label'),
                                      ("[c9.r1, c9.r2]", "[c9.r1]")], Code.HL201, 35),
    ("duplicate_choice_code", "sipas",
     [('{code: 2, label: {vi: "Nữ"', '{code: 1, label: {vi: "Nữ"')], Code.HL201, 19),
    ("no_opinion_code_clash", "sipas", [("no_opinion: {code: 9", "no_opinion: {code: 5")],
     Code.HL201, 14),
    ("duplicate_element_id", "sipas", [("    - id: E5\n", "    - id: E1\n")], Code.HL201, 73),
    ("unknown_scale", "sipas", [("    scale: gender\n", "    scale: gendr\n")], Code.HL202, 45),
    ("unknown_scale_of_scored_item", "sipas", [("    scale: sat5\n    show_if",
                                                "    scale: sat_5\n    show_if")],
     Code.HL202, 38),
    ("unknown_source", "sipas", [("    required: true\n    source: S1\n",
                                  "    required: true\n    source: S2\n")], Code.HL203, 25),
    ("multiple_without_scale", "sipas", [("    scale: gender\n", "")], Code.HL204, 43),
    ("text_without_max_length", "sipas", [("    max_length: 500\n", "")], Code.HL204, 57),
    ("max_choices_on_single", "sipas", [("    scale: sat5\n    show_if",
                                         "    scale: sat5\n    max_choices: 3\n    show_if")],
     Code.HL205, 39),
    ("yesno_with_wrong_scale", "sipas", [("    type: yesno\n", "    type: yesno\n"
                                          "    scale: gender\n")], Code.HL206, 23),
    # show_if.
    ("show_if_syntax", "sipas", [("gave_feedback == 1", "gave_feedback == = 1")], Code.HL301, 39),
    ("show_if_bare_name", "sipas", [("gave_feedback == 1", "gave_feedback")], Code.HL301, 39),
    ("show_if_unclosed_paren", "sipas", [("gave_feedback == 1", "(gave_feedback == 1")],
     Code.HL301, 39),
    ("show_if_unknown_name", "sipas", [("gave_feedback == 1", "gave_fedback == 1")],
     Code.HL302, 39),
    ("show_if_later_question", "sipas", [("gave_feedback == 1", "age > 30")], Code.HL303, 39),
    ("show_if_itself", "sipas", [("gave_feedback == 1", "answered(fb)")], Code.HL303, 39),
    ("show_if_python_import", "sipas", [("gave_feedback == 1", "__import__('os')")],
     Code.HL304, 39),
    ("show_if_wrong_arity", "sipas", [("gave_feedback == 1", "selected(topics)")],
     Code.HL304, 39),
    # Scoring.
    ("scoring_unknown_criterion", "sipas", [("criteria: [fb]", "criteria: [fbb]")],
     Code.HL401, 75),
    ("scoring_mixes_scales", "sipas", [("criteria: [fb]", "criteria: [fb, topics]")],
     Code.HL402, 75),
    ("scoring_number_item", "sipas", [("criteria: [fb]", "criteria: [fb, age]")],
     Code.HL402, 75),
    ("satisfied_code_not_on_scale", "sipas", [("[4, 5]", "[4, 6]")], Code.HL403, 66),
    ("element_question_without_item", "sipas",
     [("element_method: criterion_mean", "element_method: element_question")], Code.HL404, 70),
    ("criterion_scored_twice", "sipas", [("criteria: [fb]", "criteria: [fb, c9.r1]")],
     Code.HL405, 75),
    # Languages, bounds.
    ("missing_vietnamese", "sipas", [('label: {vi: "Xử lý góp ý", en: "Feedback handling"}',
                                      'label: {en: "Feedback handling"}')], Code.HL501, 40),
    ("label_not_a_mapping", "sipas", [('label: {vi: "Tuổi", en: "Age"}', "label: Tuổi")],
     Code.HL104, 54),
    ("vi_not_declared", "sipas", [("languages: [vi, en]", "languages: [en]")], Code.HL502, 3),
    ("number_bounds_inverted", "sipas", [("    min: 18\n", "    min: 100\n")], Code.HL601, 53),
    ("max_choices_too_large", "sipas", [("max_choices: 2", "max_choices: 5")], Code.HL602, 46),
    ("max_length_zero", "sipas", [("max_length: 500", "max_length: 0")], Code.HL602, 59),
    # PAPI scoring.
    ("papi_unknown_item", "papi", [("item: bribe\n", "item: brib\n")], Code.HL401, 36),
    ("papi_bounds_inverted", "papi", [("bounds: [0, 1]", "bounds: [1, 0]")], Code.HL601, 39),
    ("papi_dimension_range_inverted", "papi",
     [("dimension_range: [1, 10]", "dimension_range: [10, 1]")], Code.HL601, 26),
    ("papi_value_outside_bounds", "papi", [("{1: 1, 0: 0}", "{1: 2, 0: 0}")], Code.HL408, 37),
    ("papi_value_unknown_code", "papi", [("{1: 1, 0: 0}", "{1: 1, 0: 0, 7: 0}")],
     Code.HL403, 37),
    ("papi_coded_item_without_values", "papi", [("              values: {1: 1, 0: 0}\n", "")],
     Code.HL404, 35),
    ("papi_eligible_if_unknown", "papi", [("eligible_if: used == 1", "eligible_if: usd == 1")],
     Code.HL302, 40),
    ("papi_subdimension_id_unquoted", "papi", [('id: "4.2"', "id: 4.2")], Code.HL104, 32),
    ("papi_direction_typo", "papi", [("direction: lower_better\n              bounds: [0, 1]",
                                      "direction: lower_beter\n              bounds: [0, 1]")],
     Code.HL105, 38),
    # One-stop scoring.
    ("onestop_points_too_high", "onestop", [("{0: 2, 1: 1, 2: 0}", "{0: 3, 1: 1, 2: 0}")],
     Code.HL407, 39),
    ("onestop_points_unknown_code", "onestop", [("{0: 2, 1: 1, 2: 0}", "{0: 2, 1: 1, 5: 0}")],
     Code.HL403, 39),
    ("onestop_satisfied_unknown", "onestop", [("[2, 1]", "[2, 3]")], Code.HL403, 33),
    ("onestop_band_gap", "onestop",
     [("min_share: 0.5, max_share: 1", "min_share: 0.6, max_share: 1")], Code.HL406, 42),
    ("onestop_band_short", "onestop", [("max_share: 1,", "max_share: 0.9,")],
     Code.HL406, 42),
    ("onestop_band_inverted", "onestop", [("min_share: 0, max_share: 0.5",
                                           "min_share: 0.5, max_share: 0.2")], Code.HL601, 41),
    ("onestop_item_scored_twice", "onestop",
     [("  bands:\n", "    - id: i4\n      item: contacts\n      points: {0: 2}\n  bands:\n")],
     Code.HL405, 41),
    ("onestop_unknown_overall", "onestop", [("overall_item: overall", "overall_item: overal")],
     Code.HL401, 32),
]


def _mutate(base: str, edits: list[tuple[str, str]]) -> str:
    text = BASES[base]
    for old, new in edits:
        assert text.count(old) == 1, f"edit target not unique in base: {old!r}"
        text = text.replace(old, new)
    return text


def _errors(text: str) -> list[Problem]:
    with pytest.raises(DefinitionError) as info:
        load_definition("broken.yaml", text=text)
    return [p for p in info.value.problems if p.severity == "error"]


@pytest.mark.parametrize("base", sorted(BASES))
def test_bases__load_without_errors(base: str) -> None:
    assert load_definition(f"{base}.yaml", text=BASES[base]).definition.key


@pytest.mark.parametrize(
    ("base", "edits", "code", "line"),
    [pytest.param(b, e, c, n, id=name) for name, b, e, c, n in CASES],
)
def test_broken_definition__reports_code_and_line(
    base: str, edits: list[tuple[str, str]], code: Code, line: int
) -> None:
    errors = _errors(_mutate(base, edits))
    found = [(p.code, p.line) for p in errors]
    assert (code.name, line) in found, "\n".join(p.format() for p in errors)
    # One defect, one kind of error: no cascades of unrelated complaints.
    assert {p.code for p in errors} == {code.name}, "\n".join(p.format() for p in errors)


def test_corpus__has_at_least_thirty_cases_and_covers_the_catalogue_errors() -> None:
    assert len(CASES) >= 30
    covered = {case[3] for case in CASES}
    # HL108 (unreadable file) needs a path, not text: see test_defs_check_paths.py.
    errors = {c for c in Code if c.severity == "error"} - {Code.HL108}
    assert errors - covered == set()


def test_problem_format__file_line_code_message() -> None:
    errors = _errors(_mutate("sipas", [("    scale: gender\n", "    scale: gendr\n")]))
    text = errors[0].format()
    assert text.startswith("broken.yaml:45: HL202 at questions[3] (id 'topics') -> scale: ")
    assert "did you mean 'gender'?" in text
    assert "Add it or correct the name." in text


def test_unknown_key__suggests_close_name() -> None:
    errors = _errors(_mutate("sipas", [("    required: true\n", "    requird: true\n")]))
    assert "did you mean 'required'?" in errors[0].message


def test_all_problems_of_a_file__reported_in_one_run() -> None:
    text = _mutate("sipas", [
        ("    required: true\n", "    requird: true\n"),
        ("    scale: gender\n", "    scale: gendr\n"),
        ("gave_feedback == 1", "age > 30"),
        ("[4, 5]", "[4, 6]"),
        ("    min: 18\n", "    min: 100\n"),
    ])
    found = {(p.code, p.line) for p in _errors(text)}
    assert {("HL102", 24), ("HL202", 45), ("HL303", 39), ("HL403", 66), ("HL601", 53)} <= found


def test_definition_error__str_lists_every_problem_one_per_line() -> None:
    text = _mutate("sipas", [("    required: true\n", "    requird: true\n"),
                             ("    min: 18\n", "    min: 100\n")])
    with pytest.raises(DefinitionError) as info:
        load_definition("broken.yaml", text=text)
    lines = str(info.value).splitlines()
    assert lines == [p.format() for p in info.value.problems]
    assert lines[0].startswith("broken.yaml:24: HL102")


def test_warnings__missing_provenance_is_a_warning_not_an_error() -> None:
    result = load_definition("papi.yaml", text=PAPI_BASE)
    assert {w.code for w in result.warnings} == {"HL904"}
    assert all(w.severity == "warning" for w in result.warnings)


def test_warnings__show_if_comparing_with_a_code_not_on_the_scale() -> None:
    text = _mutate("sipas", [("gave_feedback == 1", "gave_feedback == 7")])
    result = load_definition("w.yaml", text=text)
    assert [(w.code, w.line) for w in result.warnings] == [("HL903", 39)]


def test_warnings__label_in_undeclared_language() -> None:
    text = _mutate("sipas", [('{vi: "Tuổi", en: "Age"}', '{vi: "Tuổi", en: "Age", fr: "Âge"}')])
    result = load_definition("w.yaml", text=text)
    assert [(w.code, w.line) for w in result.warnings] == [("HL901", 54)]


def test_python_tags__are_not_constructed() -> None:
    text = _mutate("sipas", [("key: demo", "key: !!python/object/apply:os.system ['echo hi']")])
    errors = _errors(text)
    assert errors and errors[0].line == 1


def test_alias_bomb__reported_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    errors = _errors("\n".join(lines) + "\n")
    assert [(p.code, p.line) for p in errors] == [("HL100", 1)]


def test_recursive_alias__reported_not_crashing() -> None:
    errors = _errors("key: &a [*a]\n")
    assert [p.code for p in errors] == ["HL100"]


def test_unknown_weighting__names_the_rules_and_the_line() -> None:
    errors = _errors(_mutate("sipas", [("key: demo\n", "key: demo\nweighting: equals\n")]))
    text = errors[0].format()
    assert text.startswith("broken.yaml:2: HL105 at weighting: ")
    assert "'equals' is not allowed" in text
    assert "did you mean 'equal'?" in text
    assert "dossiers, equal" in text
