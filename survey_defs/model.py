"""The loaded definition as frozen dataclasses, built only from data that passed every check."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from survey_defs import expressions
from survey_defs.schema import parse_fraction

Labels = dict[str, str]
YESNO_SCALE_ID = "yesno"


@dataclass(frozen=True)
class Choice:
    """One answer option: an integer code and its labels."""

    code: int
    label: Labels
    source: str | None = None
    verification: str | None = None


@dataclass(frozen=True)
class Scale:
    """A shared scale or choice list; ``no_opinion`` is kept but excluded from denominators."""

    id: str
    choices: tuple[Choice, ...]
    label: Labels = field(default_factory=dict)
    ordered: bool = True
    no_opinion: Choice | None = None

    @property
    def codes(self) -> tuple[int, ...]:
        """Substantive codes, in order (without the no-opinion code)."""
        return tuple(c.code for c in self.choices)

    def all_choices(self, with_no_opinion: bool = True) -> tuple[Choice, ...]:
        extra = (self.no_opinion,) if with_no_opinion and self.no_opinion else ()
        return self.choices + extra


YESNO = Scale(YESNO_SCALE_ID, (Choice(1, {"vi": "Có", "en": "Yes"}),
                               Choice(0, {"vi": "Không", "en": "No"})))


@dataclass(frozen=True)
class GridRow:
    """One row of a grid question; its answer id is ``<grid id>.<row id>``."""

    id: str
    label: Labels
    source: str | None = None
    verification: str | None = None


@dataclass(frozen=True)
class Question:
    """One question. ``scale`` is a scale id for coded types; ``rows`` only for grids."""

    id: str
    type: str
    label: Labels
    hint: Labels = field(default_factory=dict)
    required: bool = False
    show_if: str | None = None
    scale: str | None = None
    no_opinion: bool = True
    max_choices: int | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = True
    max_length: int | None = None
    rows: tuple[GridRow, ...] = ()
    from_context: str | None = None
    section: str | None = None
    source: str | None = None
    verification: str | None = None

    @cached_property
    def condition(self) -> expressions.Node | None:
        """The parsed show_if (the text was checked at load time, so this cannot fail)."""
        return expressions.parse(self.show_if) if self.show_if else None

    @property
    def answer_ids(self) -> tuple[str, ...]:
        if self.type == "grid":
            return tuple(f"{self.id}.{r.id}" for r in self.rows)
        return (self.id,)


@dataclass(frozen=True)
class SurveyDefinition:
    """A checked definition. ``scoring`` is the raw block; use :meth:`scoring_spec`."""

    key: str
    title: Labels
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
    scales: dict[str, Scale]
    scoring: dict[str, Any] | None
    source_text: str
    content_hash: str
    file: str = ""
    version: str | None = None
    description: Labels = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    # "dossiers" (post-stratified to dossier counts per procedure field) or "equal" (weight 1).
    weighting: str = "dossiers"

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def question(self, qid: str) -> Question:
        """The question with id ``qid`` (KeyError if none)."""
        return self._by_id[qid]

    def answer_ids(self) -> list[str]:
        """Every answer id in asking order (grid rows expanded as ``grid.row``)."""
        return [aid for q in self.questions for aid in q.answer_ids]

    def answer_question(self, answer_id: str) -> Question:
        """The question that owns ``answer_id`` (a question id or ``grid.row``)."""
        return self.question(answer_id.split(".", 1)[0])

    def scale_of(self, answer_id: str) -> Scale | None:
        """The scale of a coded answer, None for numbers and text."""
        q = self.answer_question(answer_id)
        if q.type == "yesno" and q.scale is None:
            return YESNO
        return self.scales.get(q.scale) if q.scale else None

    def scoring_spec(self) -> dict[str, Any]:
        """The scoring block as plain JSON-able data (see docs/definitions.md)."""
        if not self.scoring:
            return {"method": None}
        builder = {"sipas": _sipas_spec, "papi": _papi_spec, "onestop": _onestop_spec}
        return builder[self.scoring["method"]](self, copy.deepcopy(self.scoring))


def _sipas_spec(d: SurveyDefinition, s: dict[str, Any]) -> dict[str, Any]:
    scale = d.scales[s["scale"]]
    default_excluded = [scale.no_opinion.code] if scale.no_opinion else []
    return {
        "method": "sipas",
        "scale": s["scale"],
        "satisfied_codes": list(s["satisfied_codes"]),
        "excluded_codes": list(s.get("excluded_codes", default_excluded)),
        "element_method": s["element_method"],
        "overall_method": s["overall_method"],
        "overall_item": s.get("overall_item"),
        "elements": [
            {"id": e["id"], "label": e["label"], "criteria": list(e["criteria"]),
             "satisfaction_item": e.get("satisfaction_item"),
             "source": e.get("source"), "verification": e.get("verification")}
            for e in s["elements"]
        ],
    }


def _papi_spec(d: SurveyDefinition, s: dict[str, Any]) -> dict[str, Any]:
    def indicator(i: dict[str, Any]) -> dict[str, Any]:
        return {"id": i["id"], "item": i["item"],
                "values": {str(k): float(v) for k, v in (i.get("values") or {}).items()},
                "direction": i["direction"], "bounds": [float(b) for b in i["bounds"]],
                "eligible_if": i.get("eligible_if"), "label": i.get("label", {}),
                "source": i.get("source"), "verification": i.get("verification")}

    return {
        "method": "papi",
        "dimension_range": [float(x) for x in s["dimension_range"]],
        "total_range": [float(x) for x in s["total_range"]],
        "indicator_rescale": s.get("indicator_rescale", "theoretical"),
        "subdimension_aggregation": s.get("subdimension_aggregation", "mean"),
        "dimensions": [
            {"id": dim["id"], "label": dim["label"], "subdimensions": [
                {"id": sub["id"], "label": sub["label"],
                 "valid_from": sub.get("valid_from"), "valid_to": sub.get("valid_to"),
                 "indicators": [indicator(i) for i in sub["indicators"]]}
                for sub in dim["subdimensions"]]}
            for dim in s["dimensions"]
        ],
    }


def _onestop_spec(d: SurveyDefinition, s: dict[str, Any]) -> dict[str, Any]:
    return {
        "method": "onestop",
        "overall_item": s["overall_item"],
        "satisfied_codes": list(s["satisfied_codes"]),
        "reason_item": s.get("reason_item"),
        "indicators": [
            {"id": i["id"], "item": i.get("item") or i["dossier"], "label": i.get("label", {}),
             "points": {str(k): int(v) for k, v in i["points"].items()},
             "supplied_by": "dossier" if i.get("dossier") else "citizen",
             "source": i.get("source"), "verification": i.get("verification")}
            for i in s["indicators"]
        ],
        "unit_indicators": [
            {"id": i["id"], "label": i["label"], "rubric": i.get("rubric", {}),
             "source": i.get("source"), "verification": i.get("verification")}
            for i in s.get("unit_indicators", [])
        ],
        "max_points_per_indicator": s["max_points_per_indicator"],
        "bands": [
            {"id": b["id"], "label": b["label"],
             "min_share": parse_fraction(b["min_share"]),
             "max_share": parse_fraction(b["max_share"]),
             "inclusive_max": bool(b.get("inclusive_max", False))}
            for b in s["bands"]
        ],
        "band_basis": s["band_basis"],
    }


def _choice(raw: dict[str, Any]) -> Choice:
    return Choice(raw["code"], dict(raw["label"]), raw.get("source"), raw.get("verification"))


def build(data: dict[str, Any], text: str, digest: str, file: str) -> SurveyDefinition:
    """Turn checked raw data into a :class:`SurveyDefinition`."""
    scales = {
        sid: Scale(sid, tuple(_choice(c) for c in raw["choices"]), dict(raw.get("label", {})),
                   raw.get("ordered", True),
                   _choice(raw["no_opinion"]) if raw.get("no_opinion") else None)
        for sid, raw in data["scales"].items()
    }
    questions = tuple(
        Question(
            id=q["id"], type=q["type"], label=dict(q["label"]), hint=dict(q.get("hint", {})),
            required=q.get("required", False), show_if=q.get("show_if"), scale=q.get("scale"),
            no_opinion=q.get("no_opinion", True), max_choices=q.get("max_choices"),
            min=q.get("min"), max=q.get("max"), integer=q.get("integer", True),
            max_length=q.get("max_length"),
            rows=tuple(GridRow(r["id"], dict(r["label"]), r.get("source"), r.get("verification"))
                       for r in q.get("rows", [])),
            from_context=q.get("from_context"), section=q.get("section"),
            source=q.get("source"), verification=q.get("verification"),
        )
        for q in data["questions"]
    )
    return SurveyDefinition(
        key=data["key"], title=dict(data["title"]), languages=tuple(data["languages"]),
        questions=questions, scales=scales, scoring=data.get("scoring"), source_text=text,
        content_hash=digest, file=file, version=data.get("version"),
        description=dict(data.get("description", {})), sources=dict(data.get("sources", {})),
        weighting=data.get("weighting", "dossiers"),
    )
