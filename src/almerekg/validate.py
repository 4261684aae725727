"""SHACL validation whose findings point at the data file and row a person must fix.

Every build validates with pyshacl-turbo (a Rust engine with pySHACL's `validate()` signature): on the
build's 20,762 triples it needs a twentieth of pyshacl's time (bench/build.py). pyshacl stays the
reference: tests/graph/test_shacl_engines.py checks that both report exactly the same results (focus
node, path, value, severity, source shape, component) on the real data, on every broken data set of
tests/graph/test_bad_data.py and on a broken fixture per constraint component used in shapes/.
`almerekg validate --shacl-engine pyshacl` runs the reference itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from .vocab import SH


class ShapesError(Exception):
    """The shapes graph itself is broken (pyshacl refuses it)."""


@dataclass
class Finding:
    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    rows: list[str] = field(default_factory=list)
    component: str = ""

    def __str__(self) -> str:
        where = ", ".join(self.rows) if self.rows else "(no data row; ontology or build)"
        parts = [where, f"{self.severity}", f"focus {self.focus}"]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value:
            parts.append(f"found {self.value}")
        parts.append(self.message)
        return " | ".join(parts)


@dataclass
class ValidationResult:
    conforms: bool
    violations: list[Finding]
    warnings: list[Finding]
    report: Graph

    def report_turtle(self) -> bytes:
        return self.report.serialize(format="turtle", encoding="utf-8")


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return repr(str(term)) + (f"^^{term.datatype.rsplit('#', 1)[-1]}" if term.datatype else "")
    return str(term)


BUILD_ENGINE = "pyshacl-turbo"
REFERENCE_ENGINE = "pyshacl"
ENGINES = (BUILD_ENGINE, REFERENCE_ENGINE)


def _engine(name: str) -> Callable:
    """The `validate` function of an engine, imported on first use (each costs about a second to import)."""
    if name == BUILD_ENGINE:
        from pyshacl_turbo import validate as engine_validate
    elif name == REFERENCE_ENGINE:
        from pyshacl import validate as engine_validate
    else:
        raise ValueError(f"unknown SHACL engine {name!r} (one of {', '.join(ENGINES)})")
    return engine_validate


def shacl_report(data: Graph, shapes: Graph, engine: str = BUILD_ENGINE) -> Graph:
    """The SHACL validation report of `data` (one graph: the union of the build's graphs) by `engine`.

    The shapes run without inference (the data carry their own types) and with SHACL-SPARQL."""
    _conforms, report, text = _engine(engine)(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False
    )
    if not isinstance(report, Graph):
        raise ShapesError(f"the shapes in shapes/ cannot be used ({engine}): {str(text).strip()}")
    return report


def _message(report: Graph, result, shapes: Graph, shape, component: str) -> str:  # noqa: ANN001 - rdflib nodes
    """The shape's own words (sh:message, SPARQL variables filled in), else the component that failed.

    A message the engine makes up itself differs between engines; the shape's message does not."""
    if component == "SPARQLConstraintComponent" or shapes.value(shape, SH.message) is not None:
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        if messages:
            return "; ".join(messages)
    return f"{component.removesuffix('ConstraintComponent')} constraint not met"


def _rows_of(rows: dict[URIRef, list[str]], node: Node | None) -> list[str]:
    """The data rows that made a node: only IRIs are keys (a blank node or literal equals no IRI)."""
    return rows.get(node, []) if isinstance(node, URIRef) else []


def validate(data: Graph, shapes: Graph, rows: dict[URIRef, list[str]], engine: str = BUILD_ENGINE
             ) -> ValidationResult:
    """Validate and map each result back to the data rows that made its focus node (or its value)."""
    report = shacl_report(data, shapes, engine)
    violations: list[Finding] = []
    warnings: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        finding = Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=str(focus),
            path=_short(report.value(result, SH.resultPath)),
            value=_short(value),
            message=_message(report, result, shapes, shape, component),
            shape=_short(shape),
            rows=list(_rows_of(rows, focus) or _rows_of(rows, value)),
            component=component,
        )
        (violations if severity == SH.Violation else warnings).append(finding)
    violations.sort(key=lambda f: (f.rows, f.path, f.message))
    warnings.sort(key=lambda f: (f.rows, f.path, f.message))
    return ValidationResult(conforms=not violations, violations=violations, warnings=warnings, report=report)
