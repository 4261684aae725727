"""The facts the coverage ledger surfaced are in the graph as the data files state them: places as places, numbers as
numbers, the summary and the report's source references, and a location that names no place is refused."""

from __future__ import annotations

import csv
import json

from almerekg.graph.organisations import PLACE_FACTS

from .graphdata import DATA, rows, solutions
from .test_bad_data import broken_copy, set_cell, validate_cli

AK = "https://almerekg.example/def/"
ID = "https://almerekg.example/id/"
PREFIXES = (f"PREFIX ak: <{AK}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX schema: <https://schema.org/> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dcterms: <http://purl.org/dc/terms/> ")


def select(store, query: str) -> list[dict[str, str]]:
    return solutions(store, PREFIXES + query)


def test_every_fact_that_names_a_place_points_at_that_place(store):
    got = {(r["about"][len(ID):].split("/", 1)[1], r["fact"], r["value"], r["name"]) for r in select(store, """
        SELECT ?about ?fact ?value ?name WHERE { ?s a ak:Statement ; ak:about ?about ; ak:fact/skos:notation ?fact ;
            rdf:value ?value ; ak:valuePlace/rdfs:label ?name . FILTER(LANG(?name) = "nl") }""")}
    expected = {(r[col], r["fact"], r["value"], r["value"]) for name, col in (("firm-facts.csv", "firm"),
                                                                          ("network-facts.csv", "network"))
                for r in rows(name) if r["fact"] in PLACE_FACTS}
    assert got == expected
    assert ("leaseplan", "locations", "Gouda", "Gouda") in got


def test_firm_locations_in_dutch_municipalities_carry_the_cbs_code_of_the_stored_register(store):
    cbs = {r["Gemeentenaam"]: r["GemeentecodeGM"] for r in csv.DictReader(
        open(DATA / "registers" / "cbs-gemeenten-alfabetisch-2021.csv", encoding="utf-8", newline=""))}
    key = {r["place"]: r["key"] for r in rows("place-codes.csv") if r["register"] == "cbs-gemeenten-2021"}
    places = {r["name"]: r["id"] for r in rows("places.csv")}
    got = {(r["value"], r["code"]) for r in select(store, f"""
        SELECT ?value ?code WHERE {{ ?s a ak:Statement ; rdf:value ?value ; ak:valuePlace/ak:registerCode ?c .
            ?c skos:notation ?code ; ak:inRegister <{ID}register/cbs-gemeenten-2021> }}""")}
    expected = {(r["value"], cbs[key[places[r["value"]]]]) for r in rows("firm-facts.csv")
                if r["fact"] in PLACE_FACTS and key.get(places.get(r["value"], ""), "")}
    assert expected <= got
    assert ("Gouda", cbs["Gouda"]) in got and ("Nieuwegein", cbs["Nieuwegein"]) in got


def test_the_countries_of_the_report_all_carry_their_iso_code(store):
    iso = {c["name"]: c["alpha_2"] for c in json.loads((DATA / "registers" / "iso3166-1.json").read_text(
        encoding="utf-8"))["3166-1"]}
    key = {r["place"]: r["key"] for r in rows("place-codes.csv") if r["register"] == "iso-3166-1"}
    countries = [r["id"] for r in rows("places.csv") if r["kind"] == "land"]
    got = {r["p"][len(ID + "place/"):]: r["code"] for r in select(store, f"""
        SELECT ?p ?code WHERE {{ ?p ak:placeKind <{ID}place-kind/land> ; ak:registerCode ?c . ?c skos:notation ?code ;
            ak:inRegister <{ID}register/iso-3166-1> }}""")}
    assert got == {c: iso[key[c]] for c in countries}
    assert {"belgie", "denemarken", "china", "zuid-korea"} <= set(got)


def test_numbers_of_networks_are_typed(store):
    got = {(r["net"][len(ID + "network/"):], r["fact"]): (r["value"], r["type"]) for r in select(store, """
        SELECT ?net ?fact ?value (DATATYPE(?value) AS ?type) WHERE { ?s a ak:Statement ; ak:about ?net ;
            ak:fact/skos:notation ?fact ; rdf:value ?value . ?net a ak:Network }""")}
    xsd = "http://www.w3.org/2001/XMLSchema#integer"
    for r in rows("network-facts.csv"):
        if r["value"].isdigit():
            assert got[(r["network"], r["fact"])] == (r["value"], xsd), r
    assert got[("ontwikkelingsmaatschappij-flevoland", "projects")] == ("14", xsd)
    assert got[("life-sciences-innovation-platform-flevoland", "participants")] == ("35", xsd)
    assert got[("mayors-league", "meetings-per-year")] == ("2", xsd)


def test_amsterdam_in_business_serves_four_cities(store):
    got = {r["name"] for r in select(store, f"""
        SELECT ?name WHERE {{ ?s ak:about <{ID}network/amsterdam-in-business> ; ak:fact/skos:notation "serves" ;
            ak:valuePlace/rdfs:label ?name . FILTER(LANG(?name) = "nl") }}""")}
    assert got == {r["value"] for r in rows("network-facts.csv") if r["network"] == "amsterdam-in-business"
                   and r["fact"] == "serves"}
    assert len(got) == 4


def test_the_last_line_of_the_report_is_in_the_graph(store, report_text):
    last = report_text.rsplit("\n", 1)[1]
    got = select(store, f"""SELECT ?fact ?value ?quote WHERE {{
        ?s ak:about <{ID}firm/bargmann-van-ek-bouwconsulting> ; ak:fact/skos:notation ?fact ; rdf:value ?value ;
           ak:quote ?quote }}""")
    assert got and all(r["quote"] in last for r in got)
    assert {(r["fact"], r["value"]) for r in got} >= {("legal-name", "Bargmann & Van Ek Bouwconsulting BV"),
                                                      ("locations", "Almere")}


def test_the_summary_is_seven_claims_of_the_summary_section(store, report_text):
    got = select(store, f"""SELECT ?n ?text WHERE {{ ?p a schema:Claim ; schema:isPartOf <{ID}report-part/samenvatting> ;
        schema:position ?n ; schema:text ?text }} ORDER BY ?n""")
    assert [r["text"] for r in got] == [r["text"] for r in rows("summary-paragraphs.csv")]
    assert [int(r["n"]) for r in got] == list(range(1, 8))
    assert all(r["text"] in report_text for r in got)


def test_tables_cite_the_source_their_source_line_prints(store):
    got = {(r["thing"][len(ID):], r["work"][len(ID):]) for r in select(store, """
        SELECT ?thing ?work WHERE { ?c a ak:Citation ; ak:citedFor ?thing ; dcterms:references ?work }""")}
    expected = set()
    for r in rows("citations.csv"):
        if r["cites"]:
            kind = "publication" if r["cites"] in {x["id"] for x in rows("literature.csv")} else "organisation"
            expected.add((r["thing"], f"{kind}/{r['cites']}"))
    assert got == expected
    assert ("dataset/tabel-1", "publication/gemeente-almere-2010") in got


def test_specialisations_name_a_cluster_or_a_field_and_their_source(store):
    got = {r["s"][len(ID + "specialisation/"):]: r for r in select(store, """
        SELECT ?s ?place ?field ?cluster ?by WHERE { ?s a ak:Specialisation ; ak:region ?place .
            OPTIONAL { ?s ak:specialisationField/skos:prefLabel ?field FILTER(LANG(?field) = "nl") }
            OPTIONAL { ?s ak:cluster ?cluster } OPTIONAL { ?s ak:accordingTo ?by } }""")}
    for r in rows("city-specialisations.csv"):
        s = got[r["id"]]
        assert s["place"] == f"{ID}place/{r['place']}"
        assert (s["field"] or "") == r["field"] and (s["cluster"] or "") == (f"{ID}cluster/{r['cluster']}" if r["cluster"] else "")
        assert (s["by"] or "") == (f"{ID}publication/{r['according_to']}" if r["according_to"] else "")
    wall = sorted(r["field"] for r in rows("city-specialisations.csv") if r["according_to"] == "wall-2008")
    assert wall == ["bankinstellingen", "gezondheidszorg", "groothandel", "hightechindustrie", "vastgoed",
                    "zakelijke dienstverlening"]


def test_a_location_that_names_no_place_is_refused(tmp_path):
    data = broken_copy(tmp_path, "firm-facts.csv", set_cell({"firm": "leaseplan", "fact": "locations", "value": "Gouda"},
                                                            "value", "Goudaa"))
    line = 2 + [(r["firm"], r["fact"], r["value"]) for r in rows("firm-facts.csv")].index(("leaseplan", "locations", "Gouda"))
    proc = validate_cli(data)
    assert proc.returncode == 2
    assert (f"firm-facts.csv:{line}: fact 'locations' names a place, but no place in places.csv is called 'Goudaa'"
            in proc.stderr)


def test_footnotes_hang_on_the_item_that_prints_their_mark(store):
    got = {(r["item"][len(ID):], int(r["n"]), r["text"]) for r in select(store, """
        SELECT ?item ?n ?text WHERE { ?item ak:hasFootnote ?f . ?f a ak:Footnote ; schema:position ?n ; schema:text ?text }""")}
    assert got == {(r["item"], int(r["number"]), r["text"]) for r in rows("footnotes.csv")}
    assert ("conclusion/4", 24, "Voor Japanse bedrijven is de aanwezigheid van de Japanse gemeenschap in Amstelveen nog "
                                "een voordeel.") in got
