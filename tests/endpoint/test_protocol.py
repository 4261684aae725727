"""SPARQL 1.1 Protocol query operation, over plain HTTP (requests)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET  # our own server's output, in a test

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from .conftest import (
    EX,
    FIRM0_LABEL,
    G_FILLER,
    G_FIRMS,
    G_TABLE,
    N_FIRMS,
    N_OBS,
    PREFIXES,
    TOTAL,
    TRIPLES,
    firm,
    http,
)

JSON = "application/sparql-results+json"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
FIRM0 = PREFIXES + f"SELECT ?label ?emp WHERE {{ <{firm(0)}> rdfs:label ?label ; ex:employees ?emp }}"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def count(resp: requests.Response) -> int:
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


# -- the three ways a query arrives -----------------------------------------------------------------

def test_get(sparql: str) -> None:
    r = http.get(sparql, params={"query": FIRM0}, headers={"Accept": JSON})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON
    assert r.json() == {
        "head": {"vars": ["label", "emp"]},
        "results": {"bindings": [{
            "label": {"type": "literal", "value": FIRM0_LABEL},
            "emp": {"type": "literal", "value": "0", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
        }]},
    }


def test_post_form(sparql: str) -> None:
    r = http.post(sparql, data={"query": FIRM0}, headers={"Accept": JSON})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["label"]["value"] == FIRM0_LABEL


def test_post_direct(sparql: str) -> None:
    r = http.post(sparql, data=FIRM0.encode("utf-8"),
                      headers={"Content-Type": "application/sparql-query", "Accept": JSON})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["label"]["value"] == FIRM0_LABEL


def test_post_direct_with_charset_parameter(sparql: str) -> None:
    r = http.post(sparql, data=FIRM0.encode("utf-8"),
                      headers={"Content-Type": "application/sparql-query; charset=UTF-8", "Accept": JSON})
    assert r.status_code == 200


def test_head_has_headers_and_no_body(sparql: str) -> None:
    r = http.head(sparql, params={"query": COUNT_ALL}, headers={"Accept": JSON})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON
    assert r.content == b""


# -- the dataset ------------------------------------------------------------------------------------

def test_default_graph_is_union_of_named_graphs(sparql: str) -> None:
    assert count(http.get(sparql, params={"query": COUNT_ALL})) == TOTAL


def test_named_graphs_visible_to_graph(sparql: str) -> None:
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    rows = http.get(sparql, params={"query": q}).json()["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == TRIPLES


def test_default_graph_uri(sparql: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL, "default-graph-uri": G_TABLE})
    assert count(r) == TRIPLES[G_TABLE]


def test_two_default_graph_uris_are_merged(sparql: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL, "default-graph-uri": [G_TABLE, G_FIRMS]})
    assert count(r) == TRIPLES[G_TABLE] + TRIPLES[G_FIRMS]


def test_named_graph_uri_limits_graph_and_empties_default(sparql: str) -> None:
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = http.get(sparql, params={"query": q, "named-graph-uri": G_TABLE})
    rows = r.json()["results"]["bindings"]
    assert [(x["g"]["value"], int(x["n"]["value"])) for x in rows] == [(G_TABLE, N_OBS * 2)]
    # Only named graphs given: the default graph is empty (SPARQL 1.1 Protocol 2.1.4).
    assert count(http.get(sparql, params={"query": COUNT_ALL, "named-graph-uri": G_TABLE})) == 0


def test_dataset_in_post_form(sparql: str) -> None:
    r = http.post(sparql, data={"query": COUNT_ALL, "default-graph-uri": G_FILLER})
    assert count(r) == TRIPLES[G_FILLER]


def test_dataset_in_url_with_direct_post(sparql: str) -> None:
    r = http.post(sparql, params={"default-graph-uri": G_FIRMS}, data=COUNT_ALL,
                      headers={"Content-Type": "application/sparql-query"})
    assert count(r) == TRIPLES[G_FIRMS]


def test_query_from_clause_is_honoured(sparql: str) -> None:
    q = f"SELECT (COUNT(*) AS ?n) FROM <{G_TABLE}> WHERE {{ ?s ?p ?o }}"
    assert count(http.get(sparql, params={"query": q})) == TRIPLES[G_TABLE]


def test_protocol_dataset_overrides_from(sparql: str) -> None:
    q = f"SELECT (COUNT(*) AS ?n) FROM <{G_TABLE}> WHERE {{ ?s ?p ?o }}"
    r = http.get(sparql, params={"query": q, "default-graph-uri": G_FIRMS})
    assert count(r) == TRIPLES[G_FIRMS]


def test_bad_graph_iri_is_400(sparql: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL, "default-graph-uri": "not an iri"})
    assert r.status_code == 400
    assert "default-graph-uri must be an absolute IRI" in r.text


# -- result formats ---------------------------------------------------------------------------------

OBS = PREFIXES + "SELECT ?o ?v WHERE { ?o ex:value ?v } ORDER BY ?v LIMIT 3"
OBS_ROWS = [(f"https://almerekg.example/id/obs/o{i}", str(i)) for i in range(3)]


def test_xml_results(sparql: str) -> None:
    r = http.get(sparql, params={"query": OBS}, headers={"Accept": "application/sparql-results+xml"})
    assert r.headers["Content-Type"] == "application/sparql-results+xml"
    root = ET.fromstring(r.content)  # noqa: S314
    rows = [
        (res.find(f"{SRX}binding[@name='o']/{SRX}uri").text,
         res.find(f"{SRX}binding[@name='v']/{SRX}literal").text)
        for res in root.iter(f"{SRX}result")
    ]
    assert rows == OBS_ROWS


def test_csv_results(sparql: str) -> None:
    r = http.get(sparql, params={"query": OBS}, headers={"Accept": "text/csv"})
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [["o", "v"], *[list(x) for x in OBS_ROWS]]


def test_tsv_results(sparql: str) -> None:
    r = http.get(sparql, params={"query": OBS}, headers={"Accept": "text/tab-separated-values"})
    assert r.headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    lines = r.text.splitlines()
    assert lines[0] == "?o\t?v"
    assert lines[1:] == [f"<{o}>\t{v}" for o, v in OBS_ROWS]


def test_ask_json_and_xml(sparql: str) -> None:
    q = PREFIXES + f"ASK {{ <{firm(1)}> a ex:Firm }}"
    assert http.get(sparql, params={"query": q}).json() == {"head": {}, "boolean": True}
    r = http.get(sparql, params={"query": q.replace("f1>", "nope>")},
                     headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(r.content).find(f"{SRX}boolean").text == "false"  # noqa: S314


CONSTRUCT = PREFIXES + "CONSTRUCT { ?f rdfs:label ?l } WHERE { ?f a ex:Firm ; rdfs:label ?l }"


def expected_labels() -> Graph:
    g = Graph()
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for i in range(N_FIRMS):
        g.add((URIRef(firm(i)), label, Literal(FIRM0_LABEL if i == 0 else f"Firm {i}")))
    return g


@pytest.mark.parametrize("media,rdflib_format", [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
])
def test_construct_formats(sparql: str, media: str, rdflib_format: str) -> None:
    r = http.get(sparql, params={"query": CONSTRUCT}, headers={"Accept": media})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == media
    if rdflib_format in ("nquads", "trig"):
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=r.content, format=rdflib_format)
        got = Graph()
        for s, p, o, _g in ds.quads((None, None, None, None)):
            got.add((s, p, o))
    else:
        got = Graph().parse(data=r.content, format=rdflib_format)
    assert isomorphic(got, expected_labels())


def test_turtle_uses_query_prefixes(sparql: str) -> None:
    q = ("PREFIX firm: <https://almerekg.example/id/firm/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
         "CONSTRUCT { firm:f1 rdfs:label ?l } WHERE { firm:f1 rdfs:label ?l }")
    r = http.get(sparql, params={"query": q}, headers={"Accept": "text/turtle"})
    assert "firm:f1" in r.text and "@prefix firm:" in r.text


def test_describe(sparql: str) -> None:
    r = http.get(sparql, params={"query": f"DESCRIBE <{firm(2)}>"}, headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.text, format="turtle")
    assert len(g) == 4
    assert (URIRef(firm(2)), URIRef(EX + "employees"), Literal(20)) in g


# -- content negotiation ----------------------------------------------------------------------------

@pytest.mark.parametrize("accept,expected", [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/csv;q=1.0, application/sparql-results+xml;q=0.9", "text/csv"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    # A browser prefers HTML: it gets the query editor with the answer as a table (tests/endpoint/test_editor.py).
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/html;q=0.5, application/sparql-results+json", "application/sparql-results+json"),
])
def test_accept_q_values(sparql: str, accept: str, expected: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == expected


def test_no_accept_header_gives_json(sparql: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL}, headers={"Accept": None})
    assert r.headers["Content-Type"] == JSON


@pytest.mark.parametrize("fmt,expected", [
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml"),
    ("json", JSON), ("text/csv", "text/csv"),
])
def test_format_parameter_wins_over_accept(sparql: str, fmt: str, expected: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL, "format": fmt}, headers={"Accept": JSON})
    assert r.headers["Content-Type"].split(";")[0] == expected


def test_format_parameter_for_graphs(sparql: str) -> None:
    r = http.get(sparql, params={"query": CONSTRUCT, "format": "jsonld"})
    assert r.headers["Content-Type"] == "application/ld+json"
    assert isomorphic(Graph().parse(data=r.content, format="json-ld"), expected_labels())


def test_406_lists_supported_types(sparql: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    for media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values"):
        assert media in r.text
    r = http.get(sparql, params={"query": CONSTRUCT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 406
    for media in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"):
        assert media in r.text


def test_accept_q_zero_excludes(sparql: str) -> None:
    r = http.get(sparql, params={"query": COUNT_ALL},
                     headers={"Accept": "application/sparql-results+json;q=0, text/csv;q=0"})
    assert r.status_code == 406


# -- errors the protocol names ----------------------------------------------------------------------

def test_malformed_query_400_with_position(sparql: str) -> None:
    r = http.get(sparql, params={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  BIND(1 AS)\n}"})
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = r.text.splitlines()
    # The engine's own position (line:column), then the line with a caret under that column.
    assert lines[0].startswith("malformed query: error at 3:13: expected")
    assert lines[1] == "    BIND(1 AS)"
    assert lines[2] == "  " + " " * 12 + "^"
    assert "Traceback" not in r.text


def test_two_query_parameters_400(sparql: str) -> None:
    r = http.get(sparql, params={"query": [COUNT_ALL, COUNT_ALL]})
    assert r.status_code == 400
    assert r.text == "the request carries 2 queries; send exactly one\n"
    r = http.post(sparql, data={"query": [COUNT_ALL, "ASK {}"]})
    assert r.status_code == 400


def test_query_in_url_and_direct_body_400(sparql: str) -> None:
    r = http.post(sparql, params={"query": COUNT_ALL}, data=COUNT_ALL,
                      headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    assert "2 queries" in r.text


def test_invalid_utf8_direct_body_400(sparql: str) -> None:
    body = b"SELECT * WHERE { ?s ?p \"caf" + b"\xe9\xff" + b'" }'
    r = http.post(sparql, data=body, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    assert r.text == "the request body is not valid UTF-8 (bad byte 0xe9 at byte offset 27)\n"


def test_invalid_utf8_form_body_400(sparql: str) -> None:
    r = http.post(sparql, data=b"query=ASK%20%7B%7D%E9",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    assert "not valid UTF-8" in r.text


def test_invalid_utf8_in_url_400(server) -> None:  # noqa: ANN001
    r = http.get(server.sparql + "?query=ASK%20%7B%7D%FF")
    assert r.status_code == 400
    assert "not valid UTF-8" in r.text


def test_empty_query_400(sparql: str) -> None:
    r = http.get(sparql, params={"query": "  "})
    assert r.status_code == 400
    assert r.text == "the query is empty\n"


def test_post_without_query_400(sparql: str) -> None:
    r = http.post(sparql, data={"default-graph-uri": G_TABLE})
    assert r.status_code == 400


@pytest.mark.parametrize("ctype", ["text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_unsupported_body_type_415(sparql: str, ctype: str) -> None:
    r = http.post(sparql, data=b"query=ASK{}", headers={"Content-Type": ctype})
    assert r.status_code == 415
    assert "application/sparql-query" in r.text and "application/x-www-form-urlencoded" in r.text


def test_non_utf8_charset_415(sparql: str) -> None:
    r = http.post(sparql, data=b"ASK {}",
                  headers={"Content-Type": "application/sparql-query; charset=latin-1"})
    assert r.status_code == 415


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_405(sparql: str, method: str) -> None:
    r = http.request(method, sparql, data=b"x")
    assert r.status_code == 405
    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_unknown_path_404_plain(server) -> None:  # noqa: ANN001
    r = http.get(server.url + "/nope")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_request_body_limit_413(sparql: str) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 20000
    r = http.post(sparql, data=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert "larger than this endpoint accepts (16384 bytes)" in r.text


def test_url_limit_414(sparql: str) -> None:
    r = http.get(sparql, params={"query": "ASK {} #" + "x" * 17000})
    assert r.status_code == 414
    assert "send long queries with POST" in r.text


def test_json_numbers_and_unicode_roundtrip(sparql: str) -> None:
    q = PREFIXES + f'SELECT ?f WHERE {{ ?f rdfs:label "{FIRM0_LABEL}" }}'
    r = http.post(sparql, data=q.encode("utf-8"), headers={"Content-Type": "application/sparql-query"})
    assert [b["f"]["value"] for b in json.loads(r.content)["results"]["bindings"]] == [firm(0)]
