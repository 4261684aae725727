"""Three backends, one set of end-to-end checks: embedded, `oxigraph serve` and Virtuoso.

Each backend gets the real data/ built into it (`almerekg build --store ...`) and a real web server
in front (`almerekg serve --store ...`), both as separate processes, as in production.
A backend that cannot be started here is skipped with the reason, never imitated.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from serverproc import Server, clean_env, start_server, stop_process

from . import servers

BACKENDS = ("embedded", "oxigraph", "virtuoso")


@dataclass
class Served:
    backend: str
    store: str
    url: str  # the web server
    proc: subprocess.Popen
    server: servers.Server | None  # the SPARQL server behind it (None: embedded)

    def stop(self) -> None:
        stop_process(self.proc, grace=15)


def start_sparql_server(backend: str, folder: Path) -> servers.Server:
    why = servers.oxigraph_available() if backend == "oxigraph" else servers.virtuoso_available()
    if why:
        pytest.skip(why)
    try:
        return servers.start_oxigraph(folder) if backend == "oxigraph" else servers.start_virtuoso(folder)
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"{backend} could not be started here: {exc}")


def build_into(store: str, env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "almerekg.cli", "build", "--store", store],
                          env=clean_env(env), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]


def serve(backend: str, store: str, env: dict[str, str], log_dir: Path, *args: str) -> Server:
    """Our web server on `store` (a folder, or the URL of the backend's SPARQL server)."""
    try:
        return start_server(store, log_dir, *args, env=clean_env(env), timeout=90)
    except RuntimeError as exc:
        pytest.fail(f"the {backend} web server did not start: {str(exc)[-3000:]}")


@pytest.fixture(scope="session", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    backend = request.param
    folder = tmp_path_factory.mktemp(f"backend-{backend}")
    server = None
    if backend == "embedded":
        store, env = str(request.getfixturevalue("built_store")), {}
    else:
        server = start_sparql_server(backend, folder / "server")
        store, env = server.url, server.env
        try:
            build_into(store, env)
        except BaseException:
            server.stop()
            raise
    web = serve(backend, store, env, folder)
    s = Served(backend, store, web.url, web.proc, server)
    yield s
    s.stop()
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def embedded_tabel_1(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Tabel 1 as the embedded store answers it: what every other backend must answer too."""
    web = serve("embedded", str(built_store), {}, tmp_path_factory.mktemp("embedded-reference"))
    try:
        return requests.get(web.url + "/queries/tabel-1.json", timeout=60).json()["rows"]
    finally:
        web.stop(grace=15)
