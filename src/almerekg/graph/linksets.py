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
    place = ctx.index.get("place-code", {}).get(f"cbs-gemeenten-2021|{region}")
    if place is None:
        raise DataError(f"linksets/cbs/{path.name}: region {region} is not the CBS code of any place in "
                        "data/place-codes.csv, so its figures cannot sit beside the report's")
    table_url = URIRef(manifest["table_url"])
    run = ctx.id("link-run", f"{key}/{slug(manifest['retrieved'])}")
    g.add((run, RDF.type, PROV.Activity))
    g.add((run, RDFS.label, Literal(f"almerekg link cbs {table} {region}")))
    g.add((run, PROV.endedAtTime, Literal(manifest["retrieved"], datatype=XSD.dateTime)))
    for req in manifest.get("data_requests", []):
        g.add((run, PROV.used, URIRef(req["url"])))
    gi = g.identifier
    g.add((gi, PROV.wasDerivedFrom, table_url))
    g.add((gi, PROV.wasGeneratedBy, run))
    g.add((gi, DCTERMS.publisher, Literal(manifest.get("publisher", "Centraal Bureau voor de Statistiek"))))
    g.add((gi, RDFS.comment, Literal(f"Opgehaald uit CBS StatLine, tabel {table} ({manifest.get('title', '')}), "
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
            ds = dataset(ctx, graph, f"{key}-{measure}", f"CBS {table}: {nl} naar SBI-sectie, {region}",
                         f"CBS {table}: {en} by SBI section, {region}", "tabel-1",
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
        cat_ref = f"{slug(table)}/{slug(row.required('dimension'))}/{slug(row.required('category_key'))}"
        cat = ctx.id("cbs-category", cat_ref, row)
        g.add((cat, RDF.type, SKOS.Concept))
        g.add((cat, SKOS.inScheme, scheme))
        g.add((cat, SKOS.notation, Literal(row["category_key"].strip())))
        g.add((cat, SKOS.prefLabel, Literal(row.required("category_title"), lang="nl")))
        g.add((cat, RDFS.label, Literal(row["category_title"].strip(), lang="nl")))
        g.add((cat, SKOS.exactMatch, sector))
        obs = ctx.id("observation", f"{key}/{year}/{section.lower()}/{measure}", row)
        g.add((obs, RDF.type, QB.Observation))
        g.add((obs, QB.dataSet, datasets[measure]))
        g.add((obs, ctx.term("sector"), sector))
        g.add((obs, SDMX_DIM.refArea, place))
        g.add((obs, SDMX_DIM.refPeriod, Literal(str(year), datatype=XSD.gYear)))
        g.add((obs, ctx.term(measure), Literal(row.integer("value"), datatype=XSD.integer)))
        _unit_and_status(ctx, graph, obs, row, measure)
        g.add((obs, ctx.term("cbsCategory"), cat))
        g.add((obs, ctx.term("cbsMeasureKey"), Literal(row.required("measure_key"))))
        g.add((obs, PROV.wasDerivedFrom, URIRef(row.required("url"))))
        g.add((obs, PROV.generatedAtTime, Literal(row.required("retrieved"), datatype=XSD.dateTime)))
        _trace(ctx, graph, obs, _where(ctx, row, "cbs"))
        _trace(ctx, graph, cat, _where(ctx, row, "cbs"))


def _unit_and_status(ctx: Context, graph: str, obs: URIRef, row: Row, measure: str) -> None:
    """The count's unit, CBS's value and unit as published (so a reader can redo the multiplication), the status."""
    g = ctx.graph(graph)
    g.add((obs, SDMX_ATT.unitMeasure, ctx.lookup("unit", MEASURE_UNITS[measure], row, "measure")))
    g.add((obs, ctx.term("cbsUnit"), Literal(row.required("unit"))))
    g.add((obs, ctx.term("cbsUnitMultiplier"), Literal(row.integer("multiplier"), datatype=XSD.integer)))
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
