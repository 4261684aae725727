"""Every kind of page (pages.PAGES), in both languages, at 1280 and 375 px, in chromium: axe-core finds no
WCAG 2.1 A/AA violation, nothing makes the page wider than the screen, and no script error is thrown or logged. Plus what axe cannot see: the
/def diagram's labels overlap nothing, the focus outline has 3:1 against its background, and the header's
tab order follows what is seen.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import WCAG21_AA, WIDTHS, walk_shots
from .pages import PAGES, Page, url

MAX_SHOT_HEIGHT = 4000


@pytest.fixture(scope="module", params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def tab(request: pytest.FixtureRequest, browser):  # noqa: ANN001, ANN201 - playwright objects
    # bypass_csp lets the test inject axe-core; the pages' own scripts run as they always do.
    ctx = browser.new_context(viewport={"width": request.param, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.width = request.param
    # What the page's scripts throw and what it logs as an error, read by each test that navigates this tab.
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))
    page.on("console", lambda m: page.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    yield page
    ctx.close()


def shot_name(page: Page, lang: str, width: int) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '-', page.kind.lower()).strip('-')}-{lang}-{width}.png"


# axe-core's whole result (every rule that passed, with its nodes) is megabytes on a big page: asking for the
# violations only (resultTypes) and sending back only what a failure message shows keeps a run of /def under
# 4 s instead of 12 s; the rules run and judge exactly as before.
AXE_VIOLATIONS = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 5).map(n => n.target),
                                     summary: v.nodes[0].failureSummary})))"""


def violations(tab, axe_source: str) -> list[str]:  # noqa: ANN001
    tab.add_script_tag(content=axe_source)
    found = tab.evaluate(AXE_VIOLATIONS, WCAG21_AA)
    return [f"{v['id']} ({v['impact']}): {v['targets']} {v['summary']}" for v in found]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("page", PAGES, ids=[p.kind for p in PAGES])
def test_page_has_no_wcag_violations_and_fits(tab, site: str, axe_source: str, page: Page,
                                              lang: str) -> None:  # noqa: ANN001
    tab.errors.clear()
    resp = tab.goto(url(site, page, lang))
    assert resp.status == page.status, page.path
    if page.script:
        tab.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
        tab.wait_for_timeout(500)
    assert tab.evaluate("document.documentElement.lang") == lang
    width = tab.evaluate("document.documentElement.scrollWidth")
    if (folder := walk_shots()) is not None:
        folder.mkdir(parents=True, exist_ok=True)
        height = tab.evaluate("document.documentElement.scrollHeight")
        tab.screenshot(path=str(folder / shot_name(page, lang, tab.width)), full_page=True,
                       clip={"x": 0, "y": 0, "width": tab.width, "height": min(height, MAX_SHOT_HEIGHT)})
    assert width <= tab.width, f"{page.path} is {width} px wide at {tab.width} px"
    assert violations(tab, axe_source) == []
    # No script error on any page kind; chromium itself logs the document's own status when it is not 200.
    expected = f"console error: Failed to load resource: the server responded with a status of {page.status} "
    assert [e for e in tab.errors if not (page.status != 200 and e.startswith(expected))] == [], page.path


@pytest.mark.parametrize("width", WIDTHS)
def test_the_editor_after_running_a_query_has_no_violations(browser, site: str, axe_source: str, shots: Path,
                                                            width: int) -> None:  # noqa: ANN001
    """The answer table, its controls and the chart that YASGUI adds once a query ran (a fresh browser:
    YASGUI keeps the last query of a browser, and this one must start from the page's example)."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    tab = ctx.new_page()
    tab.width = width
    tab.goto(f"{site}/sparql?lang=nl")
    tab.wait_for_selector(".yasqe .CodeMirror")
    tab.click(".yasqe_queryButton")
    tab.wait_for_selector(".yasr .dataTable tbody tr")
    assert violations(tab, axe_source) == []
    tab.click(".yasr .select_chart")
    tab.wait_for_selector("svg.answer-chart rect")
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.width
    tab.screenshot(path=str(shots / f"sparql-editor-chart-nl-{tab.width}.png"))
    assert violations(tab, axe_source) == []
    ctx.close()


def test_views_greyed_out_after_a_failure_are_disabled_buttons(browser, site: str) -> None:  # noqa: ANN001
    """After a failed query YASR greys out the views that cannot show it by a class alone (at half opacity, below
    4.5:1); the editor makes each a disabled button, out of the tab order and outside the contrast rule. The walk
    met them enabled once it stopped pausing for screenshots: the editor's observer did not watch classes."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = ctx.new_page()
    tab.goto(f"{site}/sparql?lang=nl&query=" + quote("SELECT ?x WHERE { ?x"))
    tab.wait_for_selector(".yasr .editor-error")
    greyed = tab.evaluate("""[...document.querySelectorAll('.yasr_btnGroup button.yasr_btn')]
        .map(b => [b.classList.contains('disabled'), b.disabled])""")
    assert sum(1 for grey, _ in greyed if grey) >= 2, greyed
    assert all(grey == off for grey, off in greyed), greyed
    ctx.close()


def test_diagram_labels_overlap_nothing(tab, site: str, shots: Path) -> None:  # noqa: ANN001
    tab.goto(f"{site}/def?lang=nl")
    boxes = tab.evaluate("""() => [...document.querySelectorAll('svg.diagram text.edge, svg.diagram rect')]
        .map(e => { const b = e.getBBox(); return [e.tagName, e.textContent, b.x, b.y, b.x + b.width, b.y + b.height]; })""")
    labels = [b for b in boxes if b[0] == "text"]
    assert len(labels) >= 20
    clashes = [(a[1], b[1]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if not (a[0] == b[0] == "rect") and a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]]
    assert clashes == []
    # The boxes are links to the class pages, in the page's language; the drawing is a group, not an image.
    assert tab.evaluate("document.querySelector('svg.diagram').getAttribute('role')") == "group"
    hrefs = tab.evaluate("[...document.querySelectorAll('svg.diagram a')].map(a => a.getAttribute('href'))")
    assert "/def/Firm?lang=nl" in hrefs


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return r, g, b


FOCUS_PROBE = """sel => { const el = document.querySelector(sel); el.focus();
  const style = getComputedStyle(el); let bg = 'rgba(0, 0, 0, 0)', p = el;
  while (p && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { p = p.parentElement; bg = p ? getComputedStyle(p).backgroundColor : 'rgb(255, 255, 255)'; }
  return [style.outlineStyle, style.outlineWidth, style.outlineColor, bg]; }"""


@pytest.mark.parametrize("path, selector", [
    ("/?lang=nl", "header.site a.brand"),            # on the header's pale background
    ("/?lang=nl", "#q-home"),                        # a field on white
    ("/queries/tabel-6?lang=nl", "ol.notes a"),      # a link on the page
    ("/dataset?lang=nl", "details summary"),
])
def test_focus_outline_has_3_to_1_contrast(tab, site: str, path: str, selector: str) -> None:  # noqa: ANN001
    tab.goto(site + path)
    style, width, color, background = tab.evaluate(FOCUS_PROBE, selector)
    assert style == "solid" and float(width.rstrip("px")) >= 2
    assert _contrast(_rgb(color), _rgb(background)) >= 3, (color, background)


def test_header_tab_order_follows_what_is_seen(tab, site: str) -> None:  # noqa: ANN001
    tab.goto(f"{site}/queries?lang=nl")
    order = []
    for _ in range(7):
        tab.keyboard.press("Tab")
        order.append(tab.evaluate("""() => { const e = document.activeElement;
            return e.id || e.className || e.textContent.trim(); }"""))
    assert order == ["skip", "brand", "q-header", "Zoek", "lang", "Start", "Rapport"]
    # ... and on the screen the search box sits above the menu, the brand left of it.
    top = tab.evaluate("""() => ['#q-header', 'header nav a'].map(s => document.querySelector(s).getBoundingClientRect().top)""")
    assert top[0] < top[1]


def test_the_axe_check_can_fail(browser, axe_source: str) -> None:  # noqa: ANN001
    """The walk's check reports what axe-core finds: an image without a text and a link without a name."""
    ctx = browser.new_context(bypass_csp=True)
    tab = ctx.new_page()
    tab.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="/x"></a></main></body></html>')
    found = violations(tab, axe_source)
    ctx.close()
    assert [v.split(" ", 1)[0] for v in found] == ["image-alt", "link-name"]
    assert "(critical)" in found[0] and "['img']" in found[0] and "Fix any of the following" in found[0]


def test_the_walk_leaves_screenshots_only_where_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """README: the journeys leave screenshots in var/screenshots/, every page kind's too when ALMEREKG_SCREENSHOTS
    names a folder (the walk asks walk_shots for each page)."""
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())
    assert "(those of every page kind too when ALMEREKG_SCREENSHOTS names a folder)" in readme
    monkeypatch.delenv("ALMEREKG_SCREENSHOTS", raising=False)
    assert walk_shots() is None
    monkeypatch.setenv("ALMEREKG_SCREENSHOTS", str(tmp_path))
    assert walk_shots() == tmp_path
