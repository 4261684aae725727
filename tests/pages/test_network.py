"""/network: each group of linked organisations drawn on the server as one SVG, its boxes links to their pages,
its lines arrows labelled with the phrase true in the direction they are read (the organisation pages' phrases),
with the same relationships listed under it; /network/{thing}: the group around one organisation, drawn from it.
In chromium at 375 and 1280 px the smallest text of the pictures is measured and the page does not scroll sideways.
"""

from __future__ import annotations

import re
import textwrap
from html import unescape
from itertools import combinations
from pathlib import Path

import pytest

from almerekg.web.core.i18n import tr
from almerekg.web.core.phrases import RELATION_PHRASES
from almerekg.web.network import layout

from .conftest import WIDTHS, get, rows

NAMES = {r["id"]: r["name"] for r in rows("organisations.csv") + rows("firms.csv") + rows("networks.csv")}


def relationships() -> list[tuple[str, str, str, str]]:
    """(kind, organisation, partner, share) of every relationship the data hold: relations.csv and
    network-roles.csv."""
    return [(r["kind"], r["subject"], r["object"], r["share_percent"]) for r in rows("relations.csv")] + \
        [(r["role"], r["organisation"], r["network"], "") for r in rows("network-roles.csv")]


def svgs_of(text: str) -> list[str]:
    return re.findall(r"<svg class=\"network\".*?</svg>", text, re.S)


BOX = re.compile(r'<a class="node ([^"]*)" href="([^"]*)"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
                 r'height="(\d+)" rx="4"/><text [^>]*>([^<]*)</text></a>')
LINK = re.compile(r'<path class="link[^"]*" d="M([\d.]+),([\d.]+) H[\d.]+ V([\d.]+) H([\d.]+)"( marker-end="[^"]*")?/>'
                  r'<text class="kind">((?:<tspan [^>]*>[^<]*</tspan>)+)</text>')


def boxes_of(svg: str) -> list[tuple[str, str, float, float, float, str]]:
    """(classes, href, x, y of the middle, right edge, name) of every box; each is a link."""
    return [(css, unescape(href), float(x), float(y) + int(h) / 2, float(x) + float(w), unescape(name))
            for css, href, x, y, w, h, name in BOX.findall(svg)]


def lines_of(svg: str) -> list[tuple[str, str, str, bool]]:
    """(name on the left, phrase, name on the right, arrowhead) of every line, found by where it starts and ends."""
    boxes = boxes_of(svg)
    out = []
    for x1, y1, y2, x2, arrow, spans in LINK.findall(svg):
        left = [b[5] for b in boxes if abs(b[4] - float(x1)) < 0.2 and abs(b[3] - float(y1)) < 0.2]
        right = [b[5] for b in boxes if abs(b[2] - float(x2)) < 0.2 and abs(b[3] - float(y2)) < 0.2]
        assert len(left) == 1 and len(right) == 1, (x1, y1, x2, y2)
        phrase = " ".join(unescape(s) for s in re.findall(r"<tspan [^>]*>([^<]*)</tspan>", spans))
        out.append((left[0], phrase, right[0], bool(arrow)))
    return out


def expected_phrase(kind: str, own_side: bool, share: str, lang: str) -> str:
    phrase = tr(lang, RELATION_PHRASES[kind][0 if own_side else 1], other="", share=share)
    return " ".join(phrase.split())


def test_every_relationship_is_one_arrow_read_the_right_way_and_listed(site: str) -> None:
    text = get(site + "/network?lang=nl").text
    drawn = [line for svg in svgs_of(text) for line in lines_of(svg)]
    assert len(drawn) == len(relationships())
    for kind, who, partner, share in relationships():
        a, b = NAMES[who], NAMES[partner]
        forward, backward = expected_phrase(kind, True, share, "nl"), expected_phrase(kind, False, share, "nl")
        arrow = forward != backward  # a relation that reads the same both ways has no arrowhead
        assert (a, forward, b, arrow) in drawn or (b, backward, a, arrow) in drawn, (a, kind, b)
    items = re.findall(r"<li>(.*?)</li>", text.split('class="network-list"', 1)[1], re.S)
    assert len(items) == len(relationships())
    for _kind, who, other, _share in relationships():
        assert any(f"/{who}?lang=nl\"" in item and f"/{other}?lang=nl\"" in item for item in items), (who, other)


def test_both_directions_of_parent_and_subsidiary(site: str) -> None:
    """From the subsidiary 'part (subsidiary) of', from the parent 'parent company of', each an arrow."""
    drawn = set()
    for lang in ("nl", "en"):
        text = get(site + f"/network/firm/bell-select?lang={lang}").text
        drawn |= set(lines_of(svgs_of(text)[0]))
    assert ("Bell Select BV", "onderdeel (dochter) van", "Bell Sell Groep", True) in drawn
    assert ("Bell Sell Groep", "moederbedrijf van", "Bell Solutions BV", True) in drawn
    assert ("Bell Select BV", "part (subsidiary) of", "Bell Sell Groep", True) in drawn
    assert ("Bell Sell Groep", "parent company of", "Bell Solutions BV", True) in drawn


def test_joint_ventures_carry_their_shares(site: str) -> None:
    drawn = {line for svg in svgs_of(get(site + "/network?lang=en").text) for line in lines_of(svg)}
    ventures = [r for r in rows("relations.csv") if r["kind"] == "joint-venture-share"]
    assert len(ventures) == 4
    for r in ventures:
        venture, owner = NAMES[r["subject"]], NAMES[r["object"]]
        assert (venture, f"joint venture, {r['share_percent']} percent owned by", owner, True) in drawn or \
            (owner, f"owns {r['share_percent']} percent of the joint venture", venture, True) in drawn, r["id"]
    assert ("Unamic", "merged with", "HCN", False) in drawn


def test_phrases_and_names_are_whole_and_every_box_is_a_link(site: str) -> None:
    for lang in ("nl", "en"):
        text = get(site + f"/network?lang={lang}").text
        for svg in svgs_of(text):
            assert "…" not in svg
            for tspan in re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg):
                assert len(unescape(tspan)) <= layout.LABEL_CHARS or " " not in unescape(tspan), tspan
            boxes = boxes_of(svg)
            assert len(boxes) == svg.count("<rect ")  # every box is a link
            for css, href, *_rest, name in boxes:
                assert re.fullmatch(rf"/doc/(firm|organisation|network)/[a-z0-9-]+\?lang={lang}", href), href
                assert name in NAMES.values() or lang == "en", name
                assert css.split()[0] in ("firm", "organisation", "network")
        shown = {name for svg in svgs_of(text) for *_r, name in boxes_of(svg)}
        assert len(shown) == len({n for _k, a, b, _s in relationships() for n in (a, b)})


def test_no_two_boxes_overlap() -> None:
    """The tree layout gives every box a row of its own within its column, so names never overlap."""
    edges = [layout.Edge(f"r{i}", "k", a, b) for i, (_k, a, b, _s) in enumerate(relationships())]
    nodes = {e.source for e in edges} | {e.target for e in edges}
    for group in layout.components(nodes, edges):
        top = layout.tree(sorted(group)[0], group, edges, NAMES, dict.fromkeys(nodes, "firm"))
        flat = layout.flat(top)
        assert sum(1 for b in flat if not b.repeat) == len(group)  # every organisation once, repeats dashed
        xs, step = layout._columns(flat), layout.pitch(flat)
        rects = [(xs[b.depth], b.row * step, xs[b.depth] + layout.box_width(b), b.row * step + layout.BOX_H)
                 for b in flat]
        for a, b in combinations(rects, 2):
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_rows_make_room_for_a_phrase_of_three_lines() -> None:
    edges = [layout.Edge("r1", "k", "a", "b", "een zin die over drie regels moet worden gezet", "x")]
    top = layout.tree("a", {"a", "b"}, edges, {"a": "A", "b": "B"}, {"a": "firm", "b": "firm"})
    assert layout.phrase_lines(top.children[0]) == textwrap.wrap(
        "een zin die over drie regels moet worden gezet", layout.LABEL_CHARS)
    assert len(layout.phrase_lines(top.children[0])) == 3
    assert layout.pitch(layout.flat(top)) == 3 * layout.LINE + 6
    assert layout.headroom(layout.flat(top)) == 3 * layout.LINE


@pytest.mark.parametrize("firm", ["usg-people", "emotional-brain"])
def test_a_firms_neighbourhood(site: str, firm: str) -> None:
    text = get(site + f"/network/firm/{firm}?lang=nl").text
    own = [(a, b) for _k, a, b, _s in relationships() if firm in (a, b)]
    assert own
    svg = svgs_of(text)
    assert len(svg) == 1 and 'class="node firm focus"' in svg[0]
    listing = text.split('class="network-list"', 1)[1]
    for a, b in own:
        assert f"/{b}?lang=nl\"" in listing and f"/{a}?lang=nl\"" in listing
    assert get(site + f"/doc/firm/{firm}?lang=nl").text.count(f'href="/network/firm/{firm}?lang=nl"') == 1


def test_things_without_relationships_have_no_network_page(site: str) -> None:
    assert get(site + "/network/sector/j").status_code == 404
    assert get(site + "/network/firm/no-such-firm").status_code == 404


SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('svg.network text')]
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""
# Phrases that cover a box or another phrase, as rendered.
OVERLAPS = """() => { const boxes = [...document.querySelectorAll('svg.network rect')].map(r => r.getBoundingClientRect());
    const phrases = [...document.querySelectorAll('svg.network text.kind')].map(t => [t.textContent,
        t.getBoundingClientRect()]);
    const hit = (a, b) => a.left < b.right - .5 && b.left < a.right - .5 && a.top < b.bottom - .5 && b.top < a.bottom - .5;
    const out = [];
    phrases.forEach(([s, p], i) => { boxes.forEach(b => { if (hit(p, b)) out.push(s); });
        phrases.slice(i + 1).forEach(([s2, p2]) => { if (hit(p, p2)) out.push(s + ' | ' + s2); }); });
    return [phrases.length, out]; }"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_pictures_read_at_every_width(browser, site: str, shots: Path, width: int) -> None:  # noqa: ANN001
    """The smallest text of the pictures, as rendered, is at least 10 px; no phrase covers a box or another phrase;
    the page never scrolls sideways (the picture does, inside its own box); a box is a link named by its
    organisation and leads to its page; the header links to the report and the network."""
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    tab = ctx.new_page()
    try:
        tab.goto(site + "/network?lang=nl")
        assert tab.evaluate(SMALLEST_TEXT) >= 10
        assert tab.evaluate(OVERLAPS) == [len(relationships()), []]
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        tab.screenshot(path=str(shots / f"network-pictures-{width}.png"), full_page=True,
                       clip={"x": 0, "y": 0, "width": width, "height": 3000})
        link = tab.locator("svg.network").get_by_role("link", name="Bell Select BV", exact=True)
        assert link.count() == 1
        link.click()
        tab.wait_for_url("**/doc/firm/bell-select?lang=nl")
        tab.go_back()
        nav = tab.locator("header nav")
        assert nav.get_by_role("link", name="Rapport").get_attribute("href") == "/report?lang=nl"
        assert nav.get_by_role("link", name="Netwerk").get_attribute("href") == "/network?lang=nl"
    finally:
        ctx.close()
