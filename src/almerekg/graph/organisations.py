"""Firms and their establishments in Almere (Tabel 3), other organisations, facts, relations, networks."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SDO, SKOS, XSD

from ..vocab import slug
from .context import Context
from .rows import Row

RANK = re.compile(r"^(?:#(?P<atlas>\d+)|\*(?P<municipal>\d+)|(?P<ff>FF))$")
ORG_KINDS = {"firm", "government", "knowledge-institution", "programme", "association", "other"}


def _country(ctx: Context, row: Row) -> URIRef | None:
    name = row.get("country").strip()
    if not name:
        return None
    by_name = ctx.index.setdefault("place:name", {})
    if name in by_name:
        return by_name[name]
    # A country named only as some organisation's origin gets a place of its own, traced to that row.
    iri = ctx.id("place", slug(name), row)
    g = ctx.graph("codes")
    g.add((iri, RDF.type, SDO.Place))
    g.add((iri, RDF.type, SDO.Country))
    g.add((iri, RDFS.label, ctx.nl(name)))
    g.add((iri, SDO.name, ctx.nl(name)))
    g.add((iri, ctx.term("placeKind"), ctx.id("place-kind", "land")))
    ctx.trace(iri, row)
    by_name[name] = iri
    return iri


def build_firms(ctx: Context) -> None:
    """Tabel 3: each entry is a firm and its establishment in Almere."""
    g = ctx.graph("tabel-3")
    almere = ctx.index["place"]["almere"]
    for order, row in enumerate(ctx.read("firms.csv", ("id", "name", "category", "activity", "rank_printed",
                                                        "remark", "source")), start=1):
        key = row.required("id")
        firm = ctx.id("firm", key, row)
        site = ctx.id("establishment", key, row)
        ctx.register("organisation", key, firm, row)
        ctx.register("row", f"firms.csv|{key}", firm, row)
        name = row.required("name")
        g.add((firm, RDF.type, ctx.term("Firm")))
        g.add((firm, RDF.type, ORG.FormalOrganization))
        g.add((firm, RDF.type, ORG.Organization))
        g.add((firm, RDF.type, SDO.Organization))
        g.add((firm, RDFS.label, ctx.nl(name)))
        g.add((firm, SKOS.prefLabel, ctx.nl(name)))
        g.add((firm, SDO.name, ctx.nl(name)))
        g.add((firm, ORG.hasSite, site))
        g.add((site, RDF.type, ctx.term("Establishment")))
        g.add((site, RDF.type, ORG.Site))
        g.add((site, RDFS.label, Literal(f"{name}, vestiging in Almere", lang="nl")))
        g.add((site, RDFS.label, Literal(f"{name}, establishment in Almere", lang="en")))
        g.add((site, ORG.siteOf, firm))
        g.add((site, SDO.location, almere))
        g.add((site, ctx.term("establishmentCategory"),
               ctx.lookup("establishment-categories", row.required("category"), row, "category")))
        g.add((site, ctx.term("activity"), ctx.lookup("activities", row.required("activity"), row, "activity")))
        g.add((site, SDO.position, Literal(order, datatype=XSD.integer)))
        marker = row.required("rank_printed")
        match = RANK.match(marker)
        if not match:
            raise row.fail(f"column 'rank_printed' must be #n, *n or FF, found {marker!r}")
        g.add((site, ctx.term("printedRankMarker"), Literal(marker)))
        if match["atlas"]:
            g.add((site, ctx.term("socialAtlasRank"), Literal(int(match["atlas"]), datatype=XSD.integer)))
        elif match["municipal"]:
            g.add((site, ctx.term("municipalSizeRank"), Literal(int(match["municipal"]), datatype=XSD.integer)))
        g.add((site, ctx.term("fastForward"), Literal(bool(match["ff"]))))
        if row.get("remark").strip():
            g.add((site, ctx.term("printedRemark"), Literal(row["remark"].strip())))
        ctx.trace(firm, row)
        ctx.trace(site, row)


def build_organisations(ctx: Context) -> None:
    g = ctx.graph("organisations")
    for row in ctx.read("organisations.csv", ("id", "name", "kind", "country", "source", "quote")):
        key = row.required("id")
        kind = row.required("kind")
        if kind not in ORG_KINDS:
            raise row.fail(f"column 'kind' must be one of {', '.join(sorted(ORG_KINDS))}, found {kind!r}")
        if key in ctx.index.get("organisation", {}):
            raise row.fail(f"id {key!r} is already used in firms.csv; ids are unique across firms and organisations")
        iri = ctx.id("firm" if kind == "firm" else "organisation", key, row)
        ctx.register("organisation", key, iri, row)
        ctx.register("row", f"organisations.csv|{key}", iri, row)
        g.add((iri, RDF.type, ORG.Organization))
        g.add((iri, RDF.type, SDO.Organization))
        if kind == "firm":
            g.add((iri, RDF.type, ctx.term("Firm")))
            g.add((iri, RDF.type, ORG.FormalOrganization))
        elif kind == "government":
            g.add((iri, RDF.type, SDO.GovernmentOrganization))
        g.add((iri, RDFS.label, ctx.nl(row.required("name"))))
        g.add((iri, SDO.name, ctx.nl(row.required("name"))))
        g.add((iri, ctx.term("organisationKind"), Literal(kind)))
        country = _country(ctx, row)
        if country is not None:
            g.add((iri, ctx.term("country"), country))
        if row.get("quote").strip():
            g.add((iri, ctx.term("quote"), ctx.quote(row)))
        ctx.trace(iri, row)


def build_networks(ctx: Context) -> None:
    g = ctx.graph("networks")
    for row in ctx.read("networks.csv", ("id", "name", "abbreviation", "aim", "website", "founded", "source", "quote")):
        key = row.required("id")
        if key in ctx.index.get("organisation", {}):
            raise row.fail(f"id {key!r} is already used by a firm or organisation")
        iri = ctx.id("network", key, row)
        ctx.register("organisation", key, iri, row)
        ctx.register("network", key, iri, row)
        ctx.register("row", f"networks.csv|{key}", iri, row)
        g.add((iri, RDF.type, ctx.term("Network")))
        g.add((iri, RDF.type, ORG.Organization))
        g.add((iri, RDFS.label, ctx.nl(row.required("name"))))
        g.add((iri, SKOS.prefLabel, ctx.nl(row.required("name"))))
        if row.get("abbreviation").strip():
            g.add((iri, SKOS.altLabel, Literal(row["abbreviation"].strip())))
        if row.get("aim").strip():
            g.add((iri, ORG.purpose, ctx.nl(row["aim"])))
            g.add((iri, SDO.description, ctx.nl(row["aim"])))
        if row.get("website").strip():
            g.add((iri, ctx.term("websiteAsPrinted"), Literal(row["website"].strip())))
        if row.get("founded").strip():
            g.add((iri, SDO.foundingDate, Literal(str(row.integer("founded")), datatype=XSD.gYear)))
        g.add((iri, ctx.term("quote"), ctx.quote(row)))
        ctx.trace(iri, row)

    for row in ctx.read("network-focus.csv", ("network", "focus", "name_tabel_4", "source")):
        net = ctx.lookup("network", row.required("network"), row, "network")
        focus = ctx.lookup("network-focus", row.required("focus"), row, "focus")
        g = ctx.graph("tabel-4")
        g.add((net, ctx.term("focus"), focus))
        g.add((net, SKOS.hiddenLabel, ctx.nl(row.required("name_tabel_4"))))
        ctx.trace(net, row)
        ctx.register("row", f"network-focus.csv|{row['network'].strip()}|{row['focus'].strip()}", net, row)

    g = ctx.graph("networks")
    for row in ctx.read("network-roles.csv", ("network", "organisation", "role", "source", "quote")):
        net = ctx.lookup("network", row.required("network"), row, "network")
        who = ctx.lookup("organisation", row.required("organisation"), row, "organisation")
        role = row.required("role")
        rel = ctx.id("relationship", f"{row['network'].strip()}-{role}-{row['organisation'].strip()}", row)
        _relationship(ctx, g, rel, who, net, role, row)
        key = f"network-roles.csv|{row['network'].strip()}|{role}|{row['organisation'].strip()}"
        ctx.register("row", key, rel, row)
        if role in ("member", "participant"):
            g.add((who, ORG.memberOf, net))


def _relationship(ctx: Context, g, rel: URIRef, subject: URIRef, partner: URIRef, kind: str, row: Row) -> None:
    g.add((rel, RDF.type, ctx.term("Relationship")))
    g.add((rel, ctx.term("organisation"), subject))
    g.add((rel, ctx.term("partner"), partner))
    g.add((rel, ctx.term("relationKind"), ctx.id("relation-kind", kind, row)))
    if row.get("quote").strip():
        g.add((rel, ctx.term("quote"), ctx.quote(row)))
    g.add((rel, PROV.wasDerivedFrom, ctx.source(row.required("source"))))
    ctx.trace(rel, row)


def build_relations(ctx: Context) -> None:
    g = ctx.graph("relations")
    for row in ctx.read("relations.csv", ("id", "kind", "subject", "object", "share_percent", "year", "qualifier",
                                          "source", "quote")):
        key = row.required("id")
        kind = row.required("kind")
        rel = ctx.id("relationship", key, row)
        subject = ctx.lookup("organisation", row.required("subject"), row, "subject")
        partner = ctx.lookup("organisation", row.required("object"), row, "object")
        _relationship(ctx, g, rel, subject, partner, kind, row)
        ctx.register("row", f"relations.csv|{key}", rel, row)
        share = row.get("share_percent").strip()
        if share:
            if not re.fullmatch(r"\d+(\.\d+)?", share):
                raise row.fail(f"column 'share_percent' must be a number, found {share!r}")
            g.add((rel, ctx.term("sharePercent"), Literal(share, datatype=XSD.decimal)))
        if row.get("year").strip():
            g.add((rel, SDO.startDate, Literal(str(row.integer("year")), datatype=XSD.gYear)))
        if row.get("qualifier").strip():
            g.add((rel, ctx.term("qualifier"), Literal(row["qualifier"].strip())))
        label = f"{kind}: {row['subject'].strip()} - {row['object'].strip()}"
        g.add((rel, RDFS.label, Literal(label)))
        if kind == "parent-subsidiary":
            g.add((subject, ORG.subOrganizationOf, partner))
            g.add((partner, ORG.hasSubOrganization, subject))


# A qualifier whose first part (before "; ") is this word keeps a printed value that a note doubts.
UNCERTAIN = "onzeker"
# Kinds of fact whose value names a place: the statement points at the place as well as printing its name.
PLACE_FACTS = {"locations", "headquarters", "moved-from", "serves", "focus-region", "imports-from", "active-in"}
STATEMENT_FILES = (
    # file, column naming the subject, the index the subject must be in
    ("firm-facts.csv", "firm", "organisation"),
    ("network-facts.csv", "network", "network"),
)


def build_firm_facts(ctx: Context) -> None:
    """Facts the text states about a firm or organisation (firm-facts.csv) and about a network (network-facts.csv).

    Each statement sits in the graph of the report part it cites (bijlage-3 for most, h2-stad for a footnote of
    chapter 2, ...): a graph named after a part holds only what that part prints. A statement's IRI counts the
    subject's statements in file order, so rows are only ever added at the end.
    """
    counter: dict[str, int] = {}
    for file, column, index in STATEMENT_FILES:
        for row in ctx.read(file, (column, "fact", "value", "unit", "qualifier", "source", "quote")):
            source = row.required("source")
            if source not in ctx.index.get("source", {}):
                raise row.fail(f"source {source!r} is not an id in sources.csv")
            _statement(ctx, ctx.graph(source), file, column, index, row, counter)


def _statement(ctx: Context, g, file: str, column: str, index: str, row: Row, counter: dict[str, int]) -> None:
    key = row.required(column)
    subject = ctx.lookup(index, key, row, column)
    fact = row.required("fact")
    counter[key] = counter.get(key, 0) + 1
    st = ctx.id("statement", f"{key}/{counter[key]}", row)
    g.add((st, RDF.type, ctx.term("Statement")))
    g.add((st, ctx.term("about"), subject))
    g.add((st, ctx.term("fact"), ctx.id("fact-kind", fact, row)))
    value = row.required("value")
    g.add((st, RDF.value, _fact_value(value, ctx.language(row))))
    if fact in PLACE_FACTS:
        g.add((st, ctx.term("valuePlace"), _place_named(ctx, value, row)))
    if row.get("unit").strip():
        g.add((st, ctx.term("unit"), Literal(row["unit"].strip())))
    qualifier = row.get("qualifier").strip()
    if qualifier:
        g.add((st, ctx.term("qualifier"), Literal(qualifier)))
    doubted = qualifier.split(";")[0].strip() == UNCERTAIN
    if doubted:
        # Kept as printed, but not a plain fact: a note (SHACL requires one) says why it is doubted.
        g.add((st, ctx.term("certainty"), ctx.id("certainty", "uncertain")))
    g.add((st, ctx.term("quote"), ctx.quote(row)))
    g.add((st, PROV.wasDerivedFrom, ctx.source(row.required("source"))))
    ctx.trace(st, row)
    ctx.register("row", f"{file}|{key}|{fact}|{value}", st, row)
    if doubted:
        return
    # The most asked-for facts also as plain properties of the firm, for simple queries (never a doubted one).
    if fact == "founded" and value.isdigit():
        g.add((subject, SDO.foundingDate, Literal(value, datatype=XSD.gYear)))
    elif fact in ("legal-name", "appendix-name", "abbreviation"):
        g.add((subject, SKOS.altLabel, Literal(value, lang=ctx.language(row))))
    elif fact == "website":
        g.add((subject, ctx.term("websiteAsPrinted"), Literal(value)))


def _place_named(ctx: Context, name: str, row: Row) -> URIRef:
    """The place of data/places.csv (or a country an organisation names) that a value prints the name of."""
    place = ctx.index.get("place:name", {}).get(name)
    if place is None:
        raise row.fail(f"fact {row['fact'].strip()!r} names a place, but no place in places.csv is called {name!r}")
    return place


def _fact_value(value: str, lang: str) -> Literal:
    """A whole number, a decimal, or words in the language of the row's quote."""
    if re.fullmatch(r"-?\d+", value):
        return Literal(int(value), datatype=XSD.integer)
    if re.fullmatch(r"-?\d+\.\d+", value):
        return Literal(value, datatype=XSD.decimal)
    return Literal(value, lang=lang)
