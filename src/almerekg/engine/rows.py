"""Answers of SELECT and ASK as typed rows: the one reader of SPARQL JSON results inside the program.

Every internal reader of an answer (the pages' graph index, the saved queries, the SPARQL editor's table, the
command line) takes rows of `Term`s from here, never the JSON. A term is an IRI, a literal with its datatype
and language, a blank node, or (RDF-star) a quoted triple kept as its text. What a remote store writes wrongly
is put right before it gets here, in one place (store/adapters.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Engine, QueryRequest

SPARQL_JSON = "application/sparql-results+json"

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                   "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                   "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
DECIMAL_TYPES = {XSD + "decimal"}
FLOAT_TYPES = {XSD + "double", XSD + "float"}
BOOLEAN_TYPE = XSD + "boolean"


@dataclass(frozen=True)
class Term:
    """One bound value of a row."""

    kind: str  # uri | literal | bnode | triple
    value: str
    lang: str = ""
    datatype: str = ""

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def is_decimal(self) -> bool:
        return self.datatype in DECIMAL_TYPES or self.datatype in FLOAT_TYPES

    def number(self) -> int | Decimal | float | None:
        try:
            if self.datatype in INTEGER_TYPES:
                return int(self.value)
            if self.datatype in DECIMAL_TYPES:
                d = Decimal(self.value)
                return int(d) if d == d.to_integral_value() else d
            if self.datatype in FLOAT_TYPES:
                return float(self.value)
        except (ValueError, InvalidOperation):
            return None
        return None

    def python(self) -> Any:  # noqa: ANN401 - a number, a boolean or text
        """The value for JSON: numbers as numbers, booleans as booleans, everything else as text."""
        if self.kind == "literal":
            if self.datatype == BOOLEAN_TYPE:
                return self.value in ("true", "1")
            n = self.number()
            if n is not None:
                return float(n) if isinstance(n, Decimal) else n
        return self.value

    def truthy(self) -> bool:
        return self.kind == "literal" and self.value in ("true", "1")


@dataclass
class Rows:
    """A SELECT's variables and rows (a row leaves out what it does not bind), or an ASK's boolean."""

    variables: list[str]
    rows: list[dict[str, Term]]
    boolean: bool | None = None

    def iris(self) -> list[str]:
        """Every IRI the rows hold, once each, in the order met."""
        seen: dict[str, None] = {}
        for row in self.rows:
            for v in row.values():
                if v.is_iri:
                    seen.setdefault(v.value, None)
        return list(seen)


def term(raw: dict) -> Term:
    """A term of SPARQL 1.1 JSON results (the older `typed-literal` read as a literal)."""
    kind = raw.get("type", "literal")
    return Term("literal" if kind == "typed-literal" else kind, str(raw.get("value", "")),
                raw.get("xml:lang", "") or "", raw.get("datatype", "") or "")


def decode(body: bytes) -> Rows:
    """SPARQL 1.1 JSON results -> Rows."""
    data = json.loads(body)
    if "boolean" in data:
        return Rows([], [], bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    rows = [{var: term(v) for var, v in binding.items()} for binding in data.get("results", {}).get("bindings", [])]
    return Rows(variables, rows)


def select(engine: Engine, request: QueryRequest) -> Rows:
    """The rows of a SELECT (or an ASK's boolean) run through the engine: its checks, limits, cache and errors."""
    return decode(engine.query(replace(request, results_type=SPARQL_JSON, graph_type=None)).body)
