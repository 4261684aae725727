"""Every quote carries the language it is written in: English where appendix 3 copies a firm's own English words.

The language of a passage is read off the text itself (which function words it uses), never typed in; a quote is
in the language of the passage that prints it, and the graph tags it so.
"""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from almerekg.coverage import read_ledger, report_lines

from .graphdata import rows, solutions
from .sections import DATA

ENGLISH = frozenset("the and of to with from are which its has for as by an".split())
DUTCH = frozenset("de het een van en zijn met voor naar ook bij wordt dat die op in".split())
QUOTED_FILES = sorted(p.name for p in DATA.glob("*.csv") if "quote" in rows(p.name)[0])


def language_of(text: str) -> str:
    """'en' where a text uses more English than Dutch function words, else 'nl'."""
    words = re.findall(r"[a-z]+", text.lower())
    return "en" if sum(w in ENGLISH for w in words) > sum(w in DUTCH for w in words) else "nl"


def _spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def passages() -> list[tuple[str, str, str]]:
    """(id, kind, whitespace-normalised text) of every passage of the ledger."""
    lines = report_lines(DATA)
    return [(p.id, p.kind, _spaced(" ".join(lines[p.first - 1:p.last]))) for p in read_ledger(DATA)]


def test_the_english_paragraphs_are_those_appendix_3_copies_from_firms(passages):
    english = [pid for pid, kind, text in passages if kind == "paragraph" and language_of(text) == "en"]
    # Genzyme (682), Summit Packaging Systems (690, 692, split by a page break) and Kerry Bio-Science (704).
    assert english == ["p-682", "p-690", "p-692", "p-704"]


@pytest.mark.parametrize("name", QUOTED_FILES)
def test_every_quote_is_in_the_language_of_the_passage_that_prints_it(name, passages):
    wrong = []
    for n, row in enumerate(rows(name), start=2):
        quote = _spaced(row["quote"])
        if not quote:
            continue
        found = [text for _pid, _kind, text in passages if quote in text]
        assert found, f"{name}:{n}: quote not in any passage"
        said = row.get("language") or "nl"  # a file without the column quotes Dutch only
        # A name such as "Genzyme Europe" is printed in a heading and in the English paragraph under it.
        if said not in {language_of(text) for text in found}:
            wrong.append((n, said, quote[:50]))
    assert wrong == []


def test_the_english_quotes_are_the_rows_of_appendix_3():
    """Genzyme's name is quoted from its (Dutch) heading, not from the English paragraph that repeats it."""
    english = {name: sum(r.get("language") == "en" for r in rows(name)) for name in QUOTED_FILES}
    assert {k: v for k, v in english.items() if v and k != "claims.csv"} == {
        "firm-facts.csv": 55, "organisations.csv": 2, "place-parts.csv": 2, "relations.csv": 2}


def test_the_graph_tags_every_quote_with_its_language(store):
    got = {(s["q"], s["lang"]) for s in solutions(store, """
        PREFIX ak: <https://almerekg.example/def/>
        SELECT DISTINCT ?q (LANG(?quote) AS ?lang) WHERE { ?s ak:quote ?quote BIND(STR(?quote) AS ?q) }""")}
    expected = {(r["quote"].strip(), r.get("language") or "nl") for name in QUOTED_FILES for r in rows(name)
                if r["quote"].strip() and name not in ("place-parts.csv", "claims.csv")}
    assert ("Kerry Bio-Science is part of the Kerry Group", "en") in got
    assert {q for q, lang in got if lang == "en"} == {q for q, lang in expected if lang == "en"}
    assert {q for q, lang in got if lang not in ("nl", "en")} == set()


def test_an_english_fact_keeps_its_words_in_english(store):
    got = solutions(store, """
        PREFIX ak: <https://almerekg.example/def/>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT (LANG(?v) AS ?lang) WHERE {
          ?st ak:about <https://almerekg.example/id/firm/kerry-bio-science> ; ak:fact ?f ; rdf:value ?v .
          FILTER(STR(?v) = "hydrolysed proteins") }""")
    assert got == [{"lang": "en"}]


# The entries of Bijlage 2 whose titles are Dutch; the other eighteen are English.
DUTCH_TITLES = {"gemeente-almere-2010", "meijer-2009", "meeus-2003", "van-oort-2006", "van-oort-2010", "raspe-2010",
                "rsm-2009", "van-den-toren-2010"}


def test_every_title_of_appendix_2_is_words_of_its_entry_in_the_report(passages):
    entries = [text.replace("*", "") for pid, kind, text in passages if kind == "list-item"
               and pid in {p.id for p in read_ledger(DATA) if p.chapter == "bijlage-2"}]
    assert len(entries) == len(rows("literature.csv")) == 26
    assert [r["id"] for r in rows("literature.csv") if not any(_spaced(r["title"]) in e for e in entries)] == []


def test_the_titles_of_appendix_2_say_their_language():
    said = {r["id"]: r["language"] for r in rows("literature.csv")}
    assert {k for k, v in said.items() if v == "nl"} == DUTCH_TITLES
    assert sum(v == "en" for v in said.values()) == 18
    # A Dutch title uses Dutch function words and no English ones, where it has any.
    assert [k for k in DUTCH_TITLES if language_of(next(r["title"] for r in rows("literature.csv") if r["id"] == k))
            != "nl"] == []


def test_the_graph_tags_every_title_of_appendix_2_with_its_language(store):
    got = {(s["work"].rsplit("/", 1)[1], s["title"], s["lang"], s["in"]) for s in solutions(store, """
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX schema: <https://schema.org/>
        SELECT ?work ?title (LANG(?t) AS ?lang) ?in WHERE {
          ?work a schema:CreativeWork ; dcterms:title ?t ; schema:inLanguage ?in .
          FILTER(STRSTARTS(STR(?work), "https://almerekg.example/id/publication/")) BIND(STR(?t) AS ?title) }""")}
    assert got == {(r["id"], r["title"], r["language"], r["language"]) for r in rows("literature.csv")}
    assert ("wall-2008", "Netprint Almere. Almere's City Hierarchy and Urban Performance in a World City Network",
            "en", "en") in got


def test_a_title_that_is_not_words_of_its_citation_stops_the_build(tmp_path):
    from almerekg.graph.pipeline import assemble
    from almerekg.graph.rows import DataError
    from almerekg.settings import from_values

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    table = rows("literature.csv")
    table[0]["title"] = "Collaboration networks and innovation"
    with open(data / "literature.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    with pytest.raises(DataError, match="^literature.csv:2: column 'title' .* is not words of the entry's citation"):
        assemble(from_values(data=str(data)))
