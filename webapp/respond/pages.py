"""How a definition is laid out as pages on a phone, and which pages an answer set shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from survey_defs import Question, SurveyDefinition
from survey_defs.answers import visible_questions


@dataclass(frozen=True)
class Page:
    """A screenful of questions: one grid, or a run of short questions of one section."""

    index: int
    questions: tuple[Question, ...]

    @property
    def question_ids(self) -> frozenset[str]:
        """The ids of the questions on this page."""
        return frozenset(q.id for q in self.questions)


def layout(definition: SurveyDefinition, *, skip: frozenset[str] = frozenset()) -> list[Page]:
    """Split the questions into pages: each grid alone, other questions grouped by section.

    ``skip`` names questions answered from context (the QR or dossier token) and never asked.
    """
    groups: list[list[Question]] = []
    for q in definition.questions:
        if q.id in skip:
            continue
        alone = q.type == "grid"
        if (alone or not groups or groups[-1][0].type == "grid"
                or groups[-1][0].section != q.section):
            groups.append([q])
        else:
            groups[-1].append(q)
    return [Page(i, tuple(g)) for i, g in enumerate(groups)]


def visible_pages(definition: SurveyDefinition, pages: list[Page],
                  answers: Mapping[str, object]) -> list[Page]:
    """The pages that have at least one question shown for these answers."""
    shown = set(visible_questions(definition, answers))
    return [p for p in pages if p.question_ids & shown]
