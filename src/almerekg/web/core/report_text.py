"""The report's own text, read into chapters, sections and blocks with stable anchors, so that a citation can
open the passage it cites.

The text is the copy the checkout carries (`data/report/`, byte for byte, with its checksum): it is the
single source of the facts in `data/`, so showing it is showing the evidence. It has no page numbers; its
table of contents gives the page each section starts on, and that is the page shown (as `data/sources.csv`
cites it). Every part of the report the data cite (`sources.csv`) is placed at the line its column
`opens_with` names; every line of the file keeps its number as an anchor (`#r-123`), which never moves because
the file never changes.

Nothing here changes the words: headings, tables and lists are recognised only to lay the lines out. The few
markup forms the extraction left are read into structures, never passed on as HTML: `*word*` and `<i>word</i>`
become emphasis, `<ul style="list-style-type: none"> ▪ a ▪ b` a list, `<p>a</p> <p>b</p>` paragraphs, and
tab-separated lines a table (`structure`). A paragraph the PDF's page end cut in two (a line ending mid-sentence,
its continuation after the footnotes of the page) is joined into one block; the continuation keeps its line's
anchor where it starts, so a citation of it still lands there.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPORT_FILE = Path("report") / "groei-door-samenwerking-in-almere-2011.txt"
SOURCES_FILE = "sources.csv"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TOC_ENTRY = re.compile(r"^(?P<title>.+?)\.*\t(?P<page>\d+)$")
_NUMBERED = re.compile(r"^\d+\.\s")
_ANCHOR_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Part:
    """A part of the report that data rows cite (a row of sources.csv) and where it opens in the text."""

    id: str
    kind: str
    label: str
    section: str
    page: int | None
    line: int | None  # 1-based line of the text where it opens; None when `opens_with` is not found


@dataclass(frozen=True)
class Heading:
    """An entry of the report's table of contents, found in the text."""

    title: str
    page: int
    level: int  # 1: chapter (or Samenvatting, Bijlagen), 2: section or appendix
    line: int | None
    anchor: str


@dataclass
class Block:
    """What one line (or a run of tab-separated lines) of the text is, for laying it out."""

    line: int
    kind: str  # front | toc | heading | subheading | para | item | footnote | caption | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)  # a table's cells, one list per line
    level: int = 0
    page: int | None = None  # the page of the section the block is in (its first page, from the TOC)
    anchor: str = ""  # the element's id: a part or heading anchor, or r-LINE
    parts: list[str] = field(default_factory=list)  # ids of the parts opening at this block
    lines: list[int] = field(default_factory=list)  # every line the block holds (tables hold several)
    more: list[tuple[int, str]] = field(default_factory=list)  # (line, text) continuing it after a page end


@dataclass
class ReportText:
    lines: list[str]
    toc: list[Heading]
    parts: dict[str, Part]
    blocks: list[Block]

    def line_of(self, words: str, part: str | None = None) -> int | None:
        """The line where `words` occur (exactly, else ignoring case): the first at or after the cited part's
        start, else the first in the text. Quotes never span lines in this text."""
        if not words.strip():
            return None
        start = self.parts[part].line if part in self.parts else None
        for match in (lambda line: words in line, lambda line: words.casefold() in line.casefold()):
            found = [n for n, text in enumerate(self.lines, start=1) if match(text)]
            if found:
                after = [n for n in found if start is not None and n >= start]
                return (after or found)[0]
        return None

    def part_at(self, line: int) -> Part | None:
        """The part of the report a line belongs to: the last one opening at or before it."""
        best: Part | None = None
        for p in self.parts.values():
            if p.line is not None and p.line <= line and (best is None or best.line is None or p.line >= best.line):
                best = p
        return best

    def heading_at(self, line: int) -> Heading | None:
        found = [h for h in self.toc if h.line is not None and h.line <= line]
        return max(found, key=lambda h: h.line or 0) if found else None  # each line found is a number


def anchor_for(title: str) -> str:
    return "h-" + _ANCHOR_CHARS.sub("-", title.casefold()).strip("-")


def _plain(text: str) -> str:
    """A line without footnote marks, spaces collapsed: how a heading reads in the table of contents."""
    text = "".join(c for c in text if c not in SUPERSCRIPTS)
    return " ".join(text.split()).rstrip(".")


def _toc_span(lines: list[str]) -> tuple[int, int]:
    """First and last line (1-based) of the table of contents: 'Inhoudsopgave' up to the blank after it."""
    start = lines.index("Inhoudsopgave") + 1
    end = start + 1
    while end < len(lines) and not lines[end].strip():
        end += 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return start, end


def _read_toc(lines: list[str], span: tuple[int, int]) -> list[tuple[str, int, int]]:
    entries = []
    appendices = False
    for text in lines[span[0]:span[1]]:
        m = _TOC_ENTRY.match(text.strip())
        if not m:
            continue
        title = m.group("title").rstrip(". ")
        numbered = bool(_NUMBERED.match(title))
        level = 1 if title in ("Samenvatting", "Bijlagen") or (numbered and not appendices) else 2
        appendices = appendices or title == "Bijlagen"
        entries.append((title, int(m.group("page")), level))
    return entries


def _outside(span: tuple[int, int]):  # noqa: ANN202 - a tiny predicate
    return lambda n: not span[0] <= n <= span[1]


def _find_headings(lines: list[str], span: tuple[int, int], toc: list[tuple[str, int, int]]) -> list[Heading]:
    outside = _outside(span)
    found: list[Heading] = []
    pos = 1
    for title, page, level in toc:
        at = next((n for n in range(pos, len(lines) + 1) if outside(n) and _plain(lines[n - 1]) == title), None)
        if at is not None:
            pos = at + 1
        found.append(Heading(title, page, level, at, anchor_for(title)))
    return found


def _read_parts(path: Path, lines: list[str], span: tuple[int, int]) -> dict[str, Part]:
    outside = _outside(span)
    parts = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            opens = (row.get("opens_with") or "").strip()
            line = next((n for n, text in enumerate(lines, start=1) if opens and outside(n)
                         and text.startswith(opens)), None)
            page = row.get("page", "")
            parts[row["id"]] = Part(row["id"], row.get("kind", ""), row.get("label", ""), row.get("section", ""),
                                    int(page) if page.isdigit() else None, line)
    return parts


def _kind(text: str, following: str) -> str:
    stripped = text.strip()
    if stripped[:1] in SUPERSCRIPTS:
        return "footnote"
    if re.match(r"^(Tabel|Schema|Figuur)\s*\d+\s*:", stripped) or stripped.startswith("Bron:"):
        return "caption"
    if stripped.startswith("- ") or _NUMBERED.match(stripped):
        return "item"
    short = len(stripped) <= 80 and not re.search(r"[.:;,]$", stripped)
    if short and len(following) > 120 and stripped[:1].isupper():
        return "subheading"
    return "para"


def _blocks(lines: list[str], span: tuple[int, int], toc: list[Heading], parts: dict[str, Part]) -> list[Block]:
    headings = {h.line: h for h in toc if h.line is not None}
    opening: dict[int, list[str]] = {}
    for p in parts.values():
        if p.line is not None:
            opening.setdefault(p.line, []).append(p.id)
    first_heading = min(headings) if headings else len(lines) + 1
    blocks: list[Block] = []
    page: int | None = None
    n = 0
    while n < len(lines):
        number, text = n + 1, lines[n]
        n += 1
        if not text.strip():
            continue
        if span[0] <= number <= span[1]:
            if not blocks or blocks[-1].kind != "toc":
                blocks.append(Block(number, "toc", anchor="inhoudsopgave", lines=[]))
            blocks[-1].lines.append(number)
            continue
        if number in headings:
            h = headings[number]
            page = h.page
            blocks.append(Block(number, "heading", text, level=h.level, page=page, lines=[number]))
        elif number < first_heading:
            blocks.append(Block(number, "front", text, page=None, lines=[number]))
        elif "\t" in text:
            if blocks and blocks[-1].kind == "table":  # tab lines in a row (blank lines between) form one table
                blocks[-1].rows.append(text.split("\t"))
                blocks[-1].lines.append(number)
            else:
                blocks.append(Block(number, "table", rows=[text.split("\t")], page=page, lines=[number]))
            continue
        else:
            following = next((t for t in lines[n:n + 3] if t.strip()), "")
            blocks.append(Block(number, _kind(text, following), text, page=page, lines=[number]))
    blocks = _join_page_ends(blocks, opening)
    for b in blocks:
        ids = [pid for line in b.lines for pid in opening.get(line, [])]
        b.parts = ids
        heading = headings.get(b.line) if b.kind == "heading" else None
        own = [pid for pid in ids if parts[pid].kind in ("section", "appendix")]
        b.anchor = b.anchor or (own[0] if own else ids[0] if ids else heading.anchor if heading else f"r-{b.line}")
    return blocks


_OPEN_END = re.compile(r"[^.!?:;]$")
_TRAILING_MARKUP = re.compile(r"(</p>|</i>|\*)+$")


def _cut_by_page_end(b: Block) -> bool:
    """A paragraph (not a short line such as a name) whose last line ends mid-sentence."""
    last = b.more[-1][1] if b.more else b.text
    text = _TRAILING_MARKUP.sub("", last.rstrip()).rstrip(SUPERSCRIPTS + " ")
    return b.kind in ("para", "item") and len(b.text) > 80 and bool(_OPEN_END.search(text))


def _join_page_ends(blocks: list[Block], opening: dict[int, list[str]]) -> list[Block]:
    """A paragraph cut by a page end continues in the next paragraph after the page's footnotes: one block."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        out.append(b)
        i += 1
        while _cut_by_page_end(b):
            j = i
            while j < len(blocks) and blocks[j].kind == "footnote":
                j += 1
            if j >= len(blocks) or blocks[j].kind != "para" or blocks[j].line in opening:
                break
            nxt = blocks.pop(j)
            b.more.append((nxt.line, nxt.text))
            b.lines.append(nxt.line)
    return out


def load(data_dir: Path) -> ReportText:
    """The report's text as blocks; raises OSError when the checkout does not carry it."""
    path = Path(data_dir) / REPORT_FILE
    return _load(str(path), str(Path(data_dir) / SOURCES_FILE), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, sources: str, _stamp: int) -> ReportText:
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    span = _toc_span(lines)
    toc = _find_headings(lines, span, _read_toc(lines, span))
    parts = _read_parts(Path(sources), lines, span)
    return ReportText(lines, toc, parts, _blocks(lines, span, toc, parts))


def segments(text: str, words: str | None) -> list[tuple[str, bool]]:
    """A text cut into (piece, marked) pieces: every occurrence of `words` marked (exactly, else ignoring case).

    `words` come from the client (?mark=): found with str.find, linear in the text whatever they hold (a regular
    expression compares from every position). Ignoring case lowers both, where lowering keeps every length."""
    if not words or not words.strip():
        return [(text, False)]
    hay, needle = text, words
    if words not in text:
        hay, needle = text.lower(), words.lower()
        if len(hay) != len(text) or len(needle) != len(words):
            return [(text, False)]  # a letter whose lower case is longer: positions would not carry over
    out: list[tuple[str, bool]] = []
    pos = 0
    while (at := hay.find(needle, pos)) >= 0:
        if at > pos:
            out.append((text[pos:at], False))
        out.append((text[at:at + len(needle)], True))
        pos = at + len(needle)
    if pos < len(text):
        out.append((text[pos:], False))
    return out or [(text, False)]


# The extraction's markup, read into structures (never passed on as HTML).
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\W\d_])[^*\n]*?[^\s(*]\*(?![\w*])|<i>.*?</i>")
_LIST_OPEN = '<ul style="list-style-type: none">'
_BULLET = "▪"
_PARAGRAPH = re.compile(r"<p>(.*?)(?:</p>|$)")
_MARKUP = re.compile(r"[*<▪]")


@dataclass
class Piece:
    """Words of one kind: marked or not (`occurrence` counts the marked ones), each run emphasised or not."""

    runs: list[tuple[str, bool]]  # (text, emphasised)
    occurrence: int  # 0: not marked; n: the n-th marked occurrence of the words in this text
    anchor: str = ""  # the page's "mark" on the cited occurrence

    @property
    def text(self) -> str:
        return "".join(t for t, _em in self.runs)


def structure(text: str, words: str | None) -> tuple[str, list[list[Piece]]]:
    """A line (or a table cell) of the extraction as ('list' | 'paragraphs' | 'text', its parts), each part a
    list of pieces: markup characters dropped, emphasis and the marked `words` kept apart, the words exact."""
    if not _MARKUP.search(text):
        return "text", [_plain_pieces(text, words)] if text.strip() else []
    line = _Line(text)
    line.mark(words)
    for m in _EMPHASIS.finditer(text):
        inner = (m.start() + 1, m.end() - 1) if m.group().startswith("*") else (m.start() + 3, m.end() - 4)
        line.set(line.drop, m.start(), inner[0])
        line.set(line.em, *inner)
        line.set(line.drop, inner[1], m.end())
    if text.startswith(_LIST_OPEN):
        line.set(line.drop, 0, len(_LIST_OPEN))
        bullets = [m.start() for m in re.finditer(_BULLET, text)]
        for k in bullets:
            line.set(line.drop, k, k + 1)
        bounds = [len(_LIST_OPEN), *bullets, len(text)]
        kind, spans = "list", list(zip(bounds, bounds[1:], strict=False))
    elif text.startswith("<p>"):
        kind, spans = "paragraphs", [m.span(1) for m in _PARAGRAPH.finditer(text)]
    else:
        kind, spans = "text", [(0, len(text))]
    return kind, [p for p in (line.pieces(a, b) for a, b in spans) if p]


def _plain_pieces(text: str, words: str | None) -> list[Piece]:
    """A line without markup (most of them): the marked words cut out, spaces at both ends left out."""
    pieces, n = [], 0
    for piece, marked in segments(text.strip(), words):
        n += marked
        pieces.append(Piece([(piece, False)], n if marked else 0))
    return pieces


class _Line:
    """A line's characters with what each is (dropped markup, emphasis, the n-th marked occurrence), read in
    stretches between the places where that changes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.drop, self.em, self.marks = [False] * len(text), [False] * len(text), [0] * len(text)
        self.cuts = {0, len(text)}

    def set(self, flags: list, start: int, end: int, value: object = True) -> None:
        flags[start:end] = [value] * (end - start)
        self.cuts |= {start, end}

    def mark(self, words: str | None) -> None:
        pos, n = 0, 0
        for piece, marked in segments(self.text, words):
            if marked:
                n += 1
                self.set(self.marks, pos, pos + len(piece), n)
            pos += len(piece)

    def pieces(self, start: int, end: int) -> list[Piece]:
        """The stretches start..end not dropped, spaces at both ends left out, as pieces of runs."""
        bounds = sorted(c for c in self.cuts | {start, end} if start <= c <= end)
        stretches = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if not self.drop[a]]
        texts = [self.text[a:b] for a, b in stretches]
        for k in range(len(texts)):  # spaces at the start, over as many stretches as they take
            texts[k] = texts[k].lstrip()
            if texts[k]:
                break
        for k in reversed(range(len(texts))):
            texts[k] = texts[k].rstrip()
            if texts[k]:
                break
        pieces: list[Piece] = []
        for (a, _b), text in zip(stretches, texts, strict=True):
            if not text:
                continue
            if not pieces or pieces[-1].occurrence != self.marks[a]:
                pieces.append(Piece([], self.marks[a]))
            runs = pieces[-1].runs
            if runs and runs[-1][1] == self.em[a]:
                runs[-1] = (runs[-1][0] + text, self.em[a])
            else:
                runs.append((text, self.em[a]))
        return pieces
