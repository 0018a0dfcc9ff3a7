"""The one entry point: read, check and build a definition, returning it with its warnings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey_defs import checks, schema
from survey_defs.errors import Code, DefinitionError, Problem
from survey_defs.model import SurveyDefinition, build
from survey_defs.source import normalise_text, parse, sort_problems

SHIPPED_DIR = Path(__file__).resolve().parent
# The largest shipped definition (PAPI) is under 50 KB; 2 MB leaves room for any real survey
# while refusing a mistaken upload before YAML spends time and memory on it.
MAX_DEFINITION_BYTES = 2 * 1024 * 1024
MAX_DEFINITION_CHARS = MAX_DEFINITION_BYTES


@dataclass(frozen=True)
class LoadResult:
    """A loaded definition and the warnings found while checking it."""

    definition: SurveyDefinition
    warnings: tuple[Problem, ...]


def content_hash(text: str) -> str:
    """sha256 hex of the NFC-normalised text (what a published version is keyed by)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def _problems(file: str, text: str) -> tuple[list[Problem], Any]:
    doc = parse(file, text)
    if any(p.code == Code.HL100.name for p in doc.problems):
        return doc.problems, None
    schema.check_shape(doc)
    schema.check_scoring_shape(doc)
    checks.run_all(doc)
    return sort_problems(doc.problems), doc.data


def load_definition(source: str | Path, *, text: str | None = None) -> LoadResult:
    """Load one definition file (or ``text``, with ``source`` naming it in messages).

    Raises :class:`DefinitionError` carrying every problem when any is an error.
    """
    file = str(source)
    if text is None:
        text = _read(file, Path(source))
    if len(text) > MAX_DEFINITION_CHARS:
        raise DefinitionError([_unreadable(file, 1, f"it has {len(text)} characters; a "
                                                    f"definition may have {MAX_DEFINITION_CHARS}")])
    text = normalise_text(text.removeprefix("\ufeff"))  # a BOM must not change the hash
    problems, data = _problems(file, text)
    if any(p.severity == "error" for p in problems):
        raise DefinitionError(problems)
    definition = build(data, text, content_hash(text), file)
    return LoadResult(definition, tuple(problems))


def _unreadable(file: str, line: int, detail: str) -> Problem:
    return Problem(file, line, Code.HL108.name, Code.HL108.format(detail=detail))


def _read(file: str, path: Path) -> str:
    """The file's text; too large, unreadable or not UTF-8 is a problem with its line."""
    try:
        size = path.stat().st_size
        if size > MAX_DEFINITION_BYTES:
            raise DefinitionError([_unreadable(file, 1, f"it is {size} bytes; a definition "
                                                        f"may have {MAX_DEFINITION_BYTES}")])
        data = path.read_bytes()
    except OSError as exc:
        raise DefinitionError([_unreadable(file, 1, str(exc))]) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DefinitionError([_unreadable(
            file, line, f"byte 0x{data[exc.start]:02x} is not UTF-8 (save the file as UTF-8)")]
        ) from exc


def check_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Errors and warnings of every file, in file and line order (for ``hailong defs check``)."""
    found: list[Problem] = []
    for path in paths:
        try:
            found.extend(load_definition(path).warnings)
        except DefinitionError as exc:
            found.extend(exc.problems)
    return found


def shipped_paths() -> list[Path]:
    """The definitions shipped with the package, sorted by name."""
    return sorted(SHIPPED_DIR.glob("*.yaml"))
