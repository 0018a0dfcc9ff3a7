"""A field sample ready for interviewers: PAPI published, a household frame with contacts,
a sample of 3 per village, interviewers' accounts (password ``PASSWORD``) with assignments."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import survey_defs
from tests.webapp.staff_helpers import csrf_token
from webapp.administration.surveys import publish_definition
from webapp.administration.users import create_user
from webapp.fieldwork.frames import import_frame
from webapp.fieldwork.samples import assign, draw_sample, get_sample
from webapp.models import FrameUnit, SampleMember, Unit

PASSWORD = "fieldwork pass 17"  # noqa: S105 - a test password
PHONE = "0987 654 321"


@dataclass
class Field:
    """Member ids by respondent id, and who was assigned village A and village B."""

    members: dict[str, int]
    village_of: dict[str, str]
    a_ids: list[str]
    b_ids: list[str]


def households(path: Path) -> Path:
    rows = [["unit_id", "village", "members", "contact_name", "contact_address",
             "contact_phone"]]
    for village in ("A", "B"):
        for i in range(10):
            rows.append([f"{village}-h{i:02d}", village, str(i % 5 + 1), f"Hộ {village}{i}",
                         f"Thôn {village}", PHONE if (village, i) == ("A", 3)
                         else f"09000000{i:02d}"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def setup_field(session: Session, tmp_path: Path, *, a: str = "iv.a@t.vn",
                b: str = "iv.b@t.vn", unit_code: str | None = None, size: int = 3) -> Field:
    """Interviewer ``a`` gets village A, ``b`` village B (accounts created when missing)."""
    publish_definition(session, Path(survey_defs.__file__).parent / "papi.yaml")
    if unit_code is None:
        unit_code = "FW"
        if session.scalar(select(Unit).where(Unit.code == unit_code)) is None:
            session.add(Unit(code=unit_code, name_vi="Xã Thực Địa", unit_type="commune"))
            session.commit()
    users = {}
    for email in (a, b):
        from webapp.models import User

        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user, _ = create_user(session, email=email, role="interviewer",
                                  unit_code=unit_code, password=PASSWORD)
        users[email] = user
    import_frame(session, households(tmp_path / "hh.csv"), name="hh", numeric=("members",))
    drawn = draw_sample(session, frame_name="hh", name="s", method="srs", size=size, seed=8,
                        strata="village", unit_code=unit_code)
    sample = get_sample(session, "s")
    a_rows = drawn.rows[drawn.rows["village"] == "A"]
    b_rows = drawn.rows[drawn.rows["village"] == "B"]
    assign(session, sample, users[a], a_rows["psu"].tolist())
    assign(session, sample, users[b], b_rows["psu"].tolist())
    members = dict(session.execute(
        select(FrameUnit.unit_key, SampleMember.id)
        .join(SampleMember, SampleMember.frame_unit_id == FrameUnit.id)).all())
    village = dict(zip(drawn.rows["unit_id"], drawn.rows["village"], strict=True))
    return Field(members, village, a_rows["unit_id"].tolist(), b_rows["unit_id"].tolist())


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/auth/login", data={"email": email, "password": password,
                                                "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
