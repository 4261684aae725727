"""Every errors.AppError a view raises, in the representation the client reads.

Views never build an error response: they raise AppError (the engine and the catalogue do too) and this
handler answers it. A browser (which asks for text/html by name) gets a page in its language, a program that
asks for JSON a small JSON object `{"status": ..., "error": ...}`, and everyone else, `*/*` and curl
included, the plain-text line: text comes first among equals. An address that names nothing (no route, or
no such thing in the build) is the 404 page with a search box. Failures below the views (a store that cannot
be read, a body too large, an unexpected exception) are answered by http/errors.py.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound

from ...errors import AppError
from ..http.responses import text_error
from . import representations as ldhttp
from .respond import page

bp = Blueprint("core_errors", __name__)

JSON = "application/json"
ERROR_OFFER = ("text/plain", ldhttp.HTML, JSON)
NOT_FOUND = "no such thing in this dataset"


class NoSuchThing(AppError):
    """404: the address names nothing in this dataset (its page offers the search box)."""

    def __init__(self, path: str) -> None:
        super().__init__(404, f"{NOT_FOUND}: /{path}" if len(path) < 300 else NOT_FOUND)
        self.path = path


@bp.app_errorhandler(AppError)
def app_error(exc: AppError) -> Response:
    media = ldhttp.negotiate(request, None, ERROR_OFFER)
    if media == ldhttp.HTML:
        if isinstance(exc, NoSuchThing):
            resp = page("notfound.html", status=404, path=exc.path)
        else:
            resp = page("error.html", status=exc.status, message=exc.message)
        for name, value in exc.headers.items():
            resp.headers[name] = value
        return resp
    if media == JSON:
        resp = Response(json.dumps({"status": exc.status, "error": exc.message}, ensure_ascii=False),
                        status=exc.status, mimetype=JSON)
        resp.headers["Cache-Control"] = "no-store"
        for name, value in exc.headers.items():
            resp.headers[name] = value
        return resp
    return text_error(exc.status, exc.message, exc.headers)


@bp.app_errorhandler(NotFound)
def unknown_address(_exc: NotFound) -> Response:
    """An address no route knows gets the same 404 as a thing the dataset does not hold."""
    return app_error(NoSuchThing(request.path.lstrip("/")))
