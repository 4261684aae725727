"""/sparql: the SPARQL 1.1 Protocol query operation, read-only, with limits and caching.

One path for every client: the protocol request is read (protocol.py), the answer's format chosen
(http/negotiation.py over the format registry), and the query run by the engine. A browser asking for
HTML gets the query editor (editor.py), which renders the very same engine answer as a page; without a
query the endpoint describes itself (service_description.py).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request

from ...engine import QueryRequest, formats
from ...engine.engine import READ_ONLY, not_acceptable
from ...engine.guard import hints
from ...errors import AppError
from ..core.respond import representation
from ..http import negotiation
from ..http.client import client_address
from ..http.responses import VARY, caching_headers, from_engine, not_modified
from ..state import app_state
from . import editor, editor_answers, protocol, service_description

bp = Blueprint("sparql", __name__)

RESULTS = formats.media_types(formats.RESULTS)
GRAPHS = formats.media_types(formats.GRAPH)


def note(**fields: object) -> None:
    """Add fields to this request's access-log line."""
    request.environ.setdefault("almerekg.log", {}).update(fields)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    state = app_state()
    req = protocol.parse(request, state.settings.max_request_bytes)
    if req.update:
        note(outcome="update-refused")
        raise AppError(403, READ_ONLY)
    accept = request.headers.get("Accept")
    if req.query is None:
        if request.method == "POST":
            raise AppError(400, "the request carries no query (a query parameter or a sparql-query body)")
        return _service_description(req)
    note(query_sha=hashlib.sha256(req.query.encode("utf-8", "surrogatepass")).hexdigest()[:16],
         query_len=len(req.query))
    if editor.wanted(req, accept):
        note(page="editor")
        return editor.run(req)
    engine = state.engine
    try:
        engine.admit(req.query)  # the size limit before anything reads the text
    except AppError:
        note(outcome="refused")
        raise
    read = hints(req.query)
    form = read.form
    results_type = negotiation.choose(accept, RESULTS, req.formats) if form in ("SELECT", "ASK", "") else None
    graph_type = negotiation.choose(accept, GRAPHS, req.formats) if form in ("CONSTRUCT", "DESCRIBE", "") else None
    if results_type is None and graph_type is None:
        raise not_acceptable(form)
    query = QueryRequest(req.query, results_type=results_type, graph_type=graph_type,
                         default_graphs=req.default_graphs, named_graphs=req.named_graphs,
                         client=client_address(request.environ, state.settings.trusted_proxies))
    try:
        ticket = engine.prepare(query, read)
    except AppError as exc:
        note(outcome="refused" if exc.status in (403, 413) else "error")
        raise
    if not_modified(request, ticket.etag, ticket.build.last_modified):
        note(cache="revalidated")
        resp = Response(status=304)
        caching_headers(resp, ticket.etag, ticket.build.last_modified, state.max_age)
        return resp
    try:
        result = engine.answer(ticket)
    except AppError as exc:
        note(outcome=f"failed-{exc.status}")
        raise
    note(cache=result.cache.lower())
    return from_engine(result, state.max_age)


@bp.route("/sparql/labels", methods=["POST"])
def answer_labels() -> Response:
    """The labels of an answer's IRIs, for the query editor's table and chart (editor_answers.py)."""
    return editor_answers.labels()


@bp.route("/sparql/download", methods=["GET", "POST"])
def answer_download() -> Response:
    """An answer as the editor's reader sorted it, in the site's download formats (editor_answers.py)."""
    note(page="editor-download")
    return editor_answers.download()


def _service_description(req: protocol.ProtocolRequest) -> Response:
    state = app_state()
    accept = request.headers.get("Accept")
    offer = service_description.DESCRIPTION_FORMATS
    if editor.wanted(req, accept, offer):
        return editor.page()
    media = negotiation.choose(accept, offer, req.formats)
    if media is None:
        raise AppError(406, "the service description is available as: " + formats.describe(offer))
    build = _try_build()
    if build is None:  # described without a build (no ETag: the next answer may have one)
        resp = Response(service_description.render(media, state.settings, None),
                        content_type=formats.get(media).content_type())
        caching_headers(resp, None, None, state.max_age)
        return resp
    links = '</.well-known/void>; rel="describedby"'
    if state.settings.license:
        links += f', <{state.settings.license}>; rel="license"'
    return representation(build, ("service-description", state.settings.endpoint_iri, media), media,
                          lambda: service_description.render(media, state.settings, build.info), vary=VARY,
                          headers={"Link": links})


def _try_build():  # noqa: ANN202 - ActiveBuild | None
    try:
        return app_state().engine.build()
    except AppError:
        return None
