"""The same app on each WSGI server, side by side: how `almerekg serve`'s HTTP server was chosen.

    .venv/bin/pip install -e '.[bench]'          # waitress and gunicorn (granian is a dependency)
    .venv/bin/python bench/servers.py             # a fresh build of data/, 3 s per cell
    .venv/bin/python bench/servers.py --store var/store --duration 5

Each server runs the app the same way (`almerekg.web:app_from_environment`, settings from ALMEREKG_*),
with 2 processes (the machine's cores) where the server has them, on loopback:

* waitress, one process, 16 threads;
* gunicorn, sync workers (2 processes, one request at a time each);
* gunicorn, gthread workers (2 processes × 8 threads);
* granian, WSGI (2 processes, 16 blocking threads each).

Rows: a cached answer (the same /sparql text every time: replayed before Flask), a cache miss (a one-row
lookup, a different text every time) and /healthz; each at 1, 2, 8 and 32 connections. Load from wrk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from endpoint_bench import ACCEPT, Result, Target, build, run_wrk, wait_for_quiet
from processes import free_port, wait_ok

ROOT = Path(__file__).resolve().parents[1]
APP = "almerekg.web:app_from_environment"


def servers(port: int) -> dict[str, list[str]]:
    venv = Path(sys.executable).parent
    bind = f"127.0.0.1:{port}"
    return {
        "waitress (16 threads)": [str(venv / "waitress-serve"), "--listen", bind, "--threads", "16", "--call", APP],
        "gunicorn sync (2)": [str(venv / "gunicorn"), "-b", bind, "-w", "2", "-k", "sync", f"{APP}()"],
        "gunicorn gthread (2x8)": [str(venv / "gunicorn"), "-b", bind, "-w", "2", "-k", "gthread", "--threads", "8",
                                   f"{APP}()"],
        "granian (2)": [str(venv / "granian"), "--interface", "wsgi", "--factory", "--host", "127.0.0.1", "--port",
                        str(port), "--workers", "2", "--blocking-threads", "16", "--no-ws", APP],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", help="store folder to serve (default: a fresh build of data/)")
    ap.add_argument("--duration", type=float, default=3.0)
    ap.add_argument("--connections", default="1,2,8,32")
    ap.add_argument("--only", help="comma-separated server names (a prefix of each)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    connections = [int(c) for c in args.connections.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="almerekg-servers-"))
    try:
        store = build(workdir, args.store)
        from almerekg.store import EmbeddedStore

        base = EmbeddedStore(store).info().base
        lookup = f"SELECT ?p ?o WHERE {{ <{base}/id/firm/usg-people> ?p ?o }} LIMIT 1"
        rows = [("cached answer", "/sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", False),
                ("cache miss (lookup)", "/sparql", lookup, True),
                ("/healthz", "/healthz", "", False)]
        print(f"# wrk, 2 threads; {args.duration:g} s per cell; cores: {os.cpu_count()}")
        print("| server | load | conns | req/s | p50 ms | p99 ms |")
        print("|---|---|---|---|---|---|")
        port = free_port()
        for name, cmd in servers(port).items():
            if args.only and not any(name.startswith(o) for o in args.only.split(",")):
                continue
            env = {k: v for k, v in os.environ.items() if not k.startswith("ALMEREKG_")}
            env.update({"ALMEREKG_STORE": str(store), "ALMEREKG_PORT": str(port), "ALMEREKG_QUARANTINE": "0",
                        "ALMEREKG_QUERY_WORKERS": "1"})
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                    stderr=open(workdir / "server.log", "wb"))  # noqa: SIM115
            target = Target(name, f"http://127.0.0.1:{port}", proc)
            try:
                wait_ok(target.endpoint + "/healthz")
                for label, path, query, unique in rows:
                    for c in connections:
                        wait_for_quiet([target])
                        r: Result = run_wrk(target.endpoint + path, query, c, args.duration, unique, workdir,
                                            accept=ACCEPT if query else "application/json")
                        errors = f" ({r.errors} non-2xx)" if r.errors else ""
                        print(f"| {name} | {label} | {c} | {r.rps:,.0f} | {r.p50:.2f} | {r.p99:.2f} |{errors}",
                              flush=True)
            finally:
                target.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
