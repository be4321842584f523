"""Data flows one way: no module imports one above it, and no import circle anywhere in `generator/`.

Modules are seen one by one, inside packages too (`generator.serve.http`, not just `serve`), and imports
made inside functions count: a lazy import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Top to bottom, by top-level module or package. A module may import only modules in layers below its own.
LAYERS = [
    {"__main__"},
    {"cli"},
    {"serve"},
    {"check", "progress", "archetype"},   # check: pure functions over a built output; progress: the build's line
    {"build"},
    {"changes", "scaffold"},
    {"render", "feeds", "search"},
    {"structured", "presentation"},   # render hands templates a Presenter (structured.py)
    {"failures"},
    {"model"},
    {"content"},
    {"fields", "links"},
    {"markup", "ingest"},
    {"urls"},
    {"config", "tags", "fastmd", "cache", "i18n"},   # i18n: the theme's words and dates (Babel)
    {"errors"},
    {"__init__"},
]
LAYER_OF = {name: depth for depth, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The generator modules `path` imports (full dotted names), wherever in the file the import is."""
    me = module_name(path)
    package = me if is_package(path) else me.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:      # `from . import feeds` imports a module; `from .x import y` imports x
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in known and name != me}


def graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in files}
    return {module_name(p): imports_of(p, known) for p in files}


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_module_has_a_layer():
    assert sorted({top(m) for m in graph()} - set(LAYER_OF)) == [], "add new modules to LAYERS"


def test_no_module_imports_one_above_it():
    wrong = [f"{me} imports {other}" for me, others in graph().items() for other in others
             if top(other) != top(me) and top(other) != "__init__" and LAYER_OF[top(other)] <= LAYER_OF[top(me)]]
    assert wrong == []


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the list of modules around it, or None."""
    state: dict[str, int] = {}      # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for other in sorted(edges.get(node, ())):
            if state.get(other) == 1:
                return path[path.index(other):] + [other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_circle_anywhere():
    """A package's `__init__` re-exporting its modules is not a circle: only module-to-module edges count."""
    edges = {me: {o for o in others if not (o == me.rsplit(".", 1)[0])} for me, others in graph().items()}
    assert find_cycle(edges) is None


def test_the_circle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_file_over_about_400_lines():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 420}
    assert long == {}
