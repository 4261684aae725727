"""`almerekg link cbs`: establishments and jobs by SBI section for one municipality from CBS StatLine (OData).

What is fetched is written to linksets/cbs/<table>-<region>.csv (one row per cell, each with the URL it came from
and when) plus a .json manifest; the build turns those into RDF Data Cube observations in a graph of their own
(build/linksets.py), on the same sector and place concepts as Tabel 1 and 2.

Nothing about the table is assumed: dimensions, category titles and measures are read from the table's own
metadata. The SBI section of a category is the letter CBS prints in front of its title ("A Landbouw, ...";
"A-U Alle economische activiteiten" is the total). Which measure counts establishments and which jobs is said by
the user (--measure KEY=establishments), after reading the table's measures with --describe.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .formats import CBS_COLUMNS
from .http import Fetcher, LinkError, utc_now

# Default service roots, each from a citable source (no table id is defaulted: none was found in a citable source):
# - v3: the Python client cbsodata 1.3.5 (PyPI), cbsodata/cbsodata3.py: CBSOPENDATA = "opendata.cbs.nl",
#   API = "ODataApi/odata", CATALOG = "ODataCatalog", over https (its bulk downloads use BULK = "ODataFeed/odata",
#   which serves the same entity sets with paging: pass it with --base-url for very large selections).
# - v4: the R package HOQCutil's get_table_cbs_odata4 documentation: odata_root = "https://odata4.cbs.nl",
#   odata_cat = "CBS"; the response shape (Observations with Measure/Value, MeasureCodes, <Dimension>Codes,
#   @odata.nextLink) follows CBS's own examples in the repository statistiekcbs/CBS-Open-Data-v4.
DEFAULT_BASE = {"v3": "https://opendata.cbs.nl/ODataApi/odata", "v4": "https://odata4.cbs.nl/CBS"}
DEFAULT_CATALOG = "https://opendata.cbs.nl/ODataCatalog"
MEASURES = ("establishments", "jobs")
COLUMNS = CBS_COLUMNS

PERIOD = re.compile(r"^(\d{4})([A-Z]{2})(\d{2})$")  # CBS period codes such as 2009JJ00 (JJ = whole year)
SECTION = re.compile(r"^([A-U])\s+\S")
TOTAL = re.compile(r"^A-U\s+\S")


@dataclass
class Dimension:
    key: str
    title: str
    codes: dict[str, str] = field(default_factory=dict)  # the key exactly as CBS sends it -> title

    def find(self, wanted: str) -> str | None:
        """CBS pads some keys with spaces ('GM0034  '); match on the stripped key, return CBS's own."""
        for raw in self.codes:
            if raw.strip() == wanted:
                return raw
        return None


@dataclass
class Measure:
    key: str
    title: str
    unit: str


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

    def _get_all(self, url: str, params: dict[str, str] | None = None) -> list[dict]:
        rows: list[dict] = []
        next_url: str | None = url
        first = True
        while next_url:
            resp = self.fetcher.get_json(next_url, params if first else None)
            self.seen.append((resp.url, resp.retrieved))
            rows.extend(_values(resp.data))
            first = False
            data = resp.data if isinstance(resp.data, dict) else {}
            next_url = data.get("odata.nextLink") or data.get("@odata.nextLink")
        return rows

    def _get_one(self, url: str) -> dict:
        resp = self.fetcher.get_json(url)
        self.seen.append((resp.url, resp.retrieved))
        data = resp.data
        if isinstance(data, dict) and isinstance(data.get("value"), list):
            return data["value"][0] if data["value"] else {}
        return data if isinstance(data, dict) else {}

    def meta(self) -> TableMeta:
        dims: list[Dimension] = []
        measures: list[Measure] = []
        if self.api == "v3":
            info = self._get_one(f"{self.table_url}/TableInfos")
            for prop in self._get_all(f"{self.table_url}/DataProperties"):
                kind = str(prop.get("Type", ""))
                if kind.endswith("Dimension"):
                    dims.append(Dimension(str(prop["Key"]), str(prop.get("Title", prop["Key"]))))
                elif kind == "Topic":
                    measures.append(Measure(str(prop["Key"]), str(prop.get("Title", "")), str(prop.get("Unit", ""))))
            for dim in dims:
                dim.codes = {str(c["Key"]): str(c.get("Title", "")).strip()
                             for c in self._get_all(f"{self.table_url}/{dim.key}")}
        else:
            info = self._get_one(f"{self.table_url}/Properties")
            for d in self._get_all(f"{self.table_url}/Dimensions"):
                dims.append(Dimension(str(d["Identifier"]), str(d.get("Title", d["Identifier"]))))
            for m in self._get_all(f"{self.table_url}/MeasureCodes"):
                measures.append(Measure(str(m["Identifier"]), str(m.get("Title", "")), str(m.get("Unit", ""))))
            for dim in dims:
                dim.codes = {str(c["Identifier"]): str(c.get("Title", "")).strip()
                             for c in self._get_all(f"{self.table_url}/{dim.key}Codes")}
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
        raise LinkError(f"no dimension of table {meta.table} has the region code {municipality}")
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
        raw = by_key[name].find(key)
        if raw is None:
            raise LinkError(f"dimension {name} of table {meta.table} has no key {key!r}")
        fixed_raw[name] = raw
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
        lines.append(f"    {d.key} ({d.title}): {len(d.codes)} codes, e.g. {sample}")
    lines.append("  measures (use --measure KEY=establishments or KEY=jobs):")
    for m in meta.measures:
        lines.append(f"    {m.key}: {m.title} [{m.unit}]")
    return "\n".join(lines)


@dataclass
class Result:
    csv_path: Path
    manifest_path: Path
    rows: int
    skipped_empty: int


def fetch(statline: StatLine, municipality: str, years: list[int], measures: dict[str, str], out_dir: Path,
          fixed: dict[str, str] | None = None, say: Callable[[str], None] = lambda _m: None) -> Result:
    meta = statline.meta()
    say(f"table {meta.table}: {meta.title}")
    known = {m.key: m for m in meta.measures}
    if not measures:
        raise LinkError("say which measure is which with --measure KEY=establishments and/or KEY=jobs; the table "
                        "has:\n" + "\n".join(f"  {m.key}: {m.title} [{m.unit}]" for m in meta.measures))
    for key in measures:
        if key not in known:
            raise LinkError(f"--measure names {key!r}, which is not a measure of table {meta.table} "
                            f"(it has {', '.join(known)})")
    p = plan(meta, municipality, years, fixed or {})
    filt = _odata_filter(p)
    if statline.api == "v4":  # v4 has one record per measure: ask only for the measures asked for
        filt += " and (" + " or ".join(f"Measure eq '{k}'" for k in sorted(measures)) + ")"
    select = [p.region.key, p.period.key, p.sbi.key, *sorted(p.fixed), *sorted(measures)]
    statline.seen.clear()
    records = statline.observations(filt, select)
    data_urls = list(statline.seen)
    # v3 answers one record per cell combination with a column per measure; v4 one record per measure.
    url, retrieved = data_urls[0] if data_urls else (statline.table_url, utc_now())
    rows: list[dict[str, str]] = []
    skipped = 0
    for rec in records:
        region = str(rec.get(p.region.key, ""))
        period = str(rec.get(p.period.key, ""))
        cat = str(rec.get(p.sbi.key, ""))
        if region.strip() != municipality or period not in p.period_keys or cat not in p.sbi_keys:
            continue  # a server that ignored part of the filter: keep only what was asked for
        if statline.api == "v3":
            cells = [(k, rec.get(k)) for k in sorted(measures)]
        else:
            if str(rec.get("Measure", "")) not in measures:
                continue
            cells = [(str(rec["Measure"]), rec.get("Value"))]
        for key, value in cells:
            if value is None or value == "":
                skipped += 1  # CBS leaves a cell empty when it is secret or unknown: no observation, no guess
                continue
            if not float(value).is_integer():
                raise LinkError(f"table {meta.table} gives a non-whole count {value!r} for {key}; not a count")
            m = known[key]
            rows.append({
                "table": meta.table, "api": statline.api, "region": municipality, "period": period.strip(),
                "year": str(p.period_keys[period]), "dimension": p.sbi.key, "category_key": cat.strip(),
                "category_title": p.sbi.codes[cat], "section": p.sbi_keys[cat], "measure_key": key,
                "measure_title": m.title, "unit": m.unit, "measure": measures[key], "value": str(int(float(value))),
                "url": url, "retrieved": retrieved,
            })
    rows.sort(key=lambda r: (r["measure"], r["year"], r["section"] == "totaal", r["section"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{meta.table}-{municipality}"
    csv_path = out_dir / f"{stem}.csv"
    tmp = csv_path.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    manifest = {
        "source": "CBS StatLine open data (OData)",
        "publisher": "Centraal Bureau voor de Statistiek",
        "table": meta.table, "title": meta.title, "api": statline.api, "base_url": statline.base,
        "table_url": meta.table_url, "municipality": municipality, "years": sorted(set(years)),
        "measures": measures, "fixed": p.fixed, "retrieved": retrieved, "written": utc_now(),
        "dimensions": {"region": p.region.key, "period": p.period.key, "sbi": p.sbi.key},
        "data_requests": [{"url": u, "retrieved": r} for u, r in data_urls],
        "metadata_requests": [{"url": u, "retrieved": r} for u, r in meta.urls],
        "cells_without_value": skipped,
    }
    manifest_path = out_dir / f"{stem}.json"
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(csv_path)  # the CSV last: a crash leaves the previous linkset, never half a new one
    return Result(csv_path, manifest_path, len(rows), skipped)


def find_tables(fetcher: Fetcher, words: list[str], catalog_url: str = DEFAULT_CATALOG) -> list[dict]:
    """Search CBS's own table catalogue, so a table id is read from CBS rather than typed from memory."""
    resp = fetcher.get_json(f"{catalog_url.rstrip('/')}/Tables",
                            {"$format": "json", "$select": "Identifier,Title,Period,Modified"})
    wanted = [w.lower() for w in words]
    return [t for t in _values(resp.data) if all(w in str(t.get("Title", "")).lower() for w in wanted)]


__all__ = ["COLUMNS", "DEFAULT_BASE", "DEFAULT_CATALOG", "Dimension", "Measure", "Plan", "Result", "StatLine",
           "TableMeta", "describe", "fetch", "find_tables", "parse_measures", "plan"]
