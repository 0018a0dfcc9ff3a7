"""A survey-based criterion is scored from the unit's own SIPAS index by its tagged rule."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tests.reference_indices import compute_indices
from tests.webapp.par_index_helpers import write
from tests.webapp.staff_helpers import build_world
from webapp.models import Role, Unit, User
from webapp.par_index.assessment import AssessmentError, open_assessment, self_score
from webapp.par_index.results import compute
from webapp.par_index.scorecards import import_points, publish_scorecard
from webapp.par_index.survey_link import fill_survey_values
from webapp.statistics import indices_cache
from webapp.statistics.unit_report import unit_rows

CARD = """\
key: survey_card
version: "s-2026"
year: 2026
level: xa
title: {vi: "Thẻ có tiêu chí từ khảo sát"}
languages: [vi]
sources: {HL: "hailong"}
total_points: 10
domains:
  - code: "1"
    name: {vi: "Hài lòng"}
    max_points: null
    source: HL
    verification: I
    criteria:
      - code: "1.1"
        name: {vi: "SIPAS tại Bộ phận Một cửa"}
        max_points: null
        self_scored_by: none
        appraised_by: none
        rule:
          type: survey
          index: sipas.overall
          conversion: {type: linear, zero_at: 0.5, full_at: 1, source: HL, verification: I}
      - code: "1.2"
        name: {vi: "Có kế hoạch"}
        max_points: null
        rule: {type: yesno}
"""


def test_survey_criterion__points_from_the_units_sipas_overall(session: Session,
                                                               tmp_path: Path) -> None:
    indices_cache.clear()
    build_world(session, responses_per_unit=60)
    version = publish_scorecard(session, write(tmp_path, CARD, "card.yaml"))
    import_points(session, write(tmp_path, "scorecard,version,item_code,max_points\n"
                                 "survey_card,s-2026,1,10\nsurvey_card,s-2026,1.1,8\n"
                                 "survey_card,s-2026,1.2,2\n", "p.csv"))
    unit = session.query(Unit).filter_by(code="A").one()
    admin = session.query(User).filter_by(role=Role.ADMIN).one()
    assessment = open_assessment(session, unit, version, admin)
    try:
        self_score(session, assessment, "1.1", value="1", explanation="", user=admin)
        raise AssertionError("a survey criterion was self-scored")
    except AssessmentError as exc:
        assert "not self-scored" in str(exc)
    used = fill_survey_values(session, assessment)
    # The second path: the uncached computation of the same index.
    rows = unit_rows(compute_indices(session, "sipas", "2026", "A").results, "A")
    estimate = float(rows[rows["index_id"] == "overall"].iloc[0]["estimate"])
    assert 0.5 < estimate < 1
    assert abs(float(used["1.1"]) - estimate) < 1e-6
    expected = 8 * (estimate - 0.5) / 0.5
    item = compute(session, assessment).items["1.1"]
    assert abs(float(item.final) - expected) <= 0.0005 + 8 * 1e-6  # points kept to 3 decimals
    assert item.row is not None and "sipas.overall" in (item.row.appraisal_reason or "")
