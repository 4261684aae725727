"""Downloads: each parses back to exactly the quads (or, for merged Turtle, the triples) of the store."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from .conftest import get

FILES = {
    "almerekg.nq.gz": ("application/gzip", ox.RdfFormat.N_QUADS),
    "almerekg.trig": ("application/trig", ox.RdfFormat.TRIG),
    "almerekg.ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "almerekg.jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}


def fetch(site: str, name: str) -> bytes:
    r = get(f"{site}/downloads/{name}")
    assert r.status_code == 200, name
    assert r.headers["Content-Type"].split(";")[0] == FILES[name][0]
    assert "Content-Encoding" not in r.headers  # the .gz arrives as the gzip file it is
    return r.content


@pytest.mark.parametrize("name", sorted(FILES))
def test_download_parses_back_to_the_store(site: str, store_quads: list[ox.Quad], name: str) -> None:
    body = fetch(site, name)
    if name.endswith(".gz"):
        body = gzip.decompress(body)
    parsed = list(ox.parse(body, format=FILES[name][1]))
    if name.endswith(".ttl"):
        # Turtle has no graphs: the union, where a triple stated in two graphs appears once.
        assert len(parsed) == len({q.triple for q in store_quads})
        assert {q.triple for q in parsed} == {q.triple for q in store_quads}
    else:
        assert len(parsed) == len(store_quads)
        assert set(parsed) == set(store_quads)


def test_rdflib_reads_the_jsonld_and_turtle(site: str, store_quads: list[ox.Quad]) -> None:
    ds = Dataset()
    ds.parse(data=fetch(site, "almerekg.jsonld"), format="json-ld")
    assert len(list(ds.quads())) == len(store_quads)
    g = Graph().parse(data=fetch(site, "almerekg.ttl"), format="turtle")
    assert len(g) == len({q.triple for q in store_quads})


def test_jsonld_context_is_published(site: str) -> None:
    doc = json.loads(fetch(site, "almerekg.jsonld"))
    context = get(site + "/context.jsonld")
    assert context.headers["Content-Type"] == "application/ld+json"
    assert doc["@context"] == context.json()["@context"]
    assert doc["@context"]["ak"] == "https://almerekg.example/def/"


def test_sizes_and_checksums_on_the_dataset_page(site: str) -> None:
    page = get(site + "/dataset?lang=en").text
    for name in FILES:
        body = fetch(site, name)
        assert hashlib.sha256(body).hexdigest() in page
        assert f"{len(body):,}" in page


def test_download_caching_and_unknown_names(site: str) -> None:
    r = get(site + "/downloads/almerekg.trig")
    assert r.headers["ETag"].strip('"') == hashlib.sha256(r.content).hexdigest()
    digest = base64.b64encode(hashlib.sha256(r.content).digest()).decode()
    assert r.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    assert get(site + "/downloads/almerekg.trig", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    for bad in ("build.json", "validation.ttl", "..%2Fbuild.json", "oxigraph", "nope.ttl"):
        assert get(f"{site}/downloads/{bad}").status_code == 404, bad
