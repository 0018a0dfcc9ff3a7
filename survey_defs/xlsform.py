"""Export a definition to XLSForm (.xlsx) so KoboToolbox/ODK users can field the same instrument.

Grids become field-list groups of select_one rows named ``<grid>_<row>`` (XLSForm names cannot
hold our ``grid.row`` dot); ``show_if`` becomes ``relevant`` with the same "unanswered never
matches" rule. Scoring is not exported: XLSForm has no place for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from survey_defs import expressions as ex
from survey_defs.model import Question, Scale, SurveyDefinition

LANGUAGE_NAMES = {"vi": "Vietnamese", "en": "English", "fr": "French", "zh": "Chinese",
                  "km": "Khmer", "lo": "Lao"}


def xls_name(answer_id: str) -> str:
    """The XLSForm name of an answer id (``c9.r15`` -> ``c9_r15``)."""
    return answer_id.replace(".", "_")


def _lit(value: object) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, str):
        return "'" + value.replace("'", "") + "'"
    return str(value)


def to_xpath(node: ex.Node) -> str:
    """Translate a show_if AST into an XLSForm ``relevant`` expression."""
    if isinstance(node, ex.Lit):
        return _lit(node.value)
    if isinstance(node, ex.Var):
        return "${" + xls_name(node.name) + "}"
    if isinstance(node, ex.Compare):
        left, right = to_xpath(node.left), to_xpath(node.right)
        if node.op == "!=":
            # XPath's '' != 1 is true; ours is false for an unanswered question.
            guards = [f"{s} != ''" for s, n in ((left, node.left), (right, node.right))
                      if isinstance(n, ex.Var)]
            return "(" + " and ".join([*guards, f"{left} != {right}"]) + ")"
        op = "=" if node.op == "==" else node.op
        return f"{left} {op} {right}"
    if isinstance(node, ex.In):
        var = to_xpath(node.left)
        hits = " or ".join(f"{var} = {_lit(v.value)}" for v in node.values) or "false()"
        if node.negate:
            return f"({var} != '' and not({hits}))"
        return f"({hits})"
    if isinstance(node, ex.BoolOp):
        return "(" + f" {node.op} ".join(to_xpath(a) for a in node.args) + ")"
    if isinstance(node, ex.Not):
        return f"not({to_xpath(node.arg)})"
    target = to_xpath(node.args[0])
    if node.name == "answered":
        return f"{target} != ''"
    if node.name == "count":
        return f"count-selected({target})"
    # selected()'s second argument is a Lit (the parser checks it; the Node union cannot say so).
    return f"selected({target}, {_lit(str(node.args[1].value))})"  # type: ignore[union-attr]


class _Sheets:
    def __init__(self, definition: SurveyDefinition) -> None:
        self.d = definition
        self.langs = list(definition.languages)
        self.survey: list[dict[str, object]] = []
        self.choices: list[dict[str, object]] = []
        self.lists: set[str] = set()

    def label_cols(self, prefix: str, labels: dict[str, str]) -> dict[str, object]:
        return {f"{prefix}::{LANGUAGE_NAMES.get(lang, lang)} ({lang})": labels.get(lang, "")
                for lang in self.langs if labels.get(lang)}

    def choice_list(self, scale: Scale, with_no_opinion: bool) -> str:
        name = scale.id if with_no_opinion or scale.no_opinion is None else f"{scale.id}_core"
        if name not in self.lists:
            self.lists.add(name)
            for choice in scale.all_choices(with_no_opinion):
                self.choices.append({"list_name": name, "name": str(choice.code),
                                     **self.label_cols("label", choice.label)})
        return name

    def row(self, q: Question, name: str, qtype: str, labels: dict[str, str],
            relevant: str = "", constraint: str = "", appearance: str = "") -> None:
        self.survey.append({
            "type": qtype, "name": name, **self.label_cols("label", labels),
            **self.label_cols("hint", q.hint if name == q.id else {}),
            "required": "yes" if q.required and not qtype.startswith("begin") else "",
            "relevant": relevant, "constraint": constraint, "appearance": appearance,
        })

    def question(self, q: Question) -> None:
        relevant = to_xpath(q.condition) if q.condition is not None else ""
        scale = self.d.scale_of(q.answer_ids[0])
        if q.type == "grid":
            assert scale is not None
            list_name = self.choice_list(scale, q.no_opinion)
            self.row(q, q.id, "begin_group", q.label, relevant, appearance="field-list")
            for r in q.rows:
                self.row(q, xls_name(f"{q.id}.{r.id}"), f"select_one {list_name}", r.label)
            self.survey.append({"type": "end_group", "name": q.id})
        elif q.type in ("single", "yesno", "multiple"):
            assert scale is not None
            kind = "select_multiple" if q.type == "multiple" else "select_one"
            list_name = self.choice_list(scale, q.no_opinion and q.type != "multiple")
            limit = f"count-selected(.) <= {q.max_choices}" if q.max_choices else ""
            self.row(q, q.id, f"{kind} {list_name}", q.label, relevant, limit)
        elif q.type == "number":
            bounds = [f". >= {q.min}" if q.min is not None else "",
                      f". <= {q.max}" if q.max is not None else ""]
            self.row(q, q.id, "integer" if q.integer else "decimal", q.label, relevant,
                     " and ".join(b for b in bounds if b))
        else:
            limit = f"string-length(.) <= {q.max_length}" if q.max_length else ""
            self.row(q, q.id, "text", q.label, relevant, limit)


def _write(ws: Any, rows: Sequence[Mapping[str, object]], header: list[str]) -> None:
    # ws is an openpyxl worksheet; openpyxl ships no type hints, so it is Any to the checker.
    ws.append(header)
    for row in rows:
        ws.append([row.get(col, "") for col in header])


def _header(rows: list[dict[str, object]], first: list[str]) -> list[str]:
    cols = list(first)
    for row in rows:
        cols += [c for c in row if c not in cols]
    return cols


def write_xlsform(definition: SurveyDefinition, path: str | Path) -> Path:
    """Write ``definition`` as an XLSForm workbook at ``path`` and return the path."""
    sheets = _Sheets(definition)
    for q in definition.questions:
        sheets.question(q)
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    _write(survey, sheets.survey, _header(sheets.survey, ["type", "name"]))
    _write(book.create_sheet("choices"), sheets.choices,
           _header(sheets.choices, ["list_name", "name"]))
    default = f"{LANGUAGE_NAMES.get('vi', 'vi')} (vi)"
    settings = [{"form_title": definition.title.get("vi", definition.key),
                 "form_id": definition.key,
                 "version": definition.content_hash[:12],
                 "default_language": default}]
    _write(book.create_sheet("settings"), settings, list(settings[0]))
    target = Path(path)
    book.save(target)
    return target
