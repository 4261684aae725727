"""A blind audit of the data against the report (data/audits/): its sample is the one its seed draws, every fact it
found is a row the ledger lists, and README states its figures; the draw and the check behave as documented."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from almerekg import coverage
from almerekg.coverage import audit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
AUDITS = sorted((DATA / "audits").glob("*-seed-*.csv"))


# Each recorded audit, with its counts as found, before the missing facts were added: the figures README states.
COUNTS = {
    "2026-12-07-seed-1796641706.csv": "70 items, 226 facts: 218 found (96.5 %), 8 missing, 0 wrong",
    "2026-12-07-seed-1796654193.csv": "70 items, 187 facts: 184 found (98.4 %), 3 missing, 0 wrong",
}


def test_the_recorded_audits_are_of_forty_passages_and_thirty_sentences():
    assert [p.name for p in AUDITS] == sorted(COUNTS)
    for path in AUDITS:
        items = {r["item"] for r in audit.read_audit(path)}
        assert (sum(i.startswith("p-") for i in items), sum(i.startswith("s-") for i in items)) == (40, 30), path.name


@pytest.mark.parametrize("path", AUDITS, ids=[p.name for p in AUDITS])
def test_a_recorded_audit_has_no_problem(path):
    """Its items are its seed's sample, each reference names one row, the ledger lists that row under the item."""
    assert audit.problems(path, DATA) == []


@pytest.mark.parametrize("path", AUDITS, ids=[p.name for p in AUDITS])
def test_readme_states_the_audit_s_figures(path):
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert audit.summary(audit.read_audit(path)) in readme
    assert path.name in readme


@pytest.mark.parametrize("path", AUDITS, ids=[p.name for p in AUDITS])
def test_the_audit_found_no_wrong_value_and_every_missing_fact_is_data_now(path):
    rows = audit.read_audit(path)
    assert audit.counts(rows)["wrong"] == 0
    missing = [r for r in rows if r["verdict"] == "missing"]
    assert len(missing) == {"2026-12-07-seed-1796641706.csv": 8, "2026-12-07-seed-1796654193.csv": 3}[path.name]
    keys: dict = {}
    assert [m for r in missing for ref in coverage.split_refs(r["data"])
            for m in coverage.ref_problems(ref, DATA, keys)] == []


def test_the_second_audit_s_missing_facts_are_the_rows_added_for_them():
    rows = audit.read_audit(DATA / "audits" / "2026-12-07-seed-1796654193.csv")
    assert [(r["item"], r["data"]) for r in rows if r["verdict"] == "missing"] == [
        ("p-436", "claims.csv:436-2"), ("p-190", "city-facts.csv:almere-rank-inhabitants-h2"),
        ("p-190", "claims.csv:190-7")]
    with open(DATA / "city-facts.csv", encoding="utf-8", newline="") as fh:
        rank = next(r for r in csv.DictReader(fh) if r["id"] == "almere-rank-inhabitants-h2")
    assert (rank["subject"], rank["indicator"], rank["value"], rank["source"], rank["quote"]) == (
        "almere", "rank-by-inhabitants", "7", "h2-stad", "Almere is qua inwoneraantal de zevende stad van Nederland")


@pytest.mark.parametrize("path", AUDITS, ids=[p.name for p in AUDITS])
def test_the_command_prints_the_counts_and_exits_0(path):
    done = subprocess.run([sys.executable, "-m", "almerekg.coverage", "--audit", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (0, COUNTS[path.name] + "\n")


def test_the_command_draws_the_sample_of_a_seed_with_its_text():
    done = subprocess.run([sys.executable, "-m", "almerekg.coverage", "--draw", "1796641706"],
                          capture_output=True, text=True, timeout=120, check=True)
    lines = done.stdout.splitlines()
    passages, sentences = audit.draw(1796641706, DATA)
    assert [line.split("\t")[0] for line in lines] == passages + [s.id for s in sentences]
    assert "s-066-3\tOok kent Almere een vestigingsoverschot van 3,3 promille" in done.stdout


def test_sentences_end_after_a_footnote_mark_but_not_after_an_initial_or_a_list_number():
    lines = coverage.report_lines(DATA)
    by_line = {}
    for s in audit.sentences(lines):
        by_line.setdefault(s.line, []).append(s.text)
    assert by_line[66][2].endswith("op Nederlands niveau.¹")
    assert by_line[66][3].startswith("De beroepsbevolking is met 96 duizend personen")
    assert len(by_line[66]) == 7
    assert by_line[656][0] == "- Rothaermel, F. T. & Deeds, D. L. (2004)."  # no end after the initials
    assert by_line[570][0].startswith("4. Het cluster dat het gemakkelijkst te versnellen is")


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def _rewrite(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    fields = list(table[0])
    change(table)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def test_reclassifying_a_passage_outside_the_sample_leaves_the_sample_as_it_was(tmp_path):
    data = _copy(tmp_path)
    drawn, _ = audit.draw(1796641706, DATA)
    outside = next(p for p in coverage.read_ledger(DATA) if p.status == "facts" and p.id not in drawn
                   and audit._rank(1796641706, p.id) > max(audit._rank(1796641706, d) for d in drawn))

    def change(table):
        row = next(r for r in table if r["id"] == outside.id)
        row.update(status="no-fact", refs="", reason="method")
    _rewrite(data / "coverage.csv", change)
    assert audit.draw(1796641706, data)[0] == drawn


def test_an_item_not_drawn_and_a_reference_to_no_row_are_problems(tmp_path):
    path = tmp_path / AUDITS[0].name
    shutil.copy(AUDITS[0], path)

    def change(table):
        table[0]["item"] = "p-003"
        table[1]["data"] = "claims.csv:999-1"
    _rewrite(path, change)
    got = audit.problems(path, DATA)
    assert got[0].startswith(f"{path.name}: the items are not the sample of seed 1796641706: missing [")
    assert "not drawn ['p-003']" in got[0]
    assert f"{path.name}:3: reference 'claims.csv:999-1': claims.csv has no row with that key" in got


def test_an_audit_file_without_its_seed_in_its_name_is_refused_saying_so(tmp_path):
    path = tmp_path / "audit.csv"
    shutil.copy(AUDITS[0], path)
    done = subprocess.run([sys.executable, "-m", "almerekg.coverage", "--audit", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{path}: an audit file is named DATE-seed-SEED.csv\n"
