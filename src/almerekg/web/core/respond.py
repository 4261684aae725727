"""The one response path of a page or a description: negotiate, revalidate, render, send.

Every view of a blueprint answers through here:

- `choose(offer, refusal)` picks the representation (an extension in the path, then `?format=`, then Accept
  with its q-values) or raises errors.AppError(406) with the refusal text;
- `representation(build, key, media, make)` answers a conditional GET with 304 when the client holds the
  representation of this build already (ETag per build and key), and otherwise calls `make()` and sends the
  body with its validators, the build it shows, `Content-Language` for a page and `Content-Location` when the
  format was negotiated. Nothing made here is stored: pages are cheap to render from the graph index and the
  engine's answer cache, and shared caches keep them by ETag;
- `page(template, ...)` sends a page made for this request only (search hits, the editor, a refused
  parameter, an error page): `no-store`, in the page's language.

Errors are raised as errors.AppError and rendered by core/errors.py, never built by hand in a view.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from ...engine import ActiveBuild
from ...errors import AppError
from ..http import responses
from ..state import app_state
from . import representations as ldhttp
from .render import page_lang, render_page

# Representations differ by format and encoding, and HTML pages also by the language a browser asks for.
VARY = ldhttp.VARY


def choose(offer: tuple[str, ...], refusal: str, forced: str | None = None) -> str:
    """The media type to answer with; AppError 406 (with `refusal` as its text) when none is acceptable."""
    media = ldhttp.negotiate(request, forced, offer)
    if media is None:
        raise AppError(406, refusal)
    return media


def representation(build: ActiveBuild, key: tuple, media: str, make: Callable[[], bytes | str], *,
                   lang: str = "", location: str | None = None, headers: dict[str, str] | None = None,
                   vary: str = VARY) -> Response:
    """304 when the client has this representation of this build; otherwise `make()` sent with validators.

    `headers` describe the representation (a file name, links) and go with the 200 and the 304 alike."""
    max_age = app_state().max_age
    etag, resp = responses.revalidate(build, key, max_age, vary)
    if resp is None:
        sent = {"Content-Location": location or "", "Content-Language": lang}
        resp = responses.send(make(), media, build, etag, max_age, 200, vary,
                              {k: v for k, v in sent.items() if v})
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def page(template: str, *, lang: str | None = None, status: int = 200, cache_control: str | None = "no-store",
         headers: dict[str, str] | None = None, **context: object) -> Response:
    """A page for this request only, in its language (Content-Language, Vary: Accept-Language)."""
    chosen = page_lang(lang)
    resp = Response(render_page(template, lang=chosen, **context), status=status,
                    content_type="text/html; charset=utf-8")
    resp.headers["Content-Language"] = chosen
    resp.headers["Vary"] = "Accept-Language"
    if cache_control:
        resp.headers["Cache-Control"] = cache_control
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp
