"""How a thing's table cells become answers, on a small index made by hand: figures of one dimension as a table
(Tabel 1 by size class; linked CBS figures by year once they exist), everything else grouped and capped."""

from __future__ import annotations

from almerekg.web.core.index import GraphIndex, Observation, Term
from almerekg.web.core.phrases import fact_sentence, format_number, relation_phrase
from almerekg.web.linkeddata import about

BASE = "https://almerekg.example"
ID = BASE + "/id/"
SDMX = "http://purl.org/linked-data/sdmx/2009/dimension#"
INT = "http://www.w3.org/2001/XMLSchema#integer"


def iri(ref: str) -> Term:
    return Term("uri", ID + ref)


def small_index() -> GraphIndex:
    index = GraphIndex(build_id="test", base=BASE, graphs=[])
    labels = {"sector/j": "Informatie en communicatie", "size-class/1": "1", "size-class/totaal": "totaal",
              "dataset/tabel-1": "Tabel 1: Vestigingen", "dataset/cbs": "CBS: vestigingen",
              "place/almere": "Almere"}
    index.labels = {ID + k: {"nl": v} for k, v in labels.items()}
    index.totals = {ID + "size-class/totaal"}
    index.rows = {ID + "size-class/1": ["size-classes.csv:3"]}
    cells = [("tabel-1/j/1", "dataset/tabel-1", [(BASE + "/def/sizeClass", iri("size-class/1"))], "603"),
             ("tabel-1/j/totaal", "dataset/tabel-1", [(BASE + "/def/sizeClass", iri("size-class/totaal"))], "1174"),
             ("cbs/j/2009", "dataset/cbs", [(SDMX + "refPeriod", Term("literal", "2009"))], "1210"),
             ("cbs/j/2010", "dataset/cbs", [(SDMX + "refPeriod", Term("literal", "2010"))], "1302")]
    for ref, dataset, dims, value in cells:
        index.observations[ID + "observation/" + ref] = Observation(
            ID + "observation/" + ref, ID + dataset,
            [(BASE + "/def/sector", iri("sector/j")), (SDMX + "refArea", iri("place/almere")), *dims],
            value=Term("literal", value, datatype=INT))
    return index


def test_figures_by_size_class_and_by_year() -> None:
    tables = about.figure_tables(small_index(), ID + "sector/j", "nl", {ID + "dataset/tabel-1": "/queries/tabel-1"})
    assert len(tables) == 2
    by_size = next(t for t in tables if t.corner != "2009" and "1" in t.columns)
    by_year = next(t for t in tables if t is not by_size)
    assert by_size.columns == ["1", "totaal"] and [c.text for c in by_size.rows[0].cells] == ["603", "1.174"]
    assert by_size.rows[0].href == "/queries/tabel-1" and by_size.rows[0].label == "Tabel 1"
    assert by_year.columns == ["2009", "2010"] and [c.text for c in by_year.rows[0].cells] == ["1.210", "1.302"]


def test_cells_about_a_place_are_grouped_with_the_total_first() -> None:
    groups = about.cell_groups(small_index(), ID + "place/almere", "en", {}, show_all=False)
    tabel_1 = next(g for g in groups if g.key == "tabel-1")
    assert tabel_1.total == 2 and tabel_1.cells[0].label == "totaal" and tabel_1.cells[0].figure == "1,174"


def test_words_for_numbers_facts_and_relationships() -> None:
    assert format_number(1325, "nl") == "1.325" and format_number(1325, "en") == "1,325"
    assert format_number("-1234.5", "nl") == "-1.234,5" and format_number("n/a", "nl") == "n/a"
    assert fact_sentence("founded", "oprichtingsjaar", "1972", "year", "nl") == "Opgericht in 1972"
    assert fact_sentence("employees", "aantal medewerkers", "8600", "", "en") == "8,600 employees"
    assert fact_sentence("unheard-of", "iets nieuws", "3", "", "nl") == "Iets nieuws: 3"
    assert relation_phrase("research", "onderzoek", True, "Turing Institute Almere", None, "nl") == \
        "onderzoekssamenwerking met Turing Institute Almere"
    assert relation_phrase("parent-subsidiary", "moeder-dochter", False, "Avanade Netherlands", None, "nl") == \
        "moederbedrijf van Avanade Netherlands"
    # A share phrase without a share falls back to the kind's label, never to a guess.
    assert relation_phrase("joint-venture-share", "aandeel", True, "X", None, "nl") == "aandeel: X"
