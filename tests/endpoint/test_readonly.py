"""Read-only: SPARQL Update is refused with 403 however it arrives, and the store does not change."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .conftest import G_TABLE, TOTAL, http

INSERT = f"INSERT DATA {{ GRAPH <{G_TABLE}> {{ <http://evil.example/s> <http://evil.example/p> 1 }} }}"
UPDATES = [
    INSERT,
    "PREFIX ex: <http://evil.example/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
    f"CLEAR GRAPH <{G_TABLE}>",
    "DROP ALL",
    "LOAD <http://evil.example/data.ttl>",
    f"WITH <{G_TABLE}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
]
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted\n"


def store_fingerprint(store: Path) -> tuple[str, str, int]:
    """Where `current` points, a hash of every quad in that build, and the quad count (read from disk)."""
    current = (store / "current").resolve()
    disk = ox.Store.read_only(str(current / "oxigraph"))
    lines = sorted(str(q) for q in disk.quads_for_pattern(None, None, None, None))
    del disk
    return str(current), hashlib.sha256("\n".join(lines).encode()).hexdigest(), len(lines)


@pytest.fixture(scope="module")
def before(server) -> tuple[str, str, int]:  # noqa: ANN001
    return store_fingerprint(server.store)


@pytest.mark.parametrize("update", UPDATES)
def test_update_parameter_get(sparql: str, update: str, before) -> None:  # noqa: ANN001
    r = http.get(sparql, params={"update": update})
    assert (r.status_code, r.text) == (403, READ_ONLY)


@pytest.mark.parametrize("update", UPDATES)
def test_update_parameter_post_form(sparql: str, update: str, before) -> None:  # noqa: ANN001
    r = http.post(sparql, data={"update": update})
    assert (r.status_code, r.text) == (403, READ_ONLY)


@pytest.mark.parametrize("update", UPDATES)
def test_sparql_update_body(sparql: str, update: str, before) -> None:  # noqa: ANN001
    r = http.post(sparql, data=update, headers={"Content-Type": "application/sparql-update"})
    assert (r.status_code, r.text) == (403, READ_ONLY)


@pytest.mark.parametrize("update", UPDATES)
def test_update_sent_as_query(sparql: str, update: str, before) -> None:  # noqa: ANN001
    for r in (
        http.get(sparql, params={"query": update}),
        http.post(sparql, data={"query": update}),
        http.post(sparql, data=update, headers={"Content-Type": "application/sparql-query"}),
    ):
        assert (r.status_code, r.text) == (403, READ_ONLY)


def test_update_hidden_behind_unicode_escape_is_refused(sparql: str, before) -> None:  # noqa: ANN001
    r = http.get(sparql, params={"query": "\\u0049NSERT DATA { <http://a> <http://b> <http://c> }"})
    assert r.status_code in (400, 403)


def test_sparqlwrapper_update_is_refused(sparql: str, before) -> None:  # noqa: ANN001
    client = SPARQLWrapper(sparql, updateEndpoint=sparql)
    client.setMethod(POST)
    client.setQuery(INSERT)
    with pytest.raises((SPARQLWrapperException, Exception)) as info:
        client.query()
    assert "403" in str(info.value)


def test_store_unchanged(server, sparql: str, before) -> None:  # noqa: ANN001
    """Runs after the attempts above (same module): the build on disk and the served data are unchanged."""
    assert store_fingerprint(server.store) == before
    r = http.get(sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                     headers={"Cache-Control": "no-cache"})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == TOTAL == before[2]
    r = http.get(sparql, params={"query": "ASK { <http://evil.example/s> ?p ?o }"})
    assert r.json()["boolean"] is False
