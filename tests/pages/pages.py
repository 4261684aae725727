"""Every kind of page the site has, as one table: the accessibility test and the language test walk it.

A new kind of page (a new route or template) gets one row here; the tests then check it at 1280 and 375 px
in both languages. `status` is what the page answers with; `script` marks pages that run this origin's
JavaScript (the query editor), which the tests wait for before they look.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Page:
    kind: str
    path: str  # without lang; the tests add ?lang=nl|en
    status: int = 200
    script: bool = False


TABLE1_TOTALS = ('PREFIX ak: <https://almerekg.example/def/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> '
                 'SELECT ?sector ?vestigingen WHERE { ?o ak:sector/skos:notation ?sector ; '
                 'ak:sizeClass/skos:notation "totaal" ; ak:establishments ?vestigingen } ORDER BY ?sector')

PAGES: tuple[Page, ...] = (
    Page("home", "/"),
    Page("search results", "/search?q=usg"),
    Page("search without results", "/search?q=zzzzqx"),
    Page("search: one kind", "/search?kind=firm"),
    Page("search: did you mean", "/search?q=Accenure"),
    Page("report: contents", "/report"),
    Page("report: a cited passage", "/report?part=bijlage-3&mark=In+1972+richten+Pieter+Borgstein"),
    Page("network", "/network"),
    Page("network: one firm", "/network/firm/usg-people"),
    Page("saved queries", "/queries"),
    Page("saved query: pivot table", "/queries/tabel-1"),
    Page("saved query: lists in cells", "/queries/tabel-3"),
    Page("saved query: side by side", "/queries/tabel-5"),
    Page("saved query: reconstructed cells", "/queries/tabel-6"),
    Page("saved query: plain list", "/queries/tabel-4"),
    Page("saved query: parameters", "/queries/joint-ventures"),
    Page("saved query: CBS comparison", "/queries/cbs-vergelijking"),
    Page("saved query: CBS specialisation", "/queries/cbs-specialisatie"),
    Page("saved query: refused parameter", "/queries/joint-ventures?min_aandeel=veel", status=400),
    Page("SPARQL editor", "/sparql", script=True),
    Page("SPARQL editor with an answer", "/sparql?" + urlencode({"query": TABLE1_TOTALS}), script=True),
    Page("SPARQL editor with an error", "/sparql?" + urlencode({"query": "SELECT ?x WHERE { ?x"}), status=400,
         script=True),
    Page("thing: firm", "/doc/firm/usg-people"),
    Page("thing: network", "/doc/network/almere-kennisstad"),
    Page("thing: sector", "/doc/sector/j"),
    Page("thing: place", "/doc/place/almere"),
    Page("thing: table cell", "/doc/observation/tabel-1/g/2-4"),
    Page("thing: statement", "/doc/statement/usg-people/1"),
    Page("thing: relationship", "/doc/relationship/usg-acquisition-start"),
    Page("thing: note", "/doc/note/n-001"),
    Page("thing: part of the report", "/doc/report-part/tabel-3"),
    Page("thing: code list", "/doc/scheme/partner-kinds"),
    Page("thing: named graph", "/doc/graph/tabel-3"),
    Page("ontology", "/def"),
    Page("ontology: class", "/def/Firm"),
    Page("ontology: property", "/def/relationKind"),
    Page("dataset", "/dataset"),
    Page("validation report", "/dataset/validation"),
    Page("problems the APIs report", "/problems"),
    Page("not found", "/doc/firm/no-such-firm", status=404),
    Page("an error", "/downloads/no-such-file.nq", status=404),
)


def url(site: str, page: Page, lang: str) -> str:
    sep = "&" if "?" in page.path else "?"
    return f"{site}{page.path}{sep}lang={lang}"
