"""The official SIPAS figure beside hailong's own: difference and whether it is inside the
interval, on the official scale."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reference_indices import compute_indices
from tests.webapp.par_index_helpers import write
from tests.webapp.staff_helpers import build_world, login
from webapp.models import Unit
from webapp.par_index.comparison import compare_with_official
from webapp.par_index.official import import_official
from webapp.statistics import indices_cache
from webapp.statistics.unit_report import unit_rows


def test_official_sipas__beside_own_estimate(client: FlaskClient, session: Session,
                                             tmp_path: Path) -> None:
    indices_cache.clear()
    build_world(session, responses_per_unit=60)
    # The second path: the uncached computation, on hailong's 0-1 scale.
    rows = unit_rows(compute_indices(session, "sipas", "2026", "A").results, "A")
    row = rows[rows["index_id"] == "overall"].iloc[0]
    mid = round(float(row["estimate"]) * 100, 2)
    low, high = float(row["ci_low"]) * 100, float(row["ci_high"]) * 100
    assert high - low > 1  # room for a figure inside and one outside
    import_official(session, write(tmp_path, (
        "index,year,unit_code,component,score,maximum,rank,out_of,source\n"
        f"SIPAS,2026,A,,{mid},100,5,20,Báo cáo SIPAS 2026\n"
        f"SIPAS,2026,B,,{round(high + 5, 2)},100,1,20,Báo cáo SIPAS 2026\n"
        "PCI,2026,A,,65.08,100,54,63,VCCI\n"), "o.csv"))
    a = session.query(Unit).filter_by(code="A").one()
    found = compare_with_official(session, a, 2026)
    assert [c.official.index_key for c in found] == ["SIPAS"]  # PCI is not measured here
    assert found[0].inside is True and abs(found[0].difference) <= Decimal("0.01")
    assert found[0].n == int(row["n"])
    b = session.query(Unit).filter_by(code="B").one()
    rows_b = unit_rows(compute_indices(session, "sipas", "2026", "B").results, "B")
    high_b = float(rows_b[rows_b["index_id"] == "overall"].iloc[0]["ci_high"]) * 100
    other = compare_with_official(session, b, 2026)[0]
    assert high_b < round(high + 5, 2)  # B's citizens rate lower than A's (seeded data)
    assert other.inside is False and other.difference < 0
    login(client, "manager")
    page = client.get("/staff/parindex/A/2026").get_data(as_text=True)
    assert "Số liệu chính thức bên cạnh kết quả hailong tự đo" in page
