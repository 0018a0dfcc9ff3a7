"""The unit page: the numbers equal those of analysis/ for the same data, weakest criteria
first, honest warnings, clear changes only, children compared; API and CLI agree with it."""

from __future__ import annotations

import io
import json
import re

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.units import unit_results
from tests.webapp.staff_helpers import PERIOD, World, build_world, login
from webapp.cli import main
from webapp.models import Unit
from webapp.statistics.microdata import load_dossier_counts, load_responses
from webapp.survey_versions import latest_version, load_version
from webapp.unit_tree import subtree_ids, unit_parents

URL = "/staff/units/{u}?survey=sipas&period=" + PERIOD


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, responses_per_unit=40)


def _pct(value: float) -> str:
    """A share as Vietnamese writes it: one decimal, a decimal comma (80,9%)."""
    return f"{value * 100:.1f}%".replace(".", ",")


def _direct(session: Session, code: str):  # type: ignore[no-untyped-def]
    """The same indices straight from analysis/, without the webapp's services."""
    unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
    ids = subtree_ids(session, unit_id)
    responses = load_responses(session, "sipas", PERIOD, ids)
    dossiers = load_dossier_counts(session, PERIOD, ids)
    spec = load_version(latest_version(session, "sipas")).scoring_spec()
    inside = set(responses["unit"]) | {code}
    parents = {c: p for c, p in unit_parents(session).items() if c in inside and p in inside}
    return unit_results(responses, spec, dossiers=dossiers, parents=parents, unmatched="drop")


def _criteria_values(html: str) -> list[float]:
    section = html.split('id="h-fix"')[1].split("</table>")[0]
    body = section.split("<tbody>")[1]
    shares = re.findall(r'<td class="num">([0-9,]+)%</td>', body)
    return [float(v.replace(",", ".")) for v in shares]


def test_unit_page__headline_equals_analysis(client: FlaskClient, world: World,
                                             session: Session) -> None:
    login(client, "viewer")
    html = client.get(URL.format(u="A")).get_data(as_text=True)
    direct = _direct(session, "A")
    overall = direct[(direct["unit"] == "A") & (direct["scope"] == "subtree")
                     & (direct["index_id"] == "overall")].iloc[0]
    assert f'<p class="big">{_pct(overall["estimate"])}</p>' in html
    assert _pct(overall["ci_low"]) in html and _pct(overall["ci_high"]) in html
    assert f"{int(overall['n'])} người trả lời" in html


def test_unit_page__criteria_weakest_first(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    values = _criteria_values(client.get(URL.format(u="A")).get_data(as_text=True))
    assert len(values) == 19
    assert values == sorted(values)


def test_unit_page__small_unit__plain_warning(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    html = client.get(URL.format(u="A1")).get_data(as_text=True)
    assert "Ít người dân trả lời trong kỳ này" in html


def test_unit_page__sharp_fall__flagged_clear(client: FlaskClient, world: World) -> None:
    login(client, "manager_b")
    html = client.get(URL.format(u="B")).get_data(as_text=True)
    assert "Thay đổi rõ rệt so với kỳ Tháng 4/2026" in html
    assert "giảm rõ rệt" in html


def test_unit_page__stable_unit__no_clear_change_claimed(client: FlaskClient,
                                                       world: World) -> None:
    login(client, "viewer")
    html = client.get(URL.format(u="A")).get_data(as_text=True)
    assert "Thay đổi rõ rệt" not in html or "Không có thay đổi rõ rệt" in html


def test_province_page__children_expectations_trend_with_tables(client: FlaskClient,
                                                                world: World) -> None:
    login(client, "admin")
    html = client.get(URL.format(u="P")).get_data(as_text=True)
    children = html.split('id="h-children"')[1].split("</section>")[0]
    assert "Xã An" in children and "Xã Bình" in children and "<svg" in children
    assert 'id="h-exp"' in html and "Tỷ lệ người dân mong muốn cải thiện rất nhiều" in html
    trend = html.split('id="h-trend"')[1].split("</section>")[0]
    # The interval band is the translucent area matplotlib draws under the trend line.
    assert "Tháng 4/2026" in trend and "Tháng 5/2026" in trend and 'fill-opacity="0.18"' in trend
    assert html.count('<svg class="chart" role="img"') >= 4 and html.count("<table") >= 5
    assert html.count("<title id=") == html.count("<desc id=") >= 4
    assert "cdn" not in html.lower() and "<script" not in html


def test_unit_page__english(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    html = client.get(URL.format(u="A") + "&lang=en").get_data(as_text=True)
    assert "What to fix first" in html and "95% interval" in html


def test_unit_page__bad_period__400(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    assert client.get("/staff/units/A?survey=sipas&period=2026-13").status_code == 400
    assert client.get("/staff/units/A?survey=nope&period=2026-05").status_code == 404


def test_api_and_cli__same_numbers_as_page(client: FlaskClient, runner: FlaskCliRunner,
                                           world: World) -> None:
    login(client, "viewer")
    html = client.get(URL.format(u="A")).get_data(as_text=True)
    body = client.get(f"/api/v1/indices?survey=sipas&period={PERIOD}&unit=A").get_json()
    row = next(r for r in body["results"] if r["unit"] == "A" and r["scope"] == "subtree"
               and r["index_id"] == "overall")
    assert f'<p class="big">{_pct(row["estimate"])}</p>' in html
    result = runner.invoke(main, ["indices", "--survey", "sipas", "--period", PERIOD,
                                  "--unit", "A"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == body
    csv_out = runner.invoke(main, ["indices", "--survey", "sipas", "--period", PERIOD,
                                   "--unit", "A", "--format", "csv"]).output
    assert csv_out.splitlines()[0].startswith("unit,period,scope,index_id")
    assert len(csv_out.splitlines()) == len(body["results"]) + 1


def test_spreadsheet__same_numbers_as_page(client: FlaskClient, world: World) -> None:
    from openpyxl import load_workbook

    login(client, "viewer")
    html = client.get(URL.format(u="A")).get_data(as_text=True)
    response = client.get(f"/staff/units/A/report.xlsx?survey=sipas&period={PERIOD}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    headline = list(book["Chỉ số chung"].iter_rows(values_only=True))
    assert headline[1][0] == "Chỉ số chung"
    assert f'<p class="big">{_pct(headline[1][1])}</p>' in html
    criteria = [r[1] for r in list(book["Tiêu chí"].iter_rows(values_only=True))[1:]]
    assert len(criteria) == 19 and criteria == sorted(criteria)
    # Shares stay numbers, shown as percentages (80,9% under a Vietnamese locale).
    assert book["Chỉ số chung"]["B2"].number_format == "0.0%"
    criteria_sheet = book["Tiêu chí"]
    assert criteria_sheet["D3"].number_format == "0.0%"  # upper end of the interval
    assert criteria_sheet["E3"].number_format == "0"  # n stays a count


def test_pdf_report__official_document_with_the_headline(client: FlaskClient, world: World) -> None:
    login(client, "viewer")
    response = client.get(f"/staff/units/A/report.pdf?survey=sipas&period={PERIOD}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and response.data.count(b"/Type /Page\n") + \
        response.data.count(b"/Type /Page ") >= 1
    assert client.get(f"/staff/units/A/report.doc?survey=sipas&period={PERIOD}"
                      ).status_code == 404
    import unicodedata

    import pypdfium2

    pdf = pypdfium2.PdfDocument(response.data)
    text = unicodedata.normalize("NFC", pdf[0].get_textpage().get_text_range())
    pdf.close()
    # Diacritics survive: the unit's Vietnamese name and Vietnamese headings come back intact.
    unit_name = session_unit_name(client, "A")
    assert unit_name in text
    assert any(word in text for word in ("Chỉ số", "hài lòng", "Khoảng tin cậy"))


def session_unit_name(client: FlaskClient, code: str) -> str:
    """The Vietnamese name of unit ``code`` (read through the app's own engine)."""
    from sqlalchemy import select

    from webapp.models import Unit

    maker = client.application.extensions["hailong.sessionmaker"]
    with maker() as db:
        return db.scalar(select(Unit.name_vi).where(Unit.code == code))
