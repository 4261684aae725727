"""Concurrent clients on loopback for a bounded time, mixing saved queries, /sparql and pages: zero errors."""

from __future__ import annotations

import statistics
import threading
import time

import requests

from .conftest import assert_healthy

DURATION_S = 10.0
CLIENTS = 8
PATHS = [
    "/queries/tabel-1.json", "/queries/tabel-3.csv", "/queries/tabel-3", "/queries/joint-ventures.json?soort=joint-venture-share",
    "/queries/netwerken-buiten-almere?focus=provincie", "/", "/search?q=almere", "/doc/firm/usg-people",
    "/doc/firm/usg-people.ttl", "/id/firm/usg-people", "/dataset", "/def/Firm", "/queries",
    "/sparql?query=SELECT+%28COUNT%28*%29+AS+%3Fn%29+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D",
    "/sparql?query=SELECT+%3Fs+%3Fl+WHERE+%7B+%3Fs+%3Chttp%3A%2F%2Fwww.w3.org%2F2000%2F01%2Frdf-schema%23label%3E+%3Fl+%7D+LIMIT+20",
]
# Queries that differ on every request, so the engine (not the cache) answers them.
UNCACHED = ("SELECT ?s ?o WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o "
            "FILTER(CONTAINS(LCASE(STR(?o)), \"{needle}\")) }} LIMIT {limit}")
NEEDLES = ["almere", "bv", "group", "netwerk", "a", "e", "flevo", "cluster"]


def _client(base: str, idx: int, stop: float, latencies: list[float], errors: list[str]) -> None:
    s = requests.Session()
    i = idx
    while time.monotonic() < stop:
        i += 1
        if i % 4 == 0:
            q = UNCACHED.format(needle=NEEDLES[i % len(NEEDLES)], limit=1 + i % 997)
            args = {"url": base + "/sparql", "data": {"query": q}, "method": "POST"}
        else:
            args = {"url": base + PATHS[i % len(PATHS)], "method": "GET"}
        t0 = time.perf_counter()
        try:
            r = s.request(timeout=30, allow_redirects=False, **args)
            ok = r.status_code in (200, 303)
            detail = f"{r.status_code} {args['url']} {r.text[:120]}"
        except requests.RequestException as exc:
            ok, detail = False, f"{type(exc).__name__} {args['url']}"
        latencies.append(time.perf_counter() - t0)
        if not ok:
            errors.append(detail)


def test_concurrent_mixed_load(robust_server) -> None:  # noqa: ANN001
    base = robust_server.url
    for p in PATHS:  # every path answers at all (and the caches are warm, as in production)
        r = requests.get(base + p, timeout=30, allow_redirects=False)
        assert r.status_code in (200, 303), (p, r.status_code, r.text[:200])
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + DURATION_S
    threads = [threading.Thread(target=_client, args=(base, i, stop, latencies, errors)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DURATION_S + 60)
    assert not any(t.is_alive() for t in threads), "a client hung"
    q = statistics.quantiles(latencies, n=100)
    print(f"\nload: {CLIENTS} clients, {DURATION_S:g} s: {len(latencies)} requests, {len(errors)} errors, "
          f"{len(latencies) / DURATION_S:.0f} req/s, p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms")
    assert not errors, errors[:10]
    assert len(latencies) > 100
    assert_healthy(robust_server)
