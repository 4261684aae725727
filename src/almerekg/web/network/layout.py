"""The partnerships of the report drawn as trees of named boxes, on the server, as SVG.

Why a tree and not a force layout: names are the point of the picture, and in a tree every box has a row of
its own, so no name overlaps another and every line runs between two columns. Each group of organisations
that are linked to one another is drawn from one root (the organisation with most links, or the one a page is
about); a link that would close a loop is drawn to a second, dashed box with the same name ("see above"), so
the picture stays a tree and still shows every link. The layout is computed from the build's relationships
alone and is the same for the same data.

Every line reads from left to right: an arrow from the box on the left to the box on the right, labelled with
the phrase that is true in that direction ("moederbedrijf van" from a parent, "onderdeel (dochter) van" from a
subsidiary; a joint venture's share included). A relation that reads the same both ways (a merger) has no
arrowhead. Names and phrases are drawn whole: a phrase wraps onto lines, and rows are as far apart as the
longest phrase needs. Each group is one SVG drawn at its own size (12px names, 11px phrases): a page puts it in
a box that scrolls sideways when the screen is narrower, so the text stays legible on a phone. Every box is a
link to the organisation's page, named by the organisation's name.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup, escape

BOX_H = 22
ROW = 30  # the least distance between two rows; more when a phrase takes more than two lines
CHAR_W = 7.0  # width of a 12px system-ui character, enough for the box to hold its name
CAP_W = 9.0  # ... of a capital (BMW, MCFA)
PAD = 8
GAP = 150  # between a column's widest box and the next column: room for the phrase of a link
BEND = 14  # where a line turns from the parent's row towards the child's, after leaving the parent's box
LABEL_CHARS = 20  # a phrase wraps at this many characters (11px text, ~6 px a character, in GAP - BEND)
LINE = 12  # from one line of a phrase to the next
LABEL_CHAR_W = 6.6  # width of an 11px character of a phrase, to make a gap wide enough for its longest line
ARROW = 8  # the arrowhead's length; a phrase ends this far before the box it points to


@dataclass(frozen=True)
class Edge:
    rel: str
    kind: str  # the label of the relationship kind, in the page's language
    source: str  # ak:organisation
    target: str  # ak:partner
    forward: str = ""  # what the source is to the target ("onderdeel (dochter) van"); the kind when empty
    backward: str = ""  # what the target is to the source ("moederbedrijf van"); the kind when empty

    def reading(self, from_node: str) -> str:
        """The phrase read from `from_node` towards the other end."""
        phrase = self.forward if from_node == self.source else self.backward
        return phrase or self.kind

    @property
    def symmetric(self) -> bool:
        return self.forward == self.backward


@dataclass
class Box:
    node: str
    name: str
    kind: str  # firm | network | organisation
    depth: int
    row: float
    repeat: bool = False  # a second box for a node drawn elsewhere in this tree
    focus: bool = False
    edge: Edge | None = None  # the link from its parent
    children: list[Box] = field(default_factory=list)
    parent: str | None = None  # the node of the box it hangs from


def components(nodes: set[str], edges: list[Edge]) -> list[set[str]]:
    adjacent: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        adjacent[e.source].add(e.target)
        adjacent[e.target].add(e.source)
    seen: set[str] = set()
    out = []
    for start in sorted(nodes):
        if start in seen:
            continue
        stack, group = [start], set()
        while stack:
            n = stack.pop()
            if n in group:
                continue
            group.add(n)
            stack.extend(adjacent[n] - group)
        seen |= group
        out.append(group)
    return out


def tree(root: str, group: set[str], edges: list[Edge], name: dict[str, str], kind: dict[str, str],
         focus: str | None = None) -> Box:
    """Breadth first from the root; an edge to a node already placed becomes a repeated box."""
    around: dict[str, list[tuple[Edge, str]]] = defaultdict(list)
    for e in edges:
        if e.source in group and e.target in group:
            around[e.source].append((e, e.target))
            around[e.target].append((e, e.source))
    top = Box(root, name[root], kind[root], 0, 0, focus=root == focus)
    placed, used, level = {root}, set(), [top]
    while level:
        nxt = []
        for box in level:
            if box.repeat:
                continue
            for e, other in sorted(around[box.node], key=lambda x: (name[x[1]].casefold(), x[0].rel)):
                if e.rel in used:
                    continue
                used.add(e.rel)
                child = Box(other, name[other], kind[other], box.depth + 1, 0, repeat=other in placed, edge=e,
                            focus=other == focus, parent=box.node)
                placed.add(other)
                box.children.append(child)
                nxt.append(child)
        level = nxt
    _rows(top, [0])
    return top


def _rows(box: Box, counter: list[int]) -> None:
    """Leaves take the next row; a parent sits level with the middle of its children."""
    if not box.children:
        box.row = counter[0]
        counter[0] += 1
        return
    for c in box.children:
        _rows(c, counter)
    box.row = (box.children[0].row + box.children[-1].row) / 2


def flat(box: Box) -> list[Box]:
    out = [box]
    for c in box.children:
        out.extend(flat(c))
    return out


def phrase_lines(box: Box) -> list[str]:
    """The phrase on the line into `box`, read from its parent, wrapped onto lines (never cut)."""
    if box.edge is None or box.parent is None:
        return []
    return textwrap.wrap(box.edge.reading(box.parent), LABEL_CHARS, break_long_words=False) or [""]


def pitch(boxes: list[Box]) -> float:
    """The distance between rows: room for the most lines any phrase of this tree takes."""
    most = max((len(phrase_lines(b)) for b in boxes), default=0)
    return max(ROW, LINE * most + 6)


def headroom(boxes: list[Box]) -> float:
    """Room above the first row for the phrase on its line."""
    return max((LINE * len(phrase_lines(b)) for b in boxes if b.row == 0), default=0)


def box_width(box: Box) -> float:
    return PAD * 2 + sum(CAP_W if c.isupper() else CHAR_W for c in box.name)


def _columns(boxes: list[Box]) -> list[float]:
    """The x where each depth's column starts: after the widest box of the one before and a gap wide enough for
    the longest line of the phrases leading into it (a word longer than LABEL_CHARS is not broken)."""
    widths: dict[int, float] = defaultdict(float)
    gaps: dict[int, float] = defaultdict(lambda: GAP)
    for b in boxes:
        widths[b.depth] = max(widths[b.depth], box_width(b))
        longest = max((len(line) for line in phrase_lines(b)), default=0)
        gaps[b.depth] = max(gaps[b.depth], BEND + ARROW + 6 + LABEL_CHAR_W * longest)
    xs, x = [], 0.0
    for depth in range(max(widths) + 1):
        if depth:
            x += widths[depth - 1] + gaps[depth]
        xs.append(x)
    return xs


def size(top: Box) -> tuple[float, float]:
    """Width and height of a tree as drawn, in CSS pixels."""
    boxes = flat(top)
    xs = _columns(boxes)
    width = max(xs[b.depth] + box_width(b) for b in boxes)
    return width, headroom(boxes) + max(b.row for b in boxes) * pitch(boxes) + BOX_H


def svg(top: Box, title: str, desc: str, chart_id: str, href: dict[str, str | None]) -> Markup:
    """One tree as an SVG at its own size: boxes link to `href[node]`; every text escaped."""
    width, height = size(top)
    head = (f'<svg class="network" width="{width + 8:.0f}" height="{height + 8:.0f}" '
            f'viewBox="-4 -4 {width + 8:.0f} {height + 8:.0f}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
            f'<defs><marker id="{chart_id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="{ARROW}" '
            f'markerHeight="{ARROW}" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M0,0 L10,5 L0,10 z"/></marker></defs>')
    boxes = flat(top)
    body = f'<g transform="translate(0 {headroom(boxes):.0f})">' + "".join(_draw(boxes, chart_id, href)) + "</g>"
    return Markup(head + body + "</svg>")  # noqa: S704 - every name, phrase and href went through escape()


def _draw(boxes: list[Box], chart_id: str, href: dict[str, str | None]) -> list[str]:
    out = []
    xs, step = _columns(boxes), pitch(boxes)
    for b in boxes:
        for c in b.children:
            out.extend(_link(b, c, xs, step, chart_id))
    for b in boxes:
        x, y = xs[b.depth], b.row * step
        css = f"node {b.kind}" + (" repeat" if b.repeat else "") + (" focus" if b.focus else "")
        shape = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_width(b):.1f}" height="{BOX_H}" rx="4"/>'
                 f'<text x="{x + PAD:.1f}" y="{y + BOX_H / 2 + 4:.1f}">{escape(b.name)}</text>')
        target = href.get(b.node)
        if target:
            out.append(f'<a class="{css}" href="{escape(target)}">{shape}</a>')
        else:
            out.append(f'<g class="{css}">{shape}</g>')
    return out


def _link(b: Box, c: Box, xs: list[float], step: float, chart_id: str) -> list[str]:
    """The line from box b to its child c, with an arrowhead unless the relation reads the same both ways, and
    the phrase read from b towards c, right-aligned above the line's last stretch."""
    x1, y1 = xs[b.depth] + box_width(b), b.row * step + BOX_H / 2
    x2, y2 = xs[c.depth], c.row * step + BOX_H / 2
    mid = x1 + BEND
    css = "link net" if "network" in (b.kind, c.kind) else "link"
    arrow = f' marker-end="url(#{chart_id}-arrow)"' if c.edge is not None and not c.edge.symmetric else ""
    out = [f'<path class="{css}" d="M{x1:.1f},{y1:.1f} H{mid:.1f} V{y2:.1f} H{x2:.1f}"{arrow}/>']
    lines = phrase_lines(c)
    if lines:
        spans = "".join(f'<tspan x="{x2 - ARROW - 2:.1f}" y="{y2 - 4 - LINE * (len(lines) - 1 - i):.1f}">'
                        f"{escape(line)}</tspan>" for i, line in enumerate(lines))
        out.append(f'<text class="kind">{spans}</text>')
    return out
