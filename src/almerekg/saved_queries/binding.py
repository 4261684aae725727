"""Binding a saved query's parameters: a request's values checked, turned into RDF terms, written as VALUES.

A value from a request is first checked against the parameter's declared type and allowed values, turned into
an RDF term with rdflib, and then written into the query as a VALUES block (`VALUES ?_basis {
<…/id/specialisation-bases/banen> }`) at the start of the outermost WHERE group, using rdflib's own
serialisation of the term. No user text is ever pasted into SPARQL: a value that is not allowed is refused
before any SPARQL is written (ParamError, HTTP 400), and an allowed value can only become one of the terms the
catalogue itself constructs. Why VALUES and not pyoxigraph's `substitutions=`: see catalogue.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..engine.guard import mask
from ..errors import AppError

INTEGER_RE = re.compile(r"^-?[0-9]{1,12}$")
# Request parameters the web layer uses itself; a saved query cannot declare them.
RESERVED = frozenset({"lang", "page", "per_page", "dialect", "layout", "format", "query", "sort", "sort_desc"})
_WHERE_OPEN = re.compile(r"(?<![\w:?$])WHERE\s*\{", re.IGNORECASE)

STANDARD_PREFIXES: tuple[tuple[str, str], ...] = (
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("qb", "http://purl.org/linked-data/cube#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("schema", "https://schema.org/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("sdmx-attribute", "http://purl.org/linked-data/sdmx/2009/attribute#"),
    ("sdmx-dimension", "http://purl.org/linked-data/sdmx/2009/dimension#"),
)


class ParamError(AppError):
    """A parameter value from a request is not acceptable: the answer is HTTP 400 with this message."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(400, message, problem="invalid-parameter", param=param)



@dataclass(frozen=True)
class Param:
    """A declared parameter. The SPARQL variable it binds is `?_` + name (grlc's convention)."""

    name: str
    type: str
    label: dict[str, str]
    values: tuple[str, ...] = ()
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    default: str | None = None
    code_prefix: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200
    description: dict[str, str] = field(default_factory=dict)
    # The result variable that holds this parameter's value in every row: the page counts the rows per
    # value (a facet) with the parameter left out, and links each value.
    facet: str | None = None

    @property
    def variable(self) -> str:
        return "_" + self.name

    @property
    def required(self) -> bool:
        # A code or string left unbound matches everything; an unbound number in a FILTER would
        # match nothing, so numbers (and booleans) always have a value.
        return self.default is None and self.type in ("integer", "boolean")

    def value_label(self, value: str, lang: str) -> str:
        return self.value_labels.get(value, {}).get(lang, value)

    def check(self, raw: str) -> str:
        """The canonical text of an acceptable value; ParamError for anything else."""
        if not isinstance(raw, str):
            raise ParamError(f"parameter {self.name}: expected text", self.name)
        if self.type == "code":
            if raw not in self.values:
                raise ParamError(f"parameter {self.name}: {raw!r} is not one of: {', '.join(self.values)}", self.name)
            return raw
        if self.type == "integer":
            text = raw.strip()
            if not INTEGER_RE.match(text):
                raise ParamError(f"parameter {self.name}: {raw!r} is not a whole number", self.name)
            number = int(text)
            if self.minimum is not None and number < self.minimum:
                raise ParamError(f"parameter {self.name}: {number} is below the minimum {self.minimum}", self.name)
            if self.maximum is not None and number > self.maximum:
                raise ParamError(f"parameter {self.name}: {number} is above the maximum {self.maximum}", self.name)
            return str(number)
        if self.type == "boolean":
            if raw not in ("true", "false"):
                raise ParamError(f"parameter {self.name}: {raw!r} is not true or false", self.name)
            return raw
        # string
        if self.values and raw not in self.values:
            raise ParamError(f"parameter {self.name}: {raw!r} is not one of: {', '.join(self.values)}", self.name)
        if len(raw) > self.max_length:
            raise ParamError(f"parameter {self.name}: longer than {self.max_length} characters", self.name)
        if any(ord(c) < 0x20 for c in raw):
            raise ParamError(f"parameter {self.name}: control characters are not allowed", self.name)
        return raw

    def term(self, value: str, base: str) -> URIRef | Literal:
        """The RDF term for a value that passed check()."""
        if self.type == "code":
            return URIRef(f"{base.rstrip('/')}/{self.code_prefix}{value}")
        if self.type == "integer":
            return Literal(int(value), datatype=XSD.integer)
        if self.type == "boolean":
            return Literal(value == "true", datatype=XSD.boolean)
        return Literal(value)

    def openapi_schema(self) -> dict[str, Any]:
        schema: dict[str, Any]
        if self.type == "integer":
            schema = {"type": "integer"}
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        elif self.type == "boolean":
            schema = {"type": "string", "enum": ["true", "false"]}
        else:
            schema = {"type": "string"}
            if self.values:
                schema["enum"] = list(self.values)
            else:
                schema["maxLength"] = self.max_length
        if self.default is not None:
            schema["default"] = int(self.default) if self.type == "integer" else self.default
        if self.required:
            return schema
        # bind() reads an empty value as not given (the page's form sends "(all)" so): the schema says so too.
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], ""]
            return schema
        if self.type == "integer":
            return {"anyOf": [schema, {"type": "string", "enum": [""]}]}
        return schema



@dataclass(frozen=True)
class Binding:
    """Checked parameter values, in declaration order: (name, canonical text) pairs."""

    values: tuple[tuple[str, str], ...]
    explicit: frozenset[str] = frozenset()  # names the request gave (the rest are defaults)

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        return self.values


def bind(query: str, params: tuple[Param, ...], raw: Mapping[str, str]) -> Binding:
    """Check request values (names without the reserved ones) and fill in defaults."""
    known = {p.name for p in params}
    unknown = sorted(set(raw) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise ParamError(f"unknown parameter {unknown[0]!r} for query {query} (accepted: {accepted})", unknown[0])
    values = []
    for p in params:
        given = raw.get(p.name)
        if given is None or given == "":
            if p.default is not None:
                values.append((p.name, p.default))
            elif p.required:
                raise ParamError(f"parameter {p.name} is required", p.name)
            continue
        values.append((p.name, p.check(given)))
    return Binding(tuple(values), frozenset(k for k, v in raw.items() if v not in (None, "")))


def write(body: str, params: tuple[Param, ...], base: str, binding: Binding, limit: int | None = None,
          offset: int | None = None) -> str:
    """The full query text for a base and checked values: prologue, VALUES, body, paging."""
    by_name = {p.name: p for p in params}
    blocks = []
    for name, value in binding.values:
        p = by_name[name]  # bind() only produces declared names
        # rdflib writes the term (IRI or typed literal) with its own escaping.
        blocks.append(f"  VALUES ?{p.variable} {{ {p.term(value, base).n3()} }}  # parameter {name}\n")
    if blocks:
        at = where_open(body)
        body = body[:at] + "\n" + "".join(blocks) + body[at:].lstrip("\n")
    text = prologue(base) + body.rstrip() + "\n"
    if limit is not None:
        text += f"LIMIT {int(limit)}\n"
    if offset:
        text += f"OFFSET {int(offset)}\n"
    return text


def prologue(base: str) -> str:
    base = base.rstrip("/")
    lines = [f"BASE <{base}/>", f"PREFIX ak: <{base}/def/>"]
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in STANDARD_PREFIXES]
    return "\n".join(lines) + "\n"


def where_open(body: str) -> int:
    """The position just after the `{` of the outermost WHERE group; -1 when there is none."""
    m = _WHERE_OPEN.search(mask(body))
    return -1 if m is None else m.end()
