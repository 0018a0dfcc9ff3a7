"""Scorecard versions, point tables and official results: accepted whole or refused whole."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_defs import DefinitionError
from tests.webapp.par_index_helpers import CARD, add_units, publish_card, write
from webapp.csv_input import ImportRejected
from webapp.models import AuditEntry, OfficialResult, ScorecardPoint
from webapp.par_index.official import import_official
from webapp.par_index.scorecards import (
    ScorecardConflict,
    import_points,
    publish_scorecard,
    scorecard_of,
)

HEADER = "index,year,unit_code,component,score,maximum,rank,out_of,source\n"
OFFICIAL_OK = HEADER + (
    "PAR_INDEX,2022,DNO,,84.66,100,37,63,Báo cáo BNV 2023 (S11)\n"
    'PAR_INDEX,2022,DNO,"Công tác chỉ đạo, điều hành CCHC",8.94,,30,63,S11\n'
    "SIPAS,2023,XA1,,\"82,5\",100,,,Báo cáo 87/BC-SNV ngày 23/4/2024\n"
    "PCI,2024,DNO,,65.08,100,54,63,secondary G8\n")


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_publish__same_text_twice_is_one_version__changed_text_refused(
        session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, CARD.format(version="v1", year=2024), "c.yaml")
    first = publish_scorecard(session, path)
    assert publish_scorecard(session, path).id == first.id
    changed = write(tmp_path, CARD.format(version="v1", year=2024).replace(
        "Hồ sơ đúng hạn", "Hồ sơ giải quyết đúng hạn"), "c2.yaml")
    with pytest.raises(ScorecardConflict):
        publish_scorecard(session, changed)
    broken = write(tmp_path, CARD.format(version="v2", year=1890), "c3.yaml")
    with pytest.raises(DefinitionError) as info:
        publish_scorecard(session, broken)
    assert info.value.problems[0].code == "HL712"


def test_points__complete_table__stored_and_applied(session: Session, tmp_path: Path) -> None:
    version = publish_card(session, tmp_path)
    card = scorecard_of(session, version)
    assert card.item("1.2").max_points == Decimal(4)
    assert sum(d.max_points or 0 for d in card.domains) == card.total_points == 10


@pytest.mark.parametrize(("rows", "expected"), [
    ({"1": "6", "1.1": "2", "1.2": "4", "2": "4", "2.1": "5"},
     ["points.csv:5: column 'max_points': the parts of '2' add up to 5, not 4"]),
    ({"1": "6", "1.1": "2", "1.2": "4", "2": "5", "2.1": "5"},
     ["points.csv:1: column 'max_points': the domains add up to 11, not 10"]),
    ({"1": "6", "1.1": "2", "1.2": "4", "2": "4"},
     ["points.csv:1: column 'item_code': item '2.1' has no maximum points"]),
    ({"1": "6", "1.1": "2", "1.2": "bốn", "2": "4", "2.1": "4"},
     ["points.csv:4: column 'max_points': 'bốn' is not a number"]),
    ({"1": "6", "1.1": "2", "1.2": "4", "2": "4", "2.1": "4", "3": "1"},
     ["points.csv:7: column 'max_points': '3' is not an item of test_xa test-2024"]),
])
def test_points__bad_table__refused_whole_with_line(session: Session, tmp_path: Path,
                                                    rows: dict[str, str],
                                                    expected: list[str]) -> None:
    publish_scorecard(session, write(tmp_path, CARD.format(version="test-2024", year=2024),
                                     "c.yaml"))
    text = "scorecard,version,item_code,max_points\n" + "".join(
        f"test_xa,test-2024,{c},{v}\n" for c, v in rows.items())
    path = write(tmp_path, text, "points.csv")
    with pytest.raises(ImportRejected) as info:
        import_points(session, path)
    assert [p.format("points.csv") for p in info.value.problems] == expected
    assert count(session, ScorecardPoint) == 0


def test_official_import__valid__stored_then_reimport_replaces(session: Session,
                                                                tmp_path: Path) -> None:
    add_units(session, tmp_path)
    report = import_official(session, write(tmp_path, OFFICIAL_OK, "official.csv"))
    assert (report.created, report.updated) == (4, 0)
    par = session.scalar(select(OfficialResult).where(
        OfficialResult.index_key == "PAR_INDEX", OfficialResult.component == ""))
    assert par is not None
    assert (par.score, par.maximum, par.rank, par.out_of) == (Decimal("84.66"), 100, 37, 63)
    sipas = session.scalar(select(OfficialResult).where(OfficialResult.index_key == "SIPAS"))
    assert sipas is not None and sipas.score == Decimal("82.5") and sipas.rank is None
    again = import_official(session, write(tmp_path, OFFICIAL_OK.replace("84.66", "84.70"),
                                           "official2.csv"))
    assert (again.created, again.updated) == (0, 4)
    assert count(session, OfficialResult) == 4
    session.expire_all()
    assert par.score == Decimal("84.7")
    assert count(session, AuditEntry) >= 2


BAD_ROWS = [
    ("PAR INDEX,2022,DNO,,84.66,100,37,63,S11", "column 'index': 'PAR INDEX' is not an index"),
    ("PAR_INDEX,22,DNO,,84.66,100,37,63,S11", "column 'year': '22' is not a year"),
    ("PAR_INDEX,2022,NOPE,,84.66,100,37,63,S11", "column 'unit_code': unknown unit 'NOPE'"),
    ("PAR_INDEX,2022,DNO,,tám,100,37,63,S11", "column 'score': 'tám' is not a number"),
    ("PAR_INDEX,2022,DNO,,104,100,37,63,S11", "column 'score': 104 is above the maximum 100"),
    ("PAR_INDEX,2022,DNO,,84.66,100,70,63,S11", "column 'rank': 70 is beyond out_of 63"),
    ("PAR_INDEX,2022,DNO,,84.66,100,37,,S11", "column 'out_of': is empty; a rank needs"),
    ("PAR_INDEX,2022,DNO,,84.66,100,0,63,S11", "column 'rank': '0' is not a whole number"),
    ("PAR_INDEX,2022,DNO,,84.66,100,37,63,", "column 'source': is empty"),
    ("PAR_INDEX,2022,DNO,,84.66,100,37,63,S11", "column 'component': the same index, year, "
     "unit and component is on line 2"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS, ids=[m.split(":")[0] + str(i)
                                                            for i, (_, m) in enumerate(BAD_ROWS)])
def test_official_import__bad_row__nothing_imported(session: Session, tmp_path: Path,
                                                    row: str, message: str) -> None:
    add_units(session, tmp_path)
    text = HEADER + "PAR_INDEX,2022,DNO,,84.66,100,37,63,S11\n" + row + "\n"
    with pytest.raises(ImportRejected) as info:
        import_official(session, write(tmp_path, text, "o.csv"))
    formatted = [p.format("o.csv") for p in info.value.problems]
    assert any(f.startswith(f"o.csv:3: {message}") for f in formatted), formatted
    assert count(session, OfficialResult) == 0


def test_official_import__missing_column__refused_at_header(session: Session,
                                                            tmp_path: Path) -> None:
    path = write(tmp_path, "index,year,unit_code,score\nPAR_INDEX,2022,DNO,84\n", "o.csv")
    with pytest.raises(ImportRejected) as info:
        import_official(session, path)
    assert info.value.problems[0].format("o.csv") == (
        "o.csv:1: column 'source': required column is missing; the header must contain "
        "index, year, unit_code, score, source")


def test_cli__official_and_points__exit_codes_and_messages(runner: FlaskCliRunner,
                                                           session: Session,
                                                           tmp_path: Path) -> None:
    from webapp.cli import main

    add_units(session, tmp_path)
    ok = runner.invoke(main, ["official", "import", str(write(tmp_path, OFFICIAL_OK, "o.csv"))])
    assert ok.exit_code == 0, ok.output
    assert "4 created, 0 updated" in ok.output
    bad = runner.invoke(main, ["official", "import", str(write(
        tmp_path, HEADER + "PAR_INDEX,2022,NOPE,,1,,,,S\n", "bad.csv"))])
    assert bad.exit_code == 1
    assert "bad.csv:2: column 'unit_code': unknown unit 'NOPE'" in bad.output
    card = write(tmp_path, CARD.format(version="test-2024", year=2024), "card.yaml")
    published = runner.invoke(main, ["parindex", "publish", str(card)])
    assert published.exit_code == 0, published.output
    points = write(tmp_path, "scorecard,version,item_code,max_points\n"
                   "test_xa,test-2024,1,6\n", "p.csv")
    refused = runner.invoke(main, ["parindex", "points", str(points)])
    assert refused.exit_code == 1
    assert "p.csv:2: column 'max_points': the domains add up to" not in refused.output
    assert "item '1.1' has no maximum points" in refused.output
    checked = runner.invoke(main, ["parindex", "check"])
    assert checked.exit_code == 0 and "HL791" in checked.output
