"""Headers and request shapes that keep pages and answers safe to open, frame-proof and host-proof.

* Every answer: `X-Content-Type-Options: nosniff` (error texts echo parts of the request).
* Every HTML page: a Content-Security-Policy (no script unless the page says it needs this origin's
  own), `frame-ancestors 'none'` and `X-Frame-Options: DENY`. A page that needs scripts sets its own
  policy before this hook runs; the hook never loosens one.
* Nothing absolute is built from the request's Host header: a path with `//` is answered here with a
  relative redirect, so that Werkzeug's routing (which would build an absolute Location from Host)
  never redirects at all (merge_slashes and strict_slashes are off in the app factory).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import quote

from flask import Blueprint, Response

bp = Blueprint("security", __name__)

PAGE_CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SCRIPT_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'")


@bp.after_app_request
def security_headers(resp: Response) -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    if resp.mimetype == "text/html":
        if "Content-Security-Policy" not in resp.headers:
            resp.headers["Content-Security-Policy"] = PAGE_CSP
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
    return resp


_SLASHES = re.compile(r"/{2,}")


class MergeSlashes:
    """WSGI middleware: `/id//firm/x` -> 308 to `/id/firm/x` (a relative Location, whatever Host says)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if "//" not in path:
            return self.app(environ, start_response)
        target = _SLASHES.sub("/", path)
        query = environ.get("QUERY_STRING", "")
        # PATH_INFO holds the path's bytes as latin-1; the Location carries them percent-encoded.
        raw = target.encode("latin-1", "replace")
        location = quote(raw, safe="/:@!$&'()*+,;=-._~%") + ("?" + query if query else "")
        start_response("308 Permanent Redirect", [("Location", location), ("Content-Type", "text/plain"),
                                                  ("Cache-Control", "public, max-age=3600"),
                                                  ("X-Content-Type-Options", "nosniff")])
        return [b"moved\n"]
