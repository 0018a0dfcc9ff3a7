"""Rule family: each question has the options its type needs, and they make sense."""

from __future__ import annotations

from typing import Any, TypeGuard

from survey_defs.checks.common import YESNO_CODES, questions, scale_codes, scales
from survey_defs.errors import Code, suggest
from survey_defs.source import Document

# Keys that only some question types understand.
TYPE_KEYS = {
    "scale": ("single", "multiple", "grid", "yesno"),
    "no_opinion": ("single", "grid"),
    "max_choices": ("multiple",),
    "min": ("number",),
    "max": ("number",),
    "integer": ("number",),
    "max_length": ("text",),
    "rows": ("grid",),
}
NEEDS = {"single": ("scale",), "multiple": ("scale",), "grid": ("scale", "rows"),
         "number": (), "text": ("max_length",), "yesno": ()}


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_one(doc: Document, i: int, q: dict[str, Any], known: dict[str, dict[str, Any]]) -> None:
    path = ("questions", i)
    qtype = q.get("type")
    if not isinstance(qtype, str) or qtype not in NEEDS:
        return  # reported by the shape check
    for key, types in TYPE_KEYS.items():
        if key in q and qtype not in types:
            doc.report(path + (key,), Code.HL205, key=key, qtype=qtype)
    for key in NEEDS[qtype]:
        if key not in q:
            doc.report(path, Code.HL204, key=key, qtype=qtype)
    scale_id = q.get("scale")
    if isinstance(scale_id, str) and qtype in TYPE_KEYS["scale"]:
        if scale_id not in known:
            doc.report(path + ("scale",), Code.HL202, value=scale_id,
                       hint=suggest(scale_id, known))
        elif qtype == "yesno":
            codes = sorted(scale_codes(known[scale_id], with_no_opinion=False))
            if codes != sorted(YESNO_CODES):
                doc.report(path + ("scale",), Code.HL206, value=scale_id, codes=codes)
    lo, hi = q.get("min"), q.get("max")
    if qtype == "number" and _number(lo) and _number(hi) and lo > hi:
        doc.report(path + ("max",), Code.HL601, what="min/max", lo=lo, hi=hi)
    limit = q.get("max_choices")
    if qtype == "multiple" and isinstance(limit, int) and isinstance(scale_id, str):
        n = len(scale_codes(known.get(scale_id, {}), with_no_opinion=False))
        if limit < 1 or (n and limit > n):
            doc.report(path + ("max_choices",), Code.HL602, what="max_choices (at most the "
                       "number of choices)", lo=1, hi=n, value=limit)
    length = q.get("max_length")
    if qtype == "text" and isinstance(length, int) and length < 1:
        doc.report(path + ("max_length",), Code.HL602, what="max_length", lo=1, hi="any",
                   value=length)


def _check_sources(doc: Document, sources: Any) -> None:
    """Every 'source:' anywhere must be a key of 'sources' when that block exists."""
    if not isinstance(sources, dict):
        return

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "source" and isinstance(v, str) and path != ():
                    for part in (p.strip() for p in v.split(",")):
                        if part and part not in sources:
                            doc.report(path + (k,), Code.HL203, value=part,
                                       hint=suggest(part, sources))
                elif k != "sources":
                    walk(v, path + (k,))
        elif isinstance(value, list):
            for n, v in enumerate(value):
                walk(v, path + (n,))

    walk(doc.data, ())


def _check_provenance(doc: Document) -> None:
    for i, q in questions(doc):
        if "source" not in q or "verification" not in q:
            doc.report(("questions", i), Code.HL904, what=f"question '{q['id']}'")


def check(doc: Document) -> None:
    """Type-specific options, scale references, bounds, sources and provenance."""
    known = scales(doc)
    sources = doc.get(("sources",))
    for i, q in questions(doc):
        _check_one(doc, i, q, known)
    _check_sources(doc, sources)
    _check_provenance(doc)
