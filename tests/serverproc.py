"""Servers for tests: our server as a real process on a free loopback port, its clean stop, headless chromium,
and the same app in the test process (Flask's test client) for the tests of routes and pages.

Every test folder that starts a process uses these, so that a port, an environment or a stop is done one way.
A real process is for what the process is the point of: the protocol with real clients, granian's limits and
headers, the sandbox, crashes, rebuilds, federation, browsers. A test that reads what a route answers talks to
`InProcess`: `get(site + path)` looks the same, and is answered by the app of `create_app` without a socket.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

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


_IN_PROCESS: dict[str, InProcess] = {}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without the developer's ALMEREKG_* settings (a test states its own), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMEREKG_")}
    env.update(extra or {})
    return env


def stop_process(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM, as an operator stops a server; SIGKILL if it has not exited within `grace` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


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


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop_process(self.proc)


def start_server(store: Path, log_dir: Path, args: tuple[str, ...] = ()) -> Server:
    """`almerekg serve` on a free loopback port, as in production (`args`: more flags of serve)."""
    port = free_port()
    log = log_dir / f"server-{port}.log"
    env = clean_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "almerekg.cli", "serve", "--store", str(store), "--port", str(port), "--query-workers", "2", *args],
        stdout=subprocess.DEVNULL, stderr=open(log, "wb"), env=env,  # noqa: SIM115 - closed with the process
    )
    server = Server(proc, port, log)
    wait_until_up(server.url, proc, log)
    return server


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait for /healthz to answer 200; stop the process and raise with its log when it does not come up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop_process(proc)
    raise RuntimeError(f"server did not start:\n{log.read_text()}")
