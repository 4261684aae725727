"""/sparql against `oxigraph serve` on the same data, side by side, in one run: the table of bench/README.md.

    .venv/bin/python bench/endpoint_bench.py                 # a fresh build of data/, 5 s per cell
    .venv/bin/python bench/endpoint_bench.py --store var/store --duration 10
    .venv/bin/python bench/endpoint_bench.py --quick         # 2 s per cell

Rows (each at 1, 2, 8 and 32 connections, `--connections`):

* engine-bound: a GROUP BY over the whole graph, every request a different text (a comment), so our
  answer cache never answers: engine + web layer + query processes against oxigraph's engine + Rust server;
* table, repeated: the Tabel 1 saved query exactly as the catalogue sends it, the same text every time, as
  saved table queries are asked for: our answer comes from the cache, oxigraph recomputes;
* one-row lookup: every request a different text: the cost of our layers around a query the engine answers
  in microseconds.

Both servers are started here on loopback, in memory, with the same N-Quads and the union default graph.
Load comes from wrk (apt-get install wrk), 2 threads. Columns: requests/s, p50 and p99 in ms, and the ratio
ours/oxigraph (> 1: we are faster). The cells of the two servers alternate, so that whatever else the
machine does falls on both; read ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import requests
from processes import cpu_seconds, free_port, stop, wait_ok

ROOT = Path(__file__).resolve().parents[1]
ACCEPT = "application/sparql-results+json"
GROUP_BY = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)"


@dataclass
class Row:
    name: str
    query: str
    unique: bool  # every request a different text (a miss for our cache)


@dataclass
class Result:
    rps: float
    p50: float
    p99: float
    errors: int


@dataclass
class Target:
    name: str
    endpoint: str
    proc: subprocess.Popen

    def stop(self) -> None:
        stop(self.proc)


def build(workdir: Path, store_arg: str | None) -> Path:
    if store_arg:
        return Path(store_arg)
    from almerekg.graph.pipeline import run_build
    from almerekg.settings import from_values

    store = workdir / "store"
    run_build(from_values(store=str(store)), progress=lambda _m: None)
    return store


def dump(store: Path, workdir: Path) -> tuple[Path, int]:
    import pyoxigraph as ox

    from almerekg.store import EmbeddedStore

    mem, _info = EmbeddedStore(store).open(in_memory=False)
    quads = list(mem.quads_for_pattern(None, None, None, None))
    nq = workdir / "data.nq"
    ox.serialize(quads, str(nq), ox.RdfFormat.N_QUADS)
    return nq, len(quads)


def start_ours(store: Path, args: argparse.Namespace, log: Path) -> Target:
    port = free_port()
    cmd = [sys.executable, "-m", "almerekg.cli", "serve", "--store", str(store), "--port", str(port),
           "--processes", str(args.processes), "--query-timeout", "60", "--quarantine", "0"]
    if args.query_workers:
        cmd += ["--query-workers", str(args.query_workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(log, "wb"))  # noqa: SIM115
    target = Target("almerekg", f"http://127.0.0.1:{port}/sparql", proc)
    wait_ok(f"http://127.0.0.1:{port}/healthz")
    return target


def start_oxigraph(nq: Path, log: Path) -> Target:
    exe = Path(sys.executable).with_name("oxigraph")
    exe = exe if exe.exists() else Path(shutil.which("oxigraph") or "oxigraph")
    port = free_port()
    # In memory, like our query processes; union default graph, like our endpoint.
    proc = subprocess.Popen([str(exe), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=open(log, "wb"))  # noqa: SIM115
    base = f"http://127.0.0.1:{port}"
    target = Target("oxigraph", base + "/query", proc)
    wait_ok(base + "/query?query=ASK%7B%7D")
    with open(nq, "rb") as fh:
        r = requests.post(base + "/store", data=fh, headers={"Content-Type": "application/n-quads"}, timeout=600)
    if r.status_code >= 300:
        target.stop()
        raise RuntimeError(f"oxigraph refused the data: {r.status_code} {r.text[:200]}")
    return target


WRK_LUA = """
local counter = 0
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function request()
  counter = counter + 1
  local path = '%(path)s'
  if %(unique)s then
    path = path .. '%%0A%%23' .. tid .. '-' .. counter
  end
  return wrk.format("GET", path, {["Accept"] = "%(accept)s"})
end
"""


def run_wrk(endpoint: str, query: str, connections: int, seconds: float, unique: bool, workdir: Path,
            accept: str = ACCEPT) -> Result:
    u = urllib.parse.urlsplit(endpoint)
    path = u.path + ("?query=" + urllib.parse.quote(query, safe="") if query else "")
    script = workdir / "bench.lua"
    script.write_text(WRK_LUA % {"path": path, "unique": "true" if unique else "false", "accept": accept})
    proc = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--latency", "--timeout", "60s", "-s", str(script), f"http://{u.hostname}:{u.port}/"],
        capture_output=True, text=True,
    )
    out = proc.stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed against {endpoint}: {' '.join((proc.stderr or out).split())[:300]}")

    def pct(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else float("nan")

    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:.*timeout (\d+)", out)
    errors += int(m.group(1)) if m else 0
    return Result(float(found.group(1)), pct("50"), pct("99"), errors)


def wait_for_quiet(targets: list[Target], max_wait: float = 120.0) -> None:
    """Let a server finish the requests queued when a cell ended, so they are not billed to the next cell."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        before = [cpu_seconds(t.proc.pid) for t in targets]
        time.sleep(0.3)
        if all(cpu_seconds(t.proc.pid) - b < 0.03 for t, b in zip(targets, before, strict=True)):
            return


def table_query(base: str) -> str:
    from almerekg.saved_queries.catalogue import load_query

    saved = load_query(ROOT / "queries" / "tabel-1.rq")
    return saved.sparql(base, saved.bind({}))


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b and b == b and b > 0 else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", help="store folder to serve (default: a fresh build of data/)")
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per cell")
    ap.add_argument("--connections", default="1,2,8,32")
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 2, help="our web processes")
    ap.add_argument("--query-workers", type=int, default=0, help="our query processes per web process")
    ap.add_argument("--quick", action="store_true", help="2 s per cell")
    args = ap.parse_args()
    if args.quick:
        args.duration = 2.0
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    connections = [int(c) for c in args.connections.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="almerekg-bench-"))
    targets: list[Target] = []
    try:
        store = build(workdir, args.store)
        nq, n_quads = dump(store, workdir)
        targets = [start_ours(store, args, workdir / "ours.log"), start_oxigraph(nq, workdir / "oxigraph.log")]
        from almerekg.store import EmbeddedStore

        info = EmbeddedStore(store).info()
        subject = f"{info.base}/id/firm/usg-people"
        rows = [Row("engine-bound GROUP BY, miss", GROUP_BY, True),
                Row("table query, repeated (hit)", table_query(info.base), False),
                Row("one-row lookup, miss", f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }} LIMIT 1", True)]
        for row in rows:  # warm up, and check both answer
            for t in targets:
                r = requests.get(t.endpoint, params={"query": row.query}, headers={"Accept": ACCEPT}, timeout=60)
                assert r.status_code == 200, (t.name, row.name, r.status_code, r.text[:200])
        print(f"# {n_quads} quads; wrk, 2 threads; {args.duration:g} s per cell; ours: {args.processes} web "
              f"process(es); cores: {os.cpu_count()}")
        print("| load | conns | almerekg req/s | p50 ms | p99 ms | oxigraph req/s | p50 ms | p99 ms | ratio |")
        print("|---|---|---|---|---|---|---|---|---|")
        for row in rows:
            for c in connections:
                res = {}
                for t in targets:
                    wait_for_quiet(targets)
                    res[t.name] = run_wrk(t.endpoint, row.query, c, args.duration, row.unique, workdir)
                o, x = res["almerekg"], res["oxigraph"]
                errors = f" (non-2xx: ours {o.errors}, oxigraph {x.errors})" if o.errors or x.errors else ""
                print(f"| {row.name} | {c} | {o.rps:,.0f} | {o.p50:.2f} | {o.p99:.2f} | {x.rps:,.0f} | {x.p50:.2f} "
                      f"| {x.p99:.2f} | {ratio(o.rps, x.rps)} |{errors}", flush=True)
    finally:
        for t in targets:
            t.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
