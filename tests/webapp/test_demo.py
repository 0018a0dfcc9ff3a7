"""`hailong demo`: loaded once, with the structure it promises."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.reference_indices import compute_indices
from webapp.cli import main
from webapp.demo.loader import demo_months
from webapp.models import (
    DossierCount,
    FieldAnswer,
    FieldSample,
    Response,
    Role,
    SurveyVersion,
    Unit,
    User,
)


def test_demo__loads_once_with_every_role_and_a_survey_url(app: Flask, runner: FlaskCliRunner,
                                                          session: Session) -> None:
    result = runner.invoke(main, ["demo", "--responses", "1500"])
    assert result.exit_code == 0, result.output
    assert "1500 synthetic responses" in result.output
    assert "/s/" in result.output and "password: demo-" in result.output
    # Each login says its role and the unit it runs (issue #13: managers' units were unsaid).
    logins = [line for line in result.output.splitlines() if line.startswith("login ")]
    assert len(logins) == 5 and all("  unit: " in line for line in logins), logins
    assert any("unit_manager" in line and "unit: LD-DS " in line for line in logins), logins
    assert any(line.startswith("login admin") and "every unit" in line for line in logins)
    roles = set(session.scalars(select(User.role)))
    # Interviewers come with a field sample (issue 17), not with the demo's logins.
    assert roles == set(Role) - {Role.INTERVIEWER}
    levels = session.execute(select(Unit.unit_type, func.count()).group_by(Unit.unit_type)).all()
    assert dict(levels)["province"] == 1 and sum(n for _, n in levels) >= 10
    assert session.scalar(select(func.count()).select_from(DossierCount)) > 0
    again = runner.invoke(main, ["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert "password: demo-" in again.output  # the logins are printed again
    by_survey = dict(session.execute(
        select(SurveyVersion.survey_key, func.count()).join(
            Response, Response.survey_version_id == SurveyVersion.id)
        .group_by(SurveyVersion.survey_key)).all())
    # The four instruments: SIPAS as asked, one-stop ratings from dossier receipts (each with
    # its on-time flag), SIPAS 2017 a year earlier, PAPI only through fieldwork (no response).
    assert by_survey == {"sipas": 1500, "onestop": 750, "sipas_2017": 500}
    assert session.scalar(select(func.count()).select_from(Response).where(
        Response.channel == "dossier", Response.on_time.is_(None))) == 0
    sample = session.scalars(select(FieldSample)).one()
    assert sample.parameters["survey"] == "papi" and sample.method == "design:papi"
    answers = session.scalar(select(func.count()).select_from(FieldAnswer))
    assert answers and answers > 100
    assert "papi" in result.output and "onestop 750" in result.output


def test_demo__known_structure_visible_in_indices(app: Flask, runner: FlaskCliRunner,
                                                 session: Session) -> None:
    assert runner.invoke(main, ["demo", "--responses", "3000"]).exit_code == 0
    months = demo_months()
    year_results = compute_indices(session, "sipas", months[-1][:4]).results
    overall = year_results[(year_results.index_id == "overall")
                           & (year_results.scope == "unit")].set_index("unit")
    # The centre is set well above Nam Bình (offsets +0.5 and -0.4 on the logit scale), and
    # the intervals say so.
    assert overall.loc["LD-TTHCC", "ci_low"] > overall.loc["LD-NB", "ci_high"]
