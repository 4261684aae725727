"""The report's numbered lists in prose: research questions, the typology of firms, the forms of R&D, the PBL's
spatial patterns of clusters, the reasons firms gave for not taking part, the paragraphs of the summary, the summary
findings of chapter 4, the conclusions and the recommendations of chapter 5, which organisations, clusters and
publications they name, and the footnotes whose mark they print (graph 'findings')."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS

from .codes import scheme
from .context import Context
from .rows import Row

GRAPH = "findings"
# An item the extraction split over several rows is joined again: a page break fell inside a sentence, so a space;
# a new paragraph of the same item keeps an empty line.
BREAKS = {"page": " ", "paragraph": "\n\n"}
SUPERSCRIPT = str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def build_findings(ctx: Context) -> None:
    g = ctx.graph(GRAPH)
    items: dict[str, tuple[URIRef, str]] = {}
    _research_questions(ctx, g, items)
    _concept_list(ctx, g, items, "business-typology.csv", "number", "business-type", "business-typology",
                  ("typologie van bedrijvigheid in Almere", "typology of business activity in Almere"),
                  ("Type", "Type"))
    _concept_list(ctx, g, items, "rd-forms.csv", "letter", "rd-form", "rd-forms",
                  ("vormen van onderzoek & ontwikkeling", "forms of research & development"), ("Vorm", "Form"))
    _concept_list(ctx, g, items, "spatial-patterns.csv", "number", "spatial-pattern", "spatial-patterns",
                  ("ruimtelijke patronen van clusters (PBL)", "spatial patterns of clusters (PBL)"),
                  ("Patroon", "Pattern"))
    _concept_list(ctx, g, items, "refusal-reasons.csv", "number", "refusal-reason", "refusal-reasons",
                  ("redenen om niet deel te nemen aan het onderzoek", "reasons for not taking part in the survey"),
                  ("Reden", "Reason"))
    _summary_paragraphs(ctx, g, items)
    _summary_findings(ctx, g, items)
    _conclusions(ctx, g, items)
    _prose_recommendations(ctx, g, items)
    _mentions(ctx, g, items)
    _footnotes(ctx, g, items)


def _chapter(ctx: Context, source: str) -> str:
    """'5' for a part whose section is printed '5. Conclusies en aanbevelingen'."""
    section = str(ctx.graph("report").value(ctx.source(source), SDO.position) or "")
    return section.split(".", 1)[0]


def _joined(rows: list[Row], key: str) -> dict[str, tuple[list[Row], str]]:
    """Group the printed passages of each item (column `part`) and join them into the item's text."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.required(key), []).append(row)
    joined = {}
    for ref, parts in grouped.items():
        text = ""
        for expected, row in enumerate(parts, start=1):
            if row.integer("part") != expected:
                raise row.fail(f"{key} {ref!r}: part {row['part']!r} out of order, expected {expected}")
            if row.required("source") != parts[0].required("source"):
                raise row.fail(f"{key} {ref!r}: every part must cite the same source as part 1")
            brk = row.get("break_before").strip()
            if expected == 1:
                if brk:
                    raise row.fail("column 'break_before' must be empty for part 1")
                text = row.required("text")
            elif brk not in BREAKS:
                raise row.fail(f"column 'break_before' must be one of {', '.join(BREAKS)}, found {brk!r}")
            else:
                text += BREAKS[brk] + row.required("text")
        joined[ref] = (parts, text)
    return joined


def _item(ctx: Context, items: dict[str, tuple[URIRef, str]], kind: str, ref: str, text: str, file: str,
          rows: list[Row]) -> URIRef:
    iri = ctx.id(kind, ref, rows[0])
    path = f"{kind}/{ref}"
    if path in items:
        raise rows[0].fail(f"{kind} {ref!r} is defined twice")
    items[path] = (iri, text)
    for row in rows:
        ctx.register("row", f"{file}|{ref}", iri, row)
        ctx.trace(iri, row)
    return iri


def _labels(g: Graph, iri: URIRef, nl: str, en: str) -> None:
    g.add((iri, RDFS.label, Literal(nl, lang="nl")))
    g.add((iri, RDFS.label, Literal(en, lang="en")))


def _research_questions(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]]) -> None:
    rows = ctx.read("research-questions.csv", ("id", "number", "restates", "answered_in", "text", "source"))
    for row in rows:
        key = row.required("id")
        number = row.integer("number")
        text = row.required("text")
        q = _item(ctx, items, "research-question", key, text, "research-questions.csv", [row])
        ctx.register("research-question", key, q, row)
        g.add((q, RDF.type, SDO.Question))
        g.add((q, SDO.text, ctx.nl(text)))
        g.add((q, SDO.position, ctx.integer(number)))
        g.add((q, SDO.isPartOf, ctx.source(row.required("source"))))
        if row.get("restates").strip():
            chapter = _chapter(ctx, row.required("source"))
            _labels(g, q, f"Kernvraag {number}, herhaald in hoofdstuk {chapter}",
                    f"Research question {number}, restated in chapter {chapter}")
        else:
            _labels(g, q, f"Kernvraag {number}", f"Research question {number}")
        if row.get("answered_in").strip():
            g.add((q, ctx.term("answeredIn"), ctx.lookup("source", row["answered_in"], row, "answered_in")))
    for row in rows:
        if row.get("restates").strip():
            q = ctx.index["research-question"][row.required("id")]
            g.add((q, PROV.wasRevisionOf, ctx.lookup("research-question", row["restates"], row, "restates")))


def _concept_list(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]], file: str, key: str, kind: str,
                  name: str, titles: tuple[str, str], prefix: tuple[str, str]) -> None:
    """A list whose items the report defines as kinds of thing: a SKOS scheme, the item's text its definition."""
    sch = scheme(ctx, g, name, *titles)
    sources: set[str] = set()
    for position, row in enumerate(ctx.read(file, (key, "label_nl", "label_en", "text", "source")), start=1):
        notation = row.required(key)
        text = row.required("text")
        iri = _item(ctx, items, kind, notation, text, file, [row])
        ctx.concept(g, sch, iri, f"{prefix[0]} {notation}: {row.required('label_nl')}", notation=notation)
        g.add((iri, SKOS.prefLabel, Literal(f"{prefix[1]} {notation}: {row.required('label_en')}", lang="en")))
        g.add((iri, RDFS.label, Literal(f"{prefix[1]} {notation}: {row.required('label_en')}", lang="en")))
        g.add((iri, SKOS.definition, ctx.nl(text)))
        g.add((iri, SDO.position, ctx.integer(position)))
        g.add((sch, SKOS.hasTopConcept, iri))
        sources.add(row.required("source"))
    for src in sorted(sources):
        g.add((sch, DCTERMS.source, ctx.source(src)))
        ctx.derived.setdefault(sch, set()).add(src)  # the provenance graph says where each thing comes from


def _conclusions(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]]) -> None:
    rows = ctx.read("conclusions.csv", ("id", "parent", "number", "part", "break_before", "text", "source"))
    subitems: dict[str, int] = {}
    for key, (parts, text) in _joined(rows, "id").items():
        first = parts[0]
        c = _item(ctx, items, "conclusion", key, text, "conclusions.csv", parts)
        ctx.register("conclusion", key, c, first)
        g.add((c, RDF.type, SDO.Claim))
        g.add((c, SDO.text, ctx.nl(text)))
        _labels(g, c, f"Conclusie {key}", f"Conclusion {key}")
        parent_key = first.get("parent").strip()
        if parent_key:
            # Sub-items are lettered within their conclusion; their position counts within it.
            parent = ctx.lookup("conclusion", parent_key, first, "parent")
            subitems[parent_key] = subitems.get(parent_key, 0) + 1
            g.add((c, SDO.position, ctx.integer(subitems[parent_key])))
            g.add((c, SDO.isPartOf, parent))
            g.add((parent, SDO.hasPart, c))
        else:
            g.add((c, SDO.position, ctx.integer(first.integer("number"))))
            g.add((c, SDO.isPartOf, ctx.source(first.required("source"))))


def _numbered(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]], file: str, kind: str,
              types: tuple[URIRef, ...], label: tuple[str, str]) -> None:
    """A plainly numbered list in the running text: each item its (joined) text, position and section.

    `label` holds nl/en templates with {number} and {chapter}.
    """
    rows = ctx.read(file, ("number", "part", "break_before", "text", "source"))
    for key, (parts, text) in _joined(rows, "number").items():
        number = parts[0].integer("number")
        if key != str(number):
            raise parts[0].fail(f"column 'number' must be a plain number, found {key!r}")
        item = _item(ctx, items, kind, key, text, file, parts)
        source = parts[0].required("source")
        chapter = _chapter(ctx, source)
        for t in types:
            g.add((item, RDF.type, t))
        g.add((item, SDO.text, ctx.nl(text)))
        g.add((item, SDO.position, ctx.integer(number)))
        g.add((item, SDO.isPartOf, ctx.source(source)))
        nl, en = (text.format(number=number, chapter=chapter) for text in label)
        _labels(g, item, nl, en)


def _summary_paragraphs(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]]) -> None:
    """The seven paragraphs of the Samenvatting: the report's findings in brief, claims like the conclusions."""
    _numbered(ctx, g, items, "summary-paragraphs.csv", "summary-paragraph", (SDO.Claim,),
              ("Alinea {number} van de samenvatting", "Paragraph {number} of the summary"))


def _summary_findings(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]]) -> None:
    """The numbered summary after Tabel 6 ("Samengevat vallen drie dingen op."): claims, like the conclusions."""
    _numbered(ctx, g, items, "summary-findings.csv", "summary-finding", (SDO.Claim,),
              ("Samenvattende bevinding {number} van hoofdstuk {chapter}",
               "Summary finding {number} of chapter {chapter}"))


def _prose_recommendations(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]]) -> None:
    _numbered(ctx, g, items, "prose-recommendations.csv", "prose-recommendation",
              (ctx.term("ProseRecommendation"), SDO.CreativeWork),
              ("Aanbeveling {number} (hoofdstuk {chapter})", "Recommendation {number} (chapter {chapter})"))


def _mentions(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]]) -> None:
    orgs = ctx.index.get("organisation", {})
    clusters = ctx.index.get("cluster", {})
    publications = ctx.index.get("publication", {})
    for row in ctx.read("mentions.csv", ("item", "mentions", "name_printed", "source")):
        path = row.required("item")
        if path not in items:
            raise row.fail(f"column 'item' names {path!r}, which is no item of the lists built here "
                           "(research-question/, business-type/, rd-form/, spatial-pattern/, summary-paragraph/, "
                           "summary-finding/, conclusion/, prose-recommendation/)")
        item, text = items[path]
        ref = row.required("mentions")
        if sum(ref in kind for kind in (orgs, clusters, publications)) > 1:
            raise row.fail(f"{ref!r} is more than one of organisation, cluster and publication")
        thing = orgs.get(ref) or clusters.get(ref) or publications.get(ref)
        if thing is None:
            raise row.fail(f"column 'mentions' names {ref!r}, which is no firm, organisation, network, cluster or "
                           "publication (literature.csv)")
        # The printed name is what a reader looks for in the item; a name the item does not contain is a typo.
        if row.required("name_printed") not in text:
            raise row.fail(f"{path} does not contain the name {row['name_printed'].strip()!r}")
        # A publication of Bijlage 2 is cited the way the report cites its literature; mentions are for the rest.
        g.add((item, DCTERMS.references if ref in publications else SDO.mentions, thing))
        ctx.register("row", f"mentions.csv|{path}", item, row)
        ctx.trace(item, row)


def _footnotes(ctx: Context, g: Graph, items: dict[str, tuple[URIRef, str]]) -> None:
    """A footnote whose mark stands in an item's text: its own text, attached to that item (footnotes.csv)."""
    for row in ctx.read("footnotes.csv", ("number", "item", "text", "source")):
        number = row.integer("number")
        path = row.required("item")
        if path not in items:
            raise row.fail(f"column 'item' names {path!r}, which is no item of the lists built here")
        item, text = items[path]
        mark = str(number).translate(SUPERSCRIPT)
        if mark not in text:
            raise row.fail(f"{path} does not print the mark {mark} of footnote {number}")
        note = ctx.id("footnote", str(number), row)
        g.add((note, RDF.type, ctx.term("Footnote")))
        g.add((note, SDO.text, ctx.nl(row.required("text"))))
        g.add((note, SDO.position, ctx.integer(number)))
        g.add((note, SDO.isPartOf, ctx.source(row.required("source"))))
        _labels(g, note, f"Voetnoot {number}", f"Footnote {number}")
        g.add((item, ctx.term("hasFootnote"), note))
        ctx.register("row", f"footnotes.csv|{number}", note, row)
        ctx.trace(note, row)
