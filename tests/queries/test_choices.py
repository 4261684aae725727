"""Tables like StatLine: a facet takes several values, Tabel 1 and 2 choose sectors and size classes and turn
around, all in an address that can be shared and that never holds an empty parameter; no facet value that gives
no rows is offered; an unknown saved query is the site's not-found page. Expected values come from data/ and
from the report's printed tables (tests/queries/expected.py)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import openpyxl
import pytest

from almerekg.saved_queries import load_catalogue

from . import expected as exp
from .conftest import get, report_table

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT / "queries")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def firms() -> list[dict[str, str]]:
    with open(ROOT / "data" / "firms.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class Page(HTMLParser):
    """The addresses a page writes (href, src, action) and what its parameter form would send."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.sent: list[tuple[str, str]] = []  # the form's fields as submitted as they stand
        self.boxes: dict[str, list[str]] = {}  # check boxes per name (all values offered)
        self.empty_options = 0
        self._form = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "src", "action"):
            if key in a:
                self.addresses.append(a[key])
        if tag == "form" and a.get("class") == "params":
            self._form = True
        if not self._form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                self.boxes.setdefault(a["name"], []).append(a["value"])
                if "checked" in a:
                    self.sent.append((a["name"], a["value"]))
            else:
                self.sent.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            if a.get("value") == "":
                self.empty_options += 1
            if "selected" in a:
                self.sent.append((self._select, a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = False
        elif tag == "select":
            self._select = None


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    return p


def page_text(site: str, path: str) -> str:
    r = get(site + path, headers={"Accept": BROWSER})
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return r.text


def json_rows(site: str, name: str, params: list[tuple[str, str]]) -> list[str]:
    doc = get(f"{site}/queries/{name}.json?" + urlencode(params)).json()
    return sorted(repr(sorted(row.items())) for row in doc["rows"])


def csv_lines(site: str, name: str, params: list[tuple[str, str]]) -> Counter:
    body = get(f"{site}/queries/{name}.csv?" + urlencode(params)).content.decode("utf-8-sig")
    return Counter(body.splitlines()[1:])


def sheet_rows(site: str, name: str, params: list[tuple[str, str]], sheet: str) -> list[tuple]:
    r = get(f"{site}/queries/{name}.xlsx?" + urlencode(params))
    assert r.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(r.content))[sheet].iter_rows(values_only=True))


def firm_names(html: str) -> list[str]:
    table = html.split('id="report-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<li><a href="/doc/firm/[^"]+">([^<]+)</a>', table)


# ---------------------------------------------------------------------------------------------------
# Several values of one facet: the rows of each, together, in every format
# ---------------------------------------------------------------------------------------------------


def test_two_categories_give_exactly_the_rows_of_each(site: str) -> None:
    b, c, both = [("categorie", "b")], [("categorie", "c")], [("categorie", "b"), ("categorie", "c")]
    listed = Counter(f["category"] for f in firms())
    assert listed["b"] and listed["c"]
    rows_b, rows_c, rows_bc = (json_rows(site, "tabel-3", p) for p in (b, c, both))
    assert len(rows_b) == listed["b"] and len(rows_c) == listed["c"]
    assert rows_bc == sorted(rows_b + rows_c)
    # The order of the values does not matter.
    assert json_rows(site, "tabel-3", both[::-1]) == rows_bc
    doc = get(f"{site}/queries/tabel-3.json?categorie=b&categorie=c").json()
    assert doc["parameters"] == {"categorie": ["b", "c"]} and doc["total"] == listed["b"] + listed["c"]
    for dialect in ([], [("dialect", "excel-nl")]):
        assert csv_lines(site, "tabel-3", both + dialect) == \
            csv_lines(site, "tabel-3", b + dialect) + csv_lines(site, "tabel-3", c + dialect)
    # The table as printed: the rows (categories) of each, with the firms of each.
    for dialect in ([], [("dialect", "excel-nl")]):
        grids = [list(csv.reader(io.StringIO(
            get(f"{site}/queries/tabel-3.csv?" + urlencode(p + [("layout", "report")] + dialect))
            .content.decode("utf-8-sig")), delimiter=";" if dialect else ",")) for p in (b, c, both)]
        assert [row[0] for row in grids[2][1:]] == [grids[0][1][0], grids[1][1][0]]
        names = [sorted(n for row in g[1:] for cell in row[1:] for n in cell.splitlines() if n) for g in grids]
        assert names[2] == sorted(names[0] + names[1])
    report = get(f"{site}/queries/tabel-3.json?categorie=b&categorie=c&layout=report").json()
    assert len(report["rows"]) == 2
    # The workbook: every result row of each.
    regels = [sheet_rows(site, "tabel-3", p, "Regels") for p in (b, c, both)]
    assert regels[2][0] == regels[0][0]
    assert Counter(regels[2][1:]) == Counter(regels[0][1:]) + Counter(regels[1][1:])
    bron = dict(row[:2] for row in sheet_rows(site, "tabel-3", both, "Bron") if row[0])
    assert bron["Parameters"] == "categorie=b,c"
    assert bron["Adres"].endswith("/queries/tabel-3?categorie=b&categorie=c")
    # The page: the firms of both categories, and the query it shows binds both as one VALUES block.
    html = page_text(site, "/queries/tabel-3?categorie=b&categorie=c&lang=nl")
    want = sorted(f["name"] for f in firms() if f["category"] in ("b", "c"))
    assert sorted(n.removeprefix("FF ").split(" (")[0] for n in firm_names(html)) == want
    assert re.search(r"VALUES \?_categorie \{ &lt;[^ ]+/id/establishment-categories/b&gt; "
                     r"&lt;[^ ]+/id/establishment-categories/c&gt; \}", html)


def test_facet_links_add_and_take_off_a_value(site: str) -> None:
    html = page_text(site, "/queries/tabel-3?categorie=b&lang=nl")
    block = html.split('id="facet-categorie"', 1)[1].split("</ul>", 1)[0]
    link_c = re.search(r'<li data-value="c"><a href="([^"]+)">', block).group(1).replace("&amp;", "&")
    assert link_c == "/queries/tabel-3?categorie=b&categorie=c&lang=nl"
    both = page_text(site, link_c)
    block = both.split('id="facet-categorie"', 1)[1].split("</ul>", 1)[0]
    assert block.count('aria-current="true"') == 2
    off = dict(re.findall(r'<li data-value="(\w)" class="chosen">.*?<a class="remove" href="([^"]+)"', block))
    assert {k: v.replace("&amp;", "&") for k, v in off.items()} == {
        "b": "/queries/tabel-3?categorie=c&lang=nl", "c": "/queries/tabel-3?categorie=b&lang=nl"}


def test_openapi_declares_a_facet_as_a_repeated_array(site: str) -> None:
    doc = get(f"{site}/openapi.json").json()
    for suffix in ("json", "csv", "xlsx"):
        params = {p.get("name"): p for p in doc["paths"][f"/queries/tabel-3.{suffix}"]["get"]["parameters"]}
        cat = params["categorie"]
        assert (cat["style"], cat["explode"], cat["schema"]["type"]) == ("form", True, "array")
        assert cat["schema"]["items"]["enum"] == ["a", "b", "c", "d", "e", "f", "g", ""]
        turn = [p for p in doc["paths"][f"/queries/tabel-1.{suffix}"]["get"]["parameters"]
                if p.get("$ref") == "#/components/parameters/transpose"]
        assert len(turn) == 1
        assert not [p for p in doc["paths"][f"/queries/tabel-3.{suffix}"]["get"]["parameters"]
                    if p.get("$ref") == "#/components/parameters/transpose"]
    assert doc["components"]["parameters"]["transpose"]["schema"]["enum"] == ["true", "false"]


# ---------------------------------------------------------------------------------------------------
# No empty parameter in any address the pages write
# ---------------------------------------------------------------------------------------------------


STATES = ["", "?categorie=b&categorie=c", "?activiteit=rnd&markering=gemeente", "?soort=parent-subsidiary",
          "?sectie=a&sectie=totaal&grootteklasse=1&transpose=true", "?sort=share"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_address_on_the_saved_query_pages_has_an_empty_parameter(site: str, lang: str) -> None:
    seen = 0
    for q in CATALOGUE.queries:
        for state in STATES:
            args = [(k, v) for k, v in parse_qsl(state.lstrip("?")) if v in getattr(q.param(k), "values", ())
                    or (k == "transpose" and q.layout.get("transpose_corner"))
                    or (k == "sort" and v in q.variables and q.layout["kind"] == "table")]
            if state and not args:
                continue  # a state this query has no parameters for: its page is the first one
            r = get(f"{site}/queries/{q.name}?" + urlencode([*args, ("lang", lang)]), headers={"Accept": BROWSER})
            assert r.status_code == 200, (q.name, args, r.text[:300])
            found = parse(r.text)
            assert found.empty_options == 0, (q.name, "a list offers an empty value")
            assert all(v != "" for _, v in found.sent), (q.name, found.sent)
            for address in found.addresses + re.findall(r"<([^>]+)>", r.headers.get("Link", "")):
                parts = urlsplit(address)
                if parts.netloc and not address.startswith(site):
                    continue
                empty = [k for k, v in parse_qsl(parts.query, keep_blank_values=True) if v == ""]
                assert not empty, (q.name, args, address)
                seen += 1
    assert seen > 500


def test_an_empty_parameter_is_not_given(site: str) -> None:
    r = get(f"{site}/queries/tabel-3?categorie=b&activiteit=&markering=&lang=nl", headers={"Accept": BROWSER},
            allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/queries/tabel-3?categorie=b&lang=nl"
    only_b = [("categorie", "b")]
    assert json_rows(site, "tabel-3", only_b + [("activiteit", ""), ("markering", "")]) == \
        json_rows(site, "tabel-3", only_b)
    assert csv_lines(site, "tabel-3", only_b + [("activiteit", "")]) == csv_lines(site, "tabel-3", only_b)


# ---------------------------------------------------------------------------------------------------
# Tabel 1 and 2: sectors and size classes chosen, the table turned around
# ---------------------------------------------------------------------------------------------------


def chosen(n: int, sectors: list[str], sizes: list[str]) -> list[list[str]]:
    """The printed table (expected.py) cut to some sectors (by letter; Totaal) and size classes (as printed)."""
    printed = exp.tabel(n)
    cols = [0] + [i for i, h in enumerate(printed[0]) if h in sizes]
    keep = [row for row in printed[1:] if row[0].split(" ")[0] in sectors]
    return [[row[i] for i in cols] for row in [printed[0], *keep]]


def turned(grid: list[list[str]]) -> list[list[str]]:
    out = [list(col) for col in zip(*grid, strict=True)]
    out[0][0] = "Grootteklasse"
    return out


@pytest.mark.parametrize("n", [1, 2])
def test_chooser_and_turn_round_trip_through_the_address(site: str, n: int) -> None:
    args = [("sectie", "a"), ("sectie", "totaal"), ("grootteklasse", "1"), ("grootteklasse", "totaal"),
            ("transpose", "true"), ("lang", "nl")]
    address = f"/queries/tabel-{n}?" + urlencode(args)
    html = page_text(site, address)
    want = chosen(n, ["A", "Totaal"], ["1", "totaal"])
    assert report_table(html).rows == turned(want)
    # The form sends exactly the state of the address: submitting it shows the same table.
    form = parse(html)
    assert sorted(form.sent) == sorted(args)
    query = CATALOGUE.get(f"tabel-{n}")
    assert tuple(form.boxes["sectie"]) == query.param("sectie").values
    assert tuple(form.boxes["grootteklasse"]) == query.param("grootteklasse").values
    assert report_table(page_text(site, f"/queries/tabel-{n}?" + urlencode(form.sent))).rows == turned(want)
    # The values' order in the address does not matter.
    assert report_table(page_text(site, f"/queries/tabel-{n}?" + urlencode(args[::-1]))).rows == turned(want)
    # The switch turns it back, keeping the choice; its switch turns it round again.
    back = re.search(r'<p class="turn-link"><a href="([^"]+)">', html).group(1).replace("&amp;", "&")
    assert sorted(parse_qsl(urlsplit(back).query)) == sorted(a for a in args if a[0] != "transpose")
    plain = page_text(site, back)
    assert report_table(plain).rows == want
    again = re.search(r'<p class="turn-link"><a href="([^"]+)">', plain).group(1).replace("&amp;", "&")
    assert sorted(parse_qsl(urlsplit(again).query)) == sorted(args)
    # Downloads carry the same choice: the table as printed in CSV, JSON and the workbook is the turned one.
    links = [a.replace("&amp;", "&") for a in re.findall(r'<a href="(/queries/tabel-\d\.[^"]+)"', html)]
    assert links and all(("sectie", "a") in parse_qsl(urlsplit(a).query) for a in links)
    report_csv = next(a for a in links if ".csv?" in a and "layout=report" in a and "dialect" not in a)
    grid = list(csv.reader(io.StringIO(get(site + report_csv).content.decode("utf-8-sig"))))
    assert grid == [[c.replace(".", "") for c in row] for row in turned(want)]
    report_json = next(a for a in links if ".json?" in a and "layout=report" in a)
    assert get(site + report_json).json()["header"] == turned(want)[0]
    xlsx = next(a for a in links if ".xlsx?" in a)
    tabel = [list(row) for row in sheet_rows(site, f"tabel-{n}", parse_qsl(urlsplit(xlsx).query), "Tabel")]
    assert tabel == [turned(want)[0]] + [[row[0], *(int(c.replace(".", "")) if c[0].isdigit() else c
                                                  for c in row[1:])] for row in turned(want)[1:]]
    # Every result row of the choice, and nothing else.
    rows = get(f"{site}/queries/tabel-{n}.json?" + urlencode(args[:4])).json()["rows"]
    assert len(rows) == 4 and {r["sector"].rsplit("/", 1)[1] for r in rows} == {"a", "totaal"}


def test_a_table_that_cannot_turn_refuses_the_switch(site: str) -> None:
    r = get(f"{site}/queries/tabel-3.json", params={"transpose": "true"})
    assert r.status_code == 400 and r.json()["invalid-params"][0]["name"] == "transpose"
    assert "transpose" not in page_text(site, "/queries/tabel-3?lang=nl").split('<form class="params"')[1] \
        .split("</form>")[0]


# ---------------------------------------------------------------------------------------------------
# No facet value with no rows; the counts follow the other filters
# ---------------------------------------------------------------------------------------------------


def facets(html: str) -> dict[str, dict[str, int]]:
    out = {}
    for name, block in re.findall(r'<h3 id="facet-([\w]+)">.*?<ul[^>]*>(.*?)</ul>', html, re.S):
        out[name] = {v: int(n.replace(".", "")) for v, n in
                     re.findall(r'<li data-value="([^"]+)"[^>]*>.*?<span class="muted">\(([\d.]+)\)</span>', block)}
    return out


def test_no_facet_value_without_rows_is_offered(site: str) -> None:
    people = firms()
    for path in ("/queries/tabel-3", "/queries/tabel-3?activiteit=rnd", "/queries/tabel-3?markering=fast-forward",
                 "/queries/tabel-4", "/queries/joint-ventures", "/queries/joint-ventures?min_aandeel=60"):
        found = facets(page_text(site, path + ("&" if "?" in path else "?") + "lang=en"))
        assert found and all(found.values()), path
        assert all(n > 0 for values in found.values() for n in values.values()), (path, found)
    # Counted under the other filters: the kinds of establishment among the R&D firms only.
    found = facets(page_text(site, "/queries/tabel-3?activiteit=rnd&lang=nl"))
    assert found["categorie"] == dict(Counter(f["category"] for f in people if f["activity"] == "rnd"))
    assert len(found["categorie"]) < 7  # some kinds have no R&D firm: they are left out
    # The joint-venture filter: no plain ownership share in the data, so none is offered (list nor form).
    html = page_text(site, "/queries/joint-ventures?lang=en")
    assert set(facets(html)["soort"]) == {"joint-venture-share", "parent-subsidiary"}
    assert "ownership share" not in html.split('<form class="params"', 1)[1].split('id="report-table"', 1)[0]


# ---------------------------------------------------------------------------------------------------
# An unknown saved query: the site's not-found page, problem details, or a line of text
# ---------------------------------------------------------------------------------------------------


def test_an_unknown_saved_query_is_the_not_found_page(site: str) -> None:
    r = get(f"{site}/queries/tabel-9", params={"lang": "nl"}, headers={"Accept": BROWSER})
    assert r.status_code == 404 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    firm = get(f"{site}/doc/firm/no-such-firm", params={"lang": "nl"}, headers={"Accept": BROWSER})
    assert firm.status_code == 404

    def main(text: str) -> str:
        return text.split("<main", 1)[1].split("</main>", 1)[0]

    assert "<h1>Niet gevonden</h1>" in main(r.text) and "<code>/queries/tabel-9</code>" in main(r.text)
    assert main(r.text).replace("/queries/tabel-9", "/firm/no-such-firm") == main(firm.text)
    problem = get(f"{site}/queries/tabel-9", headers={"Accept": "application/json"})
    assert problem.status_code == 404 and problem.headers["Content-Type"] == "application/problem+json"
    assert problem.json()["detail"] == "there is no saved query named 'tabel-9'; see /queries"
    text = get(f"{site}/queries/tabel-9", headers={"Accept": "*/*"})
    assert text.status_code == 404 and text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.text == "there is no saved query named 'tabel-9'; see /queries\n"


def test_every_listed_code_is_a_thing_in_the_build(site: str) -> None:
    """The values a chooser lists are the graph's own (no code made up): each has a page with a label."""
    for q in CATALOGUE.queries:
        for p in q.params:
            for v in p.values if p.type == "code" else ():
                r = get(f"{site}/doc/{p.code_prefix.removeprefix('id/')}{v}", headers={"Accept": "text/turtle"})
                assert r.status_code == 200 and ("prefLabel" in r.text or "rdfs:label" in r.text), (q.name, v)
