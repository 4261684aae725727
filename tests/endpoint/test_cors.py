"""CORS for any origin, simple requests and preflight (requests and curl)."""

from __future__ import annotations

import subprocess

from .conftest import http

QUERY = "ASK {}"


def test_simple_request_allows_any_origin(sparql: str) -> None:
    r = http.get(sparql, params={"query": QUERY}, headers={"Origin": "https://agency.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    exposed = r.headers["Access-Control-Expose-Headers"].split(", ")
    # What a script on another origin needs to page through the saved-query APIs and revalidate.
    assert {"ETag", "Link", "X-Total-Count", "Last-Modified", "Retry-After", "API-Version"} <= set(exposed)


def test_errors_carry_cors_too(sparql: str) -> None:
    r = http.get(sparql, params={"query": "SELECT"}, headers={"Origin": "https://agency.example"})
    assert r.status_code == 400
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_preflight(sparql: str) -> None:
    r = http.options(sparql, headers={
        "Origin": "https://agency.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-requested-with",
    })
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    methods = set(r.headers["Access-Control-Allow-Methods"].replace(" ", "").split(","))
    assert methods == {"GET", "POST", "OPTIONS"}
    assert r.headers["Access-Control-Allow-Headers"] == "content-type, x-requested-with"
    assert r.headers["Access-Control-Max-Age"] == "86400"
    assert r.content == b""


def test_preflight_with_curl(sparql: str) -> None:
    out = subprocess.run(
        ["curl", "-s", "-i", "-X", "OPTIONS", sparql, "-H", "Origin: http://yasgui.example",
         "-H", "Access-Control-Request-Method: POST", "-H", "Access-Control-Request-Headers: Content-Type"],
        capture_output=True, text=True, timeout=20, check=True,
    ).stdout
    head = out.split("\r\n\r\n")[0].lower().splitlines()
    assert head[0].startswith("http/1.1 204")
    assert "access-control-allow-origin: *" in head
    assert "access-control-allow-headers: content-type" in head
