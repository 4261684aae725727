"""`almerekg link cbs --export FILE`: a StatLine CSV export, read as StatLine writes it, into the API path's linkset.

People download tables from StatLine as CSV; such a file is linked without a network. StatLine writes two layouts:
- wide: one column per region x period, under the header rows "Regio's" (region names), "Perioden" (period titles)
  and a unit row whose first cell names the category dimension ("Bedrijfstakken/branches SBI 2008"); then one row per
  category;
- long: a header row of column titles (category, "Regio", "Periode", one column per measure), then one row per
  category x region x period.
Latin-1 (StatLine's own encoding) or UTF-8, ";"-separated. The cells use CBS's legend: "." not available, "x" secret,
"-" nil (nothing), "*" after a period provisional, "**" revised provisional. "x" and "." never become a number: the
linkset records their status and the build shows them as such.

The export names regions by name only; the name is matched to a code through the stored CBS registers (data/registers/):
municipalities by their name, provinces by the name StatLine writes with " (PV)" after it, and the country
("Nederland", "Nederland totaal" in StatLine's exports) by its ISO 3166-1 code. An ambiguous name is refused. The
rows and manifest are those of the API path (cbs.write_linkset); the manifest says which file, with its checksum, and,
when the file is a copy listed in data/registers/registers.csv, its origin and date as recorded there.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..graph.registers import register_entries, register_rows
from .cbs import SECTION, TOTAL, Measure, Result, to_count, unit_multiplier, write_linkset
from .http import LinkError, utc_now

# The StatLine page of a table, in the form the vsnijders/smp repository names both stored tables
# (R/vestigingvanbedrijven/read_table.R and R/banenvanwerknemers/read_table.R, commit 3c269a30...):
# http://statline.cbs.nl/StatWeb/publication/?PA=81575ned.
STATLINE_PAGE = "http://statline.cbs.nl/StatWeb/publication/?PA={table}"


@dataclass(frozen=True)
class ExportTable:
    """What an export does not say about its table, for the tables whose exports data/registers/ holds."""

    title: str
    measure_name: str  # the measure's column title in the long layout; the wide layout has one unnamed measure
    measure: str  # establishments or jobs
    unit: str  # CBS's unit of the published value


# From data/registers/README.md (the origin's read_table.R names each table; the unit row and column say the unit).
EXPORT_TABLES = {
    "81575NED": ExportTable("Vestigingen van bedrijven; naar bedrijfstak (SBI 2008) en gemeenten",
                            "Vestigingen van bedrijven", "establishments", "aantal"),
    "81402NED": ExportTable("Banen van werknemers", "Banen van werknemers", "jobs", "x 1 000"),
}

SYMBOLS = {".": "not-available", "x": "secret", "-": "nil"}  # CBS's legend ("verklaring van tekens")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
PERIOD_TITLE = re.compile(r"^(\d{4})(?:\s+(" + "|".join(MONTHS) + r"))?\s*(\*{0,2})$")
PERIOD_STATUS = {"": "", "*": "Voorlopig", "**": "Nader voorlopig"}  # CBS's words for the marks
REGION_HEADERS = ("Regio's", "Regio")
PERIOD_HEADERS = ("Perioden", "Periode")
PROVINCE_SUFFIX = " (PV)"
# StatLine names the whole country "Nederland" (81575ned) or "Nederland totaal" (81402ned); its code is the ISO 3166-1
# code of the register entry "Netherlands" (data/registers/iso3166-1.json).
COUNTRY_NAMES = {"Nederland": "Netherlands", "Nederland totaal": "Netherlands"}


@dataclass
class Cell:
    where: str  # file:line (and column)
    region: str
    period: str
    category: str
    measure: str  # the measure's name
    text: str


@dataclass
class Export:
    name: str
    layout: str  # wide or long
    encoding: str
    sbi_title: str  # the category dimension's title
    region_title: str
    period_title: str
    units: dict[str, tuple[str, str]]  # measure name -> (unit as the export states it, where); empty in the long layout
    cells: list[Cell]
    regions: dict[str, str]  # region name -> where it first appears


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 when the bytes are UTF-8 (StatLine's newer exports, the slices), otherwise Latin-1 (StatLine's own)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _records(text: str, name: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    out = []
    try:
        for rec in reader:
            if any(c.strip() for c in rec):
                out.append((reader.line_num, [c.strip() for c in rec]))
    except csv.Error as exc:
        raise LinkError(f"{name}:{reader.line_num}: not a ';'-separated CSV line ({exc})") from None
    return out


def read_export(path: Path, measure_names: Iterable[str]) -> Export:
    data = path.read_bytes()
    text, encoding = decode(data)
    recs = _records(text, path.name)
    if not recs:
        raise LinkError(f"{path.name}: the file is empty")
    first = recs[0][1]
    if first and first[0] in REGION_HEADERS[:1] and len(recs) > 2:
        return _wide(path.name, encoding, recs, list(measure_names))
    return _long(path.name, encoding, recs, list(measure_names))


def _wide(name: str, encoding: str, recs: list[tuple[int, list[str]]], measures: list[str]) -> Export:
    (l1, regions), (l2, periods), (l3, units) = recs[0], recs[1], recs[2]
    if periods[0] not in PERIOD_HEADERS:
        raise LinkError(f"{name}:{l2}: the second header row should start with 'Perioden' (StatLine's wide layout), "
                        f"found {periods[0]!r}")
    if not (len(regions) == len(periods) == len(units)):
        raise LinkError(f"{name}:{l3}: the header rows have {len(regions)}, {len(periods)} and {len(units)} cells; "
                        "StatLine writes one per region x period")
    if len(measures) != 1:
        raise LinkError(f"{name}: the wide layout holds one measure; give one --measure NAME=establishments|jobs")
    measure = measures[0]
    seen: dict[str, str] = {}
    for col, region in enumerate(regions[1:], start=2):
        seen.setdefault(region, f"{name}:{l1}, column {col}")
    cells = []
    for line, rec in recs[3:]:
        if len(rec) != len(regions):
            raise LinkError(f"{name}:{line}: {len(rec)} cells, but the header rows have {len(regions)}")
        cells += [Cell(f"{name}:{line}, column {col + 1}", regions[col], periods[col], rec[0], measure, rec[col])
                  for col in range(1, len(rec))]
    stated = set(units[1:])  # one unit per measure: every column states it, and they must agree
    if len(stated) > 1:
        raise LinkError(f"{name}:{l3}: the unit row names more than one unit ({', '.join(sorted(stated))})")
    units_by_measure = {measure: (next(iter(stated)), f"{name}:{l3}")} if stated else {}
    return Export(name, "wide", encoding, units[0], regions[0], periods[0], units_by_measure, cells, seen)


def _column(header: list[str], names: Iterable[str], what: str, name: str, line: int) -> int:
    for i, title in enumerate(header):
        if title in names:
            return i
    raise LinkError(f"{name}:{line}: no {what} column (StatLine names it {' or '.join(repr(n) for n in names)}); "
                    f"the header has {', '.join(repr(h) for h in header)}")


def _long(name: str, encoding: str, recs: list[tuple[int, list[str]]], measures: list[str]) -> Export:
    line0, header = recs[0]
    region = _column(header, REGION_HEADERS, "region", name, line0)
    period = _column(header, PERIOD_HEADERS, "period", name, line0)
    cols = {}
    for m in measures:
        if m not in header:
            raise LinkError(f"{name}:{line0}: no column {m!r} (--measure); the header has "
                            f"{', '.join(repr(h) for h in header)}")
        cols[m] = header.index(m)
    rest = [i for i in range(len(header)) if i not in (region, period, *cols.values())]
    body = recs[1:]
    sbi = [i for i in rest if body and all(_category_like(rec[i]) for _line, rec in body if i < len(rec))]
    if len(sbi) != 1:
        raise LinkError(f"{name}:{line0}: cannot tell which column holds the SBI categories (columns whose every "
                        f"value starts with a section code: {', '.join(repr(header[i]) for i in sbi) or 'none'}); "
                        "is the layout StatLine's?")
    seen: dict[str, str] = {}
    cells = []
    for line, rec in body:
        if len(rec) != len(header):
            raise LinkError(f"{name}:{line}: {len(rec)} cells, but the header has {len(header)}")
        seen.setdefault(rec[region], f"{name}:{line}")
        for m, col in cols.items():
            cells.append(Cell(f"{name}:{line}, column {col + 1}", rec[region], rec[period], rec[sbi[0]], m, rec[col]))
    return Export(name, "long", encoding, header[sbi[0]], header[region], header[period], {}, cells, seen)


CATEGORY = re.compile(r"^[A-U](?:[-+][A-U])?\s+\S")


def _category_like(text: str) -> bool:
    return bool(CATEGORY.match(text))


@dataclass(frozen=True)
class RegionMatch:
    code: str | None
    candidates: tuple[str, ...]  # codes the name could stand for when it is ambiguous


class Regions:
    """Region names as StatLine writes them -> codes, via the stored CBS registers (ISO 3166-1 for the country)."""

    def __init__(self, data_dir: Path) -> None:
        folder = data_dir / "registers"
        files = {row.required("id"): folder / row.required("file") for row in register_rows(data_dir)}
        self.municipalities = register_entries("cbs-gemeenten-2021", files["cbs-gemeenten-2021"])
        self.provinces = register_entries("cbs-provincies-2021", files["cbs-provincies-2021"])
        self.countries = register_entries("iso-3166-1", files["iso-3166-1"])
        self.names = {e.code: e.name for e in (*self.municipalities.values(), *self.provinces.values())}
        self.names.update({self.countries[en].code: nl for nl, en in COUNTRY_NAMES.items()})

    def known(self, code: str) -> bool:
        return code in self.names

    def match(self, name: str) -> RegionMatch:
        if name in COUNTRY_NAMES:
            return RegionMatch(self.countries[COUNTRY_NAMES[name]].code, ())
        if name.endswith(PROVINCE_SUFFIX):
            entry = self.provinces.get(name[: -len(PROVINCE_SUFFIX)])
            return RegionMatch(entry.code if entry else None, ())
        if name in self.municipalities:
            return RegionMatch(self.municipalities[name].code, ())
        # "Bergen" in an export, "Bergen (L.)" and "Bergen (NH.)" in the register: one candidate is a match, two are
        # an ambiguity the user must resolve.
        found = tuple(sorted(e.code for n, e in self.municipalities.items() if re.sub(r"\s*\(.*\)$", "", n) == name))
        if len(found) == 1:
            return RegionMatch(found[0], ())
        return RegionMatch(None, found)


def pick_region(export: Export, regions: Regions, code: str) -> str:
    """The one region name of the export that stands for code; refuses an ambiguous or missing one, naming the line."""
    if not regions.known(code):
        raise LinkError(f"{code} is not a code of the stored registers (data/registers/: a municipality GM...., a "
                        "province PV.. or the country NL)")
    hits = []
    for name, where in export.regions.items():
        m = regions.match(name)
        if code in m.candidates:
            raise LinkError(f"{where}: region {name!r} is ambiguous: the CBS register has "
                            + ", ".join(f"{regions.names[c]} ({c})" for c in m.candidates)
                            + "; export the table with the register's names")
        if m.code == code:
            hits.append((name, where))
    if len(hits) > 1:
        raise LinkError(f"{hits[1][1]}: region {hits[1][0]!r} and {hits[0][0]!r} ({hits[0][1]}) both stand for "
                        f"{code}; the export is ambiguous")
    if not hits:
        shown = ", ".join(f"{n!r} ({w})" for n, w in list(export.regions.items())[:8])
        raise LinkError(f"{export.name}: no region is named as the register names {code} "
                        f"({regions.names[code]!r}); the export's regions include {shown}")
    return hits[0][0]


@dataclass(frozen=True)
class Period:
    year: int
    key: str  # the title without CBS's marks ("2009 december")
    status: str  # CBS's word for the mark ("Voorlopig", "Nader voorlopig", or "")


def read_period(title: str, where: str) -> Period:
    m = PERIOD_TITLE.match(title)
    if not m:
        raise LinkError(f"{where}: period {title!r} is not one this step can read (a year such as 2009, optionally "
                        "with a month, as in '2009 december', followed by CBS's * or ** where provisional)")
    key = m.group(1) + (f" {m.group(2)}" if m.group(2) else "")
    return Period(int(m.group(1)), key, PERIOD_STATUS[m.group(3)])


@dataclass(frozen=True)
class Origin:
    """Where the export comes from: a copy listed in data/registers/registers.csv, or just the file and its checksum."""

    sha256: str
    register: str
    origin: str
    url: str
    date: str
    date_basis: str


def origin(path: Path, data_dir: Path) -> Origin:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for row in register_rows(data_dir):
        if row.required("sha256") == digest:
            return Origin(digest, row["id"].strip(), row.required("origin"), row.get("source_url").strip(),
                          row.get("valid_on").strip(), f"data/registers/registers.csv, row {row['id'].strip()}, "
                          "column valid_on")
    # RFC 6920 names a file by its SHA-256 (ni:///sha-256;...): the one identifier an unlisted file has.
    ni = "ni:///sha-256;" + base64.urlsafe_b64encode(bytes.fromhex(digest)).decode().rstrip("=")
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    return Origin(digest, "", f"file {path.name}", ni, modified, "the file's modification time")


def _measures(table: str, given: dict[str, str], unit: str | None) -> tuple[dict[str, str], str]:
    known = EXPORT_TABLES.get(table)
    if given and unit:
        return given, unit
    if known is None:
        raise LinkError(f"table {table} is not one whose export this step knows ({', '.join(EXPORT_TABLES)}); an "
                        "export does not say what it measures: give --measure NAME=establishments|jobs (NAME: the "
                        "measure's column title in the long layout, its name on StatLine in the wide layout) and "
                        "--unit (as StatLine states it: aantal, x 1 000)")
    return given or {known.measure_name: known.measure}, unit or known.unit


def _cell_values(cell: Cell, m: Measure, multiplier: int) -> tuple[str, str] | None:
    """(value, value_status) of a cell; None for an empty cell (left out, as on the API path)."""
    text = cell.text
    if text == "":
        return None
    if text in SYMBOLS:
        status = SYMBOLS[text]
        return ("0" if status == "nil" else ""), status
    if not NUMBER.match(text):
        raise LinkError(f"{cell.where}: {text!r} is neither a number nor one of CBS's symbols (. x -)")
    try:
        return str(to_count(text, m, multiplier)), ""
    except LinkError as exc:
        raise LinkError(f"{cell.where}: {exc}") from None


def link_export(path: Path, table: str, code: str, years: list[int], given: dict[str, str], unit: str | None,
                data_dir: Path, out_dir: Path) -> Result:
    if not path.is_file():
        raise LinkError(f"--export {path}: no such file")
    table = table.upper()
    measures, unit = _measures(table, given, unit)
    export = read_export(path, measures)
    for m_name, (stated, where) in export.units.items():
        if " ".join(stated.split()).lower() != " ".join(unit.split()).lower():
            raise LinkError(f"{where}: the export states the unit {stated!r} for {m_name}, not {unit!r}")
    region = pick_region(export, Regions(data_dir), code)
    src = origin(path, data_dir)
    meta = {name: Measure(name, name, unit) for name in measures}
    multipliers = {name: unit_multiplier(m) for name, m in meta.items()}
    rows, skipped, periods = _rows(export, region, set(years), measures, meta, multipliers,
                                   {"table": table, "api": "export", "region": code, "url": src.url,
                                    "retrieved": src.date})
    missing = sorted(set(years) - {p.year for p in periods.values()})
    if missing:
        raise LinkError(f"{path.name}: no figures for {region} in {', '.join(map(str, missing))}")
    known = EXPORT_TABLES.get(table)
    manifest: dict[str, Any] = {
        "source": "CBS StatLine CSV export", "publisher": "Centraal Bureau voor de Statistiek",
        "table": table, "title": known.title if known else "", "api": "export", "base_url": "",
        "table_url": STATLINE_PAGE.format(table=table.lower()), "municipality": code, "region_name": region,
        "years": sorted(set(years)), "measures": measures, "units": {k: unit for k in measures}, "fixed": {},
        "retrieved": src.date, "written": utc_now(),
        "dimensions": {"region": export.region_title, "period": export.period_title, "sbi": export.sbi_title},
        "data_requests": [], "metadata_requests": [], "cells_without_value": skipped,
        "export": {"file": path.name, "sha256": src.sha256, "layout": export.layout, "encoding": export.encoding,
                   "register": src.register, "origin": src.origin, "url": src.url, "date": src.date,
                   "date_basis": src.date_basis,
                   "periods": {title: {"year": p.year, "status": p.status} for title, p in sorted(periods.items())}},
    }
    return write_linkset(out_dir, f"{table}-{code}", rows, manifest, skipped)


def _rows(export: Export, region: str, years: set[int], measures: dict[str, str], meta: dict[str, Measure],
          multipliers: dict[str, int], context: dict[str, str]
          ) -> tuple[list[dict[str, str]], int, dict[str, Period]]:
    rows: list[dict[str, str]] = []
    skipped = 0
    periods: dict[str, Period] = {}
    year_key: dict[int, tuple[str, str]] = {}
    for cell in export.cells:
        if cell.region != region:
            continue
        period = periods.get(cell.period) or read_period(cell.period, cell.where)
        periods[cell.period] = period
        other = year_key.setdefault(period.year, (period.key, cell.where))
        if other[0] != period.key:
            raise LinkError(f"{cell.where}: period {cell.period!r} and {other[0]!r} ({other[1]}) are both in "
                            f"{period.year}; this step links one figure per year")
        section = "totaal" if TOTAL.match(cell.category) else (m.group(1) if (m := SECTION.match(cell.category))
                                                                else None)
        if section is None or period.year not in years:
            continue  # a group of sections (A-F, G+I) or a year not asked for
        measure = meta[cell.measure]
        values = _cell_values(cell, measure, multipliers[cell.measure])
        if values is None:
            skipped += 1
            continue
        rows.append({**context, "period": period.key, "period_title": cell.period, "period_status": period.status,
                     "year": str(period.year), "dimension": export.sbi_title,
                     "category_key": cell.category.split()[0], "category_title": cell.category,
                     "section": section, "measure_key": measure.key, "measure_title": measure.title,
                     "unit": measure.unit,
                     "multiplier": str(multipliers[cell.measure]), "value_published": cell.text,
                     "measure": measures[cell.measure], "value": values[0], "value_status": values[1]})
    rows.sort(key=lambda r: (r["measure"], r["year"], r["section"] == "totaal", r["section"]))
    return rows, skipped, periods


__all__ = ["EXPORT_TABLES", "Export", "Regions", "decode", "link_export", "pick_region", "read_export",
           "read_period"]
