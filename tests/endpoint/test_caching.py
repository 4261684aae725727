"""HTTP caching: validators from the build, 304 on revalidation, Cache-Control, gzip, result cache."""

from __future__ import annotations

import gzip
import json
import subprocess
import uuid

from rdflib import Graph

from .conftest import N_FIRMS, PREFIXES, http

BUILD_DATE = "Fri, 02 Jan 2026 03:04:05 GMT"  # the fixture build's `created`, as an HTTP date


def fresh_query() -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {uuid.uuid4()}"


def test_validators_and_cache_control(sparql: str) -> None:
    r = http.get(sparql, params={"query": fresh_query()})
    assert r.status_code == 200
    assert r.headers["ETag"].startswith('W/"')
    assert r.headers["Last-Modified"] == BUILD_DATE
    assert r.headers["Cache-Control"] == "public, max-age=60"
    assert r.headers["Vary"] == "Accept, Accept-Encoding"
    assert r.headers["X-Almerekg-Build"] == "build-one"


def test_if_none_match_gives_304(sparql: str) -> None:
    q = fresh_query()
    first = http.get(sparql, params={"query": q})
    r = http.get(sparql, params={"query": q}, headers={"If-None-Match": first.headers["ETag"]})
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["ETag"] == first.headers["ETag"]
    assert r.headers["Cache-Control"] == "public, max-age=60"
    r = http.get(sparql, params={"query": q}, headers={"If-None-Match": 'W/"something-else"'})
    assert r.status_code == 200


def test_if_modified_since(sparql: str) -> None:
    q = fresh_query()
    r = http.get(sparql, params={"query": q}, headers={"If-Modified-Since": BUILD_DATE})
    assert r.status_code == 304
    r = http.get(sparql, params={"query": q}, headers={"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"})
    assert r.status_code == 200


def test_post_is_never_304(sparql: str) -> None:
    q = fresh_query()
    etag = http.get(sparql, params={"query": q}).headers["ETag"]
    r = http.post(sparql, data={"query": q}, headers={"If-None-Match": etag})
    assert r.status_code == 200


def test_etag_differs_per_format(sparql: str) -> None:
    q = fresh_query()
    a = http.get(sparql, params={"query": q}, headers={"Accept": "text/csv"}).headers["ETag"]
    b = http.get(sparql, params={"query": q},
                 headers={"Accept": "application/sparql-results+json"}).headers["ETag"]
    assert a != b


def test_repeated_query_is_answered_from_cache(sparql: str) -> None:
    q = fresh_query()
    first = http.get(sparql, params={"query": q})
    second = http.get(sparql, params={"query": q})
    third = http.post(sparql, data=q, headers={"Content-Type": "application/sparql-query"})
    assert [x.headers["X-Cache"] for x in (first, second, third)] == ["MISS", "HIT", "HIT"]
    assert first.content == second.content == third.content


def test_volatile_query_is_not_cached(sparql: str) -> None:
    q = "SELECT (RAND() AS ?r) (STRUUID() AS ?u) WHERE { }"
    a = http.get(sparql, params={"query": q})
    b = http.get(sparql, params={"query": q})
    assert a.headers["Cache-Control"] == "no-store"
    assert "ETag" not in a.headers
    assert (a.headers["X-Cache"], b.headers["X-Cache"]) == ("MISS", "MISS")
    assert a.json() != b.json()


CONSTRUCT = PREFIXES + (
    "CONSTRUCT { ?f rdfs:label ?l ; ex:employees ?e } WHERE { ?f rdfs:label ?l ; ex:employees ?e }"
)


def test_gzip_when_accepted(sparql: str) -> None:
    r = http.get(sparql, params={"query": CONSTRUCT},
                     headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"}, stream=True)
    assert r.headers["Content-Encoding"] == "gzip"
    raw = r.raw.read()
    body = gzip.decompress(raw)
    assert len(Graph().parse(data=body, format="turtle")) == N_FIRMS * 2
    assert len(raw) < len(body)


def test_no_gzip_when_not_accepted(sparql: str) -> None:
    r = http.get(sparql, params={"query": CONSTRUCT},
                     headers={"Accept": "text/turtle", "Accept-Encoding": "identity"})
    assert "Content-Encoding" not in r.headers
    assert len(Graph().parse(data=r.content, format="turtle")) == N_FIRMS * 2


def test_gzip_with_curl(sparql: str) -> None:
    out = subprocess.run(
        ["curl", "-s", "--compressed", "-D", "-", "-H", "Accept: text/turtle", "-G", sparql,
         "--data-urlencode", f"query={CONSTRUCT}"],
        capture_output=True, timeout=20, check=True,
    ).stdout.decode("utf-8")
    head, body = out.split("\r\n\r\n", 1)
    assert "content-encoding: gzip" in head.lower()
    assert len(Graph().parse(data=body, format="turtle")) == N_FIRMS * 2


def test_replayed_answer_is_the_same_answer(server, sparql: str) -> None:  # noqa: ANN001
    """Repeated GETs are replayed before Flask: same status, headers (but X-Cache) and body."""
    q = fresh_query()
    headers = {"Accept": "text/csv", "Accept-Encoding": "identity", "User-Agent": "replay-test/1"}
    first = http.get(sparql, params={"query": q}, headers=headers)
    second = http.get(sparql, params={"query": q}, headers=headers)
    assert second.content == first.content
    drop = {"date", "x-cache"}
    assert {k.lower(): v for k, v in second.headers.items() if k.lower() not in drop} == \
        {k.lower(): v for k, v in first.headers.items() if k.lower() not in drop}
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    head = http.head(sparql, params={"query": q}, headers=headers)
    assert head.content == b"" and head.headers["Content-Length"] == first.headers["Content-Length"]
    lines = server.log_lines_once(lambda ls: sum("replay-test/1" in line for line in ls) >= 3)
    caches = [json.loads(line).get("cache") for line in lines if "replay-test/1" in line]
    assert caches == ["miss", "replay", "replay"]
    # A different Accept is a different answer, never the replayed one.
    other = http.get(sparql, params={"query": q}, headers={**headers, "Accept": "application/sparql-results+json"})
    assert other.headers["Content-Type"] == "application/sparql-results+json"
