"""Where the report says a figure, table or finding comes from (data/citations.csv), in the graph 'report'.

The footnotes and source lines of the report name the publication or statistic behind a figure ("Bron: Gemeente
Almere, Sociale Atlas van Almere 2010"). Each such reference is an ak:Citation: the thing it is cited for (a table,
an observation, a claim), the work it cites where Bijlage 2 lists it (or the organisation that supplied the figures),
and the reference as printed, so a statistic that Bijlage 2 does not list is kept as well.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from .context import Context
from .rows import Row

FILE = "citations.csv"


def build_citations(ctx: Context) -> None:
    g = ctx.graph("report")
    for row in ctx.read(FILE, ("id", "thing", "cites", "printed", "source", "quote")):
        key = row.required("id")
        citation = ctx.id("citation", key, row)
        g.add((citation, RDF.type, ctx.term("Citation")))
        g.add((citation, ctx.term("citedFor"), ctx.described(row, "thing")))
        cites = row.get("cites").strip()
        if cites:
            g.add((citation, DCTERMS.references, _cited(ctx, cites, row)))
        printed = row.required("printed")
        g.add((citation, ctx.term("printedReference"), ctx.nl(printed)))
        g.add((citation, RDFS.label, Literal(f"Bron: {printed}", lang="nl")))
        g.add((citation, RDFS.label, Literal(f"Source: {printed}", lang="en")))
        g.add((citation, ctx.term("quote"), ctx.quote(row)))
        g.add((citation, PROV.wasDerivedFrom, ctx.source(row.required("source"))))
        ctx.register("row", f"{FILE}|{key}", citation, row)
        ctx.trace(citation, row)


def _cited(ctx: Context, key: str, row: Row) -> URIRef:
    """A publication of Bijlage 2 (literature.csv) or an organisation that supplied the figures."""
    for kind in ("publication", "organisation"):
        iri = ctx.index.get(kind, {}).get(key)
        if iri is not None:
            return iri
    raise row.fail(f"column 'cites' names {key!r}, which is no publication (literature.csv) or organisation")


__all__ = ["build_citations"]
