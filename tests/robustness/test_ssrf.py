"""SERVICE (server-side request forgery): refused before evaluation unless the host is allow-listed.

No test here ever lets the server contact a non-loopback address: every refused target is refused by
the guard before the query reaches the engine, which the timing and the fake endpoint's call log prove.
"""

from __future__ import annotations

import time

import pytest
from endpoint.conftest import http

from .conftest import assert_clean, assert_healthy

TARGETS = [
    "http://127.0.0.1/sparql", "http://127.0.0.1:1/sparql", "http://localhost/sparql", "http://[::1]/sparql",
    "http://0.0.0.0/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://017700000001/",
    "http://10.0.0.1/sparql", "http://192.168.1.1/", "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/", "http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/computeMetadata/v1/",
    "https://query.wikidata.org/sparql", "http://dbpedia.org/sparql", "http://8.8.8.8/",
    "file:///etc/passwd", "file://localhost/etc/shadow", "ftp://127.0.0.1/", "gopher://127.0.0.1:6379/_INFO",
    "dict://127.0.0.1:11211/", "ldap://127.0.0.1/", "jar:http://127.0.0.1!/", "urn:x:y", "data:text/plain,hi",
    "http://user:pass@127.0.0.1/", "http://evil.example@127.0.0.1/", "http://127.0.0.1#@evil.example/",
    "HTTP://10.0.0.1/", "http://10.0.0.1:80/", "https://192.168.1.1:443/",
]

SHAPES = [
    "SELECT * WHERE {{ SERVICE <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
    "ASK {{ ?a ?b ?c OPTIONAL {{ SERVICE <{t}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{t}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{t}> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{t}> {{ SERVICE <{t}> {{ ?s ?p ?o }} }} }}",
    "PREFIX x: <{t}> SELECT * WHERE {{ SERVICE x: {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o }} LIMIT 1 # harmless\nSELECT * {{ SERVICE <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ sErViCe <{t}> {{ ?s ?p ?o }} }}",
]

VARIABLE_AND_TRICKS = [
    "SELECT * WHERE { BIND(<http://10.0.0.1/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <http://169.254.169.254/> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?e SERVICE ?e { ?x ?y ?z } } LIMIT 1",
    "SELECT * WHERE { SERVICE <{ok}/sparql> { SERVICE <http://10.0.0.1/> { ?s ?p ?o } } }",
    "SELECT * WHERE { SERVICE <http://10.0.0.1/> { SERVICE <{ok}/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://10.0.0.1/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://10.0.0.\\u0031/> { ?s ?p ?o } }",
    "BASE <http://10.0.0.1/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://localhost:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}.evil.example/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <https://{ok}/sparql> { ?s ?p ?o } }",
]


def _check_refused(sparql: str, query: str) -> float:
    started = time.monotonic()
    r = http.post(sparql, data={"query": query})
    elapsed = time.monotonic() - started
    assert_clean(r)
    assert r.status_code in (400, 403), (query, r.status_code, r.text[:300])
    # Refused by the check (403, naming the SERVICE), or not valid SPARQL at all for the engine (400), never
    # by a failed call (that would be a 502 after a connect attempt).
    if r.status_code == 403:
        assert r.text.startswith("SERVICE ") and "is not allowed" in r.text, r.text
    else:
        assert r.text.startswith("malformed query: "), r.text
    # Well under any connect timeout to a black-holed address; a loaded 2-core machine needs some slack.
    assert elapsed < 5, (query, elapsed)
    return elapsed


def test_service_to_any_other_address_is_refused(robust_server, fake_sparql) -> None:  # noqa: ANN001
    ok, calls = fake_sparql
    before = len(calls)
    n = 0
    times = []
    for target in TARGETS:
        for shape in SHAPES:
            times.append(_check_refused(robust_server.sparql, shape.format(t=target)))
            n += 1
    port = ok.split(":")[1]
    for q in VARIABLE_AND_TRICKS:
        _check_refused(robust_server.sparql, q.replace("{ok}", "http://" + ok).replace("{port}", port))
        n += 1
    # Saved queries and the GET form are guarded the same way.
    for target in TARGETS[:5]:
        r = http.get(robust_server.sparql, params={"query": SHAPES[0].format(t=target)})
        assert r.status_code in (400, 403)
        n += 1
    assert len(calls) == before, f"the loopback endpoint was contacted by a refused query: {calls[before:]}"
    times.sort()
    print(f"\nssrf: {n} SERVICE queries refused; median {times[len(times) // 2] * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms")
    assert_healthy(robust_server)


@pytest.mark.parametrize("shape", [
    "SELECT ?x WHERE {{ SERVICE <http://{ok}/sparql> {{ ?x ?p ?o }} }}",
    "SELECT ?x WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <http://{ok}/sparql> {{ ?x ?p ?o }} }} }} LIMIT 1",
])
def test_allow_listed_loopback_service_works(robust_server, fake_sparql, shape: str) -> None:  # noqa: ANN001
    ok, calls = fake_sparql
    before = len(calls)
    r = http.get(robust_server.sparql, params={"query": shape.format(ok=ok)},
                 headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text[:300]
    assert "from-loopback" in r.text
    assert len(calls) > before
