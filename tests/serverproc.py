"""Real processes for tests: our server on a free loopback port, its clean stop, and headless chromium.

Every test folder that starts a process uses these, so that a port, an environment or a stop is done one way.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

TIMEOUT = 30
CHROMIUM = os.environ.get("ALMEREKG_CHROMIUM", "/usr/bin/chromium")


def get(url: str, **kwargs) -> requests.Response:  # noqa: ANN003
    kwargs.setdefault("timeout", TIMEOUT)
    kwargs.setdefault("allow_redirects", False)
    return requests.get(url, **kwargs)  # noqa: S113 - the timeout is set just above


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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(server.url + "/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not start:\n{log.read_text()}")
