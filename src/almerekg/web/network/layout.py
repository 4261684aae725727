"""The partnerships of the report drawn as a tree of named boxes, on the server, as SVG.

Why a tree and not a force layout: names are the point of the picture, and in a tree every box has a row of
its own, so no name overlaps another and every line runs between two columns. Each group of organisations
that are linked to one another is drawn from one root (the organisation with most links, or the one a page is
about); a link that would close a loop is drawn to a second, dashed box with the same name ("see above"), so
the picture stays a tree and still shows every link. The layout is computed from the build's relationships
alone and is the same for the same data.

The SVG is an image (role="img" with a title and a description) and holds no links: the page puts the same
content beside it as a list of links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup, escape

BOX_H = 22
ROW = 30
CHAR_W = 6.9  # average width of a 12px system-ui character, enough for the box to hold its name
PAD = 8
GAP = 150  # between a column's widest box and the next column: room for the kind of link
MAX_KIND = 24
MAX_NAME = 42
SHELF_W = 1500  # groups are set side by side up to this width, then on a new shelf


@dataclass(frozen=True)
class Edge:
    rel: str
    kind: str  # the label of the relationship kind, in the page's language
    source: str  # ak:organisation
    target: str  # ak:partner


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


@dataclass
class Drawn:
    boxes: list[Box]
    width: float
    height: float


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
                            focus=other == focus)
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


def short(text: str) -> str:
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1].rstrip() + "…"


def box_width(box: Box) -> float:
    return PAD * 2 + CHAR_W * len(short(box.name))


def _columns(boxes: list[Box]) -> list[float]:
    """The x where each depth's column starts."""
    widths: dict[int, float] = defaultdict(float)
    for b in boxes:
        widths[b.depth] = max(widths[b.depth], box_width(b))
    xs, x = [], 0.0
    for depth in range(max(widths) + 1):
        xs.append(x)
        x += widths[depth] + GAP
    return xs


def svg(trees: list[Box], title: str, desc: str, chart_id: str) -> Markup:
    """All trees on shelves, as one SVG image (names escaped; no links inside)."""
    parts: list[str] = []
    x0 = y0 = shelf_h = total_w = 0.0
    for top in trees:
        boxes = flat(top)
        xs = _columns(boxes)
        width = xs[-1] + max(box_width(b) for b in boxes if b.depth == len(xs) - 1)
        height = (max(b.row for b in boxes) + 1) * ROW
        if x0 > 0 and x0 + width > SHELF_W:
            x0, y0, shelf_h = 0.0, y0 + shelf_h + ROW, 0.0
        parts.extend(_draw(boxes, xs, x0, y0))
        x0 += width + GAP
        shelf_h = max(shelf_h, height)
        total_w = max(total_w, x0 - GAP)
    height = y0 + shelf_h
    head = (f'<svg class="network" viewBox="-4 -4 {total_w + 8:.0f} {height + 8:.0f}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704 - every name went through escape()


def _draw(boxes: list[Box], xs: list[float], x0: float, y0: float) -> list[str]:
    out = []
    for b in boxes:
        for c in b.children:
            x1, y1 = x0 + xs[b.depth] + box_width(b), y0 + b.row * ROW + BOX_H / 2
            x2, y2 = x0 + xs[c.depth], y0 + c.row * ROW + BOX_H / 2
            mid = x1 + GAP / 3
            css = "link net" if "network" in (b.kind, c.kind) else "link"
            out.append(f'<path class="{css}" d="M{x1:.1f},{y1:.1f} H{mid:.1f} V{y2:.1f} H{x2:.1f}"/>')
            if c.edge is not None:
                kind = c.edge.kind if len(c.edge.kind) <= MAX_KIND else c.edge.kind[: MAX_KIND - 1] + "…"
                out.append(f'<text class="kind" x="{x2 - 3:.1f}" y="{y2 - 4:.1f}">{escape(kind)}</text>')
    for b in boxes:
        x, y = x0 + xs[b.depth], y0 + b.row * ROW
        css = f"node {b.kind}" + (" repeat" if b.repeat else "") + (" focus" if b.focus else "")
        out.append(f'<g class="{css}"><title>{escape(b.name)}</title>'
                   f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_width(b):.1f}" height="{BOX_H}" rx="4"/>'
                   f'<text x="{x + PAD:.1f}" y="{y + BOX_H / 2 + 4:.1f}">{escape(short(b.name))}</text></g>')
    return out
