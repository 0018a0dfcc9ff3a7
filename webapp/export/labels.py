"""The variables of an export: names, labels in Vietnamese and English, value labels, roles.

One :class:`Variable` per column, in file order. The catalogue is built from the survey version
alone (never from the data), so every chunk of a streamed export has the same columns and types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import survey_defs
from survey_defs.model import Question

# Question ids that name contact details: never exported, whatever a definition says.
CONTACT_PATTERN = re.compile(r"(contact|phone|email|e_mail|address|cccd|cmnd|lien_he)", re.I)
NAME_LIMIT = 32  # Stata's limit; SPSS allows 64
Labels = dict[str, str]


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (how hailong stores Vietnamese)."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Variable:
    """One exported column.

    ``role`` is one of ``id, survey, unit, design, weight, context, respondent, answer, text,
    derived``; ``measure`` is ``nominal``, ``ordinal`` or ``scale`` (SPSS measurement level);
    ``kind`` is ``numeric`` or ``string``. ``missing`` lists codes kept in the data but treated
    as missing by the scoring (e.g. 9 "no opinion"); ``source`` is the answer id it comes from.
    """

    name: str
    label: Labels
    role: str
    kind: str = "numeric"
    measure: str = "nominal"
    values: dict[int, Labels] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    source: str | None = None
    question: Labels = field(default_factory=dict)
    note: str = ""

    def text(self, language: str = "vi") -> str:
        """The label in ``language`` (falling back to Vietnamese)."""
        return self.label.get(language) or self.label.get("vi") or self.name

    def value_text(self, language: str = "vi") -> dict[int, str]:
        """Value labels in ``language``."""
        return {code: lab.get(language) or lab.get("vi") or str(code)
                for code, lab in self.values.items()}


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_name(text: str) -> str:
    """A Stata/SPSS variable name: ASCII letters, digits and ``_``, starting with a letter."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_text).strip("_").lower() or "v"
    if not name[0].isalpha():
        name = f"v_{name}"
    return name[:NAME_LIMIT]


def _l(vi: str, en: str) -> Labels:
    return {"vi": vi, "en": en}


YES_NO = {1: _l("Có", "Yes"), 0: _l("Không", "No")}
CHANNELS = ("counter", "dossier", "kiosk", "web", "demo")

FIXED = [
    Variable("response_id", _l("Mã phiếu ngẫu nhiên", "Random response id"), "id", "string"),
    Variable("survey", _l("Khảo sát", "Survey"), "survey", "string"),
    Variable("survey_version", _l("Phiên bản khảo sát", "Survey version"), "survey",
             measure="ordinal"),
]
CONTEXT = [
    Variable("counter", _l("Quầy tiếp nhận", "Counter"), "context", "string"),
    Variable("field", _l("Mã lĩnh vực thủ tục", "Procedure field code"), "context", "string"),
    Variable("field_name", _l("Lĩnh vực thủ tục", "Procedure field"), "context", "string"),
    Variable("period", _l("Kỳ xuất dữ liệu", "Export period"), "context", "string"),
    Variable("month", _l("Tháng trả lời (YYYY-MM)", "Month of response (YYYY-MM)"), "context",
             "string", "ordinal"),
    Variable("channel", _l("Kênh khảo sát", "Survey channel"), "context", "string"),
    Variable("on_time", _l("Hồ sơ đúng hẹn", "Dossier on time"), "context", values=YES_NO),
    Variable("language", _l("Ngôn ngữ trả lời", "Language of the answers"), "context", "string"),
]
DESIGN = [
    Variable("stratum", _l("Tầng thiết kế (đơn vị|kỳ)", "Design stratum (unit|period)"),
             "design", "string"),
    Variable("poststratum", _l("Hậu phân tầng (đơn vị|kỳ|lĩnh vực)",
                               "Post-stratum (unit|period|field)"), "design", "string"),
    Variable("ps_total", _l("Số hồ sơ của hậu phân tầng (tổng thể)",
                            "Post-stratum population (dossiers)"), "design", measure="scale"),
    Variable("weight", _l("Trọng số cuối cùng", "Final weight"), "weight", measure="scale"),
]


def unit_variables(depth: int) -> list[Variable]:
    """The response's unit, then its ancestors from the root: level 1 … ``depth``."""
    out = [Variable("unit", _l("Mã đơn vị", "Unit code"), "unit", "string"),
           Variable("unit_name", _l("Tên đơn vị", "Unit name"), "unit", "string")]
    for level in range(1, depth + 1):
        out.append(Variable(f"unit_level{level}_code", _l(f"Mã đơn vị cấp {level}",
                            f"Unit code, level {level}"), "unit", "string"))
        out.append(Variable(f"unit_level{level}_name", _l(f"Tên đơn vị cấp {level}",
                            f"Unit name, level {level}"), "unit", "string"))
    return out


def _choices(scale: survey_defs.Scale | None) -> tuple[dict[int, Labels], tuple[int, ...]]:
    if scale is None:
        return {}, ()
    values = {c.code: dict(c.label) for c in scale.all_choices()}
    missing = (scale.no_opinion.code,) if scale.no_opinion else ()
    return values, missing


def answer_variables(definition: survey_defs.SurveyDefinition) -> list[Variable]:
    """One variable per answer id (multiple choice: one 0/1 variable per code)."""
    out: list[Variable] = []
    for q in definition.questions:
        if CONTACT_PATTERN.search(q.id) or q.section == "contact":
            continue
        out.extend(_question_variables(definition, q))
    return out


def _question_variables(definition: survey_defs.SurveyDefinition, q: Question) -> list[Variable]:
    role = "respondent" if q.section == "respondent" else "answer"
    if q.type == "text":
        return [Variable(safe_name(q.id), dict(q.label), "text", "string", source=q.id,
                         question=dict(q.label))]
    if q.type == "number":
        return [Variable(safe_name(q.id), dict(q.label), role, measure="scale", source=q.id,
                         question=dict(q.label))]
    scale = definition.scale_of(q.id)
    values, missing = _choices(scale)
    if q.type == "multiple":
        return [Variable(safe_name(f"{q.id}_{code}"),
                         {lang: f"{text}: {lab.get(lang, lab.get('vi', ''))}"
                          for lang, text in q.label.items()},
                         role, values=YES_NO, source=q.id, question=dict(q.label),
                         note=f"1 = code {code} chosen")
                for code, lab in values.items()]
    measure = "ordinal" if scale is not None and scale.ordered else "nominal"
    if q.type == "grid":
        return [Variable(safe_name(aid), dict(row.label), role, measure=measure, values=values,
                         missing=missing, source=aid, question=dict(q.label))
                for aid, row in zip(q.answer_ids, q.rows, strict=True)]
    return [Variable(safe_name(q.id), dict(q.label), role, measure=measure, values=values,
                     missing=missing, source=q.id, question=dict(q.label))]


def derived_variables(definition: survey_defs.SurveyDefinition) -> list[Variable]:
    """Per-respondent scores: SIPAS satisfied 0/1 per criterion, element and overall scores;
    PAPI indicator values and one-stop points per indicator."""
    spec = definition.scoring_spec()
    method = spec.get("method")
    if method == "sipas":
        return _sipas_derived(definition, spec)
    if method == "papi":
        return [Variable(safe_name(f"val_{i['id']}"), _l(f"Giá trị chỉ số {i['id']}",
                         f"Indicator {i['id']} value"), "derived", measure="scale",
                         source=i["item"], note=f"ratio:{i['id']}")
                for dim in spec["dimensions"] for sub in dim["subdimensions"]
                for i in sub["indicators"]]
    if method == "onestop":
        out = [Variable(safe_name(f"pts_{i['id']}"), _l(f"Điểm chỉ tiêu {i['id']}",
                        f"Points of indicator {i['id']}"), "derived", measure="scale",
                        source=i["item"], note=f"ratio:{i['id']}")
               for i in spec["indicators"]]
        if spec.get("overall_item"):
            out.append(Variable("sat_overall", _l("Hài lòng chung (1 = hài lòng)",
                                "Satisfied overall (1 = satisfied)"), "derived", values=YES_NO,
                                source=spec["overall_item"], note="ratio:satisfied"))
        return out
    return []


def _sipas_derived(definition: survey_defs.SurveyDefinition,
                   spec: dict[str, Any]) -> list[Variable]:
    codes = ", ".join(str(c) for c in spec["satisfied_codes"])
    excluded = ", ".join(str(c) for c in spec["excluded_codes"]) or "-"
    out = []
    # Every ratio the indices use: criteria, the elements' own satisfaction questions (when the
    # element index is read from them) and the overall question.
    items = [c for e in spec["elements"] for c in e["criteria"]]
    if spec.get("element_method") == "element_question":
        items += [e["satisfaction_item"] for e in spec["elements"] if e.get("satisfaction_item")]
    if spec.get("overall_item"):
        items.append(spec["overall_item"])
    for item in dict.fromkeys(items):
        q = definition.answer_question(item)
        row = next((r for r in q.rows if f"{q.id}.{r.id}" == item), None)
        label = dict(row.label) if row else dict(q.label)
        out.append(Variable(
            safe_name(f"sat_{item}"),
            {lang: f"Hài lòng (mức {codes}): {text}" if lang == "vi"
             else f"Satisfied (codes {codes}): {text}" for lang, text in label.items()},
            "derived", values=YES_NO, source=item, note=f"ratio:{item}",
            question={"vi": f"1 nếu mã {codes}; 0 nếu mã hợp lệ khác; trống nếu không trả "
                            f"lời hoặc mã loại trừ ({excluded})",
                      "en": f"1 if code {codes}; 0 if another valid code; missing if not "
                            f"answered or an excluded code ({excluded})"}))
    for element in spec["elements"]:
        out.append(Variable(safe_name(f"score_{element['id']}"),
                            {lang: f"Điểm yếu tố: {t}" if lang == "vi" else f"Element score: {t}"
                             for lang, t in element["label"].items()},
                            "derived", measure="scale", note=f"element:{element['id']}"))
    out.append(Variable("score_overall", _l("Điểm hài lòng chung của người trả lời",
                                            "Respondent's overall satisfaction score"),
                        "derived", measure="scale", note="overall"))
    return out


def catalogue(definition: survey_defs.SurveyDefinition, depth: int,
              include_text: bool) -> list[Variable]:
    """Every exported variable, in file order."""
    answers = answer_variables(definition)
    if not include_text:
        answers = [v for v in answers if v.role != "text"]
    return [*FIXED, *unit_variables(depth), *CONTEXT, *answers,
            *derived_variables(definition), *DESIGN]
