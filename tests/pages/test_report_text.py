"""/report: the report's own text by chapter, section and page, and every citation leading to its passage with the
quoted words marked."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from almerekg.web.core import report_text

from .conftest import DATA, follow, get, read, rows


@pytest.fixture(scope="module")
def doc() -> report_text.ReportText:
    return report_text.load(DATA)


def as_shown(quote: str) -> str:
    """A quote as the page prints it: the report's *word* emphasis is shown as emphasis, without asterisks."""
    return re.sub(r"(?<!\w)\*([A-Za-z][^*]*?[a-z])\*", r"\1", quote)


def toc_lines(lines: list[str]) -> range:
    start = lines.index("Inhoudsopgave")
    end = start + 1
    while not lines[end].strip():
        end += 1
    while lines[end].strip():
        end += 1
    return range(start + 1, end + 1)


def test_every_cited_part_opens_at_exactly_one_line(report_text: str) -> None:
    """sources.csv's opens_with names one line of the text (outside the table of contents) for every part."""
    lines = report_text.split("\n")
    toc = toc_lines(lines)
    for part in rows("sources.csv"):
        found = [n for n, line in enumerate(lines, start=1) if n not in toc and line.startswith(part["opens_with"])]
        assert len(found) == 1, (part["id"], found)


def test_parts_and_headings_are_placed_in_reading_order(doc: report_text.ReportText) -> None:
    placed = [doc.parts[r["id"]].line for r in rows("sources.csv")]
    assert None not in placed and placed == sorted(placed)
    # Every entry of the table of contents is found, in order, with the page it gives.
    assert all(h.line for h in doc.toc) and [h.line for h in doc.toc] == sorted(h.line for h in doc.toc)
    for part in rows("sources.csv"):
        if part["kind"] == "section":
            heading = doc.heading_at(doc.parts[part["id"]].line)
            assert heading is not None and heading.page == int(part["page"]), part["id"]


def test_report_page_holds_every_line_with_its_anchor(site: str, report_text: str) -> None:
    r = get(site + "/report?lang=nl")
    assert r.status_code == 200
    page = read(r.text)
    lines = report_text.split("\n")
    toc = toc_lines(lines)
    for n, line in enumerate(lines, start=1):
        if line.strip() and n not in toc:
            assert f'id="r-{n}"' in r.text, n
    for part in rows("sources.csv"):
        assert part["id"] in page.ids, part["id"]
    # The extraction's markup is read, never shown as text nor passed on as HTML.
    body = r.text.split('class="report-body"', 1)[1]
    for markup in ("&lt;i&gt;", "&lt;ul", "&lt;p&gt;", "&lt;/p&gt;", "▪", "*aard*", "<ul style", "<i>"):
        assert markup not in body, markup
    assert "Regels met tabs" not in body
    for part in rows("sources.csv"):
        if part["kind"] == "section":
            assert f"blz. {part['page']}" in r.text


@pytest.mark.parametrize("name", ["firm-facts.csv", "relations.csv", "network-roles.csv", "city-facts.csv"])
def test_a_citation_opens_the_passage_with_the_quote_marked(site: str, name: str, doc: report_text.ReportText
                                                             ) -> None:
    """Every quote of these files, cited as the pages cite it: marked once with the anchor, in the cited part."""
    seen = set()
    for row in rows(name):
        key = (row["source"], row["quote"])
        if not row["quote"] or key in seen:
            continue
        seen.add(key)
        url = "/report?" + urlencode({"part": row["source"], "mark": row["quote"]})
        page = read(get(site + url).text)
        anchored = [text for anchor, text in page.marks if anchor == "mark"]
        assert anchored == [as_shown(row["quote"])], (name, row["quote"][:40])
        line = doc.line_of(row["quote"], row["source"])
        assert line is not None and line >= doc.parts[row["source"]].line, (name, row["quote"][:40])


def test_doc_page_citations_lead_to_the_quote(site: str) -> None:
    """The source links of a firm's page: each opens the report at the passage, the quoted words marked."""
    facts = [r for r in rows("firm-facts.csv") if r["firm"] == "usg-people"]
    page = read(get(site + "/doc/firm/usg-people?lang=nl").text)
    cites = [link for link in page.links if link.startswith("/report?")]
    for fact in facts:
        want = "/report?" + urlencode({"part": fact["source"], "mark": fact["quote"], "lang": "nl"}) + "#mark"
        assert want in cites, fact["quote"][:40]
    for link in set(cites):
        target = get(site + link.split("#")[0])
        assert target.status_code == 200, link
        words = parse_qs(urlsplit(link).query).get("mark")
        if words:
            assert ("mark", words[0]) in read(target.text).marks, link


def test_words_not_in_the_text_are_said_so(site: str) -> None:
    r = get(site + "/report", params={"part": "tabel-3", "mark": "<b>niet in het rapport</b>"})
    assert r.status_code == 200
    assert "&lt;b&gt;niet in het rapport&lt;/b&gt;" in r.text and 'id="mark"' not in r.text
    assert 'href="#tabel-3"' in r.text


PAGE_END = '<span class="visually-hidden" lang="nl">(nieuwe pagina in de pdf)</span></span>'


@pytest.mark.parametrize("shown", [
    # *word* and <i>word</i> become emphasis, the words exact
    '<p id="r-528" class="item">2. De <em>aard</em> van de samenwerking is nu nog betrekkelijk oppervlakkig,',
    '<tr id="r-469"><td><em>Noordvleugel</em></td><td></td><td><em>Elders in Nederland</em></td><td></td>'
    '<td><em>Buiten Nederland</em></td><td></td></tr>',
    # a tab-separated line is a table row; an HTML list fragment in a cell a list
    '<tr id="r-223"><td>Relatief sterk gespecialiseerd</td><td><ul class="in-cell"><li>Energie</li></ul></td></tr>',
    '<tr id="r-229"><td>Relatief zeer sterk gespecialiseerd</td><td><ul class="in-cell">'
    '<li>Food, nutrition and flowers</li></ul></td></tr>',
    '<td><ul class="in-cell"><li>iMMovator</li><li>Exser</li></ul></td>',
    # <p>name</p> <p>text</p>: the firm's name, then its paragraph
    '<div id="r-666" class="para paragraphs">\n<p class="portrait-name">USG People</p>\n<p>In 1972 richten Pieter',
    # a paragraph cut by a page end, joined; the continuation keeps its line's anchor
    'De combinatie met R&amp;D komt minder <span id="r-258" class="page-end">' + PAGE_END + 'vaak voor. Bedrijven',
    'mogelijk dat Almeerse ondernemers andere <span id="r-530" class="page-end">' + PAGE_END
    + 'Almeerse ondernemers spreken.',
    'van de klant (scheepswerven, reders <span id="r-674" class="page-end">' + PAGE_END
    + 'etc.) of omgebouwd tot generatorsets.',
])
def test_the_extractions_markup_is_read(site: str, shown: str) -> None:
    assert shown in get(site + "/report?lang=nl").text


def test_no_paragraph_of_the_page_ends_mid_sentence_before_its_continuation(site: str, doc: report_text.ReportText
                                                                            ) -> None:
    """Every line the text continues after a page end is inside the paragraph it continues, not one of its own."""
    text = get(site + "/report?lang=nl").text
    joined = [line for b in doc.blocks for line, _t in b.more]
    assert joined == [78, 88, 180, 192, 258, 286, 320, 350, 373, 399, 423, 444, 530, 544, 566, 576, 620, 674, 692,
                      710]
    for line in joined:
        assert f'<span id="r-{line}" class="page-end">' in text and f'<p id="r-{line}"' not in text


def test_structure_keeps_the_words_and_drops_only_markup() -> None:
    def shown(text: str, words: str | None = None) -> tuple[str, list[list[tuple]]]:
        kind, parts = report_text.structure(text, words)
        return kind, [[(p.occurrence, p.runs) for p in part] for part in parts]

    assert shown("De *aard* van") == ("text", [[(0, [("De ", False), ("aard", True), (" van", False)])]])
    assert shown("Yanmar Europe (*64) Bunzl NL (*83)") == \
        ("text", [[(0, [("Yanmar Europe (*64) Bunzl NL (*83)", False)])]])  # a rank, not emphasis
    assert shown('<ul style="list-style-type: none"> ▪ <script>x</script> ▪ Exser', "Exser") == \
        ("list", [[(0, [("<script>x</script>", False)])], [(1, [("Exser", False)])]])
    assert shown("<p>A</p> <p>B *c* d", "B *c*") == \
        ("paragraphs", [[(0, [("A", False)])], [(1, [("B ", False), ("c", True)]), (0, [(" d", False)])]])
    assert shown("<i>x</i> and <b>y</b>") == ("text", [[(0, [("x", True), (" and <b>y</b>", False)])]])


def test_marked_words_across_emphasis_are_one_mark(site: str) -> None:
    quote = "De *aard* van de samenwerking is nu nog betrekkelijk oppervlakkig"
    r = get(site + "/report", params={"part": "h5-conclusies", "mark": quote, "lang": "nl"})
    assert '<mark id="mark">De <em>aard</em> van de samenwerking is nu nog betrekkelijk oppervlakkig</mark>' in r.text


def test_a_citation_into_the_continued_part_of_a_paragraph(site: str) -> None:
    r = get(site + "/report", params={"part": "h2-staalkaart", "mark": "vaak voor. Bedrijven die alleen",
                                      "lang": "nl"})
    assert f'<span id="r-258" class="page-end">{PAGE_END}<mark id="mark">vaak voor. Bedrijven die alleen</mark>' \
        in r.text


def test_the_language_switch_keeps_part_mark_and_the_place(browser, site: str, shots: Path) -> None:  # noqa: ANN001
    """Clicking English on a cited passage opens the same passage in English, the quoted words in view."""
    ctx = browser.new_context(viewport={"width": 375, "height": 740})
    tab = ctx.new_page()
    try:
        query = urlencode({"part": "bijlage-3", "mark": "In 1972 richten Pieter Borgstein", "lang": "nl"})
        tab.goto(f"{site}/report?{query}#mark")
        follow(tab, "header a.lang")
        assert tab.url == site + "/report?" + query.replace("lang=nl", "lang=en") + "#mark"
        assert tab.evaluate("document.documentElement.lang") == "en"
        top, bottom, height = tab.evaluate("""() => { const r = document.getElementById('mark')
            .getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }""")
        assert 0 <= top and bottom <= height, (top, bottom, height)
        assert tab.inner_text("#mark") == "In 1972 richten Pieter Borgstein"
        tab.screenshot(path=str(shots / "report-language-switch-keeps-mark-375.png"))
    finally:
        ctx.close()


def test_search_finds_words_after_a_page_end_and_opens_them_marked(site: str) -> None:
    """The continuation of a joined paragraph is still a passage of its own for search, linked to its line."""
    found = get(site + "/search?" + urlencode({"q": "vaak voor. Bedrijven die alleen", "lang": "nl"})).text
    href = "/report?" + urlencode({"mark": "vaak voor. Bedrijven die alleen", "at": 258, "lang": "nl"}) + "#mark"
    assert f'href="{html.escape(href)}"' in found
    target = get(site + href.split("#")[0]).text
    assert f'<span id="r-258" class="page-end">{PAGE_END}<mark id="mark">vaak voor. Bedrijven die alleen</mark>' \
        in target
