"""Binding a saved query's parameters: a request's values checked, turned into RDF terms, written as VALUES.

A value from a request is first checked against the parameter's declared type and allowed values, turned into
an RDF term with rdflib, and then written into the query as a VALUES block (`VALUES ?_basis {
<…/id/specialisation-bases/banen> }`) at the start of the outermost WHERE group, using rdflib's own
serialisation of the term. A parameter declared `multiple` takes several of its listed values
(`categorie=b&categorie=c`): they become one VALUES block with each term (`VALUES ?_categorie { <…/b> <…/c> }`),
so the answer is the rows of each value together. An empty value (`x=`, what a form's "(all)" sends) counts
as not given. No user text is ever pasted into SPARQL: a value that is not allowed is refused
before any SPARQL is written (ParamError, HTTP 400), and an allowed value can only become one of the terms the
catalogue itself constructs. Why VALUES and not pyoxigraph's `substitutions=`: see catalogue.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..engine.guard import mask
from ..errors import AppError

INTEGER_RE = re.compile(r"^-?[0-9]{1,12}$")
# Request parameters the web layer uses itself; a saved query cannot declare them.
RESERVED = frozenset({"lang", "page", "per_page", "dialect", "layout", "format", "query", "sort", "sort_desc",
                      "transpose"})
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
    # Several of the listed values at once (`categorie=b&categorie=c`): the rows of each, together.
    multiple: bool = False

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

    def openapi_parameter(self) -> dict[str, Any]:
        """The parameter object of /openapi.json (a multiple one is an array, repeated: `x=a&x=b`)."""
        described = self.label["en"] + (" — " + ", ".join(
            f"{v}: {self.value_label(v, 'en')}" for v in self.values) if self.values else "")
        if not self.multiple:
            return {"name": self.name, "in": "query", "required": self.required, "description": described,
                    "schema": self.openapi_schema()}
        return {"name": self.name, "in": "query", "required": False, "style": "form", "explode": True,
                "description": described + ". Give it more than once for several values (the rows of each); "
                                           "an empty value counts as not given.",
                "schema": {"type": "array", "items": {"type": "string", "enum": [*self.values, ""]}}}

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
    """Checked parameter values, in declaration order: (name, canonical text) pairs; a multiple parameter has
    a pair per value, in the order its values are listed (so one choice has one cache key and one address)."""

    values: tuple[tuple[str, str], ...]
    explicit: frozenset[str] = frozenset()  # names the request gave (the rest are defaults)

    def as_dict(self) -> dict[str, str]:
        """Name -> value, several values joined by commas (for a line of text, e.g. a workbook's source)."""
        out: dict[str, str] = {}
        for name, value in self.values:
            out[name] = f"{out[name]},{value}" if name in out else value
        return out

    def as_json(self, params: tuple[Param, ...]) -> dict[str, str | list[str]]:
        """Name -> value; a multiple parameter's values as a list (the JSON answers' `parameters`)."""
        multiple = {p.name for p in params if p.multiple}
        out: dict[str, Any] = {}
        for name, value in self.values:
            if name in multiple:
                out.setdefault(name, []).append(value)
            else:
                out[name] = value
        return out

    def chosen(self, name: str) -> list[str]:
        """The values given for one parameter (none when it is left out)."""
        return [v for k, v in self.values if k == name]

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        return self.values


def given(raw: str | Sequence[str] | None) -> list[str]:
    """The values a request gives for one name, empty ones left out (`x=` is not given)."""
    if raw is None:
        return []
    return [v for v in ([raw] if isinstance(raw, str) else raw) if v != ""]


def bind(query: str, params: tuple[Param, ...], raw: Mapping[str, str | Sequence[str]]) -> Binding:
    """Check request values (names without the reserved ones; a name -> one value or the list of values the
    request gives) and fill in defaults."""
    known = {p.name for p in params}
    unknown = sorted(set(raw) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise ParamError(f"unknown parameter {unknown[0]!r} for query {query} (accepted: {accepted})", unknown[0])
    values: list[tuple[str, str]] = []
    explicit = set()
    for p in params:
        texts = given(raw.get(p.name))
        if not texts:
            if p.default is not None:
                values.append((p.name, p.default))
            elif p.required:
                raise ParamError(f"parameter {p.name} is required", p.name)
            continue
        if len(texts) > 1 and not p.multiple:
            raise ParamError(f"parameter {p.name!r} is given {len(texts)} times", p.name)
        checked = {p.check(t) for t in texts}
        values += [(p.name, v) for v in (p.values or sorted(checked)) if v in checked]
        explicit.add(p.name)
    return Binding(tuple(values), frozenset(explicit))


def write(body: str, params: tuple[Param, ...], base: str, binding: Binding, limit: int | None = None,
          offset: int | None = None) -> str:
    """The full query text for a base and checked values: prologue, VALUES, body, paging."""
    blocks = []
    for p in params:
        chosen = binding.chosen(p.name)  # bind() only produces declared names
        if chosen:
            # rdflib writes each term (IRI or typed literal) with its own escaping.
            terms = " ".join(p.term(value, base).n3() for value in chosen)
            blocks.append(f"  VALUES ?{p.variable} {{ {terms} }}  # parameter {p.name}\n")
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
