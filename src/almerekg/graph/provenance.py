"""PROV-O: every thing the build made points at the part of the report it comes from and its data row."""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from .codes import report_iri
from .context import Context

EXTERNAL_GRAPH_PREFIXES = ("linkset-", "registers")


def build_provenance(ctx: Context, build_id: str) -> URIRef:
    g = ctx.graph("provenance")
    activity = ctx.id("build", build_id[:16])
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"almerekg build {build_id[:16]}")))
    g.add((activity, PROV.endedAtTime, Literal(datetime.now(UTC).replace(microsecond=0).isoformat(),
                                                datatype=XSD.dateTime)))
    g.add((activity, PROV.used, report_iri(ctx)))
    for subject, sources in ctx.derived.items():
        for src in sorted(sources):
            g.add((subject, PROV.wasDerivedFrom, ctx.source(src)))
    for subject, where in ctx.rows.items():
        for w in where:
            if w.startswith("linksets/"):
                continue  # a linkset graph carries its own rows, so nothing of it lands in the report's graphs
            g.add((subject, ctx.term("sourceRow"), Literal(w)))
    for name, graph in ctx.graphs.items():
        if name == "provenance":
            continue
        gi = graph.identifier
        g.add((gi, RDF.type, PROV.Entity))
        g.add((gi, PROV.wasGeneratedBy, activity))
        # Linksets and register codes come from CBS, KvK and other registers, not from the report: their graphs
        # state their own origin (see graph/linksets.py and graph/registers.py), so they must not claim the report.
        if not name.startswith(EXTERNAL_GRAPH_PREFIXES):
            g.add((gi, PROV.wasDerivedFrom, report_iri(ctx)))
        g.add((gi, DCTERMS.title, Literal(f"graaf {name}", lang="nl")))
        g.add((gi, RDFS.label, Literal(f"graaf {name}", lang="nl")))
        g.add((gi, RDFS.label, Literal(f"graph {name}", lang="en")))
    return activity
