"""The shape the code keeps (docs/architecture.md, Layout): who may import whom, and classes a
reader can hold in mind. Read from the source with `ast`, so nothing here runs the modules."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "relations"


def imported_modules(path):
    """The relations modules a file imports, as dotted names ("relations.views")."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("relations")}


@pytest.mark.parametrize("name", ["api", "serializers", "selectors", "feeds", "sitemaps", "downloads"])
def test_the_api_and_what_the_pages_share_never_import_the_html_views(name):
    assert "relations.views" not in imported_modules(APP / f"{name}.py")


@pytest.mark.parametrize("name", ["workflow", "dates", "amounts", "i18n", "text"])
def test_the_small_shared_modules_import_no_model(name):
    assert "relations.models" not in imported_modules(APP / f"{name}.py")


def test_no_class_in_the_app_is_longer_than_250_lines():
    long = [
        f"{path.relative_to(APP.parent)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in APP.rglob("*.py")
        if "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > 250
    ]
    assert long == []


def test_the_app_does_not_import_the_benchmarks():
    importers = [
        str(path.relative_to(APP.parent))
        for path in APP.rglob("*.py")
        if any(name.startswith("benchmarks") for name in _all_imports(path))
    ]
    assert importers == []


def _all_imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
