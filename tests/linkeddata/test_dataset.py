"""/dataset and /.well-known/void: VoID + DCAT that agree with the store, the downloads and queries/."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from almerekg.saved_queries import load_catalogue

from .conftest import BASE, get, read_html

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DATASET = URIRef(BASE + "/dataset#dataset")


@pytest.fixture(scope="module")
def void(site: str) -> Graph:
    r = get(site + "/dataset", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/turtle; charset=utf-8"
    return Graph().parse(data=r.content, format="turtle")


def test_dataset_core_metadata(void: Graph) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    titles = {t.language: str(t) for t in void.objects(DATASET, DCTERMS.title)}
    assert titles == {"nl": "Groei door samenwerking in Almere (2011) — als gelinkte data",
                      "en": "Groei door samenwerking in Almere (2011) — as linked data"}
    assert {d.language for d in void.objects(DATASET, DCTERMS.description)} == {"nl", "en"}
    assert void.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
    publisher = void.value(DATASET, DCTERMS.publisher)
    assert publisher is not None and void.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))
    report = URIRef(BASE + "/id/report/groei-door-samenwerking-in-almere")
    # The report is the publication the dataset was derived from; DCAT-AP's dct:source would call it a dataset.
    assert void.value(DATASET, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == report
    assert void.value(DATASET, DCTERMS.source) is None
    assert {str(o) for o in void.objects(report, DCTERMS.creator)} == {
        BASE + "/id/person/jan-peter-van-den-toren", BASE + "/id/person/inge-van-bussel"}
    period = void.value(DATASET, DCTERMS.temporal)
    assert void.value(period, DCAT.startDate) == Literal("2007", datatype=XSD.gYear)
    assert void.value(period, DCAT.endDate) == Literal("2011-01", datatype=XSD.gYearMonth)
    assert set(void.objects(DATASET, DCTERMS.spatial)) == {URIRef(BASE + "/id/place/almere")}
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(BASE + "/sparql")
    assert (URIRef(BASE + "/sparql"), DCAT.servesDataset, DATASET) in void
    assert list(void.objects(DATASET, DCAT.theme)) == [
        URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON")]


def test_statistics_match_the_store(void: Graph, store_quads: list[ox.Quad]) -> None:
    # The union's triples: a triple stored in two named graphs counts once.
    assert void.value(DATASET, VOID.triples).toPython() == len({(q.subject, q.predicate, q.object)
                                                               for q in store_quads})
    per_graph: dict[str, list[ox.Quad]] = {}
    for q in store_quads:
        per_graph.setdefault(q.graph_name.value, []).append(q)
    subsets = {s for s in void.objects(DATASET, VOID.subset) if (s, RDF.type, VOID.Linkset) not in void}
    assert {str(s) for s in subsets} == set(per_graph)
    rdf_type = ox.NamedNode(str(RDF.type))
    for name, quads in per_graph.items():
        sub = URIRef(name)
        assert void.value(sub, VOID.triples).toPython() == len(quads), name
        assert void.value(sub, VOID.properties).toPython() == len({q.predicate for q in quads}), name
        assert void.value(sub, VOID.classes).toPython() == len({q.object for q in quads if q.predicate == rdf_type})
        assert void.value(sub, VOID.distinctSubjects).toPython() == len({q.subject for q in quads}), name
    firm_partition = next(p for p in void.objects(DATASET, VOID.classPartition)
                          if void.value(p, VOID["class"]) == URIRef(BASE + "/def/Firm"))
    firms = {q.subject for q in store_quads if q.predicate == rdf_type and q.object.value == BASE + "/def/Firm"}
    assert void.value(firm_partition, VOID.entities).toPython() == len(firms)


def test_downloads_listed_with_size_and_checksum(site: str, void: Graph) -> None:
    dumps = {str(u) for u in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{BASE}/downloads/{n}" for n in
                     ("almerekg.nq.gz", "almerekg.trig", "almerekg.ttl", "almerekg.jsonld")}
    for dist in void.objects(DATASET, DCAT.distribution):
        url = void.value(dist, DCAT.downloadURL)
        if url is None:
            continue  # the SPARQL access distribution
        body = get(site + str(url)[len(BASE):]).content
        assert void.value(dist, DCAT.byteSize).toPython() == len(body)
        checksum = void.value(dist, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert void.value(dist, DCAT.mediaType) is not None and void.value(dist, DCTERMS["format"]) is not None


def test_saved_queries_listed(void: Graph, project_root: Path) -> None:
    queries = load_catalogue(project_root / "queries").queries
    services = {str(s) for s in void.subjects(DCAT.servesDataset, DATASET)} - {BASE + "/sparql"}
    assert services == {f"{BASE}/queries/{q.name}" for q in queries}
    for q in queries:
        titles = {t.language: str(t) for t in void.objects(URIRef(f"{BASE}/queries/{q.name}"), DCTERMS.title)}
        assert titles and titles == q.title


def test_well_known_void_is_the_same_description(site: str, void: Graph) -> None:
    r = get(site + "/.well-known/void")  # no Accept: crawlers get RDF here
    assert r.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert len(Graph().parse(data=r.content, format="turtle")) == len(void)
    html = get(site + "/.well-known/void", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("ext,fmt", [(".jsonld", "json-ld"), (".nt", "nt"), (".rdf", "xml")])
def test_description_formats(site: str, void: Graph, ext: str, fmt: str) -> None:
    g = Graph().parse(data=get(site + "/dataset" + ext).content, format=fmt)
    assert len(g) == len(void)


def test_dataset_page(site: str, store_quads: list[ox.Quad]) -> None:
    r = get(site + "/dataset?lang=en", headers={"Accept": "text/html"})
    page = read_html(r.text)
    assert "/downloads/almerekg.nq.gz" in page.links and "/context.jsonld" in page.links
    tabel3 = next(row for row in page.rows if row and row[0] == "tabel-3")
    n = sum(1 for q in store_quads if q.graph_name.value == BASE + "/id/graph/tabel-3")
    assert tabel3[1] == "Tabel 3: Staalkaart van bedrijvigheid in Almere, p. 13"
    assert tabel3[2] == str(n)
    assert "Jan Peter van den Toren" in r.text and "January 2011" in r.text


def test_validation_report(site: str, built_store: Path) -> None:
    html = get(site + "/dataset/validation?lang=nl")
    assert html.status_code == 200
    assert "Voldoet" in html.text
    warnings = [row for row in read_html(html.text).rows if row and row[0] == "Warning"]
    info = json.loads((built_store / "current" / "build.json").read_text())
    assert len(warnings) == info["validation"]["warnings"] >= 1
    assert any("101 procent" in row[3] for row in warnings)
    ttl = get(site + "/dataset/validation", headers={"Accept": "text/turtle"})
    assert ttl.content == (built_store / "current" / "validation.ttl").read_bytes()
    report = Graph().parse(data=ttl.content, format="turtle")
    assert Literal(True) in set(report.objects(None, SH.conforms))
