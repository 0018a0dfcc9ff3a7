"""Content hash and scoring_changes: what publishing a changed definition must report."""

from __future__ import annotations

from survey_defs import SHIPPED_DIR, content_hash, load_definition, scoring_changes
from survey_defs.model import SurveyDefinition
from survey_defs.versioning import version_record


def _load(key: str, *edits: tuple[str, str]) -> SurveyDefinition:
    text = (SHIPPED_DIR / f"{key}.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    return load_definition(f"{key}.yaml", text=text).definition


def test_hash__changes_with_text_and_matches_content_hash() -> None:
    a, b = _load("onestop"), _load("onestop", ("Lý do không hài lòng", "Lý do chưa hài lòng"))
    assert a.content_hash != b.content_hash
    assert a.content_hash == content_hash(a.source_text)
    assert version_record(a) == {"key": "onestop", "version": "tt01-2018-1",
                                 "content_hash": a.content_hash, "source_text": a.source_text}


def test_label_edit_and_new_question__no_scoring_change() -> None:
    old = _load("sipas")
    new = _load("sipas", ("Trụ sở sạch sẽ, văn minh", "Trụ sở sạch sẽ, ngăn nắp"),
                ("  - id: comment\n", "  - id: extra\n    type: yesno\n    label: {vi: \"Mới\", "
                 "en: \"New\"}\n    source: HL\n    verification: I\n  - id: comment\n"))
    assert scoring_changes(old, new) == []


def test_satisfied_codes_changed__reported() -> None:
    old = _load("sipas")
    new = _load("sipas", ("satisfied_codes: [4, 5]", "satisfied_codes: [3, 4, 5]"))
    assert scoring_changes(old, new) == [
        "setting 'satisfied_codes' changed from [4, 5] to [3, 4, 5]"]


def test_criterion_moved_between_elements__reported() -> None:
    old = _load("sipas")
    new = _load("sipas", ("criteria: [c9.r15, c9.r16, c9.r17, c9.r18]",
                          "criteria: [c9.r15, c9.r16, c9.r17]"),
                ("criteria: [c9.r19,", "criteria: [c9.r18, c9.r19,"))
    changes = scoring_changes(old, new)
    assert changes == ["item 'c9.r18' moved: was criterion of element E1, now criterion of "
                       "element E2"]


def test_scale_codes_changed__reported() -> None:
    old = _load("onestop")
    new = _load("onestop",
                ("{code: 2, label: {vi: \"Hơn một lần", "{code: 3, label: {vi: \"Hơn một lần"),
                ("points: {0: 2, 1: 1, 2: 0}", "points: {0: 2, 1: 1, 3: 0}"))
    changes = scoring_changes(old, new)
    assert any("tt01_3" in c for c in changes)
    assert any("'contacts' changed its answers" in c for c in changes)


def test_papi_direction_and_bounds__reported() -> None:
    old = _load("papi")
    new = _load("papi", ("direction: lower_better\n              bounds: [0, 500]",
                         "direction: higher_better\n              bounds: [0, 100]"))
    changes = scoring_changes(old, new)
    assert changes == [
        "indicator 'd4_denounce_amount': direction changed from 'lower_better' to "
        "'higher_better'",
        "indicator 'd4_denounce_amount': bounds changed from [0.0, 500.0] to [0.0, 100.0]",
    ]


def test_onestop_band_change__reported() -> None:
    old = _load("onestop")
    new = _load("onestop", ("min_share: 15/18, max_share: 1, inclusive_max: true",
                            "min_share: 15/18, max_share: 1, inclusive_max: false"))
    assert len(scoring_changes(old, new)) == 1


def test_removed_scored_item__reported() -> None:
    old = _load("sipas_2017")
    new = _load("sipas_2017", ("  overall_item: sat_overall\n", ""))
    changes = scoring_changes(old, new)
    assert "setting 'overall_item' changed from 'sat_overall' to None" in changes
    assert "item 'sat_overall' is no longer scored (was overall item)" in changes


def test_method_change__reported() -> None:
    assert scoring_changes(_load("sipas"), _load("onestop")) == [
        "scoring method changed from 'sipas' to 'onestop'"]
