"""Every HTML page links only to http(s) and our own paths, forbids framing, and limits scripts; Excel downloads
never carry a formula.

Issue 11 found an IRI `javascript:alert(document.domain)` in a query answer turned into a link on the editor
page, no Content-Security-Policy and no framing protection. `vocab.link_for` is the one function that turns
an IRI into an href; these tests read real pages of a real server (the build of data/, and one whose firm
names carry payloads) and look at every anchor.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from endpoint.conftest import http

from almerekg.vocab import link_for

from .conftest import FORMULA

BASE = "https://almerekg.example"
HOSTILE = ["javascript:alert(document.domain)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,hi",
           "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/x", "relative/path", "http:alert(1)", ""]
PAGES = ["/", "/?lang=en", "/sparql", "/queries", "/queries/tabel-3", "/queries/joint-ventures?sort=share",
         "/doc/firm/usg-people", "/doc/place/almere", "/doc/sector/j", "/def", "/dataset", "/dataset/validation",
         "/report", "/network", "/network/firm/usg-people", "/search?q=werkgelegenheid", "/search?q=zzzz-nothing",
         "/doc/firm/no-such-firm", "/no-such-page"]
ANCHOR = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"", re.IGNORECASE)
SAFE_HREF = re.compile(r"^(https?://[^\s\"<>]+|/(?!/)[^\s\"<>]*|#[^\s\"<>]*|\?[^\s\"<>]*)$")


@pytest.mark.parametrize("iri", HOSTILE)
def test_link_for_gives_no_link_to_anything_but_http(iri: str) -> None:
    assert link_for(iri, BASE) is None


def test_link_for_maps_our_iris_to_pages_and_keeps_web_iris() -> None:
    assert link_for(BASE + "/id/firm/usg-people", BASE) == "/doc/firm/usg-people"
    assert link_for(BASE + "/def/Firm", BASE) == "/def/Firm"
    assert link_for("https://www.cbs.nl/x?y=1", BASE) == "https://www.cbs.nl/x?y=1"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_kind_forbids_framing_and_links_only_the_web(robust_server, path: str) -> None:  # noqa: ANN001
    r = http.get(robust_server.url + path, headers={"Accept": "text/html"})
    assert r.status_code in (200, 404), (path, r.status_code)
    assert r.headers["Content-Type"].startswith("text/html")
    csp = {d.split()[0]: d.split()[1:] for d in r.headers["Content-Security-Policy"].split(";") if d.strip()}
    assert csp["frame-ancestors"] == ["'none'"] and r.headers["X-Frame-Options"] == "DENY", path
    assert csp["script-src"] in (["'none'"], ["'self'"]) and csp["object-src"] == ["'none'"], path
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    hrefs = ANCHOR.findall(r.text)
    assert hrefs, path
    assert [h for h in hrefs if not SAFE_HREF.match(h.replace("&amp;", "&"))] == [], path


def test_a_javascript_iri_in_an_answer_is_text_not_a_link(robust_server) -> None:  # noqa: ANN001
    values = " ".join(f"<{iri}>" for iri in ("javascript:alert(document.domain)", "JavaScript:alert(1)",
                                             "data:text/html,hi", "https://ok.example/a"))
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
    r = http.get(robust_server.sparql, params={"query": query, "format": "html"})
    assert r.status_code == 200
    table = r.text[r.text.index("<tbody>"):r.text.index("</tbody>")]
    cells = re.findall(r"<td>(.*?)</td>", table, re.S)
    assert cells[0].startswith("javascript:alert(document.domain)") and "<a" not in cells[0]
    assert "<a" not in cells[1] and "<a" not in cells[2]
    assert cells[3].startswith('<a href="https://ok.example/a">')
    assert not [h for h in ANCHOR.findall(r.text) if not SAFE_HREF.match(h.replace("&amp;", "&"))]


def _cells(body: bytes, delimiter: str) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def test_excel_downloads_make_a_formula_text_and_the_standard_ones_keep_it(xss_server) -> None:  # noqa: ANN001
    excel = http.get(xss_server.url + "/queries/tabel-3.csv", params={"dialect": "excel-nl"})
    assert excel.status_code == 200 and excel.content.startswith(b"\xef\xbb\xbf")
    cells = _cells(excel.content, ";")
    # The firm's entry is its name and rank as printed: '=HYPERLINK(…) (#4)'.
    assert [c for c in cells if c.startswith("'" + FORMULA)], cells[:40]
    assert [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not re.match(r"^-[0-9]", c))] == []
    plain = http.get(xss_server.url + "/queries/tabel-3.csv")
    assert [c for c in _cells(plain.content, ",") if c.startswith(FORMULA)]
    # /sparql answers SPARQL 1.1 CSV, which has no dialects: the value exactly as it is.
    query = 'SELECT ?name WHERE { ?f <http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER(STRSTARTS(?name, "=")) }'
    r = http.get(xss_server.sparql, params={"query": query}, headers={"Accept": "text/csv"})
    cells = _cells(r.content, ",")
    assert cells[0] == "name" and FORMULA in cells and not [c for c in cells if c.startswith("'")], cells
