"""The same end-to-end checks on every backend (see conftest.py for how each is started)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
import requests
from serverproc import clean_env, free_port

from almerekg.store import BuildInfo
from almerekg.store.remote import RemoteStore

from .conftest import Served, serve, start_sparql_server

AK = "https://almerekg.example/def/"
FIRMS = f"SELECT (COUNT(*) AS ?firms) WHERE {{ ?f a <{AK}Firm> ; <http://www.w3.org/ns/org#hasSite> ?s }}"
G_TOTAL = (f"PREFIX ak: <{AK}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n WHERE {{ "
           "?o ak:sector/skos:notation 'G' ; ak:sizeClass/skos:notation 'totaal' ; ak:establishments ?n }")
JSON = "application/sparql-results+json"


def sparql(s: Served, query: str, accept: str = JSON) -> requests.Response:
    return requests.post(s.url + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=60)


def test_select_counts_the_firms(served: Served):
    resp = sparql(served, FIRMS)
    assert resp.status_code == 200, resp.text
    assert resp.json()["results"]["bindings"][0]["firms"]["value"] == "49"
    csv = sparql(served, FIRMS, "text/csv")
    assert csv.status_code == 200 and csv.text.splitlines() == ["firms", "49"]


def test_tabel_1_total_of_sector_g(served: Served):
    resp = sparql(served, G_TOTAL, "text/tab-separated-values")
    assert resp.status_code == 200, resp.text
    assert resp.text.splitlines()[1:] == ["2714"]


@pytest.mark.parametrize("accept", [JSON, "application/sparql-results+xml"])
def test_ask_is_a_standard_boolean(served: Served, accept: str):
    # Virtuoso itself answers ASK as a binding __ASK_RETVAL; the adapter must turn it into a boolean.
    yes = sparql(served, f"ASK {{ ?f a <{AK}Firm> }}", accept)
    no = sparql(served, f"ASK {{ ?f a <{AK}NoSuchClass> }}", accept)
    assert yes.status_code == 200 and no.status_code == 200
    if accept == JSON:
        assert json.loads(yes.text)["boolean"] is True and json.loads(no.text)["boolean"] is False
    else:
        assert "<boolean>true</boolean>" in yes.text and "<boolean>false</boolean>" in no.text


def test_tabel_1_rows_equal_the_embedded_ones(served: Served, embedded_tabel_1: list[dict]):
    resp = requests.get(served.url + "/queries/tabel-1.json", timeout=60)
    assert resp.status_code == 200, resp.text
    assert resp.json()["rows"] == embedded_tabel_1
    assert resp.headers.get("ETag")  # the build id read from the store keeps validators working


def test_a_doc_page_renders(served: Served):
    resp = requests.get(served.url + "/doc/firm/usg-people", headers={"Accept": "text/html"}, timeout=60)
    assert resp.status_code == 200
    assert "USG" in resp.text and "<html" in resp.text.lower()


def test_construct_is_turtle(served: Served):
    q = f"CONSTRUCT {{ ?f a <{AK}Firm> }} WHERE {{ ?f a <{AK}Firm> }}"
    resp = sparql(served, q, "text/turtle")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/turtle")
    assert resp.text.count("usg-people") == 1


# -- a remote store that stops answering -----------------------------------------------------------

SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
        "FILTER(STR(?c) != STR(?i) && STR(?a) != STR(?f)) }")


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_a_dead_or_slow_store_is_a_503(backend: str, tmp_path, monkeypatch):
    """A timeout and a store that dies mid-query both answer 503 with a message, never a (cut-off) 200."""
    server = start_sparql_server(backend, tmp_path / "server")
    try:
        for k, v in server.env.items():
            monkeypatch.setenv(k, v)
        # A tiny build: enough for `serve` to find a build id and for SLOW to take far longer than a second.
        body = "".join(f"<urn:s{i}> <urn:p> \"{i}\" .\n" for i in range(400)).encode()
        info = BuildInfo(build_id="dead-store-test", created="2026-01-01T00:00:00Z",
                         base="https://almerekg.example", graphs={"urn:test:g": 400})
        RemoteStore(server.url, info.base).publish([("urn:test:g", body)], info)
        web = serve(backend, server.url, server.env, tmp_path, "--query-timeout", "2")
        url = web.url
        try:
            started = time.monotonic()
            timed_out = requests.post(url + "/sparql", data={"query": SLOW}, timeout=60)
            assert timed_out.status_code == 503, timed_out.text
            assert "limit of 2 s" in timed_out.text and time.monotonic() - started < 15

            got: dict = {}

            def ask() -> None:
                # Another query (the quarantine keys on the query's meaning: a comment would not make it one).
                got["resp"] = requests.post(url + "/sparql", data={"query": SLOW.replace("!= STR(?i)", "!= STR(?g)")},
                                            timeout=60)

            t = threading.Thread(target=ask)
            t.start()
            time.sleep(0.7)
            server.kill()
            t.join(30)
            resp = got["resp"]
            assert resp.status_code == 503, resp.text
            assert "not available" in resp.text
            after = requests.post(url + "/sparql", data={"query": "ASK {}"}, timeout=30)
            assert after.status_code == 503 and after.text.strip()
        finally:
            web.stop(grace=15)
    finally:
        server.stop()


def test_build_refuses_a_server_that_does_not_answer(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    proc = subprocess.run([sys.executable, "-m", "almerekg.cli", "build", "--store", url], env=clean_env({}),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "does not answer" in proc.stderr


def test_info_reads_the_build_the_server_serves(served: Served):
    proc = subprocess.run([sys.executable, "-m", "almerekg.cli", "info", "--store", served.store],
                          env=clean_env(served.server.env if served.server else {}), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    health = requests.get(served.url + "/healthz", timeout=30).json()
    info = json.loads(proc.stdout)
    assert info["build_id"] == health["build_id"] and sum(info["graphs"].values()) == health["triples"]


# -- the command line on every backend: the same engine as the server --------------------------------


def cli(served: Served, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "almerekg.cli", *args, "--store", served.store],
                          env=clean_env(served.server.env if served.server else {}), capture_output=True, text=True,
                          timeout=300)


def test_cli_sparql_answers_on_every_backend(served: Served):
    done = cli(served, "sparql", "--format", "csv", FIRMS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["firms", "49"]
    done = cli(served, "sparql", "--format", "tsv", G_TOTAL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["2714"]
    # The engine's checks hold on a remote store too: SERVICE is refused before the server sees it.
    done = cli(served, "sparql", "SELECT * WHERE { BIND(1 AS ?o) .SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert done.returncode != 0 and "SERVICE" in done.stderr and "not allowed" in done.stderr, done.stderr


def test_cli_saved_query_equals_the_embedded_one(served: Served, embedded_tabel_1: list[dict]):
    done = cli(served, "query", "tabel-1", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == embedded_tabel_1
