"""File names in Content-Disposition go through RFC 6266 (issue 21, finding 10)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import build_world, login
from webapp.codes import attachment
from webapp.models import Counter, Unit

# Exactly two parameters: a quoted ASCII fallback and the percent-encoded exact name.
SHAPE = re.compile(r"attachment; filename=\"[A-Za-z0-9._-]+\"; filename\*=UTF-8''[A-Za-z0-9%._~-]+")


@pytest.mark.parametrize("name", ['poster-EV"IL;x=1-Q1.svg', "báo-cáo Xã An.pdf",
                                  "a\\b\r\nX-Evil: 1.pdf", "plain.pdf"])
def test_attachment__one_filename_param__exact_name_in_filename_star(name: str) -> None:
    header = attachment(name)
    assert SHAPE.fullmatch(header), header
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == name


def test_poster_of_a_unit_with_an_old_odd_code__header_has_no_extra_parameter(
        client: FlaskClient, session: Session) -> None:
    world = build_world(session)
    unit = session.get(Unit, world.units["A"])
    unit.code = 'EV"IL;x=1'  # stored before codes were checked
    session.commit()
    counter = session.get(Counter, world.counters["A"])
    login(client, "admin")
    response = client.get(f"/admin/counters/{counter.id}/poster.svg")
    assert response.status_code == 200
    assert SHAPE.fullmatch(response.headers["Content-Disposition"])
