"""Access logs as JSON lines: one object per request, easy to grep and to load into anything.

A request only appends its line to a queue; a thread of the process writes the queue out, in
one write per batch (every 20 ms), in the same JSON shape as every other log line. Through the logging module each line
cost as much as a cached answer itself (bench/README.md); the level of the `almerekg.access` logger still
switches it on and off.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from .bodies import close_body

log = logging.getLogger("almerekg.access")
FLUSH_EVERY = 0.02  # seconds


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


class _Writer:
    """The process's queue of access-log lines and the thread that writes them to stderr."""

    def __init__(self) -> None:
        self._lines: deque[tuple[float, dict]] = deque()
        self._lock = threading.Lock()
        self._pid: int | None = None

    def add(self, when: float, line: dict) -> None:
        self._lines.append((when, line))
        if self._pid != os.getpid():  # first line of this process (web processes are forked)
            with self._lock:
                if self._pid != os.getpid():
                    self._pid = os.getpid()
                    threading.Thread(target=self._run, name="almerekg-access-log", daemon=True).start()
                    atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY)
            self.flush()

    def flush(self) -> None:
        out = []
        while self._lines:
            when, fields = self._lines.popleft()
            line = {"ts": datetime.fromtimestamp(when, tz=UTC).isoformat(timespec="milliseconds"),
                    "level": "info", "logger": log.name, **fields}
            out.append(json.dumps(line, ensure_ascii=False, default=str))
        if out:
            data = ("\n".join(out) + "\n").encode("utf-8")
            try:
                os.write(sys.stderr.fileno(), data)
            except (OSError, ValueError):
                pass


WRITER = _Writer()


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
            close_body(self._body)
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

        if not log.isEnabledFor(logging.INFO):
            return self.app(environ, start_response)

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
            WRITER.add(time.time(), line)

        return _Body(self.app(environ, capture), done)
