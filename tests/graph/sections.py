"""Where each part of the report (data/sources.csv) lies in the report's text, computed from its table of contents.

The text has no page numbers, but its table of contents lists every heading in order. A section runs from its
heading to the next heading of the contents (or to the contents block itself, which sits inside the summary's
pages); the title page is everything before the first heading. A footnote belongs to the section whose running
text carries its mark, wherever the page break put the footnote's own line. Tables and lists lie in the section
their `section` column names. Nothing here is typed in: a changed heading or contents line changes the spans.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
REPORT = DATA / "report" / "groei-door-samenwerking-in-almere-2011.txt"
CONTENTS_HEADING = "Inhoudsopgave"
SUPERSCRIPT = re.compile("[\u00b9\u00b2\u00b3\u2070-\u2079]+")
FOOTNOTE = re.compile("^([\u00b9\u00b2\u00b3\u2070-\u2079]+) ")
APPENDIX_LABEL = re.compile(r"^Bijlage (\d+): (.*)$")


@dataclass(frozen=True)
class Heading:
    title: str
    page: int
    line: int  # 0-based index into the report's lines


def report_lines() -> list[str]:
    # split("\n"), not splitlines(): the last line has no newline and must not be lost.
    return REPORT.read_text(encoding="utf-8").split("\n")


def _plain(text: str) -> str:
    """A heading as the contents print it: no footnote marks, no leader dots, no surrounding space."""
    return SUPERSCRIPT.sub("", text).rstrip(". \t").strip()


def contents(lines: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """The line of the contents heading and its entries (title, page), in order."""
    start = lines.index(CONTENTS_HEADING)
    k = start + 1
    while not lines[k].strip():
        k += 1
    entries = []
    while k < len(lines) and lines[k].strip():
        title, _tab, page = lines[k].rpartition("\t")
        entries.append((_plain(title), int(page)))
        k += 1
    return start, entries


def headings(lines: list[str]) -> list[Heading]:
    """Each contents entry at the line where the text prints it as a heading, searched in reading order."""
    _start, entries = contents(lines)
    found, k = [], 0
    for title, page in entries:
        while k < len(lines) and (_plain(lines[k]) != title or "\t" in lines[k]):
            k += 1
        if k == len(lines):
            raise AssertionError(f"heading {title!r} of the contents is not in the text")
        found.append(Heading(title, page, k))
        k += 1
    return found


def _heading_of(source: dict[str, str], by_title: dict[str, Heading]) -> Heading | None:
    """The heading a section or appendix of sources.csv names (tables and lists have none of their own)."""
    label = source["label"]
    appendix = APPENDIX_LABEL.match(label)
    if appendix:
        label = f"{appendix[1]}. {appendix[2]}"
    if label in by_title:
        return by_title[label]
    if source["section"] in by_title and source["section"].endswith(label):
        return by_title[source["section"]]  # a chapter cited by its title without the number
    return None


def spans() -> dict[str, tuple[int, int]]:
    """Each id of sources.csv -> (first line, line after the last), 0-based over report_lines()."""
    lines = report_lines()
    found = headings(lines)
    contents_start, _entries = contents(lines)
    bounds = sorted({h.line for h in found} | {contents_start, len(lines)})
    by_title = {h.title: h for h in found}
    sources = list(csv.DictReader(open(DATA / "sources.csv", encoding="utf-8")))
    out: dict[str, tuple[int, int]] = {}
    for s in sources:
        if s["kind"] == "title-page":
            out[s["id"]] = (0, found[0].line)
            continue
        h = _heading_of(s, by_title)
        if h is not None:
            out[s["id"]] = (h.line, next(b for b in bounds if b > h.line))
    label_to_id = {s["label"]: s["id"] for s in sources if s["id"] in out}
    for s in sources:
        if s["id"] not in out:
            out[s["id"]] = out[label_to_id[s["section"]]]
    return out


def section_texts() -> dict[str, str]:
    """Each id of sources.csv -> its text: its own lines, and the footnotes whose marks its running text carries."""
    lines = report_lines()
    footnotes = {m[1]: line for line in lines if (m := FOOTNOTE.match(line))}
    texts = {}
    for key, (a, b) in spans().items():
        own = lines[a:b]
        marks = {mark for line in own if not FOOTNOTE.match(line) for mark in SUPERSCRIPT.findall(line)}
        texts[key] = "\n".join(own + [footnotes[m] for m in sorted(marks) if m in footnotes])
    return texts
