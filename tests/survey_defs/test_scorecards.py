"""Scorecard language: shipped files load; broken scorecards are refused with code and line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from survey_defs import DefinitionError
from survey_defs.scorecards import (
    load_scorecard,
    point_problems,
    shipped_scorecards,
    with_points,
)

SURVEYS = {"sipas": "sipas.yaml"}

GOOD = """\
key: demo_card
version: "v1"
year: 2024
level: xa
title: {vi: "Thẻ điểm thử"}
languages: [vi]
sources: {HL: "hailong"}
total_points: 10
bands:
  - {id: tot, label: {vi: "Tốt"}, min_percent: 80}
  - {id: yeu, label: {vi: "Yếu"}, min_percent: 0}
domains:
  - code: "1"
    name: {vi: "Lĩnh vực một"}
    max_points: 6
    source: HL
    verification: I
    criteria:
      - code: "1.1"
        name: {vi: "Có kế hoạch"}
        max_points: 2
        rule: {type: yesno}
      - code: "1.2"
        name: {vi: "Mức hoàn thành"}
        max_points: 4
        rule:
          type: levels
          levels:
            - {id: full, label: {vi: "Đủ"}, share: 1}
            - {id: half, label: {vi: "Một nửa"}, share: 0.5}
  - code: "2"
    name: {vi: "Lĩnh vực hai"}
    max_points: 4
    source: HL
    verification: I
    criteria:
      - code: "2.1"
        name: {vi: "Đúng hạn"}
        max_points: 2
        rule: {type: proportional, zero_at: 0.8, full_at: 1}
      - code: "2.2"
        name: {vi: "Hài lòng"}
        max_points: 2
        self_scored_by: none
        rule:
          type: survey
          index: sipas.overall
          conversion: {type: linear, zero_at: 0.5, full_at: 1, source: HL, verification: I}
"""


def _load(text: str):  # type: ignore[no-untyped-def]
    return load_scorecard("card.yaml", text=text, surveys=SURVEYS)


def _codes(text: str) -> list[tuple[int, str]]:
    with pytest.raises(DefinitionError) as info:
        _load(text)
    return [(p.line, p.code) for p in info.value.problems if p.severity == "error"]


def test_shipped_scorecards__load_with_only_points_pending_warnings() -> None:
    paths = shipped_scorecards()
    assert {p.name for p in paths} >= {"par_index_tinh_876.yaml", "xa_template.yaml"}
    for path in paths:
        card, warnings = load_scorecard(path)
        assert {w.code for w in warnings} == {"HL791"}, [w.format() for w in warnings]
        assert card.total_points == 100
        assert all(item.rule is not None for item in card.leaves())


def test_provincial_par_index__eight_domains_points_left_to_the_annex() -> None:
    card, _ = load_scorecard(
        next(p for p in shipped_scorecards() if p.name == "par_index_tinh_876.yaml"))
    assert [d.code for d in card.domains] == [str(i) for i in range(1, 9)]
    assert card.domains[1].name["vi"] == "Cải cách thể chế"
    assert all(item.max_points is None for item in card.items())
    survey = card.item("8.1")
    assert survey.rule is not None and survey.rule.type == "survey"
    assert survey.rule.verification == "U" and survey.self_scored_by == "none"


def test_good_scorecard__builds_tree_rules_and_bands() -> None:
    card, warnings = _load(GOOD)
    assert warnings == ()
    assert [i.code for i in card.leaves()] == ["1.1", "1.2", "2.1", "2.2"]
    assert card.item("1.2").rule.points(Decimal(4), "half") == Decimal(2)  # type: ignore[union-attr]
    assert card.item("2.1").rule.points(Decimal(2), 0.9) == Decimal("1.0")  # type: ignore[union-attr]
    assert card.item("2.1").rule.points(Decimal(2), 0.5) == 0  # type: ignore[union-attr]
    assert card.item("1.1").line == 19
    assert card.band_for(Decimal("80.0")).id == "tot"  # type: ignore[union-attr]
    assert card.band_for(Decimal("79.99")).id == "yeu"  # type: ignore[union-attr]


BROKEN = [
    # (description, old text, new text, expected (line, code))
    ("YAML syntax", "level: xa", "level: [xa", (5, "HL100")),
    ("duplicate key", "level: xa\n", "level: xa\nlevel: tinh\n", (5, "HL101")),
    ("unknown top key", "languages: [vi]", "languages: [vi]\ncolour: red", (7, "HL102")),
    ("missing year", "year: 2024\n", "", (1, "HL103")),
    ("bad level", "level: xa", "level: village", (4, "HL105")),
    ("year out of range", "year: 2024", "year: 1890", (3, "HL712")),
    ("missing vi title", 'title: {vi: "Thẻ điểm thử"}', 'title: {en: "Test card"}', (5, "HL501")),
    ("parts do not add up", "max_points: 6", "max_points: 7", (15, "HL701")),
    ("total not 100/10", "total_points: 10", "total_points: 12", (8, "HL702")),
    ("leaf without rule", "        rule: {type: yesno}\n", "", (19, "HL703")),
    ("rule on a parent", '    max_points: 6\n', '    max_points: 6\n    rule: {type: yesno}\n',
     (16, "HL704")),
    ("levels without full share", "share: 1}", "share: 0.9}", (28, "HL705")),
    ("proportional span zero", "zero_at: 0.8, full_at: 1}", "zero_at: 1, full_at: 1}",
     (40, "HL706")),
    ("survey conversion untagged", "full_at: 1, source: HL, verification: I}",
     "full_at: 1}", (48, "HL707")),
    ("unknown survey", "index: sipas.overall", "index: pci.overall", (47, "HL708")),
    ("survey self-scored", "        self_scored_by: none\n", "", (44, "HL709")),
    ("bands overlap", "min_percent: 0}", "min_percent: 85}", (11, "HL710")),
    ("negative points", "max_points: 2\n        rule: {type: yesno}",
     "max_points: -2\n        rule: {type: yesno}", (21, "HL711")),
    ("duplicate code", 'code: "1.2"', 'code: "1.1"', (23, "HL201")),
    ("child code outside parent", 'code: "2.1"', 'code: "3.1"', (37, "HL105")),
    ("bad verification tag", "    verification: I\n    criteria:\n      - code: \"1.1\"",
     "    verification: maybe\n    criteria:\n      - code: \"1.1\"", (17, "HL105")),
    ("unknown source", "    source: HL\n    verification: I\n    criteria:\n      - code: \"1.1\"",
     "    source: S99\n    verification: I\n    criteria:\n      - code: \"1.1\"", (16, "HL203")),
]


@pytest.mark.parametrize(("old", "new", "expected"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_broken_scorecard__refused_with_code_and_line(old: str, new: str,
                                                      expected: tuple[int, str]) -> None:
    assert old in GOOD
    found = _codes(GOOD.replace(old, new, 1))
    assert expected in found, found
    assert len(found) == len(set(found)), f"a problem reported twice: {found}"


def test_problem_format__file_line_code() -> None:
    with pytest.raises(DefinitionError) as info:
        _load(GOOD.replace("total_points: 10", "total_points: 12"))
    assert str(info.value).startswith(
        "card.yaml:8: HL702 at total_points: the domains add up to 10")


def test_point_table__checked_against_total_and_parts() -> None:
    card, _ = load_scorecard(
        next(p for p in shipped_scorecards() if p.name == "par_index_tinh_876.yaml"))
    points = {str(i): Decimal(12) for i in range(1, 8)}
    points |= {"8": Decimal(16), "8.1": Decimal("9.5"), "8.2": Decimal("6.5")}
    assert point_problems(card, points) == []
    loaded = with_points(card, points)
    assert loaded.item("8.2").max_points == Decimal("6.5")
    wrong = points | {"8.1": Decimal(9)}
    assert ("8", "the parts of '8' add up to 15.5, not 16") in point_problems(card, wrong)
    short = {k: v for k, v in points.items() if k != "3"}
    assert point_problems(card, short) == [("3", "item '3' has no maximum points")]
    too_much = points | {"1": Decimal(13), "8": Decimal(17), "8.1": Decimal("10.5")}
    assert point_problems(card, too_much) == [("", "the domains add up to 102, not 100")]
    assert point_problems(card, points | {"9": Decimal(1)})[0][0] == "9"
