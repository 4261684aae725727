"""Typed rows (engine/rows.py): the one reader of SPARQL JSON results, on answers a real Oxigraph store writes."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from almerekg.engine.rows import Rows, Term, decode

XSD = "http://www.w3.org/2001/XMLSchema#"


def answer(query: str) -> bytes:
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    for o in (ox.Literal("Almere", language="nl"), ox.Literal("1174", datatype=ox.NamedNode(XSD + "integer")),
              ox.Literal("3.50", datatype=ox.NamedNode(XSD + "decimal")), ox.NamedNode("http://example.org/o"),
              ox.BlankNode("b1"), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))):
        store.add(ox.Quad(s, p, o))
    return store.query(query).serialize(format=ox.QueryResultsFormat.JSON)


def test_a_select_becomes_rows_of_terms_with_datatype_and_language() -> None:
    rows = decode(answer("SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/q> ?none } }"))
    assert rows.variables == ["s", "o", "none"] and rows.boolean is None
    assert sorted((r["o"] for r in rows.rows), key=repr) == sorted([
        Term("literal", "1174", datatype=XSD + "integer"),
        Term("literal", "3.5", datatype=XSD + "decimal"),  # Oxigraph writes the canonical form
        Term("literal", "Almere", lang="nl"),
        Term("bnode", "b1"),
        Term("uri", "http://example.org/o"),
        Term("literal", "true", datatype=XSD + "boolean"),
    ], key=repr)
    assert all("none" not in r for r in rows.rows)  # an unbound variable is left out of the row
    assert sorted(rows.iris()) == ["http://example.org/o", "http://example.org/s"]


def test_terms_read_as_numbers_and_booleans_for_json() -> None:
    rows = decode(answer("SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) } ORDER BY STR(?o)")).rows
    assert [r["o"].python() for r in rows] == [1174, 3.5, "Almere", True]
    assert [r["o"].number() for r in rows] == [1174, Decimal("3.5"), None, None]


def test_an_ask_is_a_boolean() -> None:
    assert decode(answer("ASK { ?s ?p ?o }")) == Rows([], [], True)
    assert decode(answer("ASK { ?s <http://example.org/none> ?o }")) == Rows([], [], False)


def test_the_older_typed_literal_form_is_a_literal() -> None:
    """SPARQL 1.0 JSON (still written by some servers) says typed-literal; it is the same literal."""
    body = (b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"typed-literal",'
            b'"datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"7"}}]}}')
    assert decode(body).rows == [{"n": Term("literal", "7", datatype=XSD + "integer")}]
