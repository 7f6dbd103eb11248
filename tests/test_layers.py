"""The package's layers, read from its own imports: the floor reaches up to nothing, cleaning
and rendering do not know each other, only the CLI speaks click, and no import goes round."""

from __future__ import annotations

import ast

from tests.paths import ROOT

PACKAGE = ROOT / "src" / "anthology"


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = ast.parse(path.read_text(encoding="utf-8"))
    return modules


MODULES = _modules()


def _imported(tree: ast.Module) -> set[str]:
    """Every module named by an import anywhere in ``tree`` (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _package_imports(name: str) -> set[str]:
    """The package's modules ``name`` imports (a name imported from a module counts as it)."""
    found = set()
    for imported in _imported(MODULES[name]):
        while imported and imported not in MODULES:
            imported = imported.rpartition(".")[0]
        if imported and imported not in (name, "anthology"):
            found.add(imported)
    return found


GRAPH = {name: _package_imports(name) for name in MODULES}


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_floor_imports_nothing_else_of_the_package() -> None:
    breaches = {
        name: sorted(m for m in imports if not _within(m, "anthology.core"))
        for name, imports in GRAPH.items()
        if _within(name, "anthology.core")
    }
    assert {name: found for name, found in breaches.items() if found} == {}


def test_cleaning_and_rendering_do_not_import_each_other() -> None:
    crossings = [
        (name, imported)
        for name, imports in GRAPH.items()
        for imported in imports
        if (_within(name, "anthology.clean") and _within(imported, "anthology.render"))
        or (_within(name, "anthology.render") and _within(imported, "anthology.clean"))
    ]
    assert crossings == []


def test_only_the_cli_and_the_errors_import_click() -> None:
    users = sorted(
        name
        for name, tree in MODULES.items()
        if any(m == "click" or m.startswith("click.") for m in _imported(tree))
    )
    assert [
        n for n in users if not _within(n, "anthology.cli") and n != "anthology.core.errors"
    ] == []


def test_no_import_cycle() -> None:
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for imported in sorted(GRAPH[name]):
            if state.get(imported) == 1:
                cycles.append(path[path.index(imported) :] + [imported])
            elif imported not in state:
                visit(imported)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert cycles == []


def _private_uses(tree: ast.Module) -> list[str]:
    """Names starting with ``_`` that ``tree`` takes from the package: imported, or read as an
    attribute of a package module it imported."""
    modules: set[str] = set()  # local names bound to a module of the package
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("anthology"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{node.module}.{alias.name}")
                if f"{node.module}.{alias.name}" in MODULES:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("anthology"):
                    modules.add(alias.asname or alias.name.partition(".")[0])
                    found += [p for p in alias.name.split(".") if p.startswith("_")]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                found.append(ast.unparse(node))
    return found


def test_no_test_uses_a_private_name_of_the_package() -> None:
    """Tests go through public names, so a refactor breaks them only when behaviour changes."""
    tests = ROOT / "tests"
    uses = {
        str(path.relative_to(tests)): found
        for path in sorted(tests.rglob("*.py"))
        if (found := _private_uses(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert uses == {}
