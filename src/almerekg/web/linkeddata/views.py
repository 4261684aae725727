"""Dereferenceable IRIs: /id/... answers 303 to /doc/..., which describes the thing as HTML or RDF.

The graph's IRIs are {base}/id/{type}/{ref}. Requests are resolved by path, whatever the Host: the
server serves the base of the build in its store, and HTML links to our own IRIs are written as paths
on this server, so a test server on 127.0.0.1 or a mirror on another host serves the same IRIs. RDF
answers keep the canonical IRIs.

/def and /def/{Term} document the ontology (see ontology.py for the page content).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse  # what redirect() gives

from ...engine import ActiveBuild
from ..core import representations as ldhttp
from ..core.errors import NoSuchThing
from ..core.i18n import N_, pick_lang, tr
from ..core.index import (
    ORG_ORGANIZATION,
    RDF_TYPE,
    GraphIndex,
    ReportPart,
    Term,
    construct,
    diagram_edges,
    iri_ref,
    select,
    term_name,
)
from ..core.pages import context, resolve
from ..core.render import render_page
from ..core.respond import choose, representation
from ..state import AppState
from . import about, ontology

FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"

bp = Blueprint("linkeddata", __name__)

MAX_INCOMING = 500  # incoming links shown on a page; the RDF and SPARQL have them all
MAX_MEMBERS = 1000  # things of a class listed on its /def page


# -------------------------------------------------------------------------------------------------
# /id -> 303 -> /doc
# -------------------------------------------------------------------------------------------------


@bp.route("/id/<path:path>", methods=["GET", "HEAD"])
def identifier(path: str) -> BaseResponse:
    thing = resolve(path)
    # A thing is not a document: 303 See Other to the document about it (httpRange-14), which then
    # negotiates the format. The extension, if given, is carried over.
    target = "/doc/" + thing.ref + (ldhttp.EXTENSION_OF[thing.extension] if thing.extension else "")
    if request.query_string:
        target += "?" + urlencode(list(request.args.items(multi=True)))
    resp = redirect(target, code=303)
    resp.headers["Cache-Control"] = "public, max-age=3600"
    resp.headers["Link"] = f'</doc/{thing.ref}>; rel="describedby", ' + ldhttp.links(
        "/doc/" + thing.ref, license=thing.index.license_iri(thing.state.settings.license))
    return resp


# -------------------------------------------------------------------------------------------------
# /doc: the description
# -------------------------------------------------------------------------------------------------


XSD = "http://www.w3.org/2001/XMLSchema#"
PLAIN_DATATYPES = {"", XSD + "string", *(XSD + t for t in ("integer", "decimal", "double", "float", "int", "long",
                                                            "nonNegativeInteger", "positiveInteger", "gYear",
                                                            "gYearMonth", "date"))}
# Names that say what a property means to a reader who does not know RDF; the IRI's short form stays beside.
PLAIN_PROPERTY_NAMES = {RDF_TYPE: N_("is a")}


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str = ""
    datatype: str = ""
    external: bool = False
    iri: str = ""


@dataclass
class Statement:
    value: Value
    graph: str
    graph_href: str | None  # None: the IRI is no web address (GraphIndex.link)
    graph_name: str
    sources: list[ReportPart]
    quote: str | None = None  # the report's words the statement's subject was made from: its citation marks them


@dataclass
class PropertyGroup:
    iri: str
    href: str | None  # None: the IRI is no web address (GraphIndex.link)
    label: str
    curie: str
    statements: list[Statement] = field(default_factory=list)
    total: int = 0  # statements before a list was capped


def describe_value(index: GraphIndex, term: Term, lang: str) -> Value:
    if term.is_iri:
        ours = index.is_ours(term.value)
        return Value(text=index.display(term.value, lang), href=index.link(term.value, lang), external=not ours,
                     iri=term.value)
    if term.kind == "bnode":
        return Value(text="_:" + term.value)
    if term.datatype == XSD + "boolean":  # yes/no, not "true xsd:boolean"
        yes = term.value.strip().lower() in ("true", "1")
        return Value(text=tr(lang, "yes") if yes else tr(lang, "no"))
    # Numbers, years and dates read as what they are; other datatypes are named (small, after the value).
    dt = "" if term.lang or term.datatype in PLAIN_DATATYPES else index.curie(term.datatype)
    return Value(text=term.value, lang=term.lang, datatype=dt)


def graph_name(index: GraphIndex, graph: str) -> str:
    return graph.rsplit("/", 1)[-1] if graph.startswith(index.id_prefix + "graph/") else graph


def group_statements(index: GraphIndex, rows: list[tuple[str, str, Term, str]], lang: str
                     ) -> list[PropertyGroup]:
    """(subject, property, value, graph) rows -> one group per property, types first, then by label."""
    groups: dict[str, PropertyGroup] = {}
    for subject, prop, value, graph in rows:
        g = groups.get(prop)
        if g is None:
            label = tr(lang, PLAIN_PROPERTY_NAMES[prop]) if prop in PLAIN_PROPERTY_NAMES else index.display(prop, lang)
            g = groups[prop] = PropertyGroup(iri=prop, href=index.link(prop, lang), label=label,
                                             curie=index.curie(prop))
        g.statements.append(Statement(
            value=describe_value(index, value, lang), graph=graph,
            graph_href=index.link(graph, lang), graph_name=graph_name(index, graph),
            sources=index.sources(graph, subject), quote=index.quotes.get(subject)))
    return sorted(groups.values(), key=lambda g: (g.iri != RDF_TYPE, g.label.casefold()))


def describe_query(iri: str, doc: str, license: str, modified: str) -> str:
    """The statements about a thing, and what its document says of itself (the thing it is about, the dataset it
    is part of, its licence and when it last changed) from a branch that matches once."""
    ref = iri_ref(iri)
    dataset = iri_ref(iri.split("/id/", 1)[0] + "/dataset#dataset")
    return (f"CONSTRUCT {{ {ref} ?p ?o . ?s ?q {ref} . ?d <{FOAF}primaryTopic> {ref} ; <{VOID}inDataset> {dataset} ; "
            f"<{DCT}license> ?l ; <{DCT}modified> ?m }} WHERE {{ "
            f"{{ GRAPH ?g {{ {ref} ?p ?o }} }} UNION {{ GRAPH ?h {{ ?s ?q {ref} }} }} UNION "
            f"{{ BIND({iri_ref(doc)} AS ?d) BIND({iri_ref(license)} AS ?l) "
            f"BIND(\"{modified}\"^^<http://www.w3.org/2001/XMLSchema#dateTime> AS ?m) }} }}")


def rdf_body(state: AppState, build: ActiveBuild, index: GraphIndex, query: str, media: str,
             key: tuple) -> bytes:
    if media == ldhttp.JSONLD:
        nt = construct(state, build, query, ldhttp.NTRIPLES, cache_key=key)
        return ldhttp.to_jsonld(nt, index.base)
    return construct(state, build, query, media, cache_key=key)


@bp.route("/doc/<path:path>", methods=["GET", "HEAD"])
def document(path: str) -> Response:
    thing = resolve(path)
    ref, iri, forced, state, build, index = (thing.ref, thing.iri, thing.extension, thing.state, thing.build,
                                             thing.index)
    media = choose(ldhttp.OFFER, "this description is available as: " + ", ".join(ldhttp.OFFER), forced)
    lang = pick_lang() if media == ldhttp.HTML else ""
    show_all = media == ldhttp.HTML and request.args.get("all") == "1"
    location = None if forced else "/doc/" + ref + ldhttp.EXTENSION_OF[media]

    license = index.license_iri(state.settings.license)

    def make() -> bytes | str:
        if media != ldhttp.HTML:
            query = describe_query(iri, index.base + "/doc/" + ref, license, build.info.created)
            return rdf_body(state, build, index, query, media, ("describe", iri, "with-document"))
        return doc_page(state, build, index, iri, ref, lang, show_all)

    return representation(build, ("doc", ref, media, lang, show_all), media, make, lang=lang, location=location,
                          headers={"Link": ldhttp.links("/doc/" + ref, describedby="/dataset", license=license)})


def doc_page(state: AppState, build: ActiveBuild, index: GraphIndex, iri: str, ref: str, lang: str,
             show_all: bool = False) -> str:
    subject = iri_ref(iri)
    out_rows = select(state, build, f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ {subject} ?p ?o }} }} "
                                    "ORDER BY ?p ?o ?g", cache_key=("out", iri))
    in_rows = select(state, build, f"SELECT ?g ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {subject} }} }} "
                                   f"ORDER BY ?p ?s ?g LIMIT {MAX_INCOMING + 1}", cache_key=("in", iri))
    prov = index.provenance_graph
    # Provenance statements are shown in their own box, not among the thing's properties.
    own = [(iri, r["p"].value, r["o"], r["g"].value) for r in out_rows if r["g"].value != prov]
    # Table cells that have this thing as a row or column are shown as figures, grouped by table.
    cells = {o.iri for group in about.cells_about(index, iri).values() for o in group}
    incoming = [(r["s"].value, r["p"].value, Term("uri", r["s"].value), r["g"].value)
                for r in in_rows[:MAX_INCOMING] if r["s"].value not in cells]
    types = [t for t in index.types.get(iri, [])]
    parts = [index.parts[p] for p in index.derived.get(iri, []) if p in index.parts]
    title = index.label(iri, lang) or index.fallback_label(iri, lang) or index.obs_title(iri, lang) or ref
    other_labels = sorted({(lng, text) for lng, text in index.labels.get(iri, {}).items() if text != title})
    formats = [(ldhttp.FORMAT_NAMES[m], "/doc/" + ref + ldhttp.EXTENSION_OF[m], m)
               for m in ldhttp.OFFER if m != ldhttp.HTML]
    sparql_link = "/sparql?" + urlencode({"query": f"DESCRIBE <{iri}>", "lang": lang}, quote_via=quote)
    graph_stats = index.stats.get(iri) if iri in index.graphs else None
    graph_part = index.parts.get(index.graph_parts.get(iri, ""))
    incoming_groups = group_statements(index, incoming, lang)
    for g in incoming_groups:
        g.total = len(g.statements)
        if not show_all:
            g.statements = g.statements[:about.CAP]
    return render_page(
        "doc.html", lang=lang, index=index, iri=iri, title=title, other_labels=other_labels,
        types=[describe_value(index, Term("uri", t), lang) for t in types],
        groups=group_statements(index, own, lang),
        incoming=incoming_groups, incoming_truncated=len(in_rows) > MAX_INCOMING,
        max_incoming=MAX_INCOMING, parts=parts, rows=index.rows.get(iri, []), formats=formats,
        sparql_link=sparql_link, graph_stats=graph_stats, graph_part=graph_part,
        answer=thing_answers(state, build, index, iri, lang, show_all),
        show_all=show_all, all_href=_all_href(ref, lang), cap=about.CAP,
    )


def _all_href(ref: str, lang: str) -> str:
    return url_for("linkeddata.document", path=ref, all="1", lang=lang)


def query_pages(state: AppState, index: GraphIndex, lang: str) -> dict[str, str]:
    """Data set or report part -> the saved query page that shows it as the report prints it."""
    out: dict[str, str] = {}
    for q in state.catalogue().queries:
        href = url_for("queries.saved", name=q.name, lang=lang)
        if q.dataset:
            out.setdefault(index.id_prefix + "dataset/" + q.dataset, href)
        for part in q.source.parts:
            out.setdefault(index.id_prefix + "report-part/" + part, href)
    return out


def thing_answers(state: AppState, build: ActiveBuild, index: GraphIndex, iri: str, lang: str,
                  show_all: bool) -> dict:
    """What the page answers for this kind of thing (see about.py); empty lists where nothing applies."""
    types = index.types.get(iri, [])
    queries = query_pages(state, index, lang)
    organisation = ORG_ORGANIZATION in types
    relations = about.relations(state, build, index, iri, lang) if organisation else []
    obs = index.observations.get(iri)
    figures = about.figure_tables(index, iri, lang, queries)
    shown = {d for t in figures for d in t.datasets}
    return {
        "figures": figures,
        "cells": about.cell_groups(index, iri, lang, queries, show_all, shown),
        "facts": about.facts(state, build, index, iri, lang) if organisation else [],
        "claims": about.claims(state, build, index, iri, lang),
        "establishment": about.establishment(state, build, index, iri, lang)
        if index.def_prefix + "Firm" in types else [],
        "networks": [r for r in relations if r.network],
        "relations": [r for r in relations if not r.network],
        "value": index.obs_value(iri, lang) if obs else "",
        "table": queries.get(obs.dataset) if obs else None,
        "part_text": index.cite(index.parts[iri], lang) if iri in index.parts else None,
        "network_href": url_for("network.around", path=iri[len(index.id_prefix):], lang=lang) if relations else None,
        "quote": index.quotes.get(iri),
        # A sector's page says plainly when no CBS figures are linked to set beside the report's.
        "cbs_missing": index.def_prefix + "Sector" in types
        and not any("/id/graph/linkset-cbs-" in g for g in index.graphs),
        "cbs": about.cbs_beside(index, iri, lang, queries) if index.def_prefix + "Sector" in types else [],
    }


# -------------------------------------------------------------------------------------------------
# /def: the ontology
# -------------------------------------------------------------------------------------------------


def _ontology_rdf(state: AppState, build: ActiveBuild, index: GraphIndex, subject: str | None, media: str
                  ) -> bytes:
    graph = iri_ref(index.ontology_graph)
    if subject is None:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
    else:
        query = f"CONSTRUCT {{ {iri_ref(subject)} ?p ?o }} WHERE {{ GRAPH {graph} {{ {iri_ref(subject)} ?p ?o }} }}"
    return rdf_body(state, build, index, query, media, ("def", subject or ""))


@bp.route("/def", methods=["GET", "HEAD"])
@bp.route("/def<any('.ttl', '.jsonld', '.nt', '.rdf', '.html'):ext>", methods=["GET", "HEAD"])
def ontology_page(ext: str = "") -> Response:
    return _def(None, ldhttp.EXTENSIONS.get(ext))


@bp.route("/def/<name>", methods=["GET", "HEAD"])
def term_page(name: str) -> Response:
    bare, forced = ldhttp.split_extension(name)
    if term_name(bare) is None:
        raise NoSuchThing("def/" + name)
    return _def(bare, forced)


def _def(name: str | None, forced: str | None) -> Response:
    state, build, index = context()
    iri = None if name is None else index.def_prefix + name
    lang = pick_lang()
    if name is not None and iri is not None and ontology.term_doc(index, iri, lang) is None:
        raise NoSuchThing("def/" + name)
    media = choose(ldhttp.OFFER, "the ontology is available as: " + ", ".join(ldhttp.OFFER), forced)
    if media != ldhttp.HTML:
        lang = ""
    path = "/def" + ("" if name is None else "/" + name)
    location = None if forced else path + ldhttp.EXTENSION_OF[media]

    def make() -> bytes | str:
        if media != ldhttp.HTML:
            return _ontology_rdf(state, build, index, iri, media)
        if iri is None:
            classes, properties = ontology.ontology_terms(index, lang)
            return render_page(
                "def.html", lang=lang, index=index, header=ontology.ontology_header(index), classes=classes,
                properties=properties, vocabularies=ontology.reused_vocabularies(index),
                code_lists=ontology.code_lists(index, lang),
                diagram=ontology.diagram_svg(index, diagram_edges(state, build, index), lang),
            )
        members = sorted(((index.display(i, lang), index.link(i, lang))
                          for i, types in index.types.items() if iri in types), key=lambda m: m[0].casefold())
        return render_page("def_term.html", lang=lang, index=index, term=ontology.term_doc(index, iri, lang),
                           members=members[:MAX_MEMBERS], more_members=len(members) > MAX_MEMBERS)

    return representation(build, ("def", path, media, lang), media, make, lang=lang, location=location,
                          headers={"Link": ldhttp.links(path, describedby="/dataset",
                                                        license=index.license_iri(state.settings.license))})
