"""Fixtures for the robustness battery: real server processes on loopback, driven over HTTP.

The servers are the production entry point (`almerekg serve`) with small limits so that
each limit can be hit quickly: a 2 s query timeout, a 64 KiB request body, two query workers.
"""

from __future__ import annotations

import csv
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from endpoint.conftest import (
    http,
    oxigraph_server,  # noqa: F401 - a fixture for the tests of this folder
)
from serverproc import Server, bench_module, start_server

from almerekg.graph.pipeline import run_build
from almerekg.settings import from_values

hostile = bench_module("hostile")  # the hostile queries bench/abuse.py sends: one copy
TIMEOUT_S = 2
MAX_REQUEST_BYTES = 64 * 1024
SERVER_ARGS = ("--query-timeout", str(TIMEOUT_S), "--max-request-bytes", str(MAX_REQUEST_BYTES),
               "--query-workers", "2", "--worker-memory", str(800 * 1024 * 1024))

# Two classic payloads; each must never appear unescaped in an HTML page.
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
# A cell Excel would run (CSV injection); the Excel-dialect downloads must make it text.
FORMULA = '=HYPERLINK("http://evil.example/","klik")'


def assert_clean(resp: requests.Response, *, allow: tuple[int, ...] = ()) -> None:
    """A clear answer: never a 5xx (unless allowed), never a stack trace or a Python repr to the client."""
    assert resp.status_code < 500 or resp.status_code in allow, (resp.status_code, resp.text[:500])
    body = resp.text
    for leak in ("Traceback (most recent call last)", 'File "/', "werkzeug.debug", "site-packages"):
        assert leak not in body, f"{resp.status_code} answer leaks {leak!r}: {body[:500]}"


def assert_healthy(server: Server) -> None:
    r = http.get(server.url + "/healthz", timeout=10)
    assert r.status_code == 200, r.text
    assert server.proc.poll() is None, "the server process died"


class _FakeSparql(BaseHTTPRequestHandler):
    """A loopback SPARQL endpoint that answers one row and counts who called it."""

    calls: list[str] = []

    def _answer(self) -> None:
        type(self).calls.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"head": {"vars": ["x"]},
                           "results": {"bindings": [{"x": {"type": "literal", "value": "from-loopback"}}]}})
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def fake_sparql():  # noqa: ANN201
    """(host:port, list of request paths it received) of a loopback SPARQL endpoint."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSparql)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{srv.server_address[1]}", _FakeSparql.calls
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="session")
def robust_server(built_store: Path, fake_sparql, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """The real build of data/, served with small limits; SERVICE is allowed to the fake loopback endpoint only."""
    srv = start_server(built_store, tmp_path_factory.mktemp("robust-log"), *SERVER_ARGS,
                       "--service-allow", fake_sparql[0])
    yield srv
    srv.stop()


def _rewrite_csv(path: Path, row_id: str | None, changes: dict[str, str], new_row: dict[str, str] | None = None) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row_id is not None and row["id"] == row_id:
            row.update(changes)
    if new_row is not None:
        rows.append({k: new_row.get(k, "") for k in fields})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="session")
def xss_store(project_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from a copy of data/ whose firm name and note text carry XSS payloads."""
    tmp = tmp_path_factory.mktemp("xss")
    data = tmp / "data"
    shutil.copytree(project_root / "data", data)
    payload = f"{XSS_SCRIPT} {XSS_ATTR}"
    # The first firm of Tabel 3 gets the payload as its name; the first note gets it in its text.
    with (data / "firms.csv").open(encoding="utf-8") as fh:
        first_firm = next(csv.DictReader(fh))["id"]
    _rewrite_csv(data / "firms.csv", first_firm, {"name": f"Evil {payload} BV"})
    # The second firm of Tabel 3 gets a name that Excel would run as a formula.
    with (data / "firms.csv").open(encoding="utf-8") as fh:
        second_firm = list(csv.DictReader(fh))[1]["id"]
    _rewrite_csv(data / "firms.csv", second_firm, {"name": FORMULA})
    with (data / "notes.csv").open(encoding="utf-8") as fh:
        first_note = next(csv.DictReader(fh))["id"]
    _rewrite_csv(data / "notes.csv", first_note, {"text": f"Note {payload} end"})
    store = tmp / "store"
    run_build(from_values(store=str(store), data=str(data)), progress=lambda _m: None)
    (tmp / "ids.txt").write_text(f"{first_firm}\n{first_note}\n", encoding="utf-8")
    return store


@pytest.fixture(scope="session")
def xss_server(xss_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_server(xss_store, tmp_path_factory.mktemp("xss-log"), *SERVER_ARGS)
    yield srv
    srv.stop()
