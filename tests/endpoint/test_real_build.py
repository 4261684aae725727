"""The endpoint on a real build of data/: every named graph served, saved table queries answered
exactly as the embedded store answers them in-process."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace
from serverproc import start_server

from almerekg.saved_queries.catalogue import ParamError, load_query
from almerekg.store import EmbeddedStore

from .conftest import http

ROOT = Path(__file__).resolve().parents[2]
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SLOW = 5  # seconds: a saved table query slower than this is a query-plan problem, not a test to wait for


def saved_queries() -> list[Path]:
    return sorted((ROOT / "queries").glob("*.rq"))


def full_text(rq: Path, base: str) -> str:
    """The saved query as the catalogue sends it: prologue (BASE, prefixes), default parameters."""
    saved = load_query(rq)
    try:
        binding = saved.bind({})
    except ParamError:
        pytest.skip(f"{rq.name} needs parameter values")
    return saved.sparql(base, binding)


@pytest.fixture(scope="module")
def real_server(built_store, tmp_path_factory):  # noqa: ANN001, ANN201
    srv = start_server(built_store, tmp_path_factory.mktemp("real-log"), "--query-workers", "2",
                       "--query-timeout", str(SLOW))
    yield srv
    srv.stop()


def test_every_named_graph_is_served(real_server) -> None:  # noqa: ANN001
    info = EmbeddedStore(real_server.store).info()
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = http.get(real_server.sparql, params={"query": q}).json()["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == info.graphs
    r = http.get(real_server.sparql,
                 params={"query": "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"})
    # The union default graph: a triple stated in two graphs counts once; the build records that count, and the
    # service description gives it as the default graph's size (not the quad count).
    union = int(r.json()["results"]["bindings"][0]["n"]["value"])
    assert union == info.union_triples < info.triples
    described = Graph().parse(data=http.get(real_server.sparql, headers={"Accept": "text/turtle"}).text,
                              format="turtle")
    (dataset,) = described.subjects(RDF.type, SD.Dataset)
    default = described.value(dataset, SD.defaultGraph)
    assert described.value(default, VOID.triples).toPython() == union


def test_the_pages_index_is_loaded_at_start_before_any_page_is_asked(built_store, tmp_path) -> None:  # noqa: ANN001
    srv = start_server(built_store, tmp_path, "--query-workers", "2")
    try:
        deadline = time.monotonic() + 120
        while "page index of build" not in srv.log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        log = srv.log_path.read_text()
        info = EmbeddedStore(built_store).info()
        assert f"page index of build {info.build_id} ready in " in log, log[-2000:]
        # Nothing but the start-up probe asked the server anything: the load did not wait for a reader.
        assert "GET /doc/" not in log and "GET /queries" not in log and "GET / " not in log
        r = http.get(srv.url + "/queries/tabel-1.xlsx", timeout=60)
        assert r.status_code == 200
    finally:
        srv.stop()


@pytest.mark.parametrize("rq", saved_queries(), ids=lambda p: p.stem)
def test_saved_query_same_as_in_process(real_server, rq: Path) -> None:  # noqa: ANN001
    query = full_text(rq, EmbeddedStore(real_server.store).info().base)
    r = http.post(real_server.sparql, data=query.encode("utf-8"),
                  headers={"Content-Type": "application/sparql-query",
                           "Accept": "application/sparql-results+json"})
    if r.status_code == 503 and "ran longer" in r.text:
        pytest.skip(f"{rq.name} takes more than {SLOW} s in the engine (join order: put required triple "
                    "patterns before OPTIONAL/BIND)")
    assert r.status_code == 200, r.text
    store, _ = EmbeddedStore(real_server.store).open(in_memory=True)
    expected = json.loads(store.query(query, use_default_graph_as_union=True)
                          .serialize(format=ox.QueryResultsFormat.JSON))
    assert r.json() == expected
    assert r.json()["results"]["bindings"], f"{rq.name} returned no rows"
