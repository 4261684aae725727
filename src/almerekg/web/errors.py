"""Every error is a short plain-text message; stack traces go to the log, never to the client."""

from __future__ import annotations

import logging
import uuid

from flask import Blueprint, Response
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .responses import text_error

bp = Blueprint("errors", __name__)
log = logging.getLogger("almerekg.web")


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
