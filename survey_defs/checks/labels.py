"""Rule family: languages. Vietnamese is required; other declared languages are expected."""

from __future__ import annotations

from typing import Any

from survey_defs.errors import Code
from survey_defs.source import Document, Path

LABEL_KEYS = ("label", "title", "description", "hint")


def _label_maps(value: Any, path: Path) -> list[tuple[Path, dict[str, Any]]]:
    found: list[tuple[Path, dict[str, Any]]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in LABEL_KEYS and isinstance(v, dict):
                found.append((path + (k,), v))
            else:
                found += _label_maps(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _label_maps(v, path + (i,))
    return found


def check(doc: Document) -> None:
    """HL502 when 'vi' is not declared; warnings for undeclared or missing languages."""
    langs = doc.get(("languages",))
    if not isinstance(langs, list) or not all(isinstance(x, str) for x in langs):
        return
    if "vi" not in langs:
        doc.report(("languages",), Code.HL502)
    declared = set(langs)
    for path, labels in _label_maps(doc.data, ()):
        for lang in labels:
            if isinstance(lang, str) and lang not in declared:
                doc.report(path + (lang,), Code.HL901, value=lang, allowed=", ".join(langs))
        for lang in langs:
            if lang != "vi" and lang not in labels:
                doc.report(path, Code.HL902, value=lang)
