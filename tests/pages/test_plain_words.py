"""The smaller defects of issue 13, each read from the page a reader gets: words in the page's language
("Note", not "Noot", on English pages; Tabel 3 as "a cross-section", not "a sample chart"), plain words for
`rdf:type` and booleans, a refused parameter explained in the page's language with what was typed kept, and
(in chromium) /dataset's two-column list keeping each item whole and a table's caption inside a phone's width.
"""

from __future__ import annotations

import re
from html import unescape

import pyoxigraph as ox
import pytest

from .conftest import BASE, get, read

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@pytest.mark.parametrize("lang, word, other", [("en", "Note", "Noot"), ("nl", "Noot", "Note")])
def test_a_note_is_named_in_the_pages_language(site: str, lang: str, word: str, other: str) -> None:
    text = get(f"{site}/doc/note/n-002?lang={lang}").text
    # The page's title is in its language (the property table lists the labels in both, each tagged).
    h1 = unescape(re.search(r"<h1>(.*?)</h1>", text, re.S).group(1))
    assert h1 == f"{word} n-002 (assumption)", h1
    title = unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1))
    assert title.startswith(f"{word} n-002") and other not in title, title


def test_tabel_3_is_a_cross_section_in_english(site: str) -> None:
    en = get(f"{site}/queries/tabel-3?lang=en").text
    assert "A cross-section of business in Almere" in en
    assert "sample chart" not in en.lower()
    assert "Staalkaart" in get(f"{site}/queries/tabel-3?lang=nl").text


@pytest.mark.parametrize("lang, is_a", [("nl", "is een"), ("en", "is a")])
def test_rdf_type_reads_as_plain_words(site: str, lang: str, is_a: str) -> None:
    page = read(get(f"{site}/doc/firm/usg-people?lang={lang}").text)
    # The plain words first, the term a SPARQL writer needs beside them.
    cells = [row[0] for table in page.tables.values() for row in table if row]
    assert f"{is_a} rdf:type" in cells, cells
    assert "rdf:type" not in cells and "type" not in cells


@pytest.mark.parametrize("lang, words", [("nl", ("ja", "nee")), ("en", ("yes", "no"))])
def test_booleans_read_as_yes_and_no(site: str, store_quads: list[ox.Quad], lang: str,
                                     words: tuple[str, str]) -> None:
    booleans = [q for q in store_quads if isinstance(q.object, ox.Literal) and q.object.datatype.value == XSD_BOOLEAN
                and q.subject.value.startswith(BASE + "/id/")]
    assert booleans, "the build states no boolean"
    quad = booleans[0]
    page = read(get(f"{site}/doc/{quad.subject.value[len(BASE) + 4:]}?lang={lang}").text)
    values = [cell for table in page.tables.values() for row in table for cell in row[1:2]]
    expected = words[0] if quad.object.value == "true" else words[1]
    assert expected in values, values
    assert not [v for v in values if v in ("true", "false") or "xsd:boolean" in v]


@pytest.mark.parametrize("lang, message", [("nl", "vul een geheel getal in"), ("en", "enter a whole number")])
def test_a_refused_parameter_is_explained_in_the_pages_language_and_kept(site: str, lang: str,
                                                                         message: str) -> None:
    r = get(f"{site}/queries/joint-ventures?min_aandeel=veertig&lang={lang}")
    assert r.status_code == 400
    assert message in r.text
    field = re.search(r"<input\b[^>]*\bname=\"min_aandeel\"[^>]*>", r.text).group(0)
    assert 'value="veertig"' in field and 'aria-invalid="true"' in field and "aria-describedby=" in field


def test_dataset_list_items_stay_whole_and_captions_fit_a_phone(site: str, browser) -> None:  # noqa: ANN001
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.goto(f"{site}/dataset?lang=nl")
        pieces = tab.eval_on_selector_all("ul.columns li", "els => els.map(e => e.getClientRects().length)")
        assert pieces and set(pieces) == {1}, pieces
        tab.set_viewport_size({"width": 375, "height": 740})
        tab.goto(f"{site}/queries/tabel-3?lang=nl")
        boxes = tab.eval_on_selector_all("table caption", "els => els.map(e => { const r = e.getBoundingClientRect();"
                                                          " return [r.left, r.right]; })")
        assert boxes and all(left >= 0 and right <= 375 for left, right in boxes), boxes
    finally:
        tab.close()
