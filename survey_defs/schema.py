"""The shape of a definition as data: which keys exist, which are required, what type each has.

Like cfgv, each level adds one breadcrumb; unlike cfgv, we keep going after a problem so that
one run reports every shape problem of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from survey_defs.errors import Code, suggest
from survey_defs.source import Document, Path

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
DOTTED_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.]*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")
QUESTION_TYPES = ("single", "multiple", "grid", "yesno", "number", "text")
VERIFICATION_TAGS = ("V", "V-impl", "U", "T", "I")

Check = Callable[[Document, Path, Any], None]


def _typename(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean (yes/no/true/false)"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return type(value).__name__


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def wrong_type(doc: Document, path: Path, value: object, expected: str, hint: str = "") -> None:
    doc.report(path, Code.HL104, expected=expected, got=_typename(value), value=_short(value),
               hint=hint)


def text(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, str):
        hint = " Put the text in quotes." if isinstance(value, bool | int | float) else ""
        wrong_type(doc, path, value, "text", hint)


def integer(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        wrong_type(doc, path, value, "an integer")


def number(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        wrong_type(doc, path, value, "a number")


def share(doc: Document, path: Path, value: Any) -> None:
    """A number, or a fraction written as text 'a/b' (e.g. '15/18')."""
    if isinstance(value, str) and parse_fraction(value) is not None:
        return
    number(doc, path, value)


def parse_fraction(value: object) -> float | None:
    """Return the float of a number or of an 'a/b' text, else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*", value)
        if match and float(match.group(2)) != 0:
            return float(match.group(1)) / float(match.group(2))
    return None


def boolean(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, bool):
        wrong_type(doc, path, value, "true or false")


def identifier(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, str):
        hint = " Quote ids such as \"1.1\"." if isinstance(value, int | float) else ""
        wrong_type(doc, path, value, "an id (text)", hint)
    elif not ID_RE.match(value):
        doc.report(path, Code.HL107, value=value)


def dotted_identifier(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, str):
        hint = " Quote ids such as \"1.1\"." if isinstance(value, int | float) else ""
        wrong_type(doc, path, value, "an id (text)", hint)
    elif not DOTTED_ID_RE.match(value):
        doc.report(path, Code.HL107, value=value)


def one_of(*allowed: str) -> Check:
    def check(doc: Document, path: Path, value: Any) -> None:
        if not isinstance(value, str) or value not in allowed:
            doc.report(path, Code.HL105, value=value, hint=suggest(value, allowed),
                       allowed=", ".join(allowed))
    return check


def nullable(inner: Check) -> Check:
    def check(doc: Document, path: Path, value: Any) -> None:
        if value is not None:
            inner(doc, path, value)
    return check


def labels(doc: Document, path: Path, value: Any) -> None:
    """A mapping language -> text; 'vi' required (languages are checked elsewhere)."""
    if not isinstance(value, dict):
        hint = " Write {vi: ..., en: ...}." if isinstance(value, str) else ""
        wrong_type(doc, path, value, "a mapping of language -> text", hint)
        return
    for lang, label in value.items():
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            doc.report(path + (str(lang),), Code.HL105, value=lang,
                       hint=" as a language code.", allowed="codes such as vi, en")
            continue
        text(doc, path + (lang,), label)
    if "vi" not in value:
        doc.report(path, Code.HL501)


def list_of(item: Check, min_len: int = 0) -> Check:
    def check(doc: Document, path: Path, value: Any) -> None:
        if not isinstance(value, list):
            wrong_type(doc, path, value, "a list")
            return
        if len(value) < min_len:
            doc.report(path, Code.HL106, min=min_len, plural="y" if min_len == 1 else "ies")
        for i, entry in enumerate(value):
            item(doc, path + (i,), entry)
    return check


def mapping_of(key: Check, value_check: Check, min_len: int = 0) -> Check:
    def check(doc: Document, path: Path, value: Any) -> None:
        if not isinstance(value, dict):
            wrong_type(doc, path, value, "a mapping")
            return
        if len(value) < min_len:
            doc.report(path, Code.HL106, min=min_len, plural="y" if min_len == 1 else "ies")
        for k, v in value.items():
            key(doc, path + (k,), k)
            value_check(doc, path + (k,), v)
    return check


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its check and whether it must be present."""

    name: str
    check: Check
    required: bool = False


def record(*keys: Key) -> Check:
    """A mapping with a fixed set of keys (unknown keys get a close-name suggestion)."""
    by_name = {k.name: k for k in keys}

    def check(doc: Document, path: Path, value: Any) -> None:
        if not isinstance(value, dict):
            wrong_type(doc, path, value, "a mapping")
            return
        for name, entry in value.items():
            if name not in by_name:
                doc.report(path + (str(name),), Code.HL102, key=name,
                           hint=suggest(name, by_name), allowed=", ".join(by_name))
            else:
                by_name[name].check(doc, path + (name,), entry)
        for k in keys:
            if k.required and k.name not in value:
                doc.report(path, Code.HL103, key=k.name)
    return check


def _any(doc: Document, path: Path, value: Any) -> None:
    """Checked later by the scoring rule family (the shape depends on the method)."""


# How the indices weight answers: post-stratified to dossier counts per procedure field (the
# citizens' surveys) or every answer once (surveys of officials, who serve no dossiers).
WEIGHTING_RULES = ("dossiers", "equal")

PROVENANCE = (Key("source", text), Key("verification", one_of(*VERIFICATION_TAGS)))

CHOICE = record(Key("code", integer, True), Key("label", labels, True), *PROVENANCE)

SCALE = record(
    Key("label", labels),
    Key("ordered", boolean),
    Key("choices", list_of(CHOICE, 1), True),
    Key("no_opinion", CHOICE),
    *PROVENANCE,
)

ROW = record(Key("id", identifier, True), Key("label", labels, True), *PROVENANCE)

QUESTION = record(
    Key("id", identifier, True),
    Key("type", one_of(*QUESTION_TYPES), True),
    Key("label", labels, True),
    Key("hint", labels),
    Key("required", boolean),
    Key("show_if", text),
    Key("scale", text),
    Key("no_opinion", boolean),
    Key("max_choices", integer),
    Key("min", number),
    Key("max", number),
    Key("integer", boolean),
    Key("max_length", integer),
    Key("rows", list_of(ROW, 1)),
    Key("from_context", identifier),
    Key("section", text),
    *PROVENANCE,
)

DEFINITION = record(
    Key("key", identifier, True),
    Key("version", text),
    Key("title", labels, True),
    Key("description", labels),
    Key("languages", list_of(text, 1), True),
    Key("sources", mapping_of(text, text)),
    Key("notes", text),
    Key("settings_notes", mapping_of(text, text)),
    Key("scales", mapping_of(identifier, SCALE, 1), True),
    Key("questions", list_of(QUESTION, 1), True),
    Key("scoring", _any),  # shape depends on the method: check_scoring_shape
    Key("weighting", one_of(*WEIGHTING_RULES)),
)


def check_shape(doc: Document) -> None:
    """Report every shape problem of ``doc`` (HL1xx, HL501)."""
    if not isinstance(doc.data, dict):
        wrong_type(doc, (), doc.data, "a mapping at the top level (key:, title:, questions: ...)")
        return
    DEFINITION(doc, (), doc.data)


def pair(doc: Document, path: Path, value: Any) -> None:
    """A list of exactly two numbers ``[low, high]``."""
    if not isinstance(value, list) or len(value) != 2:
        wrong_type(doc, path, value, "a list of two numbers [low, high]")
        return
    for i, entry in enumerate(value):
        number(doc, path + (i,), entry)


def code_key(doc: Document, path: Path, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        wrong_type(doc, path, value, "an integer answer code")


CODES = list_of(integer)
SIPAS_ELEMENT = record(
    Key("id", identifier, True), Key("label", labels, True),
    Key("criteria", list_of(text), True), Key("satisfaction_item", nullable(text)), *PROVENANCE,
)
SIPAS_SCORING = record(
    Key("method", one_of("sipas", "papi", "onestop"), True),
    Key("scale", text, True),
    Key("satisfied_codes", CODES, True),
    Key("excluded_codes", CODES),
    Key("element_method", one_of("criterion_mean", "element_question"), True),
    Key("overall_method", one_of("mean_of_elements"), True),
    Key("overall_item", nullable(text)),
    Key("elements", list_of(SIPAS_ELEMENT, 1), True),
)
PAPI_INDICATOR = record(
    Key("id", identifier, True), Key("item", text, True), Key("label", labels),
    Key("values", mapping_of(code_key, number)),
    Key("direction", one_of("higher_better", "lower_better"), True),
    Key("bounds", pair, True), Key("eligible_if", text), *PROVENANCE,
)
PAPI_SUBDIMENSION = record(
    Key("id", dotted_identifier, True), Key("label", labels, True),
    Key("valid_from", integer), Key("valid_to", integer),
    Key("indicators", list_of(PAPI_INDICATOR, 1), True), *PROVENANCE,
)
PAPI_DIMENSION = record(
    Key("id", identifier, True), Key("label", labels, True),
    Key("subdimensions", list_of(PAPI_SUBDIMENSION, 1), True), *PROVENANCE,
)
PAPI_SCORING = record(
    Key("method", one_of("sipas", "papi", "onestop"), True),
    Key("dimension_range", pair, True),
    Key("total_range", pair, True),
    Key("indicator_rescale", one_of("theoretical")),
    Key("subdimension_aggregation", one_of("mean")),
    Key("dimensions", list_of(PAPI_DIMENSION, 1), True),
)
ONESTOP_INDICATOR = record(
    Key("id", identifier, True), Key("item", text), Key("dossier", one_of("on_time")),
    Key("label", labels), Key("points", mapping_of(code_key, integer, 1), True), *PROVENANCE,
)
# Indicators a unit's staff enter per period (TT 01/2018 indicators 5, 8, 9): no item.
ONESTOP_UNIT_INDICATOR = record(
    Key("id", identifier, True), Key("label", labels, True), Key("rubric", labels),
    *PROVENANCE,
)
ONESTOP_BAND = record(
    Key("id", identifier, True), Key("label", labels, True),
    Key("min_share", share, True), Key("max_share", share, True),
    Key("inclusive_max", boolean), *PROVENANCE,
)
ONESTOP_SCORING = record(
    Key("method", one_of("sipas", "papi", "onestop"), True),
    Key("overall_item", text, True),
    Key("satisfied_codes", CODES, True),
    Key("reason_item", text),
    Key("max_points_per_indicator", integer, True),
    Key("band_basis", one_of("points_share"), True),
    Key("indicators", list_of(ONESTOP_INDICATOR, 1), True),
    Key("unit_indicators", list_of(ONESTOP_UNIT_INDICATOR, 1)),
    Key("bands", list_of(ONESTOP_BAND, 1), True),
)
SCORING_BY_METHOD = {"sipas": SIPAS_SCORING, "papi": PAPI_SCORING, "onestop": ONESTOP_SCORING}


def check_scoring_shape(doc: Document) -> None:
    """Check the scoring block against the schema of its ``method``."""
    block = doc.get(("scoring",))
    path: Path = ("scoring",)
    if block is None:
        return
    if not isinstance(block, dict):
        wrong_type(doc, path, block, "a mapping")
        return
    method = block.get("method")
    if not isinstance(method, str) or method not in SCORING_BY_METHOD:
        if "method" not in block:
            doc.report(path, Code.HL103, key="method")
        else:
            one_of(*SCORING_BY_METHOD)(doc, path + ("method",), method)
        return
    SCORING_BY_METHOD[method](doc, path, block)
