"""The query editor: /sparql for a browser, a form that runs the query and shows the answer as a table.

Works without JavaScript. It is not a second endpoint: a request reaches it through /sparql (a client
that prefers text/html over every answer format, or `format=html`), and it runs the query through the
same engine call as every other client, asking only for the first rows it shows (the rest of the answer
is never computed). Links in the answer go through the one safe-link function (vocab.link_for).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Response

from ...engine import Answer, QueryRequest, formats
from ...errors import AppError
from ...vocab import link_for
from ..http import negotiation
from ..site.render import render_page
from ..state import app_state
from . import protocol, service_description

RESULTS_JSON = "application/sparql-results+json"
GRAPH_TURTLE = "text/turtle"
ANSWER_FORMATS = formats.media_types(formats.RESULTS, formats.GRAPH)

EXAMPLE = """PREFIX ak: <{base}/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
# Vestigingen in Almere naar sector (Tabel 1, kolom totaal)
SELECT ?sector ?label ?vestigingen WHERE {{
  ?o ak:sector ?s ; ak:sizeClass/skos:notation "totaal" ; ak:establishments ?vestigingen .
  ?s skos:notation ?sector ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "nl")
}}
ORDER BY ?sector"""


def _download_formats(kind: str) -> list[tuple[str, str]]:
    wanted = formats.GRAPH if kind == "graph" else formats.RESULTS
    return [(f.names[0], f.label) for f in formats.of_kind(wanted) if not f.quads]


def wanted(req: protocol.ProtocolRequest, accept: str | None, offer: tuple[str, ...] = ANSWER_FORMATS) -> bool:
    """A browser: `format=html`, or text/html acceptable and ranked above every format on offer."""
    if req.formats:
        return any(f.strip().lower() in ("html", "text/html") for f in req.formats)
    return negotiation.prefers_html(accept, offer)


def page(query: str | None = None, status: int = 200, error: str | None = None,
         result: dict | None = None) -> Response:
    state = app_state()
    try:
        info = state.engine.build().info
    except AppError:
        info = None
    base = info.base if info else state.settings.base
    links = []
    if query:
        kind = result.get("kind") if result else ""
        links = [(label, "sparql?" + urlencode({"query": query, "format": name}))
                 for name, label in _download_formats(kind)]
    body, _status, headers = render_page(
        "sparql.html", status,
        query_text=query if query is not None else EXAMPLE.format(base=base), ran=query is not None,
        error=error, result=result, downloads=links, endpoint=state.settings.endpoint_iri,
        info=info, graphs=sorted(info.graphs.items()) if info else [],
        limits=service_description.limits_text(state.settings), union_note=service_description.UNION_NOTE,
        max_rows=state.settings.editor_rows,
    )
    resp = Response(body, status=status, mimetype="text/html", headers=headers)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def run(req: protocol.ProtocolRequest) -> Response:
    """Run the query for the page; a failure becomes a message on the page with the protocol's status."""
    state = app_state()
    query = QueryRequest(req.query or "", results_type=RESULTS_JSON, graph_type=GRAPH_TURTLE,
                         default_graphs=req.default_graphs, named_graphs=req.named_graphs,
                         max_rows=state.settings.editor_rows)
    try:
        answer = state.engine.query(query)
    except AppError as exc:
        return page(req.query, exc.status, exc.message)
    return page(req.query, result=_result(answer))


def _result(answer: Answer) -> dict:
    if answer.kind == "graph":
        return {"kind": "graph", "turtle": answer.body.decode("utf-8")}
    doc = json.loads(answer.body)
    if "boolean" in doc:
        return {"kind": "boolean", "value": doc["boolean"]}
    names = doc["head"]["vars"]
    base = answer.build.info.base
    rows = [[_cell(b.get(n), base) for n in names] for b in doc["results"]["bindings"]]
    return {"kind": "solutions", "vars": names, "rows": rows, "total": len(rows), "more": answer.truncated}


def _cell(term: dict | None, base: str) -> dict:
    if term is None:
        return {"text": ""}
    value = term["value"]
    if term["type"] == "uri":
        return {"text": value, "href": link_for(value, base)}
    extra = f"@{term['xml:lang']}" if "xml:lang" in term else ""
    return {"text": value, "extra": extra}

