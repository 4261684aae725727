"""What a slow client may hold in a web process, bounded: bodies arrive under a deadline before the app runs,
and answers are handed to the server in chunks within one budget.

granian (serve.py) gives a WSGI request a thread as soon as its head has arrived and reads the body in that
thread, with no timeout; an answer returned in one piece it copies whole and keeps until the client has read
it. A client that sends its body one byte at a time, or that never reads, would hold a thread or a copy of
the answer for as long as it likes. So, for every request, here:

* a body is read before the app runs, and must have arrived within `body_timeout` seconds: one that has not
  gets 408 with `Connection: close` (the server closes the connection). The deadline is checked each time
  bytes come (_read_body), so a client that sends a byte now and then is cut off at it; granian has no read
  timeout, so one that stops sending altogether holds its thread until it closes the connection. Hence at
  most BODY_READERS bodies are read at once per process (more: 503 with Retry-After, the body unread), and
  the app's threads stay free. (Reading in a second thread while the request thread keeps the clock stalls
  granian's connection handling: measured, not an option);
* the app then runs in one of `threads` slots (a request waiting for a query holds one);
* an answer larger than SMALL_ANSWER is handed over in CHUNK pieces: the server asks for the next piece
  only when it has room for it, so a client that does not read holds a few pieces, never a copy of the
  answer. While it is handed over it holds one of `large_answers` slots and counts with its size against
  `send_bytes`; beyond either a client gets 503 with Retry-After. One budget for every answer, whatever
  its size and whichever view made it (the replay of finished answers included).

serve.py gives granian threads for all three, `threads + large_answers + BODY_READERS`, so neither slow
bodies nor slow readers can take the threads the app needs.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from ...settings import Settings
from .bodies import close_body

CHUNK = 64 * 1024
SMALL_ANSWER = 64 * 1024  # an answer up to this size is given to the server whole (a copy of at most this much)
BODY_READERS = 64  # request bodies awaited at once per process
RETRY_AFTER = "5"
FAST_READ = 0.01  # seconds: a read that took less found its bytes waiting


class NoWrite(RuntimeError):
    """The app used start_response's write() callable, which this layer does not offer (WSGI's legacy API)."""


class SendBudget:
    """At most `slots` answers being handed over at once, together at most `max_bytes` bytes."""

    def __init__(self, slots: int, max_bytes: int) -> None:
        self.slots = max(1, slots)
        self.max_bytes = max(1, max_bytes)
        self._lock = threading.Lock()
        self._taken = 0
        self._bytes = 0

    def take(self, size: int) -> bool:
        with self._lock:
            if self._taken >= self.slots or (self._taken and self._bytes + size > self.max_bytes):
                return False
            self._taken += 1
            self._bytes += size
            return True

    def give_back(self, size: int) -> None:
        with self._lock:
            self._taken -= 1
            self._bytes -= size

    @property
    def in_use(self) -> tuple[int, int]:
        """(answers, bytes) being handed over now."""
        with self._lock:
            return self._taken, self._bytes


class HandOver:
    """An answer's body in CHUNK pieces (the server takes the next one when it has room), holding its share of
    the budget until the server has taken the last piece and closes it."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]) -> None:
        self._body = body
        self._release = release
        self._released = False

    def __iter__(self) -> Iterator[bytes]:
        for item in self._body:
            view = memoryview(item)
            for start in range(0, len(view), CHUNK):
                yield bytes(view[start:start + CHUNK])

    def close(self) -> None:
        try:
            close_body(self._body)
        finally:
            if not self._released:
                self._released = True
                self._release()


def _refuse(start_response: Callable, status: str, message: str, headers: list[tuple[str, str]]) -> list[bytes]:
    data = (message + "\n").encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data))),
                            ("Cache-Control", "no-store"), *headers])
    return [data]


def _content_length(environ: dict) -> int | None:
    raw = environ.get("CONTENT_LENGTH") or ""
    return int(raw) if raw.isdigit() else None


class BodyTimeout(Exception):
    """The request body did not arrive within the deadline."""


def _read_body(stream: io.RawIOBase, limit: int, deadline: float) -> bytes:
    """The body, or its first `limit + 1` bytes when it is longer (the app then refuses it as too large).

    The server's read of n bytes returns only when n bytes have come (or the body ended), so the pieces asked
    for start at one byte and double only while they come at once: a client that sends a byte now and then
    meets the deadline at its next byte, and a whole body that is there takes a few reads.
    """
    parts, got, piece = [], 0, 1
    while got <= limit:
        if time.monotonic() > deadline:
            raise BodyTimeout
        t0 = time.monotonic()
        part = stream.read(min(piece, limit + 1 - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
        piece = min(piece * 2, CHUNK) if time.monotonic() - t0 < FAST_READ else 1
    return b"".join(parts)


class Flow:
    """WSGI middleware: bodies read under a deadline first, the app in bounded slots, answers handed over in
    pieces within the process's send budget (see the module's docstring)."""

    def __init__(self, app: Callable, settings: Settings) -> None:
        self.app = app
        self.body_timeout = settings.body_timeout
        self.max_body = settings.max_request_bytes
        self.app_slots = threading.BoundedSemaphore(max(1, settings.threads))
        self.budget = SendBudget(settings.large_answers, settings.send_bytes)
        self._reader_slots = threading.BoundedSemaphore(BODY_READERS)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        refused = self._take_body(environ, start_response)
        if refused is not None:
            return refused
        captured: list = []

        def capture(status: str, headers: list, exc_info: object = None) -> Callable:
            captured[:] = [status, headers, exc_info]
            return self._no_write

        with self.app_slots:
            body = self.app(environ, capture)
        status, headers, exc_info = captured
        size = self._size(environ, status, headers, body)
        if size is not None and size <= SMALL_ANSWER:
            start_response(status, headers, exc_info)
            return body
        charge = size if size is not None else 4 * CHUNK
        if not self.budget.take(charge):
            close_body(body)
            answers, _ = self.budget.in_use
            return _refuse(start_response, "503 Service Unavailable",
                           f"the endpoint is sending {answers} answers already; try again shortly",
                           [("Retry-After", RETRY_AFTER)])
        start_response(status, headers, exc_info)
        return HandOver(body, lambda: self.budget.give_back(charge))

    @staticmethod
    def _no_write(_data: bytes) -> None:
        raise NoWrite("write() of start_response is not supported; return the body instead")

    @staticmethod
    def _size(environ: dict, status: str, headers: list, body: Iterable[bytes]) -> int | None:
        """The bytes the body will send, when they are known without reading it."""
        if environ.get("REQUEST_METHOD") == "HEAD" or status[:3] in ("204", "304") or status.startswith("1"):
            return 0
        if isinstance(body, list | tuple):
            return sum(len(item) for item in body)
        for key, value in headers:
            if key.lower() == "content-length" and value.isdigit():
                return int(value)
        return None

    def _take_body(self, environ: dict, start_response: Callable) -> list[bytes] | None:
        """Read the request's body before the app runs, within the deadline; an answer when that failed."""
        length = _content_length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and (length is None or length == 0 or length > self.max_body):
            return None  # no body, or one the app refuses unread (413)
        if not self._reader_slots.acquire(blocking=False):
            return _refuse(start_response, "503 Service Unavailable",
                           "the endpoint is waiting for too many request bodies; try again shortly",
                           [("Retry-After", RETRY_AFTER), ("Connection", "close")])
        try:
            data = _read_body(environ["wsgi.input"], self.max_body, time.monotonic() + self.body_timeout)
        except BodyTimeout:
            # Answered with the body unread: the server then closes the connection.
            return _refuse(start_response, "408 Request Timeout",
                           f"the request body did not arrive within {self.body_timeout:g} s",
                           [("Connection", "close")])
        finally:
            self._reader_slots.release()
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return None
