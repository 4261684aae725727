"""Fixtures for the endpoint tests: a small store with known values, and real server processes.

The servers are started as separate processes (`almerekg serve`) on free loopback
ports, exactly as in production, and driven over HTTP.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from serverproc import Server, free_port, start_server, stop_process, wait_ok  # noqa: F401 - Server: tests annotate with it

from almerekg.store import BuildInfo, EmbeddedStore

BASE = "https://almerekg.example"
EX = BASE + "/def/"
G_FIRMS = BASE + "/id/graph/firms"
G_TABLE = BASE + "/id/graph/table-1"
G_FILLER = BASE + "/id/graph/filler"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"

N_FIRMS = 30
N_OBS = 10
N_FILLER = 1400
FIRM0_LABEL = "Café Ünïcode – Almere"
TRIPLES = {G_FIRMS: N_FIRMS * 4, G_TABLE: N_OBS * 2, G_FILLER: N_FILLER}
TOTAL = sum(TRIPLES.values())

PREFIXES = f"PREFIX ex: <{EX}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def firm(i: int) -> str:
    return f"{BASE}/id/firm/f{i}"


def firm_label(i: int) -> str:
    return FIRM0_LABEL if i == 0 else f"Firm {i}"


def nquads(value_offset: int = 0) -> list[str]:
    """The fixture data. value_offset shifts the observation values (a 'rebuild' with new numbers)."""
    lines = []
    for i in range(N_FIRMS):
        s = f"<{firm(i)}>"
        lines += [
            f"{s} <{RDF_TYPE}> <{EX}Firm> <{G_FIRMS}> .",
            f'{s} <{RDFS_LABEL}> "{firm_label(i)}" <{G_FIRMS}> .',
            f'{s} <{EX}employees> "{i * 10}"^^<{XSD_INT}> <{G_FIRMS}> .',
            f"{s} <{EX}sector> <{BASE}/id/sector/s{i % 3}> <{G_FIRMS}> .",
        ]
    for i in range(N_OBS):
        s = f"<{BASE}/id/obs/o{i}>"
        lines += [
            f'{s} <{EX}value> "{i + value_offset}"^^<{XSD_INT}> <{G_TABLE}> .',
            f'{s} <{EX}year> "2010"^^<{XSD_INT}> <{G_TABLE}> .',
        ]
    for i in range(N_FILLER):
        lines.append(f'<{BASE}/id/x/x{i}> <{EX}n> "{i}"^^<{XSD_INT}> <{G_FILLER}> .')
    return lines


def publish(root: Path, build_id: str, value_offset: int = 0, created: str = "2026-01-02T03:04:05Z") -> Path:
    nq = root.parent / f"{build_id}.nq"
    nq.write_text("\n".join(nquads(value_offset)) + "\n", encoding="utf-8")
    info = BuildInfo(build_id=build_id, created=created, base=BASE, graphs=dict(TRIPLES), union_triples=TOTAL)
    return EmbeddedStore(root).publish(nq, info)


class _Http:
    """requests with a default timeout, so that a hung server fails a test instead of hanging it."""

    TIMEOUT = 30

    def request(self, method: str, url: str, **kwargs) -> requests.Response:  # noqa: ANN003
        kwargs.setdefault("timeout", self.TIMEOUT)
        return requests.request(method, url, **kwargs)  # noqa: S113 - set just above

    def get(self, url: str, **kwargs) -> requests.Response:  # noqa: ANN003
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:  # noqa: ANN003
        return self.request("POST", url, **kwargs)

    def head(self, url: str, **kwargs) -> requests.Response:  # noqa: ANN003
        return self.request("HEAD", url, **kwargs)

    def options(self, url: str, **kwargs) -> requests.Response:  # noqa: ANN003
        return self.request("OPTIONS", url, **kwargs)


http = _Http()


@pytest.fixture(scope="session")
def endpoint_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("endpoint-store") / "store"
    publish(root, "build-one")
    return root


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A stock `oxigraph serve` (in memory) on loopback, holding three triples of its own."""
    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.exists():
        found = shutil.which("oxigraph")
        if not found:
            pytest.skip("the oxigraph CLI (PyPI package `oxigraph`) is not installed")
        exe = Path(found)
    port = free_port()
    log = tmp_path_factory.mktemp("oxigraph") / "oxigraph.log"
    proc = subprocess.Popen([str(exe), "serve", "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=open(log, "wb"))  # noqa: SIM115
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ok(base + "/query?query=ASK%7B%7D", timeout=30)
        data = "".join(
            f'<http://remote.example/r{i}> <http://remote.example/p> "remote {i}" .\n' for i in range(3)
        )
        r = requests.post(base + "/store?default", data=data.encode(),
                          headers={"Content-Type": "application/n-triples"}, timeout=10)
        assert r.status_code in (200, 201, 204), r.text
        yield base
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def server(endpoint_store: Path, oxigraph_server: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Our endpoint with small limits so that each one can be hit quickly."""
    ox_hostport = oxigraph_server.removeprefix("http://")
    srv = start_server(
        endpoint_store, tmp_path_factory.mktemp("server-log"),
        "--query-timeout", "2",
        "--max-result-bytes", "200000",
        "--max-request-bytes", "16384",
        "--service-allow", ox_hostport,
        "--query-workers", "2",
        "--worker-memory", str(800 * 1024 * 1024),
        # Tests that kill processes on purpose share this server from one address: the per-client limit of
        # process deaths is tested on a server of its own (tests/robustness/test_quarantine.py). A test that
        # needs a second client sends X-Forwarded-For.
        "--client-deaths", "0",
        "--trusted-proxy", "127.0.0.1",
    )
    yield srv
    srv.stop()


@pytest.fixture()
def sparql(server: Server) -> str:
    return server.sparql
