"""Namespaces and the IRI scheme (Dutch URI strategy: {base}/id/{type}/{ref}, {base}/def/..., {base}/doc/...)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, XSD
from rdflib.term import Identifier, Node

from .settings import DEFAULT_BASE

ROV = Namespace("http://www.w3.org/ns/regorg#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATT = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_MEA = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
BIBO = Namespace("http://purl.org/ontology/bibo/")

__all__ = [
    "BIBO", "DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "QB", "RDF", "RDFS", "ROV", "SDMX_ATT",
    "SDMX_DIM", "SDMX_MEA", "SDO", "SH", "SKOS", "VOID", "XSD", "Iris", "link_for", "slug", "sorted_terms",
]

_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_WEB_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$", re.IGNORECASE)


def sorted_terms(nodes: Iterable[Node]) -> list[Identifier]:
    """Terms of a graph in rdflib's order. rdflib types what a graph gives back as Node, which has no order;
    the IRIs, blank nodes and literals of a graph are Identifiers, which do."""
    terms = []
    for node in nodes:
        if not isinstance(node, Identifier):
            raise TypeError(f"{node!r} is not an RDF term")
        terms.append(node)
    return sorted(terms)


def link_for(iri: str | None, base: str) -> str | None:
    """Where a link to a thing goes: the one function every page uses to turn an IRI into an href.

    Our own IRIs become paths on this site ({base}/id/x -> /doc/x, {base}/def/T -> /def/T); other
    http(s) IRIs stay as they are; anything else (javascript:, data:, a relative or malformed IRI,
    whatever the data or a query answer says) gets no link at all.
    """
    if not iri:
        return None
    base = base.rstrip("/")
    if iri.startswith(base + "/id/"):
        return "/doc/" + iri[len(base) + 4:]
    if iri == base + "/def" or iri.startswith(base + "/"):
        path = iri[len(base):]
        return path if _WEB_IRI.match("http://x" + path) else None
    return iri if _WEB_IRI.match(iri) else None


def slug(text: str) -> str:
    """A readable, stable ASCII reference for an IRI (used for keys that have no id column)."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    norm = norm.replace("&", " en ").replace("+", "-plus")
    return re.sub(r"[^a-z0-9]+", "-", norm).strip("-")


class Iris:
    """Mints every IRI of the graph under one base, so the base is configurable in one place."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base.rstrip("/")
        self.defns = Namespace(self.base + "/def/")
        self.ontology = URIRef(self.base + "/def")

    def id(self, kind: str, ref: str) -> URIRef:
        ref = str(ref)
        for part in ref.split("/"):
            if not _SLUG_OK.match(part):
                raise ValueError(f"reference {ref!r} for type {kind!r} is not a lower-case slug")
        return URIRef(f"{self.base}/id/{kind}/{ref}")

    def term(self, name: str) -> URIRef:
        return self.defns[name]

    def graph(self, name: str) -> URIRef:
        return self.id("graph", name)

    def doc(self, thing: str) -> str:
        """The page about a thing: {base}/id/x/y -> {base}/doc/x/y."""
        prefix = self.base + "/id/"
        if not thing.startswith(prefix):
            raise ValueError(f"{thing} is not an IRI under {prefix}")
        return self.base + "/doc/" + thing[len(prefix):]
