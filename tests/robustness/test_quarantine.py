"""A quarantine that cannot be dodged, limits that are the client's, and clients that cannot starve each other.

* Variants of a panicking query (a comment, spacing, a renamed variable, another prefix name, `LIMIT n`) end at
  most `--client-deaths` processes; then the client gets 429 with Retry-After, while another client is served.
* The panic is reported as the engine's defect even with RUST_BACKTRACE set in the server's environment (it
  used to be pushed out of the stderr kept and reported as "needed more than the … MiB of memory").
* The 43-byte cartesian query is refused with a 4xx naming the limit (it was a 500).
* Two runaway queries of one client leave a process for another client's cheap query.

One server for the module, behind a declared proxy (`--trusted-proxy 127.0.0.1`) so that X-Forwarded-For gives each
test its own client on loopback.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from endpoint.conftest import http
from serverproc import start_server

from almerekg.engine.quarantine import CANONICAL_MAX_CHARS, canonical
from almerekg.web.http.client import client_address
from robustness.conftest import hostile

TIMEOUT_S = 8
CLIENT_DEATHS = 5
PANIC, CARTESIAN, RUNAWAY, variant = hostile.PANIC, hostile.CARTESIAN, hostile.RUNAWAY, hostile.panic_variant

@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    saved = {k: os.environ.get(k) for k in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE")}
    os.environ.update(RUST_BACKTRACE="full", RUST_LIB_BACKTRACE="1")  # the server's environment (clean_env)
    try:
        srv = start_server(built_store, tmp_path_factory.mktemp("quarantine-log"), "--query-workers", "2",
                           "--query-timeout", str(TIMEOUT_S), "--trusted-proxy", "127.0.0.1")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    yield srv
    srv.stop()


def ask(server, query: str, client: str, timeout: float = 60):  # noqa: ANN001, ANN201
    return http.post(server.sparql, data={"query": query}, headers={"X-Forwarded-For": client}, timeout=timeout)


def killed(server) -> int:  # noqa: ANN001
    return http.get(server.url + "/healthz").json()["workers"]["killed"]


def test_300_variants_of_a_panicking_query_end_a_handful_of_processes_then_429(server) -> None:  # noqa: ANN001
    client = "192.0.2.10"
    before = killed(server)
    statuses: dict[int, int] = {}
    first = ask(server, variant(0), client)
    # Whatever the environment's RUST_BACKTRACE, the panic is read as one: never reported as memory.
    assert first.status_code == 422, first.text[:300]
    assert "internal error" in first.text and "total order" in first.text, first.text[:300]
    assert "memory" not in first.text
    last = first
    for i in range(1, 300):
        last = ask(server, variant(i), client)
        statuses[last.status_code] = statuses.get(last.status_code, 0) + 1
        assert last.status_code in (422, 429), (i, last.status_code, last.text[:300])
    time.sleep(0.5)
    ended = killed(server) - before
    print(f"\n300 variants: {ended} processes ended; statuses {statuses}")
    assert ended <= CLIENT_DEATHS, (ended, statuses)
    assert last.status_code == 429
    assert int(last.headers["Retry-After"]) >= 1
    assert f"your queries ended {CLIENT_DEATHS} query processes within 60 s" in last.text
    # The families the canonical form equates are refused by the quarantine (422) without a process; the LIMIT
    # family, 60 texts that differ in meaning, meets the per-client limit after the first few.
    assert statuses.get(429, 0) >= 50, statuses
    # The limit is this client's: another one is answered.
    other = ask(server, "ASK { ?s ?p ?o }", "192.0.2.11")
    assert other.status_code == 200, other.text[:300]


def test_the_cartesian_query_gets_a_4xx_that_names_the_limit(server) -> None:  # noqa: ANN001
    started = time.monotonic()
    r = ask(server, CARTESIAN, "192.0.2.20")
    assert len(CARTESIAN) == 43
    assert r.status_code == 422, r.text[:300]
    assert r.text == ("the answer is larger than this endpoint's limit of 52428800 bytes (--max-result-bytes) and was "
                      "not sent; add LIMIT or select fewer rows/columns\n")
    # Refused as soon as the answer passes the limit, long before the query timeout.
    assert time.monotonic() - started < TIMEOUT_S
    # The service description tells clients the same.
    described = http.get(server.sparql, headers={"Accept": "text/turtle"}).text
    assert "Maximum result size: 52428800 bytes; a larger answer is refused with 422" in described
    assert "Per client: after 5 queries that crashed, ran out of memory or timed out within 60 s, 429" in described


def test_one_clients_runaways_leave_a_process_for_another_client(server) -> None:  # noqa: ANN001
    results: list[tuple[int, float]] = []

    def runaway(n: int) -> None:
        t0 = time.monotonic()
        r = ask(server, f"{RUNAWAY} LIMIT {n}", "192.0.2.30")
        results.append((r.status_code, time.monotonic() - t0))

    threads = [threading.Thread(target=runaway, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    t0 = time.monotonic()
    r = ask(server, "SELECT ?s { ?s ?p ?o } LIMIT 3", "192.0.2.31")
    waited = time.monotonic() - t0
    for t in threads:
        t.join(timeout=60)
    assert r.status_code == 200, r.text[:300]
    assert len(r.json()["results"]["bindings"]) == 3
    # A wide bound: the other client's query does not wait for the runaways' timeout (it did: about 30 s).
    assert waited < TIMEOUT_S / 2, waited
    statuses = sorted(s for s, _ in results)
    # One runaway ran into the timeout; the other waited for its own client's share and was told why.
    assert statuses == [429, 503], results


# -- the canonical form and the client's address, read directly ---------------------------------------------------

def test_the_canonical_form_equates_what_reads_the_same_and_only_that() -> None:
    same = [
        "SELECT ?o { ?s ?p ?o FILTER(isLiteral(?o)) } ORDER BY DESC(?o)",
        "select $x{?a ?b $x filter(ISLITERAL(?x))}order by desc(?x) # a comment",
        "SELECT ?o\n{\t?s ?p ?o\nFILTER ( isLiteral ( ?o ) ) }\nORDER BY DESC ( ?o ) #2",
    ]
    assert len({canonical(q) for q in same}) == 1, [canonical(q) for q in same]
    assert canonical("PREFIX e: <http://a/> SELECT * { ?s a e:C . ?s e:p 'x' }") == \
        canonical("PREFIX f: <http://a/> SELECT * { ?t <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://a/C>."
                  ' ?t f:p "x" }')
    different = [
        "SELECT ?o { ?s ?p ?o } LIMIT 1",
        "SELECT ?o { ?s ?p ?o } LIMIT 2",
        "SELECT ?o { ?s ?p 'x' }",
        "SELECT ?o { ?s ?p 'y' }",
        "SELECT ?o { ?s <http://a/p> ?o }",
        "SELECT ?o { ?s <http://a/q> ?o }",
        "SELECT ?o { ?s ?p ?o FILTER(?o = '#') }",
        "SELECT ?o { ?s ?p ?o FILTER(?o = '') }",
        "SELECT ?a ?b { ?a ?p ?b }",
        "SELECT ?b ?a { ?a ?p ?b }",
    ]
    assert len({canonical(q) for q in different}) == len(different)


@pytest.mark.parametrize("text", [
    '"' + '\\"' * (CANONICAL_MAX_CHARS // 2), "é" * CANONICAL_MAX_CHARS, "<a" * (CANONICAL_MAX_CHARS // 2),
    "?" * CANONICAL_MAX_CHARS, "'''" + "\\'" * (CANONICAL_MAX_CHARS // 2), "(" * CANONICAL_MAX_CHARS,
], ids=["escaped quotes", "letters", "open IRIs", "question marks", "long string", "parentheses"])
def test_the_canonical_form_takes_linear_time(text: str) -> None:
    started = time.perf_counter()
    canonical(text)
    # Measured about 20 ms for the densest; a wide bound against quadratic time (seconds at this length).
    assert time.perf_counter() - started < 0.5


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    forwarded = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert client_address(forwarded, ()) == "203.0.113.5"  # no proxy declared: the header is not read
    assert client_address(forwarded, ("10.0.0.0/8",)) == "203.0.113.5"  # not from a trusted proxy
    via_proxy = {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "192.0.2.99, 198.51.100.7, 10.9.9.9"}
    # The rightmost address that is not a trusted proxy (what the client put on the left is not believed).
    assert client_address(via_proxy, ("10.0.0.0/8",)) == "198.51.100.7"
    assert client_address({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "not an address"},
                          ("10.0.0.0/8",)) == "10.1.2.3"
