"""Every concept has a Dutch and an English label; the English ones are translations that never replace the Dutch."""

from __future__ import annotations

import csv

import pytest

from almerekg.store import EmbeddedStore

from .test_bad_data import DATA, broken_copy, set_cell, validate_cli

PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
ID = "https://almerekg.example/id/"


@pytest.fixture(scope="module")
def store(built_store):
    s, _info = EmbeddedStore(built_store).open()
    return s


def line_of(thing: str) -> int:
    """The line of data/labels-en.csv that translates `thing` (the header is line 1)."""
    return 2 + [r["thing"] for r in csv.DictReader(open(DATA / "labels-en.csv", encoding="utf-8"))].index(thing)


def labels(store, iri: str, prop: str = "skos:prefLabel") -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for sol in store.query(PREFIXES + f"SELECT ?l WHERE {{ <{iri}> {prop} ?l }}", use_default_graph_as_union=True):
        out.setdefault(sol["l"].language, set()).add(sol["l"].value)
    return out


def test_translated_concepts_keep_their_printed_dutch_label(store):
    assert labels(store, ID + "partner-kind/afnemer") == {"nl": {"Afnemer"}, "en": {"Customer"}}
    assert labels(store, ID + "tabel-6-region/a-dam-regio") == {"nl": {"A-dam regio"}, "en": {"Amsterdam region"}}
    assert labels(store, ID + "size-class/totaal", "rdfs:label") == {"nl": {"totaal"}, "en": {"total"}}
    assert labels(store, ID + "report-part/h4-innovatie", "rdfs:label") == {"nl": {"Innovatie"}, "en": {"Innovation"}}
    assert labels(store, ID + "place/oost-azie", "rdfs:label") == {"nl": {"Oost-Azië"}, "en": {"East Asia"}}


def test_every_concept_has_one_label_in_each_language(store):
    q = """SELECT ?c (SUM(IF(LANG(?l) = "nl", 1, 0)) AS ?nl) (SUM(IF(LANG(?l) = "en", 1, 0)) AS ?en)
           WHERE { ?c a skos:Concept ; skos:prefLabel ?l } GROUP BY ?c"""
    counts = {s["c"].value: (int(s["nl"].value), int(s["en"].value))
              for s in store.query(PREFIXES + q, use_default_graph_as_union=True)}
    assert len(counts) > 150
    assert {c: n for c, n in counts.items() if n != (1, 1)} == {}


def test_a_translation_of_an_unknown_thing_is_refused(tmp_path):
    data = broken_copy(tmp_path, "labels-en.csv", set_cell({"thing": "partner-kind/dealer"}, "thing",
                                                           "partner-kind/agent"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert f"labels-en.csv:{line_of('partner-kind/dealer')}: partner-kind/agent: the graph has no thing" in proc.stderr


def test_a_second_english_label_is_refused(tmp_path):
    # Sectors take their English name from NACE: a translation of one of them would be a second label.
    data = broken_copy(tmp_path, "labels-en.csv", set_cell({"thing": "sector/totaal"}, "thing", "sector/j"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert (f"labels-en.csv:{line_of('sector/totaal')}: sector/j already has an English label (graph registers); "
            "translate it in one place" in proc.stderr)


def test_a_concept_without_english_label_is_a_shacl_violation(tmp_path):
    data = broken_copy(tmp_path, "labels-en.csv", lambda rows: [r for r in rows if r["thing"] != "partner-kind/dealer"])
    proc = validate_cli(data)
    assert proc.returncode == 1, proc.stderr
    hits = [ln for ln in proc.stdout.splitlines() if ln.startswith("violation:")]
    assert len(hits) == 1
    assert "focus https://almerekg.example/id/partner-kind/dealer" in hits[0]
    assert "a concept of the report has an English preferred label" in hits[0]


LABEL_PROPERTIES = ("rdfs:label", "skos:prefLabel", "<http://purl.org/dc/terms/title>", "<https://schema.org/name>")


@pytest.mark.parametrize("prop", LABEL_PROPERTIES)
def test_every_thing_has_at_most_one_label_per_language(store, prop):
    q = f"""SELECT ?s ?lang (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?s {prop} ?l . BIND(LANG(?l) AS ?lang) }}
            GROUP BY ?s ?lang HAVING (COUNT(DISTINCT ?l) > 1)"""
    assert [(s["s"].value, s["lang"].value) for s in store.query(PREFIXES + q, use_default_graph_as_union=True)] == []


def test_a_printed_table_and_its_dataset_have_one_title_per_language(store):
    """Tabel 5 was 'Origin of partners' as a dataset and 'Where the partners come from' as a part of the report."""
    q = """SELECT ?ds ?lang ?title WHERE {
             ?ds a <http://purl.org/linked-data/cube#DataSet> ; <http://purl.org/dc/terms/source> ?part .
             ?part <http://purl.org/dc/terms/type> "table" .
             { ?ds rdfs:label ?title } UNION { ?ds <http://purl.org/dc/terms/title> ?title }
             UNION { ?part rdfs:label ?title } BIND(LANG(?title) AS ?lang) }"""
    titles: dict[tuple[str, str], set[str]] = {}
    for s in store.query(PREFIXES + q, use_default_graph_as_union=True):
        titles.setdefault((s["ds"].value.rsplit("/", 1)[1], s["lang"].value), set()).add(s["title"].value)
    assert {ds for ds, _lang in titles} >= {"tabel-1", "tabel-2", "tabel-5", "tabel-6"}
    assert {key: t for key, t in titles.items() if len(t) != 1} == {}
    assert titles[("tabel-5", "en")] == {"Table 5: Where the partners come from"}
