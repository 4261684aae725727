"""The dataset described for portals and crawlers: VoID + DCAT (DCAT-AP-NL where it applies).

/dataset and /.well-known/void give the same description, as HTML or RDF by content negotiation;
/dataset/validation shows the SHACL report of the build being served; /downloads/<file> serves the
dumps made at build time (see dumps.py) and /context.jsonld the JSON-LD context they use.

The description is assembled per build from the build's own statistics, the download manifest and
the saved queries in queries/, so it never disagrees with what the server actually serves. Resources
that only exist in this description (the dataset, its distributions, the publisher) get hash IRIs
under {base}/dataset, which dereference to this very document without any extra route.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass

from flask import Blueprint, Response, send_file
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD

from ...dumps import CONTEXT_FILE, Download, jsonld_context, load_manifest, prefixes
from ...engine import ActiveBuild
from ...engine import formats as registry
from ...errors import AppError
from ...saved_queries import SavedQuery, listing_order
from ..core import representations as ldhttp
from ..core import schema_org
from ..core.i18n import N_, pick_lang, tr
from ..core.index import SCHEMA, GraphIndex, Term, format_date, select
from ..core.pages import context
from ..core.render import render_page
from ..core.respond import choose, representation
from ..state import AppState, app_state
from . import dcat as profile

bp = Blueprint("dataset", __name__)

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = profile.SPDX
VCARD = profile.VCARD
# Code-list IRIs below were checked against public DCAT-AP(-NL) tooling (e.g. the City of Amsterdam's
# DCAT-to-DONL harvester lists owms/terms/Economie; NKOD's dcat extractor lists the EU file types
# RDF_N_QUADS, RDF_TRIG, RDF_TURTLE, JSON_LD), not typed from memory.
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_ACCESS = profile.ACCESS_PUBLIC
IANA = "https://www.iana.org/assignments/media-types/"

TITLE = N_("Groei door samenwerking in Almere (2011) — as linked data")
DESCRIPTION = N_(
    "The report 'Groei door samenwerking in Almere' (January 2011, for the Dutch Ministry of "
    "Economic Affairs, Agriculture and Innovation) as a knowledge graph: the firms, networks, "
    "sectors, clusters and partnerships it names and all of its tables, each statement with the "
    "table or section and page of the report it comes from.")
KEYWORDS = ("Almere", "samenwerking", "bedrijven", "netwerken", "clusters", "Noordvleugel", "economie")


# -------------------------------------------------------------------------------------------------
# The description
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Linkset:
    """One kind of outgoing link: a predicate to the things of one target dataset, and how many links."""

    predicate: str
    target: str
    triples: int


# Datasets outside this one that the graph links to, by the IRI space of their things.
LINK_TARGETS = {
    "http://www.wikidata.org/entity/": ("wikidata", "Wikidata", "https://www.wikidata.org/"),
    "http://ec.europa.eu/eurostat/ramon/rdfdata/nace_r2/": (
        "nace-r2", "NACE Rev. 2 (Eurostat RAMON)", "http://ec.europa.eu/eurostat/ramon/rdfdata/nace_r2/"),
}


@dataclass
class Description:
    """Everything both the HTML page and the RDF say, gathered once."""

    index: GraphIndex
    build: ActiveBuild
    downloads: list[Download]
    queries: list[SavedQuery]
    publisher_name: str
    publisher_iri: str | None
    contact: str | None
    phone: str
    contact_url: str
    license: str
    temporal: tuple[str, str]
    linksets: list[Linkset]

    @property
    def base(self) -> str:
        return self.index.base

    @property
    def dataset_iri(self) -> str:
        return self.base + "/dataset#dataset"

    def report_value(self, prop: str) -> list[Term]:
        return self.index.report.get(prop, [])


def _temporal(index: GraphIndex, state: AppState, build: ActiveBuild) -> tuple[str, str]:
    """From the earliest reference period in the tables to the month the report appeared."""
    rows = select(state, build, """
        SELECT (MIN(STR(?y)) AS ?first) (MAX(STR(?y)) AS ?last) WHERE {
          GRAPH ?g { ?o <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> ?y } }""",
                  cache_key=("temporal",))
    first = rows[0]["first"].value if rows and "first" in rows[0] else ""
    last = rows[0]["last"].value if rows and "last" in rows[0] else ""
    published = [t.value for t in index.report.get(SCHEMA + "datePublished", [])]
    return first, (published[0] if published else last)


def describe(state: AppState, build: ActiveBuild, index: GraphIndex) -> Description:
    s = state.settings
    return Description(
        index=index, build=build, downloads=load_manifest(build.folder),
        queries=listing_order(state.catalogue().queries, index.graphs),
        # Who publishes is a deployment's decision (settings); the defaults say so rather than name anyone.
        publisher_name=s.publisher_name, publisher_iri=s.publisher_iri or None, contact=s.contact_email or None,
        phone=s.contact_phone, contact_url=s.contact_url,
        license=index.license_iri(s.license),
        temporal=_temporal(index, state, build),
        linksets=_linksets(index, state, build),
    )


def _linksets(index: GraphIndex, state: AppState, build: ActiveBuild) -> list[Linkset]:
    """Links to the datasets of LINK_TARGETS, and to each register's codes (CBS, ISO 3166, NACE), counted."""
    values = " ".join(f'("{ns}" <{index.base}/dataset#{key}>)' for ns, (key, _, _) in LINK_TARGETS.items())
    outside = select(state, build, f"""
        SELECT ?p ?target (COUNT(*) AS ?n) WHERE {{
          {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
             FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{index.id_prefix}")) }} }}
          VALUES (?space ?target) {{ {values} }}
          FILTER(STRSTARTS(STR(?o), ?space)) }} GROUP BY ?p ?target""", cache_key=("linksets", "outside"))
    registers = select(state, build, f"""
        SELECT ?target (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?c ?target WHERE {{
          GRAPH ?g {{ ?s <{index.def_prefix}registerCode> ?c }} GRAPH ?h {{ ?c <{index.def_prefix}inRegister> ?target }}
        }} }} GROUP BY ?target""", cache_key=("linksets", "registers"))
    found = [Linkset(r["p"].value, r["target"].value, int(r["n"].value)) for r in outside]
    found += [Linkset(index.def_prefix + "registerCode", r["target"].value, int(r["n"].value)) for r in registers]
    return sorted(found, key=lambda ls: (ls.target, ls.predicate))


def _year_literal(value: str) -> Literal:
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.date)


def dataset_graph(d: Description) -> Graph:
    base, index, info = d.base, d.index, d.build.info
    g = Graph()
    for prefix, ns in prefixes(base).items():
        g.bind(prefix, ns)
    g.bind("spdx", SPDX)
    g.bind("vcard", VCARD)
    ds = URIRef(d.dataset_iri)
    doc = URIRef(base + "/dataset")
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, Literal("Beschrijving van de dataset", lang="nl")))
    g.add((doc, FOAF.primaryTopic, ds))

    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    for lang in ("nl", "en"):
        g.add((ds, DCTERMS.title, Literal(tr(lang, TITLE), lang=lang)))
        g.add((ds, DCTERMS.description, Literal(tr(lang, DESCRIPTION), lang=lang)))
    g.add((ds, DCTERMS.identifier, Literal(d.dataset_iri)))
    g.add((ds, DCAT.landingPage, URIRef(base + "/")))
    g.add((ds, DCTERMS.license, URIRef(d.license)))
    g.add((ds, DCTERMS.accessRights, URIRef(EU_ACCESS)))
    for code in ("NLD", "ENG"):
        g.add((ds, DCTERMS.language, URIRef(EU_LANGUAGE + code)))
    g.add((ds, DCAT.theme, URIRef(profile.THEME_ECONOMY)))
    for word in KEYWORDS:
        g.add((ds, DCAT.keyword, Literal(word, lang="nl")))
    g.add((ds, DCTERMS.modified, Literal(info.created, datatype=XSD.dateTime)))
    g.add((ds, OWL.versionInfo, Literal(info.build_id)))
    g.add((ds, DCTERMS.conformsTo, URIRef(base + "/def")))

    publisher = URIRef(d.publisher_iri) if d.publisher_iri else URIRef(base + "/dataset#publisher")
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(d.publisher_name)))
    contact = URIRef(base + "/dataset#contact")
    g.add((ds, DCAT.contactPoint, contact))
    profile.contact_point(g, contact, d.publisher_name, d.contact or "", d.phone, d.contact_url)

    # The source: the report, described enough to be recognised without following the link. It is a publication,
    # not a dcat:Dataset, so it is what the dataset was derived from (PROV), not its dct:source (DCAT-AP's range).
    if index.report_iri:
        report = URIRef(index.report_iri)
        g.add((ds, PROV.wasDerivedFrom, report))
        g.add((report, RDF.type, URIRef(SCHEMA + "Report")))
        for prop in (DCTERMS.title, URIRef(SCHEMA + "alternativeHeadline"), DCTERMS.issued):
            for t in d.report_value(str(prop)):
                g.add((report, prop, Literal(t.value, lang=t.lang or None)))
        for prop in (DCTERMS.creator, DCTERMS.contributor, URIRef(index.def_prefix + "commissionedBy")):
            for t in d.report_value(str(prop)):
                g.add((report, prop, URIRef(t.value)))
                g.add((URIRef(t.value), RDFS.label, Literal(index.display(t.value))))
        # The dataset's creators are the report's: its authors and publisher as its title page names them.
        for t in d.report_value(str(DCTERMS.creator)):
            g.add((ds, DCTERMS.creator, URIRef(t.value)))
            g.add((URIRef(t.value), FOAF.name, Literal(index.display(t.value))))

    first, last = d.temporal
    if first or last:
        period = URIRef(base + "/dataset#period")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if first:
            g.add((period, DCAT.startDate, _year_literal(first)))
        if last:
            g.add((period, DCAT.endDate, _year_literal(last)))
    almere = index.id_prefix + "place/almere"
    if almere in index.known:
        g.add((ds, DCTERMS.spatial, URIRef(almere)))
        g.add((URIRef(almere), RDF.type, DCTERMS.Location))
        g.add((URIRef(almere), RDFS.label, Literal("Almere", lang="nl")))

    # VoID: where things are and how much there is.
    g.add((ds, VOID.uriSpace, Literal(base + "/id/")))
    g.add((ds, VOID.vocabulary, URIRef(base + "/def/")))
    for prefix, ns in prefixes(base).items():
        if prefix != "ak" and any(p.startswith(ns) for p in (*index.property_counts, *index.class_counts)):
            g.add((ds, VOID.vocabulary, URIRef(ns)))
    g.add((ds, VOID.triples, Literal(index.distinct_triples, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(sum(1 for i in index.known if i in index.types), datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(index.class_counts), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(index.property_counts), datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(index.distinct_subjects, datatype=XSD.integer)))
    g.add((ds, VOID.distinctObjects, Literal(index.distinct_objects, datatype=XSD.integer)))
    for example in _examples(index):
        g.add((ds, VOID.exampleResource, URIRef(example)))
    sparql = URIRef(base + "/sparql")
    g.add((ds, VOID.sparqlEndpoint, sparql))
    # Partitions are blank nodes named by their order, not at random: serialisers order blank nodes by name, so
    # the description is the same bytes on every request (its ETag promises that).
    for i, (cls, n) in enumerate(sorted(index.class_entities.items())):
        part = BNode(f"class-partition-{i:04d}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for i, (prop_iri, n) in enumerate(sorted(index.property_counts.items())):
        part = BNode(f"property-partition-{i:04d}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop_iri)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    for gi, st in sorted(index.stats.items()):
        sub = URIRef(gi)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, RDFS.label, Literal(f"graaf {gi.rsplit('/', 1)[-1]}", lang="nl")))
        g.add((sub, VOID.triples, Literal(st.triples, datatype=XSD.integer)))
        g.add((sub, VOID.distinctSubjects, Literal(st.subjects, datatype=XSD.integer)))
        g.add((sub, VOID.properties, Literal(st.properties, datatype=XSD.integer)))
        g.add((sub, VOID.distinctObjects, Literal(st.objects, datatype=XSD.integer)))
        g.add((sub, VOID.classes, Literal(st.classes, datatype=XSD.integer)))
        g.add((sub, VOID.entities, Literal(st.entities, datatype=XSD.integer)))
        derived = index.graph_parts.get(gi)
        if derived:
            g.add((sub, PROV.wasDerivedFrom, URIRef(derived)))

    # Linksets: each kind of outgoing link, with its predicate, target and count.
    for space, (key, title, homepage) in LINK_TARGETS.items():
        target = URIRef(f"{base}/dataset#{key}")
        if any(ls.target == str(target) for ls in d.linksets):
            g.add((target, RDF.type, VOID.Dataset))
            g.add((target, DCTERMS.title, Literal(title)))
            g.add((target, VOID.uriSpace, Literal(space)))
            g.add((target, FOAF.homepage, URIRef(homepage)))
    for ls in d.linksets:
        linkset = URIRef(f"{base}/dataset#linkset-{ls.target.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}-"
                         f"{ls.predicate.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}")
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((ds, VOID.subset, linkset))
        g.add((linkset, VOID.subjectsTarget, ds))
        g.add((linkset, VOID.objectsTarget, URIRef(ls.target)))
        g.add((linkset, VOID.linkPredicate, URIRef(ls.predicate)))
        g.add((linkset, VOID.triples, Literal(ls.triples, datatype=XSD.integer)))

    # Downloads: DCAT distributions, VoID data dumps.
    for dl in d.downloads:
        url = URIRef(f"{base}/downloads/{dl.name}")
        dist = URIRef(f"{base}/dataset#download-{dl.name.replace('.', '-')}")
        g.add((ds, VOID.dataDump, url))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(dl.title_nl, lang="nl")))
        g.add((dist, DCTERMS.title, Literal(dl.title_en, lang="en")))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + dl.media_type)))
        g.add((dist, DCTERMS["format"], URIRef(EU_FILE_TYPE + dl.eu_file_type)))
        if dl.compress:
            g.add((dist, DCAT.compressFormat, URIRef(IANA + dl.compress)))
        g.add((dist, DCAT.byteSize, Literal(dl.size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, URIRef(d.license)))
        g.add((dist, DCTERMS.modified, Literal(info.created, datatype=XSD.dateTime)))
        checksum = URIRef(f"{base}/dataset#sha256-{dl.name.replace('.', '-')}")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dl.sha256, datatype=XSD.hexBinary)))

    # The SPARQL endpoint and the saved queries, as data services serving this dataset.
    g.add((sparql, RDF.type, DCAT.DataService))
    g.add((sparql, DCTERMS.title, Literal("SPARQL-endpoint", lang="nl")))
    g.add((sparql, DCAT.endpointURL, sparql))
    g.add((sparql, DCAT.endpointDescription, sparql))
    g.add((sparql, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((sparql, DCAT.servesDataset, ds))
    services = [sparql]
    api = URIRef(base + "/dataset#sparql-distribution")
    g.add((ds, DCAT.distribution, api))
    g.add((api, RDF.type, DCAT.Distribution))
    g.add((api, DCTERMS.title, Literal("Bevragen met SPARQL", lang="nl")))
    g.add((api, DCAT.accessURL, sparql))
    g.add((api, DCAT.accessService, sparql))
    g.add((api, DCTERMS.license, URIRef(d.license)))
    for q in d.queries:
        svc = URIRef(f"{base}/queries/{q.name}")
        g.add((svc, RDF.type, DCAT.DataService))
        for lang, title in q.title.items():
            g.add((svc, DCTERMS.title, Literal(title, lang=lang)))
        for lang, text in q.description.items():
            g.add((svc, DCTERMS.description, Literal(text, lang=lang)))
        g.add((svc, DCAT.endpointURL, URIRef(f"{base}/queries/{q.name}.json")))
        g.add((svc, DCAT.landingPage, svc))
        g.add((svc, DCAT.endpointDescription, URIRef(base + "/openapi.json")))
        g.add((svc, DCAT.servesDataset, ds))
        g.add((ds, RDFS.seeAlso, svc))
        services.append(svc)
    g.add((ds, RDFS.seeAlso, URIRef(base + "/dataset/validation")))

    license = URIRef(d.license)
    for svc in services:
        profile.data_service(g, svc, publisher=publisher, contact=contact, license=license,
                             description=profile.SPARQL_DESCRIPTION if svc == sparql else None)
    profile.catalog(g, URIRef(base + "/dataset#catalogue"), ds, services, publisher=publisher, contact=contact,
                    license=license, homepage=URIRef(base + "/"),
                    modified=Literal(info.created, datatype=XSD.dateTime))
    profile.type_values(g)
    return g


def _examples(index: GraphIndex) -> list[str]:
    picks = []
    for cls in ("Firm", "Network", "Relationship"):
        members = sorted(i for i, t in index.types.items() if index.def_prefix + cls in t)
        if members:
            picks.append(members[0])
    if index.report_iri:
        picks.append(index.report_iri)
    return picks


def serialise(g: Graph, media: str, base: str) -> bytes:
    if media == ldhttp.JSONLD:
        return ldhttp.to_jsonld(g.serialize(format="nt", encoding="utf-8"), base)
    return g.serialize(format=registry.rdflib_format(media), encoding="utf-8")


# -------------------------------------------------------------------------------------------------
# Routes
# -------------------------------------------------------------------------------------------------


# /.well-known/void is where crawlers look for VoID: RDF unless the client asks for HTML first.
WELL_KNOWN_OFFER = (ldhttp.TURTLE, ldhttp.HTML, ldhttp.JSONLD, ldhttp.NTRIPLES, ldhttp.RDFXML)


def _description_response(forced: str | None, offer: tuple[str, ...] = ldhttp.OFFER) -> Response:
    state, build, index = context()
    media = choose(offer, "the dataset description is available as: " + ", ".join(ldhttp.OFFER), forced)
    lang = pick_lang() if media == ldhttp.HTML else ""
    location = None if forced else "/dataset" + ldhttp.EXTENSION_OF[media]
    def make() -> bytes | str:
        d = describe(state, build, index)
        if media != ldhttp.HTML:
            return serialise(dataset_graph(d), media, index.base)
        structured = schema_org.script_tag(schema_org.dataset_jsonld(dataset_graph(d), URIRef(d.dataset_iri), lang))
        return render_page("dataset.html", lang=lang, d=d, index=index, info=build.info, title=tr(lang, TITLE),
                           structured=structured,
                           format_date=format_date,
                           description=tr(lang, DESCRIPTION), validation=build.info.validation,
                           graphs=sorted(index.stats.values(), key=lambda s: s.iri),
                           classes=sorted(index.class_counts.items(), key=lambda kv: (-kv[1], kv[0])),
                           properties=sorted(index.property_counts.items(), key=lambda kv: (-kv[1], kv[0])))

    return representation(build, ("dataset", media, lang, state.catalogue_version()), media, make,
                          lang=lang, location=location,
                          headers={"Link": ldhttp.links("/dataset", license=index.license_iri(state.settings.license))})


@bp.route("/dataset", methods=["GET", "HEAD"])
@bp.route("/dataset<any('.ttl', '.jsonld', '.nt', '.rdf', '.html'):ext>", methods=["GET", "HEAD"])
def dataset(ext: str = "") -> Response:
    return _description_response(ldhttp.EXTENSIONS.get(ext))


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
def well_known_void() -> Response:
    return _description_response(None, WELL_KNOWN_OFFER)


@dataclass
class ValidationRow:
    severity: str
    focus: str
    focus_href: str | None  # None: the focus IRI is no web address (index.href)
    path: str
    value: str
    message: str


def validation_rows(report: Graph, index: GraphIndex) -> tuple[bool, list[ValidationRow]]:
    sh = Namespace("http://www.w3.org/ns/shacl#")
    conforms = all(str(o).lower() == "true" for o in report.objects(None, sh.conforms))
    rows = []
    for result in report.subjects(RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        rows.append(ValidationRow(
            severity=str(report.value(result, sh.resultSeverity) or "").rsplit("#", 1)[-1],
            focus=index.display(str(focus)) if focus is not None else "",
            focus_href=index.href(str(focus)) if isinstance(focus, URIRef) else "",
            path=index.curie(str(path)) if isinstance(path, URIRef) else "",
            value=str(value) if value is not None else "",
            message="; ".join(str(m) for m in report.objects(result, sh.resultMessage))))
    rows.sort(key=lambda r: ({"Violation": 0, "Warning": 1}.get(r.severity, 2), r.focus))
    return conforms, rows


@bp.route("/dataset/validation", methods=["GET", "HEAD"])
@bp.route("/dataset/validation<any('.ttl', '.html'):ext>", methods=["GET", "HEAD"])
def validation(ext: str = "") -> Response:
    state, build, index = context()
    path = build.folder / "validation.ttl"
    if not path.is_file():
        raise AppError(404, "this build has no published validation report")
    media = choose((ldhttp.HTML, ldhttp.TURTLE), "the validation report is available as text/html and text/turtle",
                   ldhttp.EXTENSIONS.get(ext))
    lang = pick_lang() if media == ldhttp.HTML else ""

    def make() -> bytes | str:
        raw = path.read_bytes()
        if media == ldhttp.TURTLE:
            return raw
        report = Graph()
        report.parse(data=raw.decode("utf-8"), format="turtle")
        conforms, rows = validation_rows(report, index)
        return render_page("validation.html", lang=lang, conforms=conforms, rows=rows, info=build.info)

    return representation(build, ("validation", media, lang), media, make, lang=lang)


@bp.route("/downloads/<name>", methods=["GET", "HEAD"])
def download(name: str) -> Response:
    state = app_state()
    build = state.engine.build()
    # Only names in the manifest are served: no path from the request ever reaches the file system.
    entry = next((d for d in load_manifest(build.folder) if d.name == name), None)
    if entry is None:
        raise AppError(404, "no such download; the list is at /dataset")
    resp = send_file(build.folder / entry.name, mimetype=entry.http_type, etag=entry.sha256, conditional=True,
                     max_age=state.max_age, last_modified=build.last_modified)
    # RFC 9530: a client can check the file it received without fetching the dataset description.
    resp.headers["Repr-Digest"] = f"sha-256=:{_b64(entry.sha256)}:"
    resp.headers["X-Almerekg-Build"] = build.info.build_id
    resp.headers["Cache-Control"] = f"public, max-age={state.max_age}"
    return resp


def _b64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")


@bp.route("/context.jsonld", methods=["GET", "HEAD"])
def jsonld_context_file() -> Response:
    state = app_state()
    build = state.engine.build()
    path = build.folder / CONTEXT_FILE

    def make() -> bytes:
        return path.read_bytes() if path.is_file() else json.dumps(jsonld_context(build.info.base), indent=1).encode()

    return representation(build, ("context",), ldhttp.JSONLD, make)
