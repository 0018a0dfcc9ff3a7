"""The period a staff page shows by default: the latest complete month with enough answers,
else the quarter of the latest answers; never the nearly empty current month."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, PREVIOUS, build_world
from webapp.models import Response
from webapp.statistics.default_period import ENOUGH_ANSWERS, default_period


def test_latest_month_complete__shown(session: Session) -> None:
    build_world(session, responses_per_unit=12)
    assert default_period(session, "sipas", dt.date(2026, 12, 4)) == PERIOD  # 2026-05


def test_latest_month_is_the_current_one__previous_month_shown(session: Session) -> None:
    build_world(session, responses_per_unit=12)
    # On 4 May the answers of May are only beginning: April is shown.
    assert default_period(session, "sipas", dt.date(2026, 5, 4)) == PREVIOUS


def test_current_month_and_nothing_before__its_quarter(session: Session) -> None:
    build_world(session, responses_per_unit=12)
    session.execute(delete(Response).where(Response.period == PREVIOUS))
    session.commit()
    assert default_period(session, "sipas", dt.date(2026, 5, 4)) == "2026-Q2"


def test_too_few_answers_in_the_month__its_quarter(session: Session) -> None:
    # 2 + 5 + 2 = 9 answers a month over the three communes: fewer than ENOUGH_ANSWERS.
    build_world(session, responses_per_unit=2)
    assert ENOUGH_ANSWERS == 10
    assert default_period(session, "sipas", dt.date(2026, 12, 4)) == "2026-Q2"


def test_no_answers__no_period(session: Session) -> None:
    build_world(session, responses_per_unit=0)
    assert default_period(session, "sipas", dt.date(2026, 12, 4)) is None
