"""The coverage ledger (data/coverage.csv): which passage of the report holds which facts, and where the data keep them.

The report's text is the single source of the graph's facts. The ledger splits that text into passages (paragraph,
list item, table, footnote, caption, heading) by line range and says, for each, either which data rows hold its facts
(`facts`), why it holds none (`no-fact`), or that it is not yet done (`open`). That makes "is every fact of the report
in the graph?" a question a test can answer: every line is in exactly one passage, every reference names one row.

A reference is `FILE:KEY`: KEY is the value of the file's key columns (KEY_COLUMNS; `id` where a file has one),
joined with `|` where there are several, e.g. `city-facts.csv:almere-inhabitants` or
`firm-facts.csv:usg-people|founded|1972`. References in one cell are separated by ` ; `.

    python -m almerekg.coverage            # passages per chapter and status, as README.md prints them
    python -m almerekg.coverage --check    # every problem of the ledger; exit 1 if there is one
    python -m almerekg.coverage --data DIR # another data folder (as `almerekg build --data DIR`)
    python -m almerekg.coverage --draw SEED    # the sample of a blind audit (almerekg.audit says how)
    python -m almerekg.coverage --audit FILE   # a recorded audit: its counts, and its problems (exit 1)
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import settings as settings_table

DATA = settings_table.Settings.data  # the checkout's data/, as for every command (--data, ALMEREKG_DATA)
LEDGER = "coverage.csv"
REPORT = Path("report") / "groei-door-samenwerking-in-almere-2011.txt"
REF_SEPARATOR = " ; "
# The report's claims in words (what its authors, its sources and the firms surveyed say is so): each is quoted from
# one passage, and that passage names it. The README table counts them per part.
CLAIMS = "claims.csv"

STATUSES = ("facts", "no-fact", "open")
# Why a passage holds no fact of its own; `repetition` names the passage it repeats in column `repeats`.
REASONS = {
    "heading": "a heading inside a section: its words name something the data hold elsewhere, or nothing",
    "lead-in": "a sentence that introduces the list, table or figure after it",
    "method": "how the research was done; the sample's figures are data, the procedure is not",
    "background": "general background, literature or argument: nothing about Almere, its firms, networks, "
                  "organisations or the survey",
    "interpretation": "the authors' qualitative reading of figures or findings stated elsewhere; no figure, name, "
                      "place, date or relation of its own",
    "repetition": "repeats facts of the passage named in `repeats`",
    "figure": "the caption of a figure the text extraction lost (an image)",
    "blank": "a line of white space left by the extraction",
}
KINDS = ("title", "heading", "toc", "paragraph", "list-item", "table", "table-row", "caption", "footnote", "figure",
         "blank")
# The order in which the report prints its chapters; footnotes are counted apart, wherever they are printed.
CHAPTERS = ("front", "summary", "1", "2", "3", "4", "5", "bijlage-1", "bijlage-2", "bijlage-3", "footnotes")
CHAPTER_NAMES = {"front": "title page and contents", "summary": "summary", "1": "chapter 1", "2": "chapter 2",
                 "3": "chapter 3", "4": "chapter 4", "5": "chapter 5", "bijlage-1": "appendix 1",
                 "bijlage-2": "appendix 2", "bijlage-3": "appendix 3", "footnotes": "footnotes"}

# Files without an `id` column, or whose `id` names an item printed in several parts: the columns that make a key.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "business-typology.csv": ("number",),
    "code-labels.csv": ("scheme", "code"),
    "code-lists.csv": ("scheme", "code"),
    "conclusions.csv": ("id", "part"),
    "firm-facts.csv": ("firm", "fact", "value"),
    "footnotes.csv": ("number",),
    "labels-en.csv": ("thing",),
    "mentions.csv": ("item", "mentions"),
    "network-facts.csv": ("network", "fact", "value"),
    "network-focus.csv": ("network", "focus"),
    "network-roles.csv": ("network", "role", "organisation"),
    "pbl-specialisation.csv": ("cluster", "basis"),
    "place-codes.csv": ("place", "register"),
    "place-parts.csv": ("place", "part_of"),
    "prose-recommendations.csv": ("number", "part"),
    "rd-forms.csv": ("letter",),
    "recommendations.csv": ("number",),
    "refusal-reasons.csv": ("number",),
    "report.csv": ("property", "value"),
    "sector-notes.csv": ("sector", "includes"),
    "sectors.csv": ("code",),
    "size-classes.csv": ("code",),
    "spatial-patterns.csv": ("number",),
    "summary-findings.csv": ("number", "part"),
    "summary-paragraphs.csv": ("number", "part"),
    "tabel-1.csv": ("sector",),
    "tabel-2.csv": ("sector",),
    "tabel-5.csv": ("place_id",),
    "tabel-6-region-places.csv": ("region",),
    "tabel-6.csv": ("region",),
}


@dataclass(frozen=True)
class Passage:
    """One row of the ledger."""

    line: int  # the row's line in coverage.csv
    id: str
    first: int
    last: int
    chapter: str
    kind: str
    status: str
    refs: tuple[str, ...]
    reason: str
    repeats: tuple[str, ...]
    note: str


def report_lines(data_dir: Path = DATA) -> list[str]:
    """The report's lines, 1-based as `lines[n - 1]`, the last one included.

    The file ends without a newline, so `wc -l` counts one line less than there are; a reader that splits on
    newlines and drops the final piece loses the report's last sentence. Only an empty piece after a final
    newline is dropped here.
    """
    text = (data_dir / REPORT).read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "" and text.endswith("\n"):
        lines.pop()
    return lines


def read_ledger(data_dir: Path = DATA) -> list[Passage]:
    with open(data_dir / LEDGER, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        passages = []
        for n, row in enumerate(reader, start=2):
            passages.append(Passage(
                line=n, id=row["id"].strip(), first=int(row["first_line"]), last=int(row["last_line"]),
                chapter=row["chapter"].strip(), kind=row["kind"].strip(), status=row["status"].strip(),
                refs=split_refs(row["refs"]), reason=row["reason"].strip(),
                repeats=tuple(r for r in row["repeats"].split() if r), note=row["note"].strip()))
    return passages


def split_refs(cell: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in cell.split(REF_SEPARATOR.strip()) if r.strip())


def key_columns(file: str, header: list[str]) -> tuple[str, ...]:
    if file in KEY_COLUMNS:
        return KEY_COLUMNS[file]
    if "id" in header:
        return ("id",)
    raise KeyError(f"{file} has no id column and no key columns in almerekg.coverage.KEY_COLUMNS")


def keys_of(data_dir: Path, file: str) -> Counter:
    """How often each key occurs in a data file (a key that occurs twice cannot be referenced unambiguously)."""
    with open(data_dir / file, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = key_columns(file, list(reader.fieldnames or []))
        return Counter("|".join(row[c].strip() for c in columns) for row in reader)


def problems(data_dir: Path = DATA) -> list[str]:
    """Everything wrong with the ledger, as messages naming the ledger's line."""
    lines = report_lines(data_dir)
    passages = read_ledger(data_dir)
    found = _coverage_problems(lines, passages)
    ids = {p.id for p in passages}
    keys: dict[str, Counter] = {}
    for p in passages:
        found += [f"{LEDGER}:{p.line}: {m}" for m in _row_problems(p, ids, data_dir, keys)]
    return found + _claim_problems(lines, passages, data_dir)


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _claim_problems(lines: list[str], passages: list[Passage], data_dir: Path) -> list[str]:
    """Every claim is named by exactly one passage, and its quote is words of that passage (whitespace aside)."""
    if not (data_dir / CLAIMS).is_file():
        return []
    named: dict[str, list[Passage]] = {}
    for p in passages:
        for ref in p.refs:
            file, _, key = ref.partition(":")
            if file == CLAIMS:
                named.setdefault(key, []).append(p)
    found = []
    with open(data_dir / CLAIMS, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            key = row["id"].strip()
            owners = named.get(key, [])
            if len(owners) != 1:
                found.append(f"{CLAIMS}:{n}: claim {key!r} is named by {len(owners)} passages of {LEDGER}, not 1")
                continue
            p = owners[0]
            if _spaced(row["quote"]) not in _spaced(" ".join(lines[p.first - 1:p.last])):
                found.append(f"{CLAIMS}:{n}: the quote of claim {key!r} is not in passage {p.id} (lines "
                             f"{p.first}-{p.last}) that names it")
    return found


def _coverage_problems(lines: list[str], passages: list[Passage]) -> list[str]:
    found = []
    owner: dict[int, str] = {}
    for p in passages:
        if not 1 <= p.first <= p.last <= len(lines):
            found.append(f"{LEDGER}:{p.line}: lines {p.first}-{p.last} are not within the report (1-{len(lines)})")
            continue
        for n in range(p.first, p.last + 1):
            if n in owner:
                found.append(f"{LEDGER}:{p.line}: line {n} is already in passage {owner[n]}")
            owner[n] = p.id
        if lines[p.first - 1] == "" or lines[p.last - 1] == "":
            found.append(f"{LEDGER}:{p.line}: passage {p.id} starts or ends on an empty line")
    for n, text in enumerate(lines, start=1):
        if text != "" and n not in owner:
            found.append(f"report line {n} is in no passage of {LEDGER}: {text[:60]!r}")
    order = [p.first for p in passages]
    if order != sorted(order):
        found.append(f"{LEDGER}: passages are not in the order of the report")
    return found


def _row_problems(p: Passage, ids: set[str], data_dir: Path, keys: dict[str, Counter]) -> list[str]:
    found = []
    if p.id != f"p-{p.first:03d}":
        found.append(f"id {p.id!r} must be p- and the first line in three digits (p-{p.first:03d})")
    if p.chapter not in CHAPTERS:
        found.append(f"chapter {p.chapter!r} is not one of {', '.join(CHAPTERS)}")
    if p.kind not in KINDS:
        found.append(f"kind {p.kind!r} is not one of {', '.join(KINDS)}")
    if (p.kind == "footnote") != (p.chapter == "footnotes"):
        found.append("footnotes, and only footnotes, are counted under chapter 'footnotes'")
    if p.status not in STATUSES:
        found.append(f"status {p.status!r} is not one of {', '.join(STATUSES)}")
    if p.status == "facts" and not p.refs:
        found.append("status facts names no data row (column refs)")
    if p.status == "no-fact":
        if p.reason not in REASONS:
            found.append(f"a no-fact passage says why in column reason, one of {', '.join(REASONS)}")
        if p.refs:
            found.append("a no-fact passage names no data rows")
        if (p.reason == "repetition") != bool(p.repeats):
            found.append("reason repetition, and only that reason, names the passage(s) repeated in column repeats")
    elif p.reason or p.repeats:
        found.append("only a no-fact passage has a reason or repeats")
    if p.status == "open" and not p.note:
        found.append("an open passage says in column note what is missing")
    found += [f"repeats {r!r}, which is no passage of the ledger" for r in p.repeats if r not in ids or r == p.id]
    for ref in p.refs:
        found += ref_problems(ref, data_dir, keys)
    return found


def ref_problems(ref: str, data_dir: Path, keys: dict[str, Counter]) -> list[str]:
    """What is wrong with one reference FILE:KEY: it must name exactly one row (`keys` caches each file's keys)."""
    file, sep, key = ref.partition(":")
    if not sep or not file.endswith(".csv") or not key:
        return [f"reference {ref!r} is not FILE:KEY"]
    if file == LEDGER or not (data_dir / file).is_file():
        return [f"reference {ref!r} names no data file"]
    if file not in keys:
        keys[file] = keys_of(data_dir, file)
    count = keys[file][key]
    if count == 0:
        return [f"reference {ref!r}: {file} has no row with that key"]
    if count > 1:
        return [f"reference {ref!r}: {file} has {count} rows with that key"]
    return []


def counts(passages: list[Passage]) -> dict[str, Counter]:
    """Passages per chapter and status, and (key `claims`) the claims its passages name."""
    out: dict[str, Counter] = {c: Counter() for c in CHAPTERS}
    for p in passages:
        out[p.chapter][p.status] += 1
        out[p.chapter]["claims"] += sum(ref.startswith(CLAIMS + ":") for ref in p.refs)
    return out


def render_table(passages: list[Passage]) -> str:
    """The counts as the Markdown table README.md prints (a test compares the two)."""
    table = counts(passages)
    rows = ["| part of the report | passages | facts | no fact | open | claims |", "|---|---:|---:|---:|---:|---:|"]
    total: Counter = Counter()
    for chapter in CHAPTERS:
        c = table[chapter]
        total.update(c)
        rows.append(f"| {CHAPTER_NAMES[chapter]} | {_passages(c)} | {c['facts']} | {c['no-fact']} | {c['open']} "
                    f"| {c['claims']} |")
    rows.append(f"| **all** | {_passages(total)} | {total['facts']} | {total['no-fact']} | {total['open']} "
                f"| {total['claims']} |")
    return "\n".join(rows)


def _passages(c: Counter) -> int:
    return sum(c[status] for status in STATUSES)


def parser() -> argparse.ArgumentParser:
    """Its flags come from the settings table, as every command's do."""
    p = argparse.ArgumentParser(prog="python -m almerekg.coverage", description=__doc__.split("\n")[0])
    settings_table.add_arguments(p, settings_table.COVERAGE)
    return p
