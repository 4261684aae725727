"""The cost of each layer a /sparql cache miss passes through, measured in this process, one after the other.

    .venv/bin/python bench/layers.py --store var/store                 # the one-row lookup, 2,000 times
    .venv/bin/python bench/layers.py --store var/store --group-by -n 200

Where `bench/endpoint_bench.py` shows that we are slower than `oxigraph serve` on a query the engine answers
in microseconds, this says which layer the time goes to, from the inside out (microseconds per query):

1. pyoxigraph alone: the query on an in-memory copy of the build, serialised as SPARQL JSON (the floor);
2. the web side's reading of the text (engine/guard.py: hints and plan);
3. the worker pool: the job over the pipe to a query process, the engine's own checks, the query, back;
4. the engine: the pool plus the answer cache (a miss) and the request model;
5. Flask's test client on /sparql: the whole app (routing, protocol, negotiation, headers), no sockets;
6. the same for /healthz (the app's floor) and for a cached /sparql answer (the replay).

What it does not show is the HTTP server and the kernel between the client and the app: that is
bench/servers.py. Every request is a different text (a counter in a comment), so nothing is cached but (6).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

LOOKUP = "SELECT ?p ?o WHERE {{ <{base}/id/firm/usg-people> ?p ?o }} LIMIT 1"
GROUP_BY = "SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?p ORDER BY DESC(?n)"
ACCEPT = "application/sparql-results+json"


def measure(label: str, fn: Callable[[int], object], n: int, offset: int) -> float:
    """Microseconds per call of fn(i), after n // 10 warm-up calls; prints one line."""
    for i in range(max(1, n // 10)):
        fn(offset + i)
    started = time.perf_counter()
    for i in range(n):
        fn(offset + n + i)
    micros = (time.perf_counter() - started) / n * 1e6
    print(f"| {label} | {micros:,.1f} |", flush=True)
    return micros


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True, help="store folder (almerekg build --store PATH)")
    ap.add_argument("-n", type=int, default=2000, help="queries per layer")
    ap.add_argument("--group-by", action="store_true", help="the engine-bound GROUP BY instead of the lookup")
    args = ap.parse_args()
    os.environ.pop("ALMEREKG_STORE", None)
    sys.setrecursionlimit(10_000)

    import pyoxigraph as ox

    from almerekg.engine import QueryRequest, guard
    from almerekg.engine.jobs import Job
    from almerekg.settings import from_values
    from almerekg.store.embedded import load_in_memory
    from almerekg.web import create_app

    app = create_app(from_values(store=args.store, query_workers=1, quarantine_seconds=0.0))
    engine = app.extensions["almerekg"].engine
    build = engine.build()
    query = (GROUP_BY if args.group_by else LOOKUP).format(base=build.info.base)
    memory = load_in_memory(build.folder)
    client = app.test_client()

    def text(i: int) -> str:
        return f"{query}\n#{i}"

    print(f"# {'GROUP BY' if args.group_by else 'one-row lookup'}; {args.n} queries per layer; µs per query")
    print("| layer | µs |")
    print("|---|---|")
    try:
        measure("1. pyoxigraph in process, query + JSON",
                lambda i: memory.query(text(i), use_default_graph_as_union=True)
                .serialize(format=ox.QueryResultsFormat.JSON), args.n, 0)
        measure("2. guard: hints + plan (web side)", lambda i: (guard.hints(text(i)), guard.plan(text(i))),
                args.n, 0)
        measure("3. worker pool: pipe + checks + query + JSON",
                lambda i: build.pool.run(Job(text(i), ACCEPT, "text/turtle"), 10), args.n, 10**6)
        measure("4. engine.query (cache miss)", lambda i: engine.query(QueryRequest(text(i))), args.n, 2 * 10**6)
        measure("5. Flask test client, GET /sparql (miss)",
                lambda i: client.get("/sparql", query_string={"query": text(i)}, headers={"Accept": ACCEPT}),
                args.n, 3 * 10**6)
        measure("6a. Flask test client, GET /healthz", lambda i: client.get("/healthz"), args.n, 0)
        measure("6b. Flask test client, GET /sparql (cached)",
                lambda i: client.get("/sparql", query_string={"query": query}, headers={"Accept": ACCEPT}),
                args.n, 0)
    finally:
        engine.close()


if __name__ == "__main__":
    main()
