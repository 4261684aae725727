"""The report's claims in words (data/claims.csv): quoted from the passage that names them, built as schema:Claim
with who makes them, what they are about, where they appear, and the figure they restate."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from almerekg import coverage

from .graphdata import rows, solutions
from .sections import DATA

PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX ak: <https://almerekg.example/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
ID = "https://almerekg.example/id/"


def _spaced(text: str) -> str:
    return " ".join(text.split())


def test_every_quote_is_words_of_the_report(report_text):
    text = _spaced(report_text)
    assert [(r["id"], r["quote"][:40]) for r in rows("claims.csv") if _spaced(r["quote"]) not in text] == []


def test_ids_are_the_first_line_of_the_passage_that_names_them():
    """A claim's id is its passage's first line and a running number: 194-3 is the third claim of p-194."""
    owners = {ref.split(":", 1)[1]: p for p in coverage.read_ledger(DATA) for ref in p.refs
              if ref.startswith("claims.csv:")}
    assert [r["id"] for r in rows("claims.csv") if r["id"].split("-")[0] != str(owners[r["id"]].first)] == []


def test_the_issue_s_examples_are_claims():
    claims = {_spaced(r["quote"]): r for r in rows("claims.csv")}

    def claim(words: str) -> dict[str, str]:
        found = [r for q, r in claims.items() if words in q]
        assert len(found) == 1, words
        return found[0]

    assert claim("Nevenvestigingen zijn voor Almere belangrijker dan hoofdvestigingen.")["by"] == "wall-2008"
    assert claim("belangrijkste ondersteunende stad van de Noordvleugel")["kind"] == "expectation"
    assert claim("sterker aaneengesloten is geworden")["by"] == "raspe-2010"
    flevoland = claim("in elk cluster afzonderlijk")
    assert flevoland["figure"] == "observation/city-facts/flevoland-rank-job-growth"
    assert claim("kan er niets specifiek geconcludeerd worden")["kind"] == "conclusion"


def test_the_build_makes_each_row_a_claim_with_its_maker_and_part(store):
    got = solutions(store, PREFIXES + """
        SELECT ?text ?kind ?first ?part ?row WHERE {
          <https://almerekg.example/id/claim/194-7> a schema:Claim ; schema:text ?text ; ak:claimKind ?kind ;
             schema:firstAppearance ?first ; schema:appearance ?part ; ak:sourceRow ?row . }""")
    wanted = next(n for n, r in enumerate(rows("claims.csv"), start=2) if r["id"] == "194-7")
    assert got == [{"text": "Nevenvestigingen zijn voor Almere belangrijker dan hoofdvestigingen.",
                    "kind": ID + "claim-kind/finding", "first": ID + "publication/wall-2008",
                    "part": ID + "report-part/h2-stad", "row": f"claims.csv:{wanted}"}]


def test_a_claim_of_the_authors_names_both_authors_and_what_it_is_about(store):
    got = solutions(store, PREFIXES + """
        SELECT ?author ?about WHERE { <https://almerekg.example/id/claim/218-1> schema:author ?author ;
                                     schema:about ?about . } ORDER BY ?author ?about""")
    assert {g["about"] for g in got} == {ID + "place/almere", ID + "organisation/planbureau-voor-de-leefomgeving"}
    assert {g["author"] for g in got} == {ID + "person/jan-peter-van-den-toren", ID + "person/inge-van-bussel"}


def test_every_claim_row_is_a_claim_of_the_graph(store):
    got = solutions(store, PREFIXES + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c ak:claimKind ?k }")
    assert got == [{"n": str(len(rows("claims.csv")))}]


def test_a_restated_figure_is_an_observation(store):
    """Flevoland grew fastest "in elk cluster afzonderlijk": the words are the claim, the rank the observation."""
    got = solutions(store, PREFIXES + """
        SELECT ?o WHERE { <https://almerekg.example/id/claim/233-2> ak:restatesFigure ?o .
                          ?o a <http://purl.org/linked-data/cube#Observation> }""")
    assert got == [{"o": ID + "observation/city-facts/flevoland-rank-job-growth"}]


def _copy_with(tmp_path: Path, change) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with open(data / "claims.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    change(table)
    with open(data / "claims.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    return data


def test_a_quote_from_another_passage_is_a_problem_of_the_ledger(tmp_path):
    def change(table):
        table[0]["quote"] = "Nevenvestigingen zijn voor Almere belangrijker dan hoofdvestigingen."
    data = _copy_with(tmp_path, change)
    assert coverage.problems(data) == [
        "claims.csv:2: the quote of claim '66-1' is not in passage p-066 (lines 66-66) that names it"]


def test_a_claim_no_passage_names_is_a_problem_of_the_ledger(tmp_path):
    def change(table):
        table.append(dict(table[0], id="66-99"))
    data = _copy_with(tmp_path, change)
    assert coverage.problems(data) == [
        f"claims.csv:{len(rows('claims.csv')) + 2}: claim '66-99' is named by 0 passages of coverage.csv, not 1"]


@pytest.mark.parametrize("column,value,message", [
    ("kind", "opinion", "column 'kind' must be one of finding, conclusion, judgement, reason, expectation"),
    ("by", "wall-2009", "column 'by' names 'wall-2009', which is neither 'authors', 'respondents', a publication"),
    ("about", "place/atlantis", "column 'about' names place/atlantis, which the graph does not describe"),
    ("figure", "place/almere", "column 'figure' names place/almere, which is no observation"),
    ("language", "fr", "column 'language' must be one of nl, en, found 'fr'"),
])
def test_a_wrong_cell_stops_the_build_naming_the_row(tmp_path, column, value, message):
    from almerekg.graph.pipeline import assemble
    from almerekg.graph.rows import DataError
    from almerekg.settings import from_values

    def change(table):
        table[0][column] = value
    data = _copy_with(tmp_path, change)
    with pytest.raises(DataError, match="^claims.csv:2: ") as err:
        assemble(from_values(data=str(data)))
    assert message in str(err.value)
