"""Building responses: plain-text errors, HTTP caching headers, revalidation and gzip."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from datetime import datetime

from flask import Request, Response
from werkzeug.http import http_date, parse_date

from .cache import CachedAnswer
from .formats import with_charset

GZIP_MIN_BYTES = 1024  # below this the gzip header and CPU cost more than they save
VARY = "Accept, Accept-Encoding"


def text_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain message. Never HTML (so nothing needs escaping) and never a stack trace."""
    resp = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    resp.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def etag_for(key: Hashable) -> str:
    # Weak: the gzip and identity encodings of one answer share it, and weak comparison is what
    # If-None-Match uses anyway.
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
    return f'W/"{digest}"'


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """True when a GET/HEAD revalidation can be answered 304 (RFC 9110 section 13.2.2 order)."""
    if request.method not in ("GET", "HEAD"):
        return False
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        bare = etag.removeprefix("W/")
        return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)
    ims = request.headers.get("If-Modified-Since")
    if ims:
        since = parse_date(ims)
        return since is not None and last_modified <= since
    return False


def caching_headers(resp: Response, etag: str | None, last_modified: datetime | None, max_age: int) -> None:
    if etag is None:
        resp.headers["Cache-Control"] = "no-store"
    else:
        resp.headers["ETag"] = etag
        # Shared caches may keep an answer briefly; after that they revalidate (cheap: 304 by build).
        resp.headers["Cache-Control"] = f"public, max-age={max_age}"
    if last_modified is not None:
        resp.headers["Last-Modified"] = http_date(last_modified)
    resp.headers["Vary"] = VARY


def accepts_gzip(request: Request) -> bool:
    return request.accept_encodings["gzip"] > 0


def answer(request: Request, entry: CachedAnswer, status: int = 200) -> Response:
    """The body of an answer, gzipped when the client takes it and it is worth it."""
    body = entry.body
    resp = Response(status=status, content_type=with_charset(entry.media_type))
    if len(body) >= GZIP_MIN_BYTES and accepts_gzip(request):
        resp.set_data(entry.gzipped())
        resp.headers["Content-Encoding"] = "gzip"
    else:
        resp.set_data(body)
    return resp
