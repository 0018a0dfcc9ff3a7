"""The interviewer's XLSForm converts with pyxform and carries the fieldwork fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from survey_defs import SHIPPED_DIR, load_definition
from survey_defs.field_xlsform import DISPOSITIONS, write_field_xlsform


@pytest.mark.parametrize("name", ["papi.yaml", "sipas.yaml"])
def test_field_form__converts_with_fieldwork_fields(name: str, tmp_path: Path) -> None:
    definition = load_definition(SHIPPED_DIR / name).definition
    out = write_field_xlsform(definition, tmp_path / "form.xlsx")
    warnings: list[str] = []
    xform = convert(xlsform=str(out), warnings=warnings).xform
    assert warnings == []
    for field in ("/respondent_id", "/disposition", "/start", "/end", "/interview"):
        assert field in xform
    assert "Phỏng vấn xong" in xform and "Complete interview" in xform
    rows = list(load_workbook(out)["survey"].iter_rows(values_only=True))
    names = [r[1] for r in rows[1:]]
    assert names[:5] == ["start", "end", "respondent_id", "disposition", "interview"]
    assert rows[-1][:2] == ("end_group", "interview")
    choices = [r for r in load_workbook(out)["choices"].iter_rows(values_only=True)
               if r[0] == "aapor"]
    assert [r[1] for r in choices] == [code for code, _, _ in DISPOSITIONS]


def test_cli_form__writes_the_workbook(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from webapp.fieldwork.cli import fieldwork

    out = tmp_path / "papi.xlsx"
    result = CliRunner().invoke(fieldwork, ["form", "--definition", "papi", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out)["survey"]["B4"].value == "respondent_id"
    result = CliRunner().invoke(fieldwork, ["form", "--definition", "nope", "--out", str(out)])
    assert result.exit_code == 1 and "no survey definition 'nope'" in result.output
