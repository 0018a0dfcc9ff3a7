"""Follow-up on the scorecard page: responsibility, cause, remedy and target through forms."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.par_index_helpers import setup_par
from tests.webapp.staff_helpers import USERS, build_world, login, token_in
from webapp.models import ActionPlan, ActionPlanOwner, Target


def test_follow_up__assign_cause_remedy_target(app, client: FlaskClient,  # type: ignore[no-untyped-def]
                                               session: Session, tmp_path: Path) -> None:
    build_world(session)
    setup_par(session, tmp_path)
    analyst = USERS["analyst"][0]
    login(client, "manager")
    token = token_in(client.get("/staff/").get_data(as_text=True))
    url = "/staff/parindex/A/2024/items/1.2/follow-up"

    def post(data: dict[str, str], path: str = url) -> int:
        return client.post(path, data={"csrf_token": token, **data}).status_code

    assert post({"action": "assign", "account": "nobody@t.vn"}) == 400
    assert post({"action": "assign", "account": analyst}) == 302
    assert post({"action": "cause", "cause": "Kế hoạch ban hành muộn"}) == 302
    assert post({"action": "remedy", "owner": analyst, "deadline": "30/06/2025",
                 "description": "x"}) == 400
    assert post({"action": "remedy", "owner": analyst, "deadline": "2025-06-30",
                 "description": "Ban hành kế hoạch trước 15/12"}) == 302
    assert post({"action": "target", "kind": "level", "value": "90"},
                "/staff/parindex/A/2024/items/all/follow-up") == 403  # not the level above
    assert post({"action": "dance"}) == 400
    plan = session.scalar(select(ActionPlan).where(ActionPlan.index_id == "1.2"))
    assert plan is not None and plan.survey_key == "test_xa"
    assert session.scalar(select(ActionPlanOwner.user_id).where(
        ActionPlanOwner.action_plan_id == plan.id)) is not None
    page = client.get("/staff/parindex/A/2024").get_data(as_text=True)
    lost = page.split("Các tiêu chí bị mất điểm")[1]
    assert "1.2. Hoàn thành kế hoạch" in lost and analyst in lost
    assert "Ban hành kế hoạch trước 15/12 (analyst.a@t.vn, 30/06/2025, " in lost
    client = app.test_client()
    login(client, "admin")
    token = token_in(client.get("/staff/").get_data(as_text=True))
    assert post({"action": "target", "kind": "level", "value": "55"},
                "/staff/parindex/A/2024/items/all/follow-up") == 302
    target = session.scalar(select(Target))
    assert target is not None and (target.item_code, target.kind, target.value) == (
        "", "level", 55)
    # 2 + 2 + 2 of 10 = 60% >= 55: the whole index reaches its target.
    assert "60% · xếp thứ" in " ".join(client.get("/staff/parindex/A/2024")
                                         .get_data(as_text=True).split())


def test_criterion_target_from_the_page__domain_ranks__refusal_in_vietnamese(
        app, client: FlaskClient, session: Session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_world(session)
    setup_par(session, tmp_path)
    login(client, "manager")
    token = token_in(client.get("/staff/").get_data(as_text=True))
    url = "/staff/parindex/A/2024/items/1.2/follow-up"
    # The unit's own manager may not set its targets: refused, with the reason in Vietnamese.
    refused = client.post(url, data={"csrf_token": token, "action": "target", "kind": "level",
                                     "value": "3"})
    assert refused.status_code == 403
    text = " ".join(refused.get_data(as_text=True).split())
    assert "mục tiêu do cấp trên đặt" in text
    assert "targets are set by the level above" not in text
    assert session.scalar(select(Target)) is None
    admin = app.test_client()
    login(admin, "admin")
    token = token_in(admin.get("/staff/").get_data(as_text=True))
    page = admin.get("/staff/parindex/A/2024").get_data(as_text=True)
    assert 'id="target-kind-1.2"' in page  # the level above sees the criterion's target form
    assert admin.post(url, data={"csrf_token": token, "action": "target", "kind": "level",
                                 "value": "3,5"}).status_code == 302
    target = session.scalar(select(Target))
    assert target is not None and (target.item_code, target.kind, target.value) == (
        "1.2", "level", Decimal("3.5"))
    page = " ".join(admin.get("/staff/parindex/A/2024").get_data(as_text=True).split())
    row = page.split("1.2. Hoàn thành kế hoạch")[1].split("</tr>")[0]
    # 1.2 scored "half" = 2 points of 4, below the target of 3,5.
    assert "chưa đạt" in row and "mục tiêu: đạt mức 3,5" in row
    # A and A1 scored the same: each domain ranks 1 of 2; no 2023 assessment, so no change.
    domains = page.split('id="domain-ranks"')[1].split("</table>")[0]
    assert domains.count("1/2") == 2 and "Lĩnh vực" in domains


def test_scorecard_remedy__on_the_action_plans_page_and_marked_done(
        client: FlaskClient, session: Session, tmp_path: Path) -> None:
    from tests.webapp.staff_helpers import PERIOD

    build_world(session)
    setup_par(session, tmp_path)
    analyst = USERS["analyst"][0]
    login(client, "manager")
    token = token_in(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/parindex/A/2024/items/1.2/follow-up", data={
        "csrf_token": token, "action": "remedy", "owner": analyst, "deadline": "2025-06-30",
        "description": "Ban hành kế hoạch trước 15/12"}).status_code == 302
    url = f"/staff/units/A/actions?survey=sipas&period={PERIOD}"
    page = client.get(url).get_data(as_text=True)
    table = page.split('id="scorecard-remedies"')[1].split("</table>")[0]
    assert "1.2. Hoàn thành kế hoạch" in table and "Ban hành kế hoạch trước 15/12" in table
    assert analyst in table and "30/06/2025" in table
    # The remedy's key (the scorecard's) never appears as if it were a survey's criterion.
    assert "test_xa" not in page
    plan = session.scalar(select(ActionPlan).where(ActionPlan.index_id == "1.2"))
    assert plan is not None
    action = table.split('action="')[1].split('"')[0].replace("&amp;", "&")
    done = client.post(action, data={"csrf_token": token, "status": "done"})
    assert done.status_code == 302 and "survey=sipas" in done.headers["Location"]
    session.refresh(plan)
    assert plan.status == "done"
    # Another commune's manager does not see A's remedies.
    other = client.application.test_client()
    login(other, "manager_b")
    assert "Hoàn thành kế hoạch" not in other.get(
        f"/staff/units/B/actions?survey=sipas&period={PERIOD}").get_data(as_text=True)


def test_index__units_in_scope_with_total_rank_band_and_report_languages(
        client: FlaskClient, session: Session, tmp_path: Path) -> None:
    import io

    import docx

    build_world(session)
    setup_par(session, tmp_path)
    login(client, "admin")
    page = " ".join(client.get("/staff/parindex/").get_data(as_text=True).split())
    # A and A1 each: 1.1 yes (2) + 1.2 half (4 x 0.5) + 2.1 at 0.9 (4 x 0.1/0.2) = 6 of 10.
    for code, name in (("A", "Xã An"), ("A1", "Điểm An Một")):
        row = page.split(f'href="/staff/parindex/{code}/2024">{name}</a>')[1].split("</tr>")[0]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells == ["6/10 · 60%<br>Yếu<br>xếp thứ 1/2"], (code, cells)
    # The administrator's home is the province: P and B (A is assessed) are to start.
    missing = page.split("Chưa tự đánh giá năm 2024")[1]
    assert re.findall(r'href="/staff/parindex/([A-Z0-9]+)/2024"', missing) == ["P", "B"]
    client = client.application.test_client()
    login(client, "manager_b")
    page = client.get("/staff/parindex/").get_data(as_text=True)
    assert "/staff/parindex/A/2024" not in page
    assert 'href="/staff/parindex/B/2024">Xã Bình</a>' in page.split("Chưa tự đánh giá")[1]
    # The báo cáo in the interface language by default, English when asked.
    client = client.application.test_client()
    login(client, "manager")
    for query, kind in (("", "BÁO CÁO"), ("?lang=en", "REPORT")):
        reply = client.get(f"/staff/parindex/A/2024/report.docx{query}")
        assert reply.status_code == 200
        assert kind in [p.text for p in docx.Document(io.BytesIO(reply.data)).paragraphs]
