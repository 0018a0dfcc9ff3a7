"""The officials' sociological survey (``survey_defs/par_officials.yaml``) fills the commune
template's survey criterion 4.1 through the survey link, by the template's tagged conversion."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from pathlib import Path

import numpy as np
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

import survey_defs
from survey_defs.scorecards import shipped_scorecards
from tests.webapp.par_index_helpers import write
from tests.webapp.staff_helpers import PERIOD, build_world, login
from webapp.administration.surveys import publish_definition
from webapp.models import Response, Role, Unit, User
from webapp.par_index.assessment import open_assessment
from webapp.par_index.results import compute
from webapp.par_index.scorecards import import_points, publish_scorecard
from webapp.par_index.survey_link import fill_survey_values
from webapp.statistics import indices_cache
from webapp.survey_versions import latest_version

DOMAINS = [f"d{i}" for i in range(1, 9)]
# The template's items and the points a province might load (domains add up to 100).
POINTS = {"1": 20, "1.1": 10, "1.2": 10, "2": 30, "2.1": 20, "2.2": 10, "3": 30, "3.1": 30,
          "4": 20, "4.1": 20}


def _answers(rng: np.random.Generator, good: float) -> dict[str, object]:
    """One respondent: each question 'Tốt'/'Rất tốt' with probability ``good``, sometimes
    'Không đánh giá được' (9), which the index leaves out."""
    answers: dict[str, object] = {"role_group": int(rng.integers(1, 5))}
    for domain in DOMAINS:
        for row in ("q1", "q2"):
            draw = rng.random()
            if draw < 0.08:
                answers[f"{domain}.{row}"] = 9
            elif draw < 0.08 + good * 0.92:
                answers[f"{domain}.{row}"] = int(rng.choice([3, 4]))
            else:
                answers[f"{domain}.{row}"] = int(rng.choice([1, 2]))
    return answers


def _expected_share(answer_sets: list[dict[str, object]]) -> float:
    """The index by hand: per question the share of 3-4 among answers other than 9, the mean
    of each domain's two questions, then the mean of the eight domains."""
    domains = []
    for domain in DOMAINS:
        shares = []
        for row in ("q1", "q2"):
            valid = [a[f"{domain}.{row}"] for a in answer_sets if a[f"{domain}.{row}"] != 9]
            shares.append(sum(1 for v in valid if v in (3, 4)) / len(valid))
        domains.append(sum(shares) / 2)
    return sum(domains) / len(domains)


def test_officials_survey__fills_the_commune_templates_criterion(session: Session,
                                                                  tmp_path: Path) -> None:
    indices_cache.clear()
    build_world(session)
    publish_definition(session, Path(survey_defs.__file__).parent / "par_officials.yaml")
    version = latest_version(session, "par_officials")
    assert version is not None
    units = {u.code: u for u in session.query(Unit)}
    rng = np.random.default_rng(16)
    given: dict[str, list[dict[str, object]]] = {"A": [], "B": []}
    for code, good, months in (("B", 0.55, ("2025-11", "2025-12")), ("A", 0.9, ("2025-12",))):
        for month in months:
            for _ in range(40):
                answers = _answers(rng, good)
                given[code].append(answers)
                session.add(Response(
                    public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
                    survey_version_id=version.id, unit_id=units[code].id, period=month,
                    channel="web", language="vi", answers=answers))
    # Answers of another year must not count.
    session.add(Response(public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
                         survey_version_id=version.id, unit_id=units["B"].id,
                         period="2024-12", channel="web", language="vi",
                         answers=_answers(rng, 0.0)))
    session.commit()

    template = next(p for p in shipped_scorecards() if p.name == "xa_template.yaml")
    card = publish_scorecard(session, template)
    lines = ["scorecard,version,item_code,max_points"] + [
        f"par_index_xa_template,template-2025,{code},{value}" for code, value in POINTS.items()]
    import_points(session, write(tmp_path, "\n".join(lines) + "\n", "points.csv"))
    admin = session.query(User).filter_by(role=Role.ADMIN).one()
    assessment = open_assessment(session, units["B"], card, admin)

    used = fill_survey_values(session, assessment)

    expected_share = _expected_share(given["B"])
    assert 0.4 < expected_share < 0.7  # B's officials rate about half the work as good
    assert used["4.1"] is not None
    assert abs(float(used["4.1"]) - expected_share) < 1e-6
    item = compute(session, assessment).items["4.1"]
    # The conversion: 20 points x share (zero at 0, full at 1); points kept to 3 decimals.
    assert abs(item.final - Decimal(str(20 * expected_share))) <= Decimal("0.0005") + Decimal(
        "0.00002")
    assert item.row is not None and "par_officials.overall" in (item.row.appraisal_reason or "")
    # No citizens answered SIPAS in 2025 here: that criterion stays unscored, not zero-filled
    # from another survey.
    assert used["3.1"] is None
    sipas_item = compute(session, assessment).items["3.1"]
    assert sipas_item.self_score is None and sipas_item.appraised_score is None


def test_officials_survey__unit_page_shows_equal_weight_figures(
        client: FlaskClient, session: Session) -> None:
    """The unit page reads the officials' survey from the kept statistics with every answer
    weighing 1 (no dossier counts exist for it), over the unit and the units below it."""
    indices_cache.clear()
    build_world(session)
    publish_definition(session, Path(survey_defs.__file__).parent / "par_officials.yaml")
    version = latest_version(session, "par_officials")
    assert version is not None
    units = {u.code: u for u in session.query(Unit)}
    rng = np.random.default_rng(7)
    given: list[dict[str, object]] = []
    for code, good, count in (("A", 0.9, 30), ("A1", 0.4, 20), ("B", 0.2, 30)):
        for _ in range(count):
            answers = _answers(rng, good)
            if code != "B":  # B is not below A
                given.append(answers)
            session.add(Response(
                public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
                survey_version_id=version.id, unit_id=units[code].id, period=PERIOD,
                channel="web", language="vi", answers=answers))
    session.commit()
    login(client, "manager")

    html = client.get(f"/staff/units/A?survey=par_officials&period={PERIOD}").get_data(
        as_text=True)

    big = html.split('id="h-headline"')[1].split('<p class="big">')[1].split("</p>")[0]
    assert big.strip() == f"{_expected_share(given) * 100:.1f}%".replace(".", ",")
    # Equal weights: the effective sample size is the number of respondents.
    assert "50 người trả lời (cỡ mẫu hiệu dụng 50)" in html
    assert "50 phiếu trả lời. Mỗi phiếu được tính một lần" in html
    assert "Chưa nhập số hồ sơ" not in html  # no response rate against dossiers here
    assert "tỷ lệ đánh giá tốt" in html and "tỷ lệ người dân hài lòng" not in html
