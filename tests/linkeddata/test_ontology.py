"""/def documents every class and property of the ontology; the ontology file by conneg."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .conftest import AK, BASE, get, read_html


@pytest.fixture(scope="module")
def ontology_file(project_root: Path) -> Graph:
    return Graph().parse(project_root / "ontology" / "almerekg.ttl", format="turtle")


@pytest.fixture(scope="module")
def def_page(site: str) -> str:
    r = get(site + "/def", headers={"Accept": "text/html"})
    assert r.status_code == 200
    return r.text


def terms(g: Graph) -> list[URIRef]:
    return sorted(s for s in set(g.subjects(RDF.type, None)) if isinstance(s, URIRef) and str(s).startswith(AK))


def test_every_term_documented_in_both_languages(def_page: str, ontology_file: Graph) -> None:
    found = terms(ontology_file)
    assert len(found) > 50
    text = unescape(def_page)
    for term in found:
        name = str(term)[len(AK):]
        assert f'id="{name}"' in def_page, name
        for lang in ("nl", "en"):
            for label in ontology_file.objects(term, RDFS.label):
                if label.language == lang:
                    assert str(label) in text, (name, lang)
            for comment in ontology_file.objects(term, RDFS.comment):
                if comment.language == lang:
                    assert str(comment) in text, (name, lang)


def test_domains_ranges_and_reused_terms(def_page: str) -> None:
    rows = read_html(def_page).rows
    # property | nl | en | domain | range | triples
    relation_kind = next(r for r in rows if r[0] == "ak:relationKind")
    assert relation_kind[1:5] == ["soort relatie", "kind of relationship", "relatie", "skos:Concept"]
    firm = next(r for r in rows if r[0] == "ak:Firm")
    assert firm[1:4] == ["bedrijf", "firm", "org:FormalOrganization, schema:Organization"]
    # The reused W3C terms, with how often the data use them.
    assert "W3C Organization Ontology" in def_page
    assert any(r[0] == "org:hasSite" and r[1] == "49" for r in rows)


def test_overview_diagram(def_page: str) -> None:
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in def_page
    svg = def_page[def_page.index("<svg"):def_page.index("</svg>")]
    for cls in ("bedrijf", "vestiging in Almere", "netwerk", "relatie"):
        assert f">{cls}</text>" in svg
    assert 'href="/def/Firm?lang=nl"' in svg
    assert "<script" not in svg


def test_ontology_turtle_by_conneg(site: str, store_quads: list[ox.Quad], ontology_file: Graph) -> None:
    r = get(site + "/def", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.content, format="turtle")
    graph = ox.NamedNode(BASE + "/id/graph/ontology")
    assert len(g) == len({q.triple for q in store_quads if q.graph_name == graph})
    assert (URIRef(AK + "Firm"), RDF.type, OWL.Class) in g
    for triple in ontology_file:
        assert triple in g


def test_term_page_and_term_rdf(site: str) -> None:
    r = get(site + "/def/Firm?lang=en")
    assert r.status_code == 200
    assert "<h1>firm</h1>" in r.text
    assert "bedrijf" in r.text and "org:FormalOrganization" in r.text
    ttl = get(site + "/def/Firm", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=ttl.content, format="turtle")
    assert (URIRef(AK + "Firm"), RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#FormalOrganization")) in g
    assert set(g.subjects()) == {URIRef(AK + "Firm")}
    assert get(site + "/def/Firm.jsonld").json()["@graph"][0]["@id"] == AK + "Firm"
