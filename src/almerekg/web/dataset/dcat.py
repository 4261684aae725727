"""What makes /dataset a catalogue record that the national portal harvests: DCAT-AP-NL 3.0 and DCAT-AP 3.0.1.

Why a module of its own: views.py says what the dataset is (titles, counts, downloads, services); this module adds
what the application profiles require of every such description, in one place, so that a new distribution or
service is complete without anyone remembering the profiles' rules:

- a `dcat:Catalog` holding the dataset and its data services;
- on every `dcat:DataService`, the properties DCAT-AP-NL makes mandatory (licence, access rights, contact point,
  theme, identifier, publisher, description);
- every value typed with the class the profiles give as its range (`RANGES`, read off DCAT-AP 3.0.1 and the
  DCAT-AP-NL 3.0 "klassebereik" shapes), since a harvester checks `sh:class` without inference;
- values of the EU's controlled vocabularies (data themes, languages, access rights, file types, countries) with
  the scheme they belong to, which the EU authority tables give by their IRI structure
  (`…/authority/{table}/{code}` is in scheme `…/authority/{table}`).

The shapes the tests validate against are stored in shapes/third-party/ with their origin and checksum.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS

from ..core.i18n import LANGS, N_, tr

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
# The value lists DCAT-AP-NL 3.0 names (its chapter "Waardelijsten"): the EU's data themes, languages, access rights
# and file types (no EU place code: none is stored for Almere). ECON and its labels are those of the EU data-theme
# table, whose copy is stored in shapes/third-party/eu-authority-tables/ (tests/linkeddata/test_catalogue_record.py
# checks them against it).
THEME_ECONOMY = EU_AUTHORITY + "data-theme/ECON"
THEME_LABELS = {"en": "Economy and finance", "nl": "Economie en financiën"}
ACCESS_PUBLIC = EU_AUTHORITY + "access-right/PUBLIC"

# The range of each property as DCAT-AP 3.0.1 (range.ttl) and DCAT-AP-NL 3.0 (klassebereik) state it.
RANGES: dict[URIRef, URIRef] = {
    DCAT.landingPage: FOAF.Document,
    FOAF.homepage: FOAF.Document,
    DCTERMS.license: DCTERMS.LicenseDocument,
    DCTERMS.accessRights: DCTERMS.RightsStatement,
    DCTERMS.language: DCTERMS.LinguisticSystem,
    DCTERMS.conformsTo: DCTERMS.Standard,
    DCTERMS.format: DCTERMS.MediaTypeOrExtent,
    DCAT.mediaType: DCTERMS.MediaType,
    DCAT.compressFormat: DCTERMS.MediaType,
    DCAT.accessURL: RDFS.Resource,
    DCAT.downloadURL: RDFS.Resource,
    DCAT.endpointURL: RDFS.Resource,
    DCAT.endpointDescription: RDFS.Resource,
    DCAT.theme: SKOS.Concept,
    DCAT.contactPoint: VCARD.Kind,
    DCTERMS.publisher: FOAF.Agent,
    DCTERMS.creator: FOAF.Agent,
    DCTERMS.spatial: DCTERMS.Location,
    DCTERMS.temporal: DCTERMS.PeriodOfTime,
    SPDX.algorithm: SPDX.ChecksumAlgorithm,
}

CATALOG_TITLE = N_("Catalogue of almerekg: the report 'Groei door samenwerking in Almere' as linked data")
CATALOG_DESCRIPTION = N_("The dataset, its downloads, the SPARQL endpoint and the saved queries of this site.")
SPARQL_DESCRIPTION = N_(
    "The SPARQL 1.1 protocol over the whole graph (default graph: the union of all named "
    "graphs); read only.")


def contact_point(g: Graph, iri: URIRef, name: str, email: str, phone: str, url: str) -> None:
    """The vCard the profiles ask for: a name and, as the deployment gives them, e-mail, phone and a web form."""
    g.add((iri, RDF.type, VCARD.Kind))
    g.add((iri, RDF.type, VCARD.Organization))
    g.add((iri, VCARD.fn, Literal(name)))
    if email:
        g.add((iri, VCARD.hasEmail, URIRef("mailto:" + email)))
    if phone:
        g.add((iri, VCARD.hasTelephone, URIRef("tel:" + "".join(phone.split()))))
    if url:
        g.add((iri, VCARD.hasURL, URIRef(url)))


def catalog(g: Graph, iri: URIRef, dataset: URIRef, services: Iterable[URIRef], *, publisher: URIRef,
            contact: URIRef, license: URIRef, homepage: URIRef, modified: Literal) -> None:
    """The site's catalogue: what DCAT-AP requires of a `dcat:Catalog` and what DCAT-AP-NL adds (contact point)."""
    g.add((iri, RDF.type, DCAT.Catalog))
    for lang in LANGS:
        g.add((iri, DCTERMS.title, Literal(tr(lang, CATALOG_TITLE), lang=lang)))
        g.add((iri, DCTERMS.description, Literal(tr(lang, CATALOG_DESCRIPTION), lang=lang)))
    g.add((iri, DCTERMS.publisher, publisher))
    g.add((iri, DCAT.contactPoint, contact))
    g.add((iri, DCTERMS.license, license))
    g.add((iri, FOAF.homepage, homepage))
    g.add((iri, DCTERMS.modified, modified))
    g.add((iri, DCAT.theme, URIRef(THEME_ECONOMY)))
    for code in ("NLD", "ENG"):
        g.add((iri, DCTERMS.language, URIRef(EU_AUTHORITY + "language/" + code)))
    g.add((iri, DCAT.dataset, dataset))
    for svc in services:
        g.add((iri, DCAT.service, svc))


def data_service(g: Graph, svc: URIRef, *, publisher: URIRef, contact: URIRef, license: URIRef,
                 description: str | None = None) -> None:
    """What DCAT-AP-NL 3.0 makes mandatory on a data service, beside its title and endpoint."""
    g.add((svc, DCTERMS.identifier, Literal(str(svc))))
    g.add((svc, DCTERMS.license, license))
    g.add((svc, DCTERMS.accessRights, URIRef(ACCESS_PUBLIC)))
    g.add((svc, DCAT.contactPoint, contact))
    g.add((svc, DCTERMS.publisher, publisher))
    g.add((svc, DCAT.theme, URIRef(THEME_ECONOMY)))
    for lang in LANGS if description else ():
        g.add((svc, DCTERMS.description, Literal(tr(lang, description or ""), lang=lang)))


def type_values(g: Graph) -> None:
    """Every value of a property in `RANGES` typed with its range; EU vocabulary values placed in their scheme."""
    for prop, cls in RANGES.items():
        for value in set(g.objects(None, prop)):
            if isinstance(value, URIRef):
                g.add((value, RDF.type, cls))
    for value in {o for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(EU_AUTHORITY)}:
        table, _, code = str(value)[len(EU_AUTHORITY):].partition("/")
        if code:
            g.add((value, SKOS.inScheme, URIRef(EU_AUTHORITY + table)))
    theme = URIRef(THEME_ECONOMY)
    if (None, DCAT.theme, theme) in g:
        for lang, label in THEME_LABELS.items():
            g.add((theme, SKOS.prefLabel, Literal(label, lang=lang)))

