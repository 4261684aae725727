"""A real server process for page tests: `python -m almerekg.web.serve` on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

TIMEOUT = 30


def get(url: str, **kwargs) -> requests.Response:  # noqa: ANN003
    kwargs.setdefault("timeout", TIMEOUT)
    kwargs.setdefault("allow_redirects", False)
    return requests.get(url, **kwargs)  # noqa: S113 - the timeout is set just above


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(store: Path, log_dir: Path) -> Server:
    """`python -m almerekg.web.serve` on a free loopback port, as in production."""
    port = free_port()
    log = log_dir / f"server-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMEREKG_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "almerekg.web.serve", "--store", str(store), "--port", str(port), "--workers", "2"],
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
