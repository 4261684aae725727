"""/report: the report's own text by chapter, section and page, and every citation leading to its passage with the
quoted words marked."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from almerekg.web.core import report_text

from .conftest import DATA, get, read, rows


@pytest.fixture(scope="module")
def doc() -> report_text.ReportText:
    return report_text.load(DATA)


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
    # The words are the report's, escaped: the extraction's markup shows as text.
    marked_up = next(line for line in lines if "<i>" in line)
    assert html.escape(marked_up.split("\t")[0], quote=False) in r.text
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
        assert anchored == [row["quote"]], (name, row["quote"][:40])
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
