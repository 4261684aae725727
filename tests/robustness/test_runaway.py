"""Runaway queries: several at once are stopped at the timeout with a 503 and a message, while ordinary
queries keep being answered.

Documented bound (README, "Security defaults"): with W query workers and fewer than W runaway queries,
an ordinary query is answered within 1.5 s on a 2-core machine; cached answers (saved queries, pages,
repeated /sparql texts) never wait for a worker at all.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests
from endpoint.conftest import http
from serverproc import start_server, wait_until

from .conftest import assert_clean

TIMEOUT_S = 2
WORKERS = 4
ORDINARY_BOUND_S = 1.5
RUNAWAY_CLIENT = {"X-Forwarded-For": "192.0.2.1"}
# Cross products that stream (little memory) and run far longer than the timeout. A memory-hungry one
# (ORDER BY over a cross product) is stopped by the worker's memory cap instead: tests/endpoint/test_limits.py.
PATHOLOGICAL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), \"#\")) }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(REGEX(CONCAT(STR(?c), STR(?f)), \"zz+q$\")) }",
]


@pytest.fixture(scope="module")
def runaway_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    # The runaways come from one client (X-Forwarded-For through the declared proxy), the ordinary queries from
    # another; the per-client limit of process deaths has a test of its own (test_quarantine.py).
    srv = start_server(built_store, tmp_path_factory.mktemp("runaway-log"), "--query-timeout", str(TIMEOUT_S),
                       "--query-workers", str(WORKERS), "--trusted-proxy", "127.0.0.1", "--client-deaths", "0")
    yield srv
    srv.stop()


def _ordinary(i: int) -> str:
    # A different text each time, so the engine (not the cache) answers.
    return ("SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
            f"LIMIT {i + 1}")


def test_runaways_time_out_while_ordinary_queries_are_answered(runaway_server) -> None:  # noqa: ANN001
    sparql = runaway_server.sparql
    # A fresh server loads the pages' index through the query processes at start: wait until that is done.
    def idle() -> int:
        return http.get(runaway_server.url + "/healthz").json()["workers"]["idle"]

    assert wait_until(lambda: idle() == WORKERS, timeout=120), (idle(), runaway_server.log_path.read_text()[-3000:])
    results: list[tuple[int, str, float, requests.structures.CaseInsensitiveDict]] = []

    def runaway(q: str) -> None:
        t0 = time.monotonic()
        r = http.post(sparql, data={"query": q}, headers=RUNAWAY_CLIENT, timeout=60)
        results.append((r.status_code, r.text, time.monotonic() - t0, r.headers))

    threads = [threading.Thread(target=runaway, args=(q,)) for q in PATHOLOGICAL]
    for t in threads:
        t.start()
    time.sleep(0.3)
    ordinary: list[float] = []
    i = 0
    while any(t.is_alive() for t in threads):
        t0 = time.monotonic()
        r = http.get(sparql, params={"query": _ordinary(i)}, headers={"Accept": "application/sparql-results+json"})
        ordinary.append(time.monotonic() - t0)
        assert r.status_code == 200, (r.text[:300], runaway_server.log_path.read_text()[-4000:])
        assert len(r.json()["results"]["bindings"]) == i + 1  # a whole answer
        i += 1
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert len(results) == len(PATHOLOGICAL)
    for status, text, elapsed, headers in results:
        assert status == 503, (status, text[:300])
        assert "longer than this endpoint's limit of 2 s" in text
        assert headers.get("Retry-After")
        assert TIMEOUT_S - 0.2 <= elapsed < TIMEOUT_S + 3, elapsed
    print(f"\nrunaway: {len(PATHOLOGICAL)} runaways at once stopped at {TIMEOUT_S} s; {len(ordinary)} ordinary "
          f"queries meanwhile, max {max(ordinary) * 1000:.0f} ms")
    assert max(ordinary) < ORDINARY_BOUND_S, ordinary


def test_more_runaways_than_workers_get_clear_answers_and_the_pool_recovers(runaway_server) -> None:  # noqa: ANN001
    """More runaways than one client may run at once: those beyond its share (all workers but one) wait for its own
    at most the timeout and get 429, the others 503 at the timeout; never a 500 or a hang."""
    sparql = runaway_server.sparql
    statuses: list[requests.Response] = []

    def run(q: str) -> None:
        statuses.append(http.post(sparql, data={"query": q}, headers=RUNAWAY_CLIENT, timeout=60))

    # Texts that differ in meaning: the quarantine equates texts that differ only in comments or spacing.
    queries = [f"{PATHOLOGICAL[0]} LIMIT {i + 1}" for i in range(WORKERS + 2)]
    threads = [threading.Thread(target=run, args=(q,)) for q in queries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for r in statuses:
        assert_clean(r, allow=(503,))
        assert r.status_code in (503, 429), r.text[:200]
        assert r.text.strip() and r.headers.get("Retry-After")
    assert sum(r.status_code == 503 for r in statuses) >= WORKERS - 1
    assert all("one client may use at once" in r.text for r in statuses if r.status_code == 429)
    # The killed workers are replaced: ordinary queries are answered again within the timeout plus a restart.
    deadline = time.monotonic() + 30
    while True:
        r = http.get(sparql, params={"query": _ordinary(500)})
        if r.status_code == 200:
            break
        assert r.status_code == 503 and time.monotonic() < deadline, r.text[:200]
        time.sleep(0.2)
    health = http.get(runaway_server.url + "/healthz").json()
    assert health["workers"]["killed"] >= WORKERS - 1
