"""Content negotiation per RFC 9110 on a real server: media-type parameters, q-values, text/plain, and relative
IRIs resolved against the endpoint's own IRI (issue 12: `; charset=utf-8` got 406, relative IRIs got 400).

What `text/plain` answers is what Oxigraph's own server answers: N-Triples for graphs, CSV for results.
"""

from __future__ import annotations

import pytest

from .conftest import http

SELECT = "SELECT ?x WHERE { BIND(1 AS ?x) }"
CONSTRUCT = "CONSTRUCT { <s> <p> 1 } WHERE {}"


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
    ("application/sparql-results+json;charset=UTF-8", "application/sparql-results+json"),
    ("text/csv; charset=utf-8", "text/csv; charset=utf-8"),
    ("text/tab-separated-values; charset=utf-8", "text/tab-separated-values; charset=utf-8"),
    ("application/sparql-results+xml; charset=utf-8", "application/sparql-results+xml"),
    ("text/plain", "text/csv; charset=utf-8"),
    ("text/plain; charset=utf-8", "text/csv; charset=utf-8"),
    ("text/turtle;q=0.9, text/csv;q=0.5, application/sparql-results+json;q=0.1", "text/csv; charset=utf-8"),
])
def test_results_accept_parameters_and_q_values(sparql: str, accept: str, media: str) -> None:
    r = http.get(sparql, params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200, (accept, r.status_code, r.text[:200])
    assert r.headers["Content-Type"] == media


@pytest.mark.parametrize("accept, media", [
    ("text/turtle; charset=utf-8", "text/turtle; charset=utf-8"),
    ("application/n-triples; charset=utf-8", "application/n-triples"),
    ("text/plain", "application/n-triples"),
    ("text/plain; charset=utf-8", "application/n-triples"),
])
def test_graphs_accept_parameters_and_relative_iris_resolve_against_the_endpoint(server, accept: str,  # noqa: ANN001
                                                                                 media: str) -> None:
    r = http.get(server.sparql, params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200, (accept, r.status_code, r.text[:200])
    assert r.headers["Content-Type"] == media
    base = f"http://127.0.0.1:{server.port}"
    assert r.text.startswith(f"<{base}/s> <{base}/p> "), r.text


def test_a_format_no_answer_has_is_406_naming_what_there_is(sparql: str) -> None:
    r = http.get(sparql, params={"query": SELECT}, headers={"Accept": "text/turtle; charset=utf-8"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


def test_an_offer_outside_the_registry_is_negotiated_like_any_other() -> None:
    # text/plain is no registry format of its own (it is an alias); offered first, it once made the alias lookup
    # of the formats after it fail (a 500 on every 404 page).
    from almerekg.web.http.negotiation import choose

    offer = ("text/plain", "text/html")
    assert choose("*/*", offer) == "text/plain"
    assert choose("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", offer) == "text/html"
    assert choose("application/xhtml+xml", offer) == "text/html"
    assert choose("application/json", ("text/plain", "application/sparql-results+json")) == \
        "application/sparql-results+json"
    assert choose("image/png", offer) is None
