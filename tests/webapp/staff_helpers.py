"""A small unit tree with one user per role, comments and (optionally) synthetic responses.

Tree: P (province) -> A (commune) -> A1 (hamlet office); P -> B (commune).
Users (password ``PASSWORD``): admin@t.vn (all units), manager.a@t.vn, analyst.a@t.vn and
viewer.a@t.vn (subtree of A), manager.b@t.vn (subtree of B).
"""

from __future__ import annotations

import functools
import re
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

import survey_defs
from webapp.administration.surveys import publish_definition
from webapp.administration.users import PASSWORD_METHOD
from webapp.demo.loader import synthetic_answers
from webapp.models import Comment, Counter, DossierCount, ProcedureField, Response, Role, Unit, User
from webapp.survey_versions import latest_version, load_version

PASSWORD = "correct horse battery"  # noqa: S105 - a test password
PERIOD = "2026-05"
PREVIOUS = "2026-04"
USERS = {
    "admin": ("admin@t.vn", Role.ADMIN, None),
    "manager": ("manager.a@t.vn", Role.UNIT_MANAGER, "A"),
    "analyst": ("analyst.a@t.vn", Role.ANALYST, "A"),
    "viewer": ("viewer.a@t.vn", Role.VIEWER, "A"),
    "manager_b": ("manager.b@t.vn", Role.UNIT_MANAGER, "B"),
}
# How each commune's citizens rate (logit offset): A clearly better than B.
OFFSETS = {"A": 1.0, "A1": 0.6, "B": -0.4}


@dataclass
class World:
    """Ids a test needs: units by code; comments and action plans by unit code."""

    units: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)
    plans: dict[str, int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)  # sampled people (fieldwork)


def build_world(session: Session, *, responses_per_unit: int = 0, seed: int = 7) -> World:
    """Create the tree, users, one comment per unit and optional responses in two months."""
    publish_definition(session, Path(survey_defs.__file__).parent / "sipas.yaml")
    p = Unit(code="P", name_vi="Tỉnh Thử", name_en="Test Province", unit_type="province")
    a = Unit(code="A", name_vi="Xã An", name_en="An Commune", unit_type="commune", parent=p)
    a1 = Unit(code="A1", name_vi="Điểm An Một", name_en="An One Office", unit_type="office",
              parent=a)
    b = Unit(code="B", name_vi="Xã Bình", name_en="Binh Commune", unit_type="commune",
             parent=p)
    hoti = ProcedureField(code="HT", name_vi="Hộ tịch", name_en="Civil status")
    session.add_all([p, a, a1, b, hoti])
    session.flush()
    world = World(units={u.code: u.id for u in (p, a, a1, b)})
    for unit in (p, a, a1, b):
        counter = Counter(unit_id=unit.id, code=f"{unit.code}-Q1", name_vi="Quầy số 1")
        session.add(counter)
        session.flush()
        world.counters[unit.code] = counter.id
    for unit in (a, a1, b):
        comment = Comment(unit_id=unit.id, period=PERIOD, body=f"Ý kiến về {unit.code}: cần "
                          f"thêm ghế chờ", criterion="c9.r17")
        session.add(comment)
        session.flush()
        world.comments[unit.code] = comment.id
    if responses_per_unit:
        _responses(session, {"A": a, "A1": a1, "B": b}, hoti, responses_per_unit, seed)
    session.commit()
    for email, role, unit_code in USERS.values():
        # One scrypt hash shared by every test user: hashing costs half a second each.
        session.add(User(email=email, role=role, password_hash=_password_hash(),
                         unit_id=world.units[unit_code] if unit_code else None))
    session.commit()
    return world


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    return generate_password_hash(PASSWORD, method=PASSWORD_METHOD)


def _responses(session: Session, units: dict[str, Unit], hoti: ProcedureField, count: int,
               seed: int) -> None:
    rng = np.random.default_rng(seed)
    version = latest_version(session, "sipas")
    assert version is not None
    definition = load_version(version)
    for code, unit in units.items():
        # A1 is small: its figures carry the small-sample warning.
        n = max(count // 4, 5) if code == "A1" else count
        for month in (PREVIOUS, PERIOD):
            session.add(DossierCount(unit_id=unit.id, field_id=hoti.id, period=month,
                                     dossiers=n * 10))
            # B falls sharply in the later month, so its change is clear.
            offset = OFFSETS[code] - (1.6 if code == "B" and month == PERIOD else 0.0)
            for _ in range(n):
                session.add(Response(
                    public_id=secrets.token_hex(16), submission_id=str(uuid.uuid4()),
                    survey_version_id=version.id, unit_id=unit.id, field_id=hoti.id,
                    period=month, channel="demo", on_time=True, language="vi",
                    answers=synthetic_answers(definition, 1.1 + offset, rng,
                                              {"procedure": "Hộ tịch"})))


def token_in(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    assert match, "no CSRF token on the page"
    value = re.search(r'value="([^"]+)"', match.group(0))
    assert value
    return value.group(1)


def login(client: FlaskClient, who: str) -> None:
    """Sign ``who`` (a key of USERS) in through the form, CSRF token included."""
    token = csrf_token(client)
    response = client.post("/auth/login", data={"email": USERS[who][0], "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """A CSRF token of the client's session, read from a page with a form."""
    return token_in(client.get(path).get_data(as_text=True))
