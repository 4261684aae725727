"""CBS's own figures are in the default build: the linksets committed in linksets/cbs/ (read by `almerekg link cbs
--export` from the StatLine exports in data/registers/) for Almere, Flevoland and the Netherlands."""

from __future__ import annotations

from .graphdata import solutions

AK = "https://almerekg.example/def/"
ID = "https://almerekg.example/id/"
PREFIXES = (f"PREFIX ak: <{AK}> PREFIX qb: <http://purl.org/linked-data/cube#> "
            "PREFIX sdmxd: <http://purl.org/linked-data/sdmx/2009/dimension#> "
            "PREFIX sdmxa: <http://purl.org/linked-data/sdmx/2009/attribute#> "
            "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/> ")


def figure(store, place: str, sector: str, year: int, measure: str) -> dict:  # noqa: ANN001 - a pyoxigraph Store
    found = solutions(store, PREFIXES + f"""
        SELECT ?obs ?value ?published ?unit ?status ?symbol ?kind WHERE {{
          ?obs ak:sector <{ID}sector/{sector}> ; sdmxd:refArea <{ID}place/{place}> ; a ?kind ;
               sdmxd:refPeriod ?y ; ak:cbsUnit ?unit ; ak:cbsCategory ?cat .
          FILTER(STR(?y) = "{year}")
          {{ ?obs qb:dataSet/qb:structure/qb:component/qb:measure ak:{measure} }}
          UNION {{ ?obs dcterms:relation/qb:structure/qb:component/qb:measure ak:{measure} }}
          FILTER(?kind IN (qb:Observation, ak:UnpublishedFigure))
          OPTIONAL {{ ?obs ak:{measure} ?value }} OPTIONAL {{ ?obs ak:cbsPublishedValue ?published }}
          OPTIONAL {{ ?obs ak:cbsSymbol ?symbol }}
          OPTIONAL {{ ?obs sdmxa:obsStatus ?status . FILTER(CONTAINS(STR(?status), "cbs-")) }}
        }}""")
    assert len(found) == 1, found
    return found[0]


def test_almere_j_2009_establishments_is_855(store):  # noqa: ANN001
    j = figure(store, "almere", "j", 2009, "establishments")
    assert (j["value"], j["published"], j["unit"], j["kind"]) == \
        ("855", "855", "aantal", "http://purl.org/linked-data/cube#Observation")


def test_almere_jobs_2009_are_70700_and_j_3360_from_thousands(store):  # noqa: ANN001
    total = figure(store, "almere", "totaal", 2009, "jobs")
    assert (total["value"], total["published"], total["unit"]) == ("70700", "70.7", "x 1 000")
    assert figure(store, "almere", "j", 2009, "jobs")["value"] == "3360"
    assert figure(store, "nederland", "totaal", 2009, "jobs")["value"] == "7812400"
    assert figure(store, "flevoland", "totaal", 2010, "jobs")["value"] == "146300"


def test_secret_and_not_available_are_never_numbers(store):  # noqa: ANN001
    secret = figure(store, "almere", "d", 2009, "jobs")
    assert (secret["kind"], secret["value"], secret["published"], secret["symbol"], secret["status"]) == \
        (AK + "UnpublishedFigure", None, None, "x", ID + "observation-status/cbs-secret")
    missing = figure(store, "nederland", "a", 2009, "establishments")
    assert (missing["kind"], missing["value"], missing["symbol"], missing["status"]) == \
        (AK + "UnpublishedFigure", None, ".", ID + "observation-status/cbs-not-available")
    # Nowhere in the build does a cell CBS printed as x or . carry a count.
    assert solutions(store, PREFIXES + """SELECT ?o WHERE { ?o ak:cbsSymbol ?s . FILTER(?s IN ("x", "."))
        { ?o ak:jobs ?v } UNION { ?o ak:establishments ?v } UNION { ?o ak:cbsPublishedValue ?v } }""") == []


def test_provisional_periods_are_marked(store):  # noqa: ANN001
    rows = solutions(store, PREFIXES + f"""SELECT ?label WHERE {{
        ?o ak:sector <{ID}sector/j> ; sdmxd:refArea <{ID}place/almere> ; sdmxd:refPeriod ?y ;
           ak:jobs ?v ; ak:cbsPeriodStatus ?label ; sdmxa:obsStatus <{ID}observation-status/provisional> .
        }} ORDER BY ?y""")
    assert [r["label"] for r in rows] == ["Nader voorlopig", "Nader voorlopig", "Voorlopig"]


def test_each_linkset_derives_from_the_stored_export_and_its_origin(store):  # noqa: ANN001
    rows = solutions(store, PREFIXES + f"""SELECT ?from ?date WHERE {{
        GRAPH <{ID}graph/linkset-cbs-81402ned-gm0034> {{
          <{ID}graph/linkset-cbs-81402ned-gm0034> prov:wasDerivedFrom ?from ; dcterms:date ?date }} }}""")
    assert {r["from"] for r in rows} == {
        "http://statline.cbs.nl/StatWeb/publication/?PA=81402ned", f"{ID}register/cbs-statline-81402ned-2012",
        "https://github.com/vsnijders/smp/blob/3c269a306a7149b296b8468f42ea9512cba0bbe6/R/banenvanwerknemers/"
        "Banen_van_werknemers.csv"}
    assert {r["date"] for r in rows} == {"2012-06-28"}
    sha = solutions(store, PREFIXES + f"""SELECT ?sha WHERE {{
        <{ID}register/cbs-statline-81402ned-2012> ak:sha256 ?sha }}""")
    assert sha == [{"sha": "20e69f21b4ff8942327e8429d96288044b7999560e50a4a1ed4bc2e9ef758fb8"}]
