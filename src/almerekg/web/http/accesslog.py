"""Access logs as JSON lines: one object per request, easy to grep and to load into anything."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

log = logging.getLogger("almerekg.access")


class JsonLineFormatter(logging.Formatter):
    """A record as one JSON object; a dict message is merged into it."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if isinstance(record.msg, dict):
            line.update(record.msg)
        else:
            line["msg"] = record.getMessage()
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _Body:
    """Passes the response body through, counting bytes, and logs when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self._body = body
        self._done = done
        self._bytes = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._bytes += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._done(self._bytes)


class AccessLog:
    """WSGI middleware: wraps the whole app so that even errors raised by Flask itself are logged."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[str] = []

        def capture(code: str, headers: list, exc_info: object = None) -> Callable:
            status.append(code)
            return start_response(code, headers, exc_info)

        def done(nbytes: int) -> None:
            line = {
                "remote": environ.get("REMOTE_ADDR"),
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": int(status[-1].split()[0]) if status else 0,
                "bytes": nbytes,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "ua": environ.get("HTTP_USER_AGENT", ""),
            }
            line.update(environ.get("almerekg.log", {}))
            log.info(line)

        return _Body(self.app(environ, capture), done)
