"""XLSForm export: the workbook converts with pyxform, with translations and skip logic."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from survey_defs import SHIPPED_DIR, load_definition
from survey_defs import expressions as ex
from survey_defs.xlsform import to_xpath, write_xlsform


@pytest.mark.parametrize("path", sorted(SHIPPED_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_export__converts_with_pyxform(path: Path, tmp_path: Path) -> None:
    definition = load_definition(path).definition
    out = write_xlsform(definition, tmp_path / f"{definition.key}.xlsx")
    warnings: list[str] = []
    result = convert(xlsform=str(out), warnings=warnings)
    assert "<h:html" in result.xform
    assert warnings == []


def test_export__sheets_columns_and_relevant(tmp_path: Path) -> None:
    definition = load_definition(SHIPPED_DIR / "sipas.yaml").definition
    book = load_workbook(write_xlsform(definition, tmp_path / "sipas.xlsx"))
    assert book.sheetnames == ["survey", "choices", "settings"]
    rows = list(book["survey"].iter_rows(values_only=True))
    header = rows[0]
    assert "label::Vietnamese (vi)" in header and "label::English (en)" in header
    by_name = {r[header.index("name")]: dict(zip(header, r, strict=False)) for r in rows[1:]
               if r[0] != "end_group"}
    assert by_name["c9_fb"]["type"] == "begin_group"
    assert by_name["c9_fb"]["relevant"] == "${exp_feedback} = 1"
    assert by_name["c9_r15"]["type"] == "select_one sat5"
    assert by_name["comment"]["constraint"] == "string-length(.) <= 1000"
    result = convert(xlsform=str(tmp_path / "sipas.xlsx"))
    assert "Rất hài lòng" in result.xform and "Very satisfied" in result.xform


@pytest.mark.parametrize(
    ("text", "xpath"),
    [
        ("a == 1", "${a} = 1"),
        ("a != 1", "(${a} != '' and ${a} != 1)"),
        ("a in [1, 2]", "(${a} = 1 or ${a} = 2)"),
        ("a not in [1]", "(${a} != '' and not(${a} = 1))"),
        ("answered(g.r1) and not (b >= 2)", "(${g_r1} != '' and not(${b} >= 2))"),
        ("selected(t, 3) or count(t) > 1", "(selected(${t}, '3') or count-selected(${t}) > 1)"),
    ],
)
def test_to_xpath__cases(text: str, xpath: str) -> None:
    assert to_xpath(ex.parse(text)) == xpath
