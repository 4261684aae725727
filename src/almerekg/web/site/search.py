"""Search over everything a reader asks for: the tables and questions (titles, descriptions, the table's name,
topics), the names of firms, networks, organisations, sectors (and their SBI letters), places and clusters in
both languages, the chapters and sections of the report, the relationships said in words, the report's claims
in words, the notes, and the report's own text.

Ranked in Python over an index of the build being served and the saved-query catalogue: what the person
types is compared with text and never becomes part of a query. Words match on word boundaries: a word of one
or two characters (a sector letter, a number) matches a whole word only, a three-letter word the start of a
word, a longer one also the inside of a Dutch compound. A name or title that is the text, starts with it or
holds its words scores above a description, a note or a passage that only mentions them; among equals a table
comes first, then a part of the report, a thing, a relationship, a note and a passage of the report. The
everyday words people type for things (ICT, horeca, foreign firms) are the site's own vocabulary, kept in
search-words.csv beside this module. When nothing matches, a word that is one or two letters away from a word
of the index is corrected (rapidfuzz), or a name close to the whole text is taken, and the page says "did you
mean". Every hit says what it is and links to the answer: the table, the thing's page, or the passage in
/report with the words marked.
"""

from __future__ import annotations

import bisect
import csv
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from flask import current_app
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ...engine import ActiveBuild
from ...saved_queries import Catalogue, listing_order
from ..core import report_text
from ..core.citations import cite_href
from ..core.i18n import LANGS, N_, tr, with_lang
from ..core.index import SKOS, GraphIndex, fold, select
from ..state import AppState

# What a hit is, in the order kinds rank among equally good matches, with the reader's words for them (msgids).
KINDS: dict[str, str] = {
    "table": N_("Table or question"),
    "page": N_("Page"),
    "part": N_("Part of the report"),
    "firm": N_("Firm"),
    "network": N_("Network"),
    "organisation": N_("Organisation"),
    "sector": N_("Sector"),
    "place": N_("Place or region"),
    "cluster": N_("Cluster"),
    "relation": N_("Relationship"),
    "claim": N_("Claim"),
    "note": N_("Note"),
    "passage": N_("Passage of the report"),
}
KIND_PLURALS: dict[str, str] = {
    "table": N_("Tables and questions"),
    "page": N_("Pages"),
    "part": N_("Parts of the report"),
    "firm": N_("Firms"),
    "network": N_("Networks"),
    "organisation": N_("Organisations"),
    "sector": N_("Sectors"),
    "place": N_("Places and regions"),
    "cluster": N_("Clusters"),
    "relation": N_("Relationships"),
    "claim": N_("Claims"),
    "note": N_("Notes"),
    "passage": N_("Passages of the report"),
}
KIND_ORDER = {k: n for n, k in enumerate(KINDS)}
log = logging.getLogger("almerekg.web")
SNIPPET = 220
MAX_HITS = 100
# Bounds on what one search compares, whatever is typed: the first distinct words; typo correction for a few
# words of at most MAX_WORD_CHARS (no word of the index is longer), whole-name matching for a short text.
MAX_WORDS = 16
MAX_WORD_CHARS = 40
MAX_CORRECTED_WORDS = 6
MAX_FUZZY_TEXT = 80
NAME_SIMILARITY = 90  # rapidfuzz WRatio (0-100) a name needs to be offered for a text that matched nothing
MIN_CLOSE_NAME = 4  # shorter names (codes such as "J") are never offered as close to a text
# Characters around a typed word that are not part of it ("sector J," "(ICT)").
_EDGE = ".,;:!?()[]{}\"'«»“”‘’"
_TOKEN = re.compile(r"\w+")
_NON_WORD = re.compile(r"\W+")

VOCABULARY = Path(__file__).with_name("search-words.csv")
# The ways search-words.csv names a target (its header says what each means).
_TARGET = re.compile(r"^(id/[a-z0-9][a-z0-9/-]*|queries/[a-z0-9-]+(\?[a-z][a-z0-9_]*=[A-Za-z0-9_-]+)?|"
                     r"report#[a-z0-9-]+|kind:[a-z]+)$")


class VocabularyError(ValueError):
    """search-words.csv is malformed: the message names the line."""


@dataclass(frozen=True)
class VocabularyWord:
    word: str
    langs: tuple[str, ...]
    target: str
    line: int


def load_vocabulary(path: Path = VOCABULARY) -> list[VocabularyWord]:
    """The site's search words (search-words.csv): lines starting with # are its description."""
    lines = path.read_text(encoding="utf-8").splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(line for _n, line in numbered)
    out = []
    for (n, _line), row in zip(numbered[1:], reader, strict=True):
        word, target = (row.get("word") or "").strip(), (row.get("target") or "").strip()
        langs = tuple((row.get("lang") or "").split())
        if not word or not _TARGET.match(target) or not langs or not set(langs) <= {"nl", "en"}:
            raise VocabularyError(f"{path.name} line {n}: expected word,lang,target with lang nl and/or en and a "
                                  f"target as the header describes, found {row!r}")
        out.append(VocabularyWord(word, langs, target, n))
    return out


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
    ref: str = ""  # how search-words.csv names it: id/..., queries/NAME, report#ANCHOR
    normal_names: list[str] = field(default_factory=list)  # folded, punctuation as single spaces
    everything: str = ""  # folded names and body, what a word must occur in at all
    normal_everything: str = ""

    def add_names(self, names: list[str]) -> None:
        """More names it is found by (the vocabulary's words for it)."""
        new = [n for n in names if n and n not in self.names]
        self.names += new
        self.folded_names += [fold(n) for n in new]
        self.derive()

    def derive(self) -> None:
        """The forms matching reads, made again whenever names or body change."""
        self.normal_names = [_normal(n) for n in self.folded_names]
        self.everything = "\n".join([*self.folded_names, self.folded_body])
        self.normal_everything = _normal(self.everything)


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str
    href: str
    snippet: list[tuple[str, bool]]  # (piece, marked): the searched words marked
    lang: str
    matched: str  # a name other than the title that matched ("USG People N.V.")
    matched_lang: str = ""  # the matched name's language when it is the other language's title


@dataclass
class Found:
    """What a search found: hits best first, how many of each kind matched, and the text the hits are for when
    it is not the typed one (`corrected`: nothing matched the typed text, this close text did)."""

    hits: list[Hit]
    counts: dict[str, int]
    corrected: str = ""


def _normal(folded: str) -> str:
    return _NON_WORD.sub(" ", folded).strip()


def _doc(kind: str, key: str, titles: dict[str, str], href: dict[str, str], names: list[str],
         body: list[str], order: tuple, lang: str = "", line: int | None = None, ref: str = "") -> Doc:
    # A passage is found by its words, not by the title of the section it stands in.
    names = [n for n in dict.fromkeys([*(titles.values() if kind != "passage" else ()), *names]) if n]
    doc = Doc(kind, key, titles, href, names, body, order, lang, line, [fold(n) for n in names],
              fold("\n".join(body)), ref)
    doc.derive()
    return doc


def _tables(cat: Catalogue, index: GraphIndex) -> list[Doc]:
    out = []
    for n, q in enumerate(ordered_queries(cat, index)):
        body = [q.description["nl"], q.description["en"], q.source.label["nl"], q.source.label["en"], q.summary,
                " ".join(q.tags)]
        body += [label for p in q.params for labels in p.value_labels.values() for label in labels.values()]
        out.append(_doc("table", q.name, dict(q.title), {lang: with_lang(f"/queries/{q.name}", lang) for lang in
                        ("nl", "en")}, [q.source.label["nl"], q.source.label["en"]], body, (n,),
                        ref=f"queries/{q.name}"))
    return out


def _table_choice(cat: Catalogue, index: GraphIndex, ref: str) -> Doc | None:
    """A saved query with one value of one of its parameters chosen (queries/tabel-3?categorie=b), where the
    vocabulary leads to it; None when the query, the parameter or the value does not exist."""
    m = re.fullmatch(r"queries/([a-z0-9-]+)\?([a-z][a-z0-9_]*)=(.+)", ref)
    queries = ordered_queries(cat, index)
    q = next((q for q in queries if m and q.name == m.group(1)), None)
    param = next((p for p in q.params if m and p.name == m.group(2)), None) if q else None
    if m is None or q is None or param is None or m.group(3) not in param.values:
        return None
    value = m.group(3)
    labels = param.value_labels.get(value, {"nl": value, "en": value})
    titles = {lang: f"{q.title[lang]} — {param.label[lang]}: {labels[lang]}" for lang in ("nl", "en")}
    href = {lang: with_lang(f"/queries/{q.name}?" + urlencode([(param.name, value)]), lang) for lang in LANGS}
    return _doc("table", ref, titles, href, [labels["nl"], labels["en"]], [q.description["nl"], q.description["en"]],
                (queries.index(q), param.name, param.values.index(value)), ref=ref)


def _pages() -> list[Doc]:
    pages = [
        ("/network", N_("The network of partnerships"),
         ["netwerk samenwerking relaties partners moeders dochters afnemers", "network partnerships relationships"]),
        ("/report", N_("The report: the full text"),
         ["rapport tekst hoofdstukken paragrafen bronnen citaten", "report text chapters sections sources quotes"]),
        ("/queries", N_("Tables and questions"),
         ["alle tabellen van het rapport", "all tables of the report"]),
    ]
    return [_doc("page", path, {lang: tr(lang, title) for lang in LANGS},
                 {lang: with_lang(path, lang) for lang in LANGS}, [], body, (n,))
            for n, (path, title, body) in enumerate(pages)]


def _parts(report: report_text.ReportText, index: GraphIndex) -> list[Doc]:
    """The report's chapters, sections and appendices (its table of contents), by the report's titles and the
    graph's labels of the part that opens there in both languages; a hit opens /report at the heading."""
    out = []
    for n, h in enumerate(report.toc):
        part = next((p for p in report.parts.values() if p.line is not None and p.line == h.line
                     and p.kind in ("section", "appendix")), None)
        iri = index.id_prefix + "report-part/" + part.id if part else ""
        labels = index.labels.get(iri, {}) if part else {}
        number = re.match(r"\d+\.\s", h.title) if h.level == 1 else None
        nl = labels.get("nl", h.title) if part and part.kind == "appendix" else h.title
        en = labels.get("en") or nl
        titles = {"nl": nl, "en": number.group(0) + en if number and not en.startswith(number.group(0)) else en}
        href = {lang: cite_href(part.id, None, lang) if part else f"/report?lang={lang}#{h.anchor}"
                for lang in ("nl", "en")}
        # Without an English label the title is the report's Dutch one in both languages (marked lang="nl").
        out.append(_doc("part", iri or h.anchor, titles, href, [h.title, *labels.values()], [], (n,),
                        "" if labels.get("en") else "nl", h.line,
                        f"id/report-part/{part.id}" if part else f"report#{h.anchor}"))
    return out


def _things(state: AppState, build: ActiveBuild, index: GraphIndex) -> list[Doc]:
    # A code is a name of its thing (sector J is found by "J"); codes come from the graph's skos:notation.
    codes: dict[str, list[str]] = {}
    for r in select(state, build, f"""
        SELECT DISTINCT ?s ?code WHERE {{ GRAPH ?g {{ ?s <{SKOS}notation> ?code }} }} ORDER BY ?s ?code""",
                    cache_key=("search-codes",)):
        codes.setdefault(r["s"].value, []).append(r["code"].value)
    out = []
    for entry in index.search_entries:
        titles = {lang: index.display(entry.iri, lang) for lang in ("nl", "en")}
        # The kind's own words ("netwerk", "network") let a topic find every thing of that kind.
        out.append(_doc(entry.kind, entry.iri, titles, {lang: index.link(entry.iri, lang) or "" for lang in
                        ("nl", "en")}, [*entry.names, *codes.get(entry.iri, [])],
                        [tr(lang, KINDS[entry.kind]) for lang in LANGS],
                        (index.row_order(entry.iri), entry.names[0]), ref=_ref(index, entry.iri)))
    for rel, titles in index.titles.items():
        out.append(_doc("relation", rel, titles, {lang: index.link(rel, lang) or "" for lang in ("nl", "en")}, [],
                        [index.quotes.get(rel, "")], (index.row_order(rel), rel), "", None))
    return out


def _ref(index: GraphIndex, iri: str) -> str:
    base = index.base.rstrip("/") + "/"
    return iri[len(base):] if iri.startswith(base) else iri


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
          <http://www.w3.org/2000/01/rdf-schema#comment> ?comment FILTER(LANG(?comment) = "nl") }} }} ORDER BY ?note""",
                  cache_key=("search-notes",))
    out = []
    for r in rows:
        iri = r["note"].value
        ref = iri.rsplit("/", 1)[-1]
        titles = {lang: tr(lang, "Note %(ref)s", ref=ref) for lang in LANGS}
        out.append(_doc("note", iri, titles, {lang: index.link(iri, lang) or "" for lang in ("nl", "en")}, [],
                        [r["comment"].value], (ref,), "nl"))
    return out


def _passages(doc: report_text.ReportText) -> list[Doc]:
    out = []
    for b in doc.blocks:
        if b.kind in ("toc", "front", "heading"):
            continue  # a heading is found as a part of the report (_parts)
        heading = doc.heading_at(b.line)
        titles = {lang: tr(lang, "%(title)s, p. %(page)s", title=heading.title, page=heading.page) if heading
                  else tr("nl", "The report") for lang in LANGS}  # the report's Dutch name in both languages
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


class _Word:
    """A typed word (folded) and where it may match: a word of one or two characters (a letter, a code, a number)
    only as a whole word, one of three at the start of a word, a longer one also inside a word (a Dutch
    compound: "netwerk" in "bedrijvennetwerk"), though the start of a word counts as the better match."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.inside = len(text) >= 4
        self.start = re.compile(r"(?<!\w)" + re.escape(text) + (r"(?!\w)" if len(text) <= 2 else ""))

    def loose(self, text: str) -> bool:
        return self.text in text if self.inside else self.start.search(text) is not None

    def strict(self, text: str) -> bool:
        return self.start.search(text) is not None

    def find(self, text: str) -> int:
        """Where the word first matches in a folded text (a word start before the inside of a word), or -1."""
        m = self.start.search(text)
        return m.start() if m else text.find(self.text) if self.inside else -1


class _Query:
    def __init__(self, raw: list[str]) -> None:
        self.raw = raw  # the typed words, edge punctuation off, each once
        self.words = [_Word(fold(w)) for w in raw]
        self.phrase = _normal(" ".join(w.text for w in self.words))
        self.phrase_start = re.compile(r"(?<!\w)" + re.escape(self.phrase))

    @staticmethod
    def of(text: str) -> _Query | None:
        raw: dict[str, str] = {}
        for piece in text.split():
            word = piece.strip(_EDGE)
            if not any(c.isalnum() for c in word):
                continue  # "&", "-", "…": nothing to find
            if fold(word) not in raw:
                raw[fold(word)] = word
            if len(raw) == MAX_WORDS:
                break
        return _Query(list(raw.values())) if raw and _normal(" ".join(raw)) else None

    def without(self, kind_words: set[str]) -> _Query | None:
        """The query without the words naming a kind ("sector J" for a sector: J), if anything else is left."""
        rest = [raw for raw, w in zip(self.raw, self.words, strict=True) if w.text not in kind_words]
        return _Query(rest) if rest and len(rest) < len(self.raw) and _normal(" ".join(rest)) else None


class SearchIndex:
    def __init__(self, docs: list[Doc], report: report_text.ReportText | None,
                 kind_words: dict[str, set[str]] | None = None,
                 unresolved: list[VocabularyWord] | None = None) -> None:
        self.docs = docs
        self.report = report
        self.kind_words = kind_words or {}
        self.unresolved = unresolved or []  # vocabulary words whose target the build does not have
        counts: Counter[str] = Counter()
        self._name_tokens: set[str] = set()
        self._spelling: dict[str, str] = {}
        for doc in docs:
            for name in doc.names:
                for token in _TOKEN.findall(name):
                    folded = fold(token)
                    self._name_tokens.add(folded)
                    self._spelling.setdefault(folded, token)
            counts.update(_TOKEN.findall(doc.everything))
        self._token_counts = counts
        self._tokens = sorted(counts)
        # Whole names a text close to them finds when no word matched (things, tables, parts: not long texts).
        self._names = [(normal, name, doc) for doc in docs if KIND_ORDER[doc.kind] < KIND_ORDER["relation"]
                       for name, normal in zip(doc.names, doc.normal_names, strict=True)
                       if len(normal) >= MIN_CLOSE_NAME]

    def search(self, text: str, lang: str, kind: str | None = None) -> Found:
        """Hits best first (at most MAX_HITS) and how many of each kind matched; when nothing matches the text,
        what a corrected text or a close name finds, with that text in `corrected`."""
        query = _Query.of(text)
        if query is None:
            return Found([], {})
        found = self._run(query, text, lang, kind)
        if found.counts:
            return found
        corrected = self._correct(query)
        if corrected:
            again = self._run(_Query(corrected.split()), corrected, lang, kind)
            if again.counts:
                return Found(again.hits, again.counts, corrected)
        return self._close_names(query, lang, kind) or found

    def _run(self, query: _Query, text: str, lang: str, kind: str | None) -> Found:
        without = {k: query.without(words) for k, words in self.kind_words.items()}
        scored = []
        counts: dict[str, int] = {}
        for doc in self.docs:
            # Every word in the thing's text, or, a little lower, every word but those naming its kind.
            score = _score(doc, query)
            found = (score[0], 0, score[1]) if score is not None else None
            rest = without.get(doc.kind)
            other = _score(doc, rest) if rest is not None else None
            if other is not None and (found is None or other[0] < found[0]):
                found = (other[0], 1, other[1])
            if found is None:
                continue
            counts[doc.kind] = counts.get(doc.kind, 0) + 1
            if kind and doc.kind != kind:
                continue
            scored.append(((found[0], found[1], KIND_ORDER[doc.kind], doc.order), doc, found[2]))
        scored.sort(key=lambda s: s[0])
        return Found([self._hit(doc, matched, text, query, lang) for _k, doc, matched in scored[:MAX_HITS]], counts)

    def _known(self, word: str) -> bool:
        """A word of the index, or the start of one."""
        at = bisect.bisect_left(self._tokens, word)
        return at < len(self._tokens) and self._tokens[at].startswith(word)

    def _correct(self, query: _Query) -> str:
        """The typed text with each unknown word replaced by the index's closest word (one letter away for a word
        of up to five letters, two for a longer one); "" when no word could be corrected."""
        out, changed = [], 0
        for raw, word in zip(query.raw, query.words, strict=True):
            text = word.text
            if changed >= MAX_CORRECTED_WORDS or not 4 <= len(text) <= MAX_WORD_CHARS or not text.isalnum() \
                    or self._known(text):
                out.append(raw)
                continue
            close = process.extract(text, self._tokens, scorer=OSA.distance, score_cutoff=1 if len(text) <= 5 else 2,
                                    limit=None)
            if not close:
                out.append(raw)
                continue
            best = min(close, key=lambda c: (c[1], c[0] not in self._name_tokens, -self._token_counts[c[0]], c[0]))
            out.append(self._spelling.get(best[0], best[0]))
            changed += 1
        return " ".join(out) if changed else ""

    def _close_names(self, query: _Query, lang: str, kind: str | None) -> Found | None:
        """Things, tables and parts whose name is close to the whole text ("USGPeople"), best first."""
        if not 4 <= len(query.phrase) <= MAX_FUZZY_TEXT:
            return None
        close = process.extract(query.phrase, [n[0] for n in self._names], scorer=fuzz.WRatio,
                                score_cutoff=NAME_SIMILARITY, limit=MAX_HITS)
        docs: dict[int, tuple[Doc, str, float]] = {}
        for _text, similarity, at in close:
            _normal_name, name, doc = self._names[at]
            if id(doc) not in docs:
                docs[id(doc)] = (doc, name, similarity)
        if not docs:
            return None
        ranked = sorted(docs.values(), key=lambda d: (-d[2], KIND_ORDER[d[0].kind], d[0].order))
        counts = dict(Counter(d.kind for d, _n, _s in ranked))
        best = ranked[0][1]
        hits = [self._hit(d, name, best, _Query.of(best) or query, lang) for d, name, _s in ranked
                if not kind or d.kind == kind]
        return Found(hits, counts, best)

    def browse(self, kind: str, lang: str) -> list[Hit]:
        """Every thing of one kind (what a count on the home page links to), in the data's order."""
        docs = [d for d in self.docs if d.kind == kind]
        if kind != "part":  # the parts of the report in the report's order, everything else by name
            docs.sort(key=lambda d: (d.titles.get(lang) or "").casefold())
        return [self._hit(d, "", "", None, lang) for d in docs]

    def _hit(self, doc: Doc, matched: str, text: str, query: _Query | None, lang: str) -> Hit:
        title = doc.titles.get(lang) or doc.titles.get("nl") or doc.key
        body = " ".join(b for b in doc.body if b)
        words = query.words if query else []
        snippet = _snippet(body, words) if doc.kind in ("passage", "note", "table", "relation") else ""
        if doc.kind == "table":
            snippet = _snippet(doc.body[LANGS.index(lang)], words)  # the description in the page's language
        href = doc.href.get(lang, "")
        if doc.kind == "passage" and self.report is not None:
            href = _passage_href(self.report, doc, text, lang)
        other = next((code for code, t in doc.titles.items() if code != lang and t == matched != title), "")
        return Hit(doc.kind, tr(lang, KINDS[doc.kind]), title, href, _marked(snippet, query.raw if query else []),
                   doc.lang, matched if matched and matched != title else "", other)


def _score(doc: Doc, query: _Query) -> tuple[int, str] | None:
    """How well a thing matches (0 best): 0 a name is the text, 1 a name starts with it, 2 a name holds every word
    at a word start, 3 its names together do, 4 a name holds every word; 5 the text stands in its names or body,
    6 every word starts a word there, 7 every word is there. None: some word is not there at all."""
    words = query.words
    if not all(w.loose(doc.everything) for w in words):
        return None
    best: tuple[int, str] | None = None
    for name, folded, normal in zip(doc.names, doc.folded_names, doc.normal_names, strict=True):
        if not all(w.loose(folded) for w in words):
            continue
        if normal == query.phrase:
            tier = 0
        elif normal.startswith(query.phrase):
            tier = 1
        else:
            tier = 2 if all(w.strict(folded) for w in words) else 4
        if best is None or tier < best[0]:
            best = (tier, name)
    if (best is None or best[0] > 3) and all(any(w.strict(f) for f in doc.folded_names) for w in words):
        best = (3, "")
    if best is not None:
        return best
    if query.phrase_start.search(doc.normal_everything):
        return (5, "")
    return (6 if all(w.strict(doc.everything) for w in words) else 7, "")


def _marked(snippet: str, words: list[str]) -> list[tuple[str, bool]]:
    """The snippet cut into pieces with every typed word (ignoring case) marked where it matches (_Word)."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not snippet or not words:
        return [(snippet, False)] if snippet else []
    pattern = re.compile("|".join(_Word(w).start.pattern if len(w) <= 3 else re.escape(w) for w in words),
                         re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(snippet):
        if m.end() == m.start():
            continue
        out += [(snippet[pos:m.start()], False)] if m.start() > pos else []
        out.append((m.group(0), True))
        pos = m.end()
    return out + ([(snippet[pos:], False)] if pos < len(snippet) else [])


def _snippet(text: str, words: list[_Word]) -> str:
    """Some words of the text around the first match (the text itself when it is short)."""
    if len(text) <= SNIPPET:
        return text
    folded = fold(text)
    at = min((found for w in words if (found := w.find(folded)) >= 0), default=0)
    # fold() keeps one character per character for the text of this site (accents drop out, nothing else)
    start = max(0, at - SNIPPET // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    piece = text[start:start + SNIPPET]
    piece = piece[: piece.rfind(" ")] if len(text) > start + SNIPPET and " " in piece else piece
    return ("… " if start else "") + piece + (" …" if start + len(piece) < len(text) else "")


def _passage_href(report: report_text.ReportText, doc: Doc, text: str, lang: str) -> str:
    """The passage in /report with the words marked: the typed phrase where the passage holds it, else a word
    (one of three letters or more: /report marks every occurrence of what it is given)."""
    line = report.lines[doc.line - 1] if doc.line else ""
    candidates = [text.strip(), *(w.strip(_EDGE) for w in text.split() if len(w.strip(_EDGE)) >= 3)]
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
    cat = state.catalogue()
    docs = _tables(cat, index) + _pages() + (_parts(report, index) if report is not None else [])
    docs += _things(state, build, index) + _claims(state, build, index) + _notes(state, build, index)
    if report is not None:
        docs += _passages(report)
    kind_words, unresolved = _apply_vocabulary(docs, load_vocabulary(), cat, index)
    if unresolved:
        log.warning("%s: %d word(s) lead to nothing in build %s: %s", VOCABULARY.name, len(unresolved),
                    build.info.build_id, "; ".join(f"line {v.line} {v.word!r} -> {v.target}" for v in unresolved))
    return SearchIndex(docs, report, kind_words, unresolved)


def _apply_vocabulary(docs: list[Doc], vocabulary: list[VocabularyWord], cat: Catalogue, index: GraphIndex
                      ) -> tuple[dict[str, set[str]], list[VocabularyWord]]:
    """Each word of the vocabulary becomes a name of what it leads to, and a word for a kind a word of the body
    of every thing of that kind. Returns the kind words and the words whose target this build does not have."""
    by_ref = {d.ref: d for d in docs if d.ref}
    kind_words: dict[str, set[str]] = {}
    unresolved = []
    for v in vocabulary:
        if v.target.startswith("kind:"):
            if v.target[5:] in KINDS:
                kind_words.setdefault(v.target[5:], set()).add(fold(v.word))
            else:
                unresolved.append(v)
            continue
        doc = by_ref.get(v.target)
        if doc is None and v.target.startswith("queries/") and "?" in v.target:
            doc = _table_choice(cat, index, v.target)
            if doc is not None:
                docs.append(doc)
                by_ref[doc.ref] = doc
        if doc is None:
            unresolved.append(v)
            continue
        doc.add_names([v.word])
    for doc in docs:
        if doc.kind in kind_words:
            doc.folded_body += "\n" + " ".join(sorted(kind_words[doc.kind]))
            doc.derive()
    return kind_words, unresolved


def holder() -> SearchHolder:
    return current_app.extensions.setdefault("almerekg.search", SearchHolder())
