"""A row cites the part of the report that prints it: its quote (and the names it copies) lie in that part's text.

The section boundaries come from the report's own table of contents (tests/graph/sections.py), so a row that cites
the summary for what the title page prints, or chapter 3 for what only chapter 5 prints, fails here.
"""

from __future__ import annotations

import csv

import pytest

from .graphdata import rows
from .sections import DATA, contents, headings, report_lines, section_texts, spans

QUOTED_FILES = sorted(p.name for p in DATA.glob("*.csv")
                      if {"quote", "source"} <= set(next(csv.reader(open(p, encoding="utf-8")))))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return section_texts()


def test_every_heading_of_the_contents_is_found_in_reading_order():
    lines = report_lines()
    _start, entries = contents(lines)
    found = headings(lines)
    assert [(h.title, h.page) for h in found] == entries
    assert [h.line for h in found] == sorted(h.line for h in found)
    assert [h.page for h in found] == sorted(h.page for h in found)


def test_every_part_of_the_report_has_a_span_and_the_title_page_ends_at_the_first_heading():
    got = spans()
    assert set(got) == {r["id"] for r in rows("sources.csv")}
    first = headings(report_lines())[0]
    title_pages = [r["id"] for r in rows("sources.csv") if r["kind"] == "title-page"]
    assert len(title_pages) == 1
    assert got[title_pages[0]] == (0, first.line)
    assert all(a < b for a, b in got.values())


@pytest.mark.parametrize("name", QUOTED_FILES)
def test_every_quote_lies_in_the_section_it_cites(name, texts):
    bad = [(i, r["source"], r["quote"][:60]) for i, r in enumerate(rows(name), start=2)
           if r["quote"] and r["quote"] not in texts[r["source"]]]
    assert bad == []


def test_what_a_network_row_copies_from_the_report_lies_in_the_section_it_cites(texts):
    """Name, abbreviation, aim and website of networks.csv are the report's words in the cited section."""
    bad = []
    for i, r in enumerate(rows("networks.csv"), start=2):
        text = texts[r["source"]]
        for column in ("abbreviation", "aim", "website"):
            if r[column] and r[column] not in text:
                bad.append((i, column, r[column]))
        # A name may start a sentence in one place and follow "de" in another: its first letter's case may differ.
        name = r["name"]
        if name not in text and name[0].swapcase() + name[1:] not in text:
            bad.append((i, "name", r["name"]))
    assert bad == []
