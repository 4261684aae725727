"""/search over everything a reader asks for: tables by name and topic, names in both languages, relationships,
notes and the report's text; ranked, each hit saying what it is; an empty result suggests the tables.

The table of what people type (sector letters, everyday words in Dutch and English, firm names with a typo,
chapter titles) names the page that must come first or in the first three; it runs against the app in this
process (InProcess) on the session's build, as does the time bound on hostile input."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from serverproc import InProcess

from almerekg.saved_queries.catalogue import load_catalogue
from almerekg.settings import Settings
from almerekg.web.core.i18n import tr
from almerekg.web.site.search import KINDS, MAX_HITS, VocabularyError, load_vocabulary

from .conftest import get, rows


def hits(site: str, q: str, lang: str = "nl", **extra: str) -> list[tuple[str, str]]:
    """(kind label, href) of the results, in order."""
    text = get(site + "/search?" + urlencode({"q": q, "lang": lang, **extra})).text
    return [(k, h.replace("&amp;", "&")) for k, h in
            re.findall(r'<span class="kind-tag">([^<]*)</span>\s*<a href="([^"]*)"', text)]


def query_title(name: str, lang: str = "nl") -> str:
    return load_catalogue(Settings().queries_dir).get(name).title[lang]


@pytest.mark.parametrize("q,lang,first", [
    ("werkgelegenheid", "nl", "/queries/tabel-2?lang=nl"),
    ("Tabel 2", "nl", "/queries/tabel-2?lang=nl"),
    ("Table 2", "en", "/queries/tabel-2?lang=en"),
    ("joint venture", "nl", "/queries/joint-ventures?lang=nl"),
    ("netwerk", "nl", "/queries/netwerken-buiten-almere?lang=nl"),
    ("USG", "nl", "/doc/firm/usg-people?lang=nl"),
])
def test_the_answer_comes_first(site: str, q: str, lang: str, first: str) -> None:
    found = hits(site, q, lang)
    assert found and found[0][1] == first, found[:3]
    assert found[0][0] in ("Tabel of vraag", "Table or question", "Bedrijf", "Firm")


@pytest.mark.parametrize("q", ["banen", "R&D", "werkgelegenheid", "joint venture", "netwerk"])
def test_topics_find_tables_and_passages(site: str, q: str, report_text: str) -> None:
    found = hits(site, q)
    kinds = {k for k, _h in found}
    assert "Tabel of vraag" in kinds
    # Every passage of the report that holds the words (ignoring case) is a hit, linked to its line.
    lines = [n for n, line in enumerate(report_text.split("\n"), start=1) if all(
        w.casefold() in line.casefold() for w in q.split())]
    passages = [h for k, h in found if k == "Passage uit het rapport"]
    assert passages
    for href in passages:
        line = int(re.search(r"[?&]at=(\d+)", href).group(1))
        assert line in lines, href


def test_a_note_is_found_by_its_words(site: str) -> None:
    note = next(r for r in rows("notes.csv") if r["id"] == "n-003")
    words = " ".join(note["text"].split()[2:5])
    assert ("Noot", "/doc/note/n-003?lang=nl") in hits(site, words)


def test_a_passage_hit_opens_the_report_with_the_words_marked(site: str, report_text: str) -> None:
    quote = next(r["quote"] for r in rows("relations.csv") if r["kind"] == "research")
    line = next(n for n, text in enumerate(report_text.split("\n"), start=1) if quote in text)
    href = next(h for k, h in hits(site, quote) if k == "Passage uit het rapport")
    assert href == "/report?" + urlencode({"mark": quote, "at": line, "lang": "nl"}) + "#mark"
    target = get(site + href.split("#")[0]).text
    assert f'<mark id="mark">{quote}</mark>' in target


def test_nothing_found_suggests_the_tables(site: str) -> None:
    text = get(site + "/search?" + urlencode({"q": "qqqxxyzzy", "lang": "nl"})).text
    assert "Niets gevonden" in text
    for q in load_catalogue(Settings().queries_dir).queries:
        assert f'href="/queries/{q.name}?lang=nl"' in text, q.name


def test_a_kind_lists_every_thing_of_it(site: str) -> None:
    places = rows("places.csv")
    found = hits(site, "", kind="place")
    assert len(found) >= len(places)
    assert all(h.startswith("/doc/place/") for _k, h in found)
    home = get(site + "/?lang=nl").text
    assert 'href="/search?kind=place&amp;lang=nl"' in home and 'href="/search?kind=organisation&amp;lang=nl"' in home


def test_search_words_are_data_not_markup(site: str) -> None:
    text = get(site + "/search?" + urlencode({"q": "<script>x</script> Almere"})).text
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text


# -------------------------------------------------------------------------------------------------
# What people type: sector letters and everyday words, typos, English words, chapter titles
# -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app_site(built_store: Path) -> Iterator[InProcess]:
    """The app in this process, on the session's build: what /search answers, and its index to call directly."""
    with InProcess(built_store, query_workers=2) as app:
        yield app


def part(anchor: str, lang: str) -> str:
    """Where a hit on a part of the report leads: the part in /report (core/citations.py)."""
    return f"/report?part={anchor}&lang={lang}#{anchor}"


# (what a person types, page language, the page that must come first (1) or in the first three (3))
TABLE = [
    ("ICT", "nl", "/doc/sector/j?lang=nl", 1),
    ("ICT", "en", "/doc/sector/j?lang=en", 1),
    ("IT", "en", "/doc/sector/j?lang=en", 1),
    ("informatie en communicatie", "nl", "/doc/sector/j?lang=nl", 1),
    ("information and communication", "en", "/doc/sector/j?lang=en", 1),
    ("sector J", "nl", "/doc/sector/j?lang=nl", 1),
    ("sector j", "en", "/doc/sector/j?lang=en", 1),
    ("J", "nl", "/doc/sector/j?lang=nl", 1),
    ("sector F", "nl", "/doc/sector/f?lang=nl", 1),
    ("bouw", "nl", "/doc/sector/f?lang=nl", 1),
    ("construction", "en", "/doc/sector/f?lang=en", 1),
    ("horeca", "nl", "/doc/sector/i?lang=nl", 1),
    ("hotels", "en", "/doc/sector/i?lang=en", 1),
    ("zorg", "nl", "/doc/sector/q?lang=nl", 1),
    ("healthcare", "en", "/doc/sector/q?lang=en", 1),
    ("logistiek", "nl", "/doc/sector/h?lang=nl", 3),
    ("Avanede", "nl", "/doc/firm/avanade?lang=nl", 3),
    ("Avanede", "nl", "/doc/firm/avanade-netherlands?lang=nl", 3),
    ("Accenure", "nl", "/doc/firm/accenture?lang=nl", 3),
    ("USG Peple", "nl", "/doc/firm/usg-people?lang=nl", 3),
    ("USGPeople", "en", "/doc/firm/usg-people?lang=en", 1),
    ("Athlon", "nl", "/doc/firm/athlon-car-lease?lang=nl", 1),
    ("Microsoft", "en", "/doc/firm/microsoft?lang=en", 1),
    ("Kenniskring Amsterdam", "nl", "/doc/network/kenniskring-amsterdam?lang=nl", 1),
    ("Flevoland", "nl", "/doc/place/flevoland?lang=nl", 1),
    ("foreign firms", "en", "/queries/tabel-3?lang=en", 3),
    ("foreign", "en", "/queries/tabel-3?categorie=b&lang=en", 3),
    ("foreign", "en", "/queries/tabel-3?categorie=c&lang=en", 3),
    ("buitenlandse bedrijven", "nl", "/queries/tabel-3?lang=nl", 1),
    ("conclusies", "nl", part("h5-conclusies", "nl"), 3),
    ("conclusions", "en", part("h5-conclusies", "en"), 3),
    ("hoofdstuk 5", "nl", part("h5-conclusies", "nl"), 1),
    ("chapter 3", "en", part("h3-netwerken", "en"), 1),
    ("inleiding", "nl", "/report?lang=nl#h-1-inleiding", 1),
    ("summary", "en", part("samenvatting", "en"), 1),
    ("bijlage 2", "nl", part("bijlage-2", "nl"), 1),
    ("innovation", "en", part("h4-innovatie", "en"), 1),
    ("employment", "en", "/queries/tabel-2?lang=en", 1),
    ("jobs", "en", "/queries/tabel-2?lang=en", 1),
    ("werkgelegenhied", "nl", "/queries/tabel-2?lang=nl", 3),
    ("employmnet", "en", "/queries/tabel-2?lang=en", 3),
    ("Table 5", "en", "/queries/tabel-5?lang=en", 1),
    ("R&D", "nl", "/queries/rd-bedrijven?lang=nl", 1),
]


@pytest.mark.parametrize("q,lang,href,within", TABLE, ids=[f"{q}-{lang}-{n}" for n, (q, lang, _h, _w) in
                                                           enumerate(TABLE)])
def test_what_people_type_finds_the_page(app_site: InProcess, q: str, lang: str, href: str, within: int) -> None:
    found = [h for _k, h in hits(app_site.url, q, lang)]
    assert href in found[:within], (q, found[:5])


def test_a_sector_letter_matches_the_code_never_inside_a_word(app_site: InProcess, report_text: str) -> None:
    found = hits(app_site.url, "sector J")
    assert [h for k, h in found if k == "Sector"] == ["/doc/sector/j?lang=nl"]
    lines = report_text.split("\n")
    passages = [h for k, h in hits(app_site.url, "j") if k == "Passage uit het rapport"]
    assert passages
    for href in passages:  # a passage found by "j" holds J as a word (a table's sector row, an initial)
        line = lines[int(re.search(r"[?&]at=(\d+)", href).group(1)) - 1]
        assert re.search(r"(?<!\w)j(?!\w)", line, re.IGNORECASE), line


def test_a_typo_says_did_you_mean_and_links_the_corrected_search(app_site: InProcess) -> None:
    text = get(app_site.url + "/search?" + urlencode({"q": "Accenure", "lang": "nl"})).text
    assert "Niets gevonden voor" in text
    link = '<a href="/search?q=Accenture&amp;lang=nl">Accenture</a>'
    assert f'<p class="did-you-mean">Bedoelde u {link}? Dit is wat dat vindt:</p>' in text
    again = get(app_site.url + "/search?q=Accenture&lang=nl").text
    assert "did-you-mean" not in again
    assert hits(app_site.url, "Accenture")[0][1] == "/doc/firm/accenture?lang=nl"
    english = get(app_site.url + "/search?" + urlencode({"q": "USG Peple", "lang": "en"})).text
    assert '<p class="did-you-mean">Did you mean <a href="/search?q=USG+People&amp;lang=en">USG People</a>?' in english


def test_nonsense_gets_no_did_you_mean(app_site: InProcess) -> None:
    text = get(app_site.url + "/search?" + urlencode({"q": "qqqxxyzzy", "lang": "nl"})).text
    assert "Niets gevonden voor" in text and "did-you-mean" not in text and 'class="results"' not in text


def vocabulary_href(target: str, lang: str) -> str:
    """Where a target of search-words.csv leads in the site (the header of that file names the forms)."""
    if target.startswith("id/report-part/"):
        return part(target.rsplit("/", 1)[1], lang)
    if target.startswith("id/"):
        return f"/doc/{target[3:]}?lang={lang}"
    if target.startswith("report#"):
        return f"/report?lang={lang}#{target[7:]}"
    return f"/{target}{'&' if '?' in target else '?'}lang={lang}"


def test_every_vocabulary_word_finds_its_target(app_site: InProcess) -> None:
    """Each everyday word of search-words.csv leads to a thing the build has: no code or page made up."""
    vocabulary = load_vocabulary()
    assert {lang for v in vocabulary for lang in v.langs} == {"nl", "en"}
    missing = []
    for v in vocabulary:
        found = hits(app_site.url, v.word, v.langs[0])
        if v.target.startswith("kind:"):
            ok = tr(v.langs[0], KINDS[v.target[5:]]) in {k for k, _h in found}
        else:
            ok = vocabulary_href(v.target, v.langs[0]) in [h for _k, h in found]
        if not ok:
            missing.append((v.line, v.word, v.target))
    assert missing == []


def test_a_malformed_vocabulary_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    path.write_text("# about\nword,lang,target\nICT,nl en,id/sector/j\nhoreca,nl,sector I\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"words.csv line 4: .*'sector I'"):
        load_vocabulary(path)
    path.write_text("word,lang,target\nICT,de,id/sector/j\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="words.csv line 2"):
        load_vocabulary(path)


HOSTILE = [
    ("10,000 characters of words of the index", lambda words: " ".join(words[n % len(words)] for n in range(2000))),
    ("10,000 characters of one word", lambda words: "a" * 10_000),
    ("10,000 characters of near misses", lambda words: " ".join(w + "q" for w in words[:2000])),
    ("10,000 characters of one word repeated", lambda words: "almere " * 1500),
]


@pytest.mark.parametrize("name,make", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_long_text_is_answered_in_bounded_time(app_site: InProcess, name: str, make) -> None:  # noqa: ANN001
    """A time bound with a wide margin (a hang, not a speed claim): the route and the index itself."""
    from almerekg.web.core.pages import context
    from almerekg.web.site.search import holder

    with app_site.app.test_request_context("/search"):
        state, build, index = context()
        found = holder().get(state, build, index)
        words = sorted({t for d in found.docs for t in re.findall(r"[a-z]{4,}", d.everything)})
        text = make(words)[:10_000]
        assert len(text) == 10_000
        started = time.monotonic()
        result = found.search(text, "nl")
        assert time.monotonic() - started < 5, name
        assert len(result.hits) <= MAX_HITS
    started = time.monotonic()
    resp = get(app_site.url + "/search?" + urlencode({"q": "<b>" + text, "lang": "en"}))
    assert resp.status_code == 200 and time.monotonic() - started < 5, name
    assert "<b>" not in resp.text.split("<main", 1)[1] and "&lt;b&gt;" in resp.text


def test_a_vocabulary_target_the_build_lacks_leads_nowhere_and_is_reported(app_site: InProcess) -> None:
    """A made-up code, parameter value or kind finds nothing: the build's index says which words it could not place."""
    from almerekg.web.core.pages import context
    from almerekg.web.site import search

    with app_site.app.test_request_context("/search"):
        state, build, index = context()
        found = search.holder().get(state, build, index)
        assert found.unresolved == []
        made_up = [search.VocabularyWord("zz", ("nl",), "id/sector/zz", 1),
                   search.VocabularyWord("zz", ("nl",), "queries/tabel-3?categorie=q", 2),
                   search.VocabularyWord("zz", ("nl",), "queries/tabel-9", 3),
                   search.VocabularyWord("zz", ("nl",), "report#h-9-nergens", 4),
                   search.VocabularyWord("zz", ("nl",), "kind:thing", 5)]
        kinds, unresolved = search._apply_vocabulary(list(found.docs), made_up, state.catalogue(), index)
        assert (kinds, unresolved) == ({}, made_up)
