"""The labels of a survey version that can be heard or translated, each with a stable id.

Ids: a question ``q``, its hint ``q:hint``, a grid row ``q.row``, a choice of a scale
``scale=code``, the survey title ``:title``, the language's own name ``:language``. The same
ids name recordings (audio) and translated labels (spreadsheet rows), so a translator's sheet
and a unit's recordings line up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from survey_defs import SurveyDefinition

TITLE = ":title"
# The name of the language in itself: the translator writes it in place of "Tiếng Việt", and
# the survey's language switch shows it.
LANGUAGE_NAME = ":language"


@dataclass(frozen=True)
class LabelItem:
    """One label: its id, what kind of label it is, and its texts by language."""

    id: str
    kind: str  # title, question, hint, row, choice
    labels: dict[str, str]


def choice_id(scale_id: str, code: int) -> str:
    """The id of a scale's choice."""
    return f"{scale_id}={code}"


def element_id(element: str) -> str:
    """The id of a scoring element's heading (shown above its rows on the survey page)."""
    return f":element:{element}"


def element_headings(definition: SurveyDefinition) -> dict[str, tuple[str, dict[str, str]]]:
    """Answer id -> (element id, heading labels) for SIPAS-style elements of grid rows."""
    spec = definition.scoring_spec()
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for element in spec.get("elements", []) if spec.get("method") == "sipas" else []:
        for criterion in element["criteria"]:
            out[criterion] = (element["id"], dict(element["label"]))
    return out


def label_items(definition: SurveyDefinition, *, hints: bool = True) -> Iterator[LabelItem]:
    """Every label of the definition in asking order, each scale's choices once."""
    yield LabelItem(LANGUAGE_NAME, "language", {"vi": "Tiếng Việt", "en": "English"})
    yield LabelItem(TITLE, "title", dict(definition.title))
    headed: set[str] = set()
    for element, labels in element_headings(definition).values():
        if element not in headed:
            headed.add(element)
            yield LabelItem(element_id(element), "heading", labels)
    seen_scales: set[str] = set()
    for q in definition.questions:
        if q.from_context:
            continue
        yield LabelItem(q.id, "question", dict(q.label))
        if hints and q.hint:
            yield LabelItem(f"{q.id}:hint", "hint", dict(q.hint))
        for row in q.rows:
            yield LabelItem(f"{q.id}.{row.id}", "row", dict(row.label))
        scale = definition.scale_of(q.id) if q.type in {"single", "multiple", "grid",
                                                         "yesno"} else None
        if scale is None or scale.id in seen_scales:
            continue
        seen_scales.add(scale.id)
        for choice in scale.all_choices(True):
            yield LabelItem(choice_id(scale.id, choice.code), "choice", dict(choice.label))
