"""Code lists and reference things: the report's parts, sectors, size classes, places, kinds of partner."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS

from .context import Context

REPORT_ID = "groei-door-samenwerking-in-almere"


def report_iri(ctx: Context) -> URIRef:
    return ctx.id("report", REPORT_ID)


def scheme(ctx: Context, g, name: str, label_nl: str, label_en: str) -> URIRef:
    iri = ctx.id("scheme", name)
    g.add((iri, RDF.type, SKOS.ConceptScheme))
    g.add((iri, SKOS.prefLabel, Literal(label_nl, lang="nl")))
    g.add((iri, SKOS.prefLabel, Literal(label_en, lang="en")))
    g.add((iri, RDFS.label, Literal(label_nl, lang="nl")))
    g.add((iri, RDFS.label, Literal(label_en, lang="en")))
    return iri


def build_sources(ctx: Context) -> None:
    """sources.csv: the parts of the report every other row cites (graph 'report')."""
    g = ctx.graph("report")
    report = report_iri(ctx)
    for row in ctx.read("sources.csv", ("id", "kind", "label", "section", "page")):
        key = row.required("id")
        part = ctx.id("report-part", key, row)
        ctx.register("source", key, part, row)
        ctx.register("row", f"sources.csv|{key}", part, row)
        g.add((part, RDF.type, ctx.term("ReportPart")))
        g.add((part, RDF.type, SDO.CreativeWork))
        g.add((part, RDFS.label, ctx.nl(row.required("label"))))
        g.add((part, SDO.name, ctx.nl(row.required("label"))))
        g.add((part, DCTERMS.type, Literal(row.required("kind"))))
        g.add((part, SDO.isPartOf, report))
        g.add((part, DCTERMS.isPartOf, report))
        g.add((part, SDO.pageStart, ctx.integer(row.integer("page"))))
        g.add((part, SDO.position, Literal(row.required("section"), lang="nl")))
        ctx.trace(part, row, source="")


def build_code_lists(ctx: Context) -> None:
    g = ctx.graph("codes")
    titles = {
        "establishment-categories": ("soorten vestiging (Tabel 3)", "kinds of establishment (Table 3)"),
        "activities": ("activiteiten in Almere (Tabel 3)", "activities in Almere (Table 3)"),
        "network-focus": ("focus van netwerken (Tabel 4)", "focus of networks (Table 4)"),
        "tabel-5-groups": ("gebieden van Tabel 5", "areas of Table 5"),
        "specialisation-bases": ("specialisatie gemeten naar", "specialisation measured by"),
        "specialisation-levels": ("mate van specialisatie (PBL)", "level of specialisation (PBL)"),
    }
    schemes: dict[str, URIRef] = {}
    for row in ctx.read("code-lists.csv", ("scheme", "code", "label", "printed", "source")):
        name = row.required("scheme")
        if name not in titles:
            raise row.fail(f"scheme {name!r} is not one of {', '.join(sorted(titles))}")
        if name not in schemes:
            schemes[name] = scheme(ctx, g, name, *titles[name])
        code = row.required("code")
        iri = ctx.id(name, code, row)
        ctx.concept(g, schemes[name], iri, row.required("label"), notation=code)
        g.add((iri, ctx.term("printedValue"), Literal(row.required("printed"))))
        ctx.register(name, code, iri, row)
        ctx.register(name + ":printed", row.required("printed"), iri, row)
        ctx.register("row", f"code-lists.csv|{name}|{code}", iri, row)
        if name == "tabel-5-groups":
            ctx.register("row", f"tabel-5.csv|{row.required('label')}", iri, row)
        ctx.trace(iri, row)


def build_sectors(ctx: Context) -> None:
    g = ctx.graph("codes")
    sch = scheme(ctx, g, "sbi-2008-sections", "SBI 2008-secties (Tabel 1 en 2)", "SBI 2008 sections (Tables 1 and 2)")
    for row in ctx.read("sectors.csv", ("code", "label", "label_tabel_2", "source")):
        code = row.required("code")
        if len(code) != 1 or not code.isalpha() or not code.isupper():
            raise row.fail(f"column 'code' must be one SBI section letter (A-U), found {code!r}")
        iri = ctx.id("sector", code.lower(), row)
        ctx.concept(g, sch, iri, row.required("label"), notation=code, types=(ctx.term("Sector"),))
        g.add((sch, SKOS.hasTopConcept, iri))
        if row.get("label_tabel_2").strip():
            g.add((iri, SKOS.altLabel, ctx.nl(row["label_tabel_2"])))
        ctx.register("sector", code, iri, row)
        ctx.register("row", f"sectors.csv|{code}", iri, row)
        ctx.trace(iri, row)
    total = ctx.id("sector", "totaal")
    ctx.concept(g, sch, total, "Totaal", notation="totaal", types=(ctx.term("Sector"),))
    g.add((total, ctx.term("isTotal"), Literal(True)))
    g.add((total, PROV.wasDerivedFrom, ctx.source("tabel-1")))
    ctx.index.setdefault("sector", {})["totaal"] = total
    ctx.rows[total] = ["tabel-1.csv:1", "tabel-2.csv:1"]  # the header that prints "totaal"


def build_size_classes(ctx: Context) -> None:
    g = ctx.graph("codes")
    sch = scheme(ctx, g, "size-classes", "grootteklassen (werkzame personen)", "size classes (persons working)")
    for order, row in enumerate(ctx.read("size-classes.csv", ("code", "label", "min", "max", "source")), start=1):
        code = row.required("code")
        iri = ctx.id("size-class", code, row)
        ctx.concept(g, sch, iri, row.required("label"), notation=code, types=(ctx.term("SizeClass"),))
        g.add((iri, ctx.term("minPersons"), ctx.integer(row.integer("min"))))
        high = row.integer("max", optional=True)
        if high is not None:
            g.add((iri, ctx.term("maxPersons"), ctx.integer(high)))
        g.add((iri, SDO.position, ctx.integer(order)))
        ctx.register("size-class", code, iri, row)
        ctx.register("size-class", row.required("label"), iri, row)
        ctx.register("row", f"size-classes.csv|{code}", iri, row)
        ctx.trace(iri, row)
    total = ctx.id("size-class", "totaal")
    ctx.concept(g, sch, total, "totaal", notation="totaal", types=(ctx.term("SizeClass"),))
    g.add((total, ctx.term("isTotal"), Literal(True)))
    g.add((total, PROV.wasDerivedFrom, ctx.source("tabel-1")))
    ctx.index.setdefault("size-class", {})["totaal"] = total
    ctx.rows[total] = ["tabel-1.csv:1", "tabel-2.csv:1"]


def build_places(ctx: Context) -> None:
    g = ctx.graph("codes")
    kinds = {"gemeente", "woonplaats", "provincie", "regio", "landsdeel", "land", "werelddeel", "buitenlandse-plaats",
             "bedrijventerrein", "other"}
    for row in ctx.read("places.csv", ("id", "name", "kind", "source")):
        key = row.required("id")
        kind = row.required("kind")
        if kind not in kinds:
            raise row.fail(f"column 'kind' must be one of {', '.join(sorted(kinds))}, found {kind!r}")
        iri = ctx.id("place", key, row)
        g.add((iri, RDF.type, SDO.Place))
        g.add((iri, RDF.type, DCTERMS.Location))
        if kind == "land":
            g.add((iri, RDF.type, SDO.Country))
        g.add((iri, RDFS.label, ctx.nl(row.required("name"))))
        g.add((iri, SDO.name, ctx.nl(row.required("name"))))
        g.add((iri, ctx.term("placeKind"), ctx.id("place-kind", kind)))
        ctx.register("place", key, iri, row)
        ctx.register("row", f"places.csv|{key}", iri, row)
        ctx.index.setdefault("place:name", {})[row["name"].strip()] = iri
        ctx.trace(iri, row)


def build_place_parts(ctx: Context) -> None:
    """place-parts.csv: which place of the report lies in which other one (schema:containedInPlace)."""
    g = ctx.graph("codes")
    for row in ctx.read("place-parts.csv", ("place", "part_of", "source", "quote")):
        place = ctx.lookup("place", row.required("place"), row, "place")
        whole = ctx.lookup("place", row.required("part_of"), row, "part_of")
        if place == whole:
            raise row.fail("a place does not lie in itself")
        ctx.quote(row)  # not stored (the places' own rows cite them), but it must be there, in a known language
        g.add((place, SDO.containedInPlace, whole))
        g.add((whole, SDO.containsPlace, place))
        ctx.register("row", f"place-parts.csv|{row['place'].strip()}|{row['part_of'].strip()}", place, row)
        ctx.trace(place, row)


def build_sector_notes(ctx: Context) -> None:
    """sector-notes.csv: what the report says a sector of Tabel 1 and 2 includes (CBS counts leasing firms in N)."""
    g = ctx.graph("codes")
    for row in ctx.read("sector-notes.csv", ("sector", "includes", "source", "quote")):
        sector = ctx.lookup("sector", row.required("sector"), row, "sector")
        g.add((sector, ctx.term("includesActivity"), ctx.nl(row.required("includes"))))
        g.add((sector, SKOS.scopeNote, ctx.quote(row)))
        ctx.register("row", f"sector-notes.csv|{row['sector'].strip()}|{row['includes'].strip()}", sector, row)
        ctx.trace(sector, row)


def build_partner_kinds(ctx: Context) -> None:
    g = ctx.graph("codes")
    sch = scheme(ctx, g, "partner-kinds", "aard van de samenwerkingspartners", "kinds of partner")
    for order, row in enumerate(ctx.read("partner-kinds.csv", ("id", "label", "label_tabel_6", "count", "source")), 1):
        key = row.required("id")
        iri = ctx.id("partner-kind", key, row)
        ctx.concept(g, sch, iri, row.required("label_tabel_6"), notation=key)
        g.add((iri, SKOS.altLabel, ctx.nl(row.required("label"))))
        g.add((iri, SDO.position, ctx.integer(order)))
        g.add((iri, ctx.term("listedCount"), ctx.integer(row.integer("count"))))
        ctx.register("partner-kind", key, iri, row)
        ctx.register("row", f"partner-kinds.csv|{key}", iri, row)
        ctx.trace(iri, row)
    total = ctx.id("partner-kind", "totaal")
    ctx.concept(g, sch, total, "Totaal", notation="totaal")
    g.add((total, ctx.term("isTotal"), Literal(True)))
    g.add((total, PROV.wasDerivedFrom, ctx.source("tabel-6")))
    ctx.index.setdefault("partner-kind", {})["totaal"] = total

    sch6 = scheme(ctx, g, "tabel-6-regions", "herkomst van samenwerkingspartners (Tabel 6)",
                  "origin of partners (Table 6)")
    for order, row in enumerate(ctx.read("tabel-6-regions.csv", ("id", "label", "source")), 1):
        key = row.required("id")
        iri = ctx.id("tabel-6-region", key, row)
        ctx.concept(g, sch6, iri, row.required("label"), notation=key)
        g.add((iri, SDO.position, ctx.integer(order)))
        ctx.register("tabel-6-region", key, iri, row)
        ctx.register("row", f"tabel-6-regions.csv|{key}", iri, row)
        ctx.trace(iri, row)
    total = ctx.id("tabel-6-region", "totaal")
    ctx.concept(g, sch6, total, "Totaal", notation="totaal")
    g.add((total, ctx.term("isTotal"), Literal(True)))
    g.add((total, PROV.wasDerivedFrom, ctx.source("tabel-6")))
    ctx.index.setdefault("tabel-6-region", {})["totaal"] = total


__all__ = ["REPORT_ID", "build_code_lists", "build_partner_kinds", "build_place_parts", "build_places",
           "build_sector_notes", "build_sectors", "build_size_classes", "build_sources", "report_iri", "scheme"]


LABELLED_SCHEMES = {
    "indicators": ("indicator", "kengetallen uit de tekst", "figures stated in the text"),
    "units": ("unit", "eenheden", "units"),
    "survey-lists": ("survey-list", "lijsten van de steekproef", "sample lists"),
    "survey-steps": ("survey-step", "stappen van de steekproef", "sample steps"),
}


def build_code_labels(ctx: Context) -> None:
    """Code lists of our own (indicators, units, survey lists and steps) with Dutch and English labels."""
    g = ctx.graph("codes")
    made: dict[str, URIRef] = {}
    for row in ctx.read("code-labels.csv", ("scheme", "code", "label_nl", "label_en", "definition_nl")):
        name = row.required("scheme")
        if name not in LABELLED_SCHEMES:
            raise row.fail(f"scheme {name!r} is not one of {', '.join(LABELLED_SCHEMES)}")
        kind, title_nl, title_en = LABELLED_SCHEMES[name]
        if name not in made:
            made[name] = scheme(ctx, g, name, title_nl, title_en)
        code = row.required("code")
        iri = ctx.id(kind, code, row)
        ctx.concept(g, made[name], iri, row.required("label_nl"), notation=code,
                    types=(ctx.term("Indicator"),) if kind == "indicator" else ())
        g.add((iri, SKOS.prefLabel, Literal(row.required("label_en"), lang="en")))
        g.add((iri, RDFS.label, Literal(row.required("label_en"), lang="en")))
        if row.get("definition_nl").strip():
            g.add((iri, SKOS.definition, ctx.nl(row["definition_nl"])))
        ctx.register(kind, code, iri, row)
        ctx.trace(iri, row, source="")
