"""The query editor on /sparql as a SPARQL writer uses it, in chromium with the page's own security policy:
opened from a saved query, edited, run, the answer sorted, a link copied and opened; and the plain form
that works without JavaScript.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests
from markupsafe import escape
from serverproc import get

from almerekg.engine import formats
from almerekg.saved_queries.catalogue import load_catalogue
from almerekg.settings import Settings

BASE = "https://almerekg.example"


def editor_text(tab) -> str:  # noqa: ANN001
    return tab.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")


def column(tab, name: str) -> list[str]:  # noqa: ANN001
    return tab.evaluate("""name => { const heads = [...document.querySelectorAll('.yasr .dataTable thead th')];
        const i = heads.findIndex(th => th.textContent.trim() === name);
        return [...document.querySelectorAll('.yasr .dataTable tbody tr')].map(r => r.cells[i].textContent); }""", name)


def run_json(site: str, query: str) -> list[dict]:
    r = requests.post(site + "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                      timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def test_editor_from_a_saved_query_edited_run_sorted_and_linked(browser, site: str, shots: Path) -> None:  # noqa: ANN001
    saved = load_catalogue(Settings().queries_dir).get("tabel-1")
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    tab = ctx.new_page()
    requests_seen: list[tuple[str, str, str]] = []
    tab.on("request", lambda r: requests_seen.append((r.method, r.url, r.headers.get("accept", ""))))
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # Opened from the saved query's page.
    tab.goto(site + "/queries/tabel-1?lang=en")
    tab.click("text=Run the query on the SPARQL endpoint")
    tab.wait_for_selector(".yasqe .CodeMirror")
    assert urlsplit(tab.url).path == "/sparql"
    assert editor_text(tab) == saved.sparql(BASE, saved.bind({}))
    # Opened with a query, the editor runs it at once: its answer is every cell of Tabel 1.
    cells = len(run_json(site, saved.sparql(BASE, saved.bind({}))))
    tab.wait_for_function("n => document.querySelector('.yasr_response_chip')?.textContent.startsWith(n + ' results')",
                          arg=cells)

    # Edited: the query gets a LIMIT, typed at its end.
    tab.click(".yasqe .CodeMirror-code")
    tab.keyboard.press("Control+End")
    tab.keyboard.type("LIMIT 14")
    edited = editor_text(tab)
    assert edited.endswith("ORDER BY ?rowTotal ?code ?columnOrder\nLIMIT 14")

    # Run with Ctrl+Enter: a POST to this /sparql asking for SPARQL results, never the page.
    before = len(requests_seen)
    tab.keyboard.press("Control+Enter")
    tab.wait_for_function("() => document.querySelectorAll('.yasr .dataTable tbody tr').length === 14")
    posts = [r for r in requests_seen[before:] if r[0] == "POST"]
    assert [(urlsplit(u).path, accept.split(",")[0]) for _m, u, accept in posts] == \
        [("/sparql", "application/sparql-results+json")]

    # Sorted by a column of numbers: by number, as the endpoint's own answer sorts.
    expected = sorted(int(b["establishments"]["value"]) for b in run_json(site, edited))
    tab.click(".yasr .dataTable thead th:has-text('establishments')")
    tab.wait_for_function("""() => document.querySelector('.yasr .dataTable thead th.dt-ordering-asc')""")
    shown = [int(json.loads(text.split("^^")[0])) for text in column(tab, "establishments")]
    assert shown == expected and shown != sorted(shown, key=str)
    tab.locator(".yasr").scroll_into_view_if_needed()
    tab.screenshot(path=str(shots / "journey-editor-sorted-en.png"))

    # A link copied, which opens the same query (here without JavaScript: the server runs it).
    tab.click("#copy-link")
    tab.wait_for_function("() => document.getElementById('copy-status').textContent === 'Link copied.'")
    link = tab.evaluate("navigator.clipboard.readText()")
    assert link == f"{site}/sparql?" + urlencode({"query": edited, "lang": "en"})
    opened = get(link, headers={"Accept": "text/html"})
    assert opened.status_code == 200 and str(escape(edited)) in opened.text
    assert "14 rows" in opened.text

    # Nothing was fetched from anywhere but this site, and the page's script raised nothing.
    assert [u for _m, u, _a in requests_seen if not u.startswith(site)] == []
    assert errors == []
    ctx.close()


def test_editor_completes_the_graphs_own_terms(browser, site: str) -> None:  # noqa: ANN001
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = ctx.new_page()
    tab.goto(site + "/sparql?lang=nl")
    tab.wait_for_selector(".yasqe .CodeMirror")
    tab.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue('')")
    tab.click(".yasqe .CodeMirror-code")
    tab.keyboard.type("SELECT * WHERE { ?s ak:sharePer")
    tab.keyboard.press("Control+Space")
    tab.wait_for_selector(".CodeMirror-hints li")
    hints = tab.evaluate("[...document.querySelectorAll('.CodeMirror-hints li')].map(li => li.textContent)")
    assert "ak:sharePercent" in hints
    tab.keyboard.press("Enter")
    text = editor_text(tab)
    # Choosing it declared the prefix, with the graph's own namespace.
    assert f"PREFIX ak: <{BASE}/def/>" in text and "ak:sharePercent" in text
    ctx.close()


def test_editor_without_javascript(browser, site: str, shots: Path) -> None:  # noqa: ANN001
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    tab = ctx.new_page()
    tab.goto(site + "/sparql?lang=en")
    box = tab.evaluate("""() => { const t = document.getElementById('query'), l = document.querySelector('label[for=query]');
        const m = document.querySelector('main'), s = getComputedStyle(t);
        return [t.getBoundingClientRect().width, m.clientWidth, s.fontFamily,
                l.getBoundingClientRect().bottom, t.getBoundingClientRect().top]; }""")
    width, main_width, font, label_bottom, text_top = box
    assert width >= 0.9 * (main_width - 32) and "mono" in font.lower()
    assert label_bottom <= text_top  # the label above the box, not stuck at its bottom
    assert tab.is_hidden("#yasgui")
    tab.fill("#query", "SELECT ?n WHERE { VALUES ?n { 3 1 2 } } ORDER BY ?n")
    tab.click("#plain-editor button[type=submit]")
    assert tab.inner_text("#server-answer tbody").split() == ["1", "2", "3"]
    downloads = tab.evaluate("[...document.querySelectorAll('#server-answer a[download]')].map(a => a.getAttribute('download'))")
    # Each named with the format's registered extension (answer.srj, answer.tsv, ...), not "sparql".
    assert sorted(downloads) == sorted("answer" + f.extension for f in formats.of_kind(formats.RESULTS))
    tab.screenshot(path=str(shots / "editor-without-javascript-en.png"), full_page=True)
    ctx.close()


def test_editor_code_comes_from_this_site_only(site: str) -> None:
    page = get(site + "/sparql?lang=nl", headers={"Accept": "text/html"})
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "connect-src 'self'" in csp
    assert '<script src="/vendor/yasgui.min.js' in page.text and "//" not in page.text.split("/vendor/")[0][-40:]
    js = get(site + "/vendor/yasgui.min.js")
    assert js.status_code == 200 and js.headers["Content-Type"].startswith("text/javascript")
    assert get(site + "/vendor/yasgui.min.css").headers["Content-Type"].startswith("text/css")
    for other in ("/vendor/package.json", "/vendor/..%2Fpackage.json", "/vendor/yasqe.min.js"):
        assert get(site + other).status_code == 404, other
    # Every other page keeps its script-free policy.
    assert "script-src 'none'" in get(site + "/queries/tabel-1?lang=nl").headers["Content-Security-Policy"]


def test_editor_numbers_lines_highlights_pages_and_remembers(browser, site: str) -> None:  # noqa: ANN001
    """What issue 13 listed as missing: line numbers, syntax highlighting, an answer in pages, and the last query
    kept across a reload (YASGUI keeps its tabs in the browser's own storage, nowhere else)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = ctx.new_page()
    tab.goto(site + "/sparql?lang=en")
    tab.wait_for_selector(".yasqe .CodeMirror")
    query = "SELECT ?n WHERE {\n  VALUES ?n { " + " ".join(str(i) for i in range(1, 61)) + " }\n}\nORDER BY ?n"
    tab.evaluate("q => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(q)", query)
    numbers = tab.evaluate("[...document.querySelectorAll('.yasqe .CodeMirror-linenumber')].map(e => e.textContent)")
    assert numbers == ["1", "2", "3", "4"]
    tokens = tab.evaluate("[...document.querySelectorAll('.yasqe .CodeMirror-code span')].map(e => [e.className, "
                          "e.textContent])")
    assert ["cm-keyword", "SELECT"] in tokens and ["cm-keyword", "WHERE"] in tokens and ["cm-atom", "?n"] in tokens

    tab.click(".yasqe .CodeMirror-code")
    tab.keyboard.press("Control+Enter")
    tab.wait_for_function("() => document.querySelector('.yasr_response_chip')?.textContent.startsWith('60 results')")
    first = [int(json.loads(t.split("^^")[0])) for t in column(tab, "n")]
    assert first == list(range(1, 51))  # one page of 50
    tab.click(".yasr .dt-paging-button.next")
    tab.wait_for_function("() => document.querySelectorAll('.yasr .dataTable tbody tr').length === 10")
    assert [int(json.loads(t.split("^^")[0])) for t in column(tab, "n")] == list(range(51, 61))

    tab.reload()
    tab.wait_for_selector(".yasqe .CodeMirror")
    assert editor_text(tab) == query
    ctx.close()


CHROME_TEXTS = """() => { const host = document.getElementById('yasgui'), out = [];
    host.querySelectorAll('[title],[placeholder],[aria-label]').forEach(e => ['title', 'placeholder', 'aria-label']
        .forEach(a => { if (e.getAttribute(a)) { out.push(e.getAttribute(a)); } }));
    const walk = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.parentNode.closest('.CodeMirror-code, .dataTable tbody') && n.nodeValue.trim()) { out.push(n.nodeValue.trim()); }
    }
    return out; }"""
YASGUI_ENGLISH = ("Run query", "Share query", "Add a new tab", "Close tab", "Download result", "Filter query results",
                  "Simple view", "Ellipse", "Show all", "Page size", "Showing", "entries", " results in ", "Settings",
                  "Shows ", "View documentation")


def test_the_editor_speaks_the_pages_language(browser, site: str) -> None:  # noqa: ANN001
    """YASGUI has no translations: on a Dutch page its own buttons, fields, counts and settings are Dutch too."""
    query = "SELECT ?n WHERE { VALUES ?n { " + " ".join(str(i) for i in range(1, 61)) + " } } ORDER BY ?n"
    for lang in ("nl", "en"):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = ctx.new_page()
        tab.goto(site + "/sparql?" + urlencode({"query": query, "lang": lang}))
        tab.wait_for_selector(".yasr .dataTable tbody tr")
        tab.wait_for_function("() => /^60 /.test(document.querySelector('.yasr_response_chip')?.textContent || '')")
        texts = tab.evaluate(CHROME_TEXTS)
        english = sorted({t for t in texts if any(word in t for word in YASGUI_ENGLISH)})
        if lang == "nl":
            assert english == [], english
            assert {"Vraag uitvoeren", "Antwoord filteren", "Rij 1 tot 50 van 60", "Tabel"} <= set(texts), texts
            assert tab.inner_text(".yasr_response_chip").startswith("60 resultaten in ")
        else:
            assert {"Run query", "Filter query results", "Showing 1 to 50 of 60 entries"} <= set(english), english
        ctx.close()
