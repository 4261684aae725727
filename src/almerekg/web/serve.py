"""`almerekg serve`: the app on granian, a Rust HTTP server for Python apps, chosen by measurement.

bench/README.md has the comparison (waitress, gunicorn sync and gthread, granian) on this app. What
granian does for the endpoint's guarantees, with the settings that control it:

* HTTP/1.1 only: granian's HTTP/2 without TLS (h2c, taken without negotiation) let one connection with
  unfinished streams spin the process on every core; a TLS proxy in front can speak HTTP/2 to clients;
* request heads larger than `max_header_bytes` get 431 (granian's HTTP/1 read buffer);
* a connection has `header_timeout` seconds from when it opens, and again after each answer, to send a
  complete request head, then it is closed: connections that send nothing are closed too;
* a request body has `body_timeout` seconds to arrive, and answers are handed over within one budget
  (http/flow.py); granian gets threads for the app, for bodies awaited and for answers being sent;
* the descriptor limit is raised to the hard limit at start, and each process takes as many connections
  as its descriptors allow (less a reserve for the store, logs and query processes);
* `processes` web processes share the port (granian's workers; one that dies is started again), each
  with `threads` request threads, its own engine, cache and query processes;
* SIGTERM / SIGINT stop it gracefully: in-flight requests finish, then each process closes its query
  processes on the way out;
* answers are written with back-pressure: a client that does not read holds no more than the socket's
  buffers, never a temporary file.

The settings reach the web processes as ALMEREKG_* environment variables (settings.to_environment),
so each process builds the same Settings as this one. `almerekg serve` (cli.py) is the one way to start it.
"""

from __future__ import annotations

import logging
import os
import sys

from ..settings import Settings, missing_for_harvest, to_environment

log = logging.getLogger("almerekg.serve")

LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "almerekg.web.http.accesslog.JsonLineFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "_granian": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "granian.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "almerekg": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for our loggers (access, engine, runner) and for the server's own."""
    from .http.accesslog import JsonLineFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    for name in ("almerekg", "_granian"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def tune_malloc() -> None:
    """Give large blocks back to the system when they are freed (call in each web process).

    glibc serves a large allocation from the heap once a larger one was freed (its mmap threshold grows with
    every free), and keeps the freed heap: the memory of an answer of tens of megabytes would stay with the
    process after the answer was sent. Fixed thresholds stop that. glibc only; elsewhere nothing happens.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD: blocks from 1 MiB up are mapped (and unmapped on free)
        libc.mallopt(-1, 4 * 1024 * 1024)  # M_TRIM_THRESHOLD: the heap is trimmed when 4 MiB at its top are free
    except (OSError, AttributeError):
        return


FD_RESERVE = 256  # descriptors kept for the store, logs, pipes to query processes


def raise_descriptor_limit() -> int:
    """Raise the soft limit on open descriptors to the hard limit; the soft limit now in force.

    Each connection holds a descriptor: with the usual soft limit of 1,024, a thousand silent connections
    would leave none for anyone else. The hard limit is the most a process may raise itself to. (granian
    2.8's native module happens to raise it too when imported; this does not depend on that.)
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError) as exc:
            log.warning("could not raise the descriptor limit from %d to %d: %s", soft, hard, exc)
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def serve(settings: Settings) -> int:
    """Serve until SIGINT/SIGTERM."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    from .http.flow import BODY_READERS

    configure_logging()
    descriptors = raise_descriptor_limit()
    missing = missing_for_harvest(settings)
    if missing:
        log.warning("/dataset is not yet a record data.overheid.nl harvests: give %s", ", ".join(missing))
    os.environ.update(to_environment(settings))
    log.info("descriptor limit %d: up to %d connections per process", descriptors,
             max(128, descriptors - FD_RESERVE))
    log.info("listening on %s/sparql (processes=%d, threads=%d, query workers per process=%d, timeout=%gs)",
             settings.site_url, settings.processes, settings.threads, settings.pool_size, settings.query_timeout)
    server = Server(
        "almerekg.web:app_from_environment",
        factory=True,
        interface=Interfaces.WSGI,
        address=settings.host,
        port=settings.port,
        workers=max(1, settings.processes),
        blocking_threads=max(1, settings.threads) + max(1, settings.large_answers) + BODY_READERS,
        backlog=1024,
        backpressure=max(128, descriptors - FD_RESERVE),
        http=HTTPModes.http1,
        websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=int(settings.header_timeout * 1000),
                                     max_buffer_size=max(8192, settings.max_header_bytes)),
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=max(1, int(settings.query_timeout + 5)),
        log_dictconfig=LOG_CONFIG,
    )
    server.serve()
    log.info("stopped")
    return 0

