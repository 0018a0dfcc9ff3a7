"""Load a scorecard file: parse with line marks, check, build; and apply a loaded point table."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

from survey_defs.errors import DefinitionError, Problem
from survey_defs.load import SHIPPED_DIR as SURVEYS_DIR
from survey_defs.load import _read, content_hash
from survey_defs.scorecards.check import check
from survey_defs.scorecards.model import Item, Scorecard, build
from survey_defs.source import normalise_text, parse, sort_problems

SHIPPED_DIR = Path(__file__).resolve().parent
_KEY_LINE = re.compile(r"^key:\s*['\"]?([A-Za-z0-9_]+)", re.MULTILINE)


def known_surveys() -> dict[str, str]:
    """Survey keys a survey-based rule may name: the shipped survey definitions."""
    found: dict[str, str] = {}
    for path in sorted(SURVEYS_DIR.glob("*.yaml")):
        match = _KEY_LINE.search(path.read_text(encoding="utf-8"))
        if match:
            found[match.group(1)] = path.name
    return found


def load_scorecard(
    source: str | Path, *, text: str | None = None, surveys: Mapping[str, str] | None = None,
) -> tuple[Scorecard, tuple[Problem, ...]]:
    """Load one scorecard (or ``text``, named ``source`` in messages): the scorecard and its
    warnings. Raises :class:`DefinitionError` with every problem when any is an error."""
    file = str(source)
    if text is None:
        text = _read(file, Path(source))
    text = normalise_text(text.removeprefix("\ufeff"))
    doc = parse(file, text)
    if not doc.problems:
        check(doc, dict(surveys if surveys is not None else known_surveys()))
    problems = sort_problems(doc.problems)
    if any(p.severity == "error" for p in problems) or doc.data is None:
        raise DefinitionError(problems)
    lines = {str(doc.get(path + ("code",))): line for path, line in doc.lines.items()
             if path and isinstance(path[-1], int) and isinstance(doc.get(path), dict)
             and "code" in doc.get(path)}
    return build(doc.data, text, content_hash(text), file, lines), tuple(problems)


def check_scorecard_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Errors and warnings of every scorecard file, in file and line order."""
    found: list[Problem] = []
    for path in paths:
        try:
            found.extend(load_scorecard(path)[1])
        except DefinitionError as exc:
            found.extend(exc.problems)
    return found


def shipped_scorecards() -> list[Path]:
    """The scorecards shipped with the package, sorted by name."""
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def point_problems(card: Scorecard, points: Mapping[str, Decimal]) -> list[tuple[str, str]]:
    """Problems of a point table ``{code: max_points}`` for ``card``, as (code, why) pairs:
    unknown codes, items left without points, parts that do not add up to their parent, and a
    total different from the scorecard's ``total_points``. Empty when the table is complete."""
    problems: list[tuple[str, str]] = []
    codes = {item.code for item in card.items()}
    for code in points:
        if code not in codes:
            problems.append((code, f"'{code}' is not an item of {card.key} {card.version}"))
    merged = {item.code: points.get(item.code, item.max_points) for item in card.items()}
    for item in card.items():
        if merged[item.code] is None:
            problems.append((item.code, f"item '{item.code}' has no maximum points"))
    if problems:
        return problems
    for item in card.items():
        if item.children:
            parts = sum((merged[c.code] or Decimal(0) for c in item.children), Decimal(0))
            if parts != merged[item.code]:
                problems.append((item.code, f"the parts of '{item.code}' add up to {parts}, "
                                 f"not {merged[item.code]}"))
    total = sum((merged[d.code] or Decimal(0) for d in card.domains), Decimal(0))
    if total != card.total_points:
        problems.append(("", f"the domains add up to {total}, not {card.total_points}"))
    return problems


def with_points(card: Scorecard, points: Mapping[str, Decimal]) -> Scorecard:
    """``card`` with the maximum points of ``points`` filled in (check them first)."""

    def fill(item: Item) -> Item:
        return dataclasses.replace(item, max_points=points.get(item.code, item.max_points),
                                   children=tuple(fill(c) for c in item.children))

    return dataclasses.replace(card, domains=tuple(fill(d) for d in card.domains))
