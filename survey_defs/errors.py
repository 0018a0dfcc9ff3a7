"""The catalogue of definition problems, and the types that carry them.

Every message a definition author can see comes from :class:`Code`: each entry has a stable code,
a severity, a short name and a template. Tests assert codes and lines, never free wording.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Detail:
    """One catalogue entry: severity, short name and message template."""

    severity: str
    name: str
    template: str


def _e(name: str, template: str) -> Detail:
    return Detail("error", name, template)


def _w(name: str, template: str) -> Detail:
    return Detail("warning", name, template)


class CatalogueCode:
    """What every problem catalogue's members offer (mixed into an Enum of :class:`Detail`):
    the survey language's :class:`Code` and the scorecards' ``ScorecardCode`` alike."""

    value: Detail
    name: str

    @property
    def severity(self) -> str:
        return self.value.severity

    def format(self, **params: object) -> str:
        """Render the template with ``params``."""
        return self.value.template.format(**params)


class Code(CatalogueCode, Enum):
    """Problem codes. HL1xx shape, HL2xx ids and references, HL3xx show_if, HL4xx scoring,
    HL5xx labels and languages, HL6xx values and bounds. HL9xx are warnings."""

    # Shape of the YAML document.
    HL100 = _e("YAML syntax", "the file is not valid YAML: {detail}. Fix the syntax at this line.")
    HL101 = _e("duplicate key", "key '{key}' appears twice in the same mapping (first on line "
               "{first_line}); YAML would silently keep only the last one. Remove or rename one.")
    HL102 = _e("unknown key", "unknown key '{key}'{hint} Allowed here: {allowed}.")
    HL103 = _e("missing key", "required key '{key}' is missing. Add '{key}: ...' here.")
    HL104 = _e("wrong type", "expected {expected}, got {got} ({value}).{hint}")
    HL105 = _e("value not allowed", "'{value}' is not allowed{hint} Use one of: {allowed}.")
    HL106 = _e("empty list", "the list is empty; it needs at least {min} entr{plural}.")
    HL107 = _e("bad id", "'{value}' is not a valid id: use letters, digits and '_' (and '.' "
               "inside PAPI sub-dimension ids), starting with a letter.")
    HL108 = _e("unreadable file", "cannot read the file: {detail}. Check the path and that "
               "the file is UTF-8 text.")
    # Ids and references.
    HL201 = _e("duplicate id", "{what} '{value}' is already used (line {first_line}). "
               "Ids must be unique; rename one.")
    HL202 = _e("unknown scale", "scale '{value}' is not defined under 'scales'{hint} "
               "Add it or correct the name.")
    HL203 = _e("unknown source", "source '{value}' is not listed under 'sources'{hint} "
               "Add it there or correct the key.")
    HL204 = _e("missing option", "a '{qtype}' question needs '{key}'. Add '{key}: ...'.")
    HL205 = _e("option not applicable", "'{key}' has no meaning for a '{qtype}' question. "
               "Remove it or change the type.")
    HL206 = _e("yes/no scale codes", "scale '{value}' used by a yesno question must have exactly "
               "the codes 1 (yes) and 0 (no), found {codes}.")
    # show_if expressions.
    HL301 = _e("show_if syntax", "show_if does not parse: {detail}. See docs/definitions.md "
               "for the expression language.")
    HL302 = _e("show_if unknown name", "show_if refers to '{value}', which is not a question or "
               "grid row{hint} Correct the name.")
    HL303 = _e("show_if forward reference", "show_if refers to '{value}', which is not asked "
               "before this question ({reason}). Skip logic may only use earlier answers; move the "
               "question or change the condition.")
    HL304 = _e("show_if bad function", "{detail}.")
    # Scoring.
    HL401 = _e("scoring unknown item", "scoring refers to '{value}', which is not a question or "
               "grid row{hint} Correct the name or add the question.")
    HL402 = _e("scoring mixes scales", "item '{value}' uses {got}, but this scoring block is on "
               "scale '{expected}'. All scored items must share the scoring scale.")
    HL403 = _e("scoring unknown code", "code {value} is not a code of {where}. Use one of: "
               "{allowed}.")
    HL404 = _e("scoring method mismatch", "{detail}.")
    HL405 = _e("item scored twice", "item '{value}' is already scored at {first}. "
               "Score each item once.")
    HL406 = _e("bands gap or overlap", "{detail}. Bands must tile [0, 1] without gaps or "
               "overlaps, sorted from low to high.")
    HL407 = _e("points out of range", "points {value} outside 0..{max}. Lower the points or "
               "raise max_points_per_indicator.")
    HL408 = _e("value outside bounds", "value {value} lies outside the indicator bounds "
               "[{lo}, {hi}]. Change the value or the bounds.")
    # Labels and languages.
    HL501 = _e("missing Vietnamese", "the Vietnamese text ('vi') is missing. Every label needs "
               "'vi: ...'; other languages are optional.")
    HL502 = _e("vi not declared", "'languages' must include 'vi' (Vietnamese is required).")
    # Values and bounds.
    HL601 = _e("inverted bounds", "{what} is inverted: the lower bound {lo} is not below the "
               "upper bound {hi}. Swap them.")
    HL602 = _e("value out of range", "{what} must be between {lo} and {hi}, got {value}. "
               "Change the value.")
    # Warnings.
    HL901 = _w("label in undeclared language", "label in language '{value}', which is not "
               "in 'languages' ({allowed}). Declare it or remove the text.")
    HL902 = _w("label missing a declared language", "no '{value}' text although '{value}' is "
                "declared in 'languages'.")
    HL903 = _w("show_if compares with unknown code", "show_if compares '{name}' with {value}, "
               "which is not a code of its scale ({allowed}); the condition can never match "
               "that code.")
    HL904 = _w("no provenance", "{what} has no 'source'/'verification'; users cannot see "
               "whether its wording is official. Add both.")


@dataclass(frozen=True)
class Problem:
    """One problem in one file, at one line."""

    file: str
    line: int
    code: str
    message: str
    severity: str = "error"

    def format(self) -> str:
        """Return the ``file:line: CODE message`` form printed by ``hailong defs check``."""
        return f"{self.file}:{self.line}: {self.code} {self.message}"


class DefinitionError(Exception):
    """Raised by :func:`survey_defs.load_definition` when a definition has errors.

    ``problems`` holds every problem found in the file, errors and warnings.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def suggest(name: object, candidates: Iterable[object]) -> str:
    """Return "; did you mean 'x'?" for a close candidate, else "." (ends a sentence)."""
    pool = [str(c) for c in candidates]
    close = difflib.get_close_matches(str(name), pool, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else "."
