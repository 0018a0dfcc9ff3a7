"""Text is normalised to NFC on load, so decomposed input hashes and compares like composed."""

from __future__ import annotations

import unicodedata

from survey_defs import SHIPPED_DIR, content_hash, load_definition, validate_answers

TEXT = (SHIPPED_DIR / "onestop.yaml").read_text(encoding="utf-8")


def test_decomposed_input__loads_as_nfc_with_the_same_hash() -> None:
    decomposed = unicodedata.normalize("NFD", TEXT)
    assert decomposed != TEXT
    a = load_definition("a.yaml", text=TEXT).definition
    b = load_definition("b.yaml", text=decomposed).definition
    assert a.content_hash == b.content_hash == content_hash(decomposed)
    label = b.scales["sat3"].choices[0].label["vi"]
    assert label == "Rất hài lòng" and unicodedata.is_normalized("NFC", label)
    assert b.source_text == a.source_text


def test_decomposed_show_if_string__matches_composed_answer() -> None:
    text = TEXT.replace("show_if: overall == 0", "show_if: procedure == 'Cấp sổ đỏ'")
    d = load_definition("c.yaml", text=unicodedata.normalize("NFD", text)).definition
    clean, errors = validate_answers(d, {"procedure": "Cấp sổ đỏ", "overall": 2})
    assert [(e.answer_id, e.key) for e in errors] == [("reason", "required")]


def test_answers__text_normalised_to_nfc() -> None:
    d = load_definition("a.yaml", text=TEXT).definition
    clean, errors = validate_answers(d, {"procedure": unicodedata.normalize("NFD", "Cấp sổ đỏ"),
                                         "overall": 2})
    assert errors == [] and clean["procedure"] == "Cấp sổ đỏ"
    assert unicodedata.is_normalized("NFC", clean["procedure"])
