"""The journeys of a reader, clicked through in headless chromium (Playwright driving Debian's chromium):
search "werkgelegenheid" and reach Tabel 2; follow a citation to the report's own words; read a sector's figures;
sort and filter a table by its links; look at the network; and every one of these pages fits a phone (375 px).
Each journey leaves a screenshot in var/screenshots/ (ALMEREKG_SCREENSHOTS moves them)."""

from __future__ import annotations

import pytest

from almerekg.saved_queries.catalogue import load_catalogue
from almerekg.settings import Settings

from .conftest import rows, screenshot_path

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture()
def page(browser):  # noqa: ANN001, ANN201 - Playwright objects
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    p = context.new_page()
    yield p
    context.close()


def title(name: str) -> str:
    return load_catalogue(Settings().queries_dir).get(name).title["nl"]


def test_search_werkgelegenheid_reaches_tabel_2(site: str, page) -> None:  # noqa: ANN001
    page.goto(site + "/?lang=nl")
    page.fill("#q-home", "werkgelegenheid")
    page.press("#q-home", "Enter")
    page.wait_for_selector("ol.results")
    first = page.locator("ol.results > li").first
    assert first.locator(".kind-tag").inner_text() == "Tabel of vraag"
    page.screenshot(path=str(screenshot_path("search-werkgelegenheid")))
    first.locator("a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title("tabel-2")
    page.screenshot(path=str(screenshot_path("search-werkgelegenheid-tabel-2")))


def test_a_citation_opens_the_passage_with_the_words_highlighted(site: str, page) -> None:  # noqa: ANN001
    page.goto(site + "/doc/firm/usg-people?lang=nl")
    fact = page.locator("ul.facts li", has=page.locator("q.quote")).first
    quote = fact.locator("q.quote").inner_text()
    assert quote in {r["quote"] for r in rows("firm-facts.csv")}
    fact.locator("a.source").first.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith("/report")
    mark = page.locator("mark#mark")
    assert mark.inner_text() == quote
    box = mark.bounding_box()
    assert box is not None and -1 <= box["y"] < DESKTOP["height"] - box["height"], box  # scrolled to the passage
    page.screenshot(path=str(screenshot_path("citation-usg-people")))


def test_a_sector_page_shows_its_figures(site: str, page) -> None:  # noqa: ANN001
    page.goto(site + "/doc/sector/j?lang=nl")
    table = page.locator("table.figures").first  # the report's Tabel 1 and 2; CBS's figures follow in tables of their own
    assert table.is_visible()
    j = next(r for r in rows("tabel-1.csv") if r["sector"] == "J")
    total = table.locator("tbody tr").last  # the size class "totaal": Tabel 1 first, then Tabel 2
    assert total.locator("td").first.inner_text() == j["totaal"]
    page.screenshot(path=str(screenshot_path("sector-j")), full_page=True)


def test_sort_and_filter_a_table_by_clicking(site: str, page) -> None:  # noqa: ANN001
    shares = sorted(float(r["share_percent"]) for r in rows("relations.csv") if r["share_percent"])
    page.goto(site + "/queries/joint-ventures?lang=nl")
    page.click("th a.sort >> text=Aandeel (procent)")
    page.wait_for_load_state()
    assert "sort=share" in page.url
    page.click("th a.sort >> text=Aandeel (procent)")
    page.wait_for_load_state()
    assert "sort_desc=share" in page.url
    first_share = page.locator("#report-table tbody tr").first.locator("td").nth(2).inner_text()
    assert float(first_share) == shares[-1]
    page.screenshot(path=str(screenshot_path("joint-ventures-sorted")))
    page.goto(site + "/queries/tabel-3?lang=nl")
    page.click("#facet-categorie + ul a >> nth=1")  # the second kind of establishment
    page.wait_for_load_state()
    assert "categorie=b" in page.url
    firms = [f for f in rows("firms.csv") if f["category"] == "b"]
    assert page.locator("#report-table ul.entries li").count() == len(firms)
    page.screenshot(path=str(screenshot_path("tabel-3-category-b")), full_page=True)


def test_the_network_picture(site: str, page) -> None:  # noqa: ANN001
    page.goto(site + "/network?lang=nl")
    svg = page.locator("svg.network").first
    assert svg.is_visible() and svg.get_attribute("aria-labelledby") == "net-1-title net-1-desc"
    assert svg.get_by_role("link", name="gemeente Almere", exact=True).count() == 1
    page.screenshot(path=str(screenshot_path("network")), full_page=True)
    page.goto(site + "/network/firm/usg-people?lang=nl")
    page.screenshot(path=str(screenshot_path("network-usg-people")), full_page=True)


PAGES = ["/report?lang=nl", "/report?part=bijlage-3&lang=nl", "/network?lang=nl", "/network/firm/usg-people?lang=nl",
         "/search?q=werkgelegenheid&lang=nl", "/doc/sector/j?lang=nl", "/doc/place/almere?lang=nl",
         "/doc/firm/usg-people?lang=nl", "/queries/tabel-3?lang=nl", "/queries/joint-ventures?lang=nl",
         "/queries/cbs-vergelijking?lang=nl"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_phone(site: str, browser, path: str) -> None:  # noqa: ANN001
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    p = context.new_page()
    try:
        p.goto(site + path)
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        # What scrolls sideways inside the page can be reached by keyboard and says what it is.
        for region in p.locator(".table-wrap").all():
            assert region.get_attribute("tabindex") == "0" or not region.evaluate(
                "e => e.scrollWidth > e.clientWidth"), path
        name = path.strip("/").split("?")[0].replace("/", "-") or "home"
        if "part=" in path:
            name += "-" + path.split("part=")[1].split("&")[0]
        p.screenshot(path=str(screenshot_path(f"phone-{name}")))
    finally:
        context.close()
