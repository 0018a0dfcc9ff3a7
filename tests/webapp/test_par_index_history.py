"""Across the 2025 reorganisation: results stay with the unit that earned them; the successor's
page shows its predecessors' history."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.webapp.par_index_helpers import write
from tests.webapp.staff_helpers import build_world, login
from webapp.administration.units import import_units
from webapp.models import OfficialResult, Unit
from webapp.par_index.history import history
from webapp.par_index.official import import_official
from webapp.unit_tree import predecessors


def test_successor_page__shows_predecessors_history(client: FlaskClient, session: Session,
                                                    tmp_path: Path) -> None:
    build_world(session)
    # Two old communes merged into B in 2025; one of them had itself absorbed an older one.
    import_units(session, write(tmp_path, (
        "code,name_vi,unit_type,parent_code,valid_from,valid_to,successor_code\n"
        "OLD1,Xã Cũ Một,commune,,2010-01-01,2025-06-30,B\n"
        "OLD2,Xã Cũ Hai,commune,,2010-01-01,2025-06-30,B\n"
        "OLDER,Xã Xưa,commune,,2000-01-01,2019-12-31,OLD1\n"), "units.csv"))
    import_official(session, write(tmp_path, (
        "index,year,unit_code,component,score,maximum,rank,out_of,source\n"
        "PAR_INDEX,2023,OLD1,,81.25,100,4,9,QĐ công bố 2024\n"
        "PAR_INDEX,2018,OLDER,,70.5,100,9,9,QĐ công bố 2019\n"
        "PAPI,2023,A,,40.1,80,,,papi.org.vn\n"), "o.csv"))
    b = session.query(Unit).filter_by(code="B").one()
    assert [u.code for u in predecessors(session, b)] == ["OLD1", "OLD2", "OLDER"]
    rows = history(session, b)
    assert [(r.unit.code, r.year, r.score) for r in rows] == [
        ("OLD1", 2023, 81.25), ("OLDER", 2018, 70.5)]
    # The results stay keyed to the unit that earned them.
    assert {r.unit.code for r in session.query(OfficialResult)} == {"OLD1", "OLDER", "A"}
    login(client, "manager_b")
    page = client.get("/staff/parindex/B/2025").get_data(as_text=True)
    assert "Xã Cũ Một" in page and "81,25/100" in page and "4/9" in page
    assert "Xã Xưa" in page and "70,5/100" in page
    assert "40,1" not in page  # commune A's PAPI belongs to A, not to B
