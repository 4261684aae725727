"""/report: the report's text by chapter, section and page, where every citation on the site leads.

A citation links to `/report?part=ID&mark=WORDS#mark`: the part of the report the statement cites and the
report's own words it quotes. The page marks those words (every occurrence; the one inside the cited part
carries the anchor `mark`) and says where they stand. Without words a citation links to the part's anchor
(`/report#tabel-3`). The words are looked up as text in the report, never put into a query or a pattern
unescaped, and printed through Jinja's escaping.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, request

from ...errors import AppError
from ...saved_queries.catalogue import SavedQuery
from ...settings import Settings
from ..core import report_text
from ..core import representations as ldhttp
from ..core.citations import MAX_MARK
from ..core.i18n import pick_lang
from ..core.index import GraphIndex
from ..core.pages import context
from ..core.render import render_page
from ..core.respond import representation
from ..state import AppState

bp = Blueprint("report", __name__)

@dataclass
class Shown:
    """One line of the report as the page shows it: its markup read into lists, paragraphs or plain text."""

    line: int
    kind: str  # list | paragraphs | text (report_text.structure)
    parts: list[list[report_text.Piece]]


def report_of(settings: Settings) -> report_text.ReportText:
    try:
        return report_text.load(settings.data_dir)
    except (OSError, ValueError) as exc:
        raise AppError(404, "this installation carries no text of the report (data/report/)") from exc


def _shown(line: int, text: str, words: str, target_line: int | None, state: dict) -> Shown:
    """The line's structure; the first marked piece on the cited line carries the anchor "mark"."""
    kind, parts = report_text.structure(text, words)
    if line == target_line and not state.get("done"):
        first = next((p for part in parts for p in part if p.occurrence), None)
        if first is not None:
            first.anchor, state["done"] = "mark", True
    return Shown(line, kind, parts)


def _layout(doc: report_text.ReportText, words: str, target_line: int | None) -> list[dict]:
    """The blocks as the template shows them: markup read, marked words cut out, page ends joined."""
    state: dict = {}
    out, before = [], ""
    for b in doc.blocks:
        item = {"block": b, "shown": _shown(b.line, b.text, words, target_line, state) if b.text else None,
                "more": [_shown(line, text, words, target_line, state) for line, text in b.more],
                "rows": [[_shown(line, cell, words, target_line, state) for cell in row]
                         for line, row in zip(b.lines, b.rows, strict=False)],
                "line_anchor": "" if b.anchor == f"r-{b.line}" else f"r-{b.line}",
                "before": before}
        out.append(item)
        before = b.anchor
    return out


@bp.route("/report", methods=["GET", "HEAD"])
def report() -> Response:
    state, build, index = context()
    lang = pick_lang()
    part = request.args.get("part", "")[:80]
    words = request.args.get("mark", "")[:MAX_MARK]
    at = request.args.get("at", "")
    at_line = int(at) if at.isdigit() and len(at) < 7 else None
    return representation(build, ("report", lang, part, words, at_line), ldhttp.HTML,
                          lambda: _report_page(state, index, lang, part, words, at_line), lang=lang)


def _report_page(state: AppState, index: GraphIndex, lang: str, part: str, words: str, at_line: int | None
                 ) -> str:
    doc = report_of(state.settings)
    target = doc.line_of(words, part or None) if words else None
    if words and at_line is not None and 0 < at_line <= len(doc.lines) and \
            report_text.segments(doc.lines[at_line - 1], words) != [(doc.lines[at_line - 1], False)]:
        target = at_line  # a search hit names the passage it found the words in
    cited = doc.parts.get(part)
    where = doc.part_at(target) if target else cited
    heading = doc.heading_at(target) if target else None
    tables: dict[str, list[SavedQuery]] = {}
    for q in state.catalogue().queries:
        for pid in q.source.parts:
            tables.setdefault(pid, []).append(q)
    return render_page(
        "report.html", lang=lang, index=index, doc=doc, blocks=_layout(doc, words, target), words=words,
        anchor_at={b.line: b.anchor for b in doc.blocks}, target=target, cited=cited, where=where,
        heading=heading, tables=tables,
        part_href=lambda pid: index.link(index.id_prefix + "report-part/" + pid, lang),
        switch_fragment="#mark" if target else f"#{cited.id}" if cited and cited.line else "",
    )
