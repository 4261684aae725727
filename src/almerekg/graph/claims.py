"""What the report says is so, in its own words (data/claims.csv), in the graph 'claims'.

The tables and facts of the report are rows of their own; its conclusions in words are not figures, names or
relations, yet they are what a reader comes for: what Wall and Burger conclude about Almere, why firms came to
Almere, that the networks focus on Almere itself. Each is a schema:Claim (the schema.org type for "a specific,
factually-oriented claim that could be the itemReviewed in a ClaimReview"): its words as schema:text, who makes it
(schema:author: the authors of the report, the firms surveyed, an organisation; or the publication of appendix 2 it
first appeared in, schema:firstAppearance), the part of the report it appears in (schema:appearance), what it is about
(schema:about), its kind (ak:claimKind) and, where it restates a figure of the graph, that observation
(ak:restatesFigure). The ontology (ontology/almerekg.ttl) says why schema.org rather than nanopublications or Web
Annotation.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, QB, RDF, RDFS, SDO
from rdflib.term import Identifier

from ..vocab import sorted_terms
from .codes import report_iri
from .context import Context
from .rows import Row

GRAPH = "claims"
FILE = "claims.csv"
COLUMNS = ("id", "kind", "by", "about", "figure", "source", "quote", "language")
SEPARATOR = ";"
KINDS = ("finding", "conclusion", "judgement", "reason", "expectation")
# Who makes a claim, where no publication or organisation of the data does: the report's authors, or the firms
# that answered the survey (appendix 1), a group the report speaks for ("de ondervraagde bedrijven").
AUTHORS = "authors"
RESPONDENTS = "respondents"
RESPONDENT_LABELS = ("de ondervraagde bedrijven", "the firms surveyed")
LABEL_WORDS = 8  # a claim's label is the start of its words


def build_claims(ctx: Context) -> None:
    g = ctx.graph(GRAPH)
    authors = sorted_terms(ctx.graph("report").objects(report_iri(ctx), SDO.author))
    for row in ctx.read(FILE, COLUMNS):
        key = row.required("id")
        claim = ctx.id("claim", key, row)
        ctx.register("claim", key, claim, row)
        ctx.register("row", f"{FILE}|{key}", claim, row)
        kind = row.required("kind")
        if kind not in KINDS:
            raise row.fail(f"column 'kind' must be one of {', '.join(KINDS)}, found {kind!r}")
        text = ctx.quote(row)
        g.add((claim, RDF.type, SDO.Claim))
        g.add((claim, SDO.text, text))
        g.add((claim, ctx.term("claimKind"), ctx.id("claim-kind", kind)))
        g.add((claim, SDO.appearance, ctx.source(row.required("source"))))
        _labels(g, claim, key, str(text))
        for who in _cells(row, "by", required=True):
            _maker(ctx, g, claim, who, authors, row)
        for thing in _cells(row, "about"):
            g.add((claim, SDO.about, ctx.described(row, "about", thing)))
        for figure in _cells(row, "figure"):
            observation = ctx.described(row, "figure", figure)
            if not any((observation, RDF.type, QB.Observation) in gr for gr in ctx.graphs.values()):
                raise row.fail(f"column 'figure' names {figure}, which is no observation of a table or figure")
            g.add((claim, ctx.term("restatesFigure"), observation))
        ctx.trace(claim, row)


def _cells(row: Row, column: str, required: bool = False) -> list[str]:
    values = [v.strip() for v in row.get(column).split(SEPARATOR) if v.strip()]
    if required and not values:
        raise row.fail(f"column {column!r} must not be empty")
    return values


def _labels(g: Graph, claim: URIRef, key: str, text: str) -> None:
    words = text.split()
    start = " ".join(words[:LABEL_WORDS]) + (" …" if len(words) > LABEL_WORDS else "")
    g.add((claim, RDFS.label, Literal(f"Bewering {key}: {start}", lang="nl")))
    g.add((claim, RDFS.label, Literal(f"Claim {key}: {start}", lang="en")))


def _maker(ctx: Context, g: Graph, claim: URIRef, who: str, authors: list[Identifier], row: Row) -> None:
    """schema:author for who makes the claim; a publication of appendix 2 is where it first appeared."""
    if who == AUTHORS:
        for person in authors:
            g.add((claim, SDO.author, person))
        return
    if who == RESPONDENTS:
        g.add((claim, SDO.author, _respondents(ctx, g, row)))
        return
    publication = ctx.index.get("publication", {}).get(who)
    organisation = ctx.index.get("organisation", {}).get(who)
    if publication is not None:
        g.add((claim, SDO.firstAppearance, publication))
        g.add((claim, DCTERMS.references, publication))
    elif organisation is not None:
        g.add((claim, SDO.author, organisation))
    else:
        raise row.fail(f"column 'by' names {who!r}, which is neither {AUTHORS!r}, {RESPONDENTS!r}, a publication "
                       "(literature.csv) nor an organisation")


def _respondents(ctx: Context, g: Graph, row: Row) -> URIRef:
    group = ctx.id("group", RESPONDENTS)
    if (group, RDF.type, FOAF.Group) not in g:
        g.add((group, RDF.type, FOAF.Group))
        g.add((group, RDF.type, PROV.Agent))
        g.add((group, RDFS.label, Literal(RESPONDENT_LABELS[0], lang="nl")))
        g.add((group, RDFS.label, Literal(RESPONDENT_LABELS[1], lang="en")))
        g.add((group, PROV.wasDerivedFrom, ctx.source("bijlage-1")))
        ctx.trace(group, row, source="bijlage-1")
    return group


__all__ = ["build_claims"]
