"""Rule family: ids and codes are unique where they are looked up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from survey_defs.checks.common import questions, rows, scales
from survey_defs.errors import Code
from survey_defs.source import Document, Path


def _unique(doc: Document, what: str, entries: Iterable[tuple[Path, Any]]) -> None:
    seen: dict[Any, Path] = {}
    for path, value in entries:
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        if value in seen:
            doc.report(path, Code.HL201, what=what, value=value,
                       first_line=doc.line(seen[value]))
        else:
            seen[value] = path


def _ids(doc: Document, base: Path, items: Any, key: str = "id") -> list[tuple[Path, Any]]:
    if not isinstance(items, list):
        return []
    return [(base + (i, key), it.get(key)) for i, it in enumerate(items) if isinstance(it, dict)]


def check(doc: Document) -> None:
    """Report duplicate question, row, code, element, dimension, indicator and band ids."""
    _unique(doc, "question id", _ids(doc, ("questions",), doc.get(("questions",))))
    for i, q in questions(doc):
        if rows(q):
            _unique(doc, "row id",
                    _ids(doc, ("questions", i, "rows"), q.get("rows")))
    for name, scale in scales(doc).items():
        base: Path = ("scales", name, "choices")
        entries = _ids(doc, base, scale.get("choices"), "code")
        if isinstance(scale.get("no_opinion"), dict):
            no_op = scale["no_opinion"].get("code")
            entries.append((("scales", name, "no_opinion", "code"), no_op))
        _unique(doc, "code", entries)
    scoring = doc.get(("scoring",))
    if not isinstance(scoring, dict):
        return
    _unique(doc, "element id", _ids(doc, ("scoring", "elements"), scoring.get("elements")))
    _unique(doc, "band id", _ids(doc, ("scoring", "bands"), scoring.get("bands")))
    indicators = _ids(doc, ("scoring", "indicators"), scoring.get("indicators"))
    subdims: list[tuple[Path, Any]] = []
    dims = scoring.get("dimensions")
    _unique(doc, "dimension id", _ids(doc, ("scoring", "dimensions"), dims))
    for d, dim in enumerate(dims if isinstance(dims, list) else []):
        if not isinstance(dim, dict):
            continue
        base = ("scoring", "dimensions", d, "subdimensions")
        subdims += _ids(doc, base, dim.get("subdimensions"))
        for s, sub in enumerate(dim.get("subdimensions") or []):
            if isinstance(sub, dict):
                indicators += _ids(doc, base + (s, "indicators"), sub.get("indicators"))
    _unique(doc, "sub-dimension id", subdims)
    _unique(doc, "indicator id", indicators)
