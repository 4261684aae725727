"""The home page and /search (search.py: tables, names, relationships, notes and the report's text).

Search runs in Python over an index of the build being served: the text a person types is compared with
text, never put into a SPARQL query, and the template escapes it on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, request, url_for

from ...engine import ActiveBuild
from ..core import representations as ldhttp
from ..core.i18n import N_, pick_lang
from ..core.index import ORG_ORGANIZATION, QB_OBSERVATION, SCHEMA, GraphIndex, format_date
from ..core.pages import context
from ..core.render import render_page
from ..core.respond import page, representation
from ..state import AppState
from . import search as search_index

bp = Blueprint("pages", __name__)

MAX_QUERY_CHARS = 200

@dataclass
class Count:
    number: int
    label: str  # a msgid: the template shows it in the page's language
    href: str  # url_for(): in the page's language


def counts(index: GraphIndex) -> list[Count]:
    """What the graph holds, counted live from the build being served."""
    ak = index.def_prefix
    firms = {i for i, t in index.types.items() if ak + "Firm" in t}
    networks = {i for i, t in index.types.items() if ak + "Network" in t}
    others = {i for i, t in index.types.items() if ORG_ORGANIZATION in t} - firms - networks
    c = index.class_counts
    return [
        Count(len(firms), N_("firms"), url_for("linkeddata.term_page", name="Firm")),
        Count(len(networks), N_("networks"), url_for("linkeddata.term_page", name="Network")),
        Count(len(others), N_("other organisations (parents, partners, government)"),
              url_for("pages.search", kind="organisation")),
        Count(c.get(ak + "Relationship", 0), N_("relationships between organisations"),
              url_for("network.whole")),
        Count(c.get(ak + "Sector", 0), N_("sectors"), url_for("linkeddata.term_page", name="Sector")),
        Count(c.get(ak + "Cluster", 0), N_("clusters"), url_for("linkeddata.term_page", name="Cluster")),
        Count(c.get(SCHEMA + "Place", 0), N_("places and regions"), url_for("pages.search", kind="place")),
        Count(c.get(QB_OBSERVATION, 0), N_("table cells (observations)"), url_for("queries.index")),
        Count(c.get(ak + "Statement", 0), N_("statements from the text, quoted"),
              url_for("linkeddata.term_page", name="Statement")),
        Count(c.get(ak + "Note", 0), N_("notes on assumptions and inconsistencies"),
              url_for("linkeddata.term_page", name="Note")),
    ]


def names(index: GraphIndex, prop: str, lang: str) -> list[tuple[str, str | None]]:
    """(label, href) of the things the report links to through `prop` (authors, commissioner, ...)."""
    return [(index.display(t.value, lang), index.link(t.value, lang))
            for t in index.report_values(prop) if t.is_iri]


@bp.route("/", methods=["GET", "HEAD"])
def home() -> Response:
    state, build, index = context()
    lang = pick_lang()
    return representation(build, ("home", lang, state.catalogue_version()), ldhttp.HTML,
                          lambda: _home_page(state, build, index, lang), lang=lang)


def _home_page(state: AppState, build: ActiveBuild, index: GraphIndex, lang: str) -> str:
    dct = "http://purl.org/dc/terms/"
    report = {
        "title": next((t.value for t in index.report.get(dct + "title", [])), "Groei door samenwerking in Almere"),
        "href": index.link(index.report_iri, lang) if index.report_iri else "",
        "date": format_date(next((t.value for t in index.report.get(SCHEMA + "datePublished", [])), ""), lang),
        "authors": names(index, dct + "creator", lang),
        "contributors": names(index, dct + "contributor", lang),
        "commissioners": names(index, index.def_prefix + "commissionedBy", lang),
        "cooperation": names(index, index.def_prefix + "inCooperationWith", lang),
    }
    return render_page(
        "home.html", lang=lang, index=index, report=report, counts=counts(index), info=build.info,
        queries=search_index.ordered_queries(state.catalogue(), index),
        graphs=len(index.stats),
    )


@bp.route("/search", methods=["GET", "HEAD"])
def search() -> Response:
    state, build, index = context()
    lang = pick_lang()
    text = request.args.get("q", "")[:MAX_QUERY_CHARS]
    kind = request.args.get("kind", "")
    kind = kind if kind in search_index.KINDS else ""
    found = search_index.holder().get(state, build, index)
    corrected = ""
    if text.strip():
        result = found.search(text, lang, kind or None)
        hits, counts, corrected = result.hits, result.counts, result.corrected
    elif kind:
        hits, counts = found.browse(kind, lang), {}
    else:
        hits, counts = [], {}
    suggestions = [] if hits else [(q.title[lang], url_for("queries.saved", name=q.name, lang=lang))
                                   for q in search_index.ordered_queries(state.catalogue(), index)]
    # Cheap to compute and personal to the query: no shared caching.
    return page(
        "search.html", lang=lang, index=index, q=text, kind=kind, hits=hits, counts=counts,
        total=0 if corrected else sum(counts.values()) if text.strip() else len(hits), kinds=search_index.KINDS,
        corrected=corrected,
        corrected_href="/search?" + urlencode([("q", corrected), *([("kind", kind)] if kind else []), ("lang", lang)]),
        plurals=search_index.KIND_PLURALS, suggestions=suggestions, max_hits=search_index.MAX_HITS,
        kind_href=lambda k: "/search?" + urlencode([("q", text), ("kind", k), ("lang", lang)]),
    )
