"""The curated files themselves: quotes are the report's words, sources exist, tables add up as printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .graphdata import rows

DATA = Path(__file__).resolve().parents[2] / "data"


CSV_FILES = sorted(p.name for p in DATA.glob("*.csv"))


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_quote_is_verbatim_from_the_report(name, report_text):
    bad = [(i + 2, r["quote"]) for i, r in enumerate(rows(name)) if r.get("quote") and r["quote"] not in report_text]
    assert bad == []


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_source_is_a_part_of_the_report(name):
    parts = {r["id"] for r in rows("sources.csv")}
    bad = [(i + 2, r["source"]) for i, r in enumerate(rows(name)) if "source" in r and r["source"] not in parts]
    assert bad == []


def _num(cell: str) -> int:
    return 0 if cell in ("-", "") else int(cell.replace(".", ""))


@pytest.mark.parametrize("name", ["tabel-1.csv", "tabel-2.csv"])
def test_sector_tables_add_up_as_printed(name):
    table = rows(name)
    cols = [c for c in table[0] if c not in ("sector", "source", "totaal")]
    body = [r for r in table if r["sector"] != "totaal"]
    total = next(r for r in table if r["sector"] == "totaal")
    for r in body:
        assert sum(_num(r[c]) for c in cols) == _num(r["totaal"]), r["sector"]
    for c in cols + ["totaal"]:
        assert sum(_num(r[c]) for r in body) == _num(total[c]), c


def test_tabel_6_reconstruction_follows_from_the_printed_lines(report_text):
    """Re-derive Tabel 6 from the extracted lines: drop the spurious field, the Onderzoek column is lost."""
    printed = (DATA / "tabel-6-printed.tsv").read_text(encoding="utf-8").splitlines()
    assert all(line in report_text for line in printed)
    kinds = ["moeder", "afnemer", "dealer", "toeleverancier", "coproductie", "overheid"]
    derived = {}
    for line in printed[1:]:
        fields = line.split("\t")
        label, cells, total = fields[0], fields[2:-1], fields[-1]
        derived[label] = dict(zip(kinds, cells, strict=True)) | {"totaal": total}
    labels = {r["id"]: r["label"] for r in rows("tabel-6-regions.csv")} | {"totaal": "Totaal"}
    differences = []
    for r in rows("tabel-6.csv"):
        was = derived[labels[r["region"]]]
        for k in kinds + ["totaal"]:
            if r[k] != was[k]:
                differences.append((r["region"], k, was[k], r[k]))
        if r["onderzoek"]:
            differences.append((r["region"], "onderzoek", "", r["onderzoek"]))
    # Exactly the three cells the notes explain differ from the mechanical reading.
    assert sorted(differences) == [("almere", "onderzoek", "", "1"), ("europa", "moeder", "7", "2"),
                                   ("totaal", "onderzoek", "", "1")]
    noted = {(n["row"], n["column"]) for n in rows("notes.csv") if n["file"] == "tabel-6.csv"}
    assert {(d[0], d[1]) for d in differences} <= noted


def test_tabel_6_rows_and_columns_add_up():
    table = rows("tabel-6.csv")
    kinds = [c for c in table[0] if c not in ("region", "source", "totaal")]
    body = [r for r in table if r["region"] != "totaal"]
    total = next(r for r in table if r["region"] == "totaal")
    for r in body:
        assert sum(_num(r[k]) for k in kinds) == _num(r["totaal"])
    for k in kinds + ["totaal"]:
        assert sum(_num(r[k]) for r in body) == _num(total[k])
    listed = {r["id"]: int(r["count"]) for r in rows("partner-kinds.csv")}
    assert listed == {k: _num(total[k]) for k in kinds}


def test_tabel_1_and_2_agree_on_single_person_firms():
    """A firm of size class 1 employs exactly one person: column 1 of Tabel 1 equals column 1 of Tabel 2."""
    t1 = {r["sector"]: r["1"] for r in rows("tabel-1.csv")}
    t2 = {r["sector"]: r["1"] for r in rows("tabel-2.csv")}
    assert t1 == t2


def test_note_ids_are_unique_and_kinds_known():
    notes = rows("notes.csv")
    assert len({n["id"] for n in notes}) == len(notes)
    assert {n["kind"] for n in notes} <= {"assumption", "reconstruction", "inconsistency", "spelling"}


# A file a note names: a path ending in one of the repository's file extensions, with or without folders.
NOTE_PATH = re.compile(r"(?<![\w./-])(?:\.\./|[\w.-]+/)*[\w-]+\.(?:csv|tsv|ttl|txt|md|json|py|rq)\b")


def missing_paths(text: str, root: Path = DATA.parent) -> list[str]:
    """The paths a note names that are no file of the repository (read from its root, or from data/ where notes
    name data files by their bare name); a path leading outside the repository never counts as found."""
    missing = []
    for path in NOTE_PATH.findall(text):
        found = [c for c in ((root / path).resolve(), (root / "data" / path).resolve())
                 if c.is_relative_to(root.resolve()) and c.is_file()]
        if not found:
            missing.append(path)
    return missing


def test_every_file_a_note_names_is_in_the_repository():
    notes = rows("notes.csv")
    assert [(n["id"], p) for n in notes for p in missing_paths(f"{n['file']} {n['text']}")] == []


@pytest.mark.parametrize("text,missing", [
    ("volgens de CBS-lijst (../shared/sources/cbs-gemeenten-alfabetisch-2021.csv)",
     ["../shared/sources/cbs-gemeenten-alfabetisch-2021.csv"]),
    ("de CBS-lijst (data/registers/cbs-gemeenten-alfabetisch-2021.csv) en firm-facts.csv", []),
    ("zie registers/nace-r2-sections.ttl en notes-old.csv", ["notes-old.csv"]),
    ("../../etc/hosts.txt", ["../../etc/hosts.txt"]),
])
def test_a_note_naming_a_file_outside_the_repository_is_found(text, missing):
    assert missing_paths(text) == missing


def test_a_naming_choice_is_no_inconsistency():
    """n-136 explains why a fact is called what it is; n-118 names every spelling the report prints, with lines."""
    notes = {n["id"]: n for n in rows("notes.csv")}
    assert notes["n-136"]["kind"] == "assumption"
    lines = (DATA / "report" / "groei-door-samenwerking-in-almere-2011.txt").read_text(encoding="utf-8").split("\n")
    for n in (292, 365, 373):
        assert "Ontwikkelmaatschappij Flevoland" in lines[n - 1] and f"regel {n}" in notes["n-118"]["text"]
    for n in (294, 296):
        assert "Ontwikkelingsmaatschappij Flevoland" in lines[n - 1] and str(n) in notes["n-118"]["text"]


# The numbered lists in prose: each row's `text` is a passage of the report, letter for letter. An item that the
# extraction split (page break, footnote in between) is split over rows too, so that every passage stays verbatim.
LIST_FILES = ["research-questions.csv", "business-typology.csv", "rd-forms.csv", "spatial-patterns.csv",
              "refusal-reasons.csv", "summary-paragraphs.csv", "summary-findings.csv", "conclusions.csv",
              "prose-recommendations.csv", "recommendations.csv", "footnotes.csv"]
ITEM_KEYS = {"research-questions.csv": ("research-question", "id"), "business-typology.csv": ("business-type", "number"),
             "rd-forms.csv": ("rd-form", "letter"), "spatial-patterns.csv": ("spatial-pattern", "number"),
             "summary-paragraphs.csv": ("summary-paragraph", "number"), "summary-findings.csv": ("summary-finding", "number"),
             "conclusions.csv": ("conclusion", "id"),
             "prose-recommendations.csv": ("prose-recommendation", "number")}
FOOTNOTE_MARK = re.compile("[\u00b9\u00b2\u00b3\u2070-\u2079]+")


@pytest.mark.parametrize("name", LIST_FILES)
def test_every_list_item_text_is_verbatim_from_the_report(name, report_text):
    bad = [(i + 2, r["text"][:60]) for i, r in enumerate(rows(name)) if not r["text"] or r["text"] not in report_text]
    assert bad == []


def _item_texts() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for name, (kind, key) in ITEM_KEYS.items():
        for r in rows(name):
            texts.setdefault(f"{kind}/{r[key]}", []).append(r["text"])
    return texts


def test_every_mentioned_name_is_printed_in_its_item():
    texts = _item_texts()
    bad = [(r["item"], r["name_printed"]) for r in rows("mentions.csv")
           if r["item"] not in texts or not any(r["name_printed"] in t for t in texts[r["item"]])]
    assert bad == []


def test_a_mentioned_name_that_is_not_the_things_name_has_a_note():
    """Either the item prints a name the data already know for the thing, or a note says why the link holds."""
    known: dict[str, set[str]] = {}
    for r in rows("firms.csv") + rows("organisations.csv"):
        known.setdefault(r["id"], set()).add(r["name"])
    for r in rows("networks.csv"):
        known.setdefault(r["id"], set()).update(n for n in (r["name"], r["abbreviation"]) if n)
    for r in rows("network-focus.csv"):
        known[r["network"]].add(r["name_tabel_4"])
    for r in rows("firm-facts.csv"):  # names a part of the report prints for the thing, each cited where printed
        if r["fact"] in ("legal-name", "appendix-name", "abbreviation"):
            known.setdefault(r["firm"], set()).add(r["value"])
    for r in rows("clusters.csv"):
        known.setdefault(r["id"], set()).update([r["label"], *(a.strip() for a in r["alt_labels"].split("|") if a)])
    noted: dict[tuple[str, str], set[str]] = {}
    for n in rows("notes.csv"):
        noted.setdefault((n["file"], n["row"]), set()).update(p.strip() for p in n["printed"].split("|"))
    for file in ("firms.csv", "organisations.csv", "networks.csv", "firm-facts.csv"):
        for (f, row), printed in noted.items():
            if f == file and row in known:
                known[row] |= printed
    unexplained = [(r["item"], r["mentions"], r["name_printed"]) for r in rows("mentions.csv")
                   if r["name_printed"] not in known.get(r["mentions"], set())  # literature: always a note
                   and r["name_printed"] not in noted.get(("mentions.csv", r["item"]), set())]
    assert unexplained == []


def test_every_footnote_of_an_item_is_printed_after_its_mark():
    """footnotes.csv: the item prints the footnote's mark, and the report prints the mark before the footnote's text."""
    texts = _item_texts()
    for r in rows("footnotes.csv"):
        mark = r["number"].translate(str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"))
        assert any(mark in t for t in texts[r["item"]]), r["number"]
        assert f"{mark} {r['text']}" in (DATA / "report" / "groei-door-samenwerking-in-almere-2011.txt").read_text(encoding="utf-8")


def test_every_footnote_mark_in_a_list_item_has_a_note():
    notes: dict[tuple[str, str], str] = {}
    for n in rows("notes.csv"):
        notes[(n["file"], n["row"])] = notes.get((n["file"], n["row"]), "") + " | " + n["printed"]
    missing = []
    for name, (_kind, key) in ITEM_KEYS.items():
        for r in rows(name):
            for mark in FOOTNOTE_MARK.findall(r["text"]):
                if mark not in notes.get((name, r[key]), ""):
                    missing.append((name, r[key], mark))
    assert missing == []


# The report's own words for a transaction between firms. A relation of such a kind quotes one of them; where
# the quote does not (the report says something vaguer, e.g. that a firm "komt daar bij"), the kind is a reading
# and a note on the row says so.
TRANSACTION_WORDS = {"acquisition": ("overname", "overgenomen"), "merger": ("samengegaan", "fusie", "gefuseerd")}


def test_a_relation_of_a_kind_the_quote_does_not_name_has_a_note():
    noted = {(n["file"], n["row"]) for n in rows("notes.csv")}
    unnamed = [(r["id"], r["kind"]) for r in rows("relations.csv")
               if r["kind"] in TRANSACTION_WORDS and not any(w in r["quote"].lower() for w in TRANSACTION_WORDS[r["kind"]])
               and ("relations.csv", r["id"]) not in noted]
    assert unnamed == []
    kinds = {r["kind"] for r in rows("relations.csv")}
    assert {"acquisition", "merger"} <= kinds  # the words above are checked against real rows


def test_solvus_joins_usg_as_the_report_says_it():
    solvus = next(r for r in rows("relations.csv") if r["object"] == "solvus-resource-group")
    assert solvus["kind"] == "combination"
    assert ("relations.csv", solvus["id"]) in {(n["file"], n["row"]) for n in rows("notes.csv")}


def _sentence(report_text: str, quote: str) -> str:
    """The sentence(s) of the report around the first occurrence of a quote."""
    at = report_text.index(quote)
    ends = [m.end() for m in re.finditer(r"[.!?](\s|$)", report_text)]
    start = max([e for e in ends if e <= at] + [report_text.rfind("\n", 0, at) + 1])
    end = min([e for e in ends if e >= at + len(quote)] + [len(report_text)])
    return report_text[start:end]


def _cited_publications(sentence: str) -> set[str]:
    """The entries of Bijlage 2 a sentence cites as the report does: author's surname, then the year."""
    cited = set()
    for r in rows("literature.csv"):
        surname = r["citation"].split(",")[0].strip()
        if re.search(rf"\b{re.escape(surname)}\b[^.]{{0,40}}\b{r['year']}\b", sentence):
            cited.add(r["id"])
    return cited


def test_no_survey_figure_is_a_finding_of_cited_research(report_text):
    """A survey figure is the survey's own: the sentence stating it cites no publication of Bijlage 2."""
    cited = [(r["id"], sorted(_cited_publications(_sentence(report_text, r["quote"])))) for r in rows("survey-figures.csv")]
    assert [c for c in cited if c[1]] == []


def test_every_literature_figure_is_stated_in_a_sentence_citing_its_publication(report_text):
    got = [(r["id"], r["publication"] in _cited_publications(_sentence(report_text, r["quote"])))
           for r in rows("literature-figures.csv")]
    assert got and all(ok for _id, ok in got), got
