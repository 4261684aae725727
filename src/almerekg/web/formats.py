"""Which serialisation a client gets: the `format` parameter first, then Accept with its q-values.

Three families, each with a default (the first entry) for clients that accept anything:
results of SELECT/ASK, graphs from CONSTRUCT/DESCRIBE, and the service description.
"""

from __future__ import annotations

from collections.abc import Iterable

from werkzeug.datastructures import MIMEAccept

RESULTS = "results"
GRAPH = "graph"
DESCRIPTION = "description"

# Canonical media types, in order of preference when the client does not care.
CANONICAL: dict[str, tuple[str, ...]] = {
    RESULTS: (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    GRAPH: (
        "text/turtle",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
        "application/n-quads",
        "application/trig",
    ),
    DESCRIPTION: (
        "text/turtle",
        "text/html",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
        "application/trig",
    ),
}

# Other media types clients send for the same thing (matched after the canonical ones).
_ALIASES: dict[str, dict[str, str]] = {
    RESULTS: {
        "application/json": "application/sparql-results+json",
        "application/xml": "application/sparql-results+xml",
        "text/xml": "application/sparql-results+xml",
    },
    GRAPH: {
        "application/x-turtle": "text/turtle",
        "application/turtle": "text/turtle",
        "text/n3": "text/turtle",  # Turtle is N3
        "text/plain": "application/n-triples",
        "application/xml": "application/rdf+xml",
        "text/xml": "application/rdf+xml",
        "application/json": "application/ld+json",
        "application/x-json+ld": "application/ld+json",
    },
}
_ALIASES[DESCRIPTION] = {k: v for k, v in _ALIASES[GRAPH].items() if v in CANONICAL[DESCRIPTION]}
_ALIASES[DESCRIPTION]["application/xhtml+xml"] = "text/html"

# Short names for the `format` parameter (browsers cannot set Accept from a link). SPARQLWrapper
# sends its return format this way too (json, xml, turtle, n3, rdf, rdf+xml, json-ld, csv, tsv).
_SHORT: dict[str, dict[str, str]] = {
    RESULTS: {"json": "application/sparql-results+json", "srj": "application/sparql-results+json",
              "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
              "csv": "text/csv", "tsv": "text/tab-separated-values"},
    GRAPH: {"turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle",
            "nt": "application/n-triples", "ntriples": "application/n-triples",
            "n-triples": "application/n-triples",
            "rdf": "application/rdf+xml", "xml": "application/rdf+xml", "rdfxml": "application/rdf+xml",
            "rdf+xml": "application/rdf+xml", "owl": "application/rdf+xml",
            "json": "application/ld+json", "jsonld": "application/ld+json", "json-ld": "application/ld+json",
            "nq": "application/n-quads", "nquads": "application/n-quads", "n-quads": "application/n-quads",
            "trig": "application/trig"},
}
_SHORT[DESCRIPTION] = {k: v for k, v in _SHORT[GRAPH].items() if v in CANONICAL[DESCRIPTION]}
_SHORT[DESCRIPTION]["html"] = "text/html"

FORMAT_PARAMS = ("format", "output", "results")


def lookup(family: str, name: str) -> str | None:
    """The canonical media type for a `format` value (short name or media type), or None."""
    key = name.strip().lower().split(";")[0].strip()
    if key in CANONICAL[family]:
        return key
    return _SHORT[family].get(key) or _ALIASES[family].get(key)


def negotiate(family: str, accept: MIMEAccept, format_values: Iterable[str] = ()) -> str | None:
    """The media type to answer with, or None when nothing the client asked for is on offer.

    `format` wins over Accept (it is what a person typed). Values we do not know are skipped, since
    generic clients send several spellings at once; when all are unknown, Accept decides.
    """
    for value in format_values:
        if value.strip():
            found = lookup(family, value)
            if found:
                return found
    canonical = CANONICAL[family]
    if not accept:  # no Accept header at all: anything goes
        return canonical[0]
    aliases = _ALIASES[family]
    best = accept.best_match(list(canonical) + list(aliases))
    if best is None:
        return None
    return aliases.get(best, best)


def describe_offer(family: str) -> str:
    return ", ".join(CANONICAL[family])


def with_charset(media_type: str) -> str:
    """Content-Type value; text types say UTF-8 explicitly so that no client guesses Latin-1."""
    if media_type.startswith("text/"):
        return f"{media_type}; charset=utf-8"
    return media_type
