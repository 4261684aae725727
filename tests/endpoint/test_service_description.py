"""The SPARQL 1.1 Service Description on GET /sparql without a query."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from .conftest import TOTAL, TRIPLES, http

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")


def description(sparql: str, accept: str = "text/turtle", fmt: str = "turtle") -> Graph:
    r = http.get(sparql, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == accept
    return Graph().parse(data=r.content, format=fmt)


def test_turtle_description(sparql: str) -> None:
    g = description(sparql)
    svc = URIRef(sparql)
    assert (svc, RDF.type, SD.Service) in g
    assert (svc, SD.endpoint, svc) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (svc, SD.feature, SD.UnionDefaultGraph) in g
    # federation is allowed to one host in this test server
    assert (svc, SD.feature, SD.BasicFederatedQuery) in g
    formats = set(g.objects(svc, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
            FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["JSON-LD"], FORMATS.RDF_XML} <= formats
    dataset = g.value(svc, SD.defaultDataset)
    default = g.value(dataset, SD.defaultGraph)
    assert g.value(default, VOID.triples) == Literal(TOTAL)
    named = {
        str(g.value(n, SD.name)): g.value(g.value(n, SD.graph), VOID.triples).toPython()
        for n in g.objects(dataset, SD.namedGraph)
    }
    assert named == TRIPLES
    comments = " ".join(str(c) for c in g.objects(svc, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    assert "union of all named graphs" in comments
    assert "Query timeout: 2 s" in comments


def test_default_without_accept_is_turtle(sparql: str) -> None:
    r = http.get(sparql, headers={"Accept": None})
    assert r.headers["Content-Type"] == "text/turtle; charset=utf-8"


@pytest.mark.parametrize("accept,fmt", [
    ("application/n-triples", "nt"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
])
def test_other_rdf_formats_are_the_same_graph(sparql: str, accept: str, fmt: str) -> None:
    from rdflib.compare import isomorphic

    assert isomorphic(description(sparql, accept, fmt), description(sparql))


def test_browser_gets_html(sparql: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = http.get(sparql, headers={"Accept": browser})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<form" in r.text and 'name="query"' in r.text
    assert "https://almerekg.example/id/graph/filler" in r.text


def test_html_escapes_what_the_client_sent(server) -> None:  # noqa: ANN001
    # A hostile Host header reaches nothing on the page: the endpoint address is the configured public URL.
    r = http.get(server.sparql, headers={"Accept": "text/html", "Host": 'x"><script>alert(1)</script>'})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text and "alert(1)" not in r.text
    assert f"http://127.0.0.1:{server.port}/sparql" in r.text


def test_format_parameter_for_description(sparql: str) -> None:
    r = http.get(sparql, params={"format": "jsonld"})
    assert r.headers["Content-Type"] == "application/ld+json"


def test_description_406(sparql: str) -> None:
    r = http.get(sparql, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/turtle" in r.text
