"""The report's tables and figures as RDF Data Cube datasets.

Well-formed as the recommendation defines it (section 11), so that any Data Cube tool can read them: every
dimension has a range, every observation its measure, and no two observations of a dataset share all their
dimension values (a figure the report states twice is told apart by the part stating it, or is one observation).
tests/graph/test_data_cube.py asks all the integrity constraints of the built graph.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, QB, RDF, RDFS, SDO, XSD

from ..vocab import SDMX_ATT, SDMX_DIM, SDMX_MEA
from .context import Context
from .rows import DataError, Row, printed_number

REF_PERIOD = SDMX_DIM.refPeriod
REF_AREA = SDMX_DIM.refArea
OBS_STATUS = SDMX_ATT.obsStatus
UNIT = SDMX_ATT.unitMeasure


def dataset(ctx: Context, graph: str, key: str, title_nl: str, title_en: str, source: str,
            dimensions: list[URIRef], measure: URIRef, attributes: list[URIRef]) -> URIRef:
    g = ctx.graph(graph)
    ds = ctx.id("dataset", key)
    dsd = ctx.id("dsd", key)
    g.add((ds, RDF.type, QB.DataSet))
    g.add((ds, RDFS.label, Literal(title_nl, lang="nl")))
    g.add((ds, RDFS.label, Literal(title_en, lang="en")))
    g.add((ds, DCTERMS.title, Literal(title_nl, lang="nl")))
    g.add((ds, DCTERMS.title, Literal(title_en, lang="en")))
    g.add((ds, QB.structure, dsd))
    g.add((ds, PROV.wasDerivedFrom, ctx.source(source)))
    g.add((ds, DCTERMS.source, ctx.source(source)))
    g.add((dsd, RDF.type, QB.DataStructureDefinition))
    g.add((dsd, RDFS.label, Literal(f"structuur van {title_nl}", lang="nl")))
    g.add((dsd, RDFS.label, Literal(f"structure of {title_en}", lang="en")))
    for order, dim in enumerate(dimensions, start=1):
        comp = ctx.id("dsd", f"{key}/dimension-{order}")
        g.add((dsd, QB.component, comp))
        g.add((comp, RDF.type, QB.ComponentSpecification))
        g.add((comp, QB.dimension, dim))
        g.add((comp, QB.order, Literal(order, datatype=XSD.integer)))
    comp = ctx.id("dsd", f"{key}/measure")
    g.add((dsd, QB.component, comp))
    g.add((comp, RDF.type, QB.ComponentSpecification))
    g.add((comp, QB.measure, measure))
    for n, attr in enumerate(attributes, start=1):
        comp = ctx.id("dsd", f"{key}/attribute-{n}")
        g.add((dsd, QB.component, comp))
        g.add((comp, RDF.type, QB.ComponentSpecification))
        g.add((comp, QB.attribute, attr))
        g.add((comp, QB.componentRequired, Literal(False)))
    ctx.index.setdefault("dataset", {})[key] = ds
    return ds


def observation(ctx: Context, graph: str, ds: URIRef, ref: str, row: Row) -> URIRef:
    g = ctx.graph(graph)
    obs = ctx.id("observation", ref, row)
    g.add((obs, RDF.type, QB.Observation))
    g.add((obs, QB.dataSet, ds))
    ctx.trace(obs, row)
    return obs


def printed_cell(ctx: Context, graph: str, obs: URIRef, measure: URIRef, printed: str, where: str) -> None:
    """A count cell: the value, the printed text, and '-' recorded as status nihil (value 0)."""
    g = ctx.graph(graph)
    value = printed_number(printed, where)
    g.add((obs, ctx.term("printedValue"), Literal(printed.strip())))
    if printed.strip() == "-":
        g.add((obs, OBS_STATUS, ctx.id("observation-status", "nihil")))
        value = 0
    if value is None:
        raise DataError(f"{where}: empty cell in a table that prints every cell (use - for nihil)")
    g.add((obs, measure, Literal(value, datatype=XSD.integer)))


def part_titles(ctx: Context, part: str) -> tuple[str, str]:
    """A printed table's dataset takes the table's own titles: the report's Dutch caption and the one English
    translation of it (labels-en.csv), so the table has one title per language wherever it appears."""
    iri = ctx.source(part)
    dutch = [o for o in ctx.graph("report").objects(iri, RDFS.label) if getattr(o, "language", None) == "nl"]
    thing = f"report-part/{part}"
    english = [r for r in ctx.read("labels-en.csv", ("thing", "label_en")) if r["thing"].strip() == thing]
    if len(dutch) != 1 or len(english) != 1:
        raise DataError(f"report part {part!r} needs one Dutch label (sources.csv) and one English (labels-en.csv)")
    return str(dutch[0]), english[0].required("label_en")


def build_sector_tables(ctx: Context) -> None:
    """Tabel 1 (establishments) and Tabel 2 (jobs): sector x size class, Almere, 2009."""
    almere = ctx.index["place"]["almere"]
    for key, measure in (("tabel-1", "establishments"), ("tabel-2", "jobs")):
        m = ctx.term(measure)
        ds = dataset(ctx, key, key, *part_titles(ctx, key), key,
                     [ctx.term("sector"), ctx.term("sizeClass"), REF_AREA, REF_PERIOD], m,
                     [ctx.term("printedValue"), OBS_STATUS])
        g = ctx.graph(key)
        rows = ctx.read(f"{key}.csv", ("sector", "totaal", "source"))
        columns = [c for c in rows[0].values if c not in ("sector", "source")]
        for col in columns:
            if col != "totaal" and col not in ctx.index["size-class"]:
                raise rows[0].fail(f"column {col!r} is not a size class in size-classes.csv")
        for row in rows:
            sector_key = row.required("sector")
            sector = ctx.lookup("sector", sector_key, row, "sector")
            ctx.register("row", f"{key}.csv|{sector_key}", ds, row)
            for col in columns:
                size = ctx.index["size-class"][col]
                ref = f"{key}/{sector_key.lower()}/{str(size).rsplit('/', 1)[1]}"
                obs = observation(ctx, key, ds, ref, row)
                g.add((obs, ctx.term("sector"), sector))
                g.add((obs, ctx.term("sizeClass"), size))
                g.add((obs, REF_AREA, almere))
                g.add((obs, REF_PERIOD, Literal("2009", datatype=XSD.gYear)))
                printed_cell(ctx, key, obs, m, row[col], f"{row.where}: column {col!r}")
                ctx.register("cell", f"{key}.csv|{sector_key}|{col}", obs, row)


def build_partner_tables(ctx: Context) -> None:
    """Tabel 5 (where partners are) and Tabel 6 (kind x origin, reconstructed)."""
    key = "tabel-5"
    m = ctx.term("partnerCount")
    ds = dataset(ctx, key, key, *part_titles(ctx, key), key,
                 [ctx.term("regionGroup"), ctx.term("place")], m, [ctx.term("printedValue"), OBS_STATUS])
    g = ctx.graph(key)
    for order, row in enumerate(ctx.read("tabel-5.csv", ("region", "place", "count_printed", "place_id", "source")), 1):
        group = ctx.lookup("tabel-5-groups:printed", row.required("region"), row, "region")
        place = ctx.lookup("place", row.required("place_id"), row, "place_id")
        obs = observation(ctx, key, ds, f"{key}/{row['place_id'].strip()}", row)
        g.add((obs, ctx.term("regionGroup"), group))
        g.add((obs, ctx.term("place"), place))
        g.add((obs, SDO.position, Literal(order, datatype=XSD.integer)))
        g.add((obs, RDFS.label, ctx.nl(row.required("place"))))
        printed = row["count_printed"].strip()
        g.add((obs, ctx.term("printedValue"), Literal(printed)))
        if printed:
            g.add((obs, m, Literal(printed_number(printed, row.where), datatype=XSD.integer)))
        else:
            # The caption: "als een plaats vaker dan 1 maal voorkomt, staat het aantal malen erbij".
            g.add((obs, m, Literal(1, datatype=XSD.integer)))
            g.add((obs, OBS_STATUS, ctx.id("observation-status", "not-printed-one")))
        ctx.register("row", f"tabel-5.csv|{row['place_id'].strip()}", obs, row)
        ctx.register("row", f"tabel-5.csv|{row['place'].strip()}", obs, row)
        ctx.register("cell", f"tabel-5.csv|{row['place_id'].strip()}|count_printed", obs, row)

    key = "tabel-6"
    ds = dataset(ctx, key, key, *part_titles(ctx, key), key,
                 [ctx.term("partnerRegion"), ctx.term("partnerKind")], m, [ctx.term("printedValue"), OBS_STATUS])
    g = ctx.graph(key)
    rows = ctx.read("tabel-6.csv", ("region", "totaal", "source"))
    kinds = [c for c in rows[0].values if c not in ("region", "source")]
    for row in rows:
        region_key = row.required("region")
        region = ctx.lookup("tabel-6-region", region_key, row, "region")
        ctx.register("row", f"tabel-6.csv|{region_key}", ds, row)
        for kind_key in kinds:
            kind = ctx.lookup("partner-kind", kind_key, row, f"header {kind_key}")
            raw = row[kind_key].strip()
            if not raw:
                continue  # an empty cell of the reconstruction: no partner of this kind from there
            obs = observation(ctx, key, ds, f"{key}/{region_key}/{kind_key}", row)
            g.add((obs, ctx.term("partnerRegion"), region))
            g.add((obs, ctx.term("partnerKind"), kind))
            g.add((obs, m, Literal(printed_number(raw, f"{row.where}: column {kind_key!r}"), datatype=XSD.integer)))
            ctx.register("cell", f"tabel-6.csv|{region_key}|{kind_key}", obs, row)


def _decimal(row: Row, column: str) -> Literal:
    raw = row.required(column)
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise row.fail(f"column {column!r} must be a decimal number with a dot, found {raw!r}") from exc
    if value == value.to_integral_value() and "." not in raw:
        return Literal(int(value), datatype=XSD.integer)
    return Literal(value, datatype=XSD.decimal)


def build_figures(ctx: Context) -> None:
    """Numbers stated in the running text: city facts, survey figures, findings of cited research, the sample funnel."""
    build_city_facts(ctx)
    build_survey_figures(ctx)
    build_literature_figures(ctx)
    build_survey_funnel(ctx)


def _stated_figure(ctx: Context, graph: str, ds: URIRef, key: str, row: Row) -> URIRef:
    """An observation of a figure the text states: its indicator, the part that states it, value, unit, quote.

    The part is a dimension: the report states some figures in two chapters, sometimes with another number
    (20 customers in chapter 2, 19 in chapter 4), and each statement stays an observation of its own.
    """
    g = ctx.graph(graph)
    obs = observation(ctx, graph, ds, f"{key}/{row.required('id')}", row)
    g.add((obs, ctx.term("indicator"), ctx.lookup("indicator", row.required("indicator"), row, "indicator")))
    g.add((obs, ctx.term("statedIn"), ctx.lookup("source", row.required("source"), row, "source")))
    g.add((obs, SDMX_MEA.obsValue, _decimal(row, "value")))
    g.add((obs, UNIT, ctx.lookup("unit", row.required("unit"), row, "unit")))
    g.add((obs, ctx.term("quote"), ctx.quote(row)))
    ctx.register("row", f"{key}.csv|{row['id'].strip()}", obs, row)
    return obs


def build_city_facts(ctx: Context) -> None:
    key = "city-facts"
    ds = dataset(ctx, key, key, "Kengetallen van Almere uit de tekst", "Figures on Almere stated in the text",
                 "h1-achtergrond", [ctx.term("indicator"), REF_AREA, ctx.term("statedIn")], SDMX_MEA.obsValue,
                 [UNIT, ctx.term("rank"), ctx.term("quote")])
    g = ctx.graph(key)
    columns = ("id", "subject", "indicator", "value", "unit", "period", "rank", "source", "quote")
    for row in ctx.read("city-facts.csv", columns):
        obs = _stated_figure(ctx, key, ds, key, row)
        g.add((obs, REF_AREA, ctx.lookup("place", row.required("subject"), row, "subject")))
        if row["period"].strip():
            # Most figures name no year, so the period is an optional extra, not a dimension of the cube.
            g.add((obs, REF_PERIOD, Literal(row["period"].strip(), datatype=XSD.gYear)))
        if row["rank"].strip():
            g.add((obs, ctx.term("rank"), Literal(row.integer("rank"), datatype=XSD.integer)))


def build_survey_figures(ctx: Context) -> None:
    key = "survey-figures"
    ds = dataset(ctx, "survey", key, "Kengetallen van de geënquêteerde bedrijven", "Figures on the surveyed firms",
                 "h4-partners", [ctx.term("indicator"), ctx.term("statedIn")], SDMX_MEA.obsValue,
                 [UNIT, ctx.term("quote")])
    for row in ctx.read("survey-figures.csv", ("id", "indicator", "value", "unit", "source", "quote")):
        _stated_figure(ctx, "survey", ds, key, row)


def build_literature_figures(ctx: Context) -> None:
    """Findings of earlier research that the text cites ("uit eerder onderzoek blijkt ... (Meeus 2003)"): not the
    survey's results, so a dataset of their own, each observation linked to the publication of Bijlage 2."""
    key = "literature-figures"
    ds = dataset(ctx, key, key, "Uitkomsten van eerder onderzoek, aangehaald in de tekst",
                 "Findings of earlier research cited in the text", "h4-partners",
                 [ctx.term("indicator"), ctx.term("citedPublication"), ctx.term("statedIn")], SDMX_MEA.obsValue,
                 [UNIT, ctx.term("quote")])
    g = ctx.graph(key)
    columns = ("id", "formerly", "publication", "indicator", "value", "unit", "source", "quote")
    for row in ctx.read("literature-figures.csv", columns):
        obs = _stated_figure(ctx, key, ds, key, row)
        work = ctx.lookup("publication", row.required("publication"), row, "publication")
        g.add((obs, ctx.term("citedPublication"), work))
        g.add((obs, DCTERMS.references, work))
        g.add((obs, PROV.wasDerivedFrom, work))
        if row["formerly"].strip():
            # Published before under another dataset (as a survey figure): that IRI stays and names this one.
            kind, _sep, ref = row["formerly"].strip().partition("/")
            former = ctx.id(kind, ref, row)
            g.add((former, OWL.sameAs, obs))
            ctx.trace(former, row)


def build_survey_funnel(ctx: Context) -> None:
    """The sample funnel of Bijlage 1. A step the text states twice (with the same count) is one observation with
    both quotes, and the second row's id names the same observation (owl:sameAs). A step the text names without
    a number stays outside the cube (an observation must have its measure), with the status 'not stated'."""
    key = "survey-funnel"
    ds = dataset(ctx, "survey", key, "Steekproef van het onderzoek (bijlage 1)", "The survey's sample (appendix 1)",
                 "bijlage-1", [ctx.term("surveyList"), ctx.term("surveyStep")], ctx.term("organisationCount"),
                 [ctx.term("quote")])
    g = ctx.graph("survey")
    seen: dict[tuple[URIRef, URIRef], tuple[URIRef, int | None]] = {}
    for order, row in enumerate(ctx.read("survey-funnel.csv", ("id", "list", "step", "count", "source", "quote")), 1):
        cell = (ctx.lookup("survey-list", row.required("list"), row, "list"),
                ctx.lookup("survey-step", row.required("step"), row, "step"))
        count = row.integer("count", optional=True)
        ref = f"{key}/{row.required('id')}"
        if cell in seen:
            obs = _restated_step(ctx, ctx.id("observation", ref, row), seen[cell], count, row)
        else:
            obs = _funnel_step(ctx, ds, ref, cell, count, order, row)
            seen[cell] = (obs, count)
        g.add((obs, ctx.term("quote"), ctx.quote(row)))
        ctx.register("row", f"survey-funnel.csv|{row['id'].strip()}", obs, row)


def _funnel_step(ctx: Context, ds: URIRef, ref: str, cell: tuple[URIRef, URIRef], count: int | None,
                 order: int, row: Row) -> URIRef:
    g = ctx.graph("survey")
    if count is None:
        obs = ctx.id("observation", ref, row)
        # "een aantal bedrijven": no number, so no observation of the cube; the step is kept beside it.
        g.add((obs, RDF.type, ctx.term("UnquantifiedObservation")))
        g.add((obs, DCTERMS.relation, ds))
        g.add((obs, OBS_STATUS, ctx.id("observation-status", "not-stated")))
        ctx.trace(obs, row)
    else:
        obs = observation(ctx, "survey", ds, ref, row)
        g.add((obs, ctx.term("organisationCount"), Literal(count, datatype=XSD.integer)))
    g.add((obs, ctx.term("surveyList"), cell[0]))
    g.add((obs, ctx.term("surveyStep"), cell[1]))
    g.add((obs, SDO.position, Literal(order, datatype=XSD.integer)))
    return obs


def _restated_step(ctx: Context, ref: URIRef, first: tuple[URIRef, int | None], count: int | None, row: Row) -> URIRef:
    obs, first_count = first
    if count != first_count:
        raise row.fail(f"the step is already stated with count {first_count}; a different count needs a dimension "
                       "that tells the two apart")
    ctx.graph("survey").add((ref, OWL.sameAs, obs))
    ctx.trace(ref, row)
    ctx.trace(obs, row)
    return obs
