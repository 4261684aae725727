"""/network: the partnerships drawn on the server as one SVG image, with the same relationships beside it as a list
of links; /network/{thing}: the group around one organisation, drawn from it."""

from __future__ import annotations

import re
from itertools import combinations

import pytest

from almerekg.web.network import layout

from .conftest import get, rows


def relationships() -> list[tuple[str, str]]:
    """(organisation, partner) of every relationship the data hold: relations.csv and network-roles.csv."""
    return [(r["subject"], r["object"]) for r in rows("relations.csv")] + \
        [(r["organisation"], r["network"]) for r in rows("network-roles.csv")]


def svg_of(text: str) -> str:
    return re.search(r"<svg class=\"network\".*?</svg>", text, re.S).group(0)


def test_network_page_draws_every_relationship_and_lists_it(site: str) -> None:
    text = get(site + "/network?lang=nl").text
    svg = svg_of(text)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "<a " not in svg and "href" not in svg  # an image holds no links; the list beside it does
    listing = text.split('id="list-h"', 1)[1]
    items = re.findall(r"<li>(.*?)</li>", listing, re.S)
    assert len(items) == len(relationships())
    # Every relationship is one link line in the list and one line (a path) in the picture.
    assert len(re.findall(r"<path class=\"link", svg)) == len(relationships())
    for who, other in relationships():
        assert any("/doc/" in item and f"/{who}?lang=nl\"" in item and f"/{other}?lang=nl\"" in item for item in items), (who, other)


def test_no_two_boxes_overlap() -> None:
    """The tree layout gives every box a row of its own within its column, so names never overlap."""
    names = {r["id"]: r["name"] for r in rows("organisations.csv") + rows("firms.csv") + rows("networks.csv")}
    edges = [layout.Edge(f"r{i}", "k", a, b) for i, (a, b) in enumerate(relationships())]
    nodes = {e.source for e in edges} | {e.target for e in edges}
    boxes = []
    for group in layout.components(nodes, edges):
        root = sorted(group)[0]
        top = layout.tree(root, group, edges, names, dict.fromkeys(nodes, "firm"))
        flat = layout.flat(top)
        xs = layout._columns(flat)
        boxes += [(len(boxes), xs[b.depth], b.row * layout.ROW, layout.box_width(b)) for b in flat]
        assert sum(1 for b in flat if not b.repeat) == len(group)  # every organisation once, repeats dashed
    # Within one tree: rows are apart by more than a box's height wherever columns overlap.
    for group in layout.components(nodes, edges):
        top = layout.tree(sorted(group)[0], group, edges, names, dict.fromkeys(nodes, "firm"))
        flat = layout.flat(top)
        xs = layout._columns(flat)
        rects = [(xs[b.depth], b.row * layout.ROW, xs[b.depth] + layout.box_width(b), b.row * layout.ROW +
                  layout.BOX_H) for b in flat]
        for a, b in combinations(rects, 2):
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


@pytest.mark.parametrize("firm", ["usg-people", "emotional-brain"])
def test_a_firms_neighbourhood(site: str, firm: str) -> None:
    text = get(f"{site}/network/firm/{firm}?lang=nl").text
    own = [(a, b) for a, b in relationships() if firm in (a, b)]
    assert own
    assert 'class="node firm focus"' in svg_of(text)
    listing = text.split('id="list-h"', 1)[1]
    for a, b in own:
        assert f"/{b}?lang=nl\"" in listing and f"/{a}?lang=nl\"" in listing
    assert get(f"{site}/doc/firm/{firm}?lang=nl").text.count(f'href="/network/firm/{firm}?lang=nl"') == 1


def test_things_without_relationships_have_no_network_page(site: str) -> None:
    assert get(site + "/network/sector/j").status_code == 404
    assert get(site + "/network/firm/no-such-firm").status_code == 404
