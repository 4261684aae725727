"""robots.txt and the sitemap as a crawler reads them: every page a person can read is listed, and answers.

In-process (Flask's test client): what is tested is what the files list, not the HTTP server.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from serverproc import InProcess

from almerekg.web.dataset import sitemap as sitemap_module

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://data.almere.example"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(built_store: Path):  # noqa: ANN201 - Flask's test client
    with InProcess(built_store, public_url=SITE) as app:
        yield app.client


def _locs(client, path: str) -> list[str]:  # noqa: ANN001
    resp = client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "application/xml"
    root = ET.fromstring(resp.data)  # noqa: S314 - the server's own answer
    assert root.tag == SM + "urlset"
    return [u.findtext(SM + "loc") for u in root.findall(SM + "url")]


def test_robots_names_the_sitemap_and_fences_endless_spaces(client) -> None:  # noqa: ANN001
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True).splitlines() == [
        "User-agent: *", "Disallow: /sparql?", "Disallow: /search", f"Sitemap: {SITE}/sitemap.xml"]


def test_the_sitemap_lists_every_page_a_person_can_read(client, built_store: Path) -> None:  # noqa: ANN001
    locs = _locs(client, "/sitemap.xml")
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(SITE + "/") for loc in locs)
    paths = [loc[len(SITE):] for loc in locs]
    assert paths[:6] == ["/", "/report", "/network", "/def", "/dataset", "/queries"]
    assert {p for p in paths if p.startswith("/queries/")} == {f"/queries/{q.stem}" for q in
                                                               (ROOT / "queries").glob("*.rq")}
    # Every thing under /id/ (named graphs included) has its /doc page listed: as many as the endpoint finds.
    query = ('SELECT (COUNT(DISTINCT ?x) AS ?n) { { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } '
             'UNION { GRAPH ?x { ?a ?b ?c } } FILTER(isIRI(?x) && STRSTARTS(STR(?x), "https://almerekg.example/id/")) }')
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    things = int(answer.get_json()["results"]["bindings"][0]["n"]["value"])
    docs = [p for p in paths if p.startswith("/doc/")]
    assert len(docs) == things
    assert "/doc/firm/accenture" in docs and "/doc/sector/j" in docs
    # Each listed page answers: the fixed ones, every saved query and every 20th thing.
    for path in [*paths[:6], *[p for p in paths if p.startswith("/queries/")], *docs[::20]]:
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path


def test_a_large_site_gets_a_sitemap_index(client, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    whole = _locs(client, "/sitemap.xml")
    monkeypatch.setattr(sitemap_module, "MAX_URLS", 1000)
    root = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 - the server's own answer
    assert root.tag == SM + "sitemapindex"
    parts = [s.findtext(SM + "loc") for s in root.findall(SM + "sitemap")]
    assert parts == [f"{SITE}/sitemap-{n}.xml" for n in range(1, -(-len(whole) // 1000) + 1)]
    listed = [loc for part in parts for loc in _locs(client, part[len(SITE):])]
    assert listed == whole
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
