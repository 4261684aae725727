"""Search over everything a reader asks for: the tables and questions (titles, descriptions, the table's name,
topics), the names of firms, networks, organisations, sectors, places and clusters in both languages, the
relationships said in words, the report's claims in words, the notes, and the report's own text.

Ranked in Python over an index of the build being served and the saved-query catalogue: what the person
types is compared with text and never becomes part of a query. A name or title that is the text, starts with
it or holds its words scores above a description, a note or a passage that only mentions them; among equals
a table comes first, then a thing, a relationship, a note and a passage of the report. Every hit says what it
is and links to the answer: the table, the thing's page, or the passage in /report with the words marked.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app

from ...engine import ActiveBuild
from ...saved_queries import Catalogue, listing_order
from ..core import report_text
from ..core.index import GraphIndex, fold, select
from ..state import AppState

# What a hit is, in the order kinds rank among equally good matches, with the reader's words for them.
KINDS: dict[str, dict[str, str]] = {
    "table": {"nl": "Tabel of vraag", "en": "Table or question"},
    "page": {"nl": "Pagina", "en": "Page"},
    "firm": {"nl": "Bedrijf", "en": "Firm"},
    "network": {"nl": "Netwerk", "en": "Network"},
    "organisation": {"nl": "Organisatie", "en": "Organisation"},
    "sector": {"nl": "Sector", "en": "Sector"},
    "place": {"nl": "Plaats of regio", "en": "Place or region"},
    "cluster": {"nl": "Cluster", "en": "Cluster"},
    "relation": {"nl": "Relatie", "en": "Relationship"},
    "claim": {"nl": "Bewering", "en": "Claim"},
    "note": {"nl": "Noot", "en": "Note"},
    "passage": {"nl": "Passage uit het rapport", "en": "Passage of the report"},
}
KIND_PLURALS: dict[str, dict[str, str]] = {
    "table": {"nl": "Tabellen en vragen", "en": "Tables and questions"},
    "page": {"nl": "Pagina's", "en": "Pages"},
    "firm": {"nl": "Bedrijven", "en": "Firms"},
    "network": {"nl": "Netwerken", "en": "Networks"},
    "organisation": {"nl": "Organisaties", "en": "Organisations"},
    "sector": {"nl": "Sectoren", "en": "Sectors"},
    "place": {"nl": "Plaatsen en regio's", "en": "Places and regions"},
    "cluster": {"nl": "Clusters", "en": "Clusters"},
    "relation": {"nl": "Relaties", "en": "Relationships"},
    "claim": {"nl": "Beweringen", "en": "Claims"},
    "note": {"nl": "Noten", "en": "Notes"},
    "passage": {"nl": "Passages uit het rapport", "en": "Passages of the report"},
}
KIND_ORDER = {k: n for n, k in enumerate(KINDS)}
SNIPPET = 220
MAX_HITS = 100


@dataclass
class Doc:
    """Something a search can find: its titles by language, the names it goes by, the text that mentions things."""

    kind: str
    key: str  # a query name, an IRI, a note id or a line number
    titles: dict[str, str]
    href: dict[str, str]  # by language
    names: list[str]
    body: list[str] = field(default_factory=list)
    order: tuple = ()
    lang: str = ""  # the language of the title and body where it is one language (the report: nl)
    line: int | None = None
    folded_names: list[str] = field(default_factory=list)
    folded_body: str = ""


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str
    href: str
    snippet: list[tuple[str, bool]]  # (piece, marked): the searched words marked
    lang: str
    matched: str  # a name other than the title that matched ("USG People N.V.")


def _doc(kind: str, key: str, titles: dict[str, str], href: dict[str, str], names: list[str],
         body: list[str], order: tuple, lang: str = "", line: int | None = None) -> Doc:
    # A passage is found by its words, not by the title of the section it stands in.
    names = [n for n in dict.fromkeys([*(titles.values() if kind != "passage" else ()), *names]) if n]
    return Doc(kind, key, titles, href, names, body, order, lang, line, [fold(n) for n in names],
               fold("\n".join(body)))


def _suffix(lang: str) -> str:
    return f"?lang={lang}"


def _tables(cat: Catalogue, index: GraphIndex) -> list[Doc]:
    out = []
    for n, q in enumerate(ordered_queries(cat, index)):
        body = [q.description["nl"], q.description["en"], q.source.label["nl"], q.source.label["en"], q.summary,
                " ".join(q.tags)]
        body += [label for p in q.params for labels in p.value_labels.values() for label in labels.values()]
        out.append(_doc("table", q.name, dict(q.title), {lang: f"/queries/{q.name}{_suffix(lang)}" for lang in
                        ("nl", "en")}, [q.source.label["nl"], q.source.label["en"]], body, (n,)))
    return out


def _pages() -> list[Doc]:
    pages = [
        ("/network", {"nl": "Het netwerk van samenwerkingsrelaties", "en": "The network of partnerships"},
         ["netwerk samenwerking relaties partners moeders dochters afnemers", "network partnerships relationships"]),
        ("/report", {"nl": "Het rapport: de volledige tekst", "en": "The report: the full text"},
         ["rapport tekst hoofdstukken paragrafen bronnen citaten", "report text chapters sections sources quotes"]),
        ("/queries", {"nl": "Tabellen en vragen", "en": "Tables and questions"},
         ["alle tabellen van het rapport", "all tables of the report"]),
    ]
    return [_doc("page", path, titles, {"nl": path, "en": path + "?lang=en"}, [], body, (n,))
            for n, (path, titles, body) in enumerate(pages)]


def _things(index: GraphIndex) -> list[Doc]:
    out = []
    for entry in index.search_entries:
        titles = {lang: index.display(entry.iri, lang) for lang in ("nl", "en")}
        # The kind's own words ("netwerk", "network") let a topic find every thing of that kind.
        out.append(_doc(entry.kind, entry.iri, titles, {lang: index.link(entry.iri, lang) or "" for lang in
                        ("nl", "en")}, entry.names, list(KINDS[entry.kind].values()),
                        (index.row_order(entry.iri), entry.names[0])))
    for rel, titles in index.titles.items():
        out.append(_doc("relation", rel, titles, {lang: index.link(rel, lang) or "" for lang in ("nl", "en")}, [],
                        [index.quotes.get(rel, "")], (index.row_order(rel), rel), "", None))
    return out


def _claims(state: AppState, build: ActiveBuild, index: GraphIndex) -> list[Doc]:
    """The report's claims in words (graph claims), found by their words; a hit leads to the claim's page."""
    rows = select(state, build, f"""
        SELECT ?claim ?text WHERE {{ GRAPH ?g {{ ?claim <{index.def_prefix}claimKind> ?kind ;
          <https://schema.org/text> ?text }} }} ORDER BY ?claim""", cache_key=("search-claims",))
    out = []
    for r in rows:
        iri = r["claim"].value
        titles = {lang: index.display(iri, lang) for lang in ("nl", "en")}
        out.append(_doc("claim", iri, titles, {lang: index.link(iri, lang) or "" for lang in ("nl", "en")}, [],
                        [r["text"].value], (index.row_order(iri), iri), r["text"].lang or "nl"))
    return out


def _notes(state: AppState, build: ActiveBuild, index: GraphIndex) -> list[Doc]:
    rows = select(state, build, f"""
        SELECT ?note ?comment WHERE {{ GRAPH ?g {{ ?note a <{index.def_prefix}Note> ;
          <http://www.w3.org/2000/01/rdf-schema#comment> ?comment }} }} ORDER BY ?note""",
                  cache_key=("search-notes",))
    out = []
    for r in rows:
        iri = r["note"].value
        ref = iri.rsplit("/", 1)[-1]
        titles = {"nl": f"Noot {ref}", "en": f"Note {ref}"}
        out.append(_doc("note", iri, titles, {lang: index.link(iri, lang) or "" for lang in ("nl", "en")}, [],
                        [r["comment"].value], (ref,), "nl"))
    return out


def _passages(doc: report_text.ReportText) -> list[Doc]:
    out = []
    for b in doc.blocks:
        if b.kind in ("toc", "front"):
            continue
        heading = doc.heading_at(b.line)
        where = f"{heading.title}, blz. {heading.page}" if heading else "Het rapport"
        titles = {"nl": where, "en": where.replace(", blz. ", ", p. ")}
        # A table's lines are passages of their own, and so is a paragraph's continuation after a page end: a hit
        # leads to the line that holds the words.
        texts = [(b.line, b.text), *b.more] if b.kind != "table" else \
            [(line, "  ".join(c for c in row if c)) for line, row in zip(b.lines, b.rows, strict=True)]
        for line, text in texts:
            out.append(_doc("passage", str(line), titles, {}, [], [text], (line,), "nl", line))
    return out


def ordered_queries(cat: Catalogue, index: GraphIndex) -> list:
    """The catalogue in the order pages list it (a comparison with nothing linked yet comes last)."""
    return listing_order(cat.queries, index.graphs)


class SearchIndex:
    def __init__(self, docs: list[Doc], report: report_text.ReportText | None) -> None:
        self.docs = docs
        self.report = report

    def search(self, text: str, lang: str, kind: str | None = None) -> tuple[list[Hit], dict[str, int]]:
        """Hits best first (at most MAX_HITS), and how many of each kind matched."""
        words = fold(text).split()
        if not words:
            return [], {}
        phrase = " ".join(words)
        scored = []
        counts: dict[str, int] = {}
        for doc in self.docs:
            score = _score(doc, words, phrase)
            if score is None:
                continue
            counts[doc.kind] = counts.get(doc.kind, 0) + 1
            if kind and doc.kind != kind:
                continue
            scored.append(((score[0], KIND_ORDER[doc.kind], doc.order), doc, score[1]))
        scored.sort(key=lambda s: s[0])
        return [self._hit(doc, matched, text, words, lang) for _k, doc, matched in scored[:MAX_HITS]], counts

    def browse(self, kind: str, lang: str) -> list[Hit]:
        """Every thing of one kind (what a count on the home page links to), in the data's order."""
        docs = sorted((d for d in self.docs if d.kind == kind), key=lambda d: (d.titles.get(lang) or "").casefold())
        return [self._hit(d, "", "", [], lang) for d in docs]

    def _hit(self, doc: Doc, matched: str, text: str, words: list[str], lang: str) -> Hit:
        title = doc.titles.get(lang) or doc.titles.get("nl") or doc.key
        body = " ".join(b for b in doc.body if b)
        snippet = _snippet(body, words) if doc.kind in ("passage", "note", "table", "relation") else ""
        if doc.kind == "table":
            snippet = _snippet(doc.body[0 if lang == "nl" else 1], words)
        href = doc.href.get(lang, "")
        if doc.kind == "passage" and self.report is not None:
            href = _passage_href(self.report, doc, text, words, lang)
        return Hit(doc.kind, KINDS[doc.kind][lang], title, href, _marked(snippet, text), doc.lang,
                   matched if matched and matched != title else "")


def _score(doc: Doc, words: list[str], phrase: str) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for name, folded in zip(doc.names, doc.folded_names, strict=True):
        if not all(w in folded for w in words):
            continue
        if folded == phrase:
            tier = 0
        elif folded.startswith(phrase):
            tier = 1
        elif all(_word_start(w, folded) for w in words):
            tier = 2
        else:
            tier = 3
        if best is None or tier < best[0]:
            best = (tier, name)
    if best is not None:
        return best
    everything = "\n".join([*doc.folded_names, doc.folded_body])
    if not all(w in everything for w in words):
        return None
    if phrase in everything and _word_start(words[0], everything):
        return (4, "")
    return (5 if all(_word_start(w, everything) for w in words) else 6, "")


def _marked(snippet: str, text: str) -> list[tuple[str, bool]]:
    """The snippet cut into pieces with every typed word (ignoring case) marked."""
    words = sorted({w for w in text.split() if w}, key=len, reverse=True)
    if not snippet or not words:
        return [(snippet, False)] if snippet else []
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(snippet):
        out += [(snippet[pos:m.start()], False)] if m.start() > pos else []
        out.append((m.group(0), True))
        pos = m.end()
    return out + ([(snippet[pos:], False)] if pos < len(snippet) else [])


def _word_start(word: str, text: str) -> bool:
    return re.search(r"(?:^|\W)" + re.escape(word), text) is not None


def _snippet(text: str, words: list[str]) -> str:
    """Some words of the text around the first match (the text itself when it is short)."""
    if len(text) <= SNIPPET:
        return text
    folded = fold(text)
    at = min((folded.find(w) for w in words if w in folded), default=0)
    # fold() keeps one character per character for the text of this site (accents drop out, nothing else)
    start = max(0, at - SNIPPET // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    piece = text[start:start + SNIPPET]
    piece = piece[: piece.rfind(" ")] if len(text) > start + SNIPPET and " " in piece else piece
    return ("… " if start else "") + piece + (" …" if start + len(piece) < len(text) else "")


def _passage_href(report: report_text.ReportText, doc: Doc, text: str, words: list[str], lang: str) -> str:
    """The passage in /report with the words marked: the typed phrase where the passage holds it, else a word."""
    line = report.lines[doc.line - 1] if doc.line else ""
    candidates = [text.strip(), *text.split()]
    mark = next((c for c in candidates if c and c.casefold() in line.casefold()), "")
    args = [("mark", mark)] if mark else []
    args.append(("at", str(doc.line)))
    args.append(("lang", lang))
    return "/report?" + urlencode(args) + ("#mark" if mark else f"#r-{doc.line}")


class SearchHolder:
    """One search index per build and catalogue version, made on the first search."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def get(self, state: AppState, build: ActiveBuild, index: GraphIndex) -> SearchIndex:
        key = (build.info.build_id, state.catalogue_version())
        with self._lock:
            if self._key != key or self._index is None:
                self._index = _make(state, build, index)
                self._key = key
            return self._index


def _make(state: AppState, build: ActiveBuild, index: GraphIndex) -> SearchIndex:
    try:
        report = report_text.load(state.settings.data_dir)
    except (OSError, ValueError):
        report = None  # an installation without the report's text still searches everything else
    docs = _tables(state.catalogue(), index) + _pages() + _things(index)
    docs += _claims(state, build, index) + _notes(state, build, index)
    if report is not None:
        docs += _passages(report)
    return SearchIndex(docs, report)


def holder() -> SearchHolder:
    return current_app.extensions.setdefault("almerekg.search", SearchHolder())
