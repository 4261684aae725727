"""Several web server processes on one port: `almerekg serve --workers N`.

One Python process serves cheap requests at a few thousand per second (the GIL binds the web layer,
not the query engine). To use more cores, the parent opens the listening socket once and forks N
children that each run the usual waitress server on that same socket (the pre-fork model gunicorn
uses; the kernel hands each connection to one child). The parent only supervises: it restarts a
child that died and stops them all on SIGTERM/SIGINT.

Each child is a complete, independent app: it has its own Engine, result cache and (for the embedded
store) its own query workers, each opening the published build read-only. Nothing is shared between
the children but the store, which is why the same holds across machines behind a load balancer.
Forking happens before any app, thread or store exists in the parent, so the children start clean.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import socket
import time

from ..config import Config
from .serve import configure_logging, run

log = logging.getLogger("almerekg.serve")

RESTART_BACKOFF = 2.0  # seconds between restarts of a child that keeps dying at once


def _child(config: Config, sock: socket.socket, threads: int) -> None:
    # The parent's handlers are inherited by fork: serve.run installs the child's own.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    run(config, threads=threads, sock=sock)


def run_processes(config: Config, host: str, port: int, threads: int, processes: int) -> None:
    configure_logging()
    sock = socket.create_server((host, port), backlog=1024)
    sock.setblocking(False)  # waitress drives it with select/poll
    if not config.store_is_remote and not config.extra.get("query_workers"):
        # Query workers per web process: the cores shared out, but at least two, so one runaway query
        # never stalls a process's other requests until its timeout.
        per = max(2, (os.cpu_count() or 2) // processes)
        config = config.with_(extra={**config.extra, "query_workers": per})
    ctx = mp.get_context("fork")
    children: list[mp.process.BaseProcess] = []
    stopping = False

    def start() -> mp.process.BaseProcess:
        p = ctx.Process(target=_child, args=(config, sock, threads), name="almerekg-web", daemon=False)
        p.start()
        return p

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children = [start() for _ in range(processes)]
    log.info("%d web processes on http://%s:%s (pids %s)", processes, host, sock.getsockname()[1],
             ", ".join(str(p.pid) for p in children))
    last_restart = 0.0
    try:
        while not stopping:
            time.sleep(0.5)
            for i, p in enumerate(children):
                if p.is_alive() or stopping:
                    continue
                log.error("web process %s exited with status %s; starting another", p.pid, p.exitcode)
                wait = RESTART_BACKOFF - (time.monotonic() - last_restart)
                if wait > 0:
                    time.sleep(wait)
                last_restart = time.monotonic()
                children[i] = start()
    finally:
        for p in children:
            if p.is_alive() and p.pid is not None:
                os.kill(p.pid, signal.SIGTERM)
        for p in children:
            p.join(timeout=20)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        sock.close()
        log.info("stopped %d web processes", processes)
