"""Back-checks (a seeded share of each interviewer's completes, outcomes, confirmation rate)
and samples that belong to a unit: only that unit's subtree sees their pages."""

from __future__ import annotations

import math
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.fieldwork_helpers import PASSWORD, PHONE, setup_field, sign_in
from tests.webapp.staff_helpers import token_in
from webapp.administration.users import create_user
from webapp.fieldwork.backchecks import select_back_checks
from webapp.fieldwork.returns import record_return
from webapp.fieldwork.samples import close_fieldwork, get_sample
from webapp.models import BackCheck, SampleMember, Unit


def _completes(session: Session, members: dict[str, int]) -> None:
    sample = get_sample(session, "s")
    for n, member_id in enumerate(sorted(members.values())):
        member = session.get(SampleMember, member_id)
        assert member is not None
        record_return(session, sample, member, key=f"k{n}", code="1.1" if n % 4 else "2.11",
                      answers={"used_certification": "1"} if n % 4 else {},
                      source="interviewer")


def _selected(session: Session) -> set[int]:
    return set(session.scalars(select(BackCheck.sample_member_id)))


def test_selection__seeded_share_per_interviewer__topped_up_never_dropped(
        session: Session, tmp_path: Path) -> None:
    field = setup_field(session, tmp_path, size=8)
    _completes(session, field.members)
    sample = get_sample(session, "s")
    assert select_back_checks(session, sample, share=0.3, seed=5) == 2 * math.ceil(0.3 * 6)
    first = _selected(session)
    by_interviewer = {session.get(SampleMember, m).interviewer_id for m in first}  # type: ignore[union-attr]
    assert len(by_interviewer) == 2  # each interviewer has their own share
    # Reproducible: the same data and seed select the same people.
    for check in session.scalars(select(BackCheck)).all():
        session.delete(check)
    session.commit()
    select_back_checks(session, sample, share=0.3, seed=5)
    assert _selected(session) == first
    # Another seed selects others (with 6 completes each, the same 2+2 by chance: < 1 in 200).
    for check in session.scalars(select(BackCheck)).all():
        session.delete(check)
    session.commit()
    select_back_checks(session, sample, share=0.3, seed=6)
    assert _selected(session) != first
    # A larger share keeps what was selected and adds (the stored seed and share are reused).
    before = _selected(session)
    assert select_back_checks(session, sample, share=0.5) == 2 * (3 - 2)
    assert before < _selected(session)
    assert select_back_checks(session, sample) == 0


def test_monitoring_page__supervisor_of_the_unit_only__outcomes_and_rate(
        app: Flask, session: Session, tmp_path: Path) -> None:
    field = setup_field(session, tmp_path, size=8)
    _completes(session, field.members)
    session.add(Unit(code="OTHER", name_vi="Xã Khác", unit_type="commune"))
    session.commit()
    create_user(session, email="sup@t.vn", role="analyst", unit_code="FW", password=PASSWORD)
    create_user(session, email="far@t.vn", role="analyst", unit_code="OTHER",
                password=PASSWORD)
    sample = get_sample(session, "s")
    select_back_checks(session, sample, share=1.0)
    checks = session.scalars(select(BackCheck).order_by(BackCheck.id)).all()
    assert len(checks) == 12

    far = app.test_client()
    sign_in(far, "far@t.vn")
    assert "/monitoring/" not in far.get("/staff/fieldwork/monitoring").get_data(as_text=True)
    assert far.get(f"/staff/fieldwork/monitoring/{sample.id}").status_code == 404
    token = token_in(far.get("/staff/").get_data(as_text=True))
    assert far.post(f"/staff/fieldwork/back-checks/{checks[0].id}",
                    data={"csrf_token": token, "outcome": "confirmed"}).status_code == 404
    # The paper-entry page of another unit's analyst does not offer the sample either.
    assert '<option value="s"' not in far.get("/staff/fieldwork/entry/").get_data(as_text=True)

    sup = app.test_client()
    sign_in(sup, "sup@t.vn")
    page = sup.get(f"/staff/fieldwork/monitoring/{sample.id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "iv.a@t.vn" in html and "iv.b@t.vn" in html
    token = token_in(html)
    # Not confirmed needs a note: refused, nothing stored.
    sup.post(f"/staff/fieldwork/back-checks/{checks[0].id}",
             data={"csrf_token": token, "outcome": "not_confirmed", "note": " "})
    session.expire_all()
    assert session.get(BackCheck, checks[0].id).outcome is None  # type: ignore[union-attr]
    sup.post(f"/staff/fieldwork/back-checks/{checks[0].id}",
             data={"csrf_token": token, "outcome": "not_confirmed",
                   "note": "Hộ nói không ai đến phỏng vấn"})
    ivs = {}
    for check in checks[1:4]:
        sup.post(f"/staff/fieldwork/back-checks/{check.id}",
                 data={"csrf_token": token, "outcome": "confirmed"})
    session.expire_all()
    for check in checks[:4]:
        ivs.setdefault(check.interviewer_id, []).append(session.get(BackCheck, check.id))
    html = sup.get(f"/staff/fieldwork/monitoring/{sample.id}").get_data(as_text=True)
    # The confirmation rate per interviewer, in the reader's number form (Vietnamese default).
    for found in ivs.values():
        made = [c for c in found if c and c.outcome]
        rate = sum(c.outcome == "confirmed" for c in made) / len(made)  # type: ignore[union-attr]
        assert f"{rate * 100:.1f}".replace(".", ",") + "%" in html
    # Contacts of cases still to be checked are shown to the supervisor; after close, none.
    assert PHONE in html or any(f"09000000{i:02d}" in html for i in range(10))
    close_fieldwork(session, sample)
    html = sup.get(f"/staff/fieldwork/monitoring/{sample.id}").get_data(as_text=True)
    assert PHONE not in html and "09000000" not in html
    session.expire_all()
    assert session.get(BackCheck, checks[0].id).note is None  # type: ignore[union-attr]
    assert session.get(BackCheck, checks[0].id).outcome == "not_confirmed"  # type: ignore[union-attr]


def test_monitoring_page__estimate_says_which_variance(app: Flask, session: Session,
                                                        tmp_path: Path) -> None:
    from webapp.fieldwork.estimates import estimate_mean

    field = setup_field(session, tmp_path, size=8)
    _completes(session, field.members)
    create_user(session, email="sup@t.vn", role="analyst", unit_code="FW", password=PASSWORD)
    sample = get_sample(session, "s")
    client = app.test_client()
    sign_in(client, "sup@t.vn")
    base = f"/staff/fieldwork/monitoring/{sample.id}?variable=used_certification&classes=village"
    taylor = client.get(base + "&variance=taylor").get_data(as_text=True)
    assert "tuyến tính hoá Taylor theo các tầng" in taylor
    boot = client.get(base + "&variance=bootstrap").get_data(as_text=True)
    assert "bootstrap, 200 lần lặp Rao-Wu" in boot
    ours = estimate_mean(session, sample, "used_certification", classes=["village"],
                         variance="bootstrap", replicates=200, seed=sample.seed).estimate
    assert f"sai số chuẩn {ours.se:.3f}".replace(".", ",") in boot
    # Item ids are never shown: the answer is picked by its question's wording.
    assert ">used_certification<" not in boot


def test_sample_unit__field_staff_below_work_on_it__others_cannot(
        app: Flask, session: Session, tmp_path: Path) -> None:
    import pytest

    from webapp.fieldwork.samples import SampleError, assign, set_unit
    from webapp.models import User

    province = Unit(code="PV", name_vi="Tỉnh", unit_type="province")
    session.add(province)
    session.flush()
    session.add_all([Unit(code="FW", name_vi="Xã Thực Địa", unit_type="commune",
                          parent_id=province.id),
                     Unit(code="ELSE", name_vi="Tỉnh khác", unit_type="province")])
    session.commit()
    field = setup_field(session, tmp_path, unit_code="FW")  # interviewers of commune FW
    sample = get_sample(session, "s")
    set_unit(session, sample, "PV")  # a province's sample, fielded by a commune's staff
    outsider, _ = create_user(session, email="iv.x@t.vn", role="interviewer",
                              unit_code="ELSE", password=PASSWORD)
    with pytest.raises(SampleError, match="belongs to no unit"):
        assign(session, sample, outsider, [sample.members[0].psu])
    inside = app.test_client()
    sign_in(inside, "iv.a@t.vn")
    member = field.members[field.a_ids[0]]
    assert f"/interviews/{member}" in inside.get("/staff/fieldwork/assignments").get_data(
        as_text=True)
    assert inside.get(f"/staff/fieldwork/interviews/{member}").status_code == 200
    assert inside.get(f"/staff/fieldwork/entry/{member}").status_code == 200
    # Moved to another province: its interviewers' pages no longer offer it.
    set_unit(session, sample, "ELSE")
    assert f"/interviews/{member}" not in inside.get(
        "/staff/fieldwork/assignments").get_data(as_text=True)
    assert inside.get(f"/staff/fieldwork/interviews/{member}").status_code == 404
    assert inside.get(f"/staff/fieldwork/entry/{member}").status_code == 404
    assert session.scalar(select(User.unit_id).where(User.email == "iv.a@t.vn")) is not None
