"""The SPARQL 1.1 Service Description answered on GET /sparql without a query.

It says what the endpoint speaks (formats, features), what the dataset is (the default graph is the
union of all named graphs unless the request names graphs) and which limits apply.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ...engine import formats
from ...settings import Settings
from ...store import BuildInfo
from ...vocab import VOID

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENT = Namespace("http://www.w3.org/ns/entailment/")

RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG",
)

# The formats the description itself is offered in (an RDF document about the service).
DESCRIPTION_FORMATS = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
                       "application/trig")

UNION_NOTE = (
    "Without default-graph-uri or named-graph-uri (and without FROM / FROM NAMED in the query), the "
    "default graph is the union of all named graphs, and every named graph is available to GRAPH. "
    "With default-graph-uri / named-graph-uri, the dataset is exactly the graphs named in the request."
)


def limits_text(settings: Settings) -> list[str]:
    allow = ", ".join(settings.service_allow) if settings.service_allow else "none (SERVICE is refused)"
    return [
        f"Query timeout: {settings.query_timeout:g} s; a query that runs longer is stopped and answered 503.",
        f"Maximum result size: {settings.max_result_bytes} bytes; a larger answer is refused with 422, "
        "never cut short.",
        f"Maximum request size: {settings.max_request_bytes} bytes "
        "(413 for a larger body, 414 for a longer URL); maximum query text: "
        f"{settings.max_query_bytes} bytes (413).",
        f"Memory per query: {settings.worker_memory // (1024 * 1024)} MiB; a query that needs more is stopped (422).",
        _per_client(settings),
        f"SERVICE (federation) allowed to: {allow}.",
        "Read-only: SPARQL Update is refused with 403.",
    ]


def _per_client(settings: Settings) -> str:
    share = f"at most {settings.client_processes} query processes" if settings.client_processes > 0 \
        else "all query processes but one at most"
    deaths = (f"after {settings.client_deaths} queries that crashed, ran out of memory or timed out within "
              f"{settings.client_deaths_window:g} s, 429 with Retry-After; " if settings.client_deaths > 0 else "")
    return f"Per client: {deaths}one client's queries use {share} at once."


def build_graph(endpoint: str, settings: Settings, info: BuildInfo | None) -> Graph:
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    svc = URIRef(endpoint)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allow:
        g.add((svc, SD.feature, SD.BasicFederatedQuery))
    g.add((svc, SD.defaultEntailmentRegime, ENT.Simple))
    for name in RESULT_FORMAT_IRIS:
        g.add((svc, SD.resultFormat, FORMATS[name]))
    title = "SPARQL endpoint of 'Groei door samenwerking in Almere' (2011)"
    g.add((svc, DCTERMS.title, Literal(title, lang="en")))
    g.add((svc, RDFS.comment, Literal(UNION_NOTE, lang="en")))
    for line in limits_text(settings):
        g.add((svc, RDFS.comment, Literal(line, lang="en")))
    if info is None:
        return g
    # Blank nodes named after what they stand for, not at random: serialisers order blank nodes by name, so the
    # description is the same bytes on every request (its ETag promises that).
    dataset = BNode("dataset")
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.identifier, Literal(info.build_id)))
    # The VoID description of the same dataset (which names this endpoint as its void:sparqlEndpoint).
    g.add((dataset, RDFS.seeAlso, URIRef(info.base + "/dataset#dataset")))
    g.add((svc, RDFS.seeAlso, URIRef(info.base + "/.well-known/void")))
    if info.created:
        g.add((dataset, DCTERMS.modified, Literal(info.created)))
    default = BNode("default-graph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    if info.union_triples:  # never the quad count: a triple in two graphs is one triple of the union
        g.add((default, VOID.triples, Literal(info.union_triples, datatype=XSD.integer)))
    for i, (name, count) in enumerate(sorted(info.graphs.items())):
        named, graph = BNode(f"named-graph-{i:04d}"), BNode(f"graph-{i:04d}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g


def render(media_type: str, settings: Settings, info: BuildInfo | None) -> bytes:
    """The description in an RDF format; `sd:endpoint` is the configured public IRI, never the request's Host."""
    graph = build_graph(settings.endpoint_iri, settings, info)
    return graph.serialize(format=formats.rdflib_format(media_type), encoding="utf-8")
