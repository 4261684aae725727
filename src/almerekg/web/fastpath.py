"""Replay of finished /sparql answers at the WSGI layer, before Flask sees the request.

A repeated GET of a saved table query is the commonest request and its answer only changes with a
rebuild. The result cache already spares the engine; this spares the Python web layer as well
(routing, protocol parsing, negotiation, header building), which is most of the cost of a cheap
query. It stores nothing of its own: the body is the very bytes object the result cache holds.

What the answer depends on is exactly the key: method, query string (query, graphs, format),
Accept and Accept-Encoding. Conditional requests go through Flask (which answers 304 cheaply), and
only responses the /sparql view marked as cacheable (X-Cache present, no `no-store`) are kept.
A new build (the store's `current` link moved) empties the table.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from .engine import Engine

MAX_ENTRIES = 4096


class AnswerReplay:
    def __init__(self, app: Callable, engine: Engine, path: str = "/sparql") -> None:
        self.app = app
        self.engine = engine
        self.path = path
        self._entries: OrderedDict[tuple, tuple[str, list[tuple[str, str]], bytes]] = OrderedDict()
        self._link: str | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (
            method not in ("GET", "HEAD")
            or environ.get("PATH_INFO") != self.path
            or not environ.get("QUERY_STRING")
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
        ):
            return self.app(environ, start_response)
        link = self.engine.current_link()
        key = (environ["QUERY_STRING"], environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_ACCEPT_ENCODING", ""))
        with self._lock:
            if link != self._link:
                self._entries.clear()
                self._link = link
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None and link is not None:
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
            and "x-cache" in names  # only /sparql answers carry it, and those are finished bytes
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
            close = getattr(body, "close", None)
            if close is not None:
                close()
        replay_headers = [(k, "HIT" if k.lower() == "x-cache" else v) for k, v in headers]
        with self._lock:
            if self._link == link:
                self._entries[key] = (captured["status"], replay_headers, data)
                while len(self._entries) > MAX_ENTRIES:
                    self._entries.popitem(last=False)
        return [data]
