"""Serve the app with waitress (a production WSGI server), logging JSON lines to stderr.

`almerekg serve` calls run(); `python -m almerekg.web.serve --store PATH --port N` does the same
for tests and for running without the CLI.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys

from ..config import Config, from_env
from ..runner import PoolError
from ..store import StoreError
from .accesslog import JsonLineFormatter

log = logging.getLogger("almerekg.serve")


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for our loggers (access, engine, runner) and for waitress's own."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    for name in ("almerekg", "waitress"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def run(config: Config, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
        sock: socket.socket | None = None) -> None:
    """Serve until SIGINT/SIGTERM; the query workers are killed on the way out.

    `sock`: an already listening socket shared with sibling processes (see web/multi.py).
    """
    import waitress

    from . import create_app

    configure_logging()
    app = create_app(config)
    engine = app.extensions["almerekg"].engine
    try:
        build = engine.active()  # load the build before taking traffic, so the first query is fast
        log.info("build %s ready", build.info.build_id)
    except (StoreError, PoolError) as exc:
        log.warning("starting without data: %s (/healthz answers 503 until a build is published)", exc)

    where = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
    server = waitress.create_server(
        app,
        **where,
        threads=threads,
        ident="almerekg",
        # Let bodies somewhat over our limit reach the app, which answers with a clear message;
        # waitress itself refuses anything far larger without buffering it.
        max_request_body_size=max(4 * config.max_request_bytes, 1024 * 1024),
        clear_untrusted_proxy_headers=True,
    )

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    log.info("listening on http://%s:%s/sparql (threads=%d, query workers=%d, timeout=%gs)",
             host, server.effective_port, threads, engine.pool_size, config.query_timeout)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        engine.close()
        log.info("stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m almerekg.web.serve", description=__doc__)
    parser.add_argument("--store", help="store folder (default: ALMEREKG_STORE or var/store)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--base", help="base IRI of the dataset")
    parser.add_argument("--query-timeout", type=float, help="seconds (default 30)")
    parser.add_argument("--max-result-bytes", type=int)
    parser.add_argument("--max-request-bytes", type=int)
    parser.add_argument("--service-allow", action="append", default=None, metavar="HOST[:PORT]",
                        help="allow SERVICE calls to this host (repeatable)")
    parser.add_argument("--workers", type=int, help="query worker processes (default: cores, at least 2)")
    parser.add_argument("--processes", type=int, default=1,
                        help="web server processes sharing the port (default 1; see web/multi.py)")
    parser.add_argument("--worker-memory", type=int, metavar="BYTES",
                        help="memory a query may take beyond its worker's loaded build (default 2 GiB)")
    args = parser.parse_args(argv)
    config = from_env(
        store=args.store,
        base=args.base,
        query_timeout=args.query_timeout,
        max_result_bytes=args.max_result_bytes,
        max_request_bytes=args.max_request_bytes,
        service_allowlist=tuple(args.service_allow) if args.service_allow else None,
    )
    extra = dict(config.extra)
    if args.workers:
        extra["query_workers"] = args.workers
    if args.worker_memory:
        extra["worker_memory_bytes"] = args.worker_memory
    config = config.with_(extra=extra)
    if args.processes > 1:
        from .multi import run_processes

        run_processes(config, host=args.host, port=args.port, threads=args.threads, processes=args.processes)
        return
    run(config, host=args.host, port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
