"""Thing pages that answer: a sector's row of Tabel 1 and 2, a place's figures by table, a firm's facts as
sentences with the report's words and page, relationships named in words, networks, lists capped with a link to
the whole list. Every expected value is computed from data/ (or the store), never typed in."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from .conftest import BASE, get, read, rows


def table_row(name: str, sector: str) -> dict[str, str]:
    return next(r for r in rows(name) if r["sector"].lower() == sector)


def size_columns(name: str) -> list[str]:
    return [c for c in rows(name)[0] if c not in ("sector", "source")]


def english(printed: str) -> str:
    return printed if printed == "-" else f"{int(printed.replace('.', '')):,}"


@pytest.mark.parametrize("sector", ["j", "f", "totaal"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_sector_page_shows_its_row_of_tabel_1_and_2(site: str, sector: str, lang: str) -> None:
    """The sector's printed row of each table, one column per table, one row per size class."""
    page = read(get(f"{site}/doc/sector/{sector}?lang={lang}").text)
    t1, t2 = ("Tabel 1", "Tabel 2") if lang == "nl" else ("Table 1", "Table 2")
    figures = [t for caption, t in page.tables.items() if t1 in caption and t2 in caption]
    assert len(figures) == 1, list(page.tables)
    grid = figures[0]
    assert grid[0][1].startswith(t1) and grid[0][2].startswith(t2)
    one, two = size_columns("tabel-1.csv"), size_columns("tabel-2.csv")
    body = grid[1:-1]  # the last row names the sources
    total = "totaal" if lang == "nl" else "total"
    assert [r[0] for r in body] == [c if c != "totaal" else total for c in one]
    first, second = table_row("tabel-1.csv", sector), table_row("tabel-2.csv", sector)
    for row, col in zip(body, one, strict=True):
        assert row[1] == (first[col] if lang == "nl" else english(first[col])), col
        want = second[col] if col in two else None
        assert row[2] == ("—" if want is None else want if lang == "nl" else english(want)), col
    assert grid[-1][1].startswith("Tabel 1, ") and grid[-1][2].startswith("Tabel 2, ")


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_place_page_shows_figures_by_table_capped(site: str, store_quads: list[ox.Quad]) -> None:
    almere = ox.NamedNode(BASE + "/id/place/almere")
    area = ox.NamedNode("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
    dataset = ox.NamedNode("http://purl.org/linked-data/cube#dataSet")
    cells = {q.subject for q in store_quads if q.predicate == area and q.object == almere}
    # A CBS cell printed as x or . (ak:UnpublishedFigure) sits beside its data set (dcterms:relation) and is listed.
    unpublished = {q.subject for q in store_quads if q.predicate == ox.NamedNode(RDF_TYPE)
                   and q.object == ox.NamedNode(BASE + "/def/UnpublishedFigure")}
    relation = ox.NamedNode("http://purl.org/dc/terms/relation")
    per_table = Counter(q.object.value.rsplit("/", 1)[-1] for q in store_quads
                        if q.subject in cells and (q.predicate == dataset
                                                   or (q.predicate == relation and q.subject in unpublished)))
    text = get(site + "/doc/place/almere?lang=nl").text
    for table, count in per_table.items():
        assert f'id="cells-{table}"' in text, table
        section = text.split(f'id="cells-{table}"', 1)[1].split("<h3", 1)[0]
        assert f"({count:,} cellen)".replace(",", ".") in section or f"({count} cel" in section
        shown = section.count("<li>")
        assert shown == min(count, 12), table
        if count > 12:
            assert "/doc/place/almere?all=1&amp;lang=nl#cells-" + table in section
    full = get(site + "/doc/place/almere?all=1&lang=nl").text
    for table, count in per_table.items():
        section = full.split(f'id="cells-{table}"', 1)[1].split("<h3", 1)[0]
        assert section.count("<li>") == count, table
    # The observation codes are gone: every cell is named by its row and column.
    assert "observation/tabel-2/" not in re.sub(r'href="[^"]*"', "", text)


def test_firm_facts_are_sentences_with_quote_and_page(site: str) -> None:
    text = get(site + "/doc/firm/usg-people?lang=nl").text
    page = read(text)
    facts = [r for r in rows("firm-facts.csv") if r["firm"] == "usg-people"]
    assert facts
    for fact in facts:
        quote = fact["quote"].replace("&", "&amp;").replace('"', "&#34;").replace("'", "&#39;")
        assert f'<q class="quote" lang="nl">{quote}</q>' in text, fact["quote"]
        href = "/report?" + urlencode({"part": fact["source"], "mark": fact["quote"], "lang": "nl"}) + "#mark"
        assert href in page.links
    assert "Opgericht in 1972" in text and "Bijlage 3, blz. 41" in text


def test_relationships_are_named_in_words(site: str) -> None:
    relation = next(r for r in rows("relations.csv") if r["kind"] == "research")
    name = {r["id"]: r["name"] for r in rows("organisations.csv")} | {r["id"]: r["name"] for r in rows("firms.csv")}
    subject = get(f"{site}/doc/firm/{relation['subject']}?lang=nl").text
    assert f"onderzoekssamenwerking met <a href=\"/doc/organisation/{relation['object']}?lang=nl\">" \
           f"{name[relation['object']]}</a>" in subject
    page = get(f"{site}/doc/relationship/{relation['id']}?lang=nl").text
    assert f"<h1>{name[relation['subject']]}: onderzoekssamenwerking met {name[relation['object']]}</h1>" in page
    english = get(f"{site}/doc/relationship/{relation['id']}?lang=en").text
    assert f"<h1>{name[relation['subject']]}: research cooperation with {name[relation['object']]}</h1>" in english
    # No relationship is titled by its slugs any more.
    for r in rows("relations.csv"):
        assert f"{r['kind']}: {r['subject']} - {r['object']}" not in get(f"{site}/doc/relationship/{r['id']}").text \
            .split("</h1>", 1)[0]


def test_network_memberships_on_the_organisation_page(site: str) -> None:
    roles = [r for r in rows("network-roles.csv") if r["organisation"] == "gemeente-almere"]
    text = get(site + "/doc/organisation/gemeente-almere?lang=nl").text
    section = text.split('id="networks-h"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li>") == len(roles)
    for role in roles:
        assert f'href="/doc/network/{role["network"]}?lang=nl"' in section


def test_long_lists_of_links_are_capped_with_a_link_to_all(site: str, store_quads: list[ox.Quad]) -> None:
    table = ox.NamedNode(BASE + "/id/dataset/tabel-1")
    cells = sum(1 for q in store_quads if q.object == table
                and q.predicate.value == "http://purl.org/linked-data/cube#dataSet")
    text = get(site + "/doc/dataset/tabel-1?lang=nl").text
    assert f"12 van de {cells:,}".replace(",", ".") in text and "/doc/dataset/tabel-1?all=1&amp;lang=nl#in-h" in text
    full = get(site + "/doc/dataset/tabel-1?all=1&lang=nl").text
    assert full.count('href="/doc/observation/tabel-1/') >= cells
    # Cells are named by their row and column, not by their code.
    assert ">Tabel 1: Informatie en communicatie, 2-4, Almere, 2009<" in full
