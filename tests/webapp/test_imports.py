"""Units, procedure fields and dossier counts: accepted whole, or rejected whole with lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.administration.dossiers import import_dossier_counts, import_fields
from webapp.administration.units import import_units
from webapp.csv_input import ImportRejected
from webapp.models import DossierCount, ProcedureField, Unit
from webapp.unit_tree import subtree_ids

UNITS_OK = """code,name_vi,name_en,unit_type,parent_code,valid_from,valid_to,successor_code
P1,Tỉnh Một,Province One,province,,2025-07-01,,
C1,Xã Đắk Song,Dak Song,commune,P1,2025-07-01,,
C2,Phường Bắc Gia Nghĩa,,ward,P1,,,
V1,Thôn 1,,village,C1,,,
OLD,Huyện cũ,Old district,district,,2010-01-01,2025-06-30,P1
"""


def write(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_units__valid_tree__stored_with_depth_and_successor(session: Session,
                                                                  tmp_path: Path) -> None:
    report = import_units(session, write(tmp_path, UNITS_OK))
    assert (report.created, report.updated) == (5, 0)
    p1 = session.scalar(select(Unit).where(Unit.code == "P1"))
    v1 = session.scalar(select(Unit).where(Unit.code == "V1"))
    old = session.scalar(select(Unit).where(Unit.code == "OLD"))
    assert v1.parent.parent is p1
    assert old.successor is p1 and str(old.valid_to) == "2025-06-30"
    assert subtree_ids(session, p1.id) == {
        u.id for u in session.scalars(select(Unit).where(Unit.code.in_(["P1", "C1", "C2", "V1"])))
    }


def test_import_units__decomposed_diacritics__stored_nfc(session: Session, tmp_path: Path) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Xã Đắk Song")
    import_units(session, write(tmp_path, f"code,name_vi,unit_type\nC9,{nfd},commune\n"))
    stored = session.scalar(select(Unit.name_vi).where(Unit.code == "C9"))
    assert stored == unicodedata.normalize("NFC", "Xã Đắk Song")


def test_import_units__reimport__updates_not_duplicates(session: Session, tmp_path: Path) -> None:
    import_units(session, write(tmp_path, UNITS_OK))
    report = import_units(session, write(tmp_path, UNITS_OK.replace("Tỉnh Một", "Tỉnh Mới")))
    assert (report.created, report.updated) == (0, 5)
    assert count(session, Unit) == 5


# The header is line 1 and a good row line 2, so each body starts at line 3.
@pytest.mark.parametrize(("body", "expected"), [
    ("A,Xã A,commune,NOPE\n", ["f.csv:3: column 'parent_code': unknown unit code 'NOPE'"]),
    ("A,Xã A,commune,\nA,Xã B,commune,\n", ["f.csv:4: column 'code': duplicate code 'A', "
                                            "first on line 3"]),
    ("A,Xã A,commune,B\nB,Xã B,commune,A\n",
     ["f.csv:3: column 'parent_code': unit 'A' is its own",
      "f.csv:4: column 'parent_code': unit 'B' is its own"]),
    ("A,Xã A,commune,A\n", ["f.csv:3: column 'parent_code': unit 'A' is its own ancestor"]),
    (",Xã A,,\n", ["f.csv:3: column 'code': is empty", "f.csv:3: column 'unit_type': is empty"]),
    ("A,Xã A,commune\n", ["f.csv:3: has 3 fields; the header has 4"]),
])
def test_import_units__bad_file__rejected_whole_with_lines(session: Session, tmp_path: Path,
                                                          body: str, expected: list[str]) -> None:
    path = write(tmp_path, "code,name_vi,unit_type,parent_code\nG,Tỉnh tốt,province,\n" + body)
    with pytest.raises(ImportRejected) as info:
        import_units(session, path)
    for fragment in expected:
        assert fragment in str(info.value)
    assert count(session, Unit) == 0


def test_import_units__missing_column__named(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="f.csv:1: column 'unit_type': required column"):
        import_units(session, write(tmp_path, "code,name_vi\nA,Xã A\n"))


def test_import_units__latin1_file__rejected_with_advice(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "code,name_vi,unit_type\nA,Thôn Đông,commune\n", encoding="cp1258")
    with pytest.raises(ImportRejected, match=r"f.csv:2: the file is not UTF-8.*CSV UTF-8"):
        import_units(session, path)


def test_import_units__bad_dates__line_and_column(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "code,name_vi,unit_type,valid_from,valid_to\n"
                           "A,Xã A,commune,2025-13-01,\nB,Xã B,commune,2025-07-01,2024-01-01\n")
    with pytest.raises(ImportRejected) as info:
        import_units(session, path)
    assert "f.csv:2: column 'valid_from': '2025-13-01' is not a date" in str(info.value)
    assert "f.csv:3: column 'valid_to': 2024-01-01 is before valid_from" in str(info.value)


@pytest.fixture
def units_and_fields(session: Session, tmp_path: Path) -> Session:
    import_units(session, write(tmp_path, UNITS_OK, "units.csv"))
    import_fields(session, write(tmp_path, "code,name_vi,name_en\nHT,Hộ tịch,Civil status\n"
                                           "DD,Đất đai,Land\n", "fields.csv"))
    return session


def test_import_dossiers__valid__stored_and_reimport_replaces(units_and_fields: Session,
                                                             tmp_path: Path) -> None:
    session = units_and_fields
    body = "unit,field,period,count\nC1,HT,2026-01,120\nC1,DD,2026-01,15\nC2,HT,2026-Q1,300\n"
    report = import_dossier_counts(session, write(tmp_path, body))
    assert (report.created, report.replaced) == (3, 0)
    report = import_dossier_counts(session, write(tmp_path, body.replace("120", "125")))
    assert (report.created, report.replaced) == (0, 3)
    stored = session.scalars(select(DossierCount.dossiers).order_by(DossierCount.dossiers)).all()
    assert stored == [15, 125, 300]


def test_import_dossiers__every_problem_listed__nothing_stored(units_and_fields: Session,
                                                              tmp_path: Path) -> None:
    session = units_and_fields
    body = ("unit,field,period,count\n"
            "C1,HT,2026-01,120\n"       # line 2: fine
            "ZZ,HT,2026-01,5\n"         # line 3: unknown unit
            "C1,XX,2026-01,5\n"         # line 4: unknown field
            "C1,HT,2026-13,5\n"         # line 5: bad period
            "C1,DD,2026-02,-4\n"        # line 6: negative count
            "C1,DD,2026-03,1.5\n"       # line 7: not whole
            "C1,HT,2026-01,7\n")        # line 8: duplicate of line 2
    with pytest.raises(ImportRejected) as info:
        import_dossier_counts(session, write(tmp_path, body))
    lines = [line.removeprefix(str(tmp_path) + "/") for line in str(info.value).splitlines()]
    assert lines == [
        "f.csv:3: column 'unit': unknown unit code 'ZZ'",
        "f.csv:4: column 'field': unknown procedure field code 'XX'",
        "f.csv:5: column 'period': period '2026-13' is not written YYYY, YYYY-Qn or YYYY-MM "
        "(e.g. 2026, 2026-Q3, 2026-07)",
        "f.csv:6: column 'count': '-4' is not a whole number of dossiers (0 or more, "
        "no separators)",
        "f.csv:7: column 'count': '1.5' is not a whole number of dossiers (0 or more, "
        "no separators)",
        "f.csv:8: duplicate of line 2 (unit C1, field HT, period 2026-01)",
    ]
    assert count(session, DossierCount) == 0


def test_cli_imports__bad_file__exit_1_and_message(runner: FlaskCliRunner, tmp_path: Path) -> None:
    from webapp.cli import main

    good = write(tmp_path, UNITS_OK, "units.csv")
    result = runner.invoke(main, ["units", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "units: 5 created, 0 updated" in result.output
    bad = write(tmp_path, "unit,field,period\nC1,HT,2026-01\n", "bad.csv")
    # The command line words problems in the locale's language when there is a catalogue for
    # it, with the code to look them up; Vietnamese otherwise.
    result = runner.invoke(main, ["dossiers", "import", str(bad)], env={"LC_ALL": "en_US.UTF-8"})
    assert result.exit_code == 1
    assert "bad.csv:1: column “count”: HL805 required column is missing" in result.output
    assert "1 problem(s); nothing was imported" in result.output
    result = runner.invoke(main, ["dossiers", "import", str(bad)], env={"LC_ALL": "C.UTF-8"})
    assert result.exit_code == 1
    assert ("bad.csv:1: cột “count”: HL805 thiếu cột bắt buộc; dòng tiêu đề phải có các cột "
            "unit, field, period, count") in result.output
    assert "1 lỗi; chưa nhập gì." in result.output


def test_import_problems__carry_code_and_parameters(units_and_fields: Session,
                                                    tmp_path: Path) -> None:
    body = ("unit,field,period,count\nZZ,HT,2026-01,5\nC1,HT,2026-13,1.5\n")
    with pytest.raises(ImportRejected) as info:
        import_dossier_counts(units_and_fields, write(tmp_path, body))
    found = [(p.line, p.column, p.code, dict(p.params)) for p in info.value.problems]
    assert found == [(2, "unit", "HL814", {"code": "ZZ"}),
                     (3, "count", "HL816", {"value": "1.5"}),
                     (3, "period", "HL822", {"value": "2026-13"})]


@pytest.mark.parametrize("header", ["unit|field|period|count", "unit\tfield\tperiod\tcount"])
def test_read_csv__other_separator__named_once(tmp_path: Path, header: str) -> None:
    from webapp.csv_input import read_csv

    path = write(tmp_path, header + "\nA|HT|2026-05|1\n")
    table = read_csv(path, ["unit", "field", "period", "count"])
    assert [(p.line, p.code) for p in table.problems] == [(1, "HL810")]
    assert dict(table.problems[0].params)["separator"] in ("|", "Tab")


def test_import_fields__duplicate__rejected(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="f.csv:3: column 'code': duplicate code 'HT'"):
        import_fields(session, write(tmp_path, "code,name_vi\nHT,Hộ tịch\nHT,Hộ tịch 2\n"))
    assert count(session, ProcedureField) == 0


# Issue 21, finding 10: one syntax for unit codes, with file:line and column.
@pytest.mark.parametrize("code", ['EV"IL;x=1', "a b", "-x", "x/y", "é", "x" * 41, "A\\B"])
def test_import_units__code_outside_the_syntax__refused_with_line(session: Session,
                                                                  tmp_path: Path,
                                                                  code: str) -> None:
    from webapp.models import Unit

    quoted = '"' + code.replace('"', '""') + '"'
    path = write(tmp_path, f"code,name_vi,unit_type,parent_code\nP,Tỉnh,province,\n"
                           f"{quoted},Xã,commune,P\nC,Xã C,commune,{quoted}\n")
    with pytest.raises(ImportRejected) as info:
        import_units(session, path)
    message = str(info.value)
    assert "f.csv:3: column 'code':" in message and "f.csv:4: column 'parent_code':" in message
    assert session.query(Unit).count() == 0


def test_read_csv__semicolons__read_like_commas(tmp_path: Path) -> None:
    from webapp.csv_input import read_csv

    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffunit;count\r\nA;12\r\nB, C;3\r\n".encode())
    table = read_csv(path, ["unit", "count"])
    assert table.problems == []
    assert [r.values for r in table.rows] == [{"unit": "A", "count": "12"},
                                              {"unit": "B, C", "count": "3"}]


def test_import_codes__every_message_worded_in_vietnamese(app) -> None:  # type: ignore[no-untyped-def]
    import re

    from flask_babel import force_locale

    from webapp.import_codes import ImportCode

    with app.test_request_context(), force_locale("vi"):
        for code in ImportCode:
            params = {name: "X" for name in re.findall(r"%\((\w+)\)s", code.value)}
            assert code.worded(params) != code.english(params), code.name
