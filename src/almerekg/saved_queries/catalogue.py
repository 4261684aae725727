"""The saved-query catalogue: queries/*.rq read as documents, checked when they load.

A saved query is a SPARQL SELECT in `queries/NAME.rq` whose opening lines are a grlc-style header:
lines starting with `#+ ` that together form a YAML mapping (summary, title and description in Dutch
and English, the chapter, the source table and page, parameters, the layout of the printed table and
an optional chart). The code only reads these files; adding a query means adding a file.

The base IRI is configurable, so no .rq file names it. The query text puts a prologue in front of the
body: `BASE <{base}/>` (so `<id/dataset/tabel-1>` means this build's dataset) and `PREFIX ak:
<{base}/def/>` plus the usual W3C prefixes. The base is the one the build was made with
(build.json), so a query always matches the data it runs on.

Parameters are bound by binding.py as a VALUES block. Why VALUES and not pyoxigraph's `substitutions=`:
substitutions bind only variables in the SELECT projection (anything else raises), while parameters usually
sit in the pattern or in a FILTER; and the query processes (engine.jobs.Job) take query text only. A VALUES
block works for both, and the text it produces is what the page shows and what the SPARQL editor link runs:
the same query, visibly. Answers come back as typed rows (engine/rows.py); the queries pages ask besides
(notes, labels) are in page_queries.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine.guard import mask
from . import binding
from .binding import RESERVED, Binding, Param, ParamError, where_open

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE_PREFIX_RE = re.compile(r"^id/[a-z0-9-]+/$")

PARAM_TYPES = ("code", "integer", "string", "boolean")
LAYOUT_KINDS = ("pivot", "table", "side-by-side")
LANGS = ("nl", "en")

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

_SELECT = re.compile(r"(?<![\w:?$])SELECT(?![\w:])", re.IGNORECASE)
_LIMIT_OFFSET = re.compile(r"(?<![\w:?$])(?:LIMIT|OFFSET)(?![\w:])", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"(?<![\w:?$])(?:PREFIX|BASE)(?![\w:])", re.IGNORECASE)


class CatalogueError(Exception):
    """A file in queries/ is malformed. Found when the catalogue loads, never at request time."""


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
        facet=raw.get("facet"), multiple=raw.get("multiple", False),
    )
    if param.multiple is not False and (param.multiple is not True or not values or default is not None):
        raise CatalogueError(f"{where}: multiple: true is for a parameter with listed values and no default")
    if param.facet is not None and (not isinstance(param.facet, str) or (kind != "integer" and not values)):
        raise CatalogueError(f"{where}: a facet names a result variable, on a parameter with listed values or "
                             "an integer")
    if default is not None:
        try:
            param.check(default)
        except ParamError as exc:
            raise CatalogueError(f"{where}: the default is not an allowed value ({exc})") from None
    return param


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
    # How a row of the CSV maps to the graph (CSVW aboutUrl/propertyUrl/valueUrl): {about: var, columns:
    # {var: {property: prefixed name, about?: var, datatype?, lang?}}}; None: the CSV is not mapped.
    csvw: dict[str, Any] | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(self, raw: Mapping[str, str | Sequence[str]]) -> Binding:
        """Check request values (names without the reserved ones; a value or the list of values given) and fill
        in defaults (binding.py)."""
        return binding.bind(self.name, self.params, raw)

    def sparql(self, base: str, values: Binding, limit: int | None = None, offset: int | None = None) -> str:
        """The full query text for a base and checked values: prologue, VALUES, body, paging (binding.py)."""
        return binding.write(self.body, self.params, base, values, limit, offset)

    def anchors(self, base: str) -> list[str]:
        """IRIs that notes about this table may target: its dataset and its report parts."""
        base = base.rstrip("/")
        out = [f"{base}/id/report-part/{part}" for part in self.source.parts]
        if self.dataset:
            out.append(f"{base}/id/dataset/{self.dataset}")
        return out


def _where_open(body: str, where: str) -> int:
    """The position just after the `{` of the outermost WHERE group."""
    at = where_open(body)
    if at < 0:
        raise CatalogueError(f"{where}: the query has no `WHERE {{`")
    return at


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
        _texts(layout.get("download_corner", ""), f"{where} download_corner")
        if layout.get("transpose_corner") is not None:
            _texts(layout["transpose_corner"], f"{where} transpose_corner")
            if not (layout.get("column") and layout.get("cell")):
                raise CatalogueError(f"{where}: only a pivot with a column var and cells can be turned around")
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
    _where_open(body, where)
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
    csvw = _check_csvw(header.get("csvw"), variables, where)
    return SavedQuery(**{**draft.__dict__, "layout": layout, "variables": variables, "chart": chart, "csvw": csvw})


CSVW_PREFIXES = ("ak", *(name for name, _ in binding.STANDARD_PREFIXES))
CSVW_COLUMN_KEYS = ("property", "about", "datatype", "lang")


def _check_csvw(raw: Any, variables: tuple[str, ...], where: str) -> dict[str, Any] | None:
    """The `csvw:` header: what each row is about (a variable holding an IRI) and the ontology's term per column."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("about") not in variables or not isinstance(raw.get("columns"), dict):
        raise CatalogueError(f"{where}: csvw needs about (a variable of the SELECT) and columns (var: property)")
    columns = {}
    for var, spec in raw["columns"].items():
        col = {"property": spec} if isinstance(spec, str) else spec
        if var not in variables or not isinstance(col, dict) or set(col) - set(CSVW_COLUMN_KEYS):
            raise CatalogueError(f"{where}: csvw column {var!r}: a variable of the SELECT with "
                                 f"{', '.join(CSVW_COLUMN_KEYS)}")
        prefix, _, local = str(col.get("property", "")).partition(":")
        if prefix not in CSVW_PREFIXES or not local:
            raise CatalogueError(f"{where}: csvw column {var!r}: property must be a prefixed name "
                                 f"({', '.join(CSVW_PREFIXES)})")
        if col.get("about") is not None and col["about"] not in variables:
            raise CatalogueError(f"{where}: csvw column {var!r}: about ?{col['about']} is not in the SELECT")
        columns[var] = col
    return {"about": raw["about"], "columns": columns}


@dataclass(frozen=True)
class Catalogue:
    queries: tuple[SavedQuery, ...]
    # Column headers of the row downloads for people, per SELECT variable (queries/columns.yaml).
    column_titles: Mapping[str, dict[str, str]] = field(default_factory=dict)

    def titles(self, query: SavedQuery, lang: str) -> dict[str, str]:
        """A header per variable of the query: the layout's column header where it declares one, else the
        catalogue's (queries/columns.yaml), else the variable itself. Where the catalogue's header is the one the
        layout gives the thing's name ('Bedrijf'), the variable holds the thing itself: 'Bedrijf (IRI)'."""
        declared = {c["var"]: c["header"][lang] for c in query.layout.get("columns", [])
                    if isinstance(c.get("header"), dict)}
        out = {}
        for var in query.variables:
            title = declared.get(var) or self.column_titles.get(var, {}).get(lang) or var
            out[var] = f"{title} (IRI)" if var not in declared and title in declared.values() else title
        return out

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
    return Catalogue(tuple(sorted(queries, key=_sort_key)), _column_titles(folder / "columns.yaml"))


def _column_titles(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path.name}: a mapping of variable: {{nl, en}}")
    return {str(var): _texts(titles, f"{path.name} {var}") for var, titles in raw.items()}


def signature(folder: Path) -> tuple:
    """Names, times and sizes of the saved-query files: the catalogue's version (queries/ can change
    without a rebuild, so pages that list the queries put the version they read in their ETag)."""
    folder = Path(folder)
    if not folder.is_dir():
        return ()
    files = [*sorted(folder.glob("*.rq")), *[p for p in [folder / "columns.yaml"] if p.is_file()]]
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
