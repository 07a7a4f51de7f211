"""The layering that docs/architecture.md states, checked on the source: ``lib`` imports
no app, and every app imports only apps listed before it in ``INSTALLED_APPS`` (ground
floor first). Imports under ``if TYPE_CHECKING:`` are for the type checker only and do
not count; tests may import anything."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]  # almen/
APPS = [name.split(".")[1] for name in settings.INSTALLED_APPS if name.startswith("almen.")]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST) -> set[str]:
    """The almen packages a module imports at run time."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for statement in node.orelse:
                visit(statement)
            return
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "almen" and len(parts) > 1:
                found.add(parts[1])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """For each package under almen/ (apps and lib): the other packages its non-test
    code imports at run time."""
    graph: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).parts
        if len(relative) < 2 or "tests" in relative or relative[-1] == "conftest.py":
            continue
        package = relative[0]
        imported = _imported(ast.parse(path.read_text(), str(path))) - {package}
        graph.setdefault(package, set()).update(imported)
    return graph


def test_the_ground_floor_imports_no_app() -> None:
    assert import_graph()["lib"] == set()


def test_every_app_imports_only_apps_below_it() -> None:
    graph = import_graph()
    assert set(graph) - {"lib", "locale", "templates"} <= set(APPS), "an app outside the list"
    wrong = {
        (app, other)
        for app, imported in graph.items()
        if app in APPS
        for other in imported
        if other != "lib" and (other not in APPS or APPS.index(other) > APPS.index(app))
    }
    assert not wrong, f"imports from a higher floor: {sorted(wrong)}"


def test_the_stated_seams_hold() -> None:
    """What docs/architecture.md says in words."""
    graph = import_graph()
    importers = {other for imported in graph.values() for other in imported}
    assert "web" not in importers and "api" not in importers  # they compose, nobody uses them
    assert not graph["register"] & {"goals", "imports", "dialogue", "reports"}
    # Goals' objects take attachments and send notifications (platform apps below it).
    assert graph["goals"] <= {
        "lib",
        "accounts",
        "audit",
        "notify",
        "access",
        "register",
        "attachments",
    }
    assert not graph["attachments"] & {"goals", "dialogue", "imports", "reports"}
    assert graph["api"] == {"lib"}  # the open-data zip and the router list name no module
    assert graph["web"] <= {"lib", "accounts", "audit", "access", "register"}


def test_the_graph_sees_a_violation() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "import almen.web.views\n"
        "if TYPE_CHECKING:\n    from almen.goals.models import Goal\n"
        "def f():\n    from almen.reports import packs\n"
    )
    assert _imported(tree) == {"web", "reports"}


def test_the_architecture_page_states_the_real_graph() -> None:
    """docs/architecture.md's table of who imports whom is the graph above."""
    text = (ROOT.parent / "docs" / "architecture.md").read_text()
    section = text.split("## Module seams", 1)[1].split("\n## ", 1)[0]
    stated: dict[str, set[str]] = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        apps_cell, imports_cell = (cell.strip() for cell in line.strip("|").split("|"))
        imported = set() if imports_cell == "nothing" else set(imports_cell.split(", "))
        for app in apps_cell.replace("`", "").split(", "):
            stated[app] = imported
    graph = import_graph()
    assert stated == {package: graph.get(package, set()) for package in ["lib", *APPS]}
