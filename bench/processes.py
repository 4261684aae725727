"""What the bench scripts share about the servers they start and watch: a free port, waiting for a server to
answer, stopping it, and the process tree under it (web processes, and under them query processes) as /proc
tells it. One copy here; each script imports it (they run as `python bench/NAME.py`, so this folder is on the
path)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

# The command line of a query process, in this checkout and in the older one bench/abuse.py --old starts.
QUERY_PROCESS_MARKS = (b"almerekg.engine.worker", b"almerekg.runner")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ok(url: str, timeout: float = 120.0, proc: subprocess.Popen | None = None,
            ok: tuple[int, ...] = (200,)) -> None:
    """Return once `url` answers with a status in `ok`; RuntimeError after `timeout` seconds, or at once when
    `proc` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}) before {url} answered")
        try:
            if requests.get(url, timeout=5).status_code in ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def stop(proc: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _stat_fields(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, ...), or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def descendants(pid: int) -> set[int]:
    """Every process under pid: the web processes and, under them, their query processes."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(entry)) is not None:
            parents[int(entry)] = int(fields[1])
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and every process under it."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in {pid} | descendants(pid):
        if (fields := _stat_fields(p)) is not None:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def rss_kib(pid: int) -> int:
    """Resident memory of one process (VmRSS), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def is_query_process(pid: int) -> bool:
    return any(mark in _cmdline(pid) for mark in QUERY_PROCESS_MARKS)


def is_federation_process(pid: int) -> bool:
    """The query process that runs federated queries (SERVICE to allowed hosts), started beside the pool."""
    return b"--sandbox\0supervised" in _cmdline(pid)
