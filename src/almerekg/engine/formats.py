"""The one registry of answer formats: media type, extension, short name, label, engine format, kind.

Every front end (the /sparql endpoint, linked-data pages, saved-query downloads, dumps, the command line)
looks formats up here, so a format exists once: what the engine writes, what a client may ask for by
`Accept` or `?format=`, which file extension it downloads with.

Kinds: `results` (SELECT and ASK answers), `graph` (CONSTRUCT/DESCRIBE answers and RDF documents),
`page` (HTML for people). The first format of a kind is its default.
"""

from __future__ import annotations

from dataclasses import dataclass

RESULTS = "results"
GRAPH = "graph"
PAGE = "page"


@dataclass(frozen=True)
class Format:
    media_type: str
    kind: str
    extension: str  # with the dot: ".ttl"
    label: str
    engine: str | None = None  # the pyoxigraph QueryResultsFormat / RdfFormat member that writes it
    names: tuple[str, ...] = ()  # short names for ?format= (also accepted: the media type itself)
    aliases: tuple[str, ...] = ()  # other media types clients send for the same thing
    quads: bool = False  # a dataset format (named graphs kept)
    rdflib: str | None = None  # rdflib's serializer name, for documents assembled with rdflib

    def content_type(self) -> str:
        """Content-Type value; text types say UTF-8 explicitly so that no client guesses Latin-1."""
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


REGISTRY: tuple[Format, ...] = (
    # SELECT / ASK answers, in order of preference when the client does not care.
    Format("application/sparql-results+json", RESULTS, ".srj", "SPARQL JSON", "JSON", ("json", "srj"),
           ("application/json",)),
    Format("application/sparql-results+xml", RESULTS, ".srx", "SPARQL XML", "XML", ("xml", "srx"),
           ("application/xml", "text/xml")),
    # text/plain is answered as Oxigraph's own server answers it: CSV for results, N-Triples for graphs.
    Format("text/csv", RESULTS, ".csv", "CSV", "CSV", ("csv",), ("text/plain",)),
    Format("text/tab-separated-values", RESULTS, ".tsv", "TSV", "TSV", ("tsv",)),
    # Graphs and RDF documents.
    Format("text/turtle", GRAPH, ".ttl", "Turtle", "TURTLE", ("turtle", "ttl", "n3"),
           ("application/x-turtle", "application/turtle", "text/n3"), rdflib="turtle"),
    Format("application/n-triples", GRAPH, ".nt", "N-Triples", "N_TRIPLES", ("nt", "ntriples", "n-triples"),
           ("text/plain",), rdflib="nt"),
    Format("application/rdf+xml", GRAPH, ".rdf", "RDF/XML", "RDF_XML", ("rdf", "xml", "rdfxml", "rdf+xml", "owl"),
           ("application/xml", "text/xml"), rdflib="xml"),
    Format("application/ld+json", GRAPH, ".jsonld", "JSON-LD", "JSON_LD", ("json", "jsonld", "json-ld"),
           ("application/json", "application/x-json+ld"), rdflib="json-ld"),
    Format("application/n-quads", GRAPH, ".nq", "N-Quads", "N_QUADS", ("nq", "nquads", "n-quads"), quads=True,
           rdflib="nquads"),
    Format("application/trig", GRAPH, ".trig", "TriG", "TRIG", ("trig",), quads=True, rdflib="trig"),
    # Pages for people.
    Format("text/html", PAGE, ".html", "HTML", None, ("html",), ("application/xhtml+xml",)),
)

_BY_MEDIA = {f.media_type: f for f in REGISTRY}


def get(media_type: str) -> Format:
    """The format of a canonical media type (KeyError for one that is not in the registry)."""
    return _BY_MEDIA[media_type]


def engine_format(media_type: str) -> str:
    """The pyoxigraph format member that writes a media type (ValueError for one the engine does not write)."""
    name = get(media_type).engine
    if name is None:
        raise ValueError(f"the engine does not write {media_type}")
    return name


def rdflib_format(media_type: str) -> str:
    """rdflib's serializer name for a media type (ValueError for one rdflib does not write here)."""
    name = get(media_type).rdflib
    if name is None:
        raise ValueError(f"no rdflib serializer writes {media_type}")
    return name


def aliases(media_type: str) -> tuple[str, ...]:
    """The other names clients use for a media type; none for one outside the registry (e.g. text/plain)."""
    known = _BY_MEDIA.get(media_type)
    return known.aliases if known is not None else ()


def of_kind(*kinds: str) -> tuple[Format, ...]:
    return tuple(f for f in REGISTRY if f.kind in kinds)


def media_types(*kinds: str) -> tuple[str, ...]:
    return tuple(f.media_type for f in of_kind(*kinds))


def by_name(name: str, offer: tuple[str, ...]) -> Format | None:
    """The offered format a `?format=` value names: a short name, a media type or an alias of one."""
    key = name.strip().lower().split(";")[0].strip()
    for f in REGISTRY:
        if f.media_type in offer and (key == f.media_type or key in f.names):
            return f
    for f in REGISTRY:
        if f.media_type in offer and key in f.aliases:
            return f
    return None


def describe(offer: tuple[str, ...]) -> str:
    return ", ".join(offer)
