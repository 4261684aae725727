"""The layout holds: no import cycle, no lower layer imports a higher one, no blueprint of web/ imports another.

Every `import` and `from ... import` in src/almerekg (also those inside functions) is read with `ast`.
Layers, lowest first: what a module may import is its own layer or a lower one.
Inside web/ the same rule one level down: http/ is the plumbing, state.py holds the app's state, core/ is what
pages share; each other sub-package is a blueprint, which imports those three and never another blueprint.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "almerekg"

LAYERS = [
    {"almerekg", "almerekg.errors", "almerekg.settings", "almerekg.vocab"},
    # link/formats.py only names the columns of the files `almerekg link` writes and the build reads.
    {"almerekg.store", "almerekg.dumps", "almerekg.validate", "almerekg.link.formats"},
    {"almerekg.engine", "almerekg.graph"},
    {"almerekg.saved_queries", "almerekg.link"},
    {"almerekg.web"},
    {"almerekg.cli"},
]


def modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            target = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                out.add(candidate if candidate in known else target)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {t for t in out if t in known and t != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def layer(name: str) -> int:
    best = -1
    for i, members in enumerate(LAYERS):
        for m in members:
            if (name == m or name.startswith(m + ".")) and len(m) > best:
                found, best = i, len(m)
    return found


def test_every_module_has_a_layer() -> None:
    assert all(layer(name) >= 0 for name in graph())


def test_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_lower_layer_imports_a_higher_one() -> None:
    upward = sorted((name, target) for name, targets in graph().items() for target in targets
                    if layer(target) > layer(name))
    assert upward == []


def test_the_check_sees_imports_inside_functions() -> None:
    """The CLI imports the web server inside a function: the graph must see it (or the cycle test is blind)."""
    assert "almerekg.web.serve" in graph()["almerekg.cli"]


# What each part of web/ may import of web/ besides itself; every other sub-package is a blueprint.
WEB_BELOW = {"http": set(), "state": {"http"}, "serve": {"http"}, "core": {"http", "state"}}
BLUEPRINT_MAY_IMPORT = {"core", "http", "state"}


def web_part(name: str) -> str | None:
    """'almerekg.web.site.home' -> 'site'; None for what is not inside web/ (and for web/__init__, the factory)."""
    parts = name.split(".")
    return parts[2] if parts[:2] == ["almerekg", "web"] and len(parts) > 2 else None


def web_violations(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs inside web/ that break the rule above."""
    out = []
    for name, targets in edges.items():
        own = web_part(name)
        if own is None:
            continue
        allowed = WEB_BELOW.get(own, BLUEPRINT_MAY_IMPORT) | {own}
        out.extend((name, t) for t in targets if web_part(t) is not None and web_part(t) not in allowed)
    return sorted(out)


def test_web_has_a_core_and_blueprints() -> None:
    parts = {web_part(name) for name in graph()} - {None}
    assert {"core", "http", "state"} <= parts
    assert {"linkeddata", "site", "report", "sparql", "saved_queries", "dataset", "network"} <= parts


def test_no_blueprint_imports_another_and_the_core_imports_none() -> None:
    assert web_violations(graph()) == []


def test_the_web_rule_fails_on_a_blueprint_importing_another_inside_a_function(tmp_path: Path) -> None:
    """The rule is not blind: an import of one blueprint by another, hidden in a function, is caught."""
    source = tmp_path / "editor.py"
    source.write_text("def vocabulary():\n    from ..linkeddata.views import context\n    return context()\n",
                      encoding="utf-8")
    known = modules()
    found = imports("almerekg.web.sparql.editor", source, known)
    assert found == {"almerekg.web.linkeddata.views"}
    assert web_violations({"almerekg.web.sparql.editor": found}) == [
        ("almerekg.web.sparql.editor", "almerekg.web.linkeddata.views")]


@pytest.mark.parametrize(("importer", "imported"), [
    ("almerekg.web.core.index", "almerekg.web.report.views"),
    ("almerekg.web.http.errors", "almerekg.web.core.render"),
    ("almerekg.web.state", "almerekg.web.core.pages"),
])
def test_the_web_rule_fails_on_the_shared_parts_importing_upwards(importer: str, imported: str) -> None:
    assert web_violations({importer: {imported}}) == [(importer, imported)]
