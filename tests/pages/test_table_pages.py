"""Saved-query pages like Datasette's: sort by any column and facet by plain links; the JSON and CSV APIs take the
same parameters and report the total; downloads that lose nothing; the CBS comparison said plainly.
Expected values are computed from data/."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from almerekg.saved_queries.catalogue import load_catalogue
from almerekg.settings import Settings

from .conftest import get, read, rows


def facet_counts(text: str, name: str) -> dict[str, int]:
    """A facet's values on the page: the link's parameter value (or the chosen one) -> the count shown."""
    block = text.split(f'id="facet-{name}"', 1)[1].split("</ul>", 1)[0]
    out = {}
    for li in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S):
        m = re.search(rf"(?:[?&]|&amp;){name}=([^&\"]+)", li)
        n = re.search(r"\((\d+)\)", li)
        if m and n:
            out[m.group(1)] = int(n.group(1))
    return out


def test_tabel_3_facets_count_the_firms_by_category_activity_and_marker(site: str) -> None:
    firms = rows("firms.csv")
    text = get(site + "/queries/tabel-3?lang=nl").text
    assert facet_counts(text, "categorie") == {k: v for k, v in Counter(f["category"] for f in firms).items()}
    assert facet_counts(text, "activiteit") == dict(Counter(f["activity"] for f in firms))

    def kind(marker: str) -> str:
        return "fast-forward" if marker == "FF" else "sociale-atlas" if marker.startswith("#") else "gemeente"

    markers = Counter(kind(f["rank_printed"]) for f in firms)
    assert facet_counts(text, "markering") == dict(markers)


def test_a_facet_link_narrows_the_table_and_the_api(site: str) -> None:
    firms = [f for f in rows("firms.csv") if f["category"] == "b"]
    text = get(site + "/queries/tabel-3?categorie=b&lang=nl").text
    names = [n for n in re.findall(r'<li><a href="/doc/firm/[^"]+">([^<]+)</a>', text)]
    assert len(names) == len(firms)
    doc = get(site + "/queries/tabel-3.json", params={"categorie": "b"}).json()
    assert doc["total"] == len(firms) == len(doc["rows"])
    r = get(site + "/queries/tabel-3.csv", params={"categorie": "b"})
    assert r.headers["X-Total-Count"] == str(len(firms))
    # Facets of the other parameters now count within category b.
    assert sum(facet_counts(text, "activiteit").values()) == len(firms)
    # The chosen value is not a link; "× alle" takes the filter off and keeps the language.
    block = text.split('id="facet-categorie"', 1)[1].split("</ul>", 1)[0]
    assert '<span aria-current="true">' in block
    assert re.findall(r'<a href="([^"]+)">× alle</a>', block) == ["/queries/tabel-3?lang=nl"]


def test_tabel_4_by_focus(site: str) -> None:
    focus = Counter(r["focus"] for r in rows("network-focus.csv"))
    text = get(site + "/queries/tabel-4?lang=nl").text
    assert facet_counts(text, "focus") == dict(focus)
    for code, n in focus.items():
        assert get(site + "/queries/tabel-4.json", params={"focus": code}).json()["total"] == n


def test_joint_ventures_sorted_by_share_and_faceted_by_it(site: str) -> None:
    shares = sorted((float(r["share_percent"]) for r in rows("relations.csv") if r["share_percent"]), reverse=True)
    doc = get(site + "/queries/joint-ventures.json", params={"sort_desc": "share"}).json()
    assert [row["share"] for row in doc["rows"]] == shares
    assert doc["total"] == len(shares) and doc["sort"] == {"column": "share", "order": "desc"}
    asc = get(site + "/queries/joint-ventures.csv", params={"sort": "share"})
    got = [float(r["share"]) for r in csv.DictReader(io.StringIO(asc.text))]
    assert got == sorted(shares) and asc.headers["X-Total-Count"] == str(len(shares))
    text = get(site + "/queries/joint-ventures?sort_desc=share&lang=nl").text
    assert 'aria-sort="descending"' in text and 'href="/queries/joint-ventures?sort=share&amp;lang=nl"' in text
    page = read(text)
    table = next(t for caption, t in page.tables.items() if "Joint ventures" in caption)
    assert [float(r[3]) for r in table[1:]] == shares
    counts = facet_counts(text, "min_aandeel")
    assert counts == {str(int(s)): sum(1 for x in shares if x >= s) for s in set(shares)}


def test_paging_with_sort_keeps_the_order(site: str) -> None:
    whole = get(site + "/queries/tabel-5.json", params={"sort": "placeLabel"}).json()
    labels = [r["placeLabel"] for r in whole["rows"]]
    assert labels == sorted(labels, key=str.casefold) and whole["total"] == len(rows("tabel-5.csv"))
    first = get(site + "/queries/tabel-5.json", params={"sort": "placeLabel", "per_page": 10})
    assert first.json()["rows"] == whole["rows"][:10] and "sort=placeLabel" in first.links["next"]["url"]
    assert get(site + "/queries/tabel-5.json", params={"sort": "nope"}).status_code == 400
    assert get(site + "/queries/tabel-5.json", params={"sort": "a", "sort_desc": "b"}).status_code == 400


def test_csvw_describes_real_columns_in_every_layout(site: str) -> None:
    header = list(rows("tabel-1.csv")[0])[:-1]  # the printed columns (not `source`)
    for dialect in ("", "excel-nl"):
        params = {"layout": "report"} | ({"dialect": dialect} if dialect else {})
        meta = get(site + "/queries/tabel-1.csv-metadata.json", params=params).json()
        cols = meta["tableSchema"]["columns"]
        assert [c["titles"] for c in cols] == ["SBI-code en sectie", *header[1:]]
        assert cols[0]["datatype"] == "string" and all(c["datatype"] == "integer" for c in cols[1:])
        assert cols[header.index("100+")]["name"] == "100-plus"
    six = get(site + "/queries/tabel-6.csv-metadata.json", params={"layout": "report"}).json()["tableSchema"]
    moeder = next(c for c in six["columns"] if c["titles"] == "Moeder")
    # Counts are numbers; what the report prints instead stands in the column `gedrukt`, which the description names.
    assert moeder["datatype"] == "integer" and "gedrukt" in moeder["dc:description"][0]["@value"]
    assert six["columns"][-1]["name"] == "gedrukt" and six["columns"][-1]["datatype"] == "string"
    rows_meta = get(site + "/queries/joint-ventures.csv-metadata.json").json()["tableSchema"]["columns"]
    share = next(c for c in rows_meta if c["name"] == "share")
    assert share["datatype"] == "decimal"
    excel = get(site + "/queries/joint-ventures.csv-metadata.json", params={"dialect": "excel-nl"}).json()
    assert next(c for c in excel["tableSchema"]["columns"] if c["name"] == "share")["datatype"] == \
        {"base": "decimal", "format": {"decimalChar": ","}}


def test_cbs_comparison_is_listed_with_its_figures_linked(site: str) -> None:
    """The default build links CBS's figures (linksets/cbs/): no "nothing linked" note, and the comparison is listed
    in the catalogue's order (listing_order puts it last only while a build has no CBS figures)."""
    q = load_catalogue(Settings().queries_dir).get("cbs-vergelijking")
    assert "almerekg link" not in q.description["nl"] and "almerekg link" not in q.description["en"]
    text = get(site + "/queries/cbs-vergelijking?lang=nl").text
    assert "Er zijn nog geen cijfers van het CBS aan deze gegevens gekoppeld" not in text
    index = get(site + "/queries?lang=nl").text
    chapter = index.split('id="ch-2"', 1)[1].split("<h2", 1)[0]
    names = re.findall(r'href="/queries/([a-z0-9-]+)\?lang=nl"', chapter)
    listed = [q.name for q in load_catalogue(Settings().queries_dir).queries if q.chapter == "2"]
    assert names == listed and {"cbs-vergelijking", "cbs-specialisatie"} <= set(names)


def test_cbs_comparison_numbers_per_language(site: str) -> None:
    total = next(r for r in rows("tabel-1.csv") if r["sector"] == "F")["totaal"]
    value = int(total.replace(".", ""))
    nl = read(get(site + "/queries/cbs-vergelijking?lang=nl").text)
    en = read(get(site + "/queries/cbs-vergelijking?lang=en").text)
    row_nl = next(r for t in nl.tables.values() for r in t if r and r[0].startswith("F ") and r[1] == "vestigingen")
    row_en = next(r for t in en.tables.values() for r in t if r and r[0].startswith("F ") and r[1] == "vestigingen")
    assert row_nl[2] == f"{value:,}".replace(",", ".") and row_en[2] == f"{value:,}"
