"""/healthz and the JSON-lines access log; a server with no published build."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest
from serverproc import start_server

from .conftest import TOTAL, http


def test_healthz(server) -> None:  # noqa: ANN001
    r = http.get(server.url + "/healthz")
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["build_id"], body["triples"]) == ("ok", "build-one", TOTAL)
    assert body["workers"]["size"] == 2


def test_access_log_is_json_lines(server) -> None:  # noqa: ANN001
    marker = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # access-log-test"
    http.get(server.sparql, params={"query": marker}, headers={"User-Agent": "log-test/1"})
    raw = server.log_lines_once(lambda ls: any("log-test/1" in line for line in ls))
    lines = [json.loads(line) for line in raw]  # every line parses as JSON
    access = [x for x in lines if x.get("logger") == "almerekg.access" and x.get("ua") == "log-test/1"]
    assert access, "no access log line for the request"
    line = access[-1]
    assert line["method"] == "GET" and line["path"] == "/sparql" and line["status"] == 200
    assert line["bytes"] > 0 and line["ms"] >= 0
    assert line["cache"] in ("miss", "hit") and len(line["query_sha"]) == 16


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):  # noqa: ANN001, ANN201
    store = tmp_path_factory.mktemp("empty") / "store"
    store.mkdir()
    srv = start_server(store, tmp_path_factory.mktemp("empty-log"), expect_ready=False)
    yield srv
    srv.stop()


def test_no_build_healthz_503(empty_server) -> None:  # noqa: ANN001
    r = http.get(empty_server.url + "/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable"


def test_no_build_query_503_but_description_200(empty_server) -> None:  # noqa: ANN001
    r = http.get(empty_server.sparql, params={"query": "ASK {}"})
    assert r.status_code == 503
    assert r.text.startswith("no data to query:")
    r = http.get(empty_server.sparql, headers={"Accept": "text/turtle"})
    assert r.status_code == 200


def test_almerekg_serve_command(endpoint_store, tmp_path) -> None:  # noqa: ANN001
    """`almerekg serve` (the CLI) runs the same server: granian, /healthz, /sparql, clean stop."""
    exe = Path(sys.executable).with_name("almerekg")
    if not exe.exists():
        pytest.skip("the almerekg command is not installed")
    srv = start_server(endpoint_store, tmp_path, "--query-timeout", "5", command=(str(exe),))
    try:
        health = http.get(srv.url + "/healthz").json()
        assert health["build_id"] == "build-one"
        r = http.get(srv.sparql, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == TOTAL
        assert r.headers["Server"] == "granian"  # the production server; not Werkzeug's dev server
    finally:
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.proc.wait(timeout=15) == 0
