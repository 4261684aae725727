"""The ontology as documentation: every class and property, the W3C terms reused, and a diagram.

Everything is read from the ontology graph of the build being served (ontology/almerekg.ttl and
ontology/codes.ttl as the build published them), plus counts of how often each term is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ...dumps import prefixes
from ...vocab import sorted_terms
from ..core.i18n import tr
from ..core.index import GraphIndex

QB = "http://purl.org/linked-data/cube#"
DCTERMS = "http://purl.org/dc/terms/"

VOCABULARIES = {
    "rdf": "RDF", "rdfs": "RDF Schema", "xsd": "XML Schema datatypes", "owl": "OWL 2",
    "skos": "SKOS", "org": "W3C Organization Ontology", "rov": "W3C Registered Organization Vocabulary",
    "qb": "RDF Data Cube", "prov": "PROV-O", "oa": "Web Annotation", "dcterms": "DCMI Metadata Terms",
    "dcat": "DCAT", "foaf": "FOAF", "void": "VoID", "schema": "schema.org",
    "sdmx-dimension": "SDMX dimensions (Data Cube)", "sdmx-attribute": "SDMX attributes (Data Cube)",
    "sdmx-measure": "SDMX measures (Data Cube)",
}
W3C_STANDARD = {"rdf", "rdfs", "xsd", "owl", "skos", "org", "rov", "qb", "prov", "oa", "dcat", "void"}

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@dataclass
class Link:
    href: str | None  # None: the IRI is no web address (GraphIndex.link)
    text: str
    iri: str
    external: bool


@dataclass
class TermDoc:
    iri: str
    name: str
    kind: str  # class | property
    labels: dict[str, str]
    comments: dict[str, str]
    types: list[str]
    parents: list[Link]
    children: list[Link]
    domain: list[Link]
    range: list[Link]
    code_list: list[Link]
    uses: int
    properties: list[Link] = field(default_factory=list)  # for a class: properties whose domain it is


@dataclass
class Vocabulary:
    prefix: str
    namespace: str
    title: str
    w3c: bool
    terms: list[tuple[str, str, int, str]]  # (curie, iri, uses in the data, how the ontology reuses it)


def _texts(g: Graph, s: URIRef, p: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in g.objects(s, p):
        out.setdefault(getattr(o, "language", None) or "", str(o))
    return out


def _link(index: GraphIndex, iri: str, lang: str) -> Link:
    ours = index.is_ours(iri)
    text = index.display(iri, lang) if ours else index.curie(iri)
    return Link(href=index.link(iri, lang), text=text, iri=iri,
                external=not ours)


def term_doc(index: GraphIndex, iri: str, lang: str) -> TermDoc | None:
    g = index.ontology
    s = URIRef(iri)
    if g is None or (s, None, None) not in g:
        return None
    types = set(g.objects(s, RDF.type))
    kind = "class" if OWL.Class in types or RDFS.Class in types else "property"
    broader = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
    doc = TermDoc(
        iri=iri, name=iri[len(index.def_prefix):] if iri.startswith(index.def_prefix) else iri, kind=kind,
        labels=_texts(g, s, RDFS.label), comments=_texts(g, s, RDFS.comment),
        types=sorted(index.curie(str(t)) for t in types),
        parents=[_link(index, str(o), lang) for o in sorted_terms(g.objects(s, broader))],
        children=[_link(index, str(o), lang) for o in sorted_terms(g.subjects(broader, s))],
        domain=[_link(index, str(o), lang) for o in sorted_terms(g.objects(s, RDFS.domain))],
        range=[_link(index, str(o), lang) for o in sorted_terms(g.objects(s, RDFS.range))],
        code_list=[_link(index, str(o), lang) for o in sorted_terms(g.objects(s, URIRef(QB + "codeList")))],
        uses=index.class_counts.get(iri, 0) if kind == "class" else index.property_counts.get(iri, 0),
    )
    if kind == "class":
        doc.properties = [_link(index, str(p), lang) for p in sorted_terms(g.subjects(RDFS.domain, s))]
    return doc


def ontology_terms(index: GraphIndex, lang: str) -> tuple[list[TermDoc], list[TermDoc]]:
    g = index.ontology
    if g is None:
        return [], []
    ours = sorted({str(s) for s in g.subjects(RDF.type, None)
                   if isinstance(s, URIRef) and str(s).startswith(index.def_prefix)})
    docs = [d for d in (term_doc(index, iri, lang) for iri in ours) if d is not None]
    return [d for d in docs if d.kind == "class"], [d for d in docs if d.kind == "property"]


def ontology_header(index: GraphIndex) -> dict:
    g = index.ontology
    onto = URIRef(index.base + "/def")
    if g is None:
        return {}
    return {
        "iri": str(onto),
        "labels": _texts(g, onto, RDFS.label),
        "comments": _texts(g, onto, RDFS.comment),
        "version": str(g.value(onto, OWL.versionInfo) or ""),
        "license": str(g.value(onto, URIRef(DCTERMS + "license")) or ""),
        "imports": sorted(str(o) for o in g.objects(onto, OWL.imports)),
    }


def reused_vocabularies(index: GraphIndex) -> list[Vocabulary]:
    """W3C and other vocabularies the ontology builds on and the data use, term by term."""
    g = index.ontology
    how: dict[str, set[str]] = {}
    if g is not None:
        roles: dict[Node, str] = {RDFS.subClassOf: "superclass", RDFS.subPropertyOf: "superproperty",
                                  RDFS.domain: "domain", RDFS.range: "range", RDF.type: "type"}
        for s, p, o in g:
            if not (isinstance(o, URIRef) and str(s).startswith(index.def_prefix)):
                continue
            role = roles.get(p)
            if role and not str(o).startswith(index.base + "/"):
                how.setdefault(str(o), set()).add(role)
    used = dict(index.property_counts)
    for c, n in index.class_counts.items():
        used[c] = max(used.get(c, 0), n)
    vocabs = []
    for prefix, ns in prefixes(index.base).items():
        if prefix == "ak":
            continue
        terms = sorted({t for t in (*how, *used) if t.startswith(ns) and len(t) > len(ns)})
        if not terms:
            continue
        vocabs.append(Vocabulary(
            prefix=prefix, namespace=ns, title=VOCABULARIES.get(prefix, prefix), w3c=prefix in W3C_STANDARD,
            terms=[(index.curie(t), t, used.get(t, 0), ", ".join(sorted(how.get(t, ())))) for t in terms]))
    return vocabs


def code_lists(index: GraphIndex, lang: str) -> list[Link]:
    schemes = [iri for iri, types in index.types.items() if str(SKOS.ConceptScheme) in types]
    return sorted((_link(index, s, lang) for s in schemes), key=lambda link: link.text.casefold())


# -------------------------------------------------------------------------------------------------
# The diagram: inline SVG, no script, readable without colour
# -------------------------------------------------------------------------------------------------

# Where each class sits (x, y on a canvas 1100 wide), placed by hand so that the links of the data
# cross as little as possible. A class of ours not listed here goes into the free row at the bottom;
# other vocabularies' classes not listed are left out (code values, Data Cube structure, PROV).
POSITIONS: dict[str, tuple[int, int]] = {
    "ak:Statement": (130, 60), "ak:Firm": (440, 60), "ak:Establishment": (770, 60), "ak:Cluster": (1000, 60),
    "ak:Relationship": (290, 200), "org:Organization": (560, 200), "schema:Place": (800, 230),
    "ak:ClusterSpecialisation": (1000, 185), "ak:Network": (130, 330),
    "qb:Observation": (560, 400), "qb:DataSet": (800, 400),
    "schema:Report": (440, 300), "ak:ReportPart": (330, 460), "ak:Recommendation": (130, 560),
    "ak:ProseRecommendation": (130, 650),
    "ak:Sector": (470, 550), "ak:SizeClass": (670, 550), "ak:Indicator": (870, 550),
    "ak:Register": (1000, 310), "ak:RegisterCode": (1000, 420),
}
FREE_ROW_Y = 720
# Links every kind of thing has (provenance, notes) or that lead into code lists are left out, and said so.
HUB_PROPERTIES = {
    "http://www.w3.org/ns/prov#wasDerivedFrom", DCTERMS + "source", "http://www.w3.org/ns/oa#hasTarget",
    str(SKOS.inScheme), str(SKOS.hasTopConcept),
}
BOX_W, BOX_H = 180, 34


def _layout(index: GraphIndex, classes: set[str]) -> dict[str, tuple[float, float]]:
    pos: dict[str, tuple[float, float]] = {}
    spare = []
    for c in sorted(classes):
        key = index.curie(c)
        if key in POSITIONS:
            pos[c] = POSITIONS[key]
        elif c.startswith(index.def_prefix):
            spare.append(c)
    for i, c in enumerate(spare):  # new classes of ours: along the bottom, right of the fixed ones
        pos[c] = (330 + (i + 1) * 190, FREE_ROW_Y + 60 * (i // 4))
    return pos


CHAR_W = 6.6  # 11px text in the widest common sans (DejaVu Sans): at most about 6.6px a character
# Where a label may sit along its line (fraction of the way) and above or below it (px), in order.
ALONG = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.1, 0.9)
ACROSS = (-5, 12, -16, 23, -27, 34)


def _label_box(x: float, y: float, label: str, anchor: str) -> tuple[float, float, float, float]:
    width = CHAR_W * len(label) + 4
    left = x - width / 2 if anchor == "middle" else x
    return (left, y - 12, left + width, y + 4)


def _place_label(sx: float, sy: float, ex: float, ey: float, label: str, taken: list, width: float
                 ) -> tuple[float, float] | None:
    """The first spot along a line where its label covers no box, no other label and stays inside."""
    for f in ALONG:
        for dy in ACROSS:
            spot = (sx + (ex - sx) * f, sy + (ey - sy) * f + dy)
            if _free(_label_box(*spot, label, "middle"), taken, width):
                return spot
    return None


def _free(box: tuple[float, float, float, float], taken: list, width: float) -> bool:
    """Whether a label's box stays inside the canvas and covers no box or label already placed."""
    return box[0] >= 0 and box[2] <= width and not any(_overlap(box, other) for other in taken)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def diagram_svg(index: GraphIndex, edges: list[tuple[str, str, str, int]], lang: str) -> str:
    """Classes as boxes, one line per pair of linked classes naming the properties that link them."""
    note_iri = index.def_prefix + "Note"
    wanted = {c for a, _p, b, _n in edges for c in (a, b)} - {note_iri}
    pos = _layout(index, wanted)
    pairs: dict[tuple[str, str], dict] = {}
    for a, p, b, n in edges:
        if p in HUB_PROPERTIES or p == index.def_prefix + "hasNote" or a not in pos or b not in pos:
            continue
        key = (a, b) if a <= b else (b, a)
        entry = pairs.setdefault(key, {"props": {}, "forward": False, "backward": False})
        entry["props"][p] = entry["props"].get(p, 0) + n
        entry["forward" if (a, b) == key else "backward"] = True
    shown = {c for key in pairs for c in key}
    if not shown:
        return ""
    height = max(y for c, (_x, y) in pos.items() if c in shown) + 50
    title = tr(lang, "Classes and how the data link them")
    # A group, not an image: its boxes are links (an image's content would be hidden from assistive
    # technology, and links inside it are nested interactive content).
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1100 {height:.0f}" role="group" '
           'aria-labelledby="diagram-title" class="diagram">',
           f'<title id="diagram-title">{escape(title)}</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    labels: list[tuple[float, float, str, str]] = []
    lines: list[tuple[float, float, float, float, list[str]]] = []
    loops: list[tuple[float, float, list[str]]] = []
    for (a, b), entry in sorted(pairs.items()):
        names = [index.display(p, lang) for p, _n in sorted(entry["props"].items(), key=lambda x: -x[1])]
        label = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        x1, y1 = pos[a]
        x2, y2 = pos[b]
        if a == b:  # a class linking to itself: a loop above its box
            out.append(f'<path d="M{x1 - 40:.0f},{y1 - BOX_H / 2:.0f} C{x1 - 50:.0f},{y1 - 60:.0f} '
                       f'{x1 + 50:.0f},{y1 - 60:.0f} {x1 + 40:.0f},{y1 - BOX_H / 2:.0f}" fill="none" '
                       'stroke="#555" marker-end="url(#arrow)"/>')
            loops.append((x1, y1, names))
            continue
        dx, dy = x2 - x1, y2 - y1
        # Start and end the line at the edges of the boxes, not at their centres.
        t = min((BOX_W / 2 + 3) / abs(dx) if dx else math.inf, (BOX_H / 2 + 3) / abs(dy) if dy else math.inf)
        sx, sy, ex, ey = x1 + dx * t, y1 + dy * t, x2 - dx * t, y2 - dy * t
        markers = (' marker-end="url(#arrow)"' if entry["forward"] else "") + (
            ' marker-start="url(#arrow)"' if entry["backward"] else "")
        # The line's title names every property it stands for (shown on hover; its label may be shortened).
        out.append(f'<line x1="{sx:.0f}" y1="{sy:.0f}" x2="{ex:.0f}" y2="{ey:.0f}" stroke="#555"{markers}>'
                   f'<title>{escape(", ".join(names))}</title></line>')
        lines.append((sx, sy, ex, ey, names))
    # Each label goes near the middle of its line unless that covers a box or an earlier label; then it
    # moves along the line and to either side of it. Where no spot is free, fewer property names are
    # shown (the full list is in the tables below), down to the first one.
    taken = [(x - BOX_W / 2 - 3, y - BOX_H / 2 - 3, x + BOX_W / 2 + 3, y + BOX_H / 2 + 3)
             for c, (x, y) in pos.items() if c in shown]
    # A loop's label goes above the loop, higher up, or below its box: the first of those that is free.
    for x, y, names in loops:
        for keep in range(min(3, len(names)), 0, -1):
            label = ", ".join(names[:keep]) + (", …" if len(names) > keep else "")
            spot = next((s for s in ((x, y - 64), (x, y - 78), (x, y + BOX_H / 2 + 16))
                         if _free(_label_box(*s, label, "middle"), taken, 1100)), None)
            if spot is not None:
                taken.append(_label_box(*spot, label, "middle"))
                labels.append((spot[0], spot[1], label, "middle"))
                break
    # The shortest lines first: they have the fewest spots.
    for sx, sy, ex, ey, names in sorted(lines, key=lambda ln: math.hypot(ln[2] - ln[0], ln[3] - ln[1])):
        for keep in range(min(3, len(names)), 0, -1):
            label = ", ".join(names[:keep]) + (", …" if len(names) > keep else "")
            spot = _place_label(sx, sy, ex, ey, label, taken, 1100)
            if spot is not None:
                taken.append(_label_box(*spot, label, "middle"))
                labels.append((spot[0], spot[1], label, "middle"))
                break
    for c in sorted(shown):
        x, y = pos[c]
        ours = c.startswith(index.def_prefix)
        name = index.display(c, lang) if ours else index.curie(c)
        if len(name) > 26:
            name = name[:25] + "…"
        href = escape(index.link(c, lang) or "")
        out.append(f'<a href="{href}"><rect x="{x - BOX_W / 2:.0f}" y="{y - BOX_H / 2:.0f}" '
                   f'width="{BOX_W}" height="{BOX_H}" rx="6" class="{"ours" if ours else "reused"}"/>'
                   f'<text x="{x:.0f}" y="{y + 5:.0f}" text-anchor="middle" class="node">{escape(name)}</text></a>')
    # Labels last, so that they sit on top of the lines.
    for x, y, label, anchor in labels:
        out.append(f'<text x="{x:.0f}" y="{y:.0f}" class="edge" text-anchor="{anchor}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
