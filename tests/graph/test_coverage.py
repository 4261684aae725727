"""The coverage ledger (data/coverage.csv) covers every line of the report, and names data rows that exist."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from almerekg import coverage
from almerekg.coverage import read_ledger, report_lines

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def ledger() -> list[coverage.Passage]:
    return read_ledger(DATA)


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return report_lines(DATA)


def test_report_lines_include_the_last_line_that_has_no_newline(lines, report_text):
    assert not report_text.endswith("\n")
    assert len(lines) == report_text.count("\n") + 1
    assert lines[-1] == report_text.rsplit("\n", 1)[1]
    assert lines[-1].startswith("Bargmann & Van Ek Bouwconsulting BV in Almere is een middelgroot")


@pytest.mark.parametrize("text,expected", [("a\nb", ["a", "b"]), ("a\nb\n", ["a", "b"]), ("a\n\nb", ["a", "", "b"])])
def test_a_reader_never_drops_a_final_line(tmp_path, text, expected):
    (tmp_path / coverage.REPORT).parent.mkdir(parents=True)
    (tmp_path / coverage.REPORT).write_text(text, encoding="utf-8")
    assert report_lines(tmp_path) == expected


def test_every_non_empty_line_is_in_exactly_one_passage(ledger, lines):
    owners: dict[int, list[str]] = {}
    for p in ledger:
        for n in range(p.first, p.last + 1):
            owners.setdefault(n, []).append(p.id)
    assert {n: ids for n, ids in owners.items() if len(ids) > 1} == {}
    assert [n for n, text in enumerate(lines, start=1) if text != "" and n not in owners] == []
    assert max(owners) == len(lines)  # the last line, too


def test_passages_are_in_report_order_and_do_not_overlap(ledger):
    for before, after in zip(ledger, ledger[1:], strict=False):
        assert before.last < after.first, (before.id, after.id)


def test_the_ledger_has_no_problem():
    """Every rule the ledger follows (see almerekg.coverage): statuses, reasons, and every reference names one row."""
    assert coverage.problems(DATA) == []


def test_every_reference_names_exactly_one_data_row(ledger):
    for p in ledger:
        for ref in p.refs:
            file, _, key = ref.partition(":")
            assert coverage.keys_of(DATA, file)[key] == 1, (p.id, ref)


def test_no_passage_is_open(ledger):
    assert [(p.id, p.note) for p in ledger if p.status == "open"] == []


def test_every_heading_of_appendix_3_is_followed_by_the_firm_s_description(ledger):
    """A heading of appendix 3 names a firm; the passage after it describes that firm and is in the data."""
    appendix = [p for p in ledger if p.chapter == "bijlage-3"]
    for heading, after in zip(appendix, appendix[1:] + [None], strict=True):
        if heading.kind == "heading" and heading.id != "p-664":
            assert after is not None and after.kind == "paragraph" and after.status == "facts", heading.id


def test_readme_prints_the_counts_of_the_ledger(ledger):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert coverage.render_table(ledger) in readme
    assert "python -m almerekg.coverage" in readme


def _broken(tmp_path: Path, change) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("registers"))
    with open(data / coverage.LEDGER, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows = change(rows)
    with open(data / coverage.LEDGER, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data


def _set(passage: str, **cells):
    def change(rows):
        for r in rows:
            if r["id"] == passage:
                r.update(cells)
        return rows
    return change


def test_a_passage_left_out_is_reported(tmp_path, lines):
    data = _broken(tmp_path, lambda rows: [r for r in rows if r["id"] != "p-730"])
    assert coverage.problems(data) == [f"report line 730 is in no passage of coverage.csv: {lines[729][:60]!r}"]


def test_an_unknown_or_ambiguous_reference_is_reported(tmp_path):
    data = _broken(tmp_path, _set("p-003", refs="report.csv:title|Groei ; firm-facts.csv:usg-people|founded|1971"))
    line = 2
    assert coverage.problems(data) == [
        f"coverage.csv:{line}: reference 'report.csv:title|Groei': report.csv has no row with that key",
        f"coverage.csv:{line}: reference 'firm-facts.csv:usg-people|founded|1971': firm-facts.csv has no row with that key"]


def test_overlapping_passages_are_reported(tmp_path):
    data = _broken(tmp_path, _set("p-003", last_line="5"))
    assert "coverage.csv:3: line 5 is already in passage p-003" in coverage.problems(data)


def test_a_no_fact_passage_must_say_why(tmp_path):
    data = _broken(tmp_path, _set("p-010", reason=""))
    line = 1 + [p.id for p in read_ledger(DATA)].index("p-010") + 1
    assert coverage.problems(data) == [f"coverage.csv:{line}: a no-fact passage says why in column reason, one of "
                                       f"{', '.join(coverage.REASONS)}"]
