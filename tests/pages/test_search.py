"""/search over everything a reader asks for: tables by name and topic, names in both languages, relationships,
notes and the report's text; ranked, each hit saying what it is; an empty result suggests the tables."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from almerekg.saved_queries.catalogue import load_catalogue
from almerekg.settings import Settings

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
