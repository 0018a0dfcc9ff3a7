"""Administration pages: accounts, API keys, dossier-count imports, counters' posters."""

from __future__ import annotations

import html as html_module
import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import USERS, World, build_world, login, token_in
from webapp.models import ApiKey, DossierCount, Role, User


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _token(client: FlaskClient) -> str:
    return token_in(client.get("/admin/").get_data(as_text=True))


def test_admin_page__lists_units_users_keys_versions(client: FlaskClient, world: World) -> None:
    login(client, "admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Xã Bình" in html and USERS["viewer"][0] in html
    assert "Khảo sát sự hài lòng của người dân" in html  # the survey's title, not its key
    assert 'enctype="multipart/form-data"' in html


def test_create_user__generated_password_shown_once(client: FlaskClient, world: World,
                                                    session: Session) -> None:
    login(client, "admin")
    response = client.post("/admin/users", data={
        "user-csrf_token": _token(client), "user-email": "new.b@t.vn", "user-role": "viewer",
        "user-unit": "B", "user-password": ""}, follow_redirects=True)
    assert "Mật khẩu của tài khoản, chỉ hiện lần này" in response.get_data(as_text=True)
    user = session.scalar(select(User).where(User.email == "new.b@t.vn"))
    assert user.role is Role.VIEWER and user.unit_id == world.units["B"]


def test_create_user__scoped_role_without_unit__refused(client: FlaskClient, world: World,
                                                        session: Session) -> None:
    login(client, "admin")
    response = client.post("/admin/users", data={
        "user-csrf_token": _token(client), "user-email": "x@t.vn", "user-role": "viewer",
        "user-unit": "", "user-password": ""})
    assert response.status_code == 400
    assert session.scalar(select(User).where(User.email == "x@t.vn")) is None


def test_deactivate_user__signed_out(client: FlaskClient, world: World, app,  # type: ignore[no-untyped-def]
                                     session: Session) -> None:
    other = app.test_client()
    login(other, "viewer")
    login(client, "admin")
    viewer = session.scalar(select(User).where(User.email == USERS["viewer"][0]))
    response = client.post(f"/admin/users/{viewer.id}/active", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert other.get("/staff/").status_code == 302


def test_api_key__created_shown_once_then_revoked(client: FlaskClient, world: World,
                                                  session: Session) -> None:
    login(client, "admin")
    page = client.post("/admin/apikeys", data={"key-csrf_token": _token(client),
                                               "key-name": "Một cửa", "key-unit": "A"},
                       follow_redirects=True).get_data(as_text=True)
    key = session.scalar(select(ApiKey))
    assert key.unit_id == world.units["A"] and f"{key.prefix}_" in page
    client.post(f"/admin/apikeys/{key.prefix}/revoke", data={"csrf_token": _token(client)})
    session.expire_all()
    assert session.get(ApiKey, key.id).revoked_at is not None


def test_dossier_import__good_file_stored_bad_file_lists_problems(client: FlaskClient,
                                                                  world: World,
                                                                  session: Session) -> None:
    login(client, "admin")
    good = b"unit,field,period,count\nA,HT,2026-05,120\nB,HT,2026-05,80\n"
    response = client.post("/admin/dossiers", data={
        "dossiers-csrf_token": _token(client),
        "dossiers-file": (io.BytesIO(good), "counts.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert session.scalar(select(DossierCount.dossiers).where(
        DossierCount.unit_id == world.units["A"])) == 120
    bad = b"unit,field,period,count\nZZ,HT,2026-5,x\n"
    response = client.post("/admin/dossiers", data={
        "dossiers-csrf_token": _token(client),
        "dossiers-file": (io.BytesIO(bad), "bad.csv")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "bad.csv, dòng 2" in html and "ZZ" in html


def test_poster__manager_downloads_svg(client: FlaskClient, world: World) -> None:
    login(client, "manager")
    page = client.get("/admin/units/A/counters").get_data(as_text=True)
    assert "A-Q1" in page
    response = client.get(f"/admin/counters/{world.counters['A']}/poster.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get(f"/admin/counters/{world.counters['A']}/poster.doc").status_code == 404


def test_units_import__new_commune_under_province(client: FlaskClient, world: World,
                                                   session: Session) -> None:
    from webapp.models import Unit

    login(client, "admin")
    csv = "code,name_vi,unit_type,parent_code\nC,Xã Cát,commune,P\n".encode()
    response = client.post("/admin/units", data={
        "units-csrf_token": _token(client), "units-file": (io.BytesIO(csv), "units.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    unit = session.scalar(select(Unit).where(Unit.code == "C"))
    assert unit is not None and unit.parent_id == world.units["P"]


def _problems_section(html: str, which: str) -> str:
    """The problems block shown beside the form of ``which`` (units or dossiers)."""
    assert f'id="problems-{which}"' in html, "no problems beside the form"
    block = html.split(f'id="problems-{which}"')[1].split("</div>")[0]
    return html_module.unescape(re.sub(r"<[^>]+>", "", block))


def test_units_import__semicolon_csv__read(client: FlaskClient, world: World,
                                           session: Session) -> None:
    from webapp.models import Unit

    login(client, "admin")
    # What Excel saves under a Vietnamese locale: semicolons, and a name with a comma.
    csv = "code;name_vi;unit_type;parent_code\r\nC;Xã Cát, huyện Thử;commune;P\r\n".encode()
    response = client.post("/admin/units", data={
        "units-csrf_token": _token(client), "units-file": (io.BytesIO(csv), "units.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    unit = session.scalar(select(Unit).where(Unit.code == "C"))
    assert unit is not None and unit.name_vi == "Xã Cát, huyện Thử"


def test_units_import__problems_beside_the_form_in_vietnamese(client: FlaskClient,
                                                              world: World) -> None:
    login(client, "admin")
    csv = b"code,name_vi,unit_type,parent_code\nC,,commune,ZZ\n"
    response = client.post("/admin/units", data={
        "units-csrf_token": _token(client), "units-file": (io.BytesIO(csv), "donvi.csv")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    problems = _problems_section(html, "units")
    assert "Chưa nhập gì: tệp có 2 lỗi." in problems
    assert "donvi.csv, dòng 2, cột “name_vi”: đang để trống" in problems
    assert "cột “parent_code”: không có đơn vị nào mang mã 'ZZ'" in problems
    assert "is empty" not in html and "unknown unit" not in html
    # Beside the units form: before the next section, and the form posts to its own anchor.
    assert html.index('id="problems-units"') < html.index('id="import-dossiers"')
    assert 'action="/admin/units#import-units"' in html


def test_dossier_import__missing_columns__named_in_vietnamese(client: FlaskClient,
                                                             world: World) -> None:
    login(client, "admin")
    bad = b"unit|field|period|count\nA|HT|2026-05|120\n"
    response = client.post("/admin/dossiers", data={
        "dossiers-csrf_token": _token(client),
        "dossiers-file": (io.BytesIO(bad), "counts.csv")}, content_type="multipart/form-data")
    problems = _problems_section(response.get_data(as_text=True), "dossiers")
    # One problem naming the separator, not four "missing column" lines.
    assert "counts.csv, dòng 1: dòng tiêu đề chỉ là một cột có ký tự '|'" in problems
    assert "thiếu cột bắt buộc" not in problems


def test_dossier_import__problems_in_the_interface_language(client: FlaskClient,
                                                            world: World) -> None:
    login(client, "admin")
    client.get("/lang/en?next=/admin/")
    bad = b"unit,field,period,count\nA,HT,2026-13,1.5\n"
    response = client.post("/admin/dossiers", data={
        "dossiers-csrf_token": _token(client),
        "dossiers-file": (io.BytesIO(bad), "counts.csv")}, content_type="multipart/form-data")
    problems = _problems_section(response.get_data(as_text=True), "dossiers")
    assert ("counts.csv, line 2, column “period”: period '2026-13' is not written YYYY, "
            "YYYY-Qn or YYYY-MM") in problems
    assert "'1.5' is not a whole number of dossiers" in problems
    assert "không" not in problems
