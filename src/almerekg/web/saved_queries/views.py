"""/queries: the saved queries as pages for readers and as a small API for programs.

  /queries                       all saved queries, grouped by the report's chapters
  /queries/NAME                  the table in the report's layout, explained, drawn, with its notes
  /queries/NAME.csv              every result row (RFC 4180; ?dialect=excel-nl for Dutch Excel);
                                 ?layout=report gives the table as printed instead
  /queries/NAME.csv-metadata.json  CSV on the Web metadata for that CSV
  /queries/NAME.xlsx             an Excel workbook: the table as printed, every result row, the source and notes
  /queries/NAME.json             every result row as JSON (?layout=report: the printed grid)
  /queries/NAME.ttl              the RDF underneath: every triple about a thing the result shows
  /openapi.json                  OpenAPI 3 description of all of the above

Rows are paged (?page, ?per_page) with Link headers; whether a next page exists is known by asking
the store for one row more than the page holds. Every answer names its build (X-Almerekg-Build and
a `build` field) and is cached per build, like /sparql's answers. Parameter values are checked and
bound by the catalogue (saved_queries/catalogue.py): a value that is not allowed is a 400 before any SPARQL exists.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse  # what redirect() gives

from ...engine import ActiveBuild, QueryRequest
from ...engine.cache import CachedAnswer
from ...engine.rows import Rows
from ...engine.rows import select as rows_of
from ...errors import AppError
from ...saved_queries import (
    RESERVED,
    STANDARD_PREFIXES,
    Binding,
    Catalogue,
    ParamError,
    SavedQuery,
    describe_query,
    exact_labels,
    labels_query,
    listing_order,
    notes_query,
    pick_labels,
)
from ...saved_queries.tables import (
    DIALECTS,
    PRINTED_NOTE,
    PRINTED_NUMBER,
    Cell,
    Table,
    csvw_report_columns,
    csvw_row_columns,
    json_rows,
    labelled_grid,
    labelled_rows,
    layout,
    named_by_layout,
    printed_notes,
    report_grid,
    sort_rows,
    tidy_grid,
    write_csv,
)
from ...saved_queries.workbook import XLSX, Source, write_xlsx
from ...vocab import link_for
from ..core import schema_org
from ..core.citations import cite_href
from ..core.errors import NoSuchThing
from ..core.i18n import pick_lang, tr, with_lang
from ..core.pages import holder
from ..core.phrases import format_number
from ..core.render import render_page
from ..core.respond import page, representation
from ..http.responses import VARY
from ..state import AppState, app_state
from . import charts, param_errors
from .openapi import API_VERSION, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, openapi_document

bp = Blueprint("queries", __name__)
log = logging.getLogger("almerekg.web")

SUFFIXES = (".csv-metadata.json", ".csv", ".json", ".ttl", ".xlsx")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


# ---------------------------------------------------------------------------------------------------
# Plumbing: the catalogue, the build, running through the query workers, caching
# ---------------------------------------------------------------------------------------------------


def _catalogue() -> Catalogue:
    return app_state().catalogue()


def _rows(state: AppState, text: str) -> Rows:
    """The typed rows of a SELECT, through the engine: the same checks, limits and cache as /sparql."""
    return rows_of(state.engine, QueryRequest(text))


def _run(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Rows:
    return _rows(state, query.sparql(build.info.base, binding))


def _graph(state: AppState, build: ActiveBuild, text: str) -> bytes:
    base = build.info.base.rstrip("/")
    prefixes = (("ak", base + "/def/"), *STANDARD_PREFIXES)
    return state.engine.query(QueryRequest(text, results_type=None, graph_type="text/turtle",
                                           prefixes=prefixes)).body


def _params(query: SavedQuery) -> Binding:
    """The request's parameter values, checked by the catalogue (an empty value is not given; a parameter given
    more than once is refused unless it takes several values)."""
    return query.bind({key: request.args.getlist(key) for key in request.args if key not in RESERVED})


def _transpose(query: SavedQuery) -> bool:
    """?transpose=true: the table turned around (rows and columns swapped), where its layout allows it."""
    value = request.args.get("transpose")
    if value is None:
        return False
    if not query.layout.get("transpose_corner"):
        raise _refuse("transpose", f"transpose: {query.name} cannot be turned around")
    if value not in ("true", "false"):
        raise _refuse("transpose", "transpose must be true or false")
    return value == "true"


def _refuse(name: str, message: str) -> ParamError:
    return ParamError(message, name)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole number within the bounds /openapi.json declares; absent is the default, empty is refused."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 9 or not low <= int(raw) <= high:
        raise _refuse(name, f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    """One of the values /openapi.json lists; absent is the default, empty is refused."""
    value = request.args.get(name, default)
    if value not in allowed:
        raise _refuse(name, f"{name} must be one of: {', '.join(allowed)}")
    return value


def _paging() -> tuple[int, int]:
    """?page and ?per_page, checked whatever the layout (a report ignores them, but never takes a bad one)."""
    return _int_arg("page", 1, 1, MAX_PAGE), _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)


def _respond(state: AppState, build: ActiveBuild, key: tuple, media: str,
             produce: Callable[[], bytes], headers: dict[str, str] | None = None) -> Response:
    """A download made from the query's answer (CSV, JSON, CSVW, Turtle), through the one response path; the
    file itself is kept in the answer cache per build (X-Cache says whether it came from there)."""
    key = ("saved-query", *key)
    cache = {}

    def make() -> bytes:
        entry = state.engine.cache.get((build.info.build_id, *key))
        cache["X-Cache"] = "HIT" if entry is not None else "MISS"
        if entry is None:
            entry = CachedAnswer(produce(), media)
            state.engine.cache.put((build.info.build_id, *key), entry)
        return entry.body

    # The build goes with a 304 too: a client that pages through a table learns when the data changed.
    sent = {**(headers or {}), **_build_header(build), "API-Version": API_VERSION}
    resp = representation(build, key, media, make, headers=sent, vary=VARY)
    resp.headers.update(cache)
    return resp


def _build_header(build: ActiveBuild) -> dict[str, str]:
    return {"X-Almerekg-Build": build.info.build_id}


def _url(path: str, **changes: Any) -> str:
    """This request's URL with some arguments changed (None drops one); relative, keeps the rest."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and v != ""]
    args += [(k, str(v)) for k, v in changes.items() if v is not None]
    return path + ("?" + urlencode(args) if args else "")


def _param_query(binding: Binding, turn: bool = False, **extra: Any) -> str:
    """Query string with the request's explicitly given parameters (defaults stay implicit) and, with `turn`, the
    table turned around (?transpose=true): a link shows the same selection as the page; never an empty value."""
    args = [(k, v) for k, v in binding.values if k in binding.explicit]
    if turn:
        args.append(("transpose", "true"))
    args += [(k, str(v)) for k, v in extra.items() if v is not None]
    return "?" + urlencode(args) if args else ""


# ---------------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------------


@bp.route("/queries/", methods=["GET", "HEAD"])
@bp.route("/queries", methods=["GET", "HEAD"])  # registered first: the one url_for() writes
def index() -> Response:
    lang = pick_lang()
    cat = _catalogue()
    try:
        graphs = app_state().engine.build().info.graphs
    except AppError:
        graphs = {}  # without a build nothing is linked either
    chapters = [(key, titles, listing_order(members, graphs)) for key, titles, members in cat.by_chapter()]
    resp = page("queries_index.html", lang=lang, cache_control=None, chapters=chapters)
    try:
        resp.headers["X-Almerekg-Build"] = app_state().engine.build().info.build_id
    except AppError:
        pass  # the list of queries does not depend on the data; without a build it still shows
    return resp


@bp.route("/queries/<string:name>", methods=["GET", "HEAD"])
def saved(name: str) -> BaseResponse:
    suffix = next((s for s in SUFFIXES if name.endswith(s)), "")
    stem = name[: len(name) - len(suffix)] if suffix else name
    query = _catalogue().get(stem)
    if query is None:
        # The one not-found answer: a page for a browser, problem details for an API client, text for the rest.
        raise NoSuchThing(request.path.lstrip("/"), f"there is no saved query named {stem!r}; see /queries")
    if not suffix and any(v == "" for v in request.args.values()):
        # A form's "(all)" sends `x=`: the address to share is the one without it.
        return redirect(_url(request.path), code=303)
    state = app_state()
    try:
        binding = _params(query)
        _transpose(query)
    except ParamError as exc:
        if suffix:
            raise
        return _bad_params(query, exc)
    build = state.engine.build()
    if suffix == ".csv":
        return _csv(state, build, query, binding)
    if suffix == ".csv-metadata.json":
        return _csv_metadata(state, build, query, binding)
    if suffix == ".json":
        return _json(state, build, query, binding)
    if suffix == ".ttl":
        return _turtle(state, build, query, binding)
    if suffix == ".xlsx":
        return _xlsx(state, build, query, binding)
    return _page(state, build, query, binding)


@bp.route("/openapi.json", methods=["GET", "HEAD"])
def openapi() -> Response:
    state = app_state()
    cat = _catalogue()
    try:
        build = state.engine.build()
        build_id = build.info.build_id
    except AppError:
        build, build_id = None, ""
    s = state.settings
    contact = {"name": s.publisher_name, "url": s.contact_url or f"{s.site_url}/dataset", "email": s.contact_email}
    doc = openapi_document(cat, build_id, s.site_url, {k: v for k, v in contact.items() if v})
    resp = Response(json.dumps(doc, ensure_ascii=False, indent=1), mimetype="application/json")
    resp.headers["API-Version"] = API_VERSION
    if build is not None:
        resp.headers["X-Almerekg-Build"] = build_id
    return resp


# ---------------------------------------------------------------------------------------------------
# Machine formats
# ---------------------------------------------------------------------------------------------------


def _sort(query: SavedQuery) -> tuple[str | None, bool]:
    """The column asked to order the rows by: ?sort=VAR ascending, ?sort=-VAR descending (?sort_desc=VAR, the
    older spelling of descending that the pages' links use, is kept; the two exclude each other)."""
    asc, desc = request.args.get("sort"), request.args.get("sort_desc")
    if asc is not None and desc is not None:
        raise _refuse("sort_desc", "give sort or sort_desc, not both")
    if asc is None and desc is None:
        return None, False
    name = "sort" if desc is None else "sort_desc"
    var = asc if asc is not None else (desc or "")
    descending = desc is not None or var.startswith("-")
    if desc is None and descending:
        var = var[1:]
    if var not in query.variables:
        raise _refuse(name, f"{name}: {var[:60]!r} is not a column of {query.name} "
                            f"(columns: {', '.join(query.variables)})")
    return var, descending


def _whole(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Rows:
    """Every row of the answer, in the order asked for (the engine keeps the answer per build)."""
    result = _run(state, build, query, binding)
    var, descending = _sort(query)
    return sort_rows(result, var, descending) if var else result


def _paged(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding
           ) -> tuple[Rows, bool, int, int, int]:
    """One page of rows, whether another follows, the page, its size and how many rows there are in all."""
    page, per_page = _paging()
    result = _whole(state, build, query, binding)
    start = (page - 1) * per_page
    total = len(result.rows)
    return Rows(result.variables, result.rows[start:start + per_page]), start + per_page < total, page, per_page, \
        total


def _page_links(path: str, page: int, per_page: int, has_next: bool) -> dict[str, str]:
    links = {"first": _url(path, page=1, per_page=per_page)}
    if page > 1:
        links["prev"] = _url(path, page=page - 1, per_page=per_page)
    if has_next:
        links["next"] = _url(path, page=page + 1, per_page=per_page)
    return links


def _link_header(links: dict[str, str], extra: tuple[str, ...] | list[str] = ()) -> str:
    """RFC 8288 links, absolute from the configured public URL (never from the request's Host)."""
    site = app_state().settings.site_url
    return ", ".join([f'<{site}{url}>; rel="{rel}"' for rel, url in links.items()] + list(extra))


def _csv(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Response:
    dialect = _choice("dialect", DIALECTS, "rfc4180")
    shape = _choice("layout", ("rows", "report"), "rows")
    page, per_page = _paging()
    sort = _sort(query)
    base_path = f"/queries/{query.name}.csv"
    filename = f"{query.name}{'-tabel' if shape == 'report' else ''}{'-excel' if dialect == 'excel-nl' else ''}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    meta = _url(f"/queries/{query.name}.csv-metadata.json", page=None, per_page=None)
    describedby = f'<{state.settings.site_url}{meta}>; rel="describedby"; type="application/csvm+json"'
    media = "text/csv; header=present"
    if shape == "report":
        result = _run(state, build, query, binding)

        turn = _transpose(query)

        def produce_report() -> bytes:
            return write_csv(report_grid(layout(query, result, "nl", turn), dialect), dialect)

        headers["Link"] = describedby
        return _respond(state, build, (query.name, binding.key, "csv", shape, dialect, turn), media,
                        produce_report, headers)
    key = (query.name, binding.key, "csv", shape, dialect, page, per_page, sort)

    def produce() -> bytes:
        result, has_next, _, _, total = _paged(state, build, query, binding)
        _remember_page(state, build, key, has_next, total)
        if dialect == "excel-nl":  # for people: readable headers, labels beside the IRIs
            return write_csv(labelled_grid(result, _labels(state, build, result), _headers(query, "nl"), dialect,
                                           named_by_layout(query.layout)), dialect)
        return write_csv(tidy_grid(result, dialect), dialect)

    resp = _respond(state, build, key, media, produce, headers)
    has_next, total = _cached_page(state, build, key, query, binding)
    resp.headers["Link"] = _link_header(_page_links(base_path, page, per_page, has_next), [describedby])
    resp.headers["X-Total-Count"] = str(total)
    return resp


def _remember_page(state: AppState, build: ActiveBuild, key: tuple, has_next: bool, total: int) -> None:
    # Kept beside the cached page, so that a cache hit or a 304 can still send the right Link header and count.
    state.engine.cache.put((build.info.build_id, "page-info", *key),
                           CachedAnswer(f"{int(has_next)}:{total}".encode(), ""))


def _cached_page(state: AppState, build: ActiveBuild, key: tuple, query: SavedQuery, binding: Binding
                 ) -> tuple[bool, int]:
    entry = state.engine.cache.get((build.info.build_id, "page-info", *key))
    if entry is not None:
        flag, _sep, counted = entry.body.decode().partition(":")
        return flag == "1", int(counted)
    # The cache dropped the note: count again (the engine keeps the answer itself).
    _, has_next, _, _, total = _paged(state, build, query, binding)
    return has_next, total


def _json(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Response:
    shape = _choice("layout", ("rows", "report"), "rows")
    page, per_page = _paging()
    sort = _sort(query)
    base_path = f"/queries/{query.name}.json"
    doc: dict[str, Any] = {
        "query": query.name, "title": query.title, "build": build.info.build_id,
        "parameters": binding.as_json(query.params),
        "source": {"label": query.source.label, "page": query.source.page,
                   "iri": f"{build.info.base.rstrip('/')}/id/report-part/{query.source.part}"},
    }
    if shape == "report":
        turn = _transpose(query)

        def produce_report() -> bytes:
            result = _run(state, build, query, binding)
            table = layout(query, result, "nl", turn)
            doc.update({"layout": table.kind, "printed_header": table.printed_header,
                        "header": table.grid()[0], "columns": table.column_names(), "rows": table.json_grid()})
            return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")

        return _respond(state, build, (query.name, binding.key, "json", shape, turn), "application/json",
                        produce_report)
    key = (query.name, binding.key, "json", shape, page, per_page, sort)

    def produce() -> bytes:
        result, has_next, _, _, total = _paged(state, build, query, binding)
        _remember_page(state, build, key, has_next, total)
        links = _page_links(base_path, page, per_page, has_next)
        doc.update({"total": total, "sort": ({"column": sort[0], "order": "desc" if sort[1] else "asc"}
                                             if sort[0] else None),
                    "page": page, "per_page": per_page, "next": links.get("next"), "prev": links.get("prev"),
                    "columns": result.variables, "rows": json_rows(result)})
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")

    resp = _respond(state, build, key, "application/json", produce)
    has_next, total = _cached_page(state, build, key, query, binding)
    resp.headers["Link"] = _link_header(_page_links(base_path, page, per_page, has_next))
    resp.headers["X-Total-Count"] = str(total)
    return resp


def _csv_metadata(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Response:
    shape = _choice("layout", ("rows", "report"), "rows")
    dialect = _choice("dialect", DIALECTS, "rfc4180")
    turn = _transpose(query) and shape == "report"
    base = build.info.base.rstrip("/")

    def produce() -> bytes:
        result = _run(state, build, query, binding)
        url = f"{query.name}.csv" + _param_query(binding, turn, layout="report" if shape == "report" else None,
                                                  dialect=dialect if dialect != "rfc4180" else None)
        if shape == "report":
            table = layout(query, result, "nl", turn)
            columns = csvw_report_columns(table, report_grid(table, dialect))
        else:
            headers = {c["var"]: c["header"] for c in query.layout.get("columns", [])
                       if isinstance(c.get("header"), dict)}
            people = dialect == "excel-nl"  # readable headers, labels beside the IRIs
            columns = csvw_row_columns(result, dialect, headers, query.csvw, base,
                                       _labels(state, build, result) if people else None,
                                       named_by_layout(query.layout), _headers(query, "nl") if people else None)
        meta = {
            "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
            "url": url,
            "dc:title": [{"@value": query.title["nl"], "@language": "nl"},
                         {"@value": query.title["en"], "@language": "en"}],
            "dc:description": [{"@value": query.description["nl"], "@language": "nl"},
                               {"@value": query.description["en"], "@language": "en"}],
            "dc:source": {"@id": f"{base}/id/report-part/{query.source.part}"},
            "dc:hasVersion": build.info.build_id,
            "dialect": {"header": True, "delimiter": ";" if dialect == "excel-nl" else ",",
                        "encoding": "utf-8", "lineTerminators": ["\r\n"]},
            "tableSchema": {"columns": columns,
                            **({"aboutUrl": "{+" + query.csvw["about"] + "}"}
                               if query.csvw and shape != "report" else {})},
        }
        return json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")

    return _respond(state, build, (query.name, binding.key, "csvw", shape, dialect, turn),
                    "application/csvm+json", produce)


def _turtle(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Response:
    def produce() -> bytes:
        result = _run(state, build, query, binding)
        iris = result.iris() + query.anchors(build.info.base)
        return _graph(state, build, describe_query(build.info.base, iris))

    headers = {"Content-Disposition": f'inline; filename="{query.name}.ttl"'}
    return _respond(state, build, (query.name, binding.key, "ttl"), "text/turtle", produce, headers)


def _xlsx(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Response:
    """The workbook (saved_queries/workbook.py): the printed table with counts as numbers, every result row with
    labels beside its IRIs, and a sheet naming the source (report, table, page, build, licence) and the notes."""
    turn = _transpose(query)

    def produce() -> bytes:
        result = _run(state, build, query, binding)
        table = layout(query, result, "nl", turn)
        row_header, rows = labelled_rows(result, _labels(state, build, result), _headers(query, "nl"),
                                         named_by_layout(query.layout))
        return write_xlsx(table, row_header, rows, _workbook_source(state, build, query, binding, result, table, turn))

    headers = {"Content-Disposition": f'attachment; filename="{query.name}.xlsx"'}
    return _respond(state, build, (query.name, binding.key, "xlsx", turn), XLSX, produce, headers)


def _labels(state: AppState, build: ActiveBuild, result: Rows) -> dict[str, str]:
    """The Dutch label of every IRI in the result (the downloads for people show it beside the IRI)."""
    return pick_labels(_rows(state, labels_query(build.info.base, result.iris())), "nl")


def _headers(query: SavedQuery, lang: str) -> dict[str, str]:
    """A readable header per variable (the layout's, else queries/columns.yaml)."""
    return _catalogue().titles(query, lang)


def _workbook_source(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding, result: Rows,
                     table: Table, turn: bool = False) -> Source:
    index = holder().get(state, build)
    base = build.info.base.rstrip("/")
    notes, _ = _notes(state, build, query, result, "nl")
    lines = [("Titel", query.title["nl"]), ("Rapport", index.report_title()), ("Rapport (IRI)", index.report_iri),
             ("Tabel", query.source.label["nl"]), ("Pagina", str(query.source.page)),
             ("Deel (IRI)", f"{base}/id/report-part/{query.source.part}"),
             ("Parameters", ", ".join(f"{k}={v}" for k, v in binding.as_dict().items())),
             ("Build", build.info.build_id), ("Licentie", index.license_iri(state.settings.license)),
             ("Adres", f"{state.settings.site_url}/queries/{query.name}{_param_query(binding, turn)}")]
    texts = [f"{n['id']}: {n['comment']}" for n in notes]
    if any(printed_notes(table)):
        texts.append(f"gedrukt: {PRINTED_NOTE['nl']}")
    return Source(lines, texts)


# ---------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------


def doc_link(iri: str | None, base: str, lang: str) -> str | None:
    """Where a link to a thing goes (vocab.link_for), keeping an English reader in English on our pages."""
    href = link_for(iri, base)
    return with_lang(href, lang) if href is not None and href.startswith("/") else href


def display(cell: Cell, lang: str) -> str:
    """A cell's text on the page: as printed, a number written the way the page's language writes it
    (1.325 / 1,325); a printed '-' (nihil) and any text stay as they are."""
    if cell.entries:
        return ""
    text = cell.text or ""
    if cell.value is not None and (PRINTED_NUMBER.match(text) or PLAIN_NUMBER.match(text)):
        return format_number(cell.value, lang)
    return text


def _notes(state: AppState, build: ActiveBuild, query: SavedQuery, result: Rows, lang: str
           ) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    base = build.info.base
    anchors = query.anchors(base) + result.iris()
    parts = [f"{base.rstrip('/')}/id/report-part/{p}" for p in query.source.parts]
    rows = _rows(state, notes_query(base, anchors, parts, lang)).rows
    notes: dict[str, dict[str, Any]] = {}
    by_target: dict[str, list[str]] = {}
    for r in rows:
        iri = r["note"].value
        note = notes.get(iri)
        if note is None:
            note = notes[iri] = {
                "iri": iri, "id": iri.rsplit("/", 1)[-1], "href": doc_link(iri, base, lang),
                "comment": r["comment"].value, "comment_lang": r["comment"].lang or "nl",
                "kind": r["kindLabel"].value if "kindLabel" in r else
                (r["kind"].value.rsplit("/", 1)[-1] if "kind" in r else ""),
                "printed": r["printed"].value if "printed" in r else None,
                "used": r["used"].value if "used" in r else None,
                "targets": [],
            }
        target = r["target"].value
        if target not in note["targets"]:
            note["targets"].append(target)
        by_target.setdefault(target, [])
        if note["id"] not in by_target[target]:
            by_target[target].append(note["id"])
    return sorted(notes.values(), key=lambda n: n["id"]), by_target


def _mark(table: Table, by_target: dict[str, list[str]]) -> None:
    for c in table.header:
        c.notes = by_target.get(c.iri or "", [])
    for r in table.rows:
        if r.header is not None:
            found = list(by_target.get(r.header.iri or "", []))
            found += [n for n in by_target.get(r.iri or "", []) if n not in found]
            r.header.notes = found
        for c in r.cells:
            found = []
            for iri in (c.observation, c.iri if c.observation is None else None):
                found += [n for n in by_target.get(iri or "", []) if n not in found]
            c.notes = found
            for e in c.entries:
                e.notes = by_target.get(e.iri or "", [])


def _relabel(state: AppState, build: ActiveBuild, table: Table, lang: str) -> None:
    """Plain tables show a linked thing by its label in the page's language: a bare IRI always by
    its best label, a label column (declared `relabel: true`) where the graph has one in this language.

    The report's own tables (pivots, side by side) keep their printed Dutch headers, which are the
    reproduction; on an English page each header that names a thing gets its English label beside it.
    """
    if table.kind == "table":
        cells = [c for c in table.cells() if c.relabel and c.iri]
    elif lang != "nl":
        cells = [c for c in [*table.header, *(r.header for r in table.rows if r.header is not None)] if c.iri]
    else:
        return
    if not cells:
        return
    rows = _rows(state, labels_query(build.info.base, {c.iri for c in cells if c.iri}))
    exact, best = exact_labels(rows, lang), pick_labels(rows, lang)
    for c in cells:
        if table.kind != "table":
            gloss = exact.get(c.iri or "")
            if gloss and gloss.casefold() != (c.text or "").casefold():
                c.gloss = gloss
        elif c.text == c.iri and c.iri in best:
            c.text = best[c.iri]
        elif c.iri in exact:
            c.text = exact[c.iri]


def _page(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding) -> Response:
    lang = pick_lang()
    base = build.info.base
    sort = _sort(query)
    turn = _transpose(query)

    def produce() -> str:
        result = _whole(state, build, query, binding)
        table = layout(query, result, lang, turn)
        notes, by_target = _notes(state, build, query, result, lang)
        _mark(table, by_target)
        _relabel(state, build, table, lang)
        chart = None
        if query.chart:
            title = query.chart.get("title", {}).get(lang) or query.title[lang]
            if query.chart["kind"] == "stacked-bars":
                chart = charts.stacked_bars(table, title, lang)
            elif query.chart.get("label") and query.chart.get("value"):
                label, value = query.chart["label"], query.chart["value"]
                chart = charts.bars([(r[label].value, float(r[value].number() or 0))
                                     for r in result.rows if label in r and value in r], title, lang)
        sparql = query.sparql(base, binding)
        qs = _param_query(binding)
        downloads = _downloads(query, binding, lang, turn)
        facets = _facets(state, build, query, binding, lang)
        offered = {f["name"]: {o["value"] for o in f["options"]} for f in facets}
        return render_page(
            "query.html", lang=lang, q=query, table=table, notes=notes, chart=chart,
            rows_count=len(result.rows), sparql=sparql,
            editor_href="/sparql?" + urlencode({"query": sparql, "lang": lang}),
            params=_form(query, binding, lang, _value_labels(state, build, query, lang), offered),
            binding=binding,
            turn=_turn_form(query, binding, lang, sort, turn),
            downloads=downloads, structured=_structured(state, build, query, binding, lang, downloads, turn),
            doc=lambda iri: doc_link(iri, base, lang), show=lambda c: display(c, lang),
            source_href=cite_href(query.source.part, None, lang),
            param_qs=qs,
            facets=facets,
            sort_links=_sort_links(query, binding, lang, sort) if table.kind == "table" else None,
            cbs=_cbs_state(state, build, query),
        )

    # A page is rendered from the answer the engine keeps; the page itself is not kept.
    return representation(build, ("saved-query", query.name, binding.key, "html", lang, sort, turn), "text/html",
                          produce, lang=lang, headers=_build_header(build))


def _href(query: SavedQuery, values: list[tuple[str, str]], lang: str, sort: tuple[str | None, bool] = (None, False),
          turn: bool = False) -> str:
    """A link to the query's page with these parameter values (and the order, the turn and language kept)."""
    args = [(k, v) for k, v in values if v != ""]
    if sort[0]:
        args.append(("sort_desc" if sort[1] else "sort", sort[0]))
    if turn:
        args.append(("transpose", "true"))
    args.append(("lang", lang))
    return f"/queries/{query.name}" + ("?" + urlencode(args) if args else "")


def _explicit(binding: Binding, leave_out: str | None = None) -> list[tuple[str, str]]:
    return [(k, v) for k, v in binding.values if k in binding.explicit and k != leave_out]


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """(name, value) pairs as the catalogue binds them: a name -> its values."""
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def _sort_links(query: SavedQuery, binding: Binding, lang: str, sort: tuple[str | None, bool]
                ) -> list[dict[str, str]]:
    """For each column of a list: the link that orders the rows by it (again: the other way round)."""
    out = []
    for col in query.layout["columns"]:
        var = col["var"]
        state = ("desc" if sort[1] else "asc") if sort[0] == var else ""
        out.append({"href": _href(query, _explicit(binding), lang, (var, state == "asc"), _transpose(query)),
                    "state": state,
                    "aria": {"asc": "ascending", "desc": "descending"}.get(state, "none")})
    return out


def _facets(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding, lang: str
            ) -> list[dict[str, Any]]:
    """Per parameter that declares a facet: its values with how many rows each would give, as links
    (counted with that parameter left out and the others as chosen). A value that would give no rows is not
    offered (unless it is chosen, so that it can be taken off); for a parameter that takes several values a
    link adds its value to those chosen, or takes a chosen one off."""
    out = []
    base = build.info.base.rstrip("/")
    sort, turn = _sort(query), _transpose(query)
    for p in query.params:
        if p.facet is None:
            continue
        chosen = binding.chosen(p.name) if p.name in binding.explicit else []
        others = _explicit(binding, p.name)
        rows = _rows(state, query.sparql(base, query.bind(_grouped(others)))).rows
        found = [row[p.facet] for row in rows if p.facet in row]
        if p.type == "integer":
            numbers = sorted({int(v.number() or 0) for v in found if v.number() is not None})
            options = [(str(n), f"≥ {n}", sum(1 for v in found if (v.number() or 0) >= n)) for n in numbers]
        else:
            prefix = f"{base}/{p.code_prefix}"
            codes = [v.value[len(prefix):] if p.type == "code" and v.value.startswith(prefix) else v.value
                     for v in found]
            options = [(v, p.value_label(v, lang), codes.count(v)) for v in p.values]
        items = []
        for v, label, n in options:
            picked = v in chosen
            if n == 0 and not picked:
                continue
            now = ([c for c in chosen if c != v] if picked else [*chosen, v]) if p.multiple else \
                ([] if picked else [v])
            ordered = [c for c in p.values if c in now] if p.values else now
            items.append({"value": v, "label": label, "count": n, "chosen": picked,
                          "href": _href(query, [*others, *((p.name, c) for c in ordered)], lang, sort, turn)})
        out.append({
            "name": p.name, "label": p.label[lang], "multiple": p.multiple and len(chosen) > 1, "options": items,
            "clear_href": _href(query, others, lang, sort, turn) if chosen else None,
        })
    return out


def _cbs_state(state: AppState, build: ActiveBuild, query: SavedQuery) -> dict[str, Any] | None:
    """For the comparison with CBS: whether any CBS figures have been linked into this build."""
    if "cbs" not in query.tags:
        return None
    return {"linked": any("/id/graph/linkset-cbs-" in g for g in build.info.graphs)}


def _form(query: SavedQuery, binding: Binding, lang: str, labels: dict[str, dict[str, str]] | None = None,
          offered: dict[str, set[str]] | None = None) -> list[dict[str, Any]]:
    """The parameter form: a list to pick one value from, a check box per value for a parameter that takes
    several, a field for a number. `labels`: value labels the graph gives where the catalogue has none;
    `offered`: per faceted parameter the values that give rows (the others are left out unless chosen)."""
    out = []
    for p in query.params:
        picked = binding.chosen(p.name)
        graph_labels = (labels or {}).get(p.name, {})
        shown = (offered or {}).get(p.name)
        options = [{"value": v, "label": p.value_labels.get(v, {}).get(lang) or graph_labels.get(v) or v,
                    "selected": v in picked}
                   for v in p.values if shown is None or v in shown or v in picked]
        if p.type in ("code", "string") and p.default is None and not p.multiple:
            options.insert(0, {"value": "", "label": tr(lang, "(all)"),
                               "selected": not picked})
        out.append({"name": p.name, "label": p.label[lang], "type": p.type, "options": options,
                    "multiple": p.multiple, "value": picked[0] if picked else "",
                    "minimum": p.minimum, "maximum": p.maximum})
    return out


def _value_labels(state: AppState, build: ActiveBuild, query: SavedQuery, lang: str) -> dict[str, dict[str, str]]:
    """For code parameters whose values the catalogue does not label (the sectors and size classes of Tabel 1
    and 2): the graph's label of each value's IRI in the page's language."""
    base = build.info.base.rstrip("/")
    wanted = {p.name: {f"{base}/{p.code_prefix}{v}": v for v in p.values if v not in p.value_labels}
              for p in query.params if p.type == "code"}
    iris = {iri for by_iri in wanted.values() for iri in by_iri}
    if not iris:
        return {}
    found = pick_labels(_rows(state, labels_query(base, iris)), lang)
    return {name: {v: found[iri] for iri, v in by_iri.items() if iri in found} for name, by_iri in wanted.items()}


def _turn_form(query: SavedQuery, binding: Binding, lang: str, sort: tuple[str | None, bool], turn: bool
               ) -> dict[str, Any] | None:
    """The switch of rows and columns of a table that can be turned around: its state and the link that flips it."""
    if not query.layout.get("transpose_corner"):
        return None
    return {"on": turn, "href": _href(query, _explicit(binding), lang, sort, not turn)}


def _structured(state: AppState, build: ActiveBuild, query: SavedQuery, binding: Binding, lang: str,
                downloads: list[dict[str, str]], turn: bool = False) -> Markup:
    """The table as schema.org Dataset JSON-LD for the page's head (search engines read it there)."""
    index = holder().get(state, build)
    site, base = state.settings.site_url, build.info.base.rstrip("/")
    creators = [(t.value, index.display(t.value, lang))
                for t in index.report_values("http://purl.org/dc/terms/creator") if t.is_iri]
    doc = schema_org.table_jsonld(
        url=f"{site}/queries/{query.name}{_param_query(binding, turn)}", title=query.title[lang],
        description=query.description[lang], license=index.license_iri(state.settings.license),
        dataset=f"{base}/dataset#dataset", part=f"{base}/id/report-part/{query.source.part}", creators=creators,
        downloads=[(site + d["href"], d["type"], d["label"]) for d in downloads])
    return schema_org.script_tag(doc)


def _downloads(query: SavedQuery, binding: Binding, lang: str, turn: bool = False) -> list[dict[str, str]]:
    """Every download of the table, each CSV variant with its CSV on the Web description beside it; the table as
    printed and the workbook turned around as the page shows it (`turn`)."""
    n = query.name
    def href(suffix: str, **extra: Any) -> str:
        printed = extra.get("layout") == "report" or suffix == ".xlsx"
        return f"/queries/{n}{suffix}" + _param_query(binding, turn and printed, **extra)

    def csv(label: str, **extra: Any) -> dict[str, str]:
        return {"href": href(".csv", **extra), "type": "text/csv", "label": label,
                "meta": href(".csv-metadata.json", **extra)}

    return [
        csv(tr(lang, "The table as printed (CSV)"), layout="report"),
        csv(tr(lang, "The table as printed, for Dutch Excel (semicolons, decimal comma)"), layout="report",
            dialect="excel-nl"),
        csv(tr(lang, "All result rows (CSV)")),
        csv(tr(lang, "All result rows, for Dutch Excel"),
            dialect="excel-nl"),
        {"href": href(".json"), "type": "application/json",
         "label": tr(lang, "All result rows (JSON)")},
        {"href": href(".json", layout="report"), "type": "application/json",
         "label": tr(lang, "The table as printed (JSON)")},
        {"href": href(".xlsx"), "type": XLSX,
         "label": tr(lang, "Excel workbook: the table, every row, source and notes")},
        {"href": href(".ttl"), "type": "text/turtle",
         "label": tr(lang, "The underlying data as RDF (Turtle)")},
    ]


def _bad_params(query: SavedQuery, exc: ParamError) -> Response:
    lang = pick_lang()
    found, good, refused = param_errors.problems(query, request.args, lang)
    try:
        binding = query.bind(good)
    except ParamError:
        binding = query.bind({})
    params = param_errors.mark_form(_form(query, binding, lang), found, refused)
    return page("query_error.html", status=400, lang=lang, q=query, message=str(exc),
                problems=found, params=params)
