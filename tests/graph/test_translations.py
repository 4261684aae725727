"""English beside Dutch for what the pages show, and no public text that names the project's files.

Pages in English show notes, qualifiers and the labels of values; those texts are the project's, written in
Dutch, and their English is the project's translation (data/notes-en.csv, data/qualifiers-en.csv,
data/labels-en.csv), added beside the Dutch with a language tag and marked with ak:translatedProperty. The
report's own words (quotes) stay as printed, tagged with their language.
"""

from __future__ import annotations

import csv
import re

import pytest

from .graphdata import rows, solutions
from .sections import DATA

AK = "https://almerekg.example/def/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = f"""PREFIX ak: <{AK}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX oa: <http://www.w3.org/ns/oa#>
"""


def _languages(store, subject_pattern: str, prop: str) -> dict[str, list[str]]:  # noqa: ANN001 - a Store
    """For each subject the pattern binds to ?s, the language tags of its values of `prop` ('' if none)."""
    out: dict[str, list[str]] = {}
    for s in solutions(store, PREFIXES + f"""
            SELECT ?s (LANG(?o) AS ?lang) WHERE {{ {subject_pattern} ?s {prop} ?o }}"""):
        out.setdefault(s["s"], []).append(s["lang"])
    return {k: sorted(v) for k, v in out.items()}


def _marked(store, prop: str) -> set[str]:  # noqa: ANN001
    return {s["s"] for s in solutions(store, PREFIXES + f"SELECT ?s WHERE {{ ?s ak:translatedProperty {prop} }}")}


# -------------------------------------------------------------------------------------------------
# (a) every text of the kinds pages show is there in Dutch and in English
# -------------------------------------------------------------------------------------------------


def test_every_note_reads_in_dutch_and_in_english_and_says_which_is_the_translation(store):
    langs = _languages(store, "?s a ak:Note .", "rdfs:comment")
    assert len(langs) == len(rows("notes.csv")) == 149
    assert {s: tags for s, tags in langs.items() if tags != ["en", "nl"]} == {}
    assert _marked(store, "rdfs:comment") >= set(langs)


def test_every_qualifier_reads_in_dutch_and_in_english_and_says_which_is_the_translation(store):
    """ak:qualifier of statements (firm and network facts) and relationships."""
    langs = _languages(store, "", "ak:qualifier")
    files = ("firm-facts.csv", "network-facts.csv", "relations.csv")
    assert len(langs) == sum(1 for name in files for r in rows(name) if r["qualifier"].strip()) == 258
    assert {s: tags for s, tags in langs.items() if tags != ["en", "nl"]} == {}
    assert _marked(store, "ak:qualifier") == set(langs)


def test_every_concept_has_an_english_label_beside_its_dutch_one(store):
    """The values pages show by their label (fact kinds, activities, categories, partner kinds, sectors...):
    every skos:Concept with a Dutch skos:prefLabel has an English one, and the same for rdfs:label."""
    for prop in ("skos:prefLabel", "rdfs:label"):
        langs = _languages(store, "?s a skos:Concept .", prop)
        assert len(langs) > 300
        assert {s: tags for s, tags in langs.items() if "nl" in tags and "en" not in tags} == {}, prop


def test_the_definitions_of_the_projects_code_lists_read_in_both_languages(store):
    """Indicators, sample lists and steps are defined in the project's words (code-labels.csv): Dutch and English.
    The typology, the forms of R&D and the other lists the report defines keep the report's text, in Dutch."""
    langs = _languages(store, "", "skos:definition")
    ours = {s: tags for s, tags in langs.items()
            if re.search(r"/id/(indicator|survey-list|survey-step)/", s)}
    assert len(ours) == sum(1 for r in rows("code-labels.csv") if r["definition_nl"].strip()) == 97
    assert {s: tags for s, tags in ours.items() if tags != ["en", "nl"]} == {}
    assert _marked(store, "skos:definition") == set(ours)
    report_words = {s: tags for s, tags in langs.items()
                    if re.search(r"/id/(business-type|rd-form|refusal-reason|spatial-pattern)/", s)}
    assert len(report_words) == 5 + 5 + 3 + 3
    assert {s: tags for s, tags in report_words.items() if tags != ["nl"]} == {}


# Places a fact can name by their one name (README: municipalities keep their one name): the kinds whose
# names are proper names in any language. Every other place a fact names (a country, continent, region) has
# an English label.
NAMED_KINDS = ("gemeente", "woonplaats", "provincie", "buitenlandse-plaats", "bedrijventerrein")


def test_every_area_a_fact_names_has_an_english_label(store):
    kinds = " ".join(f"<https://almerekg.example/id/place-kind/{k}>" for k in NAMED_KINDS)
    found = solutions(store, PREFIXES + f"""
        SELECT DISTINCT ?place (LANG(?label) AS ?lang) WHERE {{
          ?st ak:valuePlace ?place . ?place rdfs:label ?label .
          FILTER NOT EXISTS {{ VALUES ?named {{ {kinds} }} ?place ak:placeKind ?named }} }}""")
    langs: dict[str, set[str]] = {}
    for s in found:
        langs.setdefault(s["place"], set()).add(s["lang"])
    assert len(langs) >= 20
    assert {p: tags for p, tags in langs.items() if "en" not in tags} == {}


def test_the_texts_of_the_mcfe_page_in_both_languages(store):
    """Exact texts: a qualifier, the area MCFE serves, the note that doubts the Singapore location."""
    got = {(s["st"], s["q"]) for s in solutions(store, PREFIXES + """
        SELECT ?st ?q WHERE { ?st ak:about <https://almerekg.example/id/firm/mitsubishi-caterpillar-forklift-europe> ;
          ak:qualifier ?q }""")}
    assert {q for _st, q in got} >= {"meer dan; Europese leveranciers", "more than; European suppliers",
                                    'onzeker; gedrukt als "MCFE in Singapore"',
                                    'uncertain; printed as "MCFE in Singapore"'}
    europe = solutions(store, PREFIXES + """
        SELECT ?label WHERE { <https://almerekg.example/id/place/europa> rdfs:label ?label FILTER(LANG(?label) = "en") }""")
    assert [s["label"] for s in europe] == ["Europe"]
    note = solutions(store, PREFIXES + """
        SELECT ?text WHERE { <https://almerekg.example/id/note/n-135> rdfs:comment ?text FILTER(LANG(?text) = "en") }""")
    assert [s["text"] for s in note] == [
        'In the enumeration of the MCF group, "MCFE" occurs twice: for Almere and for Singapore ("MCFE in '
        'Singapore"). Presumably another abbreviation is meant; it has been attributed to MCFE as printed.']


def test_the_report_words_stay_dutch(store):
    """A quote is never translated: one ak:quote per statement, in the language the report prints it in."""
    langs = _languages(store, "?s a ak:Statement .", "ak:quote")
    assert len(langs) > 300
    assert {s: tags for s, tags in langs.items() if len(tags) != 1} == {}


def test_every_note_and_qualifier_of_the_data_is_translated_once():
    notes = [r["id"] for r in rows("notes.csv")]
    english = [r["id"] for r in rows("notes-en.csv")]
    assert sorted(english) == sorted(notes)
    qualifiers = {r["qualifier"].strip() for name in ("firm-facts.csv", "network-facts.csv", "relations.csv")
                  for r in rows(name) if r["qualifier"].strip()}
    listed = [r["qualifier"] for r in rows("qualifiers-en.csv")]
    assert sorted(listed) == sorted(qualifiers)
    assert [r for r in rows("notes-en.csv") if not r["text_en"].strip()] == []


# -------------------------------------------------------------------------------------------------
# (b) no public text names a data file, a column or a path
# -------------------------------------------------------------------------------------------------

# The rule. Texts a reader is given (labels, comments, notes, qualifiers, definitions, quotes, names: every
# literal of the graph) never name a file of the repository, a path or a column of data/: they say what is
# meant ("Tabel 1 as printed"). Provenance may point at files only as metadata, in properties made for it:
# ak:sourceRow and ak:dataLocation (the data row or cell a thing or note comes from), and, for the copies of
# other organisations' registers and the linksets read from them, ak:localFile, ak:origin and the comment on
# the register copy or linkset graph, whose subject is that copied file. The vocabulary's definitions of the
# two row pointers give their format by example ('tabel-1.csv:5').
METADATA = {AK + p for p in ("sourceRow", "dataLocation", "localFile", "origin", "copyKind", "sha256")}
POINTER_TERMS = {AK + "sourceRow", AK + "dataLocation"}
COPIES = re.compile(r"^https://almerekg\.example/id/(register/|graph/linkset-)")


def _column_names() -> set[str]:
    """Every column name of data/ that cannot be an ordinary word (it joins words with '_')."""
    names = set()
    for path in [*DATA.glob("*.csv"), DATA / "registers" / "registers.csv"]:
        with open(path, encoding="utf-8", newline="") as fh:
            names.update(c for c in next(csv.reader(fh)) if "_" in c)
    return names


def _forbidden() -> re.Pattern[str]:
    columns = "|".join(sorted(re.escape(c) for c in _column_names()))
    return re.compile(rf"\.(csv|tsv|ttl|rq|py)\b|/work/|/tmp/|/home/|\bdata/|\blabel_tabel_|\b({columns})\b")


def test_the_column_names_the_check_knows():
    assert {"label_tabel_2", "count_printed", "label_nl", "label_en", "alt_labels", "answered_in",
            "break_before", "valid_on", "text_en"} <= _column_names()


@pytest.mark.parametrize("text", ["zie tabel-1.csv", "de kolom label_tabel_2", "/work/main/data/x", "data/registers/",
                                  "count_printed blijft leeg", "run.py", "shapes.ttl"])
def test_the_check_finds_a_file_a_path_or_a_column(text):
    assert _forbidden().search(text)


def test_no_public_text_names_a_data_file_a_column_or_a_path(store):
    forbidden = _forbidden()
    found = []
    for quad in store.quads_for_pattern(None, None, None, None):
        s, p, o = quad.subject.value, quad.predicate.value, quad.object
        if type(o).__name__ != "Literal" or p in METADATA:
            continue
        if (COPIES.match(s) and p == RDFS + "comment") or s in POINTER_TERMS:
            continue
        if forbidden.search(o.value):
            found.append((s, p, o.value[:80]))
    assert sorted(set(found)) == []
