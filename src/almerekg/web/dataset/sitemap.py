"""/robots.txt and /sitemap.xml: how a crawler finds every page a person can read.

Why: a search engine (and Google Dataset Search) indexes what it can reach; the thing pages are reached only by
following links through tables and search. The sitemap lists them all (home, the report, the network, the
ontology, the dataset description, every saved query and every thing's /doc page) from the build being served,
as absolute URLs under the configured public address (sitemaps.org protocol 0.9). robots.txt names the sitemap
and keeps crawlers out of what has no end (the SPARQL endpoint's query space and search answers).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response

from ...errors import AppError
from ..core.pages import context
from ..core.respond import representation

bp = Blueprint("sitemap", __name__)
XML = "application/xml"

# The sitemaps.org limit per file; above it the protocol asks for a sitemap index.
MAX_URLS = 50_000
PAGES = ("/", "/report", "/network", "/def", "/dataset", "/queries")


def page_paths() -> list[str]:
    """Every page a person can read, as a path on this site: the fixed pages, the saved queries, the things."""
    state, _build, index = context()
    queries = [f"/queries/{q.name}" for q in state.catalogue().queries]
    things = sorted({href for iri in index.known if (href := index.href(iri)) and href.startswith("/doc/")})
    return [*PAGES, *queries, *things]


def _urlset(site: str, paths: list[str], modified: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(site + p)}</loc><lastmod>{modified}</lastmod></url>" for p in paths]
    return "\n".join([*lines, "</urlset>"]) + "\n"


def _sitemap_index(site: str, parts: int, modified: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<sitemap><loc>{escape(site)}/sitemap-{n}.xml</loc><lastmod>{modified}</lastmod></sitemap>"
              for n in range(1, parts + 1)]
    return "\n".join([*lines, "</sitemapindex>"]) + "\n"


@bp.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap() -> Response:
    """One sitemap while the pages fit in one file, else a sitemap index of numbered files."""
    state, build, _index = context()

    def make() -> str:
        paths, modified = page_paths(), build.info.created[:10]
        if len(paths) <= MAX_URLS:
            return _urlset(state.settings.site_url, paths, modified)
        return _sitemap_index(state.settings.site_url, -(-len(paths) // MAX_URLS), modified)

    return representation(build, ("sitemap", MAX_URLS, state.catalogue_version()), XML, make)


@bp.route("/sitemap-<int:part>.xml", methods=["GET", "HEAD"])
def sitemap_part(part: int) -> Response:
    state, build, _index = context()
    chunk = page_paths()[(part - 1) * MAX_URLS:part * MAX_URLS] if part >= 1 else []
    if not chunk:
        raise AppError(404, "no such sitemap part; the list is at /sitemap.xml")
    return representation(build, ("sitemap", MAX_URLS, part, state.catalogue_version()), XML,
                          lambda: _urlset(state.settings.site_url, chunk, build.info.created[:10]))


@bp.route("/robots.txt", methods=["GET", "HEAD"])
def robots() -> Response:
    state, build, _index = context()
    text = ("User-agent: *\n"
            "Disallow: /sparql?\n"
            "Disallow: /search\n"
            f"Sitemap: {state.settings.site_url}/sitemap.xml\n")
    return representation(build, ("robots",), "text/plain", lambda: text)
