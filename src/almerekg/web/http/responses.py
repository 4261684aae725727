"""Building responses: plain-text errors, HTTP caching headers, revalidation and gzip."""

from __future__ import annotations

from datetime import datetime

from flask import Request, Response, request
from werkzeug.http import http_date, parse_date

from ...engine import ActiveBuild, Answer, etag_for
from ...engine import formats as format_registry
from ...engine.cache import CachedAnswer

GZIP_MIN_BYTES = 1024  # below this the gzip header and CPU cost more than they save
VARY = "Accept, Accept-Encoding"

__all__ = ["body_response", "caching_headers", "etag_for", "not_modified", "send", "text_error", "revalidate"]


def text_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain message. Never HTML (so nothing needs escaping) and never a stack trace."""
    resp = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    resp.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def not_modified(req: Request, etag: str | None, last_modified: datetime | None) -> bool:
    """True when a GET/HEAD revalidation can be answered 304 (RFC 9110 section 13.2.2 order)."""
    if req.method not in ("GET", "HEAD") or etag is None:
        return False
    inm = req.headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm[:4096].split(",")[:64]]
        bare = etag.removeprefix("W/")
        return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)
    ims = req.headers.get("If-Modified-Since")
    if ims and last_modified is not None:
        since = parse_date(ims)
        return since is not None and last_modified <= since
    return False


def caching_headers(resp: Response, etag: str | None, last_modified: datetime | None, max_age: int,
                    vary: str = VARY) -> None:
    if etag is None:
        resp.headers["Cache-Control"] = "no-store"
    else:
        resp.headers["ETag"] = etag
        # Shared caches may keep an answer briefly; after that they revalidate (cheap: 304 by build).
        resp.headers["Cache-Control"] = f"public, max-age={max_age}"
    if last_modified is not None:
        resp.headers["Last-Modified"] = http_date(last_modified)
    resp.headers["Vary"] = vary


def accepts_gzip(req: Request) -> bool:
    return "gzip" in req.headers.get("Accept-Encoding", "")[:1024].lower()


def _content_type(media_type: str) -> str:
    try:
        return format_registry.get(media_type).content_type()
    except KeyError:
        return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def body_response(req: Request, entry: CachedAnswer, status: int = 200) -> Response:
    """The body of an answer, gzipped when the client takes it and it is worth it."""
    body = entry.body
    resp = Response(status=status, content_type=_content_type(entry.media_type))
    if len(body) >= GZIP_MIN_BYTES and accepts_gzip(req):
        resp.set_data(entry.gzipped())
        resp.headers["Content-Encoding"] = "gzip"
    else:
        resp.set_data(body)
    return resp


def from_engine(result: Answer, max_age: int, vary: str = VARY) -> Response:
    """An engine answer as a response: body (gzip when taken), validators, the build it came from.

    However large, the body is handed to the server within the process's send budget (http/flow.py).
    """
    entry = result.entry or CachedAnswer(result.body, result.media_type, result.kind)
    resp = body_response(request, entry)
    caching_headers(resp, result.etag, result.build.last_modified, max_age, vary)
    resp.headers["X-Almerekg-Build"] = result.build.info.build_id
    resp.headers["X-Cache"] = result.cache
    return resp


def revalidate(build: ActiveBuild, key: tuple, max_age: int, vary: str = VARY) -> tuple[str, Response | None]:
    """The ETag for a representation of this build, and a 304 answer when the client already has it."""
    etag = etag_for((build.info.build_id, *key))
    if not_modified(request, etag, build.last_modified):
        resp = Response(status=304)
        caching_headers(resp, etag, build.last_modified, max_age, vary)
        return etag, resp
    return etag, None


def send(body: bytes | str, media: str, build: ActiveBuild, etag: str | None, max_age: int, status: int = 200,
         vary: str = VARY, headers: dict[str, str] | None = None) -> Response:
    """A representation made here (a page, a description) with validators and the build it shows."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    resp = body_response(request, CachedAnswer(data, media), status=status)
    caching_headers(resp, etag if status == 200 else None, build.last_modified, max_age, vary)
    resp.headers["X-Almerekg-Build"] = build.info.build_id
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp
