"""The administrator's page for official results: loaded whole, or refused with file:line."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import build_world, login, token_in
from webapp.models import OfficialResult

HEADER = b"index,year,unit_code,component,score,maximum,rank,out_of,source\n"


def _post(client: FlaskClient, token: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post("/staff/parindex/official", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), "kq.csv")})


def test_official_page__bad_row_refused_whole__good_file_loaded(client: FlaskClient,
                                                                session: Session) -> None:
    build_world(session)
    login(client, "admin")
    token = token_in(client.get("/staff/parindex/official").get_data(as_text=True))
    bad = _post(client, token, HEADER + b"PAR_INDEX,2024,A,,83.1,100,62,63,G8\n"
                b"PAR_INDEX,2024,NOPE,,1,,,,G8\n")
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Chưa nạp được dữ liệu nào" in page
    assert "kq.csv:3: column &#39;unit_code&#39;: unknown unit &#39;NOPE&#39;" in page
    assert session.query(OfficialResult).count() == 0
    good = _post(client, token, HEADER + b"PAR_INDEX,2024,A,,83.1,100,62,63,G8\n")
    assert good.status_code == 302
    shown = client.get("/staff/parindex/official").get_data(as_text=True)
    assert "thêm mới 1, cập nhật 0" in shown and "83,1/100" in shown and "62/63" in shown
