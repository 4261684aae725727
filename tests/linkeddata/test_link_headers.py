"""Every dereferenced resource says where its other forms, its description and its licence are (RFC 8288 `Link`),
and its RDF says what the document is about, whose dataset it is part of, under which licence and since when.

In-process (Flask's test client); the headers are parsed as requests parses them for a client.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from requests.utils import parse_header_links
from serverproc import InProcess

BASE = "https://almerekg.example"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
FORMATS = {".html": "text/html", ".ttl": "text/turtle", ".jsonld": "application/ld+json",
           ".nt": "application/n-triples", ".rdf": "application/rdf+xml"}


def _links(resp) -> set[tuple[str, str, str]]:  # noqa: ANN001
    return {(link["url"], link["rel"], link.get("type", "")) for link in parse_header_links(resp.headers["Link"])}


def _alternates(path: str) -> set[tuple[str, str, str]]:
    return {(path + ext, "alternate", media) for ext, media in FORMATS.items()}


def test_an_identifier_redirects_with_its_description_and_licence(client) -> None:  # noqa: ANN001
    resp = client.get("/id/firm/accenture")
    assert resp.status_code == 303 and resp.headers["Location"] == "/doc/firm/accenture"
    assert _links(resp) == {("/doc/firm/accenture", "describedby", ""), (CC0, "license", ""),
                            *_alternates("/doc/firm/accenture")}


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_a_document_names_its_forms_the_dataset_and_licence(client, accept: str) -> None:  # noqa: ANN001
    resp = client.get("/doc/firm/accenture", headers={"Accept": accept})
    assert resp.status_code == 200
    assert _links(resp) == {("/dataset", "describedby", ""), (CC0, "license", ""), *_alternates("/doc/firm/accenture")}
    # The validators' 304 carries the same links (they describe the representation).
    again = client.get("/doc/firm/accenture", headers={"Accept": accept, "If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304 and _links(again) == _links(resp)


def test_the_ontology_the_dataset_and_the_endpoint_have_links(client) -> None:  # noqa: ANN001
    assert _links(client.get("/def")) == {("/dataset", "describedby", ""), (CC0, "license", ""), *_alternates("/def")}
    assert _links(client.get("/dataset", headers={"Accept": "text/turtle"})) == {(CC0, "license", ""),
                                                                                 *_alternates("/dataset")}
    assert _links(client.get("/sparql", headers={"Accept": "text/turtle"})) == {
        ("/.well-known/void", "describedby", "")}


def test_a_licence_given_by_the_deployment_is_the_one_linked(built_store: Path) -> None:
    with InProcess(built_store, license="https://example.org/licence") as app:
        assert ("https://example.org/licence", "license", "") in _links(app.client.get("/doc/firm/accenture"))
        assert ("https://example.org/licence", "license", "") in _links(app.client.get(
            "/sparql", headers={"Accept": "text/turtle"}))


@pytest.mark.parametrize("ext,fmt", [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt"), (".rdf", "xml")])
def test_rdf_of_a_document_describes_the_document(client, ext: str, fmt: str) -> None:  # noqa: ANN001
    g = rdflib.Graph().parse(data=client.get("/doc/firm/accenture" + ext).data, format=fmt)
    doc = rdflib.URIRef(BASE + "/doc/firm/accenture")
    firm = rdflib.URIRef(BASE + "/id/firm/accenture")
    assert g.value(doc, rdflib.FOAF.primaryTopic) == firm
    assert g.value(doc, rdflib.URIRef("http://rdfs.org/ns/void#inDataset")) == rdflib.URIRef(BASE + "/dataset#dataset")
    assert g.value(doc, rdflib.DCTERMS.license) == rdflib.URIRef(CC0)
    modified = g.value(doc, rdflib.DCTERMS.modified)
    assert modified.datatype == rdflib.XSD.dateTime
    # Exactly those four statements about the document, and still every statement about the firm.
    assert len(list(g.predicate_objects(doc))) == 4
    assert len(list(g.predicate_objects(firm))) > 5
