"""/sparql: the SPARQL 1.1 Protocol query operation, read-only, with limits and caching."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, request

from .. import sparql_guard
from ..config import Config
from ..runner import Job, Outcome
from ..store import StoreError
from . import editor, formats, protocol, service_description
from .cache import CachedAnswer
from .engine import ActiveBuild
from .responses import answer, caching_headers, etag_for, not_modified, text_error
from .state import AppState

bp = Blueprint("sparql", __name__)

READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


def _note(**fields: object) -> None:
    """Add fields to this request's access-log line."""
    request.environ.setdefault("almerekg.log", {}).update(fields)


def _syntax_message(query: str, engine_message: str) -> str:
    """The parser's message, shortened, with the offending line and a caret under the position."""
    first = engine_message.strip().splitlines()[0] if engine_message.strip() else "syntax error"
    if "expected one of" in first and ", [" in first:
        # The engine lists character classes too; the keyword/punctuation part is what helps a person.
        first = first.split(", [", 1)[0] + ", …"
    if len(first) > 240:
        first = first[:240].rstrip() + " …"
    text = f"malformed query: {first}"
    pos = first.removeprefix("error at ").split(":")[:2]
    if first.startswith("error at ") and len(pos) == 2 and pos[0].isdigit() and pos[1].strip().isdigit():
        line_no, col = int(pos[0]), int(pos[1])
        lines = query.splitlines() or [""]
        if 1 <= line_no <= len(lines):
            line = lines[line_no - 1]
            if len(line) <= 200:
                text += f"\n  {line}\n  {' ' * max(0, col - 1)}^"
    return text


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    state: AppState = current_app.extensions["almerekg"]
    config = state.config
    try:
        req = protocol.parse(request, config.max_request_bytes)
    except protocol.ProtocolError as exc:
        return text_error(exc.status, exc.message, exc.headers)
    if req.update:
        _note(outcome="update-refused")
        return text_error(403, READ_ONLY)
    if req.query is None:
        if request.method == "POST":
            return text_error(400, "the request carries no query (a query parameter or a sparql-query body)")
        return _service_description(state, req)

    query = req.query
    if editor.wants_html(req):
        _note(page="editor")
        return _page(editor.run(state, req, query))
    _note(query_sha=hashlib.sha256(query.encode("utf-8")).hexdigest()[:16], query_len=len(query))
    try:
        info = sparql_guard.inspect(query)
        if info.is_update:
            _note(outcome="update-refused")
            return text_error(403, READ_ONLY)
        sparql_guard.check_services(info, config.service_allowlist)
    except sparql_guard.QueryRefused as exc:
        _note(outcome="refused")
        return text_error(exc.status, exc.message)

    results_type = graph_type = None
    if info.form in ("SELECT", "ASK", ""):
        results_type = formats.negotiate(formats.RESULTS, request.accept_mimetypes, req.formats)
    if info.form in ("CONSTRUCT", "DESCRIBE", ""):
        graph_type = formats.negotiate(formats.GRAPH, request.accept_mimetypes, req.formats)
    if results_type is None and graph_type is None:
        return _not_acceptable(info.form)

    try:
        build = state.engine.active()
    except StoreError as exc:
        return text_error(503, f"no data to query: {exc}", {"Retry-After": "10"})

    dataset_key = (req.default_graphs, req.named_graphs)
    key = (build.info.build_id, query, results_type, graph_type, dataset_key)
    # NOW(), RAND(), UUID() answer differently every time: no validators, no cache.
    etag = None if info.volatile else etag_for(key)
    if etag is not None and not_modified(request, etag, build.last_modified):
        _note(cache="revalidated")
        resp = Response(status=304)
        caching_headers(resp, etag, build.last_modified, state.max_age)
        return resp

    entry = None if etag is None else state.engine.cache.get(key)
    if entry is not None:
        _note(cache="hit")
        return _ok(state, build, entry, etag, "HIT")

    job = Job(
        query=query,
        results_type=results_type,
        graph_type=graph_type,
        union_default=not info.has_dataset,
        default_graphs=req.default_graphs if req.dataset_given else None,
        named_graphs=req.named_graphs if req.dataset_given else None,
        max_bytes=config.max_result_bytes,
        prefixes=info.prefixes,
    )
    outcome = state.engine.run(build, job, config.query_timeout)
    _note(cache="miss", outcome=outcome.status, engine_ms=round(outcome.seconds * 1000, 2))
    if outcome.status != "ok":
        return _failure(outcome, query, info, config)
    entry = CachedAnswer(outcome.body, outcome.media_type)
    if etag is not None:
        state.engine.cache.put(key, entry)
    return _ok(state, build, entry, etag, "MISS")


def _ok(state: AppState, build: ActiveBuild, entry: CachedAnswer, etag: str | None, cache: str) -> Response:
    resp = answer(request, entry)
    caching_headers(resp, etag, build.last_modified, state.max_age)
    resp.headers["X-Almerekg-Build"] = build.info.build_id
    resp.headers["X-Cache"] = cache
    return resp


def _not_acceptable(form: str) -> Response:
    if form in ("SELECT", "ASK"):
        offer = f"{form} results are available as: {formats.describe_offer(formats.RESULTS)}"
    elif form in ("CONSTRUCT", "DESCRIBE"):
        offer = f"{form} graphs are available as: {formats.describe_offer(formats.GRAPH)}"
    else:
        offer = (f"results as {formats.describe_offer(formats.RESULTS)}; "
                 f"graphs as {formats.describe_offer(formats.GRAPH)}")
    return text_error(406, f"none of the requested formats is available; {offer}")


def _failure(outcome: Outcome, query: str, info: sparql_guard.QueryInfo, config: Config) -> Response:
    status = outcome.status
    if status == "syntax":
        if sparql_guard.parses_as_update(query):
            return text_error(403, READ_ONLY)
        return text_error(400, _syntax_message(query, outcome.message))
    if status == "not_acceptable":
        form = {"solutions": "SELECT", "boolean": "ASK", "graph": "CONSTRUCT"}.get(outcome.kind, "")
        return _not_acceptable(form)
    if status == "timeout":
        return text_error(
            503, f"the query ran longer than this endpoint's limit of {config.query_timeout:g} s and was "
                 "stopped; narrow it down (LIMIT, more specific patterns) and try again",
            {"Retry-After": "1"},
        )
    if status == "unavailable":  # a remote store stopped answering (never passed on as a cut-off 200)
        return text_error(503, f"the store is not available: {outcome.message}; try again shortly",
                          {"Retry-After": "10"})
    if status == "busy":
        return text_error(503, f"the endpoint is busy ({outcome.message}); try again shortly",
                          {"Retry-After": "5"})
    if status == "too_large":
        return text_error(
            500, f"the answer is larger than this endpoint's limit of {config.max_result_bytes} bytes "
                 "and was not sent; add LIMIT or select fewer rows/columns"
        )
    if status == "out_of_memory":
        return text_error(500, f"the query was stopped: {outcome.message}; narrow it down (LIMIT, more "
                               "specific patterns) and try again")
    if status == "crashed":
        return text_error(500, f"the query failed: {outcome.message}")
    if info.services:
        return text_error(502, f"the query failed while calling a SERVICE: {_short(outcome.message)}")
    return text_error(500, f"the query failed: {_short(outcome.message)}")


def _short(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return line[:500]


def _page(rendered: tuple) -> Response:
    body, status, headers = rendered
    resp = Response(body, status=status, mimetype="text/html")
    resp.headers.update(headers)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _service_description(state: AppState, req: protocol.ProtocolRequest) -> Response:
    config = state.config
    media = formats.negotiate(formats.DESCRIPTION, request.accept_mimetypes, req.formats)
    if media == "text/html" or editor.wants_html(req):
        # A browser gets the editor, which also shows the description in words.
        return _page(editor.page(state, None))
    if media is None:
        return text_error(406, "the service description is available as: "
                               + formats.describe_offer(formats.DESCRIPTION))
    try:
        build = state.engine.active()
        info, last_modified, build_id = build.info, build.last_modified, build.info.build_id
    except StoreError:
        build, info, last_modified, build_id = None, None, None, ""
    endpoint = service_description.endpoint_iri(request.host, request.scheme, config)
    key = (build_id, "service-description", endpoint, media)
    etag = etag_for(key)
    if last_modified is not None and not_modified(request, etag, last_modified):
        resp = Response(status=304)
        caching_headers(resp, etag, last_modified, state.max_age)
        return resp
    entry = state.engine.cache.get(key)
    if entry is None:
        entry = CachedAnswer(service_description.render(media, endpoint, config, info), media)
        state.engine.cache.put(key, entry)
    resp = answer(request, entry)
    caching_headers(resp, etag if build is not None else None, last_modified, state.max_age)
    return resp
