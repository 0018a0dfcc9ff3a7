"""The public transparency page: only for units that opted in, figures with intervals."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, World, build_world
from webapp.followup.publication import save_publication
from webapp.models import Unit

URL = f"/public/units/{{u}}?survey=sipas&period={PERIOD}"


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=30)


def test_public_page__not_opted_in__404(client: FlaskClient, world: World) -> None:
    assert client.get(URL.format(u="A")).status_code == 404
    assert client.get(URL.format(u="NOPE")).status_code == 404


def test_public_page__opted_in__figures_intervals_note(client: FlaskClient, world: World,
                                                      session: Session) -> None:
    save_publication(session, session.get(Unit, world.units["A"]), published=True,
                     note_vi="Đã bố trí thêm ghế chờ.", note_en=None)
    html = client.get(URL.format(u="A")).get_data(as_text=True)
    assert "Khoảng tin cậy 95%" in html and "Đã bố trí thêm ghế chờ." in html
    assert 'class="big"' in html and "người trả lời" in html
    assert "Xã Bình" not in html  # nothing about other units
    assert html.count('<svg class="chart" role="img"') == 1  # its criteria, with intervals
    assert "Điểm An Một" not in html  # nor about the units below it (they did not opt in)
    assert client.get(URL.format(u="B")).status_code == 404
