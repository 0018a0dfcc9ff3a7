"""Template helpers of the survey page (long lists, pictorial scale, listening), in one place.

The unit's faces option and the version's recordings are read in one statement at most once
per request and language (kept in ``flask.g``), however many questions the page shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, g, url_for

from survey_defs import GridRow, Question

from ..db import get_session
from ..inclusion.interface_texts import field_names
from ..inclusion.items import choice_id, element_headings, element_id
from ..inclusion.pictorial import FACE_SYMBOLS, moods
from ..inclusion.services import page_options
from ..inclusion.translations import stored_texts
from ..models import ProcedureField
from . import choice_groups
from .choice_markup import choice_inputs
from .context import SurveyContext
from .flow import Step
from .pages import layout
from .survey_language import language_choices


def _unit_page(ctx: SurveyContext, language: str) -> dict[str, int]:
    """The recordings of this page's language; the faces option comes with the first read."""
    key = f"hl_rec_{language}"
    if key not in g:
        faces, found = page_options(get_session(), ctx.version.id, language,
                                    getattr(ctx.unit, "id", None))
        setattr(g, key, found)
        g.setdefault("hl_faces", faces)
    return dict(getattr(g, key))


def pictorial_on(ctx: SurveyContext, language: str) -> bool:
    """Whether the unit shows its satisfaction scales as faces (never in interviewer mode,
    which has no unit of its own)."""
    if "hl_faces" not in g:
        _unit_page(ctx, language)
    return bool(g.hl_faces)


def page_faces(ctx: SurveyContext, questions: Sequence[Question], language: str) -> bool:
    """Whether this page shows any face (so the five pictures are drawn once for it)."""
    return pictorial_on(ctx, language) and any(moods(q.scale) for q in questions)


def face_moods(ctx: SurveyContext, scale_id: str | None, language: str) -> dict[int, int]:
    """Code -> mood for this scale when the unit shows faces, else empty."""
    return moods(scale_id) if pictorial_on(ctx, language) else {}


def recording_urls(ctx: SurveyContext, language: str, item_id: str,
                   scale_id: str | None = None, codes: Sequence[int] = ()) -> list[str]:
    """URLs to play for an item: its own recording, then its choices' (empty if the item
    itself has none: the page then uses the phone's voice)."""
    found = _unit_page(ctx, language)
    if item_id not in found:
        return []
    ids = [found[item_id]] + [found[c] for c in (choice_id(scale_id, code) for code in codes)
                              if scale_id and c in found]
    return [url_for("inclusion.audio", audio_id=i) for i in ids]


def field_name(field: ProcedureField, language: str) -> str:
    """A procedure field's name in the page's language (Vietnamese where none is given)."""
    if language == "en":
        return field.name_en or field.name_vi
    if language == "vi":
        return field.name_vi
    key = f"hl_fields_{language}"
    if key not in g:
        setattr(g, key, field_names(get_session(), language))
    return str(getattr(g, key).get(field.code) or field.name_vi)


def row_groups(ctx: SurveyContext, question: Question, language: str
               ) -> list[tuple[str | None, list[GridRow]]]:
    """A grid's rows in runs under their element's heading (None where rows have none), so
    a row such as "Tận tình..." is read under "Công chức trực tiếp giải quyết công việc"."""
    headings = element_headings(ctx.definition)
    groups: list[tuple[str | None, list[GridRow]]] = []
    current: str | None = "\0"
    for row in question.rows:
        found = headings.get(f"{question.id}.{row.id}")
        element = found[0] if found else None
        if element != current or not groups:
            text = None
            if found:
                labels = found[1]
                text = labels.get(language) or _translated(ctx, language).get(
                    element_id(found[0])) or labels.get("vi")
            groups.append((text, []))
            current = element
        groups[-1][1].append(row)
    return groups


def _translated(ctx: SurveyContext, language: str) -> dict[str, str]:
    key = f"hl_texts_{language}"
    if key not in g:
        setattr(g, key, stored_texts(get_session(), ctx.version.id, language)
                if language not in ("vi", "en") else {})
    return dict(getattr(g, key))


def part_count(ctx: SurveyContext, step: Step, field_choice: str | None) -> tuple[int, int]:
    """(this part, all parts) counted over every page the survey can show, so the total
    never changes with an answer: a page skipped by an answer is jumped over, not uncounted."""
    pages = layout(ctx.definition, skip=ctx.skip(field_choice))
    if step.page is None:
        return len(pages), len(pages)
    return step.page.index + 1, len(pages)


def first_invalid(step: Step) -> str | None:
    """The answer id of the first unanswered or invalid item on the page (focused on load)."""
    if not step.errors or step.page is None:
        return None
    for question in step.page.questions:
        for error in step.errors.get(question.id, []):
            return error.answer_id
    return None


def invalid_answers(step: Step) -> frozenset[str]:
    """Answer ids with an error on this page (each marked where it is)."""
    return frozenset(e.answer_id for errs in step.errors.values() for e in errs)


def register(bp: Blueprint) -> None:
    """Make the helpers available to the survey templates."""
    for name, helper in choice_groups.template_helpers().items():
        bp.add_app_template_global(helper, name)
    bp.add_app_template_global(pictorial_on, "pictorial_on")
    bp.add_app_template_global(face_moods, "face_moods")
    bp.add_app_template_global(page_faces, "page_faces")
    bp.add_app_template_global(recording_urls, "recording_urls")
    bp.add_app_template_global(lambda: FACE_SYMBOLS, "face_symbols")
    bp.add_app_template_global(language_choices, "language_choices")
    for helper in (choice_inputs, field_name, row_groups, first_invalid, invalid_answers,
                   part_count):
        bp.add_app_template_global(helper, helper.__name__)
