"""The saved queries over HTTP, from a real server process on the real build: pages in the report's
layout (compared cell for cell with the report), downloads, paging, OpenAPI, caching, refusals."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

import pytest
import rdflib

from . import expected as exp
from .conftest import get, report_table


def page(site: str, name: str, **params: str) -> str:
    r = get(f"{site}/queries/{name}", params={"lang": "nl", **params})
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("text/html")
    return r.text


def csv_grid(body: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


# ---------------------------------------------------------------------------------------------------
# Pages show the tables as printed
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 6])
def test_number_tables_on_the_page_equal_the_report(site: str, n: int) -> None:
    t = report_table(page(site, f"tabel-{n}"))
    want = exp.tabel(n)
    assert t.rows[0] == want[0]
    assert t.rows[1:] == want[1:]
    # Row labels are row headers, column labels column headers (for screen readers).
    assert all(tags[0] == "th" for tags in t.cell_tags[1:])
    assert t.scopes.count("row") == len(want) - 1 and "col" in t.scopes


def test_tabel_1_totals_and_nihil(site: str) -> None:
    t = report_table(page(site, "tabel-1"))
    assert t.rows[-1][0] == "Totaal" and t.rows[-1][-1] == "13.539"
    assert t.rows[5][2] == "1.008"  # F Bouwnijverheid, class 1: as printed, with the Dutch separator
    assert t.rows[1][7] == "-" and t.rows[11][8] == "0"  # a printed nihil and a printed 0 stay apart
    # The 0 of L/100+ carries its inconsistency note (Tabel 2 prints "-" there).
    assert t.notes[(11, 8)] == ["n-003"]


def test_tabel_6_shows_the_reconstruction_with_notes(site: str) -> None:
    html = page(site, "tabel-6")
    t = report_table(html)
    header = t.rows[0]
    marked = {(t.rows[r][0], header[c]): t.printed.get((r, c)) for (r, c), cls in t.classes.items()
              if "reconstructed" in cls}
    assert marked == {("Almere", "Onderzoek"): "(gedrukt: niets)", ("Europa", "Moeder"): "(gedrukt: 7)",
                      ("Totaal", "Onderzoek"): "(gedrukt: niets)"}
    europa = [r for r in range(len(t.rows)) if t.rows[r][0] == "Europa"][0]
    assert t.notes[(europa, header.index("Moeder"))] == ["n-020"]
    for note in ("n-018", "n-019", "n-020", "n-021", "n-022"):
        assert f'id="note-{note}"' in html
    assert "kolom Onderzoek is weggevallen" in html  # the explanation of the shift


def test_tabel_3_cells_hold_the_firms_in_printed_order(site: str) -> None:
    t = report_table(page(site, "tabel-3"))
    want = exp.tabel(3)
    assert t.rows[0] == want[0]
    for got, printed in zip(t.rows[1:], want[1:], strict=True):
        assert got[0] == printed[0]
        for cell, text in zip(got[1:], printed[1:], strict=True):
            assert (cell or []) == exp.entries(text)


def test_tabel_4_and_pbl_lists(site: str) -> None:
    t = report_table(page(site, "tabel-4"))
    assert [(r[0], r[1]) for r in t.rows[1:]] == exp.tabel_4()
    for basis in ("vestigingen", "banen"):
        t = report_table(page(site, "pbl-specialisatie", basis=basis))
        assert [(r[0], r[1]) for r in t.rows[1:]] == exp.pbl(basis)


def test_tabel_5_side_by_side(site: str) -> None:
    html = page(site, "tabel-5")
    t = report_table(html)
    want = exp.tabel(5)
    assert t.rows[0] == [c for c in want[0] if c]  # three headings, each spanning place and count
    assert t.rows[1:] == want[1:]
    assert html.count('scope="colgroup" colspan="2"') == 3


def test_lists_and_questions(site: str) -> None:
    t = report_table(page(site, "soorten-partners"))
    assert [(int(r[0]), r[1]) for r in t.rows[1:]] == exp.soorten_partners()
    t = report_table(page(site, "schema-1"))
    assert [(int(r[0]), r[1]) for r in t.rows[1:]] == exp.schema_1()
    t = report_table(page(site, "joint-ventures", soort="joint-venture-share"))
    assert sorted(r[3] for r in t.rows[1:]) == ["20", "49", "51", "80"]


def test_iris_show_as_labels_linked_to_their_pages(site: str) -> None:
    t = report_table(page(site, "rd-bedrijven"))
    assert t.rows[1][0] == "USG People"
    assert "/doc/firm/usg-people?lang=nl" in t.links
    assert not any(link.startswith("https://almerekg.example/id/") for link in t.links)
    en = report_table(get(f"{site}/queries/joint-ventures", params={"lang": "en"}).text)
    assert "joint-venture share" in [r[2] for r in en.rows[1:]]  # the kind's English label
    assert "/doc/relation-kind/joint-venture-share?lang=en" in en.links


def test_page_parts_and_accessibility(site: str) -> None:
    html = page(site, "tabel-2")
    assert '<html lang="nl">' in html
    assert "<caption" in html and 'role="region"' in html and 'tabindex="0"' in html
    assert '<svg class="chart"' in html and 'role="img"' in html  # the chart, drawn on the server
    assert "Bekende inconsistenties" in html and 'id="note-n-006"' in html
    # No script runs on the page; the one <script> is schema.org's data block, which browsers never execute.
    assert re.findall(r"<script[^>]*>", html.lower()) == ['<script type="application/ld+json">']
    for href in ("/queries/tabel-2.csv?layout=report", "/queries/tabel-2.csv?layout=report&amp;dialect=excel-nl",
                 "/queries/tabel-2.csv", "/queries/tabel-2.csv-metadata.json", "/queries/tabel-2.json",
                 "/queries/tabel-2.ttl"):
        assert f'href="{href}"' in html, href
    m = re.search(r'href="(/sparql\?query=[^"]+)"', html)
    assert m, "a link that opens the SPARQL text on the endpoint"
    run = get(site + m.group(1).replace("&amp;", "&"), headers={"Accept": "application/sparql-results+json"})
    assert run.status_code == 200 and len(run.json()["results"]["bindings"]) == 160


def test_parameter_form_has_boxes_and_dropdowns_of_allowed_values(site: str) -> None:
    html = page(site, "joint-ventures", soort="parent-subsidiary")
    start = html.index('<form class="params"')
    form = html[start:html.index("</form>", start)]
    # A parameter that takes several values: a check box per value that gives rows (no firm has a plain
    # ownership share, so that kind is not offered).
    assert '<fieldset class="choose" id="p-soort">' in form and "<legend>Soort relatie</legend>" in form
    assert '<input type="checkbox" name="soort" value="parent-subsidiary" checked> moeder-dochter' in form
    assert '<input type="checkbox" name="soort" value="joint-venture-share"> aandeel in een joint venture' in form
    assert "ownership-share" not in form and "<select" not in form
    pbl = page(site, "pbl-specialisatie", basis="banen")
    start = pbl.index('<form class="params"')
    assert '<select id="p-basis" name="basis">' in pbl[start:pbl.index("</form>", start)]
    assert '<option value="banen" selected>' in pbl[start:pbl.index("</form>", start)]
    # A text field for numbers: a refused value stays in it as typed (a number field would empty it).
    assert '<input id="p-min_aandeel" name="min_aandeel" type="text" inputmode="numeric" value="0">' in form


def test_english_by_parameter_and_accept_language(site: str) -> None:
    r = get(f"{site}/queries/tabel-1", params={"lang": "en"})
    assert '<html lang="en">' in r.text and "Table 1: Establishments" in r.text
    assert r.headers["Content-Language"] == "en"
    t = report_table(r.text)
    assert t.rows[5][2] == "1,008"  # English number style on the English page
    r = get(f"{site}/queries/tabel-1", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert r.headers["Content-Language"] == "en"
    r = get(f"{site}/queries/tabel-1")
    assert r.headers["Content-Language"] == "nl"
    assert "Accept-Language" in r.headers["Vary"]


def test_english_page_glosses_the_printed_dutch_headers(site: str) -> None:
    """The table stays as printed (Dutch); an English reader gets each sector's English name beside it."""
    html = get(f"{site}/queries/tabel-1", params={"lang": "en"}).text
    # The 19 SBI sections, the total row ("Total") and column ("total"); "0", "2-4", ... read the same in English.
    assert html.count('class="gloss"') == 21
    assert ('Landbouw, bosbouw en visserij</a> <span class="gloss" lang="en">Agriculture, forestry and fishing</span>'
            in html)
    t = report_table(html)
    assert t.rows[1][0] == "A Landbouw, bosbouw en visserij Agriculture, forestry and fishing"
    assert t.rows[1][1:] == exp.tabel(1)[1][1:]  # the numbers are untouched
    assert 'class="gloss"' not in page(site, "tabel-1")  # the Dutch page is the report as printed
    # Downloads are the report's table, without glosses.
    grid = csv_grid(get(f"{site}/queries/tabel-1.csv", params={"lang": "en", "layout": "report"}).content)
    assert grid[1][0] == "A Landbouw, bosbouw en visserij"


def test_index_groups_queries_by_chapter(site: str) -> None:
    r = get(f"{site}/queries", params={"lang": "nl"})
    assert r.status_code == 200
    chapters = re.findall(r'<h2 id="ch-([^"]+)">', r.text)
    assert chapters == ["2", "3", "4", "5", "bijlage-3"]
    for name in ("tabel-1", "tabel-6", "pbl-specialisatie", "joint-ventures"):
        assert f'href="/queries/{name}?lang=nl"' in r.text


# ---------------------------------------------------------------------------------------------------
# Machine formats
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 6])
def test_report_layout_csv_equals_the_report(site: str, n: int) -> None:
    r = get(f"{site}/queries/tabel-{n}.csv", params={"layout": "report"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.content.startswith(exp.sheet(n)[0][0].encode() if exp.sheet(n)[0][0] else b",")
    assert csv_grid(r.content) == exp.sheet(n)
    assert b"\r\n" in r.content  # RFC 4180 line ends


def test_dutch_excel_variant(site: str) -> None:
    r = get(f"{site}/queries/tabel-1.csv", params={"layout": "report", "dialect": "excel-nl"})
    assert r.content.startswith(b"\xef\xbb\xbfSBI-code en sectie;0;1;")
    assert csv_grid(r.content, ";")[5][2] == "1008"
    assert 'filename="tabel-1-tabel-excel.csv"' in r.headers["Content-Disposition"]


def test_every_response_names_its_build(site: str) -> None:
    build = get(f"{site}/queries/tabel-1.json").json()["build"]
    assert re.fullmatch(r"[0-9a-f]{64}", build)
    for path in ("/queries/tabel-1", "/queries/tabel-1.csv", "/queries/tabel-1.json", "/queries/tabel-1.ttl",
                 "/queries/tabel-1.csv-metadata.json", "/openapi.json"):
        assert get(site + path).headers["X-Almerekg-Build"] == build, path
    assert get(f"{site}/queries/tabel-1.csv-metadata.json").json()["dc:hasVersion"] == build


def test_json_rows_and_paging_with_link_headers(site: str) -> None:
    whole = get(f"{site}/queries/tabel-5.json").json()
    assert len(whole["rows"]) == 34 and whole["next"] is None
    seen = []
    url = f"{site}/queries/tabel-5.json?per_page=10"
    pages = 0
    while url:
        r = get(url)
        assert r.status_code == 200
        doc = r.json()
        seen += doc["rows"]
        pages += 1
        nxt = r.links.get("next", {}).get("url")
        assert (nxt is None) == (doc["next"] is None)
        # Link headers are absolute, from the site's configured public URL (here: the address it listens on).
        assert nxt is None or nxt == site + doc["next"]
        url = nxt
    assert pages == 4 and seen == whole["rows"]
    # Exactly a full last page: no next link (known by asking for one row more).
    r = get(f"{site}/queries/tabel-5.json", params={"per_page": 17, "page": 2})
    assert len(r.json()["rows"]) == 17 and "next" not in r.links and "prev" in r.links
    first = whole["rows"][0]
    assert first["placeLabel"] == "Almere" and first["partnerCount"] == 17 and first["printed"] == "17"


def test_csv_rows_paging_and_csvw_metadata(site: str) -> None:
    r = get(f"{site}/queries/tabel-1.csv", params={"per_page": 100})
    grid = csv_grid(r.content)
    assert len(grid) == 101 and grid[0][0] == "sector"
    assert r.links["next"]["url"] == f"{site}/queries/tabel-1.csv?page=2&per_page=100"
    assert r.links["describedby"]["url"].startswith(f"{site}/queries/tabel-1.csv-metadata.json")
    rest = csv_grid(get(r.links["next"]["url"]).content)
    whole = csv_grid(get(f"{site}/queries/tabel-1.csv").content)  # a header and every cell of Tabel 1
    assert len(rest) == len(whole) - 100 and "next" not in get(r.links["next"]["url"]).links
    meta = get(f"{site}/queries/tabel-1.csv-metadata.json").json()
    assert meta["@context"][0] == "http://www.w3.org/ns/csvw" and meta["url"] == "tabel-1.csv"
    columns = {c["name"]: c["datatype"] for c in meta["tableSchema"]["columns"]}
    # IRIs are the text a URI template turns into an IRI of the graph (valueUrl, see tests/queries/test_sheets.py).
    sector = next(c for c in meta["tableSchema"]["columns"] if c["name"] == "sector")
    assert sector["valueUrl"] == "{+sector}" and sector["propertyUrl"] == "https://almerekg.example/def/sector"
    assert columns["sector"] == "string" and columns["establishments"] == "integer"
    assert columns["printed"] == "string"
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == grid[0]


def test_underlying_rdf(site: str) -> None:
    r = get(f"{site}/queries/tabel-6.ttl")
    assert r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    obs = rdflib.URIRef("https://almerekg.example/id/observation/tabel-6/europa/moeder")
    count = rdflib.URIRef("https://almerekg.example/def/partnerCount")
    assert int(g.value(obs, count)) == 2
    assert (rdflib.URIRef("https://almerekg.example/id/dataset/tabel-6"), None, None) in g


def test_openapi_describes_every_saved_query(site: str) -> None:
    doc = get(f"{site}/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for name in ("tabel-1", "tabel-6", "pbl-specialisatie", "joint-ventures"):
        for suffix in (".json", ".csv"):
            assert f"/queries/{name}{suffix}" in doc["paths"]
    params = {p.get("name"): p for p in doc["paths"]["/queries/pbl-specialisatie.json"]["get"]["parameters"]}
    # An empty value is read as not given (the default): the schema lists it.
    assert params["basis"]["schema"] == {"type": "string", "enum": ["vestigingen", "banen", ""],
                                         "default": "vestigingen"}
    jv = {p.get("name"): p for p in doc["paths"]["/queries/joint-ventures.json"]["get"]["parameters"]}
    assert jv["min_aandeel"]["schema"] == {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 100, "default": 0},
                                                     {"type": "string", "enum": [""]}]}
    refs = [p["$ref"] for p in doc["paths"]["/queries/tabel-1.csv"]["get"]["parameters"] if "$ref" in p]
    for ref in refs:
        assert ref.split("/")[-1] in doc["components"]["parameters"]


def test_validators_and_cache(site: str) -> None:
    url = f"{site}/queries/tabel-6.json"
    first = get(url)
    again = get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert get(url).headers["X-Cache"] == "HIT"
    assert get(f"{site}/queries/tabel-6.json?lang=en").headers["ETag"] == first.headers["ETag"]


def test_a_page_is_rendered_from_kept_answers_and_not_kept_itself(site: str) -> None:
    """The engine's cache holds answers and the downloads made from them (X-Cache says HIT or MISS); a page (HTML)
    is rendered from the kept answers, never looked up in or stored to that cache, and revalidated by its ETag."""
    assert get(f"{site}/queries/tabel-4.json").headers["X-Cache"] in ("HIT", "MISS")
    first = get(f"{site}/queries/tabel-4", params={"lang": "en"})
    second = get(f"{site}/queries/tabel-4", params={"lang": "en"})
    assert first.status_code == second.status_code == 200 and first.text == second.text
    assert "X-Cache" not in first.headers and "X-Cache" not in second.headers
    again = get(f"{site}/queries/tabel-4", params={"lang": "en"}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["X-Almerekg-Build"] == first.headers["X-Almerekg-Build"]


# ---------------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------------

HOSTILE = [
    "banen> } ?s ?p ?o . { <x",
    'banen" } UNION { ?s ?p ?o } #',
    "banen%0A}%0ASELECT * WHERE { ?s ?p ?o }",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("value", HOSTILE)
def test_injection_attempts_get_400_and_escaped_output(site: str, value: str) -> None:
    for suffix in (".json", ".csv", ""):
        r = get(f"{site}/queries/pbl-specialisatie{suffix}?basis={quote(value, safe='%')}")
        assert r.status_code == 400, (suffix, r.text[:300])
        if suffix:
            assert r.headers["Content-Type"] == "application/problem+json"
            assert r.json()["invalid-params"][0]["name"] == "basis"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
        else:
            assert "<script>alert" not in r.text and "<img src=x" not in r.text
            assert "&lt;" in r.text or "&#34;" in r.text or "&#39;" in r.text
            assert r.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'none'")


def test_refused_values_cannot_change_a_result(site: str) -> None:
    baseline = get(f"{site}/queries/joint-ventures.json", params={"min_aandeel": "50"}).json()["rows"]
    for value in ("50 || true", "50) || (1", "0x10", "5 0", "1e2"):
        r = get(f"{site}/queries/joint-ventures.json", params={"min_aandeel": value})
        assert r.status_code == 400, value
    assert get(f"{site}/queries/joint-ventures.json", params={"min_aandeel": "50"}).json()["rows"] == baseline


def test_other_bad_requests(site: str) -> None:
    assert get(f"{site}/queries/tabel-1.json", params={"sector": "a"}).status_code == 400
    assert get(f"{site}/queries/joint-ventures.json?min_aandeel=1&min_aandeel=2").status_code == 400
    assert get(f"{site}/queries/tabel-1.json", params={"per_page": "0"}).status_code == 400
    assert get(f"{site}/queries/tabel-1.json", params={"page": "x"}).status_code == 400
    assert get(f"{site}/queries/tabel-1.csv", params={"dialect": "excel"}).status_code == 400
    assert get(f"{site}/queries/no-such-table").status_code == 404
    assert get(f"{site}/queries/no-such-table.json").status_code == 404


def test_json_document_shape(site: str) -> None:
    doc = get(f"{site}/queries/pbl-specialisatie.json", params={"basis": "banen"}).json()
    assert doc["query"] == "pbl-specialisatie" and doc["parameters"] == {"basis": "banen"}
    assert doc["source"]["page"] == 10 and doc["title"]["en"]
    report = get(f"{site}/queries/tabel-6.json", params={"layout": "report"}).json()
    assert report["header"] == exp.tabel(6)[0] and report["rows"] == exp.download(6)[1:]
    listed = get(f"{site}/queries/tabel-3.json", params={"layout": "report"}).json()
    assert listed["rows"][0][3] == exp.entries(exp.tabel(3)[1][3])  # a list cell as a list of its firms
    json.dumps(doc)
