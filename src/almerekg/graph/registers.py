"""Identifiers of other registers for the report's places and sectors, read from copies kept in data/registers/.

No code is typed by hand: data/place-codes.csv names, per place, the register and the *name* the register uses
(Almere, 's-Hertogenbosch, Germany); the code itself (GM0034, PV24, DE) is read from the register's file, whose
checksum is compared with data/registers/registers.csv first, so an edited copy stops the build.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD

from .context import Context
from .rows import DataError, Row, read_csv

GRAPH = "registers"
REGISTERS = "registers/registers.csv"
NACE_RAMON = Namespace("http://ec.europa.eu/eurostat/ramon/rdfdata/nace_r2/")
RAMON_ONT = Namespace("http://ec.europa.eu/eurostat/ramon/ontologies/nace.rdf#")

# Misprints of the RAMON copy, kept there as the source's (its header says so) and mended only in the English
# label the graph derives for the SBI section: a reader would take the zero for our own error.
RAMON_TYPOS = {"U0NDIFFERENTIATED": "UNDIFFERENTIATED"}

# Which kind of place a register may describe: a municipality code on a province would be a curation error.
PLACE_KINDS = {
    "cbs-gemeenten-2021": {"gemeente"},
    "cbs-provincies-2021": {"provincie"},
    "iso-3166-1": {"land"},
    "owid-countries": {"land"},
}


@dataclass(frozen=True)
class Register:
    key: str
    iri: URIRef
    path: Path
    row: Row


@dataclass(frozen=True)
class Entry:
    """One code as the register's own file states it."""

    code: str
    name: str
    extra: dict[str, str]
    name_en: str = ""  # the register's English name for what the code stands for, where it gives one


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


COLUMNS = ("id", "file", "copy", "sha256", "title_nl", "title_en", "publisher", "origin", "retrieved")


def register_rows(data_dir: Path) -> list[Row]:
    """data/registers/registers.csv, one row per stored copy (read by the build and by `almerekg link cbs`)."""
    return read_csv(data_dir / REGISTERS, COLUMNS)


def read_registers(ctx: Context) -> dict[str, Register]:
    g = ctx.graph(GRAPH)
    folder = ctx.data_dir / "registers"
    found: dict[str, Register] = {}
    for row in register_rows(ctx.data_dir):
        key = row.required("id")
        path = folder / row.required("file")
        if not path.is_file():
            raise row.fail(f"register file {row['file']!r} is missing from {folder}")
        # The checksum is what makes "copied from the origin" checkable: an edited copy must not ship codes.
        if sha256(path) != row.required("sha256"):
            raise row.fail(f"data/registers/{row['file']} does not match its recorded sha256; restore the copy "
                           "from its origin (see column 'origin') instead of editing it")
        iri = ctx.id("register", key, row)
        g.add((iri, RDF.type, ctx.term("Register")))
        g.add((iri, RDF.type, PROV.Entity))
        for lang, col in (("nl", "title_nl"), ("en", "title_en")):
            g.add((iri, RDFS.label, Literal(row.required(col), lang=lang)))
            g.add((iri, DCTERMS.title, Literal(row.required(col), lang=lang)))
        g.add((iri, DCTERMS.publisher, Literal(row.required("publisher"))))
        g.add((iri, ctx.term("origin"), Literal(row.required("origin"))))
        g.add((iri, ctx.term("localFile"), Literal(f"data/registers/{row['file'].strip()}")))
        g.add((iri, ctx.term("copyKind"), Literal(row.required("copy"))))
        g.add((iri, ctx.term("sha256"), Literal(row.required("sha256"))))
        g.add((iri, ctx.term("retrieved"), Literal(row.required("retrieved"), datatype=XSD.date)))
        if row.get("valid_on").strip():
            g.add((iri, DCTERMS.valid, Literal(row["valid_on"].strip(), datatype=XSD.date)))
        if row.get("note").strip():
            g.add((iri, RDFS.comment, ctx.nl(row["note"])))
        if row.get("source_url").strip():
            g.add((iri, PROV.wasDerivedFrom, URIRef(row["source_url"].strip())))
        ctx.rows[iri] = [row.where.replace("registers.csv", REGISTERS)]
        found[key] = Register(key, iri, path, row)
    return found


def _entries(register: Register) -> dict[str, Entry]:
    return register_entries(register.key, register.path)


def register_entries(key: str, path: Path) -> dict[str, Entry]:
    """The register's file as name -> code, in the register's own column names."""
    out: dict[str, Entry] = {}
    if key in ("cbs-gemeenten-2021", "cbs-provincies-2021"):
        code_col, name_col = (("GemeentecodeGM", "Gemeentenaam") if key == "cbs-gemeenten-2021"
                              else ("ProvinciecodePV", "Provincienaam"))
        with open(path, encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                out[rec[name_col].strip()] = Entry(rec[code_col].strip(), rec[name_col].strip(), {})
    elif key == "iso-3166-1":
        for rec in json.loads(path.read_text(encoding="utf-8"))["3166-1"]:
            # ISO's short name where it has no common one: "Taiwan", not "Taiwan, Province of China".
            out[rec["name"]] = Entry(rec["alpha_2"], rec["name"], {"alpha_3": rec["alpha_3"],
                                                                   "numeric": rec["numeric"]},
                                     name_en=rec.get("common_name") or rec["name"])
    elif key == "owid-countries":
        with open(path, encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                out[rec["name"]] = Entry(rec["iso_alpha2"], rec["name"], {"wikidata_uri": rec["wikidata_uri"]})
    return out


def build_registers(ctx: Context) -> None:
    registers = read_registers(ctx)
    g = ctx.graph(GRAPH)
    gi = g.identifier
    g.add((gi, RDFS.comment, Literal("Codes van andere registers (CBS, ISO 3166, NACE, Wikidata) voor de plaatsen "
                                     "en sectoren van het rapport, gelezen uit de kopieën die dit project van die "
                                     "registers bewaart.", lang="nl")))
    g.add((gi, RDFS.comment, Literal("Codes of other registers (CBS, ISO 3166, NACE, Wikidata) for the places and "
                                     "sectors of the report, read from the copies of those registers that this "
                                     "project keeps.", lang="en")))
    entries = {key: _entries(reg) for key, reg in registers.items()}
    iso_of: dict[URIRef, str] = {}
    rows = ctx.read("place-codes.csv", ("place", "register", "key", "note"))
    # ISO rows first: the Wikidata row of a country checks its ISO code against the one the ISO file gave.
    for row in sorted(rows, key=lambda r: r["register"].strip() == "owid-countries"):
        place = ctx.lookup("place", row.required("place"), row, "place")
        reg_key = row.required("register")
        if reg_key not in registers:
            raise row.fail(f"register {reg_key!r} is not an id in data/{REGISTERS}")
        key = row["key"].strip()
        if not key:
            continue  # deliberately without a code; column 'note' says why (documented absence, not a gap)
        kind = str(ctx.graph("codes").value(place, ctx.term("placeKind"))).rsplit("/", 1)[-1]
        if kind not in PLACE_KINDS[reg_key]:
            raise row.fail(f"register {reg_key} describes places of kind {sorted(PLACE_KINDS[reg_key])}, "
                           f"but {row['place'].strip()} is a {kind}")
        entry = entries[reg_key].get(key)
        if entry is None:
            raise row.fail(f"{registers[reg_key].path.name} has no entry named {key!r}")
        register = registers[reg_key]
        if reg_key == "owid-countries":
            if iso_of.get(place) != entry.code:
                raise row.fail(f"the OWID row {key!r} is for ISO code {entry.code}, but the place's ISO 3166-1 code "
                               f"is {iso_of.get(place)!r}")
            g.add((place, SDO.sameAs, URIRef(entry.extra["wikidata_uri"])))
            g.add((place, ctx.term("sameAsVia"), register.iri))
            ctx.rows.setdefault(place, []).append(row.where)
            continue
        code_iri = ctx.id("register-code", f"{reg_key}/{entry.code.lower()}", row)
        g.add((code_iri, RDF.type, ctx.term("RegisterCode")))
        g.add((code_iri, SKOS.notation, Literal(entry.code)))
        g.add((code_iri, RDFS.label, Literal(entry.code)))
        g.add((code_iri, ctx.term("inRegister"), register.iri))
        g.add((code_iri, ctx.term("nameInRegister"), Literal(entry.name)))
        for extra, value in sorted(entry.extra.items()):
            g.add((code_iri, ctx.term("iso3166Alpha3" if extra == "alpha_3" else "iso3166Numeric"), Literal(value)))
        g.add((place, ctx.term("registerCode"), code_iri))
        if entry.name_en:
            # The report names places in Dutch only; the register's English name is their English label.
            g.add((place, RDFS.label, Literal(entry.name_en, lang="en")))
        ctx.rows[code_iri] = [row.where]
        ctx.register("place-code", f"{reg_key}|{entry.code}", place, row)
        if reg_key == "iso-3166-1":
            iso_of[place] = entry.code
    _tabel_6_regions(ctx)
    _nace(ctx, registers)


def _tabel_6_regions(ctx: Context) -> None:
    """Tabel 6's row labels point at the place they name, so a region inherits that place's codes."""
    g = ctx.graph("codes")
    for row in ctx.read("tabel-6-region-places.csv", ("region", "place", "note")):
        region = ctx.lookup("tabel-6-region", row.required("region"), row, "region")
        if not row["place"].strip():
            continue  # no place of that name (the note says why)
        place = ctx.lookup("place", row["place"], row, "place")
        g.add((region, DCTERMS.spatial, place))
        ctx.rows.setdefault(region, []).append(row.where)


def _nace(ctx: Context, registers: dict[str, Register]) -> None:
    """Each SBI 2008 section to the NACE Rev. 2 section of the same letter (SBI follows NACE at section level)."""
    register = registers.get("nace-r2-ramon")
    if register is None:
        return
    nace = Graph()
    try:
        nace.parse(register.path, format="turtle")
    except Exception as exc:  # rdflib raises several parser exception types
        raise DataError(f"data/registers/{register.path.name}: not valid Turtle ({exc})") from exc
    g = ctx.graph(GRAPH)
    for letter, sector in sorted(ctx.index.get("sector", {}).items()):
        if letter == "totaal":
            continue
        uri = NACE_RAMON[letter]
        if (uri, RAMON_ONT.code, Literal(letter)) not in nace or (uri, RDF.type, RAMON_ONT.Section) not in nace:
            raise DataError(f"data/registers/{register.path.name} has no NACE Rev. 2 section {letter!r}")
        g.add((sector, SKOS.exactMatch, uri))
        title = str(nace.value(uri, RDFS.label))
        g.add((uri, RDFS.label, Literal(title, lang="en")))
        # The report prints SBI's Dutch names only; NACE's title of the same section is the English name
        # ("J - INFORMATION AND COMMUNICATION" -> "Information and communication": no title has a proper noun).
        english = Literal(nace_title_en(title, letter), lang="en")
        g.add((sector, SKOS.prefLabel, english))
        g.add((sector, RDFS.label, english))
        g.add((uri, ctx.term("inRegister"), register.iri))


def nace_title_en(label: str, letter: str) -> str:
    """RAMON's "A - AGRICULTURE, FORESTRY AND FISHING" as a sentence: "Agriculture, forestry and fishing"."""
    prefix = f"{letter} - "
    if not label.startswith(prefix):
        raise DataError(f"NACE section {letter}: label {label!r} does not start with {prefix!r}")
    title = label[len(prefix):].strip()
    for wrong, right in RAMON_TYPOS.items():
        title = title.replace(wrong, right)
    title = title.lower()
    return title[:1].upper() + title[1:]


__all__ = ["Entry", "build_registers", "nace_title_en", "read_registers", "register_entries", "register_rows", "sha256"]
