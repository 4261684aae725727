"""The dataset and each saved query's table as schema.org `Dataset` JSON-LD, for search engines (Google Dataset
Search reads it from the page).

Why from the DCAT graph: the catalogue record is the one description of the dataset (dataset/views.dataset_graph);
`dataset_jsonld` only maps it to the schema.org terms search engines read, so the two can never say different things.
A saved query's table is a dataset of its own, part of the whole (`table_jsonld`). The terms used are checked
against schema.org's own vocabulary in the tests (shapes/third-party/schema.org-30.0/). In core/ because two
blueprints (dataset, saved_queries) write it.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDFS
from rdflib.term import Node

from ...vocab import sorted_terms

VOID = Namespace("http://rdfs.org/ns/void#")


def _texts(g: Graph, s: Node, p: URIRef, lang: str) -> list[str]:
    values = [o for o in g.objects(s, p) if isinstance(o, Literal)]
    mine = [str(o) for o in values if o.language == lang]
    return mine or sorted(str(o) for o in values)


def _one(g: Graph, s: Node, p: URIRef) -> Node:
    """The value of a property the catalogue record always states (ValueError naming it when absent)."""
    value = g.value(s, p)
    if value is None:
        raise ValueError(f"the catalogue record gives {s} no {p}")
    return value


def _agent(g: Graph, iri: Node) -> dict[str, Any]:
    name = g.value(iri, FOAF.name) or g.value(iri, RDFS.label) or iri
    kind = "Person" if "/id/person/" in str(iri) else "Organization"
    return {"@type": kind, "@id": str(iri), "name": str(name)}


def dataset_jsonld(g: Graph, dataset: URIRef, lang: str) -> dict[str, Any]:
    """schema.org's Dataset for the DCAT dataset `dataset` of `g`, in the page's language where there is a choice."""
    period = g.value(dataset, DCTERMS.temporal)
    start, end = (g.value(period, DCAT.startDate), g.value(period, DCAT.endDate)) if period else (None, None)
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(dataset),
        "name": _texts(g, dataset, DCTERMS.title, lang)[0],
        "description": _texts(g, dataset, DCTERMS.description, lang)[0],
        "url": str(g.value(dataset, DCAT.landingPage)),
        "identifier": str(g.value(dataset, DCTERMS.identifier)),
        "license": str(g.value(dataset, DCTERMS.license)),
        "isAccessibleForFree": True,
        "inLanguage": ["nl", "en"],
        "keywords": sorted(str(k) for k in g.objects(dataset, DCAT.keyword)),
        "dateModified": str(g.value(dataset, DCTERMS.modified)),
        "version": str(g.value(dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))),
        "creator": [_agent(g, c) for c in sorted_terms(g.objects(dataset, DCTERMS.creator))],
        "publisher": _agent(g, _one(g, dataset, DCTERMS.publisher)),
        "isBasedOn": [str(s) for s in sorted_terms(g.objects(dataset, PROV.wasDerivedFrom))],
        "spatialCoverage": [{"@type": "Place", "@id": str(p), "name": str(g.value(p, RDFS.label) or p)}
                            for p in sorted_terms(g.objects(dataset, DCTERMS.spatial)) if "/id/place/" in str(p)],
        "distribution": [],
    }
    if start or end:
        doc["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
    for dist in sorted_terms(g.objects(dataset, DCAT.distribution)):
        url = g.value(dist, DCAT.downloadURL)
        if url is None:
            continue
        media = str(g.value(dist, DCAT.mediaType) or "").rsplit("/media-types/", 1)[-1]
        doc["distribution"].append({
            "@type": "DataDownload", "name": _texts(g, dist, DCTERMS.title, lang)[0], "contentUrl": str(url),
            "encodingFormat": media, "contentSize": f"{g.value(dist, DCAT.byteSize)} B"})
    catalogue = next(iter(g.subjects(DCAT.dataset, dataset)), None)
    if catalogue is not None:
        doc["includedInDataCatalog"] = {"@type": "DataCatalog", "@id": str(catalogue),
                                        "name": _texts(g, catalogue, DCTERMS.title, lang)[0]}
    return doc


def table_jsonld(*, url: str, title: str, description: str, license: str, dataset: str, part: str,
                 creators: list[tuple[str, str]], downloads: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A saved query's table as a schema.org Dataset: part of the whole dataset, based on the part of the report it
    reproduces, with its downloads (url, media type, name) and the report's authors (IRI, name) as creators."""
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "name": title,
        "description": description,
        "license": license,
        "isAccessibleForFree": True,
        "inLanguage": ["nl", "en"],
        "isPartOf": {"@type": "Dataset", "@id": dataset},
        "isBasedOn": part,
        "creator": [{"@type": "Person" if "/id/person/" in iri else "Organization", "@id": iri, "name": name}
                    for iri, name in creators],
        "distribution": [{"@type": "DataDownload", "contentUrl": href, "encodingFormat": media, "name": name}
                         for href, media, name in downloads],
    }


def script_tag(doc: dict[str, Any]) -> Markup:
    """The JSON-LD as a `<script type="application/ld+json">` block: no '<' can close it early."""
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).replace("<", "\\u003c")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')  # noqa: S704 - escaped just above
