"""`almerekg link cbs`: establishments and jobs by SBI section for one municipality from CBS StatLine (OData).

What is fetched is written to linksets/cbs/<table>-<region>.csv (one row per cell, each with the URL it came from
and when) plus a .json manifest; the build turns those into RDF Data Cube observations in a graph of their own
(graph/linksets.py), on the same sector and place concepts as Tabel 1 and 2.

Nothing about the table is assumed: dimensions, category titles and measures are read from the table's own
metadata. The SBI section of a category is the letter CBS prints in front of its title ("A Landbouw, ...";
"A-U Alle economische activiteiten" is the total). Which measure counts establishments and which jobs is said by
the user (--measure KEY=establishments), after reading the table's measures with --describe. A measure's unit is
read too: CBS publishes jobs in thousands ("x 1 000", 7888.2), and the linkset keeps both what CBS published and the
count it stands for (7888200), with the period's title and status ("Voorlopig") as CBS gives them.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .formats import CBS_COLUMNS
from .http import Fetcher, LinkError, utc_now

# Default service roots, each from a citable source:
# - v3: the Python client cbsodata 1.3.5 (PyPI), cbsodata/cbsodata3.py: CBSOPENDATA = "opendata.cbs.nl",
#   API = "ODataApi/odata", CATALOG = "ODataCatalog", over https (its bulk downloads use BULK = "ODataFeed/odata",
#   which serves the same entity sets with paging: pass it with --base-url for very large selections). Every v3
#   client asks for $format=json (cbsodata3.py; statline-bq's utils.py appends "?$format=json"), so we do too.
# - v4: CBS's own R client moved from https://odata4.cbs.nl to https://datasets.cbs.nl/odata (statistiekcbs/cbsodata4,
#   R/package.R and NEWS.md "cbsodata4 0.9.3", commit 2fd2d0cf525a6064b60fc2548807be3f62923bc1); CBS's release notes
#   1.12.0 (31 January 2023, datasets.cbs.nl/odata/v1/releasenotes.html) put a version in the path, so the catalogue
#   CBS sits at https://datasets.cbs.nl/odata/v1/CBS. The response shape (Observations with Measure/Value,
#   MeasureCodes, <Dimension>Codes, @odata.nextLink) follows CBS's own examples (statistiekcbs/CBS-Open-Data-v4).
DEFAULT_BASE = {"v3": "https://opendata.cbs.nl/ODataApi/odata", "v4": "https://datasets.cbs.nl/odata/v1/CBS"}
DEFAULT_CATALOG = "https://opendata.cbs.nl/ODataCatalog"
MEASURES = ("establishments", "jobs")
COLUMNS = CBS_COLUMNS
V3_JSON = {"$format": "json"}
# The v3 DataProperties types that are dimensions (CBS, Handleiding CBS Open Data Services, "DataProperties" and
# "Geografische Dimensies"); Topic is a measure, TopicGroup only groups topics.
V3_DIMENSION_TYPES = frozenset({"Dimension", "TimeDimension", "GeoDimension", "GeoDetail"})
TEXT_DATATYPES = frozenset({"string", "text"})

PERIOD = re.compile(r"^(\d{4})([A-Z]{2})(\d{2})$")  # CBS period codes such as 2009JJ00 (JJ = whole year)
SECTION = re.compile(r"^([A-U])\s+\S")
TOTAL = re.compile(r"^A-U\s+\S")
# CBS units of counts: "aantal" (one by one) or "x 1 000", "x 1 000 000" (the published value is in thousands ...).
MULTIPLIED = re.compile(r"^x\s*(1(?:[\s.]?000)+)$", re.IGNORECASE)


@dataclass
class Dimension:
    key: str
    title: str
    kind: str = ""  # CBS's type of the dimension (v3 Type, v4 Kind) when it says so
    codes: dict[str, str] = field(default_factory=dict)  # the key exactly as CBS sends it -> title
    status: dict[str, str] = field(default_factory=dict)  # period key -> CBS's Status ("Voorlopig", "Definitief")

    def find(self, wanted: str) -> str | None:
        """CBS pads some keys with spaces ('GM0034  '); match on the stripped key, return CBS's own."""
        for raw in self.codes:
            if raw.strip() == wanted:
                return raw
        return None

    @property
    def is_geo(self) -> bool:
        return self.kind.startswith("Geo")


@dataclass
class Measure:
    key: str
    title: str
    unit: str
    datatype: str = ""
    decimals: int | None = None


@dataclass
class TableMeta:
    table: str
    title: str
    table_url: str
    dimensions: list[Dimension]
    measures: list[Measure]
    urls: list[tuple[str, str]] = field(default_factory=list)  # (url, retrieved) of every metadata request


def _values(data: Any) -> list[dict]:
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        return data["value"]
    if isinstance(data, list):
        return data
    raise LinkError("the service answered JSON without a 'value' list; is --api right for this base URL?")


def _next_link(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    return data.get("odata.nextLink") or data.get("@odata.nextLink")


def unit_multiplier(measure: Measure) -> int:
    """How many ones one published unit of a count stands for: 1 for "aantal", 1000 for "x 1 000"."""
    unit = " ".join(measure.unit.split())
    if measure.datatype.strip().lower() in TEXT_DATATYPES:
        raise LinkError(f"measure {measure.key} ({measure.title}) is a text measure (Datatype {measure.datatype}), "
                        "not a count of establishments or jobs")
    if unit.lower() == "aantal":
        return 1
    if m := MULTIPLIED.match(unit):
        return int(re.sub(r"[\s.]", "", m.group(1)))
    raise LinkError(f"measure {measure.key} ({measure.title}) has unit {measure.unit!r}, which is not a count "
                    "('aantal' or 'x 1 000'); choose a measure that counts establishments or jobs")


def to_count(value: Any, measure: Measure, multiplier: int) -> int:
    """CBS's published value in units of one: 7888.2 with unit "x 1 000" is 7888200. Never rounds."""
    try:
        published = Decimal(str(value).strip())
    except InvalidOperation:
        raise LinkError(f"measure {measure.key} has the value {value!r}, which is not a number") from None
    count = published * multiplier
    if count != count.to_integral_value():
        raise LinkError(f"measure {measure.key} gives {value!r} [{measure.unit}], which is {count} and not a whole "
                        "count; not a count of establishments or jobs")
    return int(count)


class StatLine:
    """The two CBS OData flavours behind one small interface."""

    def __init__(self, fetcher: Fetcher, table: str, api: str = "v3", base_url: str | None = None) -> None:
        if api not in DEFAULT_BASE:
            raise LinkError(f"--api must be one of {', '.join(DEFAULT_BASE)}")
        if not re.fullmatch(r"[0-9A-Za-z]+", table):
            raise LinkError(f"table id {table!r} is not a CBS table identifier (letters and digits only)")
        self.fetcher = fetcher
        self.table = table
        self.api = api
        self.base = (base_url or DEFAULT_BASE[api]).rstrip("/")
        self.table_url = f"{self.base}/{table}"
        self.seen: list[tuple[str, str]] = []

    def _params(self, params: dict[str, str] | None = None) -> dict[str, str]:
        """v3 answers Atom XML unless asked for JSON; v4 answers JSON by default."""
        return {**(V3_JSON if self.api == "v3" else {}), **(params or {})}

    def _get_all(self, url: str, params: dict[str, str] | None = None) -> list[dict]:
        rows: list[dict] = []
        next_url: str | None = url
        first = True
        while next_url:
            resp = self.fetcher.get_json(next_url, self._params(params) if first else None)
            self.seen.append((resp.url, resp.retrieved))
            rows.extend(_values(resp.data))
            first = False
            next_url = _next_link(resp.data)
        return rows

    def _get_one(self, url: str) -> dict:
        resp = self.fetcher.get_json(url, self._params())
        self.seen.append((resp.url, resp.retrieved))
        data = resp.data
        if isinstance(data, dict) and isinstance(data.get("value"), list):
            return data["value"][0] if data["value"] else {}
        return data if isinstance(data, dict) else {}

    def _codes(self, dim: Dimension, url: str, key: str) -> None:
        for c in self._get_all(url):
            raw = str(c[key])
            dim.codes[raw] = str(c.get("Title", "")).strip()
            if str(c.get("Status") or "").strip():
                dim.status[raw] = str(c["Status"]).strip()

    def _meta_v3(self) -> tuple[dict, list[Dimension], list[Measure]]:
        info = self._get_one(f"{self.table_url}/TableInfos")
        dims: list[Dimension] = []
        measures: list[Measure] = []
        for prop in self._get_all(f"{self.table_url}/DataProperties"):
            kind = str(prop.get("Type", ""))
            if kind in V3_DIMENSION_TYPES:
                dims.append(Dimension(str(prop["Key"]), str(prop.get("Title", prop["Key"])), kind))
            elif kind == "Topic":
                measures.append(Measure(str(prop["Key"]), str(prop.get("Title", "")), str(prop.get("Unit") or ""),
                                        str(prop.get("Datatype") or ""), prop.get("Decimals")))
        for dim in dims:
            self._codes(dim, f"{self.table_url}/{dim.key}", "Key")
        return info, dims, measures

    def _meta_v4(self) -> tuple[dict, list[Dimension], list[Measure]]:
        info = self._get_one(f"{self.table_url}/Properties")
        dims = [Dimension(str(d["Identifier"]), str(d.get("Title", d["Identifier"])), str(d.get("Kind") or ""))
                for d in self._get_all(f"{self.table_url}/Dimensions")]
        measures = [Measure(str(m["Identifier"]), str(m.get("Title", "")), str(m.get("Unit") or ""),
                            str(m.get("DataType") or m.get("Datatype") or ""), m.get("Decimals"))
                    for m in self._get_all(f"{self.table_url}/MeasureCodes")]
        for dim in dims:
            self._codes(dim, f"{self.table_url}/{dim.key}Codes", "Identifier")
        return info, dims, measures

    def meta(self) -> TableMeta:
        info, dims, measures = self._meta_v3() if self.api == "v3" else self._meta_v4()
        return TableMeta(self.table, str(info.get("Title", "")).strip(), self.table_url, dims, measures,
                         list(self.seen))

    def observations(self, filt: str, select: list[str]) -> list[dict]:
        if self.api == "v3":
            return self._get_all(f"{self.table_url}/TypedDataSet", {"$filter": filt, "$select": ",".join(select)})
        return self._get_all(f"{self.table_url}/Observations", {"$filter": filt})


@dataclass
class Plan:
    """Which dimension is which, decided from the codes CBS sent (not from names we expect)."""

    region: Dimension
    period: Dimension
    sbi: Dimension
    fixed: dict[str, str]
    region_key: str
    period_keys: dict[str, int]  # CBS period key -> year
    sbi_keys: dict[str, str]  # CBS category key -> section letter or 'totaal'


def plan(meta: TableMeta, municipality: str, years: Iterable[int], fixed: dict[str, str]) -> Plan:
    by_key = {d.key: d for d in meta.dimensions}
    for name in fixed:
        if name not in by_key:
            raise LinkError(f"--fix names dimension {name!r}, which table {meta.table} does not have "
                            f"(it has {', '.join(by_key)})")
    free = [d for d in meta.dimensions if d.key not in fixed]
    region = next((d for d in free if d.find(municipality)), None)
    if region is None:
        geo = [f"{d.key} ({d.kind})" for d in meta.dimensions if d.is_geo]
        if not geo and all(d.kind for d in meta.dimensions):
            raise LinkError(f"table {meta.table} has no region dimension (its dimensions: "
                            f"{', '.join(f'{d.key} ({d.kind})' for d in meta.dimensions)}); choose a table by region")
        raise LinkError(f"no dimension of table {meta.table} has the region code {municipality}"
                        + (f" (its region dimensions: {', '.join(geo)})" if geo else ""))
    period = next((d for d in free if d is not region and d.codes and all(PERIOD.match(k.strip()) for k in d.codes)),
                  None)
    if period is None:
        raise LinkError(f"table {meta.table} has no period dimension with CBS period codes (such as ...JJ00)")
    sbi = next((d for d in free if d not in (region, period)
                and any(SECTION.match(t) for t in d.codes.values())), None)
    if sbi is None:
        raise LinkError(f"table {meta.table} has no dimension whose categories are SBI sections ('A ...', 'C ...')")
    rest = [d.key for d in free if d not in (region, period, sbi)]
    if rest:
        raise LinkError(f"table {meta.table} has more dimensions ({', '.join(rest)}); pin each with --fix DIM=KEY "
                        "(see --describe for the keys)")
    wanted = {int(y) for y in years}
    period_keys = {}
    for raw in period.codes:
        m = PERIOD.match(raw.strip())
        if m and m.group(2) == "JJ" and int(m.group(1)) in wanted:
            period_keys[raw] = int(m.group(1))
    missing = sorted(wanted - set(period_keys.values()))
    if missing:
        raise LinkError(f"table {meta.table} has no whole-year figures for {', '.join(map(str, missing))}")
    sbi_keys: dict[str, str] = {}
    for raw, title in sbi.codes.items():
        if TOTAL.match(title):
            sbi_keys[raw] = "totaal"
        elif m := SECTION.match(title):
            sbi_keys[raw] = m.group(1)
    fixed_raw = {}
    for name, key in fixed.items():
        found = by_key[name].find(key)
        if found is None:
            raise LinkError(f"dimension {name} of table {meta.table} has no key {key!r}")
        fixed_raw[name] = found
    return Plan(region, period, sbi, fixed_raw, region.find(municipality) or municipality, period_keys, sbi_keys)


def _odata_filter(p: Plan) -> str:
    def any_of(dim: str, keys: Iterable[str]) -> str:
        return "(" + " or ".join(f"{dim} eq '{k}'" for k in sorted(keys)) + ")"

    parts = [f"{p.region.key} eq '{p.region_key}'", any_of(p.period.key, p.period_keys), any_of(p.sbi.key, p.sbi_keys)]
    parts += [f"{dim} eq '{key}'" for dim, key in sorted(p.fixed.items())]
    return " and ".join(parts)


def parse_measures(pairs: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, what = pair.partition("=")
        if not sep or what not in MEASURES or not key:
            raise LinkError(f"--measure takes KEY=establishments or KEY=jobs, not {pair!r}")
        out[key] = what
    return out


def describe(meta: TableMeta) -> str:
    lines = [f"table {meta.table}: {meta.title or '(no title)'}", f"  {meta.table_url}", "  dimensions:"]
    for d in meta.dimensions:
        sample = ", ".join(f"{k.strip()}={t}" for k, t in list(d.codes.items())[:6])
        kind = f" [{d.kind}]" if d.kind else ""
        lines.append(f"    {d.key} ({d.title}){kind}: {len(d.codes)} codes, e.g. {sample}")
        provisional = [f"{d.codes[k] or k.strip()} {v}" for k, v in d.status.items() if v.lower() != "definitief"]
        if provisional:
            lines.append(f"      not final: {', '.join(provisional)}")
    lines.append("  measures (use --measure KEY=establishments or KEY=jobs):")
    for m in meta.measures:
        extra = ", ".join(x for x in (m.datatype, "" if m.decimals is None else f"{m.decimals} decimals") if x)
        lines.append(f"    {m.key}: {m.title} [{m.unit}]" + (f" ({extra})" if extra else ""))
    return "\n".join(lines)


@dataclass
class Result:
    csv_path: Path
    manifest_path: Path
    rows: int
    skipped_empty: int


def _checked_measures(meta: TableMeta, measures: dict[str, str]) -> dict[str, int]:
    """Each measure asked for exists and is a count; its unit multiplier (1 for "aantal", 1000 for "x 1 000")."""
    known = {m.key: m for m in meta.measures}
    if not measures:
        raise LinkError("say which measure is which with --measure KEY=establishments and/or KEY=jobs; the table "
                        "has:\n" + "\n".join(f"  {m.key}: {m.title} [{m.unit}]" for m in meta.measures))
    for key in measures:
        if key not in known:
            raise LinkError(f"--measure names {key!r}, which is not a measure of table {meta.table} "
                            f"(it has {', '.join(known)})")
    return {key: unit_multiplier(known[key]) for key in measures}


def _cells(rec: dict, api: str, measures: dict[str, str]) -> list[tuple[str, Any]]:
    """v3 answers one record per cell combination with a column per measure; v4 one record per measure."""
    if api == "v3":
        return [(k, rec.get(k)) for k in sorted(measures)]
    if str(rec.get("Measure", "")) not in measures:
        return []
    return [(str(rec["Measure"]), rec.get("Value"))]


def _linkset_row(p: Plan, rec: dict, m: Measure, what: str, value: Any, multiplier: int,
                 context: dict[str, str]) -> dict[str, str]:
    period = str(rec.get(p.period.key, ""))
    cat = str(rec.get(p.sbi.key, ""))
    return {
        **context, "period": period.strip(), "period_title": p.period.codes.get(period, ""),
        "period_status": p.period.status.get(period, ""), "year": str(p.period_keys[period]),
        "dimension": p.sbi.key, "category_key": cat.strip(), "category_title": p.sbi.codes[cat],
        "section": p.sbi_keys[cat], "measure_key": m.key, "measure_title": m.title, "unit": m.unit,
        "multiplier": str(multiplier), "value_published": str(value), "measure": what,
        "value": str(to_count(value, m, multiplier)),
    }


def _asked_for(p: Plan, rec: dict, region: str) -> bool:
    """False for a record of a server that ignored part of the filter: keep only what was asked for."""
    return (str(rec.get(p.region.key, "")).strip() == region and str(rec.get(p.period.key, "")) in p.period_keys
            and str(rec.get(p.sbi.key, "")) in p.sbi_keys)


def _rows(meta: TableMeta, p: Plan, records: list[dict], measures: dict[str, str], multipliers: dict[str, int],
          context: dict[str, str]) -> tuple[list[dict[str, str]], int]:
    known = {m.key: m for m in meta.measures}
    rows: list[dict[str, str]] = []
    skipped = 0
    for rec in (r for r in records if _asked_for(p, r, context["region"])):
        for key, value in _cells(rec, context["api"], measures):
            if value is None or value == "":
                skipped += 1  # CBS leaves a cell empty when it is secret or unknown: no observation, no guess
                continue
            rows.append(_linkset_row(p, rec, known[key], measures[key], value, multipliers[key], context))
    rows.sort(key=lambda r: (r["measure"], r["year"], r["section"] == "totaal", r["section"]))
    return rows, skipped


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return tmp


def fetch(statline: StatLine, municipality: str, years: list[int], measures: dict[str, str], out_dir: Path,
          fixed: dict[str, str] | None = None, say: Callable[[str], None] = lambda _m: None) -> Result:
    meta = statline.meta()
    say(f"table {meta.table}: {meta.title}")
    multipliers = _checked_measures(meta, measures)
    p = plan(meta, municipality, years, fixed or {})
    filt = _odata_filter(p)
    if statline.api == "v4":  # v4 has one record per measure: ask only for the measures asked for
        filt += " and (" + " or ".join(f"Measure eq '{k}'" for k in sorted(measures)) + ")"
    select = [p.region.key, p.period.key, p.sbi.key, *sorted(p.fixed), *sorted(measures)]
    statline.seen.clear()
    records = statline.observations(filt, select)
    data_urls = list(statline.seen)
    url, retrieved = data_urls[0] if data_urls else (statline.table_url, utc_now())
    context = {"table": meta.table, "api": statline.api, "region": municipality, "url": url, "retrieved": retrieved}
    rows, skipped = _rows(meta, p, records, measures, multipliers, context)
    manifest = {
        "source": "CBS StatLine open data (OData)",
        "publisher": "Centraal Bureau voor de Statistiek",
        "table": meta.table, "title": meta.title, "api": statline.api, "base_url": statline.base,
        "table_url": meta.table_url, "municipality": municipality, "years": sorted(set(years)),
        "measures": measures, "units": {k: next(m.unit for m in meta.measures if m.key == k) for k in measures},
        "fixed": p.fixed, "retrieved": retrieved, "written": utc_now(),
        "dimensions": {"region": p.region.key, "period": p.period.key, "sbi": p.sbi.key},
        "data_requests": [{"url": u, "retrieved": r} for u, r in data_urls],
        "metadata_requests": [{"url": u, "retrieved": r} for u, r in meta.urls],
        "cells_without_value": skipped,
    }
    return write_linkset(out_dir, f"{meta.table}-{municipality}", rows, manifest, skipped)


def write_linkset(out_dir: Path, stem: str, rows: list[dict[str, str]], manifest: dict[str, Any],
                  skipped: int) -> Result:
    """The linkset CSV and its manifest, as the build reads them; the one writer of both link paths (API, export)."""
    csv_path = out_dir / f"{stem}.csv"
    tmp = _write_csv(csv_path, rows)
    manifest_path = out_dir / f"{stem}.json"
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(csv_path)  # the CSV last: a crash leaves the previous linkset, never half a new one
    return Result(csv_path, manifest_path, len(rows), skipped)


def find_tables(fetcher: Fetcher, words: list[str], catalog_url: str = DEFAULT_CATALOG) -> list[dict]:
    """Search CBS's own table catalogue (every page of it), so a table id is read from CBS, not typed from memory."""
    wanted = [w.lower() for w in words]
    found: list[dict] = []
    url: str | None = f"{catalog_url.rstrip('/')}/Tables"
    params: dict[str, str] | None = {**V3_JSON, "$select": "Identifier,Title,Period,Modified"}
    while url:
        resp = fetcher.get_json(url, params)
        found += [t for t in _values(resp.data) if all(w in str(t.get("Title", "")).lower() for w in wanted)]
        url, params = _next_link(resp.data), None
    return found


@dataclass(frozen=True)
class DocumentedTable:
    """A table id a third party names for a purpose: a proposal that --describe must confirm, never a silent truth."""

    table: str
    measure: str  # establishments or jobs
    title: str  # the title the source gives; compared with the title CBS sends
    details: str
    source: str


# Third-party mentions, not CBS's word: `almerekg link cbs` without --table shows them, with where they come from, and
# asks CBS for each table's metadata before anyone relies on them.
DOCUMENTED_TABLES = (
    DocumentedTable("81575NED", "establishments", "Vestigingen van bedrijven; bedrijfstak, gemeente",
                    "2007-2026, region dimension RegioS, v4 measure M000200 (vestigingen), total category T001081",
                    "repository Schravenralph/Ruimtemeesters-Dashboarding, "
                    "src/server/db/migrations/056_economie_bedrijvigheid_scaffold.sql "
                    "(commit f0c49662ca0a1a98c9eb9c61b100530c58007cd6)"),
    DocumentedTable("83582NED", "jobs",
                    "Banen van werknemers in december; economische activiteit (SBI2008), regio",
                    "jobs of employees in December, published in thousands (x 1 000), by region",
                    "public client code (a web page's script) that reads 83582NED's TypedDataSet by RegioS and "
                    "multiplies BanenVanWerknemersInDecember_1 by 1000; its repository could not be named, so "
                    "only CBS's answer below confirms the id"),
)


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def propose_defaults(make: Callable[[str], StatLine], say: Callable[[str], None] = print) -> bool:
    """Show the documented tables and CBS's own description of each; True when CBS's titles confirm them all."""
    confirmed = True
    say("No --table given. Documented tables (third-party mentions, checked against CBS below):")
    for doc in DOCUMENTED_TABLES:
        say(f"\n{doc.measure}: {doc.table} \"{doc.title}\"\n  {doc.details}\n  source: {doc.source}")
        meta = make(doc.table).meta()
        say(describe(meta))
        if _same_title(meta.title, doc.title):
            say(f"  confirmed: CBS calls {doc.table} \"{meta.title}\"")
        else:
            confirmed = False
            say(f"  NOT confirmed: CBS calls {doc.table} \"{meta.title}\", the source says \"{doc.title}\"; "
                "do not use it without checking")
    say("\nTo fetch, name the table and its measures: --table ID --measure KEY=establishments|jobs "
        "(keys as listed above).")
    return confirmed


__all__ = ["COLUMNS", "DEFAULT_BASE", "DEFAULT_CATALOG", "DOCUMENTED_TABLES", "Dimension", "DocumentedTable",
           "Measure", "Plan", "Result", "StatLine", "TableMeta", "describe", "fetch", "find_tables", "parse_measures",
           "plan", "propose_defaults", "to_count", "unit_multiplier", "write_linkset"]
