"""Load a synthetic KvK-sized graph into each backend and run table-style queries, side by side.

    .venv/bin/python bench/scale/bench.py --establishments 100000 [--backends embedded,oxigraph,virtuoso]

SYNTHETIC DATA only (see generate.py); everything lives in a temporary folder that is removed at the
end, never in data/ or the report's store. Per backend it prints: load time and rate (triples/s),
store size on disk, peak memory (VmHWM of the process holding the store) and query latency (median of
--repeat runs after one warm-up).

- embedded: pyoxigraph bulk_load into RocksDB on disk (as `almerekg build` publishes), then the copy
  into memory every query worker makes (as `almerekg serve` answers), in a child process of its own;
- oxigraph: `oxigraph serve --location DIR`, loaded over the Graph Store Protocol (PUT, then POSTs of
  --chunk triples), queried over the SPARQL protocol, as `almerekg build/serve --store URL` do;
- virtuoso: `virtuoso-t` with a fresh database, loaded and queried the same way (digest auth).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/scale/generate.py)

SYN = generate.DEF
QUERIES = {
    "sector x size (GROUP BY)": f"""SELECT ?sector ?size (COUNT(?e) AS ?n) WHERE {{
  ?e a <{SYN}Establishment> ; <{SYN}sector> ?sector ; <{SYN}sizeClass> ?size }} GROUP BY ?sector ?size""",
    "places of sector G (top 10)": f"""SELECT ?place (COUNT(?e) AS ?n) WHERE {{
  ?e <{SYN}sector> <{generate.BASE}/id/sector/G> ; <{SYN}place> ?place }} GROUP BY ?place ORDER BY DESC(?n) LIMIT 10""",
    "founded since 2015 by size": f"""SELECT ?size (COUNT(?e) AS ?n) WHERE {{
  ?e <{SYN}foundingYear> ?y ; <{SYN}sizeClass> ?size FILTER(?y >= 2015) }} GROUP BY ?size""",
    "one establishment (lookup)": f"SELECT ?p ?o WHERE {{ <{generate.BASE}/id/establishment/4711> ?p ?o }}",
}
CHECK = f"SELECT (COUNT(?e) AS ?n) WHERE {{ ?e a <{SYN}Establishment> }}"


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def timed(fn, repeat: int) -> float:  # noqa: ANN001
    fn()  # warm-up (and the answer is checked by the caller)
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


# -- embedded: in a child process, so its peak memory is its own ------------------------------------

def embedded_child(nt: str, folder: str, repeat: int) -> None:
    import pyoxigraph as ox

    g = ox.NamedNode(generate.GRAPH)
    t = time.perf_counter()
    disk = ox.Store(str(Path(folder) / "oxigraph"))
    disk.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
    disk.flush()
    load = time.perf_counter() - t
    del disk
    size = du(Path(folder))
    t = time.perf_counter()
    ro = ox.Store.read_only(str(Path(folder) / "oxigraph"))
    mem = ox.Store()
    mem.bulk_extend(ro.quads_for_pattern(None, None, None, None))
    to_memory = time.perf_counter() - t
    del ro
    out: dict = {"load_s": load, "to_memory_s": to_memory, "size": size, "latency": {}}
    for name, q in {**QUERIES, "check": CHECK}.items():
        def run(q: str = q) -> list:
            return list(mem.query(q, use_default_graph_as_union=True))
        if name == "check":
            out["count"] = int(run()[0]["n"].value)
        else:
            out["latency"][name] = timed(run, repeat)
    out["peak"] = vm_hwm(int(Path("/proc/self/stat").read_text().split()[0]))
    print(json.dumps(out))


def bench_embedded(nt: Path, folder: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--embedded-child", str(nt), str(folder), str(repeat)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- servers -----------------------------------------------------------------------------------------

def bench_server(kind: str, nt: Path, folder: Path, repeat: int, chunk: int) -> dict:
    from backends import servers

    from almerekg.store.remote import JSON_RESULTS, RemoteStore

    server = servers.start_oxigraph(folder) if kind == "oxigraph" else servers.start_virtuoso(folder, 100_000)
    try:
        store = RemoteStore(server.url, generate.BASE, env=server.env)
        t = time.perf_counter()
        with open(nt, "rb") as fh:
            first = True
            while True:
                lines = [line for _, line in zip(range(chunk), fh, strict=False)]
                if not lines:
                    break
                # The first PUT replaces the graph; the rest add to it (a graph store POST merges).
                store._gsp("PUT" if first else "POST", generate.GRAPH, b"".join(lines))
                first = False
        load = time.perf_counter() - t
        if kind == "virtuoso":
            time.sleep(0.5)
        size = du(folder)

        def run(q: str) -> bytes:
            resp = store.post_query(q, JSON_RESULTS, 600, union_default=True)
            resp.raise_for_status()
            return resp.content

        count = int(json.loads(run(CHECK))["results"]["bindings"][0]["n"]["value"])
        latency = {name: timed(lambda q=q: run(q), repeat) for name, q in QUERIES.items()}
        return {"load_s": load, "size": size, "latency": latency, "count": count, "peak": vm_hwm(server.proc.pid)}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--establishments", "-n", type=int, default=100_000)
    p.add_argument("--backends", default="embedded,oxigraph,virtuoso")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--chunk", type=int, default=100_000, help="triples per graph-store request")
    p.add_argument("--embedded-child", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.embedded_child:
        embedded_child(args.embedded_child[0], args.embedded_child[1], int(args.embedded_child[2]))
        return 0
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="almerekg-scale-"))
    try:
        nt = tmp / "synthetic.nt"
        t = time.perf_counter()
        n_triples = generate.write(args.establishments, nt)
        print(f"generated {n_triples:,} SYNTHETIC triples ({args.establishments:,} establishments, "
              f"{nt.stat().st_size / 2**20:.0f} MiB N-Triples) in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        results: dict[str, dict] = {}
        for b in backends:
            print(f"benchmarking {b} ...", file=sys.stderr)
            folder = tmp / b
            folder.mkdir()
            try:
                results[b] = bench_embedded(nt, folder, args.repeat) if b == "embedded" \
                    else bench_server(b, nt, folder, args.repeat, args.chunk)
            except Exception as exc:  # noqa: BLE001 - report a backend that fails, keep the others
                print(f"  {b} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
        print_table(results, n_triples, args.establishments)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def print_table(results: dict[str, dict], n_triples: int, n_est: int) -> None:
    names = list(results)
    rows: list[tuple[str, list[str]]] = [
        ("establishments counted", [f"{r['count']:,}" + ("" if r["count"] == n_est else " WRONG")
                                    for r in results.values()]),
        ("load (s)", [f"{r['load_s']:.1f}" for r in results.values()]),
        ("load rate (triples/s)", [f"{n_triples / r['load_s']:,.0f}" for r in results.values()]),
        ("store on disk (MiB)", [f"{r['size'] / 2**20:.0f}" for r in results.values()]),
        ("peak memory (MiB)", [f"{r['peak'] / 2**20:.0f}" for r in results.values()]),
    ]
    if "embedded" in results:
        rows.append(("copy into memory (s)",
                     [f"{r['to_memory_s']:.2f}" if "to_memory_s" in r else "-" for r in results.values()]))
    for q in QUERIES:
        rows.append((f"{q} (ms)", [f"{r['latency'][q] * 1000:.1f}" for r in results.values()]))
    width = max(len(k) for k, _ in rows)
    print(f"{'SYNTHETIC, ' + format(n_triples, ',') + ' triples':<{width}}  " + "  ".join(f"{n:>12}" for n in names))
    for label, cells in rows:
        print(f"{label:<{width}}  " + "  ".join(f"{c:>12}" for c in cells))


if __name__ == "__main__":
    sys.exit(main())
