"""The query editor: /sparql for a browser, a form that runs the query and shows the answer as a table.

Works without JavaScript. It is not a second endpoint: a request reaches it through /sparql (a client
that prefers text/html over every answer format, or `format=html`), and it runs the query through the
same engine call as every other client, asking only for the first rows it shows (the rest of the answer
is never computed). Links in the answer go through the one safe-link function (vocab.link_for).

With JavaScript, and when scripts/setup.sh installed it, YASGUI takes the form's place (assets.py serves
it from this origin): highlighting, completion of the graph's own prefixes, properties and classes,
Ctrl+Enter, a sortable, paged table, a chart of numeric answers, downloads, and a button that copies a
link to the query. Its requests go to this same /sparql with an Accept header that asks for SPARQL results
(or Turtle), so they get protocol answers, never this page. The page then allows this origin's scripts
(security.SCRIPT_PAGE_CSP) and nothing else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, request

from ...dumps import prefixes
from ...engine import Answer, QueryRequest, formats
from ...engine.rows import Term, decode
from ...errors import AppError
from ...vocab import link_for
from ..core.i18n import pick_lang, with_lang
from ..core.pages import context
from ..core.respond import page as send_page
from ..http import negotiation
from ..http.client import client_address
from ..http.security import SCRIPT_PAGE_CSP
from ..state import app_state
from . import assets, protocol, service_description

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


def _download_formats(kind: str | None) -> list[tuple[str, str, str]]:
    """(format name, label, file extension) of each download an answer of this kind is offered as."""
    wanted = formats.GRAPH if kind == "graph" else formats.RESULTS
    return [(f.names[0], f.label, f.extension) for f in formats.of_kind(wanted) if not f.quads]


def examples(base: str, lang: str) -> list[dict[str, str]]:
    """The saved queries, each as a link that opens it in the editor (with its default parameters)."""
    out = []
    for q in app_state().catalogue().queries:
        text = q.sparql(base, q.bind({}))
        out.append({"title": q.title[lang], "query": text,
                    "href": "/sparql?" + urlencode({"query": text, "lang": lang})})
    return out


def vocabulary(base: str) -> dict[str, list[str]]:
    """The properties and classes the graph uses, for the editor's completion (none when no build)."""
    try:
        _state, _build, index = context()
    except AppError:
        return {"properties": [], "classes": []}
    return {"properties": sorted(index.property_counts), "classes": sorted(index.class_counts)}


def editor_config(base: str, lang: str, query: str, ran: bool, example_list: list[dict[str, str]]) -> dict:
    """What the page's script needs, as a JSON data block (never executed, escaped by tojson)."""
    return {
        "lang": lang, "base": base.rstrip("/"), "query": query, "ran": ran, "prefixes": prefixes(base),
        **vocabulary(base), "examples": [{"title": e["title"], "query": e["query"]} for e in example_list],
    }


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
    lang = pick_lang()
    links = []
    if query:
        kind = result.get("kind") if result else ""
        # `download` names the file (answer.tsv), which the URL alone (…/sparql?…) would not.
        links = [(label, "/sparql?" + urlencode({"query": query, "format": name}), f"answer{ext}")
                 for name, label, ext in _download_formats(kind)]
    query_text = query if query is not None else EXAMPLE.format(base=base)
    example_list = examples(base, lang)
    editor = None
    if assets.available():
        editor = {"version": assets.version(),
                  "config": editor_config(base, lang, query_text, query is not None, example_list)}
    resp = send_page(
        "sparql.html", status=status, lang=lang,
        query_text=query_text, ran=query is not None,
        error=error, error_status=status, result=result, downloads=links, endpoint=state.settings.endpoint_iri,
        info=info, graphs=sorted(info.graphs.items()) if info else [],
        limits=service_description.limits_text(state.settings), union_note=service_description.UNION_NOTE,
        max_rows=state.settings.editor_rows, examples=example_list, editor=editor,
    )
    if editor is not None:
        resp.headers["Content-Security-Policy"] = SCRIPT_PAGE_CSP
    return resp


def run(req: protocol.ProtocolRequest) -> Response:
    """Run the query for the page; a failure becomes a message on the page with the protocol's status."""
    state = app_state()
    query = QueryRequest(req.query or "", results_type=RESULTS_JSON, graph_type=GRAPH_TURTLE,
                         default_graphs=req.default_graphs, named_graphs=req.named_graphs,
                         max_rows=state.settings.editor_rows,
                         client=client_address(request.environ, state.settings.trusted_proxies))
    try:
        answer = state.engine.query(query)
    except AppError as exc:
        return page(req.query, exc.status, exc.message)
    return page(req.query, result=_result(answer))


def _result(answer: Answer) -> dict:
    if answer.kind == "graph":
        return {"kind": "graph", "turtle": answer.body.decode("utf-8")}
    found = decode(answer.body)
    if found.boolean is not None:
        return {"kind": "boolean", "value": found.boolean}
    base = answer.build.info.base
    rows = [[_cell(row.get(n), base) for n in found.variables] for row in found.rows]
    return {"kind": "solutions", "vars": found.variables, "rows": rows, "total": len(rows),
            "more": answer.truncated}


def _cell(term: Term | None, base: str) -> dict:
    if term is None:
        return {"text": ""}
    if term.is_iri:
        href = link_for(term.value, base)
        if href is not None and href.startswith("/"):
            href = with_lang(href, pick_lang())  # our own pages, in the page's language
        return {"text": term.value, "href": href}
    return {"text": term.value, "extra": f"@{term.lang}" if term.lang else ""}

