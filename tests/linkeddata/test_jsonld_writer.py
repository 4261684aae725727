"""The compacted JSON-LD writer: awkward IRIs and literals expand back to exactly the same quads."""

from __future__ import annotations

import json

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset

from almerekg.dumps import jsonld_document, prefixes

BASE = "https://almerekg.example"
AK = BASE + "/def/"
G = ox.NamedNode(BASE + "/id/graph/g")

TRICKY = [
    ox.Quad(ox.NamedNode(BASE + "/id/x/a"), ox.NamedNode(AK + "p"), ox.Literal("1.50", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#decimal")), G),
    ox.Quad(ox.NamedNode(BASE + "/id/x/a"), ox.NamedNode("http://purl.org/linked-data/cube#"),  # empty local
            ox.NamedNode("http://purl.org/linked-data/cube#"), G),
    ox.Quad(ox.NamedNode(BASE + "/id/x/a"), ox.NamedNode("https://schema.org///odd"), ox.Literal("x"), G),
    ox.Quad(ox.NamedNode(BASE + "/id/x/a"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(AK + "Firm"), G),
    ox.Quad(ox.NamedNode(BASE + "/id/x/a"), ox.NamedNode(AK + "q"), ox.Literal("Café \"x\" <b>", language="nl"), G),
    ox.Quad(ox.BlankNode("b1"), ox.NamedNode(AK + "q"), ox.Literal("blank"), G),
    ox.Quad(ox.NamedNode(BASE + "/id/x/a"), ox.NamedNode(AK + "q"), ox.Literal("default graph"), ox.DefaultGraph()),
    ox.Quad(G, ox.NamedNode(AK + "q"), ox.Literal("a graph described in the default graph"), ox.DefaultGraph()),
]


def roundtrip(quads: list[ox.Quad]) -> set[ox.Quad]:
    text = json.dumps(jsonld_document(quads, BASE))
    return set(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))


def test_tricky_quads_round_trip_with_two_parsers() -> None:
    doc = jsonld_document(TRICKY, BASE)
    assert doc["@context"] == prefixes(BASE)
    assert {str(q) for q in roundtrip(TRICKY)} == {str(q) for q in TRICKY}
    ds = Dataset()
    ds.parse(data=json.dumps(doc), format="json-ld")
    assert len(list(ds.quads())) == len(TRICKY)


local = st.text(alphabet="abcXYZ019-_./:", min_size=0, max_size=8)
namespaces = st.sampled_from([*prefixes(BASE).values(), BASE + "/id/", "urn:x:"])
iris = st.builds(lambda ns, loc: ox.NamedNode(ns + loc), namespaces, local).filter(lambda n: n.value != "urn:x:")
literals = st.one_of(
    st.builds(ox.Literal, st.text(max_size=10)),
    st.builds(lambda v, lang: ox.Literal(v, language=lang), st.text(max_size=10), st.sampled_from(["nl", "en"])),
    st.builds(lambda v: ox.Literal(str(v), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
              st.integers()),
)
quads = st.builds(ox.Quad, iris, iris, st.one_of(iris, literals), st.sampled_from([G, ox.DefaultGraph()]))


@settings(max_examples=150, deadline=None)
@given(st.lists(quads, max_size=12))
def test_any_quads_round_trip(sample: list[ox.Quad]) -> None:
    assert roundtrip(sample) == set(sample)
