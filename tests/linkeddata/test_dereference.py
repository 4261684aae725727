"""Every IRI resolves: /id -> 303 -> /doc, HTML with provenance per statement, RDF by conneg/extension."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS

from .conftest import AK, BASE, get, head, read_html

USG = URIRef(BASE + "/id/firm/usg-people")
AKNS = Namespace(AK)


def test_id_redirects_303_to_doc(site: str) -> None:
    r = get(site + "/id/firm/usg-people")
    assert r.status_code == 303
    assert r.headers["Location"] == "/doc/firm/usg-people"


def test_id_with_extension_redirects_to_that_format(site: str) -> None:
    r = get(site + "/id/firm/usg-people.ttl")
    assert r.status_code == 303
    assert r.headers["Location"] == "/doc/firm/usg-people.ttl"


def test_any_host_serves_the_base(site: str) -> None:
    # The graph's IRIs are https://almerekg.example/id/...; a request naming that host (as a proxy in
    # front of this server would) or any other resolves by path alike.
    for host in ("almerekg.example", "mirror.example.org:8443"):
        r = get(site + "/id/firm/usg-people", headers={"Host": host})
        assert (r.status_code, r.headers["Location"]) == (303, "/doc/firm/usg-people")


@pytest.mark.parametrize("path", [
    "/id/firm/no-such-firm", "/doc/firm/no-such-firm", "/doc/firm/no-such-firm.ttl", "/id/Firm/USG-People",
    "/id/firm", "/doc/firm/usg-people/extra", "/id/firm/usg%20people", "/doc/..%2F..%2Fetc%2Fpasswd",
    "/def/NoSuchTerm", "/def/Firm/sub",
])
def test_unknown_iris_are_404(site: str, path: str) -> None:
    r = get(site + path, headers={"Accept": "text/turtle"})
    assert r.status_code == 404, (path, r.status_code)


def test_doc_page_shows_label_and_source_per_statement(site: str) -> None:
    r = get(site + "/doc/firm/usg-people", headers={"Accept": "text/html", "Accept-Language": "nl"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["Content-Language"] == "nl"
    assert "<h1>USG People</h1>" in r.text
    rows = read_html(r.text).rows
    # property | value | source in the report | graph (the property cell spans its statements)
    assert ["rdfs:label", "USG People @nl", "Tabel 3, blz. 13", "tabel-3"] in rows
    # A year reads as a year (the datatype is for programs, not for this page).
    assert ["schema:foundingDate", "1972", "Bijlage 3, blz. 41", "bijlage-3"] in rows
    assert ["org:hasSite", "USG People, vestiging in Almere", "Tabel 3, blz. 13", "tabel-3"] in rows
    # Incoming: the statements of Bijlage 3 about the firm, labelled by what they state.
    assert ["gaat over ak:about", "oprichtingsjaar: 1972", "Bijlage 3, blz. 41", "bijlage-3"] in rows
    # The provenance box names the part with its caption and the data row.
    assert "Tabel 3: Staalkaart van bedrijvigheid in Almere, blz. 13" in r.text
    assert "firms.csv:2" in r.text


def test_doc_page_in_english(site: str) -> None:
    r = get(site + "/doc/firm/usg-people?lang=en")
    assert r.headers["Content-Language"] == "en"
    rows = read_html(r.text).rows
    assert ["rdfs:label", "USG People @nl", "Tabel 3, p. 13", "tabel-3"] in rows
    assert "Where this comes from" in r.text


def test_doc_links_stay_on_this_server(site: str) -> None:
    page = read_html(get(site + "/doc/firm/usg-people", headers={"Accept-Language": "nl"}).text)
    # Each link names the page's language, so that a reader following it keeps it.
    assert "/doc/establishment/usg-people?lang=nl" in page.links
    # A citation leads to the passage in the report's text (the part's own page is linked from there).
    assert "/report?part=tabel-3&lang=nl#tabel-3" in page.links
    assert "/def/about?lang=nl" in page.links
    assert not [link for link in page.links if link.startswith(BASE)]


def expected_description(quads: list[ox.Quad], iri: str) -> set[tuple[str, str, str]]:
    """What the RDF of a description must hold: every triple with the thing as subject or object."""
    node = ox.NamedNode(iri)
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads
            if q.subject == node or q.object == node}


def as_ox_triples(g: Graph) -> set[tuple[str, str, str]]:
    """The thing's triples of an answer, without the four the document says of itself (test_link_headers.py)."""
    document = URIRef(BASE + "/doc/firm/usg-people")
    assert len(list(g.predicate_objects(document))) == 4
    return {(t.n3(), p.n3(), o.n3()) for t, p, o in g if t != document}


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("text/html;q=0.5, text/turtle", "turtle"),
    ("application/json", "json-ld"),
    # Media-type parameters are read, not refused (issue 12: these were 406), and text/plain is N-Triples.
    ("text/turtle; charset=utf-8", "turtle"),
    ("application/n-triples; charset=utf-8", "nt"),
    ("text/plain", "nt"),
    ("text/plain; charset=utf-8", "nt"),
])
def test_conneg_gives_rdf_with_exactly_the_description(site: str, store_quads: list[ox.Quad], accept: str,
                                                       fmt: str) -> None:
    r = get(site + "/doc/firm/usg-people", headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert "Accept" in r.headers["Vary"]
    g = Graph().parse(data=r.content, format=fmt)
    assert (USG, RDFS.label, Literal("USG People", lang="nl")) in g
    assert (USG, RDF.type, AKNS.Firm) in g
    assert (USG, PROV.wasDerivedFrom, URIRef(BASE + "/id/report-part/tabel-3")) in g
    assert (USG, ORG.hasSite, URIRef(BASE + "/id/establishment/usg-people")) in g
    assert (URIRef(BASE + "/id/statement/usg-people/1"), AKNS.about, USG) in g
    assert as_ox_triples(g) == expected_description(store_quads, str(USG))


@pytest.mark.parametrize("ext,media,fmt", [
    (".ttl", "text/turtle", "turtle"), (".jsonld", "application/ld+json", "json-ld"),
    (".nt", "application/n-triples", "nt"), (".rdf", "application/rdf+xml", "xml"),
])
def test_extensions(site: str, store_quads: list[ox.Quad], ext: str, media: str, fmt: str) -> None:
    r = get(site + "/doc/firm/usg-people" + ext, headers={"Accept": "text/html"})  # the extension wins
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == media
    g = Graph().parse(data=r.content, format=fmt)
    assert as_ox_triples(g) == expected_description(store_quads, str(USG))


def test_jsonld_uses_the_published_context(site: str) -> None:
    doc = get(site + "/doc/firm/usg-people.jsonld").json()
    context = get(site + "/context.jsonld").json()["@context"]
    assert doc["@context"] == context
    node = next(n for n in doc["@graph"] if n["@id"] == str(USG))
    assert "ak:Firm" in node["@type"]
    assert {"@value": "USG People", "@language": "nl"} in node["rdfs:label"]


def test_not_acceptable(site: str) -> None:
    r = get(site + "/doc/firm/usg-people", headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_an_error_is_answered_in_the_representation_the_client_reads(site: str) -> None:
    """One handler (web/core/errors.py): a page for a browser, JSON for a JSON client, text for anyone else."""
    url = site + "/downloads/no-such-file.nq"
    refusal = "no such download; the list is at /dataset"
    text = get(url)
    assert (text.status_code, text.headers["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert text.text == refusal + "\n"
    assert text.headers["Cache-Control"] == "no-store" and text.headers["X-Content-Type-Options"] == "nosniff"
    data = get(url, headers={"Accept": "application/json"})
    assert (data.status_code, data.headers["Content-Type"]) == (404, "application/problem+json")
    assert data.json() == {"type": site + "/problems/not-found", "title": "No such thing", "status": 404,
                           "detail": refusal}
    assert data.headers["Cache-Control"] == "no-store"
    for lang, heading in (("nl", "Dat lukte niet"), ("en", "That did not work")):
        page = get(url + "?lang=" + lang, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert (page.status_code, page.headers["Content-Type"]) == (404, "text/html; charset=utf-8")
        assert page.headers["Content-Language"] == lang and page.headers["Cache-Control"] == "no-store"
        assert f"<h1>{heading}</h1>" in page.text and f'<html lang="{lang}"' in page.text
        assert f'<code lang="en">{refusal}</code>' in page.text
        assert f'href="/?lang={lang}"' in page.text


def test_revalidation_and_head(site: str) -> None:
    r = get(site + "/doc/firm/usg-people", headers={"Accept": "text/turtle"})
    again = get(site + "/doc/firm/usg-people", headers={"Accept": "text/turtle", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    answer = head(site + "/doc/firm/usg-people", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/turtle")


def test_every_kind_of_thing_resolves(site: str, store_quads: list[ox.Quad]) -> None:
    """One IRI of every {type} in the graph resolves to a page (and each report part cites its page)."""
    firsts: dict[str, str] = {}
    for q in store_quads:
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE + "/id/"):
                kind = term.value[len(BASE) + 4:].split("/", 1)[0]
                firsts.setdefault(kind, term.value)
    assert len(firsts) > 30
    for kind, iri in sorted(firsts.items()):
        path = iri[len(BASE):]
        r = get(site + path)
        assert r.status_code == 303, (kind, iri)
        page = get(site + r.headers["Location"], headers={"Accept": "text/html"})
        assert page.status_code == 200, (kind, iri)
        ttl = get(site + r.headers["Location"], headers={"Accept": "text/turtle"})
        assert len(Graph().parse(data=ttl.content, format="turtle")) > 0, (kind, iri)


def test_report_part_page_lists_what_derives_from_it(site: str) -> None:
    r = get(site + "/doc/report-part/tabel-3?lang=nl")
    assert "Tabel 3: Staalkaart van bedrijvigheid in Almere" in r.text
    # The page lists a capped number per property and links to the full list, which has every firm.
    assert "/doc/report-part/tabel-3?all=1&lang=nl#in-h" in read_html(r.text).links
    full = get(site + "/doc/report-part/tabel-3?all=1&lang=nl")
    assert "/doc/firm/usg-people?lang=nl" in read_html(full.text).links


def test_graph_page_has_statistics(site: str, store_quads: list[ox.Quad]) -> None:
    graph = ox.NamedNode(BASE + "/id/graph/tabel-3")
    n = sum(1 for q in store_quads if q.graph_name == graph)
    r = get(site + "/doc/graph/tabel-3?lang=en")
    assert f"{n} triples" in r.text


def test_describe_link_is_well_formed(site: str) -> None:
    r = get(site + "/doc/firm/usg-people")
    link = next(h for h in read_html(r.text).links if h.startswith("/sparql?query="))
    answer = get(site + link, headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200
    assert json.dumps(str(USG))[1:-1] in answer.text


@pytest.mark.parametrize("path", ["/no-such-page", "/queries/x/y/z", "/static/no-such-file.js"])
def test_an_address_no_route_knows_is_the_same_404_as_an_unknown_thing(site: str, path: str) -> None:
    page = get(site + path, headers={"Accept": "text/html", "Accept-Language": "nl"})
    assert page.status_code == 404 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Niet gevonden</h1>" in page.text and f"<code>{path}</code>" in page.text
    assert 'role="search"' in page.text or 'action="/search"' in page.text
    text = get(site + path, headers={"Accept": "*/*"})
    assert text.status_code == 404 and text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.text.strip() == f"no such thing in this dataset: {path}"
    data = get(site + path, headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.headers["Content-Type"] == "application/problem+json"
    assert data.json() == {"type": site + "/problems/not-found", "title": "No such thing", "status": 404,
                           "detail": f"no such thing in this dataset: {path}"}
