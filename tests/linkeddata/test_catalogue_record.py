"""/dataset read as the national portal reads it: the DCAT-AP-NL 3.0 and DCAT-AP 3.0.1 shapes, stored with their
origin in shapes/third-party/, and the VoID figures against the endpoint's own counts.

In-process (Flask's test client): what is tested is the description, not the HTTP server.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyshacl
import pytest
import rdflib
from serverproc import InProcess, get

from almerekg.settings import from_values, missing_for_harvest

ROOT = Path(__file__).resolve().parents[2]
THIRD_PARTY = ROOT / "shapes" / "third-party"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
# Open namespaces: pytest's collection probes module attributes, and rdflib's closed ones warn on every probe.
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
RDF = rdflib.RDF
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
BASE = "https://almerekg.example"

LEVELS = {
    "DCAT-AP-NL 3.0 level 1": ["dcat-ap-nl-3.0/dcat-ap-SHACL.ttl", "dcat-ap-nl-3.0/dcat-ap-nl-SHACL.ttl"],
    "DCAT-AP-NL 3.0 level 2": ["dcat-ap-nl-3.0/dcat-ap-SHACL.ttl", "dcat-ap-nl-3.0/dcat-ap-nl-SHACL.ttl",
                               "dcat-ap-nl-3.0/dcat-ap-nl-SHACL-klassebereik.ttl",
                               "dcat-ap-nl-3.0/dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl"],
    "DCAT-AP 3.0.1": ["dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl",
                      "dcat-ap-3.0.1/mdr-vocabularies.shape.ttl"],
}
# A deployment as data.overheid.nl wants it: publisher from an organisation list, e-mail, phone, web form.
DEPLOYMENT = {"publisher_iri": "https://organisaties.example/id/gemeente-almere", "publisher_name": "Gemeente Almere",
              "contact_email": "data@almere.example", "contact_phone": "+31 36 000 00 00",
              "contact_url": "https://www.almere.example/contact"}


def _description(built_store: Path, **settings: str) -> rdflib.Graph:
    with InProcess(built_store, **settings) as app:
        resp = get(app.url + "/dataset", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    return rdflib.Graph().parse(data=resp.content, format="turtle")


@pytest.fixture(scope="module")
def configured(built_store: Path) -> rdflib.Graph:
    return _description(built_store, **DEPLOYMENT)


@pytest.fixture(scope="module")
def default(built_store: Path) -> rdflib.Graph:
    return _description(built_store)


def _results(data: rdflib.Graph, level: str) -> list[tuple[str, str, str, str]]:
    shapes = rdflib.Graph()
    for name in LEVELS[level]:
        shapes.parse(THIRD_PARTY / name)
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                                allow_warnings=True)
    return sorted((str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1], str(report.value(r, SH.focusNode)),
                   str(report.value(r, SH.resultPath)), str(report.value(r, SH.value)))
                  for r in report.objects(None, SH.result))


def test_third_party_shapes_are_the_recorded_copies() -> None:
    sums = dict(reversed(line.split("  ", 1)) for line in (THIRD_PARTY / "SHA256SUMS").read_text().splitlines())
    stored = sorted(str(p.relative_to(THIRD_PARTY)) for p in THIRD_PARTY.glob("*/*.ttl"))
    assert sorted(sums) == stored and len(stored) == 10
    for name, digest in sums.items():
        assert hashlib.sha256((THIRD_PARTY / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("level", ["DCAT-AP-NL 3.0 level 1", "DCAT-AP-NL 3.0 level 2"])
@pytest.mark.parametrize("which", ["default", "configured"])
def test_the_record_conforms_to_dcat_ap_nl(level: str, which: str, request: pytest.FixtureRequest) -> None:
    assert _results(request.getfixturevalue(which), level) == []


@pytest.mark.parametrize("which", ["default", "configured"])
def test_the_record_conforms_to_dcat_ap_3_0_1(which: str, request: pytest.FixtureRequest) -> None:
    g = request.getfixturevalue(which)
    violations = [r for r in _results(g, "DCAT-AP 3.0.1") if r[0] == "Violation"]
    checksums = sorted(str(c) for c in g.objects(None, rdflib.URIRef("http://spdx.org/rdf/terms#checksum")))
    # The one stated deviation (shapes/third-party/README.md): the https pattern on SPDX's http algorithm IRI.
    assert len(checksums) == 4
    assert violations == [("Violation", c, "http://spdx.org/rdf/terms#algorithm",
                           "http://spdx.org/rdf/terms#checksumAlgorithm_sha256") for c in checksums]


def test_the_shapes_do_find_a_missing_mandatory_property(configured: rdflib.Graph) -> None:
    """The check can fail: a data service without its licence breaks DCAT-AP-NL level 1."""
    broken = rdflib.Graph()
    for t in configured:
        broken.add(t)
    sparql = rdflib.URIRef(BASE + "/sparql")
    broken.remove((sparql, DCTERMS.license, None))
    assert _results(broken, "DCAT-AP-NL 3.0 level 1") == [
        ("Violation", str(sparql), str(DCTERMS.license), "None")]


def test_a_catalogue_holds_the_dataset_and_every_data_service(configured: rdflib.Graph) -> None:
    catalogue = rdflib.URIRef(BASE + "/dataset#catalogue")
    assert (catalogue, RDF.type, DCAT.Catalog) in configured
    assert list(configured.objects(catalogue, DCAT.dataset)) == [rdflib.URIRef(BASE + "/dataset#dataset")]
    services = set(configured.subjects(RDF.type, DCAT.DataService))
    assert set(configured.objects(catalogue, DCAT.service)) == services
    assert len(services) == 1 + len(list((ROOT / "queries").glob("*.rq")))


def test_values_come_from_the_lists_dcat_ap_nl_names(configured: rdflib.Graph) -> None:
    ds = rdflib.URIRef(BASE + "/dataset#dataset")
    econ = rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON")
    assert list(configured.objects(ds, DCAT.theme)) == [econ]
    assert (econ, SKOS.inScheme, rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme")) \
        in configured
    # Almere, the graph's own place (an EU place or GeoNames code would need a stored source first).
    assert sorted(str(o) for o in configured.objects(ds, DCTERMS.spatial)) == [BASE + "/id/place/almere"]
    # The report is a publication the dataset was derived from, not a dcat:Dataset.
    assert list(configured.objects(ds, DCTERMS.source)) == []
    report = configured.value(ds, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert (report, RDF.type, rdflib.URIRef("https://schema.org/Report")) in configured
    # The creators are the report's, each named.
    creators = sorted(str(configured.value(c, FOAF.name)) for c in configured.objects(ds, DCTERMS.creator))
    assert creators and all(creators)


def test_the_contact_point_says_what_the_deployment_gave(configured: rdflib.Graph, default: rdflib.Graph) -> None:
    contact = rdflib.URIRef(BASE + "/dataset#contact")
    assert configured.value(contact, VCARD.hasEmail) == rdflib.URIRef("mailto:data@almere.example")
    assert configured.value(contact, VCARD.hasTelephone) == rdflib.URIRef("tel:+31360000000")
    assert configured.value(contact, VCARD.hasURL) == rdflib.URIRef("https://www.almere.example/contact")
    publisher = configured.value(rdflib.URIRef(BASE + "/dataset#dataset"), DCTERMS.publisher)
    assert publisher == rdflib.URIRef(DEPLOYMENT["publisher_iri"])
    assert [configured.value(contact, p) for p in (VCARD.hasEmail, VCARD.hasTelephone, VCARD.hasURL)] != \
        [default.value(contact, p) for p in (VCARD.hasEmail, VCARD.hasTelephone, VCARD.hasURL)]


def test_a_public_deployment_is_told_what_the_portal_still_needs() -> None:
    assert missing_for_harvest(from_values()) == []
    public = from_values(public_url="https://data.almere.example")
    assert missing_for_harvest(public) == ["--publisher-iri (the publisher's IRI in an organisation list)",
                                           "--contact-email", "--contact-phone"]
    assert missing_for_harvest(public.with_(**{k: DEPLOYMENT[k] for k in
                                               ("publisher_iri", "contact_email", "contact_phone")})) == []


def test_void_triples_are_the_distinct_triples_of_the_union(site: str, configured: rdflib.Graph) -> None:
    distinct = _count(site, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    ds = rdflib.URIRef(BASE + "/dataset#dataset")
    assert int(configured.value(ds, VOID.triples)) == distinct


def _count(site: str, query: str) -> int:
    resp = get(site + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def test_every_kind_of_outgoing_link_is_a_counted_linkset(site: str, configured: rdflib.Graph) -> None:
    linksets = {(str(configured.value(ls, VOID.linkPredicate)), str(configured.value(ls, VOID.objectsTarget))):
                int(configured.value(ls, VOID.triples)) for ls in configured.subjects(RDF.type, VOID.Linkset)}
    ak = BASE + "/def/"
    assert sorted(linksets) == [
        ("http://www.w3.org/2004/02/skos/core#exactMatch", BASE + "/dataset#nace-r2"),
        (ak + "registerCode", BASE + "/id/register/cbs-gemeenten-2021"),
        (ak + "registerCode", BASE + "/id/register/cbs-provincies-2021"),
        (ak + "registerCode", BASE + "/id/register/iso-3166-1"),
        ("https://schema.org/sameAs", BASE + "/dataset#wikidata")]
    for (predicate, target), n in linksets.items():
        if target.startswith(BASE + "/id/register/"):
            query = f"""SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?c {{ ?s <{predicate}> ?c .
                        ?c <{ak}inRegister> <{target}> }} }}"""
        else:
            space = str(configured.value(rdflib.URIRef(target), VOID.uriSpace))
            query = f"""SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?o {{ ?s <{predicate}> ?o
                        FILTER(STRSTARTS(STR(?o), "{space}") && STRSTARTS(STR(?s), "{BASE}/id/")) }} }}"""
        assert n == _count(site, query), (predicate, target)


def test_entities_have_one_definition_at_every_level(site: str, configured: rdflib.Graph) -> None:
    """Typed IRIs under /id/: the dataset's void:entities, each graph's, and each class partition's."""
    typed = 'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "' + BASE + '/id/"))'
    ds = rdflib.URIRef(BASE + "/dataset#dataset")
    assert int(configured.value(ds, VOID.entities)) == _count(
        site, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a ?c {typed} }}")
    tabel3 = rdflib.URIRef(BASE + "/id/graph/tabel-3")
    assert int(configured.value(tabel3, VOID.entities)) == _count(
        site, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ GRAPH <{tabel3}> {{ ?s a ?c }} {typed} }}")
    firm = next(p for p in configured.objects(ds, VOID.classPartition)
                if configured.value(p, VOID["class"]) == rdflib.URIRef(BASE + "/def/Firm"))
    assert int(configured.value(firm, VOID.entities)) == _count(
        site, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{BASE}/def/Firm> {typed} }}")


def test_the_service_description_and_void_point_at_each_other(site: str, configured: rdflib.Graph) -> None:
    sd = rdflib.Graph().parse(data=get(site + "/sparql", headers={"Accept": "text/turtle"}).content, format="turtle")
    sd_ns = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    (service,) = sd.subjects(RDF.type, sd_ns.Service)  # the configured public address (here the default one)
    assert (service, rdflib.RDFS.seeAlso, rdflib.URIRef(BASE + "/.well-known/void")) in sd
    default = sd.value(service, sd_ns.defaultDataset)
    assert (default, rdflib.RDFS.seeAlso, rdflib.URIRef(BASE + "/dataset#dataset")) in sd
    assert configured.value(rdflib.URIRef(BASE + "/dataset#dataset"), VOID.sparqlEndpoint) == \
        rdflib.URIRef(BASE + "/sparql")


# --- schema.org, as a search engine reads the page -------------------------------------------------------------

SCHEMA = rdflib.Namespace("https://schema.org/")
LITERAL_RANGES = {str: ("Text", "URL", "Date", "DateTime", "Number", "Integer"), bool: ("Boolean",)}


@pytest.fixture(scope="module")
def schema_vocabulary() -> rdflib.Graph:
    return rdflib.Graph().parse(THIRD_PARTY / "schema.org-30.0" / "schemaorg-current-https.ttl")


def _ancestors(vocab: rdflib.Graph, cls: rdflib.URIRef) -> set[rdflib.URIRef]:
    return set(vocab.transitive_objects(cls, rdflib.RDFS.subClassOf))


def _misuses(vocab: rdflib.Graph, node: dict) -> list[str]:
    """Every type, property and value of a JSON-LD node (and the nodes inside it) that schema.org does not allow."""
    kind = SCHEMA[node["@type"]]
    if (kind, RDF.type, rdflib.RDFS.Class) not in vocab:
        return [f"unknown type {node['@type']}"]
    found = []
    for key, values in node.items():
        if key.startswith("@"):
            continue
        prop = SCHEMA[key]
        if (prop, RDF.type, RDF.Property) not in vocab:
            found.append(f"unknown property {key}")
            continue
        if not set(vocab.objects(prop, SCHEMA.domainIncludes)) & _ancestors(vocab, kind):
            found.append(f"{key} is not a property of {node['@type']}")
        ranges = set(vocab.objects(prop, SCHEMA.rangeIncludes))
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict):
                if not ranges & _ancestors(vocab, SCHEMA[value["@type"]]):
                    found.append(f"{key} does not take a {value['@type']}")
                found += _misuses(vocab, value)
            elif not ranges & {SCHEMA[r] for r in LITERAL_RANGES[type(value)]}:
                found.append(f"{key} does not take the text {value!r}")
    return found


def _page_jsonld(site: str, path: str) -> dict:
    html = get(site + path, headers={"Accept": "text/html"}).text
    blocks = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_the_dataset_page_carries_schema_org_dataset_markup(site: str, configured: rdflib.Graph,
                                                            schema_vocabulary: rdflib.Graph) -> None:
    doc = _page_jsonld(site, "/dataset?lang=en")
    assert doc["@context"] == "https://schema.org/" and doc["@type"] == "Dataset"
    assert doc["name"] == "Groei door samenwerking in Almere (2011) — as linked data"
    assert doc["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert [c["name"] for c in doc["creator"]] == ["Inge van Bussel MSc", "Dr. Jan Peter van den Toren"]
    assert sorted(d["contentUrl"] for d in doc["distribution"]) == sorted(
        str(u) for u in configured.objects(rdflib.URIRef(BASE + "/dataset#dataset"), VOID.dataDump))
    assert doc["spatialCoverage"] == [{"@type": "Place", "@id": BASE + "/id/place/almere", "name": "Almere"}]
    assert doc["temporalCoverage"] == "2007/2011-01"
    assert _misuses(schema_vocabulary, doc) == []


def test_the_schema_org_check_can_fail(schema_vocabulary: rdflib.Graph) -> None:
    assert _misuses(schema_vocabulary, {"@type": "Dataset", "distribution": {"@type": "Person", "name": "x"},
                                        "colour": "red", "isAccessibleForFree": "yes"}) == [
        "distribution does not take a Person", "unknown property colour",
        "isAccessibleForFree does not take the text 'yes'"]


def test_every_saved_query_page_carries_schema_org_dataset_markup(site: str,
                                                                  schema_vocabulary: rdflib.Graph) -> None:
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    for name in names:
        doc = _page_jsonld(site, f"/queries/{name}?lang=en")
        assert doc["@type"] == "Dataset" and doc["isPartOf"]["@id"] == BASE + "/dataset#dataset", name
        assert doc["license"] == "https://creativecommons.org/publicdomain/zero/1.0/", name
        assert any(d["contentUrl"].endswith(f"/queries/{name}.xlsx") for d in doc["distribution"]), name
        assert _misuses(schema_vocabulary, doc) == [], name


def test_eu_values_are_in_the_stored_authority_tables(configured: rdflib.Graph) -> None:
    """Every data theme and file type the record names is a concept of the EU's own table, and ECON's labels are the
    table's (shapes/third-party/eu-authority-tables/, version 20161225-1)."""
    tables = THIRD_PARTY / "eu-authority-tables"
    themes = rdflib.Graph().parse(tables / "data-theme-skos-ap-act.ttl")
    file_types = rdflib.Graph().parse(tables / "filetypes-skos-ap-act.ttl")
    eu = "http://publications.europa.eu/resource/authority/"
    used = {str(o) for o in configured.objects() if isinstance(o, rdflib.URIRef) and str(o).startswith(eu)}
    named = {t for t in used if t.startswith((eu + "data-theme/", eu + "file-type/"))}
    assert named == {eu + "data-theme/ECON", *(eu + "file-type/" + c for c in
                                              ("JSON_LD", "RDF_N_QUADS", "RDF_TRIG", "RDF_TURTLE"))}
    for iri in named:
        table = themes if "/data-theme/" in iri else file_types
        assert (rdflib.URIRef(iri), SKOS.inScheme, rdflib.URIRef(iri.rsplit("/", 1)[0])) in table, iri
        assert (rdflib.URIRef(iri), SKOS.inScheme, rdflib.URIRef(iri.rsplit("/", 1)[0])) in configured, iri
    econ = rdflib.URIRef(eu + "data-theme/ECON")
    labels = {o.language: str(o) for o in themes.objects(econ, SKOS.prefLabel) if o.language in ("nl", "en")}
    assert {o.language: str(o) for o in configured.objects(econ, SKOS.prefLabel)} == labels
