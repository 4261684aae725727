"""CORS for any origin: the data is public and nothing here uses cookies or credentials.

(`X-Content-Type-Options: nosniff` goes on every answer from security.py, not from here.)"""

from __future__ import annotations

from flask import Blueprint, Response, request

bp = Blueprint("cors", __name__)

ALLOWED_METHODS = "GET, POST, OPTIONS"
DEFAULT_ALLOWED_HEADERS = "Accept, Accept-Encoding, Content-Type, If-None-Match, If-Modified-Since"
# Link and X-Total-Count carry the paging of /queries/<name>.csv|.json; scripts on other origins must be able to
# read them, and API-Version, the version of the API contract (a browser hides every response header not named
# here, beyond the few CORS calls safe).
EXPOSED = ("ETag, Last-Modified, Content-Encoding, Retry-After, Link, X-Total-Count, X-Almerekg-Build, X-Cache, "
           "API-Version")


@bp.after_app_request
def add_cors(resp: Response) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        resp.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        # Echoing what the preflight asks for is safe: no credentials are ever honoured.
        asked = request.headers.get("Access-Control-Request-Headers")
        resp.headers["Access-Control-Allow-Headers"] = asked or DEFAULT_ALLOWED_HEADERS
        resp.headers["Access-Control-Max-Age"] = "86400"
        if request.headers.get("Access-Control-Request-Method") and resp.status_code == 200:
            resp.status_code = 204
            resp.set_data(b"")
    return resp
