"""CBS's own figures on the pages people read: the report (Sociale Atlas, 2009) beside CBS (2009) on the comparison
page and on every sector page, with definitions and CBS's series; Almere's location quotients computed from CBS.

Expected values are read from data/tabel-1.csv, data/tabel-2.csv and the committed linksets (linksets/cbs/)."""

from __future__ import annotations

import csv
import html
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .conftest import get, read, rows

ROOT = Path(__file__).resolve().parents[2]
LINKSETS = ROOT / "linksets" / "cbs"


def linkset(name: str) -> list[dict[str, str]]:
    with open(LINKSETS / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def table_with(page_text: str, header: str) -> list[list[str]]:
    return next(t for t in read(page_text).tables.values() if t and header in t[0])


def text_of(page_text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_text)).split())


def test_comparison_page_sets_855_beside_1174_and_counts_70700_jobs(site: str) -> None:
    page = get(site + "/queries/cbs-vergelijking?lang=nl").text
    t = table_with(page, "CBS-status")
    j = next(r for r in t if r[0].startswith("J ") and r[1] == "vestigingen")
    report_j = next(r for r in rows("tabel-1.csv") if r["sector"] == "J")["totaal"]
    assert (j[2], j[3], j[6], j[7]) == (report_j, "2009", "855", "voorlopig (volgens CBS)")
    assert report_j == "1.174"
    total = next(r for r in t if r[0] == "Totaal" and r[1] == "werkgelegenheid")
    assert (total[4], total[5], total[6]) == ("70,7", "x 1 000", "70.700")
    assert next(r for r in t if r[0].startswith("J ") and r[1] == "werkgelegenheid")[6] == "3.360"
    secret = next(r for r in t if r[0].startswith("D ") and r[1] == "werkgelegenheid")
    assert (secret[4], secret[6], secret[7]) == ("", "", "geheim (volgens CBS)")
    missing = next(r for r in t if r[0].startswith("A ") and r[1] == "vestigingen")
    assert (missing[6], missing[7]) == ("", "niet beschikbaar (volgens CBS)")
    words = text_of(page)
    assert "Sociale Atlas van Almere 2010" in words and "bedrijfsregister van het CBS" in words
    assert "banen van werknemers in december" in words and "zelfstandigen tellen niet mee" in words
    assert "Er zijn nog geen cijfers van het CBS" not in words
    en = text_of(get(site + "/queries/cbs-vergelijking?lang=en").text)
    assert "secret (according to CBS)" in en and "the self-employed are not counted" in en


def test_sector_j_shows_the_report_beside_cbs_with_definitions_and_a_series(site: str) -> None:
    page = get(site + "/doc/sector/j?lang=nl").text
    beside = table_with(page, "Rapport 2009")
    assert beside[1][:3] == ["vestigingen", "1.174", "855 vestigingen"]
    assert beside[2][:3] == ["werkgelegenheid / banen", "3.829", "3.360 banen"]
    words = text_of(page)
    assert "bedrijfsregister van het CBS" in words and "zelfstandigen tellen niet mee" in words
    assert "Waarom ze verschillen" in words and "nog geen cijfers van het CBS" not in words
    # The series: one bar per year CBS gives for Almere, provisional years marked.
    years = [r["period_title"] for r in linkset("81575NED-GM0034") if r["section"] == "J"]
    assert years == ["2007*", "2008*", "2009*", "2010*", "2011*", "2012*"]
    charts = re.findall(r'<figure class="cbs-series">(.*?)</figure>', page, re.S)
    assert len(charts) == 2
    labels = re.findall(r'<text x="0"[^>]*>([^<]+)</text>', charts[0])
    assert labels == years
    assert re.findall(r'<text x="[0-9.]+"[^>]*>([^<]+ vestigingen)</text>', charts[0]) == \
        ["665 vestigingen", "765 vestigingen", "855 vestigingen", "915 vestigingen", "1.005 vestigingen",
         "1.085 vestigingen"]
    assert "voorlopig" in charts[0]


def test_every_sector_page_sets_cbs_beside_the_report_and_says_secret(site: str) -> None:
    cbs = {r["section"]: r for r in linkset("81402NED-GM0034") if r["year"] == "2009"}
    for sector in rows("sectors.csv"):
        code = sector["code"]
        page = get(site + f"/doc/sector/{code.lower()}?lang=en").text
        assert "The report beside CBS (2009)" in page, code
        beside = table_with(page, "Report 2009")
        jobs = next(r for r in beside if r[0] == "employment / jobs")
        if code not in cbs:
            assert jobs[2] == "no figure for this section", code
        elif cbs[code]["value_status"] == "secret":
            assert jobs[2] == "secret (CBS: x)", code
        else:
            assert jobs[2] == f"{int(cbs[code]['value']):,} jobs", code


def _quotients(table: str, section: str) -> tuple[str, str]:
    """(against Flevoland, against the Netherlands), computed here from the linksets as the page states it."""
    sectors = {r["code"] for r in rows("sectors.csv")}
    cells = {region: {r["section"]: r for r in linkset(f"{table}-{region}") if r["year"] == "2009"}
             for region in ("GM0034", "PV24", "NL")}
    both = [s for s in sectors if all(s in c and c[s]["value_status"] == "" for c in cells.values())]
    share = {region: Decimal(c[section]["value"]) / sum(Decimal(c[s]["value"]) for s in both)
             for region, c in cells.items()}

    def fmt(x: Decimal) -> str:
        return str(x.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()).replace(".", ",")

    return fmt(share["GM0034"] / share["PV24"]), fmt(share["GM0034"] / share["NL"])


def test_specialisation_page_shows_location_quotients_with_their_formula(site: str) -> None:
    page = get(site + "/queries/cbs-specialisatie?lang=nl").text
    t = table_with(page, "Quotiënt t.o.v. Nederland")
    for section in ("J", "M", "C"):
        for label, table in (("vestigingen (81575ned)", "81575NED"), ("banen van werknemers (81402ned)", "81402NED")):
            row = next(r for r in t if r[0].startswith(section + " ") and r[1] == label)
            assert (row[5], row[6]) == _quotients(table, section), (section, label)
    j = next(r for r in t if r[0].startswith("J ") and r[1] == "vestigingen (81575ned)")
    assert (j[2], j[3], j[4]) == ("855", "1.450", "51.905")
    secret = next(r for r in t if r[0].startswith("D ") and r[1] == "banen van werknemers (81402ned)")
    assert (secret[5], secret[6], secret[7]) == ("", "", "geheim (volgens CBS)")
    absent = next(r for r in t if r[0].startswith("O ") and r[1] == "vestigingen (81575ned)")
    assert absent[7] == "sectie niet in de CBS-tabel"
    words = text_of(page)
    assert "NIET uit het rapport" in words and "(aandeel van s in Almere) / (aandeel van s in Flevoland)" in words
    assert "Wall en Burger (2008)" in words and "Kamer van Koophandel" in words and "PBL" in words


def test_the_figures_readme_states_are_the_pages(site: str) -> None:
    """README (section "From a StatLine CSV export") names 855 against 1,174 and 70,700 jobs against 64,525."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = re.search(r"\((\S+) establishments in J against the report's (\S+); (\S+) jobs of employees against the "
                     r"report's (\S+) \"werkgelegenheid\"\)", readme)
    assert said is not None
    t = table_with(get(site + "/queries/cbs-vergelijking?lang=en").text, "CBS status")
    j = next(r for r in t if r[0].startswith("J ") and r[1] == "vestigingen")
    total = next(r for r in t if r[0] == "Totaal" and r[1] == "werkgelegenheid")
    report_total = re.match(r"[0-9,]+", total[2]).group()  # the cell also carries its note's mark (n-...)
    assert (j[6], j[2], total[6], report_total) == said.groups()
    printed = next(r for r in rows("tabel-2.csv") if r["sector"] == "totaal")["totaal"]
    assert report_total == f"{int(printed.replace('.', '')):,}"
