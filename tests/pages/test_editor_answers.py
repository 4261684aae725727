"""The query editor's answers as a reader meets them, in chromium: a failed query shows the server's own message
(for each status the endpoint answers with, on a server with small limits), no script error on the way, one
share link that restores the query, names instead of raw RDF in the table and the chart, downloads in the site's
formats in the order the table shows, and a query that no control covers at 375 px.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from markupsafe import escape
from playwright.sync_api import expect
from serverproc import Server, get, start_server

from . import test_accessibility as a11y
from .conftest import BASE

ACCEPT = "application/sparql-results+json,*/*;q=0.9"  # what the editor sends for a SELECT
PREFIXES = f"PREFIX ak: <{BASE}/def/>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
SECTORS = PREFIXES + ('SELECT ?sector ?establishments WHERE {\n  ?o ak:sector ?sector ; ak:sizeClass/skos:notation '
                      '"totaal" ; ak:establishments ?establishments .\n} ORDER BY ?sector')
MALFORMED = PREFIXES + "SELECT ?o (COUNT(*) AS ?n) WHERE { ?o ak:sector ?s } GROUP BY ?o LIMIT 5 ORDER BY ?n"
EMPTY = "SELECT ?s WHERE { ?s <urn:x-no-such-property> ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# What chromium itself logs for an answer with an error status (not the page's script).
FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d+) ")


def post(site: str, query: str) -> requests.Response:
    return requests.post(site + "/sparql", data={"query": query}, headers={"Accept": ACCEPT}, timeout=60)


def json_rows(site: str, query: str) -> list[dict]:
    r = post(site, query)
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def dutch_labels(site: str, iris: list[str]) -> dict[str, str]:
    """The Dutch skos:prefLabel of each IRI, asked of the endpoint directly."""
    values = " ".join(f"<{i}>" for i in iris)
    rows = json_rows(site, PREFIXES + f'SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s skos:prefLabel ?l '
                                      'FILTER(LANG(?l) = "nl") }')
    return {b["s"]["value"]: b["l"]["value"] for b in rows}


class Watch:
    """A page's script errors and console errors, as they happen."""

    def __init__(self, tab) -> None:  # noqa: ANN001
        self.page_errors: list[str] = []
        self.console: list[str] = []
        tab.on("pageerror", lambda e: self.page_errors.append(str(e)))
        tab.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)

    def script_errors(self) -> list[str]:
        """Everything but chromium's own line for an answer with an error status."""
        return self.page_errors + [m for m in self.console if not FAILED_LOAD.match(m)]

    def failed_statuses(self) -> list[int]:
        return [int(m.group(1)) for m in map(FAILED_LOAD.match, self.console) if m]


def open_editor(browser, site: str, lang: str, width: int = 1280, query: str | None = None):  # noqa: ANN001, ANN201
    ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    tab = ctx.new_page()
    watch = Watch(tab)
    params = {"lang": lang} if query is None else {"query": query, "lang": lang}
    tab.goto(site + "/sparql?" + urlencode(params))
    tab.wait_for_selector(".yasqe .CodeMirror")
    return ctx, tab, watch


def run(tab, query: str) -> None:  # noqa: ANN001
    """The query set into the editor and the run button pressed; returns once the answer's time is shown (what
    the answer draws is waited for by the caller, with the text it expects)."""
    tab.evaluate("q => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(q)", query)
    tab.evaluate("() => { const c = document.querySelector('.yasr_response_chip'); if (c) { c.textContent = ''; } }")
    tab.click(".yasqe_queryButton")
    tab.wait_for_function("() => / in /.test(document.querySelector('.yasr_response_chip')?.textContent || '')",
                          timeout=30_000)


def failure_lines(tab, status: int, lang: str = "nl") -> list[str]:  # noqa: ANN001
    """The paragraphs of the failure message, once the one for this status is drawn."""
    head = (f"De vraag kreeg geen antwoord De server antwoordde met status {status}" if lang == "nl"
            else f"The query got no answer The server answered with status {status}")
    expect(tab.locator(".yasr .editor-error p").first).to_have_text(head, timeout=30_000)
    return tab.locator(".yasr .editor-error p").all_inner_texts()


def editor_text(tab) -> str:  # noqa: ANN001
    return tab.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")


# -- the server's message --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def strict_site(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server with small limits, so that each error status of the endpoint can be met for real."""
    srv: Server = start_server(built_store, tmp_path_factory.mktemp("strict-server"),
        "--query-timeout", "1", "--client-deaths", "1", "--max-query-bytes", "4096", "--max-result-bytes", "4000")
    yield srv.url
    srv.stop()


def test_each_failure_shows_the_servers_message_in_the_pages_language(browser, strict_site: str,  # noqa: ANN001
                                                                      shots: Path) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    too_long_answer = "SELECT * WHERE { ?s ?p ?o } LIMIT 500"
    # The messages of the stateless failures, as the endpoint sends them to any client.
    expected = {q: post(strict_site, q) for q in (MALFORMED, big, too_long_answer)}
    assert [r.status_code for r in expected.values()] == [400, 413, 422]
    assert all(r.headers["Content-Type"].startswith("text/plain") for r in expected.values())
    # A syntax error names line and column, and the server repeats the line with a caret under the column.
    assert expected[MALFORMED].text.startswith("malformed query: error at 3:80: expected one of ")
    assert expected[MALFORMED].text.splitlines()[-2:] == ["  " + MALFORMED.splitlines()[-1], "  " + " " * 79 + "^"]

    ctx, tab, watch = open_editor(browser, strict_site, "nl", 375)
    run(tab, "SELECT ?n WHERE { VALUES ?n { 1 2 } }")
    expect(tab.locator(".yasr .dataTable tbody tr")).to_have_count(2)
    intros = {400: "De vraag is niet geldig. De server zegt:",
              413: "De vraag of het antwoord is te groot. De server zegt:",
              422: "De vraag kan niet worden uitgevoerd. De server zegt:"}
    for query, answer in expected.items():
        run(tab, query)
        assert failure_lines(tab, answer.status_code) == [
            f"De vraag kreeg geen antwoord De server antwoordde met status {answer.status_code}",
            intros[answer.status_code]]
        box = tab.locator(".yasr .editor-error")
        assert box.get_attribute("role") == "alert"
        assert box.locator("pre").text_content() == answer.text  # line, column and the caret line included
        assert tab.locator(".yasr .dataTable").count() == 0  # the earlier answer is gone
        if answer.status_code == 400:
            assert tab.inner_text(".yasr_response_chip").startswith("Antwoord in ")
            assert tab.evaluate("document.documentElement.scrollWidth") <= 375
            tab.screenshot(path=str(shots / "editor-i23-after-server-message-nl-375.png"), full_page=True)

    # Past the time limit: 503 with Retry-After; the query process it ended makes this client's next query 429.
    run(tab, RUNAWAY)
    box = tab.locator(".yasr .editor-error")
    assert failure_lines(tab, 503) == [
        "De vraag kreeg geen antwoord De server antwoordde met status 503",
        "De server is druk of niet beschikbaar. De server zegt:", "Probeer het over 1 seconden opnieuw."]
    assert box.locator("pre").text_content().startswith("the query ran longer than this endpoint's limit of 1 s")
    run(tab, "SELECT ?n WHERE { VALUES ?n { 3 } }")
    assert failure_lines(tab, 429) == [
        "De vraag kreeg geen antwoord De server antwoordde met status 429",
        "Te veel vragen achter elkaar. De server zegt:", "Probeer het over 60 seconden opnieuw."]
    assert box.locator("pre").text_content().startswith("your queries ended 1 query processes within 60 s")

    assert watch.script_errors() == []
    assert watch.failed_statuses() == [400, 413, 422, 503, 429]
    ctx.close()


@pytest.mark.parametrize("lang, head, intro", [
    ("nl", "<strong>De vraag kreeg geen antwoord</strong> De server antwoordde met status 400",
     "De vraag is niet geldig. De server zegt:"),
    ("en", "<strong>The query got no answer</strong> The server answered with status 400",
     "The query is not valid. The server says:")])
def test_without_javascript_the_form_says_what_went_wrong_in_the_same_words(site: str, lang: str, head: str,
                                                                            intro: str) -> None:
    message = post(site, MALFORMED).text.rstrip("\n")
    page = get(site + "/sparql?" + urlencode({"query": MALFORMED, "lang": lang}), headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert f'<div class="note" role="alert"><p>{head}</p>\n<p>{intro}</p><pre>{escape(message)}</pre></div>' in page.text


def test_no_script_error_through_answers_of_every_kind_and_every_view(browser, site: str) -> None:  # noqa: ANN001
    ctx, tab, watch = open_editor(browser, site, "en")
    run(tab, SECTORS)
    expect(tab.locator(".yasr .dataTable tbody tr")).to_have_count(20)
    tab.click(".yasr .select_chart")
    tab.wait_for_selector("svg.answer-chart rect")
    tab.click(".yasr .select_response")
    tab.wait_for_selector(".yasr .CodeMirror")
    tab.click(".yasr .select_table")
    tab.wait_for_selector(".yasr .dataTable tbody tr")
    run(tab, MALFORMED)
    failure_lines(tab, 400, "en")
    run(tab, EMPTY)
    expect(tab.locator(".yasr .dataTable tbody")).to_have_text("The answer has no rows")
    assert tab.inner_text(".yasr_response_chip").startswith("0 results in ")
    run(tab, PREFIXES + "ASK { ?s ak:sector ?o }")
    expect(tab.locator(".yasr .yasr_results")).to_have_text("True")
    run(tab, PREFIXES + f"CONSTRUCT {{ <{BASE}/id/sector/j> ?p ?o }} WHERE {{ <{BASE}/id/sector/j> ?p ?o }}")
    # A graph answer is a table of its triples, named too.
    expect(tab.locator(".yasr .dataTable tbody tr").first).to_contain_text("Information and communication")
    assert watch.page_errors == []
    assert watch.script_errors() == []
    assert watch.failed_statuses() == [400]
    ctx.close()


# -- one share link ----------------------------------------------------------------------------------------------

def test_yasguis_share_button_gives_the_pages_link_which_restores_the_query(browser, site: str) -> None:  # noqa: ANN001
    ctx, tab, watch = open_editor(browser, site, "nl")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    query = SECTORS + "\nLIMIT 3"
    tab.evaluate("q => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(q)", query)
    tab.click(".yasqe_share")
    tab.wait_for_selector(".yasqe_sharePopup input[aria-label]")
    shared = tab.input_value(".yasqe_sharePopup input")
    assert tab.get_attribute(".yasqe_sharePopup input", "aria-label") == "Link naar deze vraag"
    tab.click("#copy-link")
    tab.wait_for_function("() => document.getElementById('copy-status').textContent === 'Link gekopieerd.'")
    assert shared == tab.evaluate("navigator.clipboard.readText()") == \
        f"{site}/sparql?" + urlencode({"query": query, "lang": "nl"})
    ctx.close()

    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    other = fresh.new_page()
    other.goto(shared)
    other.wait_for_selector(".yasr .dataTable tbody tr")
    assert editor_text(other) == query
    assert other.locator(".yasr .dataTable tbody tr").count() == 3
    fresh.close()
    assert watch.script_errors() == []


# -- names instead of raw RDF -----------------------------------------------------------------------------------

def test_the_answer_shows_names_linked_to_their_pages_and_raw_rdf_on_request(browser, site: str,  # noqa: ANN001
                                                                               shots: Path) -> None:
    rows = json_rows(site, SECTORS)
    iris = [b["sector"]["value"] for b in rows]
    dutch = dutch_labels(site, iris)
    assert len(dutch) == len(iris) == 20
    ctx, tab, watch = open_editor(browser, site, "nl", query=SECTORS)
    tab.wait_for_function("n => document.querySelectorAll('.yasr .dataTable tbody td a[title]').length === n",
                          arg=len(iris))
    cells = tab.evaluate("""() => [...document.querySelectorAll('.yasr .dataTable tbody tr')].map(r =>
        [r.cells[1].innerText, r.cells[1].querySelector('a').getAttribute('href'), r.cells[1].querySelector('a').title,
         r.cells[2].innerText])""")
    assert cells == [[dutch[i], "/doc/" + i[len(BASE) + 4:] + "?lang=nl", i, b["establishments"]["value"]]
                     for i, b in zip(iris, rows, strict=True)]
    tab.locator(".yasr").scroll_into_view_if_needed()
    tab.screenshot(path=str(shots / "editor-i23-after-names-nl-1280.png"))

    # The chart names its bars the same way.
    tab.click(".yasr .select_chart")
    tab.wait_for_selector("svg.answer-chart rect")
    bars = tab.evaluate("[...document.querySelectorAll('svg.answer-chart text[text-anchor=end]')].map(t => "
                        "[t.firstChild.nodeValue, t.querySelector('title').textContent])")
    assert bars == [[dutch[i] if len(dutch[i]) <= 32 else dutch[i][:31] + "…", dutch[i]] for i in iris]
    assert any(len(dutch[i]) > 32 for i in iris)  # some names are cut, and whole in their tooltip
    tab.screenshot(path=str(shots / "editor-i23-after-chart-nl-1280.png"))

    # Raw RDF on request: the IRIs and the typed values as YASR writes them.
    tab.click(".yasr .select_table")
    tab.check("#raw-rdf")
    tab.wait_for_function("() => document.querySelector('.yasr .dataTable tbody tr').cells[1].innerText.startsWith('<')")
    first = tab.evaluate("[...document.querySelector('.yasr .dataTable tbody tr').cells].map(c => c.innerText)")
    assert first[1:] == [f"<{iris[0]}>", f'"{rows[0]["establishments"]["value"]}"^^xsd:integer']
    assert watch.script_errors() == []
    ctx.close()


def test_an_english_page_names_things_in_english(browser, site: str) -> None:  # noqa: ANN001
    ctx, tab, _watch = open_editor(browser, site, "en", query=SECTORS)
    tab.wait_for_selector(".yasr .dataTable tbody td a[title]")
    labels = requests.post(site + "/sparql/labels?lang=en", data={"iri": f"{BASE}/id/sector/j"}, timeout=30).json()
    assert labels == {"labels": {f"{BASE}/id/sector/j": {"label": "Information and communication",
                                                         "href": "/doc/sector/j?lang=en"}}}
    assert "Information and communication" in tab.inner_text(".yasr .dataTable tbody")
    ctx.close()


# -- downloads in the site's formats, in the order shown ----------------------------------------------------------

def test_downloads_follow_the_tables_order_in_the_sites_formats(browser, site: str) -> None:  # noqa: ANN001
    rows = json_rows(site, SECTORS)
    by_count = sorted(rows, key=lambda b: int(b["establishments"]["value"]), reverse=True)
    dutch = dutch_labels(site, [b["sector"]["value"] for b in rows])
    ctx, tab, watch = open_editor(browser, site, "nl", query=SECTORS)
    tab.wait_for_selector(".yasr .dataTable tbody td a[title]")
    assert tab.is_visible("#editor-download")
    assert tab.locator(".yasr_downloadIcon:visible").count() == 0  # YASR's own comma CSV gives way
    # Sorted by the number of establishments, largest first (two clicks on the header).
    for _ in range(2):
        tab.click(".yasr .dataTable thead th:has-text('establishments')")
    tab.wait_for_selector(".yasr .dataTable thead th.dt-ordering-desc")

    def fetch(fmt: str) -> bytes:
        with tab.expect_download() as info:
            tab.click(f"#editor-download button[value='{fmt}']")
        return Path(info.value.path()).read_bytes()

    excel = fetch("excel-nl")
    assert excel.startswith(b"\xef\xbb\xbf")
    grid = list(csv.reader(io.StringIO(excel[3:].decode("utf-8")), delimiter=";"))
    assert grid[0] == ["sector", "sector (naam)", "establishments"]
    assert grid[1:] == [[b["sector"]["value"], dutch[b["sector"]["value"]], b["establishments"]["value"]]
                        for b in by_count]
    plain = list(csv.reader(io.StringIO(fetch("csv").decode("utf-8"))))
    assert plain == [["sector", "establishments"]] + [[b["sector"]["value"], b["establishments"]["value"]]
                                                      for b in by_count]
    doc = json.loads(fetch("json"))
    assert doc["columns"] == ["sector", "establishments"]
    assert doc["rows"] == [{"sector": b["sector"]["value"], "establishments": int(b["establishments"]["value"])}
                           for b in by_count]
    assert watch.script_errors() == []
    ctx.close()


def test_download_refuses_what_it_cannot_write(site: str) -> None:
    def ask(**form: str) -> requests.Response:
        return requests.post(site + "/sparql/download", data=form, timeout=30, headers={"Accept": "text/plain"})

    assert (ask(query=SECTORS, format="xls").status_code, ask(query=SECTORS, format="xls").text) == \
        (400, "format must be one of csv, excel-nl, json (got 'xls')\n")
    refused = ask(query=SECTORS, format="csv", sort="nope")
    assert (refused.status_code, refused.text) == (400, "sort must name a column of the answer (sector, establishments)\n")
    assert ask(query=MALFORMED, format="csv").status_code == 400
    assert ask(query="ASK { ?s ?p ?o }", format="csv").status_code == 400
    # The engine's guards hold here as on /sparql: read-only, no federation.
    update = ask(query="INSERT DATA { <urn:a> <urn:b> <urn:c> }", format="csv")
    assert (update.status_code, update.text) == (403, "this endpoint is read-only: SPARQL Update is not accepted\n")
    assert ask(query="SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", format="csv").status_code == 403
    # What the page's form sends (a GET, the language with it): a file, sorted as asked.
    got = requests.get(site + "/sparql/download", params={"query": SECTORS, "format": "csv", "sort": "establishments",
                                                          "desc": "1", "lang": "nl"}, timeout=30)
    assert got.headers["Content-Disposition"] == 'attachment; filename="answer.csv"'
    counts = [int(line.split(",")[1]) for line in got.text.splitlines()[1:]]
    assert counts == sorted(counts, reverse=True) and len(counts) == 20


# -- a phone ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_at_375_px_no_control_covers_the_query(browser, site: str, axe_source: str, shots: Path,  # noqa: ANN001
                                               lang: str) -> None:
    ctx = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    tab = ctx.new_page()
    tab.goto(site + "/sparql?" + urlencode({"query": SECTORS, "lang": lang}))
    tab.wait_for_selector(".yasr .dataTable tbody td a[title]")
    boxes = tab.evaluate("""() => { const r = e => e.getBoundingClientRect();
        const code = r(document.querySelector('.yasqe .CodeMirror-lines'));
        return [...document.querySelectorAll('.yasqe_buttons button')].map(b => { const x = r(b);
            return x.width > 0 && x.bottom > code.top && x.top < code.bottom && x.right > code.left && x.left < code.right; }); }""")
    assert boxes and not any(boxes)  # the run and share buttons are drawn, over none of the query
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    tab.screenshot(path=str(shots / f"editor-i23-after-phone-{lang}-375.png"))
    assert a11y.violations(tab, axe_source) == []
    ctx.close()
