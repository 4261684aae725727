"""Clusters (Meijer, PBL, metropolitan region), Flevoland's specialisation in the PBL clusters, and what other
sources say places are specialised in."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from ..vocab import slug
from .codes import scheme
from .context import Context

SCHEMES = {
    "meijer": ("de vijf Almeerse clusters van Wim Meijer (2009)", "Wim Meijer's five Almere clusters (2009)"),
    "pbl": ("clusters van nationaal belang (PBL)", "clusters of national importance (PBL)"),
    "mra": ("clusters van de Economic Development Board voor de Metropoolregio Amsterdam",
            "clusters of the Economic Development Board of the Amsterdam metropolitan region"),
}


def build_clusters(ctx: Context) -> None:
    g = ctx.graph("clusters")
    schemes = {key: scheme(ctx, g, f"clusters-{key}", *labels) for key, labels in SCHEMES.items()}
    for row in ctx.read("clusters.csv", ("id", "scheme", "label", "alt_labels", "source", "quote")):
        key = row.required("id")
        sch = row.required("scheme")
        if sch not in schemes:
            raise row.fail(f"column 'scheme' must be one of {', '.join(SCHEMES)}, found {sch!r}")
        iri = ctx.id("cluster", key, row)
        ctx.concept(g, schemes[sch], iri, row.required("label"), types=(ctx.term("Cluster"),))
        g.add((schemes[sch], SKOS.hasTopConcept, iri))
        for alt in row.get("alt_labels").split("|"):
            if alt.strip():
                g.add((iri, SKOS.altLabel, ctx.nl(alt)))
        g.add((iri, ctx.term("quote"), ctx.quote(row)))
        ctx.register("cluster", key, iri, row)
        ctx.register("row", f"clusters.csv|{key}", iri, row)
        ctx.trace(iri, row)

    flevoland = ctx.index["place"]["flevoland"]
    for row in ctx.read("pbl-specialisation.csv", ("cluster", "basis", "level", "source")):
        cluster_key = row.required("cluster")
        basis = row.required("basis")
        spec = ctx.id("specialisation", f"flevoland/{basis}/{cluster_key}", row)
        cluster = ctx.lookup("cluster", cluster_key, row, "cluster")
        g.add((spec, RDF.type, ctx.term("ClusterSpecialisation")))
        g.add((spec, ctx.term("region"), flevoland))
        g.add((spec, ctx.term("cluster"), cluster))
        g.add((spec, ctx.term("specialisationBasis"), ctx.lookup("specialisation-bases", basis, row, "basis")))
        level = ctx.lookup("specialisation-levels:printed", row.required("level"), row, "level")
        g.add((spec, ctx.term("specialisationLevel"), level))
        g.add((spec, ctx.term("printedValue"), Literal(row["level"].strip())))
        g.add((spec, RDFS.label, Literal(f"Flevoland - {cluster_key} - {basis}")))
        g.add((spec, PROV.wasDerivedFrom, ctx.source(row.required("source"))))
        ctx.register("row", f"pbl-specialisation.csv|{cluster_key}|{basis}", spec, row)
        ctx.trace(spec, row)


def build_specialisations(ctx: Context) -> None:
    """What a place is specialised in, according to a publication or a classification (city-specialisations.csv).

    Wall en Burger (2008) and the KvK classification name fields such as "groothandel"; the PBL and Van Oort name
    clusters. A field that is no cluster of clusters.csv becomes a concept of its own (scheme specialisation-fields).
    """
    g = ctx.graph("clusters")
    fields = scheme(ctx, g, "specialisation-fields", "specialisaties van plaatsen (tekst van hoofdstuk 2)",
                    "specialisations of places (text of chapter 2)")
    columns = ("id", "place", "cluster", "field", "according_to", "classification", "basis", "source", "quote")
    for row in ctx.read("city-specialisations.csv", columns):
        key = row.required("id")
        spec = ctx.id("specialisation", key, row)
        place = ctx.lookup("place", row.required("place"), row, "place")
        g.add((spec, RDF.type, ctx.term("Specialisation")))
        g.add((spec, ctx.term("region"), place))
        what = _cluster_or_field(ctx, g, fields, row)
        name = ctx.graph("codes").value(place, RDFS.label)
        g.add((spec, RDFS.label, Literal(f"{name} - {what}", lang="nl")))
        if row.get("according_to").strip():
            g.add((spec, ctx.term("accordingTo"), ctx.lookup("publication", row["according_to"], row, "according_to")))
        if row.get("classification").strip():
            org = ctx.lookup("organisation", row["classification"], row, "classification")
            g.add((spec, ctx.term("classificationOf"), org))
        if row.get("basis").strip():
            basis = ctx.lookup("specialisation-bases", row["basis"], row, "basis")
            g.add((spec, ctx.term("specialisationBasis"), basis))
        g.add((spec, ctx.term("quote"), ctx.quote(row)))
        g.add((spec, PROV.wasDerivedFrom, ctx.source(row.required("source"))))
        ctx.register("row", f"city-specialisations.csv|{key}", spec, row)
        ctx.trace(spec, row)


def _cluster_or_field(ctx: Context, g, fields, row) -> str:
    """Link the specialisation to its cluster or field (exactly one of the two); return its printed name."""
    cluster, field = row.get("cluster").strip(), row.get("field").strip()
    if bool(cluster) == bool(field):
        raise row.fail("a specialisation names either a cluster (column cluster) or a field (column field)")
    spec = ctx.id("specialisation", row.required("id"), row)
    if cluster:
        g.add((spec, ctx.term("cluster"), ctx.lookup("cluster", cluster, row, "cluster")))
        return cluster
    concept = ctx.id("specialisation-field", slug(field), row)
    if (concept, None, None) not in g:
        ctx.concept(g, fields, concept, field, notation=slug(field))
        g.add((fields, SKOS.hasTopConcept, concept))
        ctx.trace(concept, row)
    g.add((spec, ctx.term("specialisationField"), concept))
    return field
