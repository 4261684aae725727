"""No query crashes a query process; whatever still kills one is answered clearly and quarantined.

* Nesting hidden from a lexer (`.` before the group, `<2#>` and a long string) used to crash a process
  (SIGSEGV) at a few thousand levels: the engine's parser now runs on a stack sized for the largest query
  text accepted, so every construct it recurses on, at that size, is answered without a crash.
* An engine defect that aborts the process (a panic) is a 422 with a clear message, never a 500, and the
  same text is refused for a while without killing another process.
* A query process that died while idle (the OOM killer, kill -9) is replaced before the next query needs it.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from endpoint.conftest import http
from serverproc import start_server, wait_until

from robustness.conftest import hostile

MAX_QUERY_BYTES = 256 * 1024


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_server(built_store, tmp_path_factory.mktemp("crash-log"), "--query-timeout", "10",
                       "--query-workers", "2", "--max-request-bytes", str(2 * MAX_QUERY_BYTES))
    yield srv
    srv.stop()


def killed(server) -> int:  # noqa: ANN001
    return http.get(server.url + "/healthz").json()["workers"]["killed"]


def post(server, query: str):  # noqa: ANN001, ANN201
    return http.post(server.sparql, data=query.encode(), headers={"Content-Type": "application/sparql-query"},
                     timeout=60)


def _largest(make) -> str:  # noqa: ANN001
    """make(n) at the largest n whose text fits in the endpoint's query size limit."""
    lo, hi = 1, 2
    while len(make(hi).encode()) <= MAX_QUERY_BYTES:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if len(make(mid).encode()) <= MAX_QUERY_BYTES else (lo, mid)
    return make(lo)


DEEP = {
    "groups": lambda n: "SELECT * WHERE " + "{" * n + "}" * n,
    "hidden after a dot": lambda n: "SELECT ?x WHERE { BIND(1 AS ?o) ." + "{" * n + "}" * n + " }",
    "hidden behind <2#>": lambda n: 'SELECT * WHERE { FILTER(1 <2#>"""\n) ' + "{" * n + "}" * n + " }",
    "parentheses": lambda n: "SELECT * WHERE { FILTER(" + "(" * n + "1" + ")" * n + ") }",
    "negations": lambda n: "SELECT * WHERE { FILTER(" + "!" * n + "true) }",
    "path groups": lambda n: "SELECT * WHERE { ?s " + "(" * n + "<p>" + ")" * n + " ?o }",
    "sub-selects": lambda n: "SELECT * " + "{ SELECT * " * n + "{}" + "}" * n,
    "exists": lambda n: "SELECT * WHERE { FILTER " + "EXISTS { FILTER " * n + "true" + "}" * n + " }",
    "blank node lists": lambda n: "SELECT * WHERE { ?s ?p " + "[ <p> " * n + "1" + "]" * n + " }",
}


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_the_deepest_query_that_fits_crashes_nothing(server, kind: str) -> None:  # noqa: ANN001
    before = killed(server)
    query = _largest(DEEP[kind])
    r = post(server, query)
    # Answered, refused as malformed, or stopped at the timeout: never a crash, never a 500.
    assert r.status_code in (200, 400, 503), (kind, r.status_code, r.text[:300])
    if r.status_code == 503:
        assert "longer than this endpoint's limit" in r.text
    time.sleep(0.2)
    assert killed(server) == before + (1 if r.status_code == 503 else 0), kind


def test_5000_levels_hidden_from_a_lexer_crash_nothing(server) -> None:  # noqa: ANN001
    before = killed(server)
    for make in (DEEP["hidden after a dot"], DEEP["hidden behind <2#>"]):
        for _ in range(5):
            r = post(server, make(5000))
            assert r.status_code == 200, r.text[:300]
    assert killed(server) == before


def test_a_query_over_the_size_limit_is_refused_before_it_runs(server) -> None:  # noqa: ANN001
    query = DEEP["groups"](MAX_QUERY_BYTES // 2 + 10)
    r = post(server, query)
    assert r.status_code == 413
    assert r.text.startswith(f"the query is {len(query)} bytes long; this endpoint accepts queries of at most "
                             f"{MAX_QUERY_BYTES} bytes")


# pyoxigraph 0.5.13 aborts (a panic: "user-provided comparison function does not correctly implement a total
# order") sorting a mix of typed literals (bench/hostile.py). If an engine release fixes it, the query is answered
# and the quarantine is shown with a runaway query instead.
PANIC, RUNAWAY = hostile.PANIC, hostile.RUNAWAY


def test_a_query_that_kills_its_process_is_answered_clearly_and_quarantined(server) -> None:  # noqa: ANN001
    before = killed(server)
    r = post(server, PANIC)
    if r.status_code == 200:  # the engine no longer panics: show the quarantine with a runaway query
        short = start_server(server.store, Path(server.log_path).parent, "--query-timeout", "1")
        try:
            _check_quarantine(short, RUNAWAY, 503, "longer than this endpoint's limit")
        finally:
            short.stop()
        return
    # The engine panics on it: its process ends, the client gets 422 and the text is quarantined.
    assert r.status_code == 422, r.text
    assert r.text.startswith("the query was stopped: the query "), r.text
    assert "internal error" in r.text, r.text
    assert wait_until(lambda: killed(server) == before + 1)
    _check_quarantine(server, PANIC, 422, "internal error")


def _check_quarantine(server, query: str, status: int, words: str) -> None:  # noqa: ANN001
    first = post(server, query)
    assert first.status_code == status, first.text
    before = killed(server)
    started = time.monotonic()
    for _ in range(5):
        again = post(server, query)
        assert again.status_code == status and words in again.text
        assert "this query is refused for another" in again.text
        assert int(again.headers["Retry-After"]) >= 1
    assert time.monotonic() - started < 10.0  # a hang guard; that it is not run again is the line below
    assert killed(server) == before  # refused at once: no process ran it (and died) again
    ok = post(server, "ASK { ?s ?p ?o }")
    assert ok.status_code == 200


def test_a_process_that_died_while_idle_is_replaced_before_a_query_meets_it(server) -> None:  # noqa: ANN001
    pids = sorted(server.children())
    assert len(pids) == 2
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    # The next queries are answered (by replacements), never a 500 or a 422: a process killed from outside is
    # not the query's doing.
    for i in range(6):
        r = http.get(server.sparql, params={"query": f"ASK {{ ?s ?p ?o }} # {i}"}, timeout=60)
        assert r.status_code == 200, r.text
    assert wait_until(lambda: len(server.children()) == 2 and not server.children() & set(pids), 30)
