"""SHACL validation whose findings point at the data file and row a person must fix."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

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


def validate(data: Graph, shapes: Graph, rows: dict[URIRef, list[str]]) -> ValidationResult:
    """Run the shapes (SHACL-SPARQL included) without inference; the data carry their own types."""
    _conforms, report, text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False
    )
    if not isinstance(report, Graph):
        raise ShapesError(f"the shapes in shapes/ cannot be used: {text.strip()}")
    violations: list[Finding] = []
    warnings: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        finding = Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=str(focus),
            path=_short(report.value(result, SH.resultPath)),
            value=_short(value),
            message="; ".join(messages) or "constraint not met",
            shape=_short(report.value(result, SH.sourceShape)),
            rows=list(rows.get(focus, []) or rows.get(value, [])),
        )
        (violations if severity == SH.Violation else warnings).append(finding)
    violations.sort(key=lambda f: (f.rows, f.path, f.message))
    warnings.sort(key=lambda f: (f.rows, f.path, f.message))
    return ValidationResult(conforms=not violations, violations=violations, warnings=warnings, report=report)
