"""The report itself: title, authors, commissioner, literature list and the recommendations of Schema 1."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SDO, XSD

from ..vocab import slug
from .codes import report_iri
from .context import Context
from .rows import Row

TITLES = ("prof. dr. ", "dr. ", "Dr. ")
SUFFIXES = (" MSc",)


def person_name(printed: str) -> str:
    """'Dr. Jan Peter van den Toren' -> 'Jan Peter van den Toren' (titles stay in the printed label)."""
    name = printed.strip()
    changed = True
    while changed:
        changed = False
        for t in TITLES:
            if name.startswith(t):
                name, changed = name[len(t):], True
        for s in SUFFIXES:
            if name.endswith(s):
                name, changed = name[: -len(s)], True
    return name


def build_report(ctx: Context) -> None:
    g = ctx.graph("report")
    report = report_iri(ctx)
    g.add((report, RDF.type, SDO.Report))
    g.add((report, RDF.type, PROV.Entity))
    orgs = {}
    for iri in ctx.index.get("organisation", {}).values():
        for label in ctx.graph("organisations").objects(iri, SDO.name):
            orgs[str(label).lower()] = iri
    for row in ctx.read("report.csv", ("property", "value", "source", "quote")):
        prop = row.required("property")
        value = row.required("value")
        ctx.trace(report, row)
        ctx.register("row", f"report.csv|{prop}|{value}", report, row)
        if prop == "title":
            g.add((report, DCTERMS.title, ctx.nl(value)))
            g.add((report, RDFS.label, ctx.nl(value)))
            g.add((report, SDO.name, ctx.nl(value)))
        elif prop == "subtitle":
            g.add((report, SDO.alternativeHeadline, ctx.nl(value)))
        elif prop == "date":
            g.add((report, SDO.datePublished, Literal("2011-01", datatype=XSD.gYearMonth)))
            g.add((report, DCTERMS.issued, Literal("2011-01", datatype=XSD.gYearMonth)))
            if value != "januari 2011":
                raise row.fail(f"date {value!r} is not the one the build knows how to convert (januari 2011)")
        elif prop in ("commissioner", "in-cooperation-with"):
            org = orgs.get(value.lower())
            if org is None:
                raise row.fail(f"{prop} {value!r} is not the name of an organisation in organisations.csv")
            g.add((report, ctx.term("commissionedBy" if prop == "commissioner" else "inCooperationWith"), org))
            if prop == "commissioner":
                g.add((report, SDO.funder, org))
        elif prop in ("author", "contributor"):
            person = ctx.id("person", slug(person_name(value)), row)
            g.add((person, RDF.type, FOAF.Person))
            g.add((person, RDF.type, SDO.Person))
            g.add((person, RDFS.label, Literal(value)))
            g.add((person, FOAF.name, Literal(person_name(value))))
            g.add((person, SDO.name, Literal(person_name(value))))
            g.add((report, SDO.author if prop == "author" else SDO.contributor, person))
            g.add((report, DCTERMS.creator if prop == "author" else DCTERMS.contributor, person))
            ctx.trace(person, row)
        else:
            raise row.fail(f"property {prop!r} is not one the build knows (title, subtitle, date, commissioner, "
                           "in-cooperation-with, author, contributor)")

    for row in ctx.read("literature.csv", ("id", "citation", "title", "year", "source", "language")):
        work = ctx.id("publication", row.required("id"), row)
        g.add((work, RDF.type, SDO.CreativeWork))
        g.add((work, RDFS.label, Literal(row.required("citation"))))
        g.add((work, DCTERMS.bibliographicCitation, Literal(row.required("citation"))))
        _title(ctx, g, work, row)
        g.add((work, DCTERMS.date, Literal(str(row.integer("year")), datatype=XSD.gYear)))
        g.add((report, DCTERMS.references, work))
        ctx.register("publication", row.required("id"), work, row)
        ctx.register("row", f"literature.csv|{row['id'].strip()}", work, row)
        ctx.trace(work, row)

    g = ctx.graph("schema-1")
    for row in ctx.read("recommendations.csv", ("number", "text", "source")):
        number = row.integer("number")
        rec = ctx.id("recommendation", str(number), row)
        g.add((rec, RDF.type, ctx.term("Recommendation")))
        g.add((rec, RDF.type, SDO.CreativeWork))
        g.add((rec, SDO.position, Literal(number, datatype=XSD.integer)))
        g.add((rec, SDO.text, ctx.nl(row.required("text"))))
        g.add((rec, RDFS.label, Literal(f"Aanbeveling {number}", lang="nl")))
        g.add((rec, RDFS.label, Literal(f"Recommendation {number}", lang="en")))
        g.add((rec, SDO.isPartOf, ctx.source("schema-1")))
        ctx.register("row", f"recommendations.csv|{number}", rec, row)
        ctx.trace(rec, row)


def _title(ctx: Context, g: Graph, work: URIRef, row: Row) -> None:
    """A publication's title as Bijlage 2 prints it, in its own language: eighteen of the entries are English.

    The title must be words of the entry's citation, so that it is the report's and not a typed-in variant.
    """
    title = row.required("title")
    if title not in row.required("citation"):
        raise row.fail(f"column 'title' ({title!r}) is not words of the entry's citation")
    g.add((work, DCTERMS.title, ctx.quote(row, "title")))  # not a label: pages keep naming it by its citation
    g.add((work, SDO.inLanguage, Literal(ctx.language(row))))
