"""SERVICE: refused unless the host is allow-listed; and a stock Oxigraph server federates into us."""

from __future__ import annotations

import pytest

from .conftest import FIRM0_LABEL, N_FIRMS, PREFIXES, firm, http

# The refusal names the target as the query writes it, and where SERVICE stands (computed in the test).
REFUSED = [
    ("SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }",
     "<http://169.254.169.254/latest/meta-data/>"),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { SELECT ?x WHERE { SERVICE SILENT <http://evil.example/sparql> "
     "{ ?x ?y ?z } } } } LIMIT 1", "<http://evil.example/sparql>"),
    ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://evil.example/q> { ?s ?p ?o } } }",
     "<http://evil.example/q>"),
    ("PREFIX e: <http://evil.example/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }", "e:sparql"),
    ("BASE <http://evil.example/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "<sparql>"),
    ("SELECT * WHERE { BIND(<http://evil.example/> AS ?e) SERVICE ?e { ?s ?p ?o } }", "?e"),
    ("ASK { sErViCe <http://evil.example/> { ?s ?p ?o } }", "<http://evil.example/>"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", "<file:///etc/passwd>"),
]


@pytest.mark.parametrize("query,target", REFUSED)
def test_service_refused(sparql: str, query: str, target: str) -> None:
    r = http.get(sparql, params={"query": query})
    assert r.status_code == 403
    column = query.lower().index("service") + 1
    assert r.text.startswith(f"SERVICE {target} (line 1, column {column}) is not allowed: this endpoint "
                             "federates only to ")


def test_allowed_port_only(sparql: str, oxigraph_server: str) -> None:
    host, port = oxigraph_server.removeprefix("http://").split(":")
    r = http.get(sparql, params={"query": f"ASK {{ SERVICE <http://{host}:{int(port) + 1}/query> {{ }} }}"})
    assert r.status_code == 403


def test_the_word_service_in_strings_and_comments_is_fine(sparql: str) -> None:
    q = 'SELECT ("SERVICE <http://evil.example/>" AS ?s) WHERE { }  # SERVICE <http://evil.example/>'
    r = http.get(sparql, params={"query": q})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["s"]["value"] == "SERVICE <http://evil.example/>"


def test_service_to_allowlisted_host(sparql: str, oxigraph_server: str) -> None:
    q = (f"SELECT ?s ?o WHERE {{ SERVICE <{oxigraph_server}/query> {{ ?s <http://remote.example/p> ?o }} }} "
         "ORDER BY ?s")
    r = http.get(sparql, params={"query": q})
    assert r.status_code == 200, r.text
    rows = [(b["s"]["value"], b["o"]["value"]) for b in r.json()["results"]["bindings"]]
    assert rows == [(f"http://remote.example/r{i}", f"remote {i}") for i in range(3)]


def test_oxigraph_federates_into_our_endpoint(server, oxigraph_server: str) -> None:  # noqa: ANN001
    q = PREFIXES + (
        f"SELECT ?f ?label ?emp WHERE {{ SERVICE <{server.sparql}> {{ ?f a ex:Firm ; rdfs:label ?label ; "
        "ex:employees ?emp } } ORDER BY ?emp"
    )
    r = http.post(oxigraph_server + "/query", data=q.encode("utf-8"),
                      headers={"Content-Type": "application/sparql-query",
                               "Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200, r.text
    rows = [(b["f"]["value"], b["label"]["value"], int(b["emp"]["value"]))
            for b in r.json()["results"]["bindings"]]
    assert len(rows) == N_FIRMS
    assert rows[0] == (firm(0), FIRM0_LABEL, 0)
    assert rows[-1] == (firm(N_FIRMS - 1), f"Firm {N_FIRMS - 1}", (N_FIRMS - 1) * 10)
    # The call really reached us: our access log has a request from Oxigraph.
    def reached(lines: list[str]) -> bool:
        return any('"path": "/sparql"' in line and "Oxigraph" in line for line in lines)

    assert reached(server.log_lines_once(reached))
