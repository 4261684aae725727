"""What every family of data files needs while it turns rows into triples."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from ..vocab import Iris
from .rows import DataError, Row, read_csv

GRAPH_PREFIXES = {
    "ak": None,  # filled in per base
    "org": "http://www.w3.org/ns/org#",
    "rov": "http://www.w3.org/ns/regorg#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
}


# The languages the report is written in: Dutch, and English where appendix 3 copies a firm's own words and where
# appendix 2 lists an English publication.
LANGUAGES = ("nl", "en")


@dataclass
class Context:
    iris: Iris
    data_dir: Path
    # Where `almerekg link` writes reviewed links and fetched statistics (None: no linksets at all).
    linksets_dir: Path | None = None
    graphs: dict[str, Graph] = field(default_factory=dict)
    rows: dict[URIRef, list[str]] = field(default_factory=dict)
    derived: dict[URIRef, set[str]] = field(default_factory=dict)
    index: dict[str, dict[str, URIRef]] = field(default_factory=dict)

    # -- inputs -----------------------------------------------------------------------------------
    def read(self, name: str, required: tuple[str, ...] = ()) -> list[Row]:
        return read_csv(self.data_dir / name, required)

    # -- outputs ----------------------------------------------------------------------------------
    def graph(self, name: str) -> Graph:
        if name not in self.graphs:
            g = Graph(identifier=self.iris.graph(name))
            g.bind("ak", self.iris.defns)
            for prefix, ns in GRAPH_PREFIXES.items():
                if ns:
                    g.bind(prefix, ns)
            self.graphs[name] = g
        return self.graphs[name]

    def term(self, name: str) -> URIRef:
        return self.iris.term(name)

    def id(self, kind: str, ref: str, row: Row | None = None) -> URIRef:
        try:
            return self.iris.id(kind, ref)
        except ValueError as exc:
            if row is not None:
                raise row.fail(str(exc)) from exc
            raise

    def trace(self, subject: URIRef, row: Row, source: str | None = None) -> None:
        """Remember which data row made a subject, and which part of the report it derives from."""
        self.rows.setdefault(subject, [])
        if row.where not in self.rows[subject]:
            self.rows[subject].append(row.where)
        src = source if source is not None else row.get("source").strip()
        if src:
            if src not in self.index.get("source", {}):
                raise row.fail(f"source {src!r} is not an id in sources.csv")
            self.derived.setdefault(subject, set()).add(src)

    def register(self, kind: str, key: str, iri: URIRef, row: Row) -> None:
        bucket = self.index.setdefault(kind, {})
        if key in bucket and bucket[key] != iri:
            raise row.fail(f"{kind} id {key!r} is defined twice")
        bucket[key] = iri

    def lookup(self, kind: str, key: str, row: Row, column: str) -> URIRef:
        iri = self.index.get(kind, {}).get(key.strip())
        if iri is None:
            raise DataError(f"{row.where}: column {column!r} names {kind} {key.strip()!r}, which is not defined")
        return iri

    def described(self, row: Row, column: str, value: str | None = None) -> URIRef:
        """The thing a cell names as TYPE/REF (the IRI {base}/id/TYPE/REF); the graph must already describe it."""
        thing = (row.required(column) if value is None else value).strip()
        kind, sep, ref = thing.partition("/")
        if not sep or not ref:
            raise row.fail(f"column {column!r} must be TYPE/REF as in the IRI {{base}}/id/TYPE/REF, found {thing!r}")
        iri = self.id(kind, ref, row)
        if not any((iri, None, None) in g for g in self.graphs.values()):
            raise row.fail(f"column {column!r} names {thing}, which the graph does not describe")
        return iri

    def source(self, key: str) -> URIRef:
        return self.index["source"][key]

    # -- small helpers ----------------------------------------------------------------------------
    @staticmethod
    def nl(text: str) -> Literal:
        return Literal(text.strip(), lang="nl")

    @staticmethod
    def language(row: Row) -> str:
        """The language a row's quote is written in: its column `language` where the file has one, else Dutch.

        Appendix 3 copies some firms' descriptions in English from their sites; rows quoting them say `en`.
        """
        if "language" not in row.values:
            return "nl"
        lang = row.required("language")
        if lang not in LANGUAGES:
            raise row.fail(f"column 'language' must be one of {', '.join(LANGUAGES)}, found {lang!r}")
        return lang

    def quote(self, row: Row, column: str = "quote") -> Literal:
        """The report's words in a cell, tagged with the language they are written in."""
        return Literal(row.required(column), lang=self.language(row))

    @staticmethod
    def integer(value: int) -> Literal:
        return Literal(value, datatype=XSD.integer)

    def label(self, g: Graph, subject: URIRef, text: str, lang: str = "nl") -> None:
        g.add((subject, RDFS.label, Literal(text.strip(), lang=lang)))

    def concept(self, g: Graph, scheme: URIRef, iri: URIRef, label: str, notation: str | None = None,
                types: tuple[URIRef, ...] = ()) -> None:
        g.add((iri, RDF.type, SKOS.Concept))
        for t in types:
            g.add((iri, RDF.type, t))
        g.add((iri, SKOS.prefLabel, self.nl(label)))
        g.add((iri, RDFS.label, self.nl(label)))
        g.add((iri, SKOS.inScheme, scheme))
        if notation:
            g.add((iri, SKOS.notation, Literal(notation)))

