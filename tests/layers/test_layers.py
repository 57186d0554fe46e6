"""The package's layers, read from its source: who may import whom, and no cycles.

Bottom: the spec and what is read straight from it. Above it the client (the base
install), and beside each other the sandbox, the contract suite, the pytest fixtures and
the publishing tools, which never import each other sideways (the fixtures reuse the
sandbox's application on purpose: the in-process mock *is* the sandbox; and
`citcall_callbacks` runs the contract layer's receiver suite, as `verify-receiver` does). Commands
orchestrate layers and may import any of them, inside `run`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import REPO

PACKAGE = REPO / "citcall_contract"

BOTTOM = "bottom"
CLIENT = "client"
#: The layer of each folder of the package: one line per folder, so a new module needs no edit.
LAYER_OF_FOLDER = {
    "spec": BOTTOM,
    "core": BOTTOM,
    "client": CLIENT,
    "sandbox": "sandbox",
    "contract": "contract",
    "fixtures": "fixtures",
    "publishing": "publishing",
    "commands": "commands",
}
#: The package's face and entry points, the only modules at its top level.
LAYER_OF_TOP_MODULE = {
    "__init__": CLIENT,
    "__main__": "commands",
    "cli": "commands",
    "testing": "fixtures",
}
#: What each layer may import besides itself.
ALLOWED = {
    BOTTOM: {BOTTOM},
    CLIENT: {BOTTOM, CLIENT},
    "sandbox": {BOTTOM, CLIENT},
    "contract": {BOTTOM, CLIENT},
    "fixtures": {BOTTOM, CLIENT, "sandbox", "contract"},
    "publishing": {BOTTOM, CLIENT},
    "commands": {BOTTOM, CLIENT, "sandbox", "contract", "fixtures", "publishing"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str | None:
    """The layer of a module of this package, read from its folder (None outside it)."""
    parts = module.split(".")
    if parts[0] != "citcall_contract":
        return None
    if len(parts) == 1:
        return CLIENT
    if (PACKAGE / parts[1]).is_dir():
        return LAYER_OF_FOLDER.get(parts[1], f"unclassified folder {parts[1]}")
    return LAYER_OF_TOP_MODULE.get(parts[1], f"unclassified top-level module {parts[1]}")


def sources() -> Iterator[Path]:
    yield from sorted(p for p in PACKAGE.rglob("*.py") if "openapi" not in p.parts)


def imports(path: Path, top_level_only: bool) -> Iterator[str]:
    """Modules of this package that `path` imports (type-checking-only imports excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    skipped = {
        id(n)
        for stmt in ast.walk(tree)
        if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test)
        for n in ast.walk(stmt)
    }
    for node in nodes:
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("citcall_contract"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("citcall_contract"):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    submodule = PACKAGE.parent / Path(*candidate.split("."))
                    is_module = submodule.with_suffix(".py").is_file() or submodule.is_dir()
                    yield candidate if is_module else base


def test_every_module_has_a_layer() -> None:
    unclassified = {
        module_name(p): layer(module_name(p))
        for p in sources()
        if (layer(module_name(p)) or "").startswith("unclassified")
    }
    assert not unclassified, unclassified


@pytest.mark.parametrize("path", list(sources()), ids=lambda p: module_name(p))
def test_imports_respect_the_layers(path: Path) -> None:
    own = layer(module_name(path))
    assert own is not None
    allowed = ALLOWED.get(own, set()) | {own}
    wrong = sorted(
        f"{target} ({layer(target)})"
        for target in set(imports(path, top_level_only=False))
        if layer(target) not in allowed
    )
    assert not wrong, f"{module_name(path)} ({own}) imports sideways or upwards: {wrong}"


def test_no_import_cycles() -> None:
    graph = {
        module_name(p): {t for t in imports(p, top_level_only=True) if t != module_name(p)}
        for p in sources()
    }
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        for target in sorted(graph.get(node, ())):
            if target in trail:
                cycles.append([*trail[trail.index(target) :], target])
            elif len(trail) < 30:
                visit(target, [*trail, target])

    for start in graph:
        visit(start, [start])
    assert not cycles, cycles[:5]


def test_the_top_level_holds_only_the_face_and_entry_points() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= set(LAYER_OF_TOP_MODULE), top - set(LAYER_OF_TOP_MODULE)
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(LAYER_OF_FOLDER), folders ^ set(LAYER_OF_FOLDER)


def test_each_folder_says_what_it_is_for_and_what_it_may_import() -> None:
    for folder in LAYER_OF_FOLDER:
        doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text()))
        assert doc, f"{folder}/__init__.py has no docstring"
        assert "import" in doc.lower(), f"{folder}/__init__.py does not say what it may import"


def test_the_plugin_module_imports_only_pytest_and_the_standard_library() -> None:
    import sys

    tree = ast.parse((PACKAGE / "testing.py").read_text(encoding="utf-8"))
    third_party = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            third_party |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            third_party.add(node.module.split(".")[0])
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    assert third_party - stdlib <= {"pytest"}, third_party - stdlib
