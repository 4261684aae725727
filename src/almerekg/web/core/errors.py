"""Every errors.AppError a view raises, in the representation the client reads.

Views never build an error response: they raise AppError (the engine and the catalogue do too) and this
handler answers it. A browser (which asks for text/html by name) gets a page in its language; an API address
(ending in .json or .csv) and a program that asks for JSON get RFC 9457 problem details
(`application/problem+json`: `type`, `title`, `status`, `detail`, and `invalid-params` naming the parameter
at fault); everyone else, `*/*` and curl included, the plain-text line: text comes first among equals. Each
`type` is an address on this site (/problems/<slug>) whose page explains the problem. An address that names
nothing (no route, or no such thing in the build) is the 404 page with a search box. Failures below the views
(a store that cannot be read, a body too large, an unexpected exception) are answered by http/errors.py.
/sparql keeps the SPARQL protocol's plain-text errors for every program (a page for a browser).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound

from ...errors import AppError
from ..http.responses import text_error
from ..state import app_state
from . import representations as ldhttp
from .i18n import N_
from .respond import page

bp = Blueprint("core_errors", __name__)

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
ERROR_OFFER = ("text/plain", ldhttp.HTML, JSON, PROBLEM_JSON)
# The SPARQL protocol's errors are the engine's plain text (a parse error with its position), as SPARQL servers
# answer them, whatever result format the client asked for; a browser gets the page.
SPARQL_ERROR_OFFER = ("text/plain", ldhttp.HTML)
NOT_FOUND = "no such thing in this dataset"


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its `title` (the same for every occurrence) and what a reader can do about it."""

    status: int
    title: str  # English in the API's problem documents; pages show it from the catalogue (core/i18n.py)
    explanation: str


# The kinds of problem a request can end in, by slug: /problems/<slug> explains each.
PROBLEMS: dict[str, ProblemType] = {
    "invalid-parameter": ProblemType(400, N_("A request parameter has a value that is not allowed"), N_(
        "A query parameter is unknown, given more than once, missing while required, or has a value outside "
        "what /openapi.json declares for it (a bound, a list of values, parameters that exclude each other). "
        "invalid-params names the parameter and the reason; fix it and ask again.")),
    "bad-request": ProblemType(400, N_("The request cannot be answered as it is"), N_(
        "The request itself is not acceptable (for instance a query text that is not allowed); detail says "
        "what.")),
    "forbidden": ProblemType(403, N_("This is not allowed here"), N_(
        "The site is read-only and refuses what would reach outside it; detail says what was refused.")),
    "not-found": ProblemType(404, N_("No such thing"), N_(
        "The address names nothing this site holds: no saved query, no download, no resource by that name. "
        "/queries lists the saved queries, /dataset the downloads.")),
    "not-acceptable": ProblemType(406, N_("No representation in the format asked for"), N_(
        "The Accept header or the format parameter asks for a format this resource does not have; detail "
        "lists the ones it has.")),
    "too-large": ProblemType(413, N_("The request is too large"), N_(
        "The request (or the answer it asks for) is beyond this site's limits; ask for less.")),
    "unprocessable": ProblemType(422, N_("The request cannot be processed"), N_(
        "The request is well formed but cannot be carried out; detail says why.")),
    "too-many-requests": ProblemType(429, N_("Too many requests"), N_(
        "This client has asked more than its share; wait for the seconds Retry-After gives and ask again.")),
    "internal-error": ProblemType(500, N_("Something went wrong on this site"), N_(
        "The site could not answer; the error is logged. Asking again later may work.")),
    "bad-gateway": ProblemType(502, N_("A service this answer needs did not answer well"), N_(
        "The answer needs a service elsewhere, and it failed; ask again later.")),
    "unavailable": ProblemType(503, N_("The service is busy or not available"), N_(
        "No data build is loaded, the store does not answer, or the site is busy; retry after the seconds "
        "Retry-After gives.")),
}
BY_STATUS = {t.status: slug for slug, t in reversed(list(PROBLEMS.items()))}


class NoSuchThing(AppError):
    """404: the address names nothing in this dataset (its page offers the search box). `message`: what a program
    reads instead of the general one, where the view knows better (e.g. which saved queries there are)."""

    def __init__(self, path: str, message: str | None = None) -> None:
        super().__init__(404, message or (f"{NOT_FOUND}: /{path}" if len(path) < 300 else NOT_FOUND))
        self.path = path


def problem_slug(exc: AppError) -> str:
    """The kind of problem: the one the error names, else the one for its status."""
    if exc.problem in PROBLEMS:
        return exc.problem
    return BY_STATUS.get(exc.status, "bad-request" if exc.status < 500 else "internal-error")


def problem_document(exc: AppError) -> dict[str, object]:
    """RFC 9457 problem details for an error; `invalid-params` (RFC 9457 §3.2) when a parameter is at fault."""
    slug = problem_slug(exc)
    doc: dict[str, object] = {"type": f"{app_state().settings.site_url}/problems/{slug}",
                              "title": PROBLEMS[slug].title, "status": exc.status, "detail": exc.message}
    if exc.param is not None:
        doc["invalid-params"] = [{"name": exc.param, "reason": exc.message}]
    return doc


def _json_api() -> bool:
    """An API address (JSON, or the CSV and workbook that /openapi.json describes beside it): its errors are problem
    details for every client, as the API's description declares."""
    return request.path.endswith((".json", ".csv", ".xlsx"))


@bp.app_errorhandler(AppError)
def app_error(exc: AppError) -> Response:
    media: str | None = PROBLEM_JSON
    if not _json_api():
        offer = SPARQL_ERROR_OFFER if request.path == "/sparql" else ERROR_OFFER
        media = ldhttp.negotiate(request, None, offer)
    if media == ldhttp.HTML:
        if isinstance(exc, NoSuchThing):
            resp = page("notfound.html", status=404, path=exc.path)
        else:
            resp = page("error.html", status=exc.status, message=exc.message)
        for name, value in exc.headers.items():
            resp.headers[name] = value
        return resp
    if media in (JSON, PROBLEM_JSON):
        resp = Response(json.dumps(problem_document(exc), ensure_ascii=False), status=exc.status,
                        content_type=PROBLEM_JSON)
        resp.headers["Cache-Control"] = "no-store"
        for name, value in exc.headers.items():
            resp.headers[name] = value
        return resp
    return text_error(exc.status, exc.message, exc.headers)


@bp.app_errorhandler(NotFound)
def unknown_address(_exc: NotFound) -> Response:
    """An address no route knows gets the same 404 as a thing the dataset does not hold."""
    return app_error(NoSuchThing(request.path.lstrip("/")))


@bp.route("/problems", methods=["GET", "HEAD"])
@bp.route("/problems/<string:slug>", methods=["GET", "HEAD"])
def problems(slug: str | None = None) -> Response:
    """The page each problem `type` points to: what the problem means and what to do about it."""
    if slug is not None and slug not in PROBLEMS:
        raise NoSuchThing(f"problems/{slug}")
    chosen = {slug: PROBLEMS[slug]} if slug else PROBLEMS
    return page("problems.html", cache_control="public, max-age=3600", problems=chosen, single=slug)
