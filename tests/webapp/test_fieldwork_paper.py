"""Paper forms: one per sampled respondent, a scannable form code on every answer page, the
address only on the separable cover sheet."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from tests.webapp.fieldwork_helpers import PHONE, setup_field
from webapp.cli import main
from webapp.fieldwork.paper import check_digits, form_code, respondent_of


def test_form_code__check_digits_catch_typing_errors() -> None:
    assert respondent_of(form_code("A-h03")) == "A-h03"
    assert respondent_of("HL:s:" + form_code("Bản-7")) == "Bản-7"  # as the QR code reads
    code = form_code("A-h03")
    # Every single mistyped character is refused (the character differences within this
    # alphabet are below 97, so they never cancel modulo 97), and every swap of neighbours.
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"
    for i in range(len(code)):
        for other in alphabet:
            typo = code[:i] + other + code[i + 1:]
            if typo != code:
                assert respondent_of(typo) is None, typo
    for i in range(len(code) - 1):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        if swapped != code:
            assert respondent_of(swapped) is None, swapped
    assert check_digits("A-h03") != check_digits("A-h30")


def test_fieldwork_paper__one_form_each__qr_scans__no_contact_on_answer_pages(
        runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    field = setup_field(session, tmp_path, size=2)
    out = tmp_path / "forms.pdf"
    result = runner.invoke(main, ["fieldwork", "paper", "--sample", "s", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 forms written" in result.output
    pdf = pdfium.PdfDocument(str(out))
    pages = [pdf[i] for i in range(len(pdf))]
    texts = [p.get_textpage().get_text_range() for p in pages]
    per_form = len(pages) // 4
    assert per_form >= 2 and len(pages) == 4 * per_form
    seen: list[str] = []
    for form in range(4):
        cover, answers = texts[form * per_form], texts[form * per_form + 1:(form + 1) * per_form]
        assert "PHIẾU GIAO" in cover and "Địa chỉ:" in cover
        key = next(k for k in field.members if f"Mã phiếu: {form_code(k)}" in cover)
        seen.append(key)
        contact = {line.split(": ", 1)[1].strip() for line in cover.splitlines()
                   if line.startswith(("Người được chọn:", "Địa chỉ:", "Điện thoại:"))}
        assert len(contact) == 3 and all(contact), cover
        for text in answers:
            assert f"Mã phiếu: {form_code(key)}" in text
            for value in contact:
                assert value not in text, (key, value)
            assert PHONE not in text and "Địa chỉ" not in text
        # The QR code of an answer page reads as the form code.
        image = pages[form * per_form + 1].render(scale=2).to_pil()
        decoded = [r.text for r in zxingcpp.read_barcodes(image)]
        assert decoded == [f"HL:s:{form_code(key)}"]
        assert respondent_of(decoded[0]) == key
    assert sorted(seen) == sorted(field.a_ids + field.b_ids)
    assert "Câu 1." in texts[1]  # the questions, numbered
    every = "".join(texts[1:per_form])
    assert "chỉ hỏi nếu Câu" in every  # skip rules by question number ...
    assert "d2_budget_posted" not in every and "==" not in every  # ... never by internal id


@pytest.mark.parametrize("args, message", [
    (["--sample", "nope"], "no sample named 'nope'"),
])
def test_fieldwork_paper__bad_sample(runner: FlaskCliRunner, session: Session, tmp_path: Path,
                                     args: list[str], message: str) -> None:
    result = runner.invoke(main, ["fieldwork", "paper", *args, "--out",
                                  str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and message in result.output
