"""Absolute URLs never come from the request: not from Host, not from X-Forwarded-*.

Issue 11 found `Host: evil.example` on `/id//firm/abnamro` answered with `Location: http://evil.example/…`, and
the service description saying `sd:endpoint <http://evil.example/sparql>` with `Cache-Control: public` (cache
poisoning behind a proxy). Here a real server is asked with foreign Host headers: redirects are relative, the
service description and OpenAPI name the configured public URL (or the bind address), and an answer is the
same byte for byte whatever Host says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from endpoint.conftest import http
from serverproc import start_server

FOREIGN = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
           "Forwarded": "host=evil.example;proto=https"}


@pytest.fixture(scope="module")
def public_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_server(built_store, tmp_path_factory.mktemp("public-url-log"), "--public-url",
                       "https://data.example.nl", "--query-workers", "1")
    yield srv
    srv.stop()


def test_the_double_slash_cleanup_redirect_is_relative(robust_server) -> None:  # noqa: ANN001
    r = http.get(robust_server.url + "/id//firm/abnamro", headers=FOREIGN, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (308, "/id/firm/abnamro")
    r = http.get(robust_server.url + "/id/firm/abnamro", headers=FOREIGN, allow_redirects=False)
    assert (r.status_code, r.headers["Location"]) == (303, "/doc/firm/abnamro")


def test_the_service_description_names_the_bind_address_not_the_host(robust_server) -> None:  # noqa: ANN001
    r = http.get(robust_server.sparql, headers={**FOREIGN, "Accept": "text/turtle"})
    assert r.status_code == 200
    assert f"<http://127.0.0.1:{robust_server.port}/sparql> a sd:Service" in r.text
    assert "evil.example" not in r.text and "evil.example" not in str(r.headers)


def test_the_public_url_builds_every_absolute_url(public_server) -> None:  # noqa: ANN001
    r = http.get(public_server.sparql, headers={**FOREIGN, "Accept": "text/turtle"})
    assert "<https://data.example.nl/sparql> a sd:Service" in r.text
    assert "evil.example" not in r.text
    api = http.get(public_server.url + "/openapi.json", headers=FOREIGN).json()
    assert api["servers"] == [{"url": "https://data.example.nl"}]
    # Relative IRIs in a query resolve against the public /sparql IRI.
    r = http.get(public_server.sparql, params={"query": "SELECT ?x WHERE { BIND(<a> AS ?x) }"},
                 headers={**FOREIGN, "Accept": "application/sparql-results+json"})
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "https://data.example.nl/a"
    for link in (r.headers.get("Link") or "").split(","):
        assert "evil.example" not in link


@pytest.mark.parametrize("path, params, accept", [
    # Descriptions with blank nodes were once serialised in a random order: another body under the same ETag.
    ("/sparql", {}, "text/turtle"),
    ("/sparql", {}, "application/ld+json"),
    ("/dataset", {}, "text/turtle"),
    ("/.well-known/void", {}, "text/turtle"),
    ("/openapi.json", {}, "application/json"),
    ("/sparql", {"query": "SELECT ?x WHERE { BIND(<a> AS ?x) }"}, "application/sparql-results+json"),
    ("/doc/firm/usg-people", {}, "text/html"),
    ("/queries/tabel-1.json", {}, "application/json"),
])
def test_an_answer_is_the_same_whatever_host_says(robust_server, path: str, params: dict, accept: str) -> None:  # noqa: ANN001
    plain = http.get(robust_server.url + path, params=params, headers={"Accept": accept})
    foreign = http.get(robust_server.url + path, params=params, headers={**FOREIGN, "Accept": accept})
    assert plain.status_code == foreign.status_code == 200
    assert plain.content == foreign.content
    assert plain.headers.get("ETag") == foreign.headers.get("ETag")
