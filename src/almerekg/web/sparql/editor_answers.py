"""What the query editor's script asks for beside the protocol: the labels of an answer's IRIs, and the answer
as a download in the site's own formats, in the order the reader sorted it.

Labels: one request per answer (POST /sparql/labels with the answer's IRIs), answered by ONE query, the one
the saved-query pages use (page_queries.labels_query: the IRIs as a VALUES list written by iri_values, which
drops anything that is not an IRIREF; the reader's query text never enters it), through the engine like any
other query (its limits and its cache), and picked in the page's language by the same pick_labels. Done on the
server rather than by a second SPARQL text built in the browser, so that there is one label lookup, and so
that the script never writes SPARQL.

Downloads (GET or POST /sparql/download: the page's form): the rows of the reader's query, ordered by the
column the table is sorted on (tables.sort_rows, the sort of the saved-query pages), written by the saved
queries' own writers: CSV (RFC 4180), CSV for Dutch Excel (byte order mark, semicolons, decimal commas, labels
beside the IRIs) and the rows as JSON. The endpoint keeps its protocol formats (`format=`) in the query's own
order.
"""

from __future__ import annotations

import json

from flask import Response, request

from ...engine import QueryRequest
from ...engine.rows import SPARQL_JSON, Rows
from ...engine.rows import select as rows_of
from ...errors import AppError
from ...saved_queries.page_queries import labels_query, pick_labels
from ...saved_queries.tables import json_rows, labelled_grid, sort_rows, tidy_grid, write_csv
from ...vocab import link_for
from ..core.i18n import pick_lang
from ..http.client import client_address
from ..state import app_state

MAX_IRIS = 5000  # an answer the editor shows has at most a few thousand distinct IRIs
# format name -> (file name, media type); the order is the order of the buttons on the page.
DOWNLOADS = {
    "csv": ("answer.csv", "text/csv; charset=utf-8; header=present"),
    "excel-nl": ("answer-excel.csv", "text/csv; charset=utf-8; header=present"),
    "json": ("answer.json", "application/json"),
}


def _rows(text: str, max_rows: int | None = None) -> Rows:
    state = app_state()
    return rows_of(state.engine, QueryRequest(
        text, results_type=SPARQL_JSON, max_rows=max_rows,
        client=client_address(request.environ, state.settings.trusted_proxies)))


def label_map(iris: list[str], lang: str) -> dict[str, str]:
    """IRI -> its label (rdfs:label or skos:prefLabel) in `lang`, else Dutch, untagged, any."""
    if not iris:
        return {}
    base = app_state().engine.build().info.base
    return pick_labels(_rows(labels_query(base, iris)), lang)


def labels() -> Response:
    """{"labels": {iri: {"label", "href"}}} for those IRIs posted as `iri` (repeated) that have a label, in the page's
    language; `href` is where the page links it (none for an IRI that is not a web address)."""
    iris = list(dict.fromkeys(request.form.getlist("iri")))
    if len(iris) > MAX_IRIS:
        raise AppError(413, f"at most {MAX_IRIS} IRIs per request ({len(iris)} sent)")
    lang = pick_lang()
    base = app_state().engine.build().info.base
    found = label_map(iris, lang)
    out = {}
    for iri, label in found.items():
        href = link_for(iri, base)
        if href is not None and href.startswith("/"):
            href += "?lang=" + lang  # our own pages, in the page's language
        out[iri] = {"label": label, "href": href}
    resp = Response(json.dumps({"labels": out}, ensure_ascii=False), content_type="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def download() -> Response:
    """The rows of `query` as `format` (csv, excel-nl, json), sorted on `sort` (`desc=1`: descending)."""
    query = request.values.get("query", "")
    name = request.values.get("format", "")
    if name not in DOWNLOADS:
        raise AppError(400, f"format must be one of {', '.join(DOWNLOADS)} (got {name[:40]!r})", param="format")
    if not query.strip():
        raise AppError(400, "the request carries no query", param="query")
    result = _rows(query)
    if result.boolean is not None:
        raise AppError(400, "an ASK answer is a single true or false; these downloads are for SELECT answers")
    sort = request.values.get("sort", "")
    if sort:
        if sort not in result.variables:
            raise AppError(400, f"sort must name a column of the answer ({', '.join(result.variables)})", param="sort")
        result = sort_rows(result, sort, descending=request.values.get("desc") == "1")
    filename, media = DOWNLOADS[name]
    if name == "csv":
        body = write_csv(tidy_grid(result))
    elif name == "excel-nl":
        body = write_csv(labelled_grid(result, label_map(result.iris(), "nl"), {}, "excel-nl"), "excel-nl")
    else:
        body = json.dumps({"columns": result.variables, "rows": json_rows(result)}, ensure_ascii=False,
                          indent=1).encode("utf-8")
    resp = Response(body, content_type=media)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp
