"""The home page (what this is, live counts, where to go) and the search over names."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from .conftest import AK, BASE, get, read_html

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def count_of(quads: list[ox.Quad], cls: str) -> int:
    return len({q.subject for q in quads if q.predicate.value == RDF_TYPE and q.object.value == cls})


def test_home_says_what_this_is(site: str, store_quads: list[ox.Quad]) -> None:
    r = get(site + "/", headers={"Accept-Language": "nl"})
    assert r.status_code == 200
    text = " ".join(r.text.split())
    # The report, its authors in the order the report prints them, the commissioner, the date.
    assert "Groei door samenwerking in Almere" in text
    assert text.index("Dr. Jan Peter van den Toren") < text.index("Inge van Bussel MSc")
    assert "ministerie van Economische Zaken, Landbouw en Innovatie" in text
    assert "januari 2011" in text
    # Live counts, straight from the store.
    assert f"<strong>{count_of(store_quads, AK + 'Firm')}</strong> bedrijven" in r.text
    assert f"<strong>{count_of(store_quads, AK + 'Network')}</strong> netwerken" in r.text
    links = read_html(r.text).links
    for target in ("/queries", "/sparql", "/dataset", "/def", "/queries/tabel-1"):
        assert f"{target}?lang=nl" in links, target
    assert "/dataset?lang=nl#downloads" in links
    assert '<form class="search" role="search" action="/search"' in r.text


def test_home_in_english(site: str) -> None:
    r = get(site + "/?lang=en")
    assert "The report" in r.text and "January 2011" in r.text
    assert r.headers["Content-Language"] == "en"


@pytest.mark.parametrize("q,expect", [
    ("usg", "/doc/firm/usg-people"),
    ("USG PEOPLE N.V.", "/doc/firm/usg-people"),  # an alternative name, any case
    ("almere kennisstad", "/doc/network/almere-kennisstad"),
    ("flevoland", "/doc/place/flevoland"),
    ("industrie", "/doc/sector/c"),
])
def test_search_finds_by_name(site: str, q: str, expect: str) -> None:
    r = get(site + "/search", params={"q": q})
    assert r.status_code == 200
    assert expect + "?lang=nl" in read_html(r.text).links


@pytest.mark.parametrize("typed,expect", [("oce", "/doc/firm/oce"), ("Océ", "/doc/firm/oce"),
                                           ("groot-brittannie", "/doc/place/groot-brittannie"),
                                           ("OOST-AZIË", "/doc/place/oost-azie")])
def test_search_ignores_case_and_accents(site: str, typed: str, expect: str) -> None:
    assert expect + "?lang=nl" in read_html(get(site + "/search", params={"q": typed, "lang": "nl"}).text).links


@pytest.mark.parametrize("q", [
    '") } ; DROP ALL ; SELECT * WHERE { ?s ?p "',
    "<script>alert(1)</script>",
    "\\u0000 \x00 '\"",
    "x" * 5000,
])
def test_search_text_is_data_not_code(site: str, q: str) -> None:
    r = get(site + "/search", params={"q": q})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    if "script" in q:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_search_results_link_to_doc_pages(site: str) -> None:
    r = get(site + "/search", params={"q": "almere", "lang": "en"})
    links = [h for h in read_html(r.text).links if h.startswith("/doc/")]
    assert len(links) >= 5
    assert all(h.endswith("?lang=en") for h in links)
    for href in links[:3]:
        assert get(site + href).status_code == 200
    assert BASE not in " ".join(links)
