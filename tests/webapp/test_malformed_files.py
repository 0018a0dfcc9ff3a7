"""Malformed import files and survey definitions: refused whole, with the line at fault.

Complements tests/webapp/test_imports.py (bad values, missing columns, latin-1) and
tests/survey_defs/test_broken_definitions.py (schema errors, duplicate keys, alias bombs) with
what arrives by accident: NUL and control bytes, byte-order marks, UTF-16, cut-off quotes,
oversized files. Nothing is stored from a refused file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import survey_defs
from survey_defs import DefinitionError, load_definition
from survey_defs.load import MAX_DEFINITION_BYTES
from tests.webapp.db_snapshot import snapshot
from webapp import csv_input
from webapp.administration.surveys import PublishError, publish_definition
from webapp.administration.units import import_units
from webapp.csv_input import ImportRejected

HEADER = b"code,name_vi,unit_type,parent_code\nG,T\xe1\xbb\x89nh t\xe1\xbb\x91t,province,\n"
SIPAS = (Path(survey_defs.__file__).parent / "sipas.yaml").read_bytes()


@pytest.mark.parametrize(("body", "expected"), [
    (b"C,X\xc3\xa3 \x00A,commune,G\n", "f.csv:3: column 'name_vi': contains a control character"),
    (b"C\x07,Xa,commune,G\n", "f.csv:3: column 'code': contains a control character"),
    (b'C,"Xa,commune,G\nD,Xb,commune,G\n', "f.csv:4: unreadable CSV: unexpected end of data"),
    (b"C,Xa,commune\n", "f.csv:3: has 3 fields; the header has 4"),
    (b"C,X\xe0,commune,G\n", "f.csv:3: the file is not UTF-8 (byte 0xe0"),
])
def test_units_csv__malformed__refused_whole_with_line(session: Session, tmp_path: Path,
                                                       body: bytes, expected: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + body)
    before = snapshot(session)
    with pytest.raises(ImportRejected) as info:
        import_units(session, path)
    assert expected in str(info.value)
    assert snapshot(session) == before  # the good province line G is not stored either


def test_units_csv__utf16__refused_with_advice(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER.decode().encode("utf-16"))
    with pytest.raises(ImportRejected, match=r"f.csv:1: the file is not UTF-8.*CSV UTF-8"):
        import_units(session, path)


def test_units_csv__bom__accepted_as_excel_writes_it(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER)
    import_units(session, path)
    assert len(snapshot(session)["unit"]) == 1


def test_units_csv__too_large__refused_before_reading(session: Session, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit is 50 MB; a smaller one keeps the test fast and checks the same branch.
    monkeypatch.setattr(csv_input, "MAX_IMPORT_BYTES", 1000)
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b"C,Xa,commune,G\n" * 100)
    with pytest.raises(ImportRejected, match="f.csv:1: the file is 1.* bytes; the limit is 1000"):
        import_units(session, path)


def _definition(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_bytes(data)
    return path


def _line_of(data: bytes, needle: bytes) -> int:
    return data[:data.index(needle)].count(b"\n") + 1


@pytest.mark.parametrize("byte", [b"\x00", b"\x07", b"\x1b"])
def test_definition__control_character__line_given(tmp_path: Path, byte: bytes) -> None:
    data = SIPAS.replace(b"key: sipas", b"key: si" + byte + b"pas")
    with pytest.raises(DefinitionError) as info:
        load_definition(_definition(tmp_path, data))
    problem = info.value.problems[0]
    assert problem.code == "HL100" and problem.line == _line_of(data, b"key: si")
    assert f"U+{byte[0]:04X}" in problem.message


def test_definition__not_utf8__line_of_the_byte(tmp_path: Path) -> None:
    data = SIPAS.replace(b"key: sipas", b"key: sipas  # caf\xe9 (latin-1)")
    with pytest.raises(DefinitionError) as info:
        load_definition(_definition(tmp_path, data))
    problem = info.value.problems[0]
    assert problem.code == "HL108" and "byte 0xe9 is not UTF-8" in problem.message
    assert problem.line == _line_of(data, b"key: sipas") > 1


def test_definition__utf16__refused(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="HL108.*not UTF-8"):
        load_definition(_definition(tmp_path, SIPAS.decode().encode("utf-16")))


def test_definition__bom__same_definition_same_hash(tmp_path: Path) -> None:
    plain = load_definition(_definition(tmp_path, SIPAS)).definition
    marked = load_definition(_definition(tmp_path, b"\xef\xbb\xbf" + SIPAS)).definition
    assert marked.content_hash == plain.content_hash


def test_definition__too_large__refused_before_parsing(tmp_path: Path) -> None:
    data = SIPAS + b"#" + b"x" * MAX_DEFINITION_BYTES
    with pytest.raises(DefinitionError, match=f"HL108.*bytes; a definition may have "
                                              f"{MAX_DEFINITION_BYTES}"):
        load_definition(_definition(tmp_path, data))


def test_definition__too_long_text__refused(tmp_path: Path) -> None:
    text = SIPAS.decode() + "#" + "x" * MAX_DEFINITION_BYTES
    with pytest.raises(DefinitionError, match="characters; a definition may have"):
        load_definition("upload.yaml", text=text)


def test_publish__malformed__nothing_stored(session: Session, tmp_path: Path) -> None:
    before = snapshot(session)
    for data in (SIPAS.replace(b"key: sipas", b"key: si\x00pas"),
                 SIPAS.replace(b"key: sipas\n", b"key: sipas\nkey: other\n")):
        with pytest.raises(PublishError, match="was not published"):
            publish_definition(session, _definition(tmp_path, data))
    assert snapshot(session) == before
