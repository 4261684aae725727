"""Failures below the views, each a short plain-text message with its status.

What views raise (errors.AppError) is answered by core/errors.py, in the client's representation. Here: a
store that cannot be read is a 503, a body too large a 413, what Werkzeug refuses (405, ...) its own status,
and anything unexpected a 500 whose text is only a reference number; the stack trace goes to the log under
that number.
"""

from __future__ import annotations

import logging
import uuid

from flask import Blueprint, Response
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ...store import StoreError
from .responses import text_error

bp = Blueprint("errors", __name__)
log = logging.getLogger("almerekg.web")


@bp.app_errorhandler(StoreError)
def store_error(exc: StoreError) -> Response:
    return text_error(503, f"the data cannot be read right now: {exc}", {"Retry-After": "10"})


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> Response:
    return text_error(413, "the request body is larger than this endpoint accepts")


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    # Werkzeug's descriptions are fixed texts, never user input.
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    message = f"{exc.code} {exc.name}: {exc.description}" if exc.description else f"{exc.code} {exc.name}"
    return text_error(exc.code or 500, message, headers)


@bp.app_errorhandler(Exception)
def unexpected(exc: Exception) -> Response:
    ref = uuid.uuid4().hex[:12]
    log.exception("unhandled error (reference %s)", ref)
    return text_error(500, f"internal error (reference {ref}); the server log has the details")
