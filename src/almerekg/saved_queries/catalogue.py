"""The saved-query catalogue: queries/*.rq read as documents, with declared parameters bound safely.

A saved query is a SPARQL SELECT in `queries/NAME.rq` whose opening lines are a grlc-style header:
lines starting with `#+ ` that together form a YAML mapping (summary, title and description in Dutch
and English, the chapter, the source table and page, parameters, the layout of the printed table and
an optional chart). The code only reads these files; adding a query means adding a file.

The base IRI is configurable, so no .rq file names it. The catalogue puts a prologue in front of the
body: `BASE <{base}/>` (so `<id/dataset/tabel-1>` means this build's dataset) and `PREFIX ak:
<{base}/def/>` plus the usual W3C prefixes. The base is the one the build was made with
(build.json), so a query always matches the data it runs on.

Binding parameters: a value from a request is first checked against the parameter's declared type
and allowed values, turned into an RDF term with rdflib, and then written into the query as a VALUES
block (`VALUES ?_basis { <…/id/specialisation-bases/banen> }`) at the start of the outermost WHERE
group, using rdflib's own serialisation of the term. No user text is ever pasted into SPARQL: a
value that is not allowed is refused before any SPARQL is written (ParamError, HTTP 400), and an
allowed value can only become one of the terms the catalogue itself constructs.
Why VALUES and not pyoxigraph's `substitutions=`: substitutions bind only variables in the SELECT
projection (anything else raises), while parameters usually sit in the pattern or in a FILTER; and
the query processes (engine.jobs.Job) take query text only. A VALUES block works for both, and the text it
produces is what the page shows and what the SPARQL editor link runs: the same query, visibly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..engine.guard import mask
from ..errors import AppError

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE_PREFIX_RE = re.compile(r"^id/[a-z0-9-]+/$")
INTEGER_RE = re.compile(r"^-?[0-9]{1,12}$")

# Request parameters the web layer uses itself; a saved query cannot declare them.
RESERVED = frozenset({"lang", "page", "per_page", "dialect", "layout", "format", "query", "sort", "sort_desc"})
PARAM_TYPES = ("code", "integer", "string", "boolean")
LAYOUT_KINDS = ("pivot", "table", "side-by-side")
LANGS = ("nl", "en")

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

# The report's chapters, in reading order, for grouping the catalogue.
CHAPTERS: tuple[tuple[str, dict[str, str]], ...] = (
    ("2", {"nl": "2. Sectoren, clusters en bedrijven in Almere", "en": "2. Sectors, clusters and firms in Almere"}),
    ("3", {"nl": "3. Bestaande netwerken van bedrijven in Almere", "en": "3. Existing business networks in Almere"}),
    ("4", {"nl": "4. Samenwerkingspartners van bedrijven", "en": "4. The partners of firms"}),
    ("5", {"nl": "5. Conclusies en aanbevelingen", "en": "5. Conclusions and recommendations"}),
    ("bijlage-3", {"nl": "Bijlage 3. Korte impressie van enkele bedrijven",
                   "en": "Appendix 3. A short impression of some firms"}),
)
CHAPTER_KEYS = tuple(key for key, _ in CHAPTERS)

_WHERE_OPEN = re.compile(r"(?<![\w:?$])WHERE\s*\{", re.IGNORECASE)
_SELECT = re.compile(r"(?<![\w:?$])SELECT(?![\w:])", re.IGNORECASE)
_LIMIT_OFFSET = re.compile(r"(?<![\w:?$])(?:LIMIT|OFFSET)(?![\w:])", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"(?<![\w:?$])(?:PREFIX|BASE)(?![\w:])", re.IGNORECASE)


class CatalogueError(Exception):
    """A file in queries/ is malformed. Found when the catalogue loads, never at request time."""


class ParamError(AppError):
    """A parameter value from a request is not acceptable: the answer is HTTP 400 with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def _texts(raw: Any, where: str, required: bool = True) -> dict[str, str]:
    """A {nl, en} mapping; a plain string counts for both languages."""
    if raw is None:
        if required:
            raise CatalogueError(f"{where}: missing (give nl and en)")
        return {}
    if isinstance(raw, str):
        return {lang: raw for lang in LANGS}
    if not isinstance(raw, dict) or not all(isinstance(raw.get(lang), str) for lang in LANGS):
        raise CatalogueError(f"{where}: expected a text or a mapping with nl and en texts, found {raw!r}")
    return {lang: raw[lang] for lang in LANGS}


# ---------------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------------


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
            raise ParamError(f"parameter {self.name}: expected text")
        if self.type == "code":
            if raw not in self.values:
                raise ParamError(f"parameter {self.name}: {raw!r} is not one of: {', '.join(self.values)}")
            return raw
        if self.type == "integer":
            text = raw.strip()
            if not INTEGER_RE.match(text):
                raise ParamError(f"parameter {self.name}: {raw!r} is not a whole number")
            number = int(text)
            if self.minimum is not None and number < self.minimum:
                raise ParamError(f"parameter {self.name}: {number} is below the minimum {self.minimum}")
            if self.maximum is not None and number > self.maximum:
                raise ParamError(f"parameter {self.name}: {number} is above the maximum {self.maximum}")
            return str(number)
        if self.type == "boolean":
            if raw not in ("true", "false"):
                raise ParamError(f"parameter {self.name}: {raw!r} is not true or false")
            return raw
        # string
        if self.values and raw not in self.values:
            raise ParamError(f"parameter {self.name}: {raw!r} is not one of: {', '.join(self.values)}")
        if len(raw) > self.max_length:
            raise ParamError(f"parameter {self.name}: longer than {self.max_length} characters")
        if any(ord(c) < 0x20 for c in raw):
            raise ParamError(f"parameter {self.name}: control characters are not allowed")
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
        return schema


def _param(raw: Any, where: str) -> Param:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: a parameter must be a mapping")
    name = raw.get("name")
    if not isinstance(name, str) or not PARAM_NAME_RE.match(name) or name in RESERVED:
        raise CatalogueError(f"{where}: parameter name {name!r} must match [a-z][a-z0-9_]* and not be one of "
                             f"{', '.join(sorted(RESERVED))}")
    where = f"{where} parameter {name}"
    kind = raw.get("type")
    if kind not in PARAM_TYPES:
        raise CatalogueError(f"{where}: type must be one of {', '.join(PARAM_TYPES)}")
    values = tuple(str(v) for v in raw.get("values") or ())
    default = raw.get("default")
    default = None if default is None else str(default).lower() if isinstance(default, bool) else str(default)
    prefix = raw.get("code_prefix", "")
    if kind == "code":
        if not values:
            raise CatalogueError(f"{where}: a code parameter lists its allowed values")
        bad = [v for v in values if not CODE_RE.match(v)]
        if bad:
            raise CatalogueError(f"{where}: allowed codes must be slugs, not {bad}")
        if not isinstance(prefix, str) or not CODE_PREFIX_RE.match(prefix):
            raise CatalogueError(f"{where}: code_prefix must look like id/some-type/")
    labels = raw.get("labels") or {}
    if not isinstance(labels, dict):
        raise CatalogueError(f"{where}: labels must map a value to its nl and en label")
    param = Param(
        name=name, type=kind, label=_texts(raw.get("label"), f"{where} label"), values=values,
        value_labels={str(k): _texts(v, f"{where} label of {k}") for k, v in labels.items()},
        default=default, code_prefix=prefix if kind == "code" else "",
        minimum=raw.get("minimum"), maximum=raw.get("maximum"),
        max_length=int(raw.get("max_length", 200)),
        description=_texts(raw.get("description"), f"{where} description", required=False),
        facet=raw.get("facet"),
    )
    if param.facet is not None and (not isinstance(param.facet, str) or (kind != "integer" and not values)):
        raise CatalogueError(f"{where}: a facet names a result variable, on a parameter with listed values or "
                             "an integer")
    if default is not None:
        try:
            param.check(default)
        except ParamError as exc:
            raise CatalogueError(f"{where}: the default is not an allowed value ({exc})") from None
    return param


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


# ---------------------------------------------------------------------------------------------------
# Saved queries
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    label: dict[str, str]
    part: str  # the report part under {base}/id/report-part/
    parts: tuple[str, ...]
    page: int


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    summary: str
    title: dict[str, str]
    description: dict[str, str]
    chapter: str
    tags: tuple[str, ...]
    source: Source
    dataset: str | None  # the qb:DataSet under {base}/id/dataset/, where the query reproduces one
    params: tuple[Param, ...]
    layout: dict[str, Any]
    chart: dict[str, Any] | None
    body: str  # the SPARQL after the header (its own comments kept)
    variables: tuple[str, ...]  # the SELECT projection, found by parsing

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(self, raw: Mapping[str, str]) -> Binding:
        """Check request values (names without the reserved ones) and fill in defaults."""
        known = {p.name for p in self.params}
        unknown = sorted(set(raw) - known)
        if unknown:
            accepted = ", ".join(sorted(known)) or "none"
            raise ParamError(f"unknown parameter {unknown[0]!r} for query {self.name} (accepted: {accepted})")
        values = []
        for p in self.params:
            given = raw.get(p.name)
            if given is None or given == "":
                if p.default is not None:
                    values.append((p.name, p.default))
                elif p.required:
                    raise ParamError(f"parameter {p.name} is required")
                continue
            values.append((p.name, p.check(given)))
        return Binding(tuple(values), frozenset(k for k, v in raw.items() if v not in (None, "")))

    def sparql(self, base: str, binding: Binding, limit: int | None = None, offset: int | None = None) -> str:
        """The full query text for a base and checked values: prologue, VALUES, body, paging."""
        body = self.body
        blocks = []
        for name, value in binding.values:
            p = self.param(name)
            assert p is not None  # bind() only produces declared names
            # rdflib writes the term (IRI or typed literal) with its own escaping.
            blocks.append(f"  VALUES ?{p.variable} {{ {p.term(value, base).n3()} }}  # parameter {name}\n")
        if blocks:
            at = _where_open(body)
            body = body[:at] + "\n" + "".join(blocks) + body[at:].lstrip("\n")
        text = prologue(base) + body.rstrip() + "\n"
        if limit is not None:
            text += f"LIMIT {int(limit)}\n"
        if offset:
            text += f"OFFSET {int(offset)}\n"
        return text

    def anchors(self, base: str) -> list[str]:
        """IRIs that notes about this table may target: its dataset and its report parts."""
        base = base.rstrip("/")
        out = [f"{base}/id/report-part/{part}" for part in self.source.parts]
        if self.dataset:
            out.append(f"{base}/id/dataset/{self.dataset}")
        return out


def prologue(base: str) -> str:
    base = base.rstrip("/")
    lines = [f"BASE <{base}/>", f"PREFIX ak: <{base}/def/>"]
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in STANDARD_PREFIXES]
    return "\n".join(lines) + "\n"


def _where_open(body: str) -> int:
    """The position just after the `{` of the outermost WHERE group."""
    m = _WHERE_OPEN.search(mask(body))
    if m is None:
        raise CatalogueError("the query has no `WHERE {`")
    return m.end()


def split_header(text: str) -> tuple[str, str]:
    """(YAML of the leading `#+` lines, the rest)."""
    lines = text.splitlines(keepends=True)
    header = []
    i = 0
    while i < len(lines) and lines[i].startswith("#+"):
        line = lines[i][2:]
        header.append(line[1:] if line.startswith(" ") else line)
        i += 1
    return "".join(header), "".join(lines[i:])


def _projection(text: str, where: str) -> tuple[str, ...]:
    """Parse the query (pyoxigraph, on an empty store) and return its projected variables."""
    import pyoxigraph as ox

    try:
        result = ox.Store().query(text)
    except SyntaxError as exc:
        raise CatalogueError(f"{where}: not valid SPARQL: {exc}") from None
    if not isinstance(result, ox.QuerySolutions):
        raise CatalogueError(f"{where}: a saved query must be a SELECT")
    return tuple(v.value for v in result.variables)


LAYOUT_VARS = {
    "pivot": ("row", "row_label", "row_order", "row_total", "column", "column_label", "column_order",
              "column_total", "cell", "value", "observation", "status", "printed", "entry", "entry_link"),
    "side-by-side": ("group", "group_label", "group_order", "item", "item_label", "cell", "value",
                     "observation", "status"),
}
LAYOUT_REQUIRED = {
    "pivot": ("row", "row_label"),
    "side-by-side": ("group", "group_label", "item", "item_label", "cell"),
}


def _check_layout(layout: Any, variables: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(layout, dict) or layout.get("kind") not in LAYOUT_KINDS:
        raise CatalogueError(f"{where}: layout.kind must be one of {', '.join(LAYOUT_KINDS)}")
    kind = layout["kind"]
    missing_var = lambda v: v not in variables  # noqa: E731 - a one-line predicate reads best here
    if kind == "table":
        if layout.get("row") is not None and missing_var(layout["row"]):
            raise CatalogueError(f"{where}: layout row ?{layout['row']} is not in the SELECT")
        cols = layout.get("columns")
        if not isinstance(cols, list) or not cols:
            raise CatalogueError(f"{where}: a table layout lists its columns")
        for col in cols:
            if not isinstance(col, dict) or not isinstance(col.get("var"), str):
                raise CatalogueError(f"{where}: each column names a var")
            _texts(col.get("header"), f"{where} header of column {col.get('var')}")
            for key in ("var", "link"):
                if col.get(key) is not None and missing_var(col[key]):
                    raise CatalogueError(f"{where}: column {key} ?{col[key]} is not in the SELECT")
        return layout
    for key in LAYOUT_REQUIRED[kind]:
        if not layout.get(key):
            raise CatalogueError(f"{where}: a {kind} layout needs {key}")
    for key in LAYOUT_VARS[kind]:
        if layout.get(key) is not None and missing_var(layout[key]):
            raise CatalogueError(f"{where}: layout {key} ?{layout[key]} is not in the SELECT")
    if kind == "pivot" and not (layout.get("cell") or layout.get("entry")):
        raise CatalogueError(f"{where}: a pivot layout needs cell or entry")
    if kind == "pivot":
        _texts(layout.get("corner", ""), f"{where} corner")
        if not layout.get("column"):
            _texts(layout.get("columns_header"), f"{where} columns_header (a pivot without column var)")
    return layout


def load_query(path: Path) -> SavedQuery:
    name = path.stem
    where = f"queries/{path.name}"
    if not NAME_RE.match(name):
        raise CatalogueError(f"{where}: the file name must be a lower-case slug")
    text = path.read_text(encoding="utf-8")
    header_text, body = split_header(text)
    try:
        header = yaml.safe_load(header_text) or {}
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: the #+ header is not valid YAML: {exc}") from None
    if not isinstance(header, dict):
        raise CatalogueError(f"{where}: the #+ header must be a mapping")
    masked = mask(body)
    if not _SELECT.search(masked):
        raise CatalogueError(f"{where}: a saved query must be a SELECT")
    if _LIMIT_OFFSET.search(masked):
        # Paging appends LIMIT/OFFSET; a query with its own would silently cap its answer.
        raise CatalogueError(f"{where}: no LIMIT or OFFSET in a saved query (paging adds them)")
    if _PREFIX_DECL.search(masked):
        raise CatalogueError(f"{where}: no PREFIX or BASE in a saved query (the catalogue adds them for "
                             "the configured base)")
    _where_open(body)
    chapter = str(header.get("chapter", ""))
    if chapter not in CHAPTER_KEYS:
        raise CatalogueError(f"{where}: chapter must be one of {', '.join(CHAPTER_KEYS)}")
    src = header.get("source")
    if not isinstance(src, dict) or not isinstance(src.get("part"), str) or not isinstance(src.get("page"), int):
        raise CatalogueError(f"{where}: source needs part (a report-part id) and page (a number)")
    parts = tuple(src.get("parts") or (src["part"],))
    source = Source(label=_texts(src.get("label"), f"{where} source.label"), part=src["part"],
                    parts=parts, page=src["page"])
    raw_params = header.get("params") or []
    if not isinstance(raw_params, list):
        raise CatalogueError(f"{where}: params must be a list")
    params = tuple(_param(p, where) for p in raw_params)
    if len({p.name for p in params}) != len(params):
        raise CatalogueError(f"{where}: a parameter is declared twice")
    for p in params:
        if not re.search(rf"\?{re.escape(p.variable)}(?![\w])", masked):
            raise CatalogueError(f"{where}: parameter {p.name} is declared but ?{p.variable} is not used")
    draft = SavedQuery(
        name=name, path=path, summary=str(header.get("summary", "")),
        title=_texts(header.get("title"), f"{where} title"),
        description=_texts(header.get("description"), f"{where} description"),
        chapter=chapter, tags=tuple(str(t) for t in header.get("tags") or ()), source=source,
        dataset=header.get("dataset"), params=params, layout={}, chart=header.get("chart"),
        body=body.lstrip("\n"), variables=(),
    )
    # Parse the query as it runs with every parameter bound, and as it runs with none bound.
    base = "https://catalogue.check.example"
    variables = _projection(draft.sparql(base, draft.bind({})), where)
    full = {p.name: (p.default or (p.values[0] if p.values else "1")) for p in params}
    if _projection(draft.sparql(base, draft.bind(full)), where) != variables:
        raise CatalogueError(f"{where}: binding parameters changes the projection")
    layout = _check_layout(header.get("layout"), variables, where)
    for p in params:
        if p.facet is not None and p.facet not in variables:
            raise CatalogueError(f"{where}: parameter {p.name}: facet ?{p.facet} is not in the SELECT")
    chart = header.get("chart")
    if chart is not None and (not isinstance(chart, dict) or chart.get("kind") not in ("stacked-bars", "bars")):
        raise CatalogueError(f"{where}: chart.kind must be stacked-bars or bars")
    return SavedQuery(**{**draft.__dict__, "layout": layout, "variables": variables, "chart": chart})


@dataclass(frozen=True)
class Catalogue:
    queries: tuple[SavedQuery, ...]

    def get(self, name: str) -> SavedQuery | None:
        return next((q for q in self.queries if q.name == name), None)

    def names(self) -> list[str]:
        return [q.name for q in self.queries]

    def by_chapter(self) -> list[tuple[str, dict[str, str], list[SavedQuery]]]:
        out = []
        for key, titles in CHAPTERS:
            members = [q for q in self.queries if q.chapter == key]
            if members:
                out.append((key, titles, members))
        return out


def listing_order(queries: tuple[SavedQuery, ...] | list[SavedQuery], graphs: object) -> list[SavedQuery]:
    """The order in which pages list the queries: the catalogue's, but a comparison with CBS (tag `cbs`) comes
    last while the build has no CBS figures linked (no graph `linkset-cbs-...`): it would show empty columns."""
    linked = any("/id/graph/linkset-cbs-" in str(g) for g in graphs)  # type: ignore[attr-defined]
    return sorted(queries, key=lambda q: not linked and "cbs" in q.tags)


def _sort_key(q: SavedQuery) -> tuple:
    # Numbered tables first, in number order; then the lists and questions by name.
    m = re.match(r"tabel-(\d+)$", q.name)
    return (CHAPTER_KEYS.index(q.chapter), 0 if m else 1, int(m.group(1)) if m else 0, q.name)


def load_catalogue(folder: Path) -> Catalogue:
    """Every queries/*.rq, checked. A broken file raises CatalogueError naming it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CatalogueError(f"{folder}: no queries folder")
    queries = [load_query(p) for p in sorted(folder.glob("*.rq"))]
    return Catalogue(tuple(sorted(queries, key=_sort_key)))


@lru_cache(maxsize=8)
def _cached(folder: str, stamp: tuple) -> Catalogue:
    return load_catalogue(Path(folder))


def signature(folder: Path) -> tuple:
    """Names, times and sizes of the saved-query files: the catalogue's version (queries/ can change
    without a rebuild, so pages that list the queries put it in their ETag)."""
    folder = Path(folder)
    if not folder.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.rq")))


def catalogue(folder: Path) -> Catalogue:
    """load_catalogue, reloaded only when a file in the folder changed (name, size or time)."""
    return _cached(str(folder), signature(folder))


# ---------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD_NS + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                      "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                      "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
DECIMAL_TYPES = {XSD_NS + "decimal"}
FLOAT_TYPES = {XSD_NS + "double", XSD_NS + "float"}
BOOLEAN_TYPE = XSD_NS + "boolean"


@dataclass(frozen=True)
class Value:
    """One bound value of a result row, as SPARQL JSON gives it."""

    kind: str  # uri | literal | bnode | triple
    value: str
    datatype: str | None = None
    lang: str | None = None

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

    def python(self) -> Any:
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
class Result:
    variables: list[str]
    rows: list[dict[str, Value]]

    def iris(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            for v in row.values():
                if v.is_iri:
                    seen.setdefault(v.value, None)
        return list(seen)


def parse_results(body: bytes) -> Result:
    data = json.loads(body)
    variables = list(data.get("head", {}).get("vars", []))
    rows = []
    for binding in data.get("results", {}).get("bindings", []):
        row = {}
        for var, v in binding.items():
            row[var] = Value(kind=v.get("type", "literal"), value=v.get("value", ""),
                             datatype=v.get("datatype"), lang=v.get("xml:lang"))
        rows.append(row)
    return Result(variables, rows)


# Runs a SELECT and returns SPARQL 1.1 JSON results (through the engine; raises errors.AppError).
Executor = Callable[[str], bytes]


def run(query: SavedQuery, base: str, binding: Binding, execute: Executor) -> Result:
    return parse_results(execute(query.sparql(base, binding)))


def iri_values(iris: Iterable[str]) -> str:
    """IRIs from a result as a VALUES list. They come from the store, but are checked anyway."""
    out = []
    for iri in iris:
        if re.search(r"[<>\"{}|^`\\\x00-\x20]", iri):
            continue  # not writable as an IRIREF; such a term cannot be asked about
        out.append(f"<{iri}>")
    return " ".join(out)


def notes_query(base: str, anchors: Iterable[str], parts: Iterable[str], lang: str) -> str:
    """Notes about a table: those targeting its dataset, report part or anything in its result,
    and those citing its report part that are about the table as a whole (not some other thing)."""
    if lang not in LANGS:
        raise ValueError(lang)
    anchor_list = iri_values(anchors) or "<urn:x-none>"
    part_list = iri_values(parts) or "<urn:x-none>"
    return prologue(base) + f"""
SELECT DISTINCT ?note ?target ?kind ?kindLabel ?comment ?printed ?used
WHERE {{
  {{ VALUES ?target {{ {anchor_list} }} ?note oa:hasTarget ?target . }}
  UNION
  {{ VALUES ?part {{ {part_list} }}
    ?note dcterms:source ?part ; oa:hasTarget ?target .
    FILTER NOT EXISTS {{ ?target a ?type .
      FILTER(?type IN (qb:Observation, org:Organization, ak:Network, ak:Relationship, ak:Statement)) }} }}
  ?note a ak:Note ; rdfs:comment ?comment .
  OPTIONAL {{ ?note ak:noteKind ?kind .
             OPTIONAL {{ ?kind skos:prefLabel ?kindLabel FILTER(LANG(?kindLabel) = {Literal(lang).n3()}) }} }}
  OPTIONAL {{ ?note ak:printedValue ?printed }}
  OPTIONAL {{ ?note ak:usedValue ?used }}
}}
ORDER BY ?note ?target
"""


def labels_query(base: str, iris: Iterable[str]) -> str:
    return prologue(base) + f"""
SELECT ?s ?label
WHERE {{
  VALUES ?s {{ {iri_values(iris) or "<urn:x-none>"} }}
  {{ ?s skos:prefLabel ?label }} UNION {{ ?s rdfs:label ?label }}
}}
"""


def describe_query(base: str, iris: Iterable[str]) -> str:
    """The triples about every IRI a result shows: the RDF underneath a saved query's table."""
    return prologue(base) + f"""
CONSTRUCT {{ ?s ?p ?o }}
WHERE {{
  VALUES ?s {{ {iri_values(iris) or "<urn:x-none>"} }}
  ?s ?p ?o .
}}
"""


def pick_labels(result: Result, lang: str) -> dict[str, str]:
    """IRI -> label in the wanted language (then Dutch, then untagged, then any)."""
    ranked: dict[str, tuple[int, str]] = {}
    order = {lang: 0, "nl": 1, None: 2, "": 2}
    for row in result.rows:
        s, label = row.get("s"), row.get("label")
        if s is None or label is None:
            continue
        rank = order.get(label.lang, 3)
        current = ranked.get(s.value)
        if current is None or rank < current[0] or (rank == current[0] and label.value < current[1]):
            ranked[s.value] = (rank, label.value)
    return {k: v[1] for k, v in ranked.items()}


def exact_labels(result: Result, lang: str) -> dict[str, str]:
    """IRI -> a label tagged with exactly this language (none when the graph has no such label)."""
    out: dict[str, str] = {}
    for row in result.rows:
        s, label = row.get("s"), row.get("label")
        if s is not None and label is not None and label.lang == lang:
            out.setdefault(s.value, label.value)
    return out


def engine_executor(engine: Any, max_bytes: int | None = None) -> Executor:
    """An Executor that runs through the engine (engine/): the same checks, limits and cache as /sparql."""
    from ..engine import QueryRequest

    def execute(text: str) -> bytes:
        return engine.query(QueryRequest(text, graph_type=None, max_bytes=max_bytes)).body

    return execute
