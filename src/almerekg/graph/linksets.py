"""What `almerekg link` wrote under linksets/ -> named graphs of their own (linkset-cbs-..., linkset-kvk).

The report's graphs never receive a triple from here. Each linkset graph says where it came from: the CBS table URL
and the time of retrieval, or for KvK who accepted each link and when. Subjects remember their linksets/ file and
line (ak:sourceRow) like every other row of the build.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, QB, RDF, RDFS, SKOS, XSD

from ..link.formats import CBS_COLUMNS
from ..link.formats import KVK_ACCEPTED_COLUMNS as ACCEPTED_COLUMNS
from ..vocab import ROV, SDMX_ATT, SDMX_DIM, slug
from .context import Context
from .cubes import dataset
from .rows import DataError, Row, read_csv

ADMS = "http://www.w3.org/ns/adms#"
MEASURE_TITLES = {
    "establishments": ("vestigingen", "establishments"),
    "jobs": ("werkgelegenheid", "jobs"),
}
# The unit of each measure once CBS's published value is multiplied out (data/code-labels.csv, scheme units).
MEASURE_UNITS = {"establishments": "establishments", "jobs": "jobs"}
# CBS's Status of a period (Perioden) -> the observation status it becomes (ontology/codes.ttl).
PERIOD_STATUS = {"voorlopig": "provisional", "nader voorlopig": "provisional", "definitief": "definitive"}
# value_status of a cell (link/formats.py): CBS's symbol, and for x and . the words a page shows instead of a number.
VALUE_STATUS = ("", "nil", "secret", "not-available")
SYMBOL_OF = {"nil": "-", "secret": "x", "not-available": "."}
UNPUBLISHED = {"secret": ("geheim", "secret"), "not-available": ("niet beschikbaar", "not available")}
# Registers whose codes a linkset's region may be: municipality, province, and the country by its ISO code.
REGION_REGISTERS = ("cbs-gemeenten-2021", "cbs-provincies-2021", "iso-3166-1")


def _trace(ctx: Context, graph: str, subject: URIRef, where: str) -> None:
    """ak:sourceRow in the linkset's own graph; ctx.rows too, so a violation names the linksets/ file and line."""
    ctx.graph(graph).add((subject, ctx.term("sourceRow"), Literal(where)))
    ctx.rows.setdefault(subject, []).append(where)


def _where(ctx: Context, row: Row, folder: str) -> str:
    return f"linksets/{folder}/{row.where}"


def _files(ctx: Context, folder: str) -> list[Path]:
    if ctx.linksets_dir is None or not (ctx.linksets_dir / folder).is_dir():
        return []
    return sorted((ctx.linksets_dir / folder).glob("*.csv"))


def build_cbs_linksets(ctx: Context) -> None:
    for path in _files(ctx, "cbs"):
        _cbs_file(ctx, path)


def _cbs_file(ctx: Context, path: Path) -> None:
    manifest_path = path.with_suffix(".json")
    if not manifest_path.is_file():
        raise DataError(f"linksets/cbs/{path.name}: its provenance file {manifest_path.name} is missing; "
                        "rerun `almerekg link cbs` instead of copying CSV files by hand")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    rows = read_csv(path, CBS_COLUMNS)
    if not rows:
        return
    table, region = manifest["table"], manifest["municipality"]
    key = f"cbs-{slug(table)}-{slug(region)}"
    graph = f"linkset-{key}"
    g = ctx.graph(graph)
    codes = ctx.index.get("place-code", {})
    place = next((codes[f"{reg}|{region}"] for reg in REGION_REGISTERS if f"{reg}|{region}" in codes), None)
    if place is None:
        raise DataError(f"linksets/cbs/{path.name}: region {region} is not the CBS code (or, for the country, the "
                        "ISO code) of any place in data/place-codes.csv, so its figures cannot sit beside the report's")
    table_url = URIRef(manifest["table_url"])
    export = manifest.get("export")
    run = ctx.id("link-run", f"{key}/{slug(manifest['retrieved'])}")
    g.add((run, RDF.type, PROV.Activity))
    g.add((run, RDFS.label, Literal(f"almerekg link cbs {table} {region}")))
    ended = manifest["written"] if export else manifest["retrieved"]  # an export's date is not the run's
    g.add((run, PROV.endedAtTime, Literal(ended, datatype=XSD.dateTime)))
    for req in manifest.get("data_requests", []):
        g.add((run, PROV.used, URIRef(req["url"])))
    gi = g.identifier
    g.add((gi, PROV.wasDerivedFrom, table_url))
    g.add((gi, PROV.wasGeneratedBy, run))
    g.add((gi, DCTERMS.publisher, Literal(manifest.get("publisher", "Centraal Bureau voor de Statistiek"))))
    if export:
        _export_origin(ctx, graph, run, export)
    how = "Gelezen uit een CSV-export van CBS StatLine" if export else "Opgehaald uit CBS StatLine"
    g.add((gi, RDFS.comment, Literal(f"{how}, tabel {table} ({manifest.get('title', '')}), "
                                     f"voor {region}; niet uit het rapport.", lang="nl")))

    # The CBS categories become concepts of their own, mapped to the report's sector concepts by the section letter
    # CBS prints in the category title: that is "what CBS publishes for SBI", reproducible from the response.
    scheme = ctx.id("scheme", f"{key}-{slug(manifest['dimensions']['sbi'])}")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for lang, text in (("nl", f"categorieën van CBS-tabel {table}"), ("en", f"categories of CBS table {table}")):
        g.add((scheme, RDFS.label, Literal(text, lang=lang)))
        g.add((scheme, SKOS.prefLabel, Literal(text, lang=lang)))
    g.add((scheme, DCTERMS.source, table_url))

    datasets: dict[str, URIRef] = {}
    for row in rows:
        measure = row.required("measure")
        if measure not in MEASURE_TITLES:
            raise row.fail(f"column 'measure' must be establishments or jobs, found {measure!r}")
        if row.required("table") != table or row.required("region") != region:
            raise row.fail(f"row belongs to table {row['table']} / region {row['region']}, not to this file's "
                           f"{table} / {region}")
        section = row["section"].strip()
        sector = ctx.index.get("sector", {}).get(section)
        if sector is None:
            continue  # a section the report's tables do not have (B, U): kept in the CSV, not in the graph
        if measure not in datasets:
            nl, en = MEASURE_TITLES[measure]
            name = {lang: _place_name(ctx, place, lang) or region for lang in ("nl", "en")}
            ds = dataset(ctx, graph, f"{key}-{measure}", f"CBS {table} {name['nl']}: {nl} naar SBI-sectie",
                         f"CBS {table} {name['en']}: {en} by SBI section", "tabel-1",
                         [ctx.term("sector"), SDMX_DIM.refArea, SDMX_DIM.refPeriod], ctx.term(measure),
                         [ctx.term("cbsCategory"), ctx.term("cbsMeasureKey")])
            # dataset() cites a part of the report by default; a linked dataset cites CBS instead.
            g.remove((ds, PROV.wasDerivedFrom, None))
            g.remove((ds, DCTERMS.source, None))
            g.add((ds, RDF.type, ctx.term("LinkedDataSet")))
            g.add((ds, PROV.wasDerivedFrom, table_url))
            g.add((ds, DCTERMS.source, table_url))
            g.add((ds, PROV.wasGeneratedBy, run))
            g.add((ds, DCTERMS.publisher, Literal(manifest.get("publisher", "Centraal Bureau voor de Statistiek"))))
            if manifest.get("title"):
                g.add((ds, DCTERMS.description, Literal(f"CBS-tabel: {manifest['title']}", lang="nl")))
            _trace(ctx, graph, ds, f"linksets/cbs/{manifest_path.name}")
            datasets[measure] = ds
        year = row.integer("year")
        status = row.get("value_status").strip()
        if status not in VALUE_STATUS:
            raise row.fail(f"value_status {status!r} is not one of {', '.join(repr(v) for v in VALUE_STATUS)}")
        # One concept per linkset (its scheme's): a concept shared by the graphs of several regions would be stated
        # in each of them.
        cat_ref = f"{key}/{slug(row.required('dimension'))}/{slug(row.required('category_key'))}"
        cat = ctx.id("cbs-category", cat_ref, row)
        g.add((cat, RDF.type, SKOS.Concept))
        g.add((cat, SKOS.inScheme, scheme))
        g.add((cat, SKOS.notation, Literal(row["category_key"].strip())))
        g.add((cat, SKOS.prefLabel, Literal(row.required("category_title"), lang="nl")))
        g.add((cat, RDFS.label, Literal(row["category_title"].strip(), lang="nl")))
        english = Literal(_category_en(ctx, sector, row["category_key"].strip(), table), lang="en")
        g.add((cat, SKOS.prefLabel, english))
        g.add((cat, RDFS.label, english))
        g.add((cat, SKOS.exactMatch, sector))
        obs = ctx.id("observation", f"{key}/{year}/{section.lower()}/{measure}", row)
        if status in UNPUBLISHED:
            # CBS printed x or .: no number, ever. The cell sits beside the cube with its status.
            g.add((obs, RDF.type, ctx.term("UnpublishedFigure")))
            g.add((obs, DCTERMS.relation, datasets[measure]))
            g.add((obs, RDFS.label, Literal(f"{region} {section} {year}: {UNPUBLISHED[status][0]}", lang="nl")))
        else:
            g.add((obs, RDF.type, QB.Observation))
            g.add((obs, QB.dataSet, datasets[measure]))
            g.add((obs, ctx.term(measure), Literal(row.integer("value"), datatype=XSD.integer)))
        g.add((obs, ctx.term("sector"), sector))
        g.add((obs, SDMX_DIM.refArea, place))
        g.add((obs, SDMX_DIM.refPeriod, Literal(str(year), datatype=XSD.gYear)))
        _unit_and_status(ctx, graph, obs, row, measure, status)
        g.add((obs, ctx.term("cbsCategory"), cat))
        g.add((obs, ctx.term("cbsMeasureKey"), Literal(row.required("measure_key"))))
        g.add((obs, PROV.wasDerivedFrom, URIRef(row.required("url"))))
        retrieved = row.required("retrieved")
        g.add((obs, PROV.generatedAtTime, Literal(retrieved, datatype=XSD.dateTime if "T" in retrieved
                                                  else XSD.date)))
        _trace(ctx, graph, obs, _where(ctx, row, "cbs"))
        _trace(ctx, graph, cat, _where(ctx, row, "cbs"))


def _category_en(ctx: Context, sector: URIRef, key: str, table: str) -> str:
    """CBS titles its categories in Dutch only: a section takes NACE's English title of the same letter (the
    registers graph), the total says which sections it spans."""
    english = next((str(o) for o in ctx.graph("registers").objects(sector, SKOS.prefLabel)
                    if isinstance(o, Literal) and o.language == "en"), None)
    if english and "-" not in key:
        return f"{key} {english}"
    return f"{key} (CBS {table}: sections {key.replace('-', ' to ')})"


def _place_name(ctx: Context, place: URIRef, lang: str) -> str | None:
    """The place's name as the codes graph gives it, so a linked dataset reads 'CBS 81575NED Almere'."""
    names = {n.language: str(n) for name in ("codes", "registers") for n in ctx.graph(name).objects(place, RDFS.label)
             if isinstance(n, Literal)}
    return names.get(lang) or names.get("nl")


def _export_origin(ctx: Context, graph: str, run: URIRef, export: dict) -> None:
    """A linkset read from a StatLine export derives from that file: its stored copy and the copy's origin."""
    g = ctx.graph(graph)
    gi = g.identifier
    if export.get("register"):
        g.add((gi, PROV.wasDerivedFrom, ctx.id("register", export["register"])))
        g.add((run, PROV.used, ctx.id("register", export["register"])))
    g.add((gi, PROV.wasDerivedFrom, URIRef(export["url"])))
    g.add((gi, DCTERMS.date, Literal(export["date"], datatype=XSD.date)))
    g.add((gi, ctx.term("sha256"), Literal(export["sha256"])))
    g.add((gi, RDFS.comment, Literal(f"Export {export['file']} (sha256 {export['sha256']}); herkomst: "
                                     f"{export['origin']}; datum {export['date']} ({export['date_basis']}).",
                                     lang="nl")))


def _unit_and_status(ctx: Context, graph: str, obs: URIRef, row: Row, measure: str, value_status: str) -> None:
    """The count's unit, CBS's value and unit as published (so a reader can redo the multiplication), the status."""
    g = ctx.graph(graph)
    g.add((obs, SDMX_ATT.unitMeasure, ctx.lookup("unit", MEASURE_UNITS[measure], row, "measure")))
    g.add((obs, ctx.term("cbsUnit"), Literal(row.required("unit"))))
    g.add((obs, ctx.term("cbsUnitMultiplier"), Literal(row.integer("multiplier"), datatype=XSD.integer)))
    if value_status:
        symbol = row.required("value_published")
        if SYMBOL_OF[value_status] != symbol or (value_status in UNPUBLISHED) != (row.get("value").strip() == ""):
            raise row.fail(f"value_status {value_status} goes with the symbol {SYMBOL_OF[value_status]!r} and "
                           f"{'no value' if value_status in UNPUBLISHED else 'value 0'}; rerun `almerekg link cbs`")
        g.add((obs, ctx.term("cbsSymbol"), Literal(symbol)))
        g.add((obs, SDMX_ATT.obsStatus, ctx.id("observation-status", f"cbs-{value_status}")))
    else:
        try:
            published = Literal(Decimal(row.required("value_published")), datatype=XSD.decimal)
        except InvalidOperation:
            raise row.fail(f"value_published {row['value_published']!r} is not a number") from None
        g.add((obs, ctx.term("cbsPublishedValue"), published))
        if Decimal(row["value_published"].strip()) * row.integer("multiplier") != row.integer("value"):
            raise row.fail("value is not value_published x multiplier; rerun `almerekg link cbs`")
    status = row.get("period_status").strip()
    if status:
        if status.lower() not in PERIOD_STATUS:
            raise row.fail(f"period_status {status!r} is not one CBS uses (Voorlopig, Nader voorlopig, Definitief)")
        g.add((obs, SDMX_ATT.obsStatus, ctx.id("observation-status", PERIOD_STATUS[status.lower()])))
        g.add((obs, ctx.term("cbsPeriodStatus"), Literal(status, lang="nl")))


def build_kvk_linksets(ctx: Context) -> None:
    paths = [p for p in _files(ctx, "kvk") if p.name == "accepted.csv"]
    if not paths:
        return
    g = ctx.graph("linkset-kvk")
    gi = g.identifier
    g.add((gi, RDFS.comment, Literal("KvK-nummers van bedrijven uit het rapport, gevonden met de KvK Zoeken API en "
                                     "door een persoon geaccepteerd (almerekg link kvk --apply).", lang="nl")))
    for row in read_csv(paths[0], ACCEPTED_COLUMNS):
        firm = ctx.lookup("organisation", row.required("firm"), row, "firm")
        number = row.required("kvk_number")
        if not (len(number) == 8 and number.isdigit()):
            raise row.fail(f"kvk_number {number!r} is not 8 digits")
        ident = ctx.id("kvk-registration", number, row)
        g.add((ident, RDF.type, URIRef(ADMS + "Identifier")))
        g.add((ident, SKOS.notation, Literal(number)))
        g.add((ident, RDFS.label, Literal(f"KvK {number}")))
        g.add((ident, URIRef(ADMS + "schemaAgency"), Literal("Kamer van Koophandel", lang="nl")))
        g.add((firm, RDF.type, ROV.RegisteredOrganization))
        g.add((firm, ROV.registration, ident))
        link = ctx.id("kvk-link", f"{row['firm'].strip()}/{number}", row)
        g.add((link, RDF.type, ctx.term("ReviewedLink")))
        g.add((link, RDFS.label, Literal(f"{row['firm'].strip()} = KvK {number}")))
        g.add((link, ctx.term("linkedThing"), firm))
        g.add((link, ctx.term("linkedIdentifier"), ident))
        g.add((link, ctx.term("reviewedBy"), Literal(row.required("reviewer"))))
        reviewed = row.required("reviewed_at")
        g.add((link, ctx.term("reviewedAt"), Literal(reviewed, datatype=XSD.dateTime if "T" in reviewed
                                                      else XSD.date)))
        if row.get("score").strip():
            g.add((link, ctx.term("matchScore"), Literal(row["score"].strip(), datatype=XSD.decimal)))
        if row.get("candidate_name").strip():
            g.add((link, ctx.term("nameInRegister"), Literal(row["candidate_name"].strip())))
        if row.get("url").strip():
            g.add((link, DCTERMS.source, URIRef(row["url"].strip())))
        if row.get("retrieved").strip():
            g.add((link, PROV.generatedAtTime, Literal(row["retrieved"].strip(), datatype=XSD.dateTime)))
        if row.get("note").strip():
            g.add((link, RDFS.comment, Literal(row["note"].strip(), lang="nl")))
        _trace(ctx, "linkset-kvk", link, _where(ctx, row, "kvk"))


__all__ = ["build_cbs_linksets", "build_kvk_linksets"]
