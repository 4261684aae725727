"""Fixtures for the endpoint tests: a small store with known values, and real server processes.

The servers are started as separate processes (`almerekg serve`) on free loopback
ports, exactly as in production, and driven over HTTP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from serverproc import clean_env, free_port, stop_process

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


def wait_until(predicate, timeout: float = 10.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def wait_for(url: str, timeout: float = 30.0, ok=(200,)) -> requests.Response:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            r = requests.get(url, timeout=2)
            if r.status_code in ok:
                return r
        except requests.RequestException as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {timeout} s ({last})")


def _parents() -> dict[int, int]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            found[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def descendants(pid: int) -> set[int]:
    parents = _parents()
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def query_processes(server_pid: int) -> set[int]:
    """The query processes under a server (the web processes are in between), without the federation one."""
    out = set()
    for pid in descendants(server_pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"almerekg.engine.worker" in cmdline and b"--sandbox\0supervised" not in cmdline:
            out.add(pid)
    return out


@dataclass
class Server:
    """A running endpoint process."""

    proc: subprocess.Popen
    port: int
    store: Path
    log_path: Path
    args: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8").splitlines()

    def log_lines_once(self, predicate, timeout: float = 5.0) -> list[str]:  # noqa: ANN001
        """The log once `predicate(lines)` holds: a request's line is written when its answer is closed,
        which may be a moment after the client has the answer."""
        wait_until(lambda: predicate(self.log_lines()), timeout)
        return self.log_lines()

    def children(self) -> set[int]:
        """PIDs of the query processes: descendants of the server running almerekg.engine.worker."""
        return query_processes(self.proc.pid)

    def stop(self) -> None:
        stop_process(self.proc)


def start_server(store: Path, log_dir: Path, *extra: str, expect_ready: bool = True,
                 preexec_fn=None) -> Server:  # noqa: ANN001 - run in the server process before it starts
    port = free_port()
    log_path = log_dir / f"server-{port}.log"
    args = [sys.executable, "-m", "almerekg.cli", "serve", "--store", str(store), "--port", str(port), *extra]
    env = clean_env()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(log_path, "wb"), env=env,  # noqa: SIM115
                            preexec_fn=preexec_fn)  # noqa: PLW1509 - only the robustness tests pass one
    server = Server(proc=proc, port=port, store=store, log_path=log_path, args=args)
    try:
        wait_for(server.base + "/healthz", ok=(200,) if expect_ready else (200, 503))
    except RuntimeError:
        server.stop()
        raise RuntimeError(f"server failed to start:\n{log_path.read_text()}") from None
    return server


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
        wait_for(base + "/query?query=ASK%7B%7D")
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
