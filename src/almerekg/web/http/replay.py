"""Replay of finished /sparql answers at the WSGI layer, before Flask sees the request.

A repeated GET of a saved table query is the commonest request and its answer only changes with a
rebuild. The result cache already spares the engine; this spares the Python web layer as well
(routing, protocol parsing, negotiation, header building), which is most of the cost of a cheap
query.

What the answer depends on is exactly the key: method, query string (query, graphs, format), Accept
and Accept-Encoding. Conditional requests go through Flask (which answers 304 cheaply), and only
responses the /sparql view marked as cached (X-Cache present, no `no-store`) are kept. The table is
bounded in bytes, keys and headers included, and never keeps an answer the result cache would not
keep (engine/cache.py). A new build (the store's `current` link moved) empties it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from ...engine import Engine
from ...engine.cache import BoundedLRU
from .bodies import close_body

MAX_KEY_BYTES = 64 * 1024  # a longer query string is never replayed (nor kept)


class AnswerReplay:
    def __init__(self, app: Callable, engine: Engine, max_bytes: int, path: str = "/sparql") -> None:
        self.app = app
        self.engine = engine
        self.path = path
        self.table = BoundedLRU(max_bytes, max_entry=engine.cache.max_entry)
        self._link: str | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        query_string = environ.get("QUERY_STRING", "")
        if (
            method not in ("GET", "HEAD")
            or environ.get("PATH_INFO") != self.path
            or not query_string
            or len(query_string) > MAX_KEY_BYTES
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
        ):
            return self.app(environ, start_response)
        link = self.engine.current_link()
        key = (query_string, environ.get("HTTP_ACCEPT", "")[:1024], environ.get("HTTP_ACCEPT_ENCODING", "")[:256])
        with self._lock:
            if link != self._link:
                self.table.clear()
                self._link = link
        entry = self.table.get(key)
        if isinstance(entry, tuple) and link is not None:
            status, headers, body = entry
            environ.setdefault("almerekg.log", {})["cache"] = "replay"
            start_response(status, headers)
            return [b"" if method == "HEAD" else body]
        if method != "GET" or link is None:
            return self.app(environ, start_response)
        return self._remember(environ, start_response, key, link)

    def _remember(self, environ: dict, start_response: Callable, key: tuple, link: str) -> Iterable[bytes]:
        captured: dict = {}

        def capture(status: str, headers: list, exc_info: object = None) -> Callable:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.app(environ, capture)
        headers = captured.get("headers") or []
        names = {k.lower(): v for k, v in headers}
        serving = self.engine.serving()
        if not (
            captured.get("status", "").startswith("200")
            and names.get("x-cache") in ("HIT", "MISS")  # only cached /sparql answers, which are finished bytes
            and "no-store" not in names.get("cache-control", "")
            # ... from the build `current` points at (not the old one answering while a new one loads)
            and serving is not None
            and serving.link == link
            and names.get("x-almerekg-build") == serving.info.build_id
        ):
            return body
        try:
            data = b"".join(body)
        finally:
            close_body(body)
        replay_headers = [(k, "HIT" if k.lower() == "x-cache" else v) for k, v in headers]
        with self._lock:
            if self._link == link:
                size = len(data) + sum(len(k) + len(v) for k, v in replay_headers) + len(captured["status"])
                self.table.put(key, (captured["status"], replay_headers, data), size)
        return [data]
