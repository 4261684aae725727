"""The query editor: /sparql for a browser, a form that runs the query and shows the answer as a table.

Works without JavaScript. The protocol answers (JSON, XML, CSV, ...) stay what every other client gets;
only a client that prefers text/html over every result format (a browser), or asks `format=html`,
gets this page. Queries go through the same guard, worker pool, timeout and cache as the protocol.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import request

from .. import sparql_guard
from ..runner import Job
from ..store import StoreError
from . import protocol, service_description
from .render import render_page
from .state import AppState

MAX_ROWS_SHOWN = 1000
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TURTLE = "text/turtle"

EXAMPLE = """PREFIX ak: <{base}/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
# Vestigingen in Almere naar sector (Tabel 1, kolom totaal)
SELECT ?sector ?label ?vestigingen WHERE {{
  ?o ak:sector ?s ; ak:sizeClass/skos:notation "totaal" ; ak:establishments ?vestigingen .
  ?s skos:notation ?sector ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "nl")
}}
ORDER BY ?sector"""

DOWNLOADS = (("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"), ("tsv", "TSV"))
GRAPH_DOWNLOADS = (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdfxml", "RDF/XML"))


def wants_html(req: protocol.ProtocolRequest) -> bool:
    """A browser: `format=html`, or text/html is acceptable and ranked above every result format."""
    if req.formats:
        return any(f.strip().lower() in ("html", "text/html") for f in req.formats)
    accept = request.accept_mimetypes
    if not accept or accept["text/html"] == 0 or "text/html" not in {v for v, _q in accept}:
        return False
    html_q = accept["text/html"]
    others = max(accept[t] for t in (RESULTS_JSON, "application/sparql-results+xml", "text/csv",
                                      "text/tab-separated-values", GRAPH_TURTLE, "application/ld+json"))
    return html_q > others


def _base(state: AppState) -> str:
    try:
        return state.engine.active().info.base
    except StoreError:
        return state.config.base


def page(state: AppState, query: str | None, status: int = 200, error: str | None = None, result=None):
    config = state.config
    try:
        info = state.engine.active().info
    except StoreError:
        info = None
    text = query if query is not None else EXAMPLE.format(base=_base(state))
    links = []
    if query:
        kind = result.get("kind") if result else None
        for fmt, label in (GRAPH_DOWNLOADS if kind == "graph" else DOWNLOADS):
            links.append((label, "sparql?" + urlencode({"query": query, "format": fmt})))
    return render_page(
        "sparql.html", status,
        query_text=text, ran=query is not None, error=error, result=result, downloads=links,
        endpoint=service_description.endpoint_iri(request.host, request.scheme, config),
        info=info, graphs=sorted(info.graphs.items()) if info else [],
        limits=service_description.limits_text(config), union_note=service_description.UNION_NOTE,
        max_rows=MAX_ROWS_SHOWN,
    )


def run(state: AppState, req: protocol.ProtocolRequest, query: str):
    """Run the query for the page; errors become a message on the page with the protocol's status."""
    from .sparql import READ_ONLY, _failure  # the protocol's own wording for every failure

    config = state.config
    try:
        info = sparql_guard.inspect(query)
        if info.is_update:
            return page(state, query, 403, READ_ONLY)
        sparql_guard.check_services(info, config.service_allowlist)
    except sparql_guard.QueryRefused as exc:
        return page(state, query, exc.status, exc.message)
    try:
        build = state.engine.active()
    except StoreError as exc:
        return page(state, query, 503, f"no data to query: {exc}")
    job = Job(query=query, results_type=RESULTS_JSON, graph_type=GRAPH_TURTLE,
              union_default=not info.has_dataset,
              default_graphs=req.default_graphs if req.dataset_given else None,
              named_graphs=req.named_graphs if req.dataset_given else None,
              max_bytes=config.max_result_bytes, prefixes=info.prefixes)
    outcome = state.engine.run(build, job, config.query_timeout)
    if outcome.status != "ok":
        failed = _failure(outcome, query, info, config)
        return page(state, query, failed.status_code, failed.get_data(as_text=True).strip())
    if outcome.media_type == GRAPH_TURTLE:
        return page(state, query, result={"kind": "graph", "turtle": outcome.body.decode("utf-8")})
    answer = json.loads(outcome.body)
    if "boolean" in answer:
        return page(state, query, result={"kind": "boolean", "value": answer["boolean"]})
    names = answer["head"]["vars"]
    bindings = answer["results"]["bindings"]
    base = build.info.base
    rows = [[_cell(b.get(n), base) for n in names] for b in bindings[:MAX_ROWS_SHOWN]]
    return page(state, query, result={"kind": "solutions", "vars": names, "rows": rows, "total": len(bindings)})


def _cell(term: dict | None, base: str) -> dict:
    if term is None:
        return {"text": ""}
    value = term["value"]
    if term["type"] == "uri":
        # Our own IRIs open their page on this server; others stay plain links.
        href = "/doc/" + value[len(base) + 4:] if value.startswith(base + "/id/") else value
        return {"text": value, "href": href}
    extra = f"@{term['xml:lang']}" if "xml:lang" in term else ""
    return {"text": value, "extra": extra}
