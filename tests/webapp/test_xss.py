"""Hostile text in every place people can write it, shown back escaped everywhere.

Comments, replies, unit and counter names, action plans, the unit's public note and user
e-mails carry a payload that breaks out of elements and attributes, runs script, is TeX for
matplotlib and a formula for spreadsheets. HTML pages escape it, the PDF prints it as text,
XLSX keeps it a string, CSV neutralises it, JSON is served as JSON with nosniff.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pypdfium2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.webapp.staff_helpers import PERIOD, World, build_world, login
from webapp.export.labels import Variable
from webapp.export.writers import CsvWriter
from webapp.models import ActionPlan, Comment, Counter, Unit, UnitPublication, User
from webapp.respond.tokens import sign_counter_token
from webapp.spreadsheet_safety import neutralise

SCRIPT = "<script>alert(1)</script>"
PAYLOAD = f'"><img src=x onerror=alert(1)>{SCRIPT} $\\frac{{1}}{{$ =HYPERLINK("http://x.invalid")'
RAW = (SCRIPT, "<img src=x", '"><img')
Q = f"survey=sipas&period={PERIOD}"


@pytest.fixture
def hostile(session: Session) -> World:
    world = build_world(session, responses_per_unit=12)
    for code in ("A", "A1"):
        unit = session.get(Unit, world.units[code])
        unit.name_vi = unit.name_en = f"{code} {PAYLOAD}"
    comment = session.get(Comment, world.comments["A"])
    comment.body, comment.reply = PAYLOAD, PAYLOAD
    session.add(ActionPlan(unit_id=world.units["A"], survey_key="sipas", index_id="c9.r17",
                           baseline_period=PERIOD, owner=PAYLOAD,
                           deadline=dt.date(2026, 6, 30), description=PAYLOAD))
    session.add(UnitPublication(unit_id=world.units["A"], published=True, note_vi=PAYLOAD))
    session.get(Counter, world.counters["A"]).name_vi = PAYLOAD
    viewer = session.scalar(select(User).where(User.email == "viewer.a@t.vn"))
    viewer.email = 'x"><script>alert(1)</script>@t.vn'
    session.commit()
    return world


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, (where, raw)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, where  # shown, as text


def test_staff_pages__escape_every_hostile_text(client: FlaskClient, hostile: World) -> None:
    login(client, "admin")
    for path in ("/staff/", f"/staff/units/A?{Q}", f"/staff/units/A/actions?{Q}",
                 "/staff/comments/", "/staff/comments/?unit=A", "/admin/",
                 "/admin/units/A/counters"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_escaped(response.get_data(as_text=True), path)


def test_public_pages__escape_unit_name_and_note(app: Flask, client: FlaskClient,
                                                hostile: World, session: Session) -> None:
    counter = session.get(Counter, hostile.counters["A"])
    token = sign_counter_token(counter, app.config)
    for path in ("/public/units/A", f"/s/{token}", f"/s/{token}/done"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_escaped(response.get_data(as_text=True), path)


def test_pdf_report__prints_the_text_literally(client: FlaskClient, hostile: World) -> None:
    login(client, "admin")
    response = client.get(f"/staff/units/A/report.pdf?{Q}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.get_data())
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    squeezed = "".join(text.split())
    assert "".join(f"A {PAYLOAD}".split()) in squeezed  # "$" drawn as "$", not as TeX


def test_poster__hostile_counter_name_drawn(client: FlaskClient, hostile: World) -> None:
    login(client, "admin")
    response = client.get(f"/admin/counters/{hostile.counters['A']}/poster.pdf")
    assert response.status_code == 200


def test_xlsx_report__names_stay_text(client: FlaskClient, hostile: World) -> None:
    login(client, "admin")
    response = client.get(f"/staff/units/A/report.xlsx?{Q}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for sheet in book for row in sheet.iter_rows()
                   for c in row)


def test_json__served_as_json_with_nosniff(client: FlaskClient, hostile: World) -> None:
    login(client, "admin")
    response = client.get(f"/api/v1/indices?{Q}&unit=A")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("text", "safe"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("-5", "-5"), ("+84 912", "'+84 912"), ("3.5", "3.5"), ("Cần thêm ghế", "Cần thêm ghế"),
    ("a=b", "a=b"), ("", ""),
])
def test_neutralise__formula_starts_only(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_csv_export__formula_cells_neutralised(tmp_path) -> None:  # type: ignore[no-untyped-def]
    variables = [Variable("id", {"vi": "id"}, "id", kind="string"),
                 Variable("comment", {"vi": "Ý kiến"}, "text", kind="string"),
                 Variable("q1", {"vi": "Câu 1"}, "answer", kind="numeric", measure="scale")]
    writer = CsvWriter(tmp_path / "x.csv", variables, "vi")
    writer.write(pd.DataFrame({"id": ["r1", "r2"], "comment": ['=HYPERLINK("http://x")',
                                                                "@cmd"],
                               "q1": [-1.5, 2.0]}))
    writer.close()
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[1].split(",", 1)[1].startswith("\"'=HYPERLINK") and lines[1].endswith(",-1.5")
    assert lines[2] == '"r2","\'@cmd",2'
