"""Real clients: SPARQLWrapper, rdflib's SPARQLStore and curl against the running server."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from .conftest import EX, FIRM0_LABEL, N_FIRMS, PREFIXES, TOTAL, firm

SELECT = PREFIXES + "SELECT ?f ?emp WHERE { ?f a ex:Firm ; ex:employees ?emp } ORDER BY ?emp LIMIT 3"
EXPECTED = [(firm(i), i * 10) for i in range(3)]
CONSTRUCT = PREFIXES + "CONSTRUCT { ?f rdfs:label ?l } WHERE { ?f a ex:Firm ; rdfs:label ?l }"


def wrapper(url: str, query: str, fmt: str, method: str = "GET",
            request_method: str = URLENCODED) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


@pytest.mark.parametrize("method,request_method",
                         [("GET", URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_sparqlwrapper_json(sparql: str, method: str, request_method: str) -> None:
    res = wrapper(sparql, SELECT, JSON, method, request_method).query().convert()
    assert [(b["f"]["value"], int(b["emp"]["value"])) for b in res["results"]["bindings"]] == EXPECTED


def test_sparqlwrapper_xml(sparql: str) -> None:
    doc = wrapper(sparql, SELECT, XML).query().convert()
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    assert uris == [f for f, _ in EXPECTED]


def test_sparqlwrapper_csv_tsv(sparql: str) -> None:
    rows = list(csv.reader(io.StringIO(wrapper(sparql, SELECT, CSV).query().convert().decode("utf-8"))))
    assert rows == [["f", "emp"], *[[f, str(e)] for f, e in EXPECTED]]
    tsv = wrapper(sparql, SELECT, TSV).query().convert().decode("utf-8").splitlines()
    assert tsv[1] == f"<{firm(0)}>\t0"


def test_sparqlwrapper_ask(sparql: str) -> None:
    ask = PREFIXES + f"ASK {{ <{firm(0)}> rdfs:label \"{FIRM0_LABEL}\" }}"
    res = wrapper(sparql, ask, JSON).query().convert()
    assert res["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, N3, XML])
def test_sparqlwrapper_construct(sparql: str, fmt: str) -> None:
    g = wrapper(sparql, CONSTRUCT, fmt).query().convert()
    if not isinstance(g, Graph):  # SPARQLWrapper hands back bytes for some formats
        g = Graph().parse(data=g, format={TURTLE: "turtle", N3: "n3"}[fmt])
    assert len(g) == N_FIRMS
    assert (URIRef(firm(0)), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(FIRM0_LABEL)) in g


def test_rdflib_sparqlstore(sparql: str) -> None:
    g = Graph(SPARQLStore(sparql, returnFormat="xml"))
    rows = list(g.query(SELECT))
    assert [(str(r.f), r.emp.toPython()) for r in rows] == EXPECTED
    employees = URIRef(EX + "employees")
    assert g.value(URIRef(firm(7)), employees) == Literal(70)
    assert len(list(g.triples((None, employees, None)))) == N_FIRMS
    assert g.query(PREFIXES + "ASK { ?f ex:employees 290 }").askAnswer is True


def test_rdflib_sparqlstore_post_json(sparql: str) -> None:
    g = Graph(SPARQLStore(sparql, method="POST", returnFormat="json"))
    rows = list(g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert rows[0][0].toPython() == TOTAL


def test_curl_get_and_post(sparql: str) -> None:
    get = subprocess.run(["curl", "-s", "-f", "-G", sparql, "--data-urlencode", f"query={SELECT}",
                          "-H", "Accept: application/sparql-results+json"],
                         capture_output=True, timeout=20, check=True).stdout
    post = subprocess.run(["curl", "-s", "-f", sparql, "-H", "Content-Type: application/sparql-query",
                           "-H", "Accept: application/sparql-results+json", "--data-binary", SELECT],
                          capture_output=True, timeout=20, check=True).stdout
    assert json.loads(get) == json.loads(post)
    assert [int(b["emp"]["value"]) for b in json.loads(get)["results"]["bindings"]] == [0, 10, 20]


def test_curl_update_is_403(sparql: str) -> None:
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", sparql, "--data-urlencode",
                          "update=DROP ALL"], capture_output=True, text=True, timeout=20)
    assert out.stdout == "403"
