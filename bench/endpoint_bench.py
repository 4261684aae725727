"""Benchmark /sparql against `oxigraph serve` (and rdflib-endpoint) on the same data, side by side.

    .venv/bin/python bench/endpoint_bench.py                  # a fresh build of data/ + queries/*.rq
    .venv/bin/python bench/endpoint_bench.py --synthetic      # ~100 k synthetic report-like triples
    .venv/bin/python bench/endpoint_bench.py --store var/store
    .venv/bin/python bench/endpoint_bench.py --quick          # 1 s per cell, clients 1 and 4

For every query, mode and client count it measures throughput and p50/p99 latency of each server and
prints one table with the ratios ours/oxigraph and ours/rdflib-endpoint. Modes:

* miss: every request carries a unique comment, so our result cache never answers (engine + Python
  web layer + worker pool, against oxigraph's engine + Rust web layer);
* hit:  the same text repeated, as saved table queries are; our cache answers, oxigraph recomputes.

Load comes from wrk when installed (apt-get install wrk), else from a small multi-process Python
generator (which then limits the cheapest queries itself: ratios stay meaningful, absolutes do not).
rdflib-endpoint is optional: pass --rdflib-endpoint PATH to its executable, or have it on PATH
(pip install 'rdflib-endpoint[cli]', best in a separate venv).
It also reports the worker pool's own overhead per query, measured in-process.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://almerekg.example"
EX = BASE + "/def/"
PREFIXES = f"PREFIX ex: <{EX}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ACCEPT = "application/sparql-results+json"


# -- data -------------------------------------------------------------------------------------------

def synthetic_nquads(path: Path, firms: int = 2000, obs_per_table: int = 4000, tables: int = 4) -> dict:
    """Report-like data: firms, a partner network, and statistical tables (~100 k triples)."""
    graphs: dict[str, int] = {}
    xsd_int = "http://www.w3.org/2001/XMLSchema#integer"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    seen: set[str] = set()
    with open(path, "w", encoding="utf-8") as out:
        def emit(s: str, p: str, o: str, g: str) -> None:
            line = f"{s} <{p}> {o} <{g}> .\n"
            if line not in seen:  # publish() checks the count, and a store holds each quad once
                seen.add(line)
                out.write(line)
                graphs[g] = graphs.get(g, 0) + 1

        g_codes = f"{BASE}/id/graph/codes"
        for k in range(20):
            emit(f"<{BASE}/id/sector/s{k}>", label, f'"Sector {k}"@nl', g_codes)
        g_firms = f"{BASE}/id/graph/firms"
        for i in range(firms):
            s = f"<{BASE}/id/firm/f{i}>"
            emit(s, rdf_type, f"<{EX}Firm>", g_firms)
            emit(s, label, f'"Firm {i}"', g_firms)
            emit(s, EX + "employees", f'"{(i * 37) % 500}"^^<{xsd_int}>', g_firms)
            emit(s, EX + "sector", f"<{BASE}/id/sector/s{i % 20}>", g_firms)
            emit(s, EX + "founded", f'"{1960 + i % 50}"^^<{xsd_int}>', g_firms)
        g_net = f"{BASE}/id/graph/network"
        for i in range(firms * 3 // 2):
            a, b = i % firms, (i * 7919) % firms
            if a != b:
                emit(f"<{BASE}/id/firm/f{a}>", EX + "partner", f"<{BASE}/id/firm/f{b}>", g_net)
        for t in range(1, tables + 1):
            g = f"{BASE}/id/graph/table-{t}"
            for j in range(obs_per_table):
                s = f"<{BASE}/id/obs/t{t}-{j}>"
                emit(s, rdf_type, "<http://purl.org/linked-data/cube#Observation>", g)
                emit(s, EX + "dataset", f"<{BASE}/id/dataset/table-{t}>", g)
                emit(s, EX + "sector", f"<{BASE}/id/sector/s{j % 20}>", g)
                emit(s, EX + "year", f'"{2000 + (j // 20) % 11}"^^<{xsd_int}>', g)
                emit(s, EX + "value", f'"{(j * 13 + t) % 1000}"^^<{xsd_int}>', g)
    return graphs


def make_store(workdir: Path, store_arg: str | None, synthetic: bool) -> tuple[Path, bool]:
    """The store to serve: the one given, a fresh build of data/, or synthetic data."""
    if store_arg:
        return Path(store_arg), False
    from almerekg.store import BuildInfo, EmbeddedStore

    if not synthetic:
        from almerekg.graph.pipeline import run_build
        from almerekg.settings import from_values

        root = workdir / "store"
        run_build(from_values(store=str(root)), progress=lambda _m: None)
        return root, False

    root = workdir / "store"
    nq = workdir / "synthetic.nq"
    graphs = synthetic_nquads(nq)
    EmbeddedStore(root).publish(nq, BuildInfo(build_id="bench-synthetic", created="2026-01-01T00:00:00Z",
                                              base=BASE, graphs=graphs))
    return root, True


def dump(store: Path, workdir: Path) -> tuple[Path, Path, int]:
    """The build as N-Quads (for oxigraph) and as N-Triples, graphs flattened (for rdflib-endpoint)."""
    import pyoxigraph as ox

    from almerekg.store import EmbeddedStore

    mem, _info = EmbeddedStore(store).open(in_memory=False)
    nq, nt = workdir / "data.nq", workdir / "data.nt"
    quads = list(mem.quads_for_pattern(None, None, None, None))
    ox.serialize(quads, str(nq), ox.RdfFormat.N_QUADS)
    ox.serialize((q.triple for q in quads), str(nt), ox.RdfFormat.N_TRIPLES)
    return nq, nt, len(quads)


# -- queries ----------------------------------------------------------------------------------------

@dataclass
class Bench:
    name: str
    kind: str  # lookup | table | analytical
    query: str


def saved_table_queries(base: str) -> list[Bench]:
    """The report's saved queries, as the catalogue sends them (prologue, default parameters)."""
    from almerekg.saved_queries.catalogue import ParamError, load_query

    out = []
    for rq in sorted((ROOT / "queries").glob("*.rq")):
        saved = load_query(rq)
        try:
            out.append(Bench(f"table: {rq.stem}", "table", saved.sparql(base, saved.bind({}))))
        except ParamError:
            continue
    return out


def queries(synthetic: bool, sample_subject: str, base: str) -> list[Bench]:
    out = [Bench("one-row lookup", "lookup", f"SELECT ?p ?o WHERE {{ <{sample_subject}> ?p ?o }} LIMIT 1")]
    if synthetic:
        out += [
            Bench("table: sector totals 2010", "table", PREFIXES + (
                "SELECT ?sector (SUM(?v) AS ?total) WHERE { ?o ex:dataset " + f"<{BASE}/id/dataset/table-1>"
                + " ; ex:sector ?s ; ex:year 2010 ; ex:value ?v . ?s rdfs:label ?sector } "
                "GROUP BY ?sector ORDER BY ?sector")),
            Bench("table: one firm's partners", "table", PREFIXES + (
                "SELECT ?b ?label ?emp WHERE { " + f"<{BASE}/id/firm/f42>"
                + " ex:partner ?b . ?b rdfs:label ?label ; ex:employees ?emp } ORDER BY ?label")),
            Bench("agg: sum by year, all tables", "analytical", PREFIXES + (
                "SELECT ?year (SUM(?v) AS ?t) (COUNT(*) AS ?n) WHERE { ?o ex:year ?year ; ex:value ?v } "
                "GROUP BY ?year ORDER BY ?year")),
            Bench("join: cross-sector partners", "analytical", PREFIXES + (
                "SELECT ?sector (COUNT(DISTINCT ?b) AS ?n) WHERE { ?a ex:partner ?b ; ex:sector ?s . "
                "?b ex:sector ?s2 . ?s rdfs:label ?sector FILTER(?s != ?s2) } GROUP BY ?sector "
                "ORDER BY DESC(?n)")),
        ]
    else:
        out += saved_table_queries(base)
    out += [
        Bench("agg: GROUP BY ?p (all)", "analytical",
              "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)"),
        Bench("agg: classes x props", "analytical",
              "SELECT ?c (COUNT(DISTINCT ?p) AS ?props) (COUNT(*) AS ?n) WHERE { ?s a ?c ; ?p ?o } GROUP BY ?c"),
    ]
    return out


# -- servers ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ok(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@dataclass
class Target:
    name: str
    endpoint: str  # URL of the query endpoint
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _started(target: Target, probe: str, timeout: float = 120.0) -> None:
    try:
        wait_ok(probe, timeout)
    except BaseException:
        target.stop()
        raise


def start_ours(store: Path, workers: int, log: Path, timeout: float) -> Target:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "almerekg.cli", "serve", "--store", str(store), "--port", str(port),
         "--query-timeout", str(timeout), "--workers", str(workers), "--max-result-bytes", str(512 * 1024 * 1024)],
        stdout=subprocess.DEVNULL, stderr=open(log, "wb"),  # noqa: SIM115
    )
    target = Target("almerekg", f"http://127.0.0.1:{port}/sparql", proc)
    _started(target, f"http://127.0.0.1:{port}/healthz")
    return target


def start_oxigraph(nq: Path, log: Path) -> Target:
    exe = Path(sys.executable).with_name("oxigraph")
    exe = exe if exe.exists() else Path(shutil.which("oxigraph") or "oxigraph")
    port = free_port()
    # In memory, like our workers; union default graph, like our endpoint.
    proc = subprocess.Popen([str(exe), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=open(log, "wb"))  # noqa: SIM115
    base = f"http://127.0.0.1:{port}"
    target = Target("oxigraph", base + "/query", proc)
    _started(target, base + "/query?query=ASK%7B%7D")
    with open(nq, "rb") as fh:
        r = requests.post(base + "/store", data=fh, headers={"Content-Type": "application/n-quads"}, timeout=600)
    if r.status_code >= 300:
        target.stop()
        raise RuntimeError(f"oxigraph refused the data: {r.status_code} {r.text[:200]}")
    return target


def start_rdflib_endpoint(exe: str, nt: Path, log: Path) -> Target:
    port = free_port()
    proc = subprocess.Popen([exe, "serve", str(nt), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=open(log, "wb"))  # noqa: SIM115
    target = Target("rdflib-endpoint", f"http://127.0.0.1:{port}/", proc)  # the CLI serves SPARQL at /
    _started(target, target.endpoint + "?query=" + urllib.parse.quote("ASK {}"), timeout=600)
    return target


# -- load -------------------------------------------------------------------------------------------

@dataclass
class Result:
    rps: float
    p50: float  # ms
    p99: float  # ms
    errors: int


def _path(endpoint: str, query: str) -> tuple[str, int, str]:
    u = urllib.parse.urlsplit(endpoint)
    return u.hostname, u.port, u.path + "?query=" + urllib.parse.quote(query, safe="")


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


def run_wrk(endpoint: str, query: str, clients: int, seconds: float, unique: bool, workdir: Path) -> Result:
    host, port, path = _path(endpoint, query)
    script = workdir / "bench.lua"
    script.write_text(WRK_LUA % {"path": path, "unique": "true" if unique else "false", "accept": ACCEPT})
    threads = min(clients, 2)
    proc = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s", "--latency",
         "--timeout", "60s", "-s", str(script), f"http://{host}:{port}/"],
        capture_output=True, text=True,
    )
    out = proc.stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if proc.returncode != 0 or not found:
        print(f"# wrk failed against {endpoint}: {' '.join((proc.stderr or out).split())[:200]}")
        return Result(0.0, float("nan"), float("nan"), -1)
    rps = float(found.group(1))

    def pct(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:.*timeout (\d+)", out)
    errors += int(m.group(1)) if m else 0
    return Result(rps, pct("50"), pct("99"), errors)


def _client(endpoint: str, query: str, unique: bool, seconds: float, start: float, q: mp.Queue, cid: int) -> None:
    host, port, path = _path(endpoint, query)
    conn = http.client.HTTPConnection(host, port, timeout=120)
    lat: list[float] = []
    errors = 0
    n = 0
    while time.time() < start:
        time.sleep(0.001)
    end = start + seconds
    while time.time() < end:
        n += 1
        p = path + (f"%0A%23{cid}-{n}" if unique else "")
        t0 = time.perf_counter()
        conn.request("GET", p, headers={"Accept": ACCEPT})
        resp = conn.getresponse()
        resp.read()
        lat.append(time.perf_counter() - t0)
        if resp.status != 200:
            errors += 1
    q.put((lat, errors))


def run_python(endpoint: str, query: str, clients: int, seconds: float, unique: bool) -> Result:
    q: mp.Queue = mp.Queue()
    start = time.time() + 0.5
    procs = [mp.Process(target=_client, args=(endpoint, query, unique, seconds, start, q, i))
             for i in range(clients)]
    for p in procs:
        p.start()
    lats: list[float] = []
    errors = 0
    for _ in procs:
        lat, err = q.get()
        lats += lat
        errors += err
    for p in procs:
        p.join()
    lats.sort()
    if not lats:
        return Result(0.0, float("nan"), float("nan"), errors)
    return Result(len(lats) / seconds, statistics.median(lats) * 1000, lats[int(0.99 * (len(lats) - 1))] * 1000,
                  errors)


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its direct children (our query workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wait_for_quiet(targets: list[Target], max_wait: float = 180.0) -> None:
    """Servers keep computing requests queued before a load run ended; let them finish first, so that
    one server's backlog is not billed to the next one measured. (Per process tree, so that other
    work on a shared machine does not count.)"""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        before = [_tree_cpu_seconds(t.proc.pid) for t in targets]
        time.sleep(0.3)
        after = [_tree_cpu_seconds(t.proc.pid) for t in targets]
        if all(a - b < 0.03 for a, b in zip(after, before, strict=True)):
            return


# -- pool overhead ----------------------------------------------------------------------------------

def pool_overhead(store: Path, query: str, n: int = 2000) -> tuple[float, float]:
    """Milliseconds per query: pyoxigraph in-process vs through the worker pool (same query, same format)."""
    import pyoxigraph as ox

    from almerekg.engine.jobs import Job
    from almerekg.engine.pool import WorkerPool
    from almerekg.store import EmbeddedStore

    es = EmbeddedStore(store)
    mem, _ = es.open(in_memory=True)
    t0 = time.perf_counter()
    for _ in range(n):
        mem.query(query, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
    direct = (time.perf_counter() - t0) / n * 1000
    pool = WorkerPool(es.current_dir, size=1).start()
    job = Job(query, ACCEPT, "text/turtle", True)
    try:
        t0 = time.perf_counter()
        for _ in range(n):
            pool.run(job, 30)
        pooled = (time.perf_counter() - t0) / n * 1000
    finally:
        pool.kill_all()
    return direct, pooled


# -- main -------------------------------------------------------------------------------------------

def fmt_ratio(a: float, b: float | None) -> str:
    if b is None or b != b or b <= 0:
        return "-"
    return f"{a / b:.2f}x"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", help="store folder to serve (default: a fresh build of data/)")
    ap.add_argument("--synthetic", action="store_true", help="serve ~100 k synthetic report-like triples")
    ap.add_argument("--max-query-seconds", type=float, default=5.0,
                    help="drop queries slower than this on any server (reported)")
    ap.add_argument("--duration", type=float, default=3.0, help="seconds per cell")
    ap.add_argument("--clients", default="1,4,16")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="our query worker processes")
    ap.add_argument("--rdflib-endpoint", help="path to the rdflib-endpoint executable")
    ap.add_argument("--load", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--quick", action="store_true", help="1 s cells, clients 1 and 4")
    args = ap.parse_args()
    if args.quick:
        args.duration, args.clients = 1.0, "1,4"
    clients = [int(c) for c in args.clients.split(",")]
    use_wrk = args.load == "wrk" or (args.load == "auto" and shutil.which("wrk"))
    rdflib_exe = args.rdflib_endpoint or shutil.which("rdflib-endpoint")

    workdir = Path(tempfile.mkdtemp(prefix="almerekg-bench-"))
    targets: list[Target] = []
    try:
        store, synthetic = make_store(workdir, args.store, args.synthetic)
        nq, nt, n_quads = dump(store, workdir)
        ours = start_ours(store, args.workers, workdir / "ours.log", args.max_query_seconds)
        targets.append(ours)
        targets.append(start_oxigraph(nq, workdir / "oxigraph.log"))
        if rdflib_exe:
            targets.append(start_rdflib_endpoint(rdflib_exe, nt, workdir / "rdflib.log"))
        first = requests.get(ours.endpoint, params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"},
                             timeout=30).json()["results"]["bindings"][0]["s"]["value"]
        from almerekg.store import EmbeddedStore

        benches = queries(synthetic, first, EmbeddedStore(store).info().base)

        source = "synthetic" if synthetic else (store if args.store else "a fresh build of data/")
        print(f"# data: {n_quads} quads ({source}); load: "
              f"{'wrk' if use_wrk else 'python'}; {args.duration:g} s per cell; our workers: {args.workers}; "
              f"cores: {os.cpu_count()}")
        direct, pooled = pool_overhead(store, benches[0].query)
        print(f"# worker pool overhead on the one-row lookup: in-process {direct:.3f} ms, via pool {pooled:.3f} ms "
              f"(+{pooled - direct:.3f} ms per query)")
        usable: list[tuple[Bench, set[str]]] = []
        for b in benches:  # warm up; drop what a server cannot run, or runs too slowly to load-test
            runs_on = []
            for i, t in enumerate(targets):
                started = time.perf_counter()
                try:
                    r = requests.get(t.endpoint, params={"query": b.query}, headers={"Accept": ACCEPT},
                                     timeout=args.max_query_seconds)
                    status, text = r.status_code, r.text[:120]
                except requests.Timeout:
                    status, text = 0, "timed out"
                seconds = time.perf_counter() - started
                if status == 200 and seconds <= args.max_query_seconds:
                    runs_on.append(t)
                    continue
                print(f"# {b.name!r}: {t.name} answered {status or '-'} in {seconds:.1f} s "
                      f"({' '.join(text.split())})" + ("" if t.name == "rdflib-endpoint" else "; query skipped"))
                if t.name == "rdflib-endpoint" and status == 0:
                    # It would go on computing the abandoned query for minutes, stealing the CPU from the
                    # next measurements: start a fresh one instead.
                    t.stop()
                    targets[i] = start_rdflib_endpoint(rdflib_exe, nt, workdir / "rdflib.log")
            names = {t.name for t in runs_on}
            if {"almerekg", "oxigraph"} <= names:
                usable.append((b, names))

        header = (f"| {'query':<30} | mode | c  | ours req/s | p50 ms | p99 ms | oxigraph req/s | p50 ms | p99 ms "
                  f"| ours/oxi | rdflib req/s | ours/rdflib |")
        print(header)
        print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
        for b, runs_on in usable:
            for mode in ("miss", "hit"):
                for c in clients:
                    res: dict[str, Result] = {}
                    for t in [t for t in targets if t.name in runs_on]:
                        if t.name == "rdflib-endpoint" and c != 1:
                            continue  # it is 2-3 orders slower: one client tells the ratio, more only queue
                        wait_for_quiet(targets)
                        secs = args.duration
                        if use_wrk:
                            res[t.name] = run_wrk(t.endpoint, b.query, c, secs, mode == "miss", workdir)
                        else:
                            res[t.name] = run_python(t.endpoint, b.query, c, secs, mode == "miss")
                    o, x = res["almerekg"], res["oxigraph"]
                    rl = res.get("rdflib-endpoint")
                    err = "" if not (o.errors or x.errors) else f" (errors: ours {o.errors}, oxi {x.errors})"
                    print(f"| {b.name:<30} | {mode:<4} | {c:<2} | {o.rps:>10.1f} | {o.p50:>6.2f} | {o.p99:>6.1f} "
                          f"| {x.rps:>14.1f} | {x.p50:>6.2f} | {x.p99:>6.1f} | {fmt_ratio(o.rps, x.rps):>8} "
                          f"| {(f'{rl.rps:.1f}' if rl else '-'):>12} | {fmt_ratio(o.rps, rl.rps if rl else None):>11} |"
                          f"{err}", flush=True)
    finally:
        for t in targets:
            t.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
