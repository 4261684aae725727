"""Clusters (Meijer, PBL, metropolitan region) and Flevoland's specialisation in the PBL clusters."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import PROV, RDF, RDFS, SKOS

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
        g.add((iri, ctx.term("quote"), ctx.nl(row.required("quote"))))
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
