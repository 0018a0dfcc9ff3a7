"""Read YAML into plain Python data while remembering the line of every key and item.

PyYAML's ``safe_load`` forgets positions and silently keeps the last of two duplicate keys, so we
compose the node tree ourselves, record ``start_mark.line`` per path and report duplicates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from survey_defs.errors import CatalogueCode, Code, Problem

Path = tuple[str | int | float, ...]
# libyaml's parser when available (10x faster); both keep marks with line numbers.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Aliases can make a small file expand enormously ("billion laughs"); real definitions have a
# few thousand values (papi.yaml: ~2,000).
MAX_VALUES = 50_000


class _TooLarge(Exception):
    pass


def normalise_text(text: str) -> str:
    """Return ``text`` in Unicode NFC (what is hashed and stored)."""
    return unicodedata.normalize("NFC", text)


@dataclass
class Document:
    """Parsed YAML: ``data`` plus the 1-based line of each path, and the problems found."""

    file: str
    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int:
        """Line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def get(self, path: Path) -> Any:
        """Value at ``path`` or None when any step is missing or of the wrong type."""
        value = self.data
        for step in path:
            if isinstance(step, int) and isinstance(value, list) and step < len(value):
                value = value[step]
            elif isinstance(step, str) and isinstance(value, dict) and step in value:
                value = value[step]
            else:
                return None
        return value

    def where(self, path: Path) -> str:
        """Breadcrumb such as ``questions[7] (id 'q7') -> scale``."""
        parts: list[str] = []
        for i, step in enumerate(path):
            if isinstance(step, int):
                crumb = f"[{step}]"
                item = self.get(path[: i + 1])
                if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                    crumb += f" (id '{item['id']}')"
                if parts:
                    parts[-1] += crumb
                else:
                    parts.append(crumb)
            else:
                parts.append(str(step))
        return " -> ".join(parts) if parts else "top level"

    def report(self, path: Path, code: CatalogueCode, line: int | None = None,
               **params: object) -> None:
        """Record one problem located at ``path`` (or at an explicit ``line``)."""
        message = f"at {self.where(path)}: {code.format(**params)}"
        where = line if line is not None else self.line(path)
        self.problems.append(Problem(self.file, where, code.name, message, code.severity))


def parse(file: str, text: str) -> Document:
    """Compose ``text`` into a :class:`Document`; syntax errors become HL100 problems."""
    doc = Document(file)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        detail = exc.problem or str(exc)
        doc.problems.append(
            Problem(file, line, Code.HL100.name, Code.HL100.format(detail=detail))
        )
        return doc
    except yaml.reader.ReaderError as exc:
        # NUL and other control characters: YAML refuses them before parsing anything.
        line = text.count("\n", 0, exc.position) + 1
        detail = (f"it contains the control character U+{exc.character:04X}, which YAML "
                  "does not allow" if isinstance(exc.character, int) else str(exc))
        doc.problems.append(
            Problem(file, line, Code.HL100.name, Code.HL100.format(detail=detail))
        )
        return doc
    finally:
        loader.dispose()
    if node is None:
        doc.data = None
        return doc
    doc.lines[()] = node.start_mark.line + 1
    try:
        doc.data = _convert(node, (), doc, yaml.SafeLoader(""))
    except (_TooLarge, RecursionError):
        detail = (f"it expands to more than {MAX_VALUES} values or nests too deeply "
                  "(recursive or repeated aliases)")
        doc.data, doc.lines = None, {}
        doc.problems = [Problem(file, 1, Code.HL100.name, Code.HL100.format(detail=detail))]
    return doc


def _convert(node: yaml.Node, path: Path, doc: Document, ctor: yaml.SafeLoader) -> Any:
    if len(doc.lines) > MAX_VALUES:
        raise _TooLarge
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            scalar_key = isinstance(key_node, yaml.ScalarNode)
            key = _scalar(key_node, ctor) if scalar_key else str(key_node)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool):
                key = str(key)
            if key in result:
                doc.report(path + (str(key),), Code.HL101, line=line, key=key,
                           first_line=doc.lines.get(path + (key,), "?"))
                continue
            doc.lines[path + (key,)] = line
            result[key] = _convert(value_node, path + (key,), doc, ctor)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[path + (i,)] = item.start_mark.line + 1
            items.append(_convert(item, path + (i,), doc, ctor))
        return items
    return _scalar(node, ctor)


def _scalar(node: yaml.Node, ctor: yaml.SafeLoader) -> Any:
    try:
        return ctor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        # Unknown tags (e.g. !!python/object) are data we refuse to build: keep the raw text.
        return str(getattr(node, "value", ""))


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file order, errors before warnings on the same line."""
    return sorted(problems, key=lambda p: (p.file, p.line, p.severity != "error", p.code))
