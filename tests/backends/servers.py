"""Start SPARQL servers on loopback for tests and the scale benchmark (each in a folder of its own).

Used by tests/backends/conftest.py and bench/scale/bench.py. Every server is a child process of the
caller, stopped by its pid; nothing is left running and nothing outside the given folder is written.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from serverproc import free_port, stop_process

VENV_BIN = Path(sys.executable).parent


@dataclass
class Server:
    kind: str
    url: str  # what `--store` takes
    proc: subprocess.Popen
    folder: Path
    log: Path
    env: dict[str, str]  # environment the almerekg commands need (credentials)
    sql_port: int = 0  # Virtuoso's SQL port (isql-vt), for its bulk loader (bench/scale/build.py)

    def stop(self) -> None:
        stop_process(self.proc, grace=15)

    def kill(self) -> None:
        """Die at once, as a crashed server would."""
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait(timeout=5)


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the server did not answer at {url} within {timeout:g} s: {log.read_text()[-2000:]}")


def oxigraph_available() -> str | None:
    """None when `oxigraph serve` can run, else why not."""
    exe = VENV_BIN / "oxigraph"
    if exe.exists() or shutil.which("oxigraph"):
        return None
    return "the `oxigraph` CLI is not installed (PyPI package `oxigraph`, a test extra: scripts/setup.sh --test)"


def start_oxigraph(folder: Path) -> Server:
    exe = str(VENV_BIN / "oxigraph") if (VENV_BIN / "oxigraph").exists() else shutil.which("oxigraph")
    port = free_port()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    log = folder / "oxigraph.log"
    proc = subprocess.Popen([exe, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    _wait_http(url + "/", proc, log)
    return Server("oxigraph", url, proc, folder, log, {})


def virtuoso_available() -> str | None:
    if shutil.which("virtuoso-t") is None:
        return ("Virtuoso is not installed (Debian package `virtuoso-opensource`; scripts/setup.sh --test "
                "installs it when run as root)")
    return None


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {d}
MaxQueryMem = 1G
VADInstallDir = {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0
EnabledGzipContent = 1

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
"""


def start_virtuoso(folder: Path, buffers: int = 20000) -> Server:
    """A fresh Virtuoso in `folder` (online in a few seconds); writes go through digest auth as dba/dba."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port, buffers=buffers,
                                       dirty=buffers * 3 // 4))
    log = folder / "virtuoso-stdout.log"
    proc = subprocess.Popen(["virtuoso-t", "-c", str(ini), "+foreground"], cwd=folder,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}"
    _wait_http(url + "/sparql?query=ASK%7B%7D", proc, log, timeout=90)
    # A fresh database grants SPARQL_UPDATE to nobody; the graph-store endpoint with auth works for dba.
    return Server("virtuoso", "virtuoso+" + url, proc, folder, log,
                  {"ALMEREKG_STORE_USER": "dba", "ALMEREKG_STORE_PASSWORD": "dba"}, sql_port)
