"""How a description of a thing is offered: HTML for people, RDF for programs (sent by core/respond.py).

An extension in the path wins (/doc/x.ttl), then ?format=, then Accept with its q-values
(http/negotiation.py). Formats, their extensions and labels come from the one registry (engine/formats.py).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Request

from ...dumps import jsonld_document
from ...engine import formats as registry
from ..http import negotiation

HTML = "text/html"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"

# What a description is offered as, in order of preference for a client that takes anything: people
# following a link get the page, programs ask for RDF by Accept or by extension.
OFFER = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
EXTENSIONS = {registry.get(m).extension: m for m in OFFER}
EXTENSION_OF = {m: registry.get(m).extension for m in OFFER}
FORMAT_NAMES = {m: registry.get(m).label for m in OFFER if m != HTML}
# Representations differ by format and encoding, and HTML pages also by the language a browser asks for.
VARY = "Accept, Accept-Encoding, Accept-Language"


def links(path: str, *, offer: tuple[str, ...] = OFFER, describedby: str | None = None,
          license: str | None = None) -> str:
    """The `Link` header (RFC 8288) of a description at `path`: an alternate per format it is offered in, what
    describes it, and its licence, so that a client finds the RDF without parsing the page."""
    parts = [f'<{path}{EXTENSION_OF[m]}>; rel="alternate"; type="{m}"' for m in offer]
    if describedby:
        parts.append(f'<{describedby}>; rel="describedby"')
    if license:
        parts.append(f'<{license}>; rel="license"')
    return ", ".join(parts)


def split_extension(path: str) -> tuple[str, str | None]:
    """'firm/usg-people.ttl' -> ('firm/usg-people', 'text/turtle'); no known extension -> (path, None)."""
    for ext, media in EXTENSIONS.items():
        if path.endswith(ext):
            return path[: -len(ext)], media
    return path, None


def negotiate(req: Request, forced: str | None, offer: tuple[str, ...] = OFFER) -> str | None:
    """An extension wins, then ?format=, then Accept (q-values honoured); None: nothing acceptable."""
    if forced is not None:
        return forced if forced in offer else None
    return negotiation.choose(req.headers.get("Accept"), offer, req.args.getlist("format"))


def to_jsonld(ntriples: bytes, base: str) -> bytes:
    """JSON-LD compacted with the published context (pyoxigraph writes only expanded JSON-LD)."""
    quads = sorted(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
                   key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
    return json.dumps(jsonld_document(quads, base), ensure_ascii=False, indent=1).encode("utf-8")


__all__ = ["EXTENSIONS", "EXTENSION_OF", "FORMAT_NAMES", "HTML", "JSONLD", "NTRIPLES", "OFFER", "RDFXML", "TURTLE",
           "links",
           "negotiate", "split_extension", "to_jsonld"]
