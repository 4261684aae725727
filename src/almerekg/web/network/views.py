"""/network: the report's partnerships (firms, parents, partners, customers, networks) as pictures and as lists;
/network/{type}/{ref}: the same around one organisation (the group it belongs to, drawn from it).

Each group of linked organisations is one picture drawn on the server (layout.py), needing no JavaScript, its
boxes links to the organisations' pages; under each picture the page lists the same relationships in words,
each a link. The phrases on the lines are the ones the organisation pages use (core/phrases.py), per direction.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response
from markupsafe import Markup

from ..core import representations as ldhttp
from ..core.errors import NoSuchThing
from ..core.i18n import pick_lang, tr
from ..core.index import ORG_ORGANIZATION, GraphIndex
from ..core.pages import context, resolve
from ..core.phrases import relation_parts
from ..core.render import render_page
from ..core.respond import representation
from . import layout

bp = Blueprint("network", __name__)


@dataclass
class Line:
    """One relationship in words, for the list beside the picture."""

    who: str
    who_href: str | None
    before: str
    other: str
    other_href: str | None
    after: str
    href: str | None


@dataclass
class Group:
    root: str
    root_href: str | None
    lines: list[Line]
    picture: Markup | None = None


def _phrase(index: GraphIndex, kind: str, own_side: bool, share: str | None, lang: str) -> str:
    """What one side is to the other, without the other's name: 'moederbedrijf van'."""
    before, after = relation_parts(kind.rsplit("/", 1)[-1], index.display(kind, lang), own_side, share, lang)
    return " ".join((before + after).split()).rstrip(":")


def _edges(index: GraphIndex, lang: str) -> list[layout.Edge]:
    return [layout.Edge(rel, index.display(kind, lang), who, partner, _phrase(index, kind, True, share, lang),
                        _phrase(index, kind, False, share, lang))
            for rel, kind, who, partner, share in index.relationships]


def _kind(index: GraphIndex, node: str) -> str:
    types = index.types.get(node, [])
    if index.def_prefix + "Network" in types:
        return "network"
    return "firm" if index.def_prefix + "Firm" in types else "organisation"


def _lines(index: GraphIndex, group: set[str], lang: str) -> list[Line]:
    out = []
    for rel, kind, who, partner, share in index.relationships:
        if who not in group:
            continue
        before, after = relation_parts(kind.rsplit("/", 1)[-1], index.display(kind, lang), True, share, lang)
        out.append(Line(index.display(who, lang), index.link(who, lang), before, index.display(partner, lang),
                        index.link(partner, lang), after, index.link(rel, lang)))
    return sorted(out, key=lambda line: (line.who.casefold(), line.other.casefold()))


def _root(index: GraphIndex, group: set[str], edges: list[layout.Edge]) -> str:
    degree = {n: sum(1 for e in edges if n in (e.source, e.target)) for n in group}
    return min(group, key=lambda n: (-degree[n], index.display(n).casefold()))


def drawing(index: GraphIndex, lang: str, focus: str | None = None) -> tuple[list[layout.Box], list[Group]]:
    """The trees to draw and the list beside them: every group, or only the focus's group drawn from it."""
    edges = _edges(index, lang)
    nodes = {e.source for e in edges} | {e.target for e in edges}
    name = {n: index.display(n, lang) for n in nodes}
    kind = {n: _kind(index, n) for n in nodes}
    groups = layout.components(nodes, edges)
    if focus is not None:
        groups = [g for g in groups if focus in g]
    groups.sort(key=lambda g: (-len(g), index.display(_root(index, g, edges), lang).casefold()))
    trees, lists = [], []
    for g in groups:
        root = focus if focus in g else _root(index, g, edges)
        trees.append(layout.tree(root, g, edges, name, kind, focus))
        lists.append(Group(name[root], index.link(root, lang), _lines(index, g, lang)))
    return trees, lists


def _picture(index: GraphIndex, top: layout.Box, group: Group, number: int, lang: str) -> Markup:
    boxes = layout.flat(top)
    title = tr(lang, "The group around %(root)s", root=group.root)
    desc = tr(lang, "%(count)s relationships between %(boxes)s boxes; each box links to the organisation's page, the "
              "list under the drawing names the same relationships.", count=len(group.lines), boxes=len(boxes))
    href = {b.node: index.link(b.node, lang) for b in boxes}
    return layout.svg(top, title, desc, f"net-{number}", href)


def _page(index: GraphIndex, lang: str, focus: str | None) -> str:
    trees, groups = drawing(index, lang, focus)
    for number, (top, group) in enumerate(zip(trees, groups, strict=True), 1):
        group.picture = _picture(index, top, group, number, lang)
    count = sum(len(g.lines) for g in groups)
    if focus is None:
        title = tr(lang, "The network of partnerships")
    else:
        title = tr(lang, "%(name)s: relationships and network", name=index.display(focus, lang))
    return render_page("network.html", lang=lang, index=index, title=title, groups=groups,
                       count=count, focus=focus, focus_href=index.link(focus, lang) if focus else None)


@bp.route("/network", methods=["GET", "HEAD"])
def whole() -> Response:
    _state, build, index = context()
    lang = pick_lang()
    return representation(build, ("network", lang), ldhttp.HTML, lambda: _page(index, lang, None), lang=lang)


@bp.route("/network/<path:path>", methods=["GET", "HEAD"])
def around(path: str) -> Response:
    thing = resolve(path)
    index, build = thing.index, thing.build
    types = index.types.get(thing.iri, [])
    involved = any(thing.iri in (who, partner) for _r, _k, who, partner, _s in index.relationships)
    if ORG_ORGANIZATION not in types or not involved or thing.extension:
        raise NoSuchThing("network/" + path)
    lang = pick_lang()
    return representation(build, ("network", thing.ref, lang), ldhttp.HTML, lambda: _page(index, lang, thing.iri),
                          lang=lang)
