"""The SPARQL 1.1 Service Description answered on GET /sparql without a query.

It says what the endpoint speaks (formats, features), what the dataset is (the default graph is the
union of all named graphs unless the request names graphs) and which limits apply.
"""

from __future__ import annotations

import re

from flask import render_template
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..config import Config
from ..store import BuildInfo
from ..vocab import VOID

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENT = Namespace("http://www.w3.org/ns/entailment/")

RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG",
)

# rdflib serializer names for the description's RDF media types.
_RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
}

_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")

UNION_NOTE = (
    "Without default-graph-uri or named-graph-uri (and without FROM / FROM NAMED in the query), the "
    "default graph is the union of all named graphs, and every named graph is available to GRAPH. "
    "With default-graph-uri / named-graph-uri, the dataset is exactly the graphs named in the request."
)


def endpoint_iri(host: str, scheme: str, config: Config) -> str:
    """The endpoint's own address as the client reached it; the configured base if Host looks odd."""
    if _SAFE_HOST.match(host or "") and scheme in ("http", "https"):
        return f"{scheme}://{host}/sparql"
    return config.base.rstrip("/") + "/sparql"


def limits_text(config: Config) -> list[str]:
    from .engine import DEFAULT_WORKER_MEMORY

    allow = ", ".join(config.service_allowlist) if config.service_allowlist else "none (SERVICE is refused)"
    memory = int(config.extra.get("worker_memory_bytes", DEFAULT_WORKER_MEMORY))
    return [
        f"Query timeout: {config.query_timeout:g} s; a query that runs longer is stopped and answered 503.",
        f"Maximum result size: {config.max_result_bytes} bytes; a larger answer is refused with 500, "
        "never cut short.",
        f"Maximum request size: {config.max_request_bytes} bytes "
        "(413 for a larger body, 414 for a longer URL).",
        f"Memory per query: {memory // (1024 * 1024)} MiB; a query that needs more is stopped (500).",
        f"SERVICE (federation) allowed to: {allow}.",
        "Read-only: SPARQL Update is refused with 403.",
    ]


def build_graph(endpoint: str, config: Config, info: BuildInfo | None) -> Graph:
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
    if config.service_allowlist:
        g.add((svc, SD.feature, SD.BasicFederatedQuery))
    g.add((svc, SD.defaultEntailmentRegime, ENT.Simple))
    for name in RESULT_FORMAT_IRIS:
        g.add((svc, SD.resultFormat, FORMATS[name]))
    title = "SPARQL endpoint of 'Groei door samenwerking in Almere' (2011)"
    g.add((svc, DCTERMS.title, Literal(title, lang="en")))
    g.add((svc, RDFS.comment, Literal(UNION_NOTE, lang="en")))
    for line in limits_text(config):
        g.add((svc, RDFS.comment, Literal(line, lang="en")))
    if info is None:
        return g
    dataset = BNode()
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.identifier, Literal(info.build_id)))
    if info.created:
        g.add((dataset, DCTERMS.modified, Literal(info.created)))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    g.add((default, VOID.triples, Literal(info.triples, datatype=XSD.integer)))
    for name, count in sorted(info.graphs.items()):
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g


def render(media_type: str, endpoint: str, config: Config, info: BuildInfo | None) -> bytes:
    if media_type == "text/html":
        return render_template(
            "sparql.html",
            endpoint=endpoint,
            info=info,
            graphs=sorted(info.graphs.items()) if info else [],
            limits=limits_text(config),
            union_note=UNION_NOTE,
        ).encode("utf-8")
    graph = build_graph(endpoint, config, info)
    return graph.serialize(format=_RDFLIB_FORMATS[media_type], encoding="utf-8")
