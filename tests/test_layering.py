"""Data flows one way: no module imports one above it (seeds -> content -> model -> pages -> files)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Top to bottom. A module may import only modules in layers below its own.
LAYERS = [
    {"__main__"},
    {"cli"},
    {"serve"},
    {"incremental"},
    {"build", "changes"},
    {"render", "feeds", "search", "scaffold", "cache"},
    {"model"},
    {"content"},
    {"urls", "markup", "ingest"},
    {"config", "tags", "output", "fastmd"},
    {"errors"},
    {"__init__"},
]
LAYER_OF = {name: depth for depth, names in enumerate(LAYERS) for name in names}


def top_module(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_modules(path: Path) -> set[str]:
    """Top-level generator modules that `path` imports."""
    in_subpackage = len(path.relative_to(PACKAGE).parts) > 1
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.split(".")[0] == "generator":
                parts = node.module.split(".")[1:]
            elif node.level == 1 and not in_subpackage or node.level == 2 and in_subpackage:
                parts = (node.module or "").split(".") if node.module else []
            else:
                continue   # within the same subpackage
            names = [parts[0]] if parts and parts[0] else [alias.name for alias in node.names]
            found.update(names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("generator."))
    return found


def test_every_module_has_a_layer():
    modules = {top_module(p) for p in PACKAGE.rglob("*.py")}
    assert sorted(modules - set(LAYER_OF)) == [], "add new modules to LAYERS"


def test_no_module_imports_one_above_it():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = top_module(path)
        for other in imported_modules(path) - {me}:
            if other in LAYER_OF and LAYER_OF[other] <= LAYER_OF[me] and other != "__init__":
                wrong.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert wrong == []
