"""`almerekg serve --processes N`: several web processes on one port sharing one embedded store."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from serverproc import start_server

from .test_backends import FIRMS


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _web_children(pid: int) -> list[int]:
    # The web processes are the parent's children; their own children are query workers.
    return [c for c in _children(pid) if "almerekg.engine.worker" not in Path(f"/proc/{c}/cmdline").read_bytes()
            .decode(errors="replace").replace("\0", " ")]


def test_two_web_processes_share_the_store_and_replace_a_dead_one(built_store: Path, tmp_path: Path):
    srv = start_server(built_store, tmp_path, "--processes", "2", "--query-workers", "1", timeout=90)
    url, proc, log = srv.url, srv.proc, srv.log_path
    try:
        web = _web_children(proc.pid)
        assert len(web) == 2, log.read_text()[-2000:]

        def ask(i: int) -> str:
            r = requests.post(url + "/sparql", data={"query": FIRMS + f" # {i}"},
                              headers={"Accept": "text/csv"}, timeout=60)
            assert r.status_code == 200, r.text
            return r.text.splitlines()[1]

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(ask, range(24))) == {"49"}

        os.kill(web[0], signal.SIGKILL)  # one web process dies: the parent starts another
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = _web_children(proc.pid)
            if len(now) == 2 and web[0] not in now:
                break
            time.sleep(0.3)
        assert len(_web_children(proc.pid)) == 2
        # granian loses a stop signal that reaches a process still starting (it is killed only after the
        # kill timeout): let the new process finish starting before the test stops the server.
        while time.monotonic() < deadline and log.read_text().count('"msg": "Started worker-') < 3:
            time.sleep(0.2)
        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(ask, range(100, 112))) == {"49"}
    finally:
        srv.stop(grace=60)
    assert proc.returncode == 0
    assert '"msg": "stopped"' in log.read_text()
