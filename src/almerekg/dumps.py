"""Bulk downloads of a build: the whole graph as N-Quads (gzip), TriG, Turtle and JSON-LD.

They are made at build time from the very N-Quads file that is loaded into the store, and published
beside the build (EmbeddedStore.publish(extra_files=...)), so a download always matches the data the
endpoint answers from and is replaced together with it. A manifest (downloads.json) records each
file's size, SHA-256 and number of quads or triples; the dataset description and /downloads read it.

Turtle has no named graphs: it holds the union of all graphs, so a triple stated in two graphs is
written once and the Turtle file counts distinct triples, not quads. The other three keep the graphs.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox

__all__ = [
    "CONTEXT_FILE", "DUMPS", "MANIFEST_FILE", "Download", "Dump", "jsonld_context", "jsonld_document",
    "load_manifest", "make_dumps", "prefixes",
]

MANIFEST_FILE = "downloads.json"
CONTEXT_FILE = "context.jsonld"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Every namespace ends in '/' or '#': JSON-LD 1.1 uses a term as a prefix only then (its "prefix flag").
_W3C_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "rov": "http://www.w3.org/ns/regorg#",
    "qb": "http://purl.org/linked-data/cube#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "schema": "https://schema.org/",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
}


def prefixes(base: str) -> dict[str, str]:
    """The prefixes used in every serialisation we write (the project's own first)."""
    return {"ak": base.rstrip("/") + "/def/", **_W3C_PREFIXES}


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str
    kind: str  # "quads" (named graphs kept) or "triples" (graphs merged)
    title_nl: str
    title_en: str
    eu_file_type: str  # the EU file-type authority code DCAT-AP(-NL) uses for dct:format
    compress: str = ""  # media type of the compression around it, if any


DUMPS: tuple[Dump, ...] = (
    Dump("almerekg.nq.gz", "application/n-quads", "quads", "Alle grafen als N-Quads (gzip)",
         "All graphs as N-Quads (gzip)", "RDF_N_QUADS", compress="application/gzip"),
    Dump("almerekg.trig", "application/trig", "quads", "Alle grafen als TriG", "All graphs as TriG",
         "RDF_TRIG"),
    Dump("almerekg.ttl", "text/turtle", "triples", "Alle grafen samengevoegd als Turtle",
         "All graphs merged into one, as Turtle", "RDF_TURTLE"),
    Dump("almerekg.jsonld", "application/ld+json", "quads", "Alle grafen als JSON-LD",
         "All graphs as JSON-LD", "JSON_LD"),
)


@dataclass(frozen=True)
class Download:
    """One line of the manifest: what a client needs to fetch and check a file."""

    name: str
    media_type: str
    compress: str
    kind: str
    count: int  # quads for "quads" dumps, distinct triples for "triples" dumps
    size: int
    sha256: str
    title_nl: str
    title_en: str
    eu_file_type: str

    @property
    def http_type(self) -> str:
        """The Content-Type of the file as served: a gzip file is a gzip file."""
        return self.compress or self.media_type


def jsonld_context(base: str) -> dict:
    return {"@context": dict(prefixes(base))}


class _Compactor:
    def __init__(self, prefix_map: dict[str, str]) -> None:
        # Longest namespace first, so that a namespace nested in another wins.
        self.pairs = sorted(((ns, p) for p, ns in prefix_map.items()), key=lambda x: -len(x[0]))

    def __call__(self, iri: str) -> str:
        for ns, prefix in self.pairs:
            if iri.startswith(ns):
                local = iri[len(ns):]
                # An empty suffix or one starting with '//' would not expand back to the same IRI.
                if local and not local.startswith("//"):
                    return f"{prefix}:{local}"
        return iri


def _serialized(items: list[ox.Quad] | list[ox.Triple], fmt: ox.RdfFormat, pfx: dict[str, str] | None = None) -> bytes:
    """The document's bytes (no output file given: pyoxigraph returns them; its stub says bytes | None)."""
    body = ox.serialize(items, format=fmt, prefixes=pfx) if pfx is not None else ox.serialize(items, format=fmt)
    return cast(bytes, body)


def _node_id(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    if isinstance(term, ox.Triple):
        raise ValueError(f"JSON-LD has no triple terms: {term} cannot be a subject of the JSON-LD dump")
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _value(term, compact: _Compactor) -> dict | str:  # noqa: ANN001 - any pyoxigraph term
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if dt == XSD_STRING:
            return term.value
        # Numbers stay strings with their datatype: a JSON number would change "1.50" into 1.5.
        return {"@value": term.value, "@type": compact(dt)}
    return {"@id": _node_id(term)}


def jsonld_document(quads: Iterable[ox.Quad], base: str) -> dict:
    """Compacted JSON-LD (prefixes only, which always expand back exactly) keeping named graphs."""
    compact = _Compactor(prefixes(base))
    graphs: dict[str, dict[str, dict]] = {}
    for q in quads:
        gname = "" if isinstance(q.graph_name, ox.DefaultGraph) else _node_id(q.graph_name)
        nodes = graphs.setdefault(gname, {})
        sid = _node_id(q.subject)
        node = nodes.setdefault(sid, {"@id": sid})
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(q.object.value))
        else:
            node.setdefault(compact(q.predicate.value), []).append(_value(q.object, compact))
    top = graphs.pop("", {})
    for gname in sorted(graphs):
        holder = top.setdefault(gname, {"@id": gname})
        holder["@graph"] = [_sorted_node(graphs[gname][s]) for s in sorted(graphs[gname])]
    return {"@context": dict(prefixes(base)), "@graph": [_sorted_node(top[s]) for s in sorted(top)]}


def _sorted_node(node: dict) -> dict:
    keys = sorted(node, key=lambda k: (not k.startswith("@"), k != "@id", k))
    return {k: node[k] for k in keys}


def count_lines(ntriples: bytes) -> int:
    """The statements of an N-Triples or N-Quads text (one a line; a newline inside a literal is escaped)."""
    return sum(1 for line in ntriples.split(b"\n") if line.strip())


def canonical_store(graphs: Iterable[tuple[str, bytes]]) -> ox.Store:
    """Named graphs given as N-Triples, in one in-memory Oxigraph store.

    Oxigraph keeps typed literals by value ("9.0"^^xsd:decimal becomes "9", "+00:00" becomes "Z"), so the
    dumps made from this store and the published store loaded from it hold exactly the terms the endpoint
    answers with."""
    store = ox.Store()
    for name, body in graphs:
        store.bulk_load(input=body, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    return store


def make_dumps(source: Path | ox.Store, base: str) -> list[tuple[str, bytes]]:
    """The download files and their manifest, as (file name, content) pairs for publish().

    `source` is the store a build publishes (dumps.canonical_store), or an N-Quads file."""
    if isinstance(source, ox.Store):
        canonical = source
    else:
        canonical = ox.Store()
        canonical.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
    # Sorted by graph, then subject, so TriG/Turtle group neatly and rebuilds give identical files; each
    # term is spelled out once for both sorts.
    keyed = sorted(((str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)), q)
                   for q in canonical.quads_for_pattern(None, None, None, None))
    quads = [q for _key, q in keyed]
    triples = [t for _key, t in sorted({key[1:]: q.triple for key, q in keyed}.items())]
    del keyed
    pfx = prefixes(base)
    bodies = {
        # Level 6, gzip's default (the build used 9, the slowest).
        "almerekg.nq.gz": (gzip.compress(_serialized(quads, ox.RdfFormat.N_QUADS), 6, mtime=0), len(quads)),
        "almerekg.trig": (_serialized(quads, ox.RdfFormat.TRIG, pfx), len(quads)),
        "almerekg.ttl": (_serialized(triples, ox.RdfFormat.TURTLE, pfx), len(triples)),
        # Without `indent`: json's C encoder is several times faster than the Python one `indent` needs.
        "almerekg.jsonld": (json.dumps(jsonld_document(quads, base), ensure_ascii=False, separators=(",", ":"))
                            .encode("utf-8"), len(quads)),
    }
    files: list[tuple[str, bytes]] = []
    manifest: list[dict] = []
    for dump in DUMPS:
        body, count = bodies[dump.name]
        files.append((dump.name, body))
        manifest.append(asdict(Download(
            name=dump.name, media_type=dump.media_type, compress=dump.compress, kind=dump.kind, count=count,
            size=len(body), sha256=hashlib.sha256(body).hexdigest(), title_nl=dump.title_nl,
            title_en=dump.title_en, eu_file_type=dump.eu_file_type,
        )))
    files.append((CONTEXT_FILE, json.dumps(jsonld_context(base), indent=1).encode("utf-8")))
    files.append((MANIFEST_FILE, json.dumps({"base": base, "quads": len(quads), "triples": len(triples),
                                             "files": manifest}, indent=1).encode("utf-8")))
    return files


def load_manifest(folder: Path) -> list[Download]:
    """The downloads published beside a build folder ([] for a build made before dumps existed)."""
    path = Path(folder) / MANIFEST_FILE
    if not path.is_file():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [Download(**entry) for entry in raw.get("files", [])]
