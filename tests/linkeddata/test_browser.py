"""The HTML pages in a real headless browser (Debian's chromium), and hostile literals shown as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import IMG_QUOTE, PART_LABEL, SCRIPT_LABEL, Server, chromium, get


@pytest.fixture(scope="module")
def site(live_site: str) -> str:
    """A browser needs the real server process."""
    return live_site


def dom(url: str) -> str:
    """The DOM after the page ran (scripts included), as chromium serialises it."""
    return chromium("--virtual-time-budget=2000", "--dump-dom", url)


def body_tag(html: str) -> str:
    return re.search(r"<body[^>]*>", html).group(0)


def test_home_page_in_chromium(site: str, tmp_path: Path) -> None:
    html = dom(site + "/?lang=nl")
    assert "<h1 id=\"intro-h\">Groei door samenwerking in Almere</h1>" in html
    assert 'action="/search"' in html and "bedrijven" in html
    shot = tmp_path / "home.png"
    chromium("--hide-scrollbars", "--window-size=1280,1400", f"--screenshot={shot}", site + "/?lang=nl")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a rendered page, not a blank one


def test_doc_page_in_chromium(site: str) -> None:
    html = dom(site + "/doc/firm/usg-people?lang=nl")
    assert "<h1>USG People</h1>" in html
    assert "Tabel 3, blz. 13" in html and "Bijlage 3, blz. 41" in html


def test_ontology_page_in_chromium(site: str) -> None:
    html = dom(site + "/def?lang=en")
    assert "<svg" in html and ">firm</text>" in html
    assert 'id="Firm"' in html and 'id="relationKind"' in html


def test_search_page_in_chromium(site: str) -> None:
    html = dom(site + "/search?q=%3Cscript%3Edocument.body.setAttribute('data-xss',1)%3C/script%3Eusg")
    assert "data-xss" not in body_tag(html)
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("path", ["/doc/firm/evil", "/doc/report-part/tabel-9", "/search?q=evil", "/"])
def test_hostile_literals_stay_text(xss_server: Server, path: str) -> None:
    raw = get(xss_server.url + path)
    assert raw.status_code == 200, raw.text
    html = dom(xss_server.url + path)
    # Nothing the data say ran, and no element of theirs made it into the page.
    assert "data-xss" not in body_tag(html)
    assert "<img src=\"x\"" not in html and "<img src=x" not in html
    for literal in (SCRIPT_LABEL, IMG_QUOTE, PART_LABEL):
        assert literal not in raw.text


def test_hostile_literals_shown_escaped(xss_server: Server) -> None:
    raw = get(xss_server.url + "/doc/firm/evil").text
    assert "&lt;script&gt;document.body.setAttribute(&#39;data-xss&#39;,&#39;label&#39;)&lt;/script&gt;Evil &amp; Co" in raw
    assert "&lt;img src=x onerror=" in raw
    assert "Tabel 9: &lt;/td&gt;&lt;/tr&gt;&lt;script&gt;" in raw  # the source cell
