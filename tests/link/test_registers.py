"""Every identifier of another register that the project ships is checked against the stored copy of that register."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SDO, SKOS

from almerekg.graph.pipeline import DataError, assemble
from almerekg.settings import from_values

ROOT = Path(__file__).resolve().parents[2]
REG = ROOT / "data" / "registers"
AK = "https://almerekg.example/def/"
# The checksum shared/sources/README.md records for the CBS file as it was provided to the project.
CBS_SHA256 = "1aeb0cc3725fe5a35853be03f7832d5148135d1630a9e9034db91a21579fd0f9"
RAMON = "http://ec.europa.eu/eurostat/ramon/rdfdata/nace_r2/"


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    # linksets= an empty folder: this test is about data/registers/, whatever a developer fetched locally.
    return assemble(from_values(linksets=str(tmp_path_factory.mktemp("no-linksets"))))


@pytest.fixture(scope="module")
def union(graphs) -> Graph:
    return graphs.union()


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _coded(*registers: str) -> int:
    """How many places data/place-codes.csv gives a code in one of these registers (an empty key: no code)."""
    return sum(1 for r in _csv(ROOT / "data" / "place-codes.csv") if r["register"] in registers and r["key"].strip())


def test_register_copies_match_their_recorded_checksums():
    for row in _csv(REG / "registers.csv"):
        assert hashlib.sha256((REG / row["file"]).read_bytes()).hexdigest() == row["sha256"], row["file"]
        assert row["origin"].strip() and row["retrieved"].strip() and row["copy"] in ("verbatim", "extract")


def test_cbs_file_is_the_one_cbs_provided():
    data = (REG / "cbs-gemeenten-alfabetisch-2021.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == CBS_SHA256


def test_every_cbs_code_in_the_graph_is_in_the_cbs_file_with_that_name(union):
    cbs = _csv(REG / "cbs-gemeenten-alfabetisch-2021.csv")
    municipalities = {r["GemeentecodeGM"]: r["Gemeentenaam"] for r in cbs}
    provinces = {r["ProvinciecodePV"]: r["Provincienaam"] for r in cbs}
    seen = 0
    for code in union.subjects(RDF.type, URIRef(AK + "RegisterCode")):
        notation = str(union.value(code, SKOS.notation))
        name = str(union.value(code, URIRef(AK + "nameInRegister")))
        register = str(union.value(code, URIRef(AK + "inRegister")))
        if register.endswith("/cbs-gemeenten-2021"):
            assert municipalities.get(notation) == name, notation
            seen += 1
        elif register.endswith("/cbs-provincies-2021"):
            assert provinces.get(notation) == name, notation
            seen += 1
    assert seen == _coded("cbs-gemeenten-2021", "cbs-provincies-2021") > 0


def test_every_iso_code_in_the_graph_is_in_the_iso_file(union):
    iso = {c["alpha_2"]: c for c in json.loads((REG / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]}
    codes = [c for c in union.subjects(RDF.type, URIRef(AK + "RegisterCode"))
             if str(union.value(c, URIRef(AK + "inRegister"))).endswith("/iso-3166-1")]
    assert len(codes) == _coded("iso-3166-1") > 0
    for c in codes:
        entry = iso[str(union.value(c, SKOS.notation))]
        assert str(union.value(c, URIRef(AK + "nameInRegister"))) == entry["name"]
        assert str(union.value(c, URIRef(AK + "iso3166Alpha3"))) == entry["alpha_3"]
        assert str(union.value(c, URIRef(AK + "iso3166Numeric"))) == entry["numeric"]


def test_iso_file_agrees_with_pycountry_when_installed():
    pycountry = pytest.importorskip("pycountry")
    iso = json.loads((REG / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    for entry in iso:
        assert pycountry.countries.get(alpha_2=entry["alpha_2"]).alpha_3 == entry["alpha_3"]


def test_every_wikidata_link_is_in_the_owid_table_for_the_place_s_iso_code(union):
    owid = {r["wikidata_uri"]: r for r in _csv(REG / "owid-countries-regions-extract.csv")}
    links = list(union.subject_objects(SDO.sameAs))
    assert len(links) == _coded("owid-countries") > 0  # not Nederland, nor countries outside the stored extract
    for place, uri in links:
        row = owid[str(uri)]
        iso = {str(union.value(c, SKOS.notation)) for c in union.objects(place, URIRef(AK + "registerCode"))}
        assert row["iso_alpha2"] in iso, place


def test_every_nace_link_is_a_section_of_the_stored_nace_file(union):
    nace = Graph().parse(REG / "nace-r2-sections.ttl", format="turtle")
    code = URIRef("http://ec.europa.eu/eurostat/ramon/ontologies/nace.rdf#code")
    matches = [(s, o) for s, o in union.subject_objects(SKOS.exactMatch) if str(o).startswith(RAMON)]
    assert len(matches) == 19  # every section of Tabel 1 and 2
    for sector, uri in matches:
        assert (uri, code, union.value(sector, SKOS.notation)) in nace


def test_places_without_a_register_code_stay_without(union):
    kind = URIRef(AK + "placeKind")
    for place in union.subjects(RDF.type, SDO.Place):
        k = str(union.value(place, kind)).rsplit("/", 1)[-1]
        has = bool(list(union.objects(place, URIRef(AK + "registerCode"))))
        if k in ("woonplaats", "regio", "landsdeel", "werelddeel", "buitenlandse-plaats", "bedrijventerrein", "other"):
            assert not has, place
    assert not list(union.objects(URIRef("https://almerekg.example/id/place/naarden"), URIRef(AK + "registerCode")))
    assert str(union.value(URIRef("https://almerekg.example/id/place/den-bosch"), RDFS.label)) == "Den Bosch"


def test_no_cbs_code_is_typed_anywhere_outside_the_register_copy():
    """A GMxxxx or PVxx in any shipped text must be a code of the stored CBS file (no code from memory)."""
    cbs = _csv(REG / "cbs-gemeenten-alfabetisch-2021.csv")
    known = {r["GemeentecodeGM"] for r in cbs} | {r["ProvinciecodePV"] for r in cbs}
    pattern = re.compile(r"\b(GM[0-9]{4}|PV[0-9]{2})\b")
    folders = [ROOT / "data", ROOT / "queries", ROOT / "ontology", ROOT / "shapes", ROOT / "src", ROOT / "linksets"]
    files = [p for f in folders if f.is_dir() for p in f.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and p.parent != REG]
    files.append(ROOT / "README.md")
    bad = [(p.name, code) for p in files for code in pattern.findall(p.read_text(encoding="utf-8", errors="ignore"))
           if code not in known]
    assert bad == []


def test_an_edited_register_copy_stops_the_build(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "registers" / "cbs-gemeenten-alfabetisch-2021.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("GM0034,Almere", "GM0035,Almere"), encoding="utf-8")
    with pytest.raises(DataError, match="does not match its recorded sha256"):
        assemble(from_values(data=str(data), linksets=str(tmp_path / "none")))


def test_register_literals_keep_the_register_s_spelling(union):
    den_bosch = URIRef("https://almerekg.example/id/place/den-bosch")
    code = union.value(den_bosch, URIRef(AK + "registerCode"))
    assert union.value(code, URIRef(AK + "nameInRegister")) == Literal("'s-Hertogenbosch")


def test_sectors_take_their_english_name_from_nace(union):
    """The report prints Dutch SBI names only; each section's English label is NACE's title of that section."""
    def sector(letter: str) -> URIRef:
        return URIRef(f"https://almerekg.example/id/sector/{letter}")

    def english(letter: str) -> set[str]:
        return {str(o) for o in union.objects(sector(letter), SKOS.prefLabel) if o.language == "en"}

    assert english("j") == {"Information and communication"}
    assert english("g") == {"Wholesale and retail trade; repair of motor vehicles and motorcycles"}
    # Section T: the source's misprint "U0NDIFFERENTIATED" stays on the NACE URI, not in our label.
    assert english("t") == {"Activities of households as employers; undifferentiated goods- and "
                            "services-producing activities of households for own use"}
    assert "U0NDIFFERENTIATED" in str(union.value(URIRef(RAMON + "T"), RDFS.label))
    # The Dutch name as printed stays the Dutch label.
    assert {str(o) for o in union.objects(sector("j"), SKOS.prefLabel) if o.language == "nl"} == {
        "Informatie en communicatie"}
    assert all(english(letter.lower()) for letter in "ACDEFGHIJKLMNOPQRST")


def test_countries_take_their_english_name_from_iso_3166(union):
    def english(slug: str) -> set[str]:
        place = URIRef(f"https://almerekg.example/id/place/{slug}")
        return {str(o) for o in union.objects(place, RDFS.label) if o.language == "en"}

    assert english("duitsland") == {"Germany"}
    assert english("taiwan") == {"Taiwan"}  # ISO's common name, not "Taiwan, Province of China"
    assert english("vs") == {"United States"}
    assert english("groot-brittannie") == {"United Kingdom"}
    # Countries named only in the text (appendix 3: Belgium, Denmark, China, South Korea) take theirs from ISO too.
    assert english("belgie") == {"Belgium"} and english("denemarken") == {"Denmark"}
    assert english("china") == {"China"} and english("zuid-korea") == {"South Korea"}
    assert english("den-bosch") == set()  # a municipality: the CBS file has no English name


# A path of the checkout as the register files and their descriptions name it (ends on a letter, digit, _ or -).
DATA_PATH = re.compile(r"\bdata/[A-Za-z0-9_./-]*[A-Za-z0-9_-]")


def _descriptions() -> list[tuple[str, str]]:
    """(where, text) of everything that describes a register copy: its own comment lines, its row, the README."""
    out = [("data/registers/README.md", (REG / "README.md").read_text(encoding="utf-8"))]
    for r in _csv(REG / "registers.csv"):
        out.append((f"registers.csv:{r['id']}", f"{r['origin']}\n{r['note']}"))
        lines = (REG / r["file"]).read_text(encoding="utf-8").splitlines()
        out.append((r["file"], "\n".join(line for line in lines if line.startswith("#"))))
    return out


def test_every_file_a_register_copy_names_exists_or_a_note_says_it_does_not():
    """The NACE extract's header once cited data/external-sources.csv, which never existed: every data/ path a
    register copy, its row or the README names must exist, or a note on the copy must say that it does not."""
    noted = [p.strip() for n in _csv(ROOT / "data" / "notes.csv") if n["file"].startswith("registers/")
             for p in n["printed"].split("|")]
    named = [(where, path) for where, text in _descriptions() for path in DATA_PATH.findall(text)]
    assert len(named) >= 2
    missing = [(where, path) for where, path in named
               if not (ROOT / path).exists() and not any(path in p for p in noted)]
    assert missing == []


def test_a_turtle_extract_says_how_many_prefix_lines_it_keeps():
    readme = (REG / "README.md").read_text(encoding="utf-8")
    extracts = [r for r in _csv(REG / "registers.csv") if r["copy"] == "extract" and r["file"].endswith(".ttl")]
    assert extracts
    for r in extracts:
        lines = (REG / r["file"]).read_text(encoding="utf-8").splitlines()
        kept = sum(1 for line in lines if line.startswith(("@prefix", "@base")))
        assert f"{kept} van de " in r["note"], r["id"]
        assert f"{kept} of the origin's" in readme, r["id"]
