"""Spreadsheets that add up, and CSVs that CSVW tools accept: every download of a saved query opened as its reader
opens it (the csv module with the Dutch Excel dialect, openpyxl for the workbooks, the `csvw` package's own
csvwvalidate), from a real server process on the real build."""

from __future__ import annotations

import argparse
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import csvw
import openpyxl
import pytest
import rdflib
from csvw import jsonld as csvw_jsonld
from csvw.__main__ import csvwvalidate
from csvw.metadata_utils import qname2url
from rdflib.namespace import DCTERMS

from almerekg.saved_queries import load_catalogue
from almerekg.saved_queries.tables import Cell, Row, Table
from almerekg.saved_queries.workbook import XLSX, Source, write_xlsx
from almerekg.web.saved_queries.views import _downloads

from . import expected as exp
from .conftest import get

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT / "queries")
# What each table adds up to: Tabel 5 counts 69 partners, Tabel 6 70 relationships (notes n-012, n-013).
SUMS = {5: 69, 6: 70}


def excel_number(text: str) -> int | Decimal | None:
    """A cell as Dutch Excel reads it: a whole number, or a decimal with a comma; None when it is text."""
    t = text.strip()
    if t.lstrip("-").isdigit():
        return int(t)
    if t.replace(",", "", 1).lstrip("-").isdigit():
        return Decimal(t.replace(",", "."))
    return None


def counts(n: int, header: list[str], rows: list[list[object]]) -> list[object]:
    """The count cells of Tabel 5 (the `(aantal)` columns) or Tabel 6 (the body without Totaal row and column)."""
    if n == 5:
        cols = [i for i, h in enumerate(header) if h.endswith("(aantal)")]
        assert len(cols) == 3, header
        return [row[i] for row in rows for i in cols if row[i - 1] not in ("", None)]
    cols = [i for i, h in enumerate(header) if i > 0 and h not in ("Totaal", exp.PRINTED_COLUMN)]
    return [row[i] for row in rows if row[0] != "Totaal" for i in cols if row[i] not in ("", None)]


@pytest.mark.parametrize("n", [5, 6])
@pytest.mark.parametrize("dialect", ["excel-nl", "rfc4180"])
def test_printed_table_csv_adds_up(site: str, n: int, dialect: str) -> None:
    r = get(f"{site}/queries/tabel-{n}.csv", params={"layout": "report", "dialect": dialect})
    grid = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";" if dialect == "excel-nl" else ","))
    header, body = grid[0], grid[1:]
    assert all(header), f"a header for every column: {header}"
    cells = counts(n, header, body)
    numbers = [excel_number(c) for c in cells]
    assert [c for c, v in zip(cells, numbers, strict=True) if v is None] == [], "no count cell holds text"
    assert sum(numbers) == SUMS[n]
    assert grid == exp.sheet(n)
    if n == 6:  # the Totaal row and column are the sums of the body
        total = next(row for row in body if row[0] == "Totaal")
        assert int(total[header.index("Totaal")]) == 70
        assert [int(total[i]) for i in range(1, 8)] == [sum(int(row[i] or 0) for row in body if row[0] != "Totaal")
                                                        for i in range(1, 8)]


@pytest.mark.parametrize("n", [5, 6])
def test_workbook_adds_up_and_names_its_source(site: str, n: int) -> None:
    r = get(f"{site}/queries/tabel-{n}.xlsx")
    assert r.status_code == 200 and r.headers["Content-Type"] == XLSX
    assert f'filename="tabel-{n}.xlsx"' in r.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Tabel", "Regels", "Bron"]
    grid = [list(row) for row in book["Tabel"].iter_rows(values_only=True)]
    header = grid[0]
    cells = counts(n, header, grid[1:])
    assert [c for c in cells if not isinstance(c, int)] == [], "every count cell holds a number"
    assert sum(cells) == SUMS[n]
    # The same table as the CSV, numbers as numbers.
    assert [[("" if v is None else str(v)) for v in row] for row in grid] == exp.sheet(n)
    rows = list(book["Regels"].iter_rows(values_only=True))
    assert len(rows) == 1 + len(get(f"{site}/queries/tabel-{n}.json").json()["rows"])
    head, titles = rows[0], CATALOGUE.titles(CATALOGUE.get(f"tabel-{n}"), "nl")
    assert titles["partnerCount"] == "Aantal partners" and titles["partnerCount"] in head
    # Tabel 6's rows hold its totals as well (rowTotal, columnTotal, booleans): the body cells add up to 70.
    totals = [head.index(titles[t]) for t in ("rowTotal", "columnTotal") if titles.get(t) in head]
    body = [row for row in rows[1:] if not any(row[i] for i in totals)]
    count = head.index(titles["partnerCount"])
    counted = [row[count] for row in body if row[count] is not None]
    assert all(isinstance(c, int) for c in counted) and sum(counted) == SUMS[n]
    source = {row[0]: row[1] for row in book["Bron"].iter_rows(values_only=True) if row[0]}
    build = get(f"{site}/queries/tabel-{n}.json").json()["build"]
    assert source["Tabel"] == f"Tabel {n}" and source["Pagina"] == "26" and source["Build"] == build
    assert source["Rapport"] == "Groei door samenwerking in Almere"
    # The licence /dataset states for the dataset.
    dataset = rdflib.Graph().parse(data=get(f"{site}/dataset", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert rdflib.URIRef(source["Licentie"]) in set(dataset.objects(None, DCTERMS.license))
    assert source["Deel (IRI)"].endswith(f"/id/report-part/tabel-{n}")
    notes = [row[1] for row in book["Bron"].iter_rows(values_only=True) if row[0] in ("Noten", None) and row[1]]
    assert any(note.startswith("n-012: ") for note in notes) if n == 5 else \
        any(note.startswith("gedrukt: ") for note in notes), notes


def test_every_saved_query_has_a_workbook(site: str) -> None:
    for q in CATALOGUE.queries:
        assert any(d["href"] == f"/queries/{q.name}.xlsx" and d["type"] == XLSX
                   for d in _downloads(q, q.bind({}), "nl")), q.name
        r = get(f"{site}/queries/{q.name}.xlsx")
        assert r.status_code == 200, q.name
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        table = [list(row) for row in book["Tabel"].iter_rows(values_only=True)]
        assert table and all(h not in (None, "") for h in table[0]), (q.name, table[0])
    assert '"/queries/tabel-1.xlsx"' in get(f"{site}/openapi.json").text


def csv_variants() -> list[str]:
    """Every CSVW description the pages link, from the code that makes the links."""
    return [d["meta"] for q in CATALOGUE.queries for d in _downloads(q, q.bind({}), "nl") if "meta" in d]


def validate_csvw(url: str) -> int:
    """`csvwvalidate -v URL` as its own entry point runs it (given parsed arguments, as the package's tests do)."""
    return csvwvalidate(argparse.Namespace(url=url, verbose=True, lax=False), test=True)


def test_every_csv_variant_validates(live_site: str, capsys: pytest.CaptureFixture[str]) -> None:
    """csvwvalidate's own entry point (the `csvwvalidate` command, run in this process to spare 56 interpreter
    starts), fetching each description and its CSV over HTTP from the real server process."""
    variants = csv_variants()
    assert len(variants) == 4 * len(CATALOGUE.queries) == 4 * len(list(ROOT.joinpath("queries").glob("*.rq")))
    failed = []
    for meta in variants:
        code = validate_csvw(live_site + meta)
        said = capsys.readouterr().out
        if code != 0 or "OK" not in said:
            failed.append((meta, code, said[-500:]))
    assert failed == []


def test_the_csvw_check_can_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same entry point fails a CSV whose number column holds a word."""
    (tmp_path / "t.csv").write_text("naam,aantal\nUSG People,veel\n", encoding="utf-8")
    (tmp_path / "t.csv-metadata.json").write_text(json.dumps({
        "@context": "http://www.w3.org/ns/csvw", "url": "t.csv",
        "tableSchema": {"columns": [{"name": "naam", "titles": "naam"},
                                    {"name": "aantal", "titles": "aantal", "datatype": "integer"}]}}),
        encoding="utf-8")
    assert validate_csvw(str(tmp_path / "t.csv-metadata.json")) != 0
    assert "FAIL" in capsys.readouterr().out


def test_text_that_looks_like_a_formula_stays_text() -> None:
    table = Table("table", [Cell("Naam"), Cell("Aantal", numeric=True)],
                  [Row(Cell("=1+1"), [Cell("3", value=3, numeric=True)])])
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(table, ["naam"], [["=HYPERLINK(\"x\")"]], Source([], []))))
    assert [c.data_type for c in book["Tabel"][2]] == ["s", "n"] and book["Tabel"]["A2"].value == "=1+1"
    assert book["Regels"]["A2"].data_type == "s"


def csvw_triples(url: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[rdflib.term.Node, ...]]:
    """The triples the `csvw` package makes of a CSV and its metadata (its own cell-to-triple code, Triple.from_col
    and as_rdflib_triple), taken before it frames them as JSON. For its JSON it writes a property of a namespace
    CSVW knows as a prefixed name (org:hasSite); that is expanded again with its own table (qname2url)."""
    made: list[tuple[rdflib.term.Node, ...]] = []

    def collect(triples: list[csvw_jsonld.Triple]) -> list[dict]:
        row = next((t.value for t in triples if t.property == "@id"), None)
        for t in triples:
            if t.property != "@id":
                prop = qname2url(t.property) or t.property
                made.append(csvw_jsonld.Triple(about=t.about or row, property=prop, value=t.value)
                            .as_rdflib_triple())
        return []

    monkeypatch.setattr(csvw_jsonld, "group_triples", collect)
    table = csvw.CSVW(url, validate=True)
    assert table.is_valid, [str(w.message) for w in table.warnings]
    table.to_json()
    return made


def in_store(site: str, triple: tuple[rdflib.term.Node, ...]) -> bool:
    """Whether the store states the triple (a literal compared by value: the package writes plain literals)."""
    s, p, o = triple
    if isinstance(o, rdflib.URIRef):
        query = f"ASK {{ <{s}> <{p}> <{o}> }}"
    elif isinstance(o.toPython(), (int, float)):
        query = f"ASK {{ <{s}> <{p}> ?o FILTER(isNumeric(?o) && ?o = {o.toPython()!r}) }}"
    else:
        query = f"ASK {{ <{s}> <{p}> ?o FILTER(STR(?o) = {rdflib.Literal(str(o)).n3()}) }}"
    r = get(f"{site}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return r.json()["boolean"]


# Per query: the number of rows, and (subject, property) pairs the CSV must state for one row.
ROUND_TRIP = {
    "tabel-1": ("/id/observation/tabel-1/c/1", "/def/establishments", 194),
    "tabel-3": ("/id/firm/", "http://www.w3.org/ns/org#hasSite", None),
    "joint-ventures": ("/id/relationship/avanade-jv-accenture", "/def/sharePercent", 51),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_default_csv_turns_into_the_graphs_own_statements(live_site: str, name: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    site = live_site  # the csvw package fetches the metadata and the CSV over HTTP: the real server process
    base = "https://almerekg.example"
    triples = csvw_triples(f"{site}/queries/{name}.csv-metadata.json", monkeypatch)
    rows = get(f"{site}/queries/{name}.json").json()["rows"]
    query = CATALOGUE.get(name)
    mapped = query.csvw["columns"]
    # Every mapped, filled cell of every row makes a triple; nothing else does (no CSV-local predicates).
    assert len(triples) == sum(1 for row in rows for var in mapped if row.get(var) not in (None, ""))
    assert all(str(p).startswith(("https://almerekg.example/def/", "http://", "https://schema.org/"))
               and "/queries/" not in str(p) for _, p, _ in triples)
    missing = [t for t in triples if not in_store(site, t)]
    assert missing == []
    subject, prop, value = ROUND_TRIP[name]
    prop = prop if prop.startswith("http") else base + prop
    hits = [t for t in triples if str(t[0]).startswith(base + subject) and str(t[1]) == prop]
    assert hits and (value is None or hits[0][2].toPython() == value)
    # IRIs come out as IRIs (valueUrl), the subject as the thing the row is about (aboutUrl).
    assert any(isinstance(o, rdflib.URIRef) for _, _, o in triples)
    assert {str(s) for s, _, _ in triples} >= {row[query.csvw["about"]] for row in rows}


def test_rows_for_dutch_excel_have_readable_headers_and_labels(site: str) -> None:
    """The rows variant for people: a Dutch header for every variable (queries/columns.yaml or the layout), the label
    beside each IRI the query does not name itself; the CSVW titles say the same."""
    for q in CATALOGUE.queries:
        titles = CATALOGUE.titles(q, "nl")
        assert all(titles[var] != var for var in q.variables), (q.name, [v for v in q.variables if titles[v] == v])
        header = excel_rows(site, q.name)[0]
        assert len(set(header)) == len(header) and not set(header) & set(q.variables), (q.name, header)
        meta = get(f"{site}/queries/{q.name}.csv-metadata.json", params={"dialect": "excel-nl"}).json()
        assert [c["titles"] for c in meta["tableSchema"]["columns"]] == header, q.name
    grid = excel_rows(site, "tabel-5")
    assert grid[0][:3] == ["Regiogroep", "Groep (zoals gedrukt)", "Groepsvolgorde"]
    obs = grid[0].index("Waarneming")
    # An IRI whose label the query does not select gets it beside it.
    assert grid[0][obs + 1] == "Waarneming (naam)" and grid[1][obs + 1] == "Almere"
    jv = excel_rows(site, "joint-ventures")
    # A firm's name is a column of the query already: no second label column for it.
    assert jv[0][:4] == ["Relatie", "Relatie (naam)", "Bedrijf (IRI)", "Bedrijf"] and "Eigenaar (IRI) (naam)" not in jv[0]
    # The CSV for programs keeps the variables as headers.
    assert csv_variants_first_row(site, "tabel-1") == list(CATALOGUE.get("tabel-1").variables)


def csv_variants_first_row(site: str, name: str) -> list[str]:
    return next(csv.reader(io.StringIO(get(f"{site}/queries/{name}.csv").text)))


def excel_rows(site: str, name: str) -> list[list[str]]:
    r = get(f"{site}/queries/{name}.csv", params={"dialect": "excel-nl"})
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
