"""The reader's language sticks: the switch remembers it, every link, form and redirect carries it, and
caches never hand one reader's choice to another.

In chromium (real clicks) and over HTTP (every page kind of pages.PAGES, every link and form on it).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from serverproc import get

from .conftest import follow
from .pages import PAGES, Page, url

# Links to files and machine formats, not pages: the language does not apply to them.
MACHINE_SUFFIXES = (".ttl", ".jsonld", ".nt", ".rdf", ".csv", ".json", ".xlsx", ".gz", ".trig", ".nq", ".js", ".css")
MACHINE_PREFIXES = ("/downloads/", "/vendor/", "/static/", "/.well-known/", "/lang/")


class LinksAndForms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "form":
            self.forms.append({"action": a.get("action"), "method": (a.get("method") or "get").lower(), "lang": None})
        elif tag == "input" and a.get("name") == "lang" and self.forms:
            self.forms[-1]["lang"] = a.get("value")


def is_page_link(href: str) -> bool:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:  # another site, mailto:, or a fragment on this page
        return False
    query = parse_qs(parts.query)
    if any(f not in ("html",) for f in query.get("format", [])):
        return False
    return not parts.path.endswith(MACHINE_SUFFIXES) and not parts.path.startswith(MACHINE_PREFIXES)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("page", PAGES, ids=[p.kind for p in PAGES])
def test_every_link_and_form_keeps_the_language(site: str, page: Page, lang: str) -> None:
    r = get(url(site, page, lang), headers={"Accept": "text/html", "Accept-Language": "nl" if lang == "en" else "en"})
    assert r.status_code == page.status
    found = LinksAndForms()
    found.feed(r.text)
    page_links = [h for h in found.links if is_page_link(h)]
    assert page_links, page.path
    dropped = [h for h in page_links if parse_qs(urlsplit(h).query).get("lang") != [lang]]
    assert dropped == [], f"{page.path}: links without lang={lang}"
    for form in found.forms:
        assert form["method"] == "get" and form["lang"] == lang, (page.path, form)
    # The switch goes to the other language and back to this very page.
    switch = next(h for h in found.links if h.startswith("/lang/"))
    other = "en" if lang == "nl" else "nl"
    target = parse_qs(urlsplit(switch).query)["next"][0]
    assert switch.startswith(f"/lang/{other}?") and urlsplit(target).path == urlsplit(page.path).path


def test_the_switch_remembers_the_choice_and_goes_back(site: str) -> None:
    r = get(site + "/lang/en?next=" + "/queries/tabel-2%3Flang%3Dnl%26x%3D1")
    assert r.status_code == 303
    assert r.headers["Location"] == "/queries/tabel-2?x=1&lang=en"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "Path=/" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert r.headers["Cache-Control"] == "no-store"
    # Only a path on this site: anything else goes home.
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert get(site + "/lang/nl", params={"next": evil}).headers["Location"] == "/?lang=nl", evil
    assert get(site + "/lang/xx?next=/def").headers["Location"] == "/def?lang=nl"


def test_caching_follows_where_the_language_came_from(site: str) -> None:
    path = site + "/queries/tabel-2"
    named = get(path + "?lang=en", headers={"Cookie": "lang=nl", "Accept-Language": "nl"})
    assert named.headers["Content-Language"] == "en"
    assert named.headers["Cache-Control"].startswith("public") and "Cookie" not in named.headers["Vary"]
    # The cookie decides where the URL does not: private, and varying by it.
    chosen = get(path, headers={"Cookie": "lang=en", "Accept-Language": "nl"})
    assert chosen.headers["Content-Language"] == "en"
    assert chosen.headers["Cache-Control"].startswith("private")
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in chosen.headers["Vary"].split(",")}
    # No cookie: negotiated from Accept-Language, shareable, but only with readers without the cookie.
    negotiated = get(path, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert negotiated.headers["Content-Language"] == "en"
    assert negotiated.headers["Cache-Control"].startswith("public")
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in negotiated.headers["Vary"].split(",")}
    # Machine formats do not depend on the language at all.
    csv = get(path + ".csv", headers={"Cookie": "lang=en"})
    assert "Cookie" not in csv.headers.get("Vary", "")


def test_redirects_keep_the_language(site: str) -> None:
    r = get(site + "/id/firm/usg-people?lang=en")
    assert r.status_code == 303 and r.headers["Location"] == "/doc/firm/usg-people?lang=en"


def html_lang(tab) -> str:  # noqa: ANN001
    return tab.evaluate("document.documentElement.lang")


def test_language_kept_over_three_clicks(browser, site: str, shots: Path) -> None:  # noqa: ANN001
    """An English browser chooses Dutch; three clicks later, and on a typed address, it is still Dutch."""
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    tab = ctx.new_page()
    tab.goto(site + "/")
    assert html_lang(tab) == "en"
    follow(tab, "header a.lang")
    assert html_lang(tab) == "nl" and tab.url == site + "/?lang=nl"
    assert [c["value"] for c in ctx.cookies() if c["name"] == "lang"] == ["nl"]
    follow(tab, "header nav >> text=Tabellen en vragen")
    assert html_lang(tab) == "nl"
    follow(tab, "main a[href^='/queries/tabel-2?']")
    assert html_lang(tab) == "nl"
    assert tab.inner_text("h1").startswith("Tabel 2: ")
    follow(tab, "p.source a")  # the part of the report the table comes from
    assert html_lang(tab) == "nl" and "/report?part=tabel-2&lang=nl#tabel-2" in tab.url
    assert "Tabel 2" in tab.inner_text("main")
    tab.screenshot(path=str(shots / "journey-language-third-click-nl.png"))
    # An address typed without ?lang= follows the remembered choice, not the browser's English.
    tab.goto(site + "/sparql")
    assert html_lang(tab) == "nl" and tab.inner_text("h1") == "Zelf vragen stellen (SPARQL)"
    ctx.close()


def test_dutch_browser_choosing_english_gets_an_english_editor(browser, site: str) -> None:  # noqa: ANN001
    ctx = browser.new_context(locale="nl-NL", java_script_enabled=False)
    tab = ctx.new_page()
    tab.goto(site + "/queries")
    assert html_lang(tab) == "nl"
    follow(tab, "header a.lang")
    follow(tab, "header nav >> text=SPARQL")
    assert html_lang(tab) == "en" and tab.inner_text("h1") == "Ask your own questions (SPARQL)"
    # Running a query from the form keeps it English too.
    follow(tab, "#plain-editor button[type=submit]")
    assert html_lang(tab) == "en" and "rows" in tab.inner_text("#server-answer")
    ctx.close()


def test_url_for_gives_a_page_link_the_pages_language_and_a_file_none(built_store: Path) -> None:
    """core/i18n.page_language: the one place a link gets its `lang` (url_for's URL defaults)."""
    from flask import url_for
    from serverproc import InProcess

    from almerekg.web.core.i18n import pick_lang

    with InProcess(built_store) as site:
        with site.app.test_request_context("/?lang=en"):
            assert pick_lang() == "en"
            assert url_for("queries.saved", name="tabel-2") == "/queries/tabel-2?lang=en"
            assert url_for("queries.index") == "/queries?lang=en"
            assert url_for("pages.search", kind="place") == "/search?kind=place&lang=en"
            assert url_for("dataset.dataset", _anchor="downloads") == "/dataset?lang=en#downloads"
            assert url_for("queries.saved", name="tabel-2", lang="nl") == "/queries/tabel-2?lang=nl"  # named: kept
            assert url_for("static", filename="site.css") == "/static/site.css"  # files carry no language
            assert url_for("linkeddata.ontology_page", ext=".ttl") == "/def.ttl"
            assert url_for("dataset.download", name="almerekg.nq.gz") == "/downloads/almerekg.nq.gz"
