"""Helpers shared by the rule families: defensive views of the (possibly broken) raw data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from survey_defs.source import Document, Path

YESNO_CODES = (1, 0)


@dataclass(frozen=True)
class AnswerRef:
    """Where an answer id comes from: question position, the question, the grid row (if any)."""

    position: int
    question: dict[str, Any]
    row: dict[str, Any] | None
    path: Path


def questions(doc: Document) -> list[tuple[int, dict[str, Any]]]:
    """(index, question) for every question that is a mapping with a text id."""
    raw = doc.get(("questions",))
    if not isinstance(raw, list):
        return []
    return [(i, q) for i, q in enumerate(raw)
            if isinstance(q, dict) and isinstance(q.get("id"), str)]


def rows(question: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    raw = question.get("rows")
    if question.get("type") != "grid" or not isinstance(raw, list):
        return []
    return [(j, r) for j, r in enumerate(raw)
            if isinstance(r, dict) and isinstance(r.get("id"), str)]


def answer_index(doc: Document) -> dict[str, AnswerRef]:
    """Answer id -> reference; the first occurrence wins (duplicates are reported elsewhere)."""
    index: dict[str, AnswerRef] = {}
    for i, q in questions(doc):
        grid_rows = rows(q)
        if q.get("type") == "grid":
            for j, row in grid_rows:
                aid = f"{q['id']}.{row['id']}"
                index.setdefault(aid, AnswerRef(i, q, row, ("questions", i, "rows", j)))
        else:
            index.setdefault(q["id"], AnswerRef(i, q, None, ("questions", i)))
    return index


def scales(doc: Document) -> dict[str, dict[str, Any]]:
    raw = doc.get(("scales",))
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, dict)}


def scale_codes(scale: dict[str, Any], with_no_opinion: bool = True) -> list[int]:
    codes = [c.get("code") for c in scale.get("choices") or [] if isinstance(c, dict)]
    no_op = scale.get("no_opinion")
    if with_no_opinion and isinstance(no_op, dict):
        codes.append(no_op.get("code"))
    return [c for c in codes if isinstance(c, int) and not isinstance(c, bool)]


def answer_scale(doc: Document, ref: AnswerRef) -> tuple[str | None, list[int] | None]:
    """(scale id, codes) of an answer; codes None when the answer is not coded (number, text)."""
    q = ref.question
    qtype = q.get("type")
    scale_id = q.get("scale") if isinstance(q.get("scale"), str) else None
    if qtype == "yesno" and scale_id is None:
        return "yesno", list(YESNO_CODES)
    if qtype not in ("single", "multiple", "grid", "yesno") or scale_id is None:
        return None, None
    scale = scales(doc).get(scale_id)
    if scale is None:
        return scale_id, None
    offers_no_opinion = q.get("no_opinion", True) is not False and qtype != "multiple"
    return scale_id, scale_codes(scale, offers_no_opinion)
