"""Servers for tests: our server as a real process on a free loopback port, its clean stop, headless chromium,
and the same app in the test process (Flask's test client) for the tests of routes and pages.

Every test folder that starts a process uses these, so that a port, an environment or a stop is done one way.
A real process is for what the process is the point of: the protocol with real clients, granian's limits and
headers, the sandbox, crashes, rebuilds, federation, browsers. A test that reads what a route answers talks to
`InProcess`: `get(site + path)` looks the same, and is answered by the app of `create_app` without a socket.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30
CHROMIUM = os.environ.get("ALMEREKG_CHROMIUM", "/usr/bin/chromium")


def get(url: str, **kwargs) -> requests.Response | InProcessResponse:  # noqa: ANN003
    """GET without following redirects: over HTTP, or from the app in this process when `url` is an InProcess's."""
    return request("GET", url, **kwargs)


def head(url: str, **kwargs) -> requests.Response | InProcessResponse:  # noqa: ANN003
    return request("HEAD", url, **kwargs)


def request(method: str, url: str, **kwargs) -> requests.Response | InProcessResponse:  # noqa: ANN003
    kwargs.setdefault("timeout", TIMEOUT)
    kwargs.setdefault("allow_redirects", False)
    for base, site in _IN_PROCESS.items():
        if url == base or url.startswith(base + "/") or url.startswith(base + "?"):
            return site.request(method, url[len(base):] or "/", **kwargs)
    return requests.request(method, url, **kwargs)  # noqa: S113 - the timeout is set just above


class InProcessResponse:
    """What a test reads of a `requests.Response`, from a response of Flask's test client: status_code, headers
    (case-insensitive), content (gzip undone, as requests does), text, json()."""

    def __init__(self, resp, url: str) -> None:  # noqa: ANN001 - werkzeug.test.TestResponse
        self._resp = resp
        self.url = url
        self.status_code: int = resp.status_code
        self.headers = resp.headers
        self.reason = resp.status.partition(" ")[2]
        body = resp.get_data()
        if resp.headers.get("Content-Encoding", "") == "gzip":
            body = gzip.decompress(body)
        self.content: bytes = body

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def encoding(self) -> str:
        return self._resp.mimetype_params.get("charset") or "utf-8"

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding, errors="replace")

    def json(self):  # noqa: ANN201 - any JSON value
        return json.loads(self.content)

    @property
    def links(self) -> dict[str, dict[str, str]]:
        """The Link header by rel, as requests reads it."""
        found = {}
        for link in requests.utils.parse_header_links(self.headers.get("Link", "")):
            found[link.get("rel") or link.get("url")] = link
        return found


class InProcess:
    """The app of `create_app(settings)` in this process, reached through `get(self.url + path)`.

    `url` names a loopback port nothing listens on, so that the absolute links the app writes are those a
    server on that port would write, and any request that does not go through `get`/`head` fails at once.
    """

    def __init__(self, store: Path, **settings: object) -> None:
        from almerekg.settings import from_values
        from almerekg.web import create_app

        port = free_port()
        self.app = create_app(from_values(store=str(store), port=port, **settings))
        self.client = self.app.test_client()
        self.url = f"http://127.0.0.1:{port}"
        _IN_PROCESS[self.url] = self

    def request(self, method: str, path: str, *, params=None, headers=None, data=None,  # noqa: ANN001
                allow_redirects: bool = False, timeout: float | None = None) -> InProcessResponse:
        del timeout  # nothing here waits on a socket; the engine's own query timeout still applies
        sent = {"Accept": "*/*", "Accept-Encoding": "gzip, deflate", "User-Agent": "python-requests"}
        sent.update(headers or {})
        if params:  # as requests does: added to what the URL already asks
            path += ("&" if "?" in path else "?") + urlencode(params, doseq=True)
        resp = self.client.open(path, method=method, base_url=self.url, headers=sent, data=data,
                                follow_redirects=allow_redirects)
        return InProcessResponse(resp, self.url + path)

    def close(self) -> None:
        _IN_PROCESS.pop(self.url, None)
        self.app.extensions["almerekg"].engine.close()

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_IN_PROCESS: dict[str, InProcess] = {}


def bench_module(name: str) -> ModuleType:
    """bench/NAME.py, loaded by path (bench/ is scripts, not a package): what the benchmarks and the tests
    share lives there once."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The process tree and a free port, as the benchmarks read them (bench/processes.py).
processes = bench_module("processes")
free_port = processes.free_port
descendants = processes.descendants
wait_ok = processes.wait_ok  # GET a URL until it answers (a status in `ok`), or its server process exits


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without the developer's ALMEREKG_* settings (a test states its own), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMEREKG_")}
    env.update(extra or {})
    return env


def stop_process(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM, as an operator stops a server; SIGKILL if it has not exited within `grace` seconds."""
    processes.stop(proc, grace)


def chromium(*args: str) -> str:
    """Debian's chromium, headless, with a throwaway profile; returns stdout (e.g. of --dump-dom)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup.sh installs Debian's chromium)")
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             *args],
            capture_output=True, timeout=90, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8")


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05) -> bool:  # noqa: ANN001 - a callable
    """True as soon as `predicate()` is; False after `timeout` seconds. It is asked every `interval` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def query_processes(server_pid: int) -> set[int]:
    """The query processes under a server (the web processes are in between), without the federation one."""
    return {pid for pid in descendants(server_pid)
            if processes.is_query_process(pid) and not processes.is_federation_process(pid)}


@dataclass
class Server:
    """A running `almerekg serve` process."""

    proc: subprocess.Popen
    port: int
    store: Path | str
    log_path: Path
    args: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

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

    def stop(self, grace: float = 10.0) -> None:
        stop_process(self.proc, grace)


def start_server(store: Path | str, log_dir: Path, *extra: str, expect_ready: bool = True,
                 preexec_fn=None,  # noqa: ANN001
                 command: tuple[str, ...] = (sys.executable, "-m", "almerekg.cli"), cwd: Path | None = None,
                 env: dict[str, str] | None = None, timeout: float = 60) -> Server:
    """`almerekg serve` on a free loopback port, as in production, with two query processes (whatever the
    machine's cores) unless `extra` (more flags of serve; a flag given again wins) says otherwise. `store` is a
    folder or a SPARQL server's URL.

    Waits for /healthz to answer 200 (or 503 too, for a server without a build, when not `expect_ready`);
    raises with the server's log when it exits or does not come up in `timeout` seconds. `command` runs another
    installation's `almerekg`, `preexec_fn` runs in the server process before it starts (the robustness tests
    cap its resources with it), `env` replaces the environment without the developer's ALMEREKG_* settings.
    """
    port = free_port()
    log_path = log_dir / f"server-{port}.log"
    args = [*command, "serve", "--store", str(store), "--port", str(port), "--query-workers", "2", *extra]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(log_path, "wb"),  # noqa: SIM115
                            env=env or clean_env(), cwd=cwd, preexec_fn=preexec_fn, stdin=subprocess.DEVNULL)  # noqa: PLW1509
    server = Server(proc=proc, port=port, store=store, log_path=log_path, args=args)
    try:
        wait_ok(server.url + "/healthz", timeout, proc, ok=(200,) if expect_ready else (200, 503))
    except RuntimeError:
        server.stop()
        raise RuntimeError(f"server failed to start:\n{log_path.read_text()}") from None
    return server
