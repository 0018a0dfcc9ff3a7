"""Rule family: show_if parses and only reads answers given before the question."""

from __future__ import annotations

from survey_defs import expressions
from survey_defs.checks.common import AnswerRef, answer_index, answer_scale, questions
from survey_defs.errors import Code, suggest
from survey_defs.source import Document, Path


def check_expression(doc: Document, path: Path, text: str, position: int | None,
                     index: dict[str, AnswerRef]) -> None:
    """Check one condition; ``position`` is the asking question's index (None: after all)."""
    try:
        node = expressions.parse(text)
    except expressions.ExpressionError as exc:
        code = Code.HL304 if "function" in exc.message or "argument" in exc.message else Code.HL301
        doc.report(path, code, detail=str(exc))
        return
    for name in dict.fromkeys(expressions.names(node)):
        ref = index.get(name)
        if ref is None:
            doc.report(path, Code.HL302, value=name, hint=suggest(name, index))
        elif position is not None and ref.position >= position:
            reason = "it is this question" if ref.position == position else "it comes later"
            doc.report(path, Code.HL303, value=name, reason=reason)
    for name, lit in expressions.literals_compared(node):
        ref = index.get(name)
        if ref is None:
            continue
        _, codes = answer_scale(doc, ref)
        if codes is not None and lit.value not in codes:
            doc.report(path, Code.HL903, name=name, value=lit.value,
                       allowed=", ".join(map(str, codes)))


def check(doc: Document) -> None:
    """Every show_if, and every PAPI eligible_if (which may read any question)."""
    index = answer_index(doc)
    for i, q in questions(doc):
        text = q.get("show_if")
        if isinstance(text, str):
            check_expression(doc, ("questions", i, "show_if"), text, i, index)
