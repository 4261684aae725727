"""Broken data is refused with a message that names the file, the row and what is wrong."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from almerekg.cli import main
from almerekg.graph.pipeline import BuildFailed, DataError, run_build
from almerekg.settings import from_values
from almerekg.store import EmbeddedStore

DATA = Path(__file__).resolve().parents[2] / "data"


def broken_copy(tmp_path: Path, name: str, edit) -> Path:
    """A copy of data/ in which one file is changed by `edit(rows) -> rows`."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    edit_csv(target, name, edit)
    return target


def edit_csv(folder: Path, name: str, edit) -> None:
    """Change folder/NAME by `edit(rows) -> rows`."""
    with open(folder / name, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames
        rows = list(reader)
    rows = edit(rows)
    with open(folder / name, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(match: dict, column: str, value: str):
    def edit(rows):
        hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
        assert len(hits) == 1, (match, len(hits))
        hits[0][column] = value
        return rows
    return edit


# The broken rows below that only the shapes catch: (file, edit, the shape's message). test_shacl_engines.py
# validates all of them at once with both SHACL engines.
SHARE_140 = ("relations.csv", set_cell({"id": "mcfe-jv-caterpillar"}, "share_percent", "140"),
             "an ownership share is a percentage between 0 and 100")
RANK_25 = ("firms.csv", set_cell({"id": "deen-hobu"}, "rank_printed", "#25"),
           "a Sociale Atlas rank (#n) lies between 1 and 24")
FOUR_TYPES = ("business-typology.csv", lambda rows: [r for r in rows if r["number"] != "5"],
              "the typology of chapter 4 has exactly five types")
FINDING_ELSEWHERE = ("summary-findings.csv", set_cell({"number": "3"}, "source", "h4-innovatie"),
                     "'Smallworldiness' sums up exactly three findings after Tabel 6")
DOUBT_WITHOUT_NOTE = ("notes.csv", lambda rows: [r for r in rows if r["id"] != "n-135"],
                      "a statement marked uncertain (qualifier 'onzeker') has no note saying why")
# A note taken out takes its English with it (the build refuses a translation of no note).
DOUBT_WITHOUT_NOTE_EN = ("notes-en.csv", lambda rows: [r for r in rows if r["id"] != "n-135"], DOUBT_WITHOUT_NOTE[2])
SHACL_BREAKS = (SHARE_140, RANK_25, FOUR_TYPES, FINDING_ELSEWHERE, DOUBT_WITHOUT_NOTE, DOUBT_WITHOUT_NOTE_EN)


def validate_cli(data: Path | None = None) -> subprocess.CompletedProcess:
    """`almerekg validate --data DATA` through the CLI's own entry point, in this process: its exit code and
    exactly what it prints. (tests/graph/test_cli.py runs the command in a process of its own, and
    tests/test_install.py the installed one.)"""
    argv = ["validate"] + (["--data", str(data)] if data else [])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return subprocess.CompletedProcess(["almerekg", *argv], code, out.getvalue(), err.getvalue())


def test_wrong_datatype_in_a_table_cell(tmp_path):
    data = broken_copy(tmp_path, "tabel-1.csv", set_cell({"sector": "F"}, "5-9", "5O"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert "tabel-1.csv:6: column '5-9': '5O' is not a number as the report prints them" in proc.stderr


def test_missing_label(tmp_path):
    data = broken_copy(tmp_path, "places.csv", set_cell({"id": "ede"}, "name", ""))
    line = 1 + 1 + [r["id"] for r in csv.DictReader(open(DATA / "places.csv", encoding="utf-8"))].index("ede")
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert f"places.csv:{line}: column 'name' must not be empty" in proc.stderr


def test_percentage_of_140_is_a_shacl_violation(tmp_path):
    data = broken_copy(tmp_path, *SHARE_140[:2])
    line = 2 + [r["id"] for r in csv.DictReader(open(DATA / "relations.csv", encoding="utf-8"))].index("mcfe-jv-caterpillar")
    proc = validate_cli(data)
    assert proc.returncode == 1, proc.stderr
    hits = [ln for ln in proc.stdout.splitlines() if ln.startswith("violation:")]
    assert len(hits) == 1
    assert hits[0].startswith(f"violation: relations.csv:{line} | Violation |")
    assert "property https://almerekg.example/def/sharePercent" in hits[0]
    assert "found '140'^^decimal" in hits[0]
    assert "an ownership share is a percentage between 0 and 100" in hits[0]


def test_rank_outside_the_top_24_is_a_shacl_violation(tmp_path):
    data = broken_copy(tmp_path, *RANK_25[:2])
    proc = validate_cli(data)
    assert proc.returncode == 1
    assert any("firms.csv:" in ln and "socialAtlasRank" in ln and "between 1 and 24" in ln
               for ln in proc.stdout.splitlines())


def test_row_pointing_at_an_unknown_sector(tmp_path):
    data = broken_copy(tmp_path, "tabel-2.csv", set_cell({"sector": "S"}, "sector", "Z"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert "tabel-2.csv:19: column 'sector' names sector 'Z', which is not defined" in proc.stderr


def test_note_pointing_at_an_unknown_row(tmp_path):
    data = broken_copy(tmp_path, "notes.csv", set_cell({"id": "n-020"}, "row", "oceanie"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert "note points at row 'oceanie' of tabel-6.csv" in proc.stderr


def test_the_real_data_validate_with_two_warnings():
    proc = validate_cli()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warnings = [ln for ln in proc.stdout.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 2
    assert any("Tabel 5: de aantallen tellen op tot 69, terwijl Tabel 6 70 samenwerkingsrelaties telt" in w
               for w in warnings)
    assert any("de aandelen tellen op tot 101 procent, niet 100" in w for w in warnings)
    assert proc.stdout.splitlines()[-1] == "0 violation(s), 2 warning(s)"


def test_a_build_that_fails_validation_leaves_the_store_unchanged(tmp_path, built_store):
    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)
    before = EmbeddedStore(store).info().build_id
    data = broken_copy(tmp_path, *SHARE_140[:2])
    with pytest.raises(BuildFailed):
        run_build(from_values(store=str(store), data=str(data)), progress=lambda _m: None)
    assert EmbeddedStore(store).info().build_id == before
    data = broken_copy(tmp_path / "b", "tabel-2.csv", set_cell({"sector": "S"}, "sector", "Z"))
    with pytest.raises(DataError):
        run_build(from_values(store=str(store), data=str(data)), progress=lambda _m: None)
    assert EmbeddedStore(store).info().build_id == before
    assert sorted(p.name for p in (store / "builds").iterdir()) == sorted(
        p.name for p in (built_store / "builds").iterdir())


def test_a_typology_with_four_types_is_a_shacl_violation(tmp_path):
    data = broken_copy(tmp_path, *FOUR_TYPES[:2])
    proc = validate_cli(data)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert any("scheme/business-typology" in ln and "exactly five types" in ln for ln in proc.stdout.splitlines())


def test_a_summary_finding_in_another_section_is_a_shacl_violation(tmp_path):
    data = broken_copy(tmp_path, *FINDING_ELSEWHERE[:2])
    proc = validate_cli(data)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert any("report-part/h4-smallworldiness" in ln and "exactly three findings" in ln
               for ln in proc.stdout.splitlines())


def test_a_mention_of_a_name_the_item_does_not_print(tmp_path):
    data = broken_copy(tmp_path, "mentions.csv",
                       set_cell({"item": "rd-form/e", "mentions": "secwatch"}, "name_printed", "SECWATCH"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert "rd-form/e does not contain the name 'SECWATCH'" in proc.stderr


def test_a_passage_out_of_order(tmp_path):
    data = broken_copy(tmp_path, "conclusions.csv", set_cell({"id": "2", "part": "2"}, "part", "3"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert "conclusions.csv:4: id '2': part '3' out of order, expected 2" in proc.stderr


def test_a_value_marked_uncertain_without_a_note_is_a_shacl_violation(tmp_path):
    """MCFE's 'Singapore' is kept as printed but doubted (note n-135): without the note it may not stand."""
    facts = list(csv.DictReader(open(DATA / "firm-facts.csv", encoding="utf-8")))
    line = 2 + next(i for i, r in enumerate(facts) if r["qualifier"].startswith("onzeker;")
                    and r["firm"] == "mitsubishi-caterpillar-forklift-europe")
    data = broken_copy(tmp_path, *DOUBT_WITHOUT_NOTE[:2])
    edit_csv(data, *DOUBT_WITHOUT_NOTE_EN[:2])
    proc = validate_cli(data)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    hits = [ln for ln in proc.stdout.splitlines() if ln.startswith("violation:")]
    assert len(hits) == 1
    assert hits[0].startswith(f"violation: firm-facts.csv:{line} | Violation |")
    assert "a statement marked uncertain (qualifier 'onzeker') has no note saying why" in hits[0]


def test_a_translation_of_a_note_that_is_not_there(tmp_path):
    data = broken_copy(tmp_path, "notes-en.csv", set_cell({"id": "n-135"}, "id", "n-999"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert "notes-en.csv:77: note 'n-999' is not a note of notes.csv with a Dutch text to translate" in proc.stderr


def test_a_note_translated_twice(tmp_path):
    data = broken_copy(tmp_path, "notes-en.csv", set_cell({"id": "n-135"}, "id", "n-134"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert "notes-en.csv:77: note 'n-134' is translated twice" in proc.stderr
