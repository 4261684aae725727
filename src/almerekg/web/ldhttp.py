"""HTTP plumbing shared by the linked-data pages: format choice, caching headers, JSON-LD output."""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Request, Response, request

from ..dumps import jsonld_document
from . import formats
from .cache import CachedAnswer
from .engine import ActiveBuild
from .responses import answer, caching_headers, etag_for, not_modified

HTML = "text/html"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"

# What a description is offered as, in order of preference for a client that takes anything: people
# following a link get the page, programs ask for RDF by Accept or by extension.
OFFER = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
EXTENSIONS = {".ttl": TURTLE, ".jsonld": JSONLD, ".nt": NTRIPLES, ".rdf": RDFXML, ".html": HTML}
EXTENSION_OF = {media: ext for ext, media in EXTENSIONS.items()}
FORMAT_NAMES = {TURTLE: "Turtle", JSONLD: "JSON-LD", NTRIPLES: "N-Triples", RDFXML: "RDF/XML"}
_ALIASES = {"application/xhtml+xml": HTML, "application/json": JSONLD, "application/x-turtle": TURTLE,
            "application/turtle": TURTLE, "text/n3": TURTLE, "application/xml": RDFXML, "text/xml": RDFXML}


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
    for value in req.args.getlist("format"):
        if value.strip().lower() == "html" and HTML in offer:
            return HTML
        found = formats.lookup(formats.GRAPH, value)
        if found in offer:
            return found
    if not req.headers.get("Accept", "").strip():
        return offer[0]
    best = req.accept_mimetypes.best_match(list(offer) + [a for a, m in _ALIASES.items() if m in offer])
    if best is None:
        return None
    return _ALIASES.get(best, best)


def to_jsonld(ntriples: bytes, base: str) -> bytes:
    """JSON-LD compacted with the published context (pyoxigraph writes only expanded JSON-LD)."""
    quads = sorted(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
                   key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
    return json.dumps(jsonld_document(quads, base), ensure_ascii=False, indent=1).encode("utf-8")


# Representations differ by format and encoding, and HTML pages also by the language a browser asks for.
VARY = "Accept, Accept-Encoding, Accept-Language"


def revalidate(build: ActiveBuild, key: tuple, max_age: int) -> tuple[str, Response | None]:
    """The ETag for a representation, and a 304 answer when the client already has it."""
    etag = etag_for((build.info.build_id, *key))
    if not_modified(request, etag, build.last_modified):
        resp = Response(status=304)
        caching_headers(resp, etag, build.last_modified, max_age)
        resp.headers["Vary"] = VARY
        return etag, resp
    return etag, None


def send(body: bytes | str, media: str, build: ActiveBuild, etag: str, max_age: int, status: int = 200,
         content_location: str | None = None, lang: str | None = None) -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    resp = answer(request, CachedAnswer(data, media), status=status)
    caching_headers(resp, etag if status == 200 else None, build.last_modified, max_age)
    resp.headers["Vary"] = VARY
    resp.headers["X-Almerekg-Build"] = build.info.build_id
    if content_location:
        resp.headers["Content-Location"] = content_location
    if lang:
        resp.headers["Content-Language"] = lang
    return resp
