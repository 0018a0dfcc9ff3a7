"""The import contract: arrows between and inside hailong's parts point one way only.

Every import of every module under ``survey_defs/``, ``analysis/`` and ``webapp/`` is read with
``ast``, function-level imports included (an import inside a function is an arrow too; it only
runs later). The rules (README, "Architecture"):

- ``survey_defs`` imports neither ``analysis`` nor ``webapp``; ``analysis`` never imports
  ``webapp``.
- The shared kernel (``webapp``'s top-level modules and ``webapp.models``) imports no feature.
- A feature's services and forms never import a views module (views are the top of the app)
  nor the app factory (``webapp/__init__.py``); views never import another feature's views.
- No import cycle among modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("survey_defs", "analysis", "webapp")
# Modules above the features: the entry points that wire the features together.
ENTRY_POINTS = {"webapp", "webapp.cli", "webapp.cli_backup"}
# Kernel modules that read the signed-in user for every page (auth is the kernel's access rule).
KERNEL_MAY_USE = {"webapp.auth.access"}
# Known cycles still to be broken, each with the issue that removes it.
ALLOWED_CYCLES: list[set[str]] = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path
            for part in PARTS for path in sorted((ROOT / part).rglob("*.py"))}


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in the file, resolved to a known module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _known(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in MODULES:
                    yield submodule, node.lineno
                else:
                    yield from _known(target, node.lineno)


def _known(target: str, line: int) -> Iterator[tuple[str, int]]:
    # ``import a.b.c`` names a.b.c; stop at the longest prefix that is one of our modules.
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in MODULES:
            yield ".".join(parts[:end]), line
            return


GRAPH = {name: sorted(set(_imports(name, path))) for name, path in MODULES.items()}


def _part(name: str) -> str:
    return name.split(".")[0]


def _feature(name: str) -> str | None:
    """The feature package a webapp module belongs to, or None for the kernel and entry points."""
    parts = name.split(".")
    if parts[0] != "webapp" or len(parts) < 2 or name in ENTRY_POINTS:
        return None
    if (ROOT / "webapp" / parts[1]).is_dir() and parts[1] != "models":
        return parts[1]
    return None


def _is_views(name: str) -> bool:
    leaf = name.rpartition(".")[2]
    return leaf == "views" or leaf.endswith("_views")


def _violations(rule: str) -> list[str]:
    found = []
    for name, imports in GRAPH.items():
        for target, line in imports:
            where = f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}"
            if rule == "parts":
                allowed = {"survey_defs": {"survey_defs"}, "analysis": {"survey_defs", "analysis"},
                           "webapp": set(PARTS)}[_part(name)]
                if _part(target) not in allowed:
                    found.append(where)
            elif rule == "kernel":
                if (_part(name) == "webapp" and _feature(name) is None and name not in ENTRY_POINTS
                        and _feature(target) is not None and target not in KERNEL_MAY_USE):
                    found.append(where)
            elif rule == "services":
                if _feature(name) is None or _is_views(name):
                    continue
                if _is_views(target) or target in ENTRY_POINTS:
                    found.append(where)
            elif rule == "views":
                if (_is_views(name) and _is_views(target)
                        and _feature(name) != _feature(target)):
                    found.append(where)
    return found


def test_parts__point_down_only() -> None:
    assert (found := _violations("parts")) == [], "\n".join(found)


def test_kernel__imports_no_feature() -> None:
    assert (found := _violations("kernel")) == [], "\n".join(found)


def test_services_and_forms__import_no_views_and_not_the_factory() -> None:
    assert (found := _violations("services")) == [], "\n".join(found)


def test_views__never_import_another_features_views() -> None:
    assert (found := _violations("views")) == [], "\n".join(found)


def _cycles() -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    counter = 0
    for start in GRAPH:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = [t for t, _ in GRAPH[node]]
            if child < len(targets):
                work.append((node, child + 1))
                nxt = targets[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or any(t == node for t, _ in GRAPH[node]):
                    components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def test_no_import_cycles__except_the_listed_ones() -> None:
    cycles = [sorted(c) for c in _cycles() if c not in ALLOWED_CYCLES]
    assert cycles == [], "\n".join(" <-> ".join(c) for c in cycles)


def test_the_contract_sees_function_level_and_relative_imports() -> None:
    # The checks above are only as good as the graph: the factory imports the blueprints inside
    # create_app, relatively; those must be edges like any top-level absolute import.
    assert "webapp.respond.views" in {t for t, _ in GRAPH["webapp"]}
    assert "survey_defs" in {_part(t) for t, _ in GRAPH["webapp.respond.flow"]}
