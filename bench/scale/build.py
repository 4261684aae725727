"""The build path at KvK's size: a SYNTHETIC linkset assembled, validated and published, step by step.

    .venv/bin/python bench/scale/build.py --establishments 100000
    .venv/bin/python bench/scale/build.py -n 2000000 --pyshacl-at 0          # all of KvK's order
    .venv/bin/python bench/scale/build.py -n 100000 --pyshacl-at 100000      # pyshacl where it finishes

SYNTHETIC DATA only (generate.py; shapes.ttl beside this file): everything lives in a temporary folder that is
removed at the end. The steps are those of `almerekg build` for a linkset, at a size rdflib cannot hold; each
runs in a process of its own, which hands the next one a file, not memory:

1. assemble: the linkset written as N-Quads in its named graph, streamed to disk (generate.write);
2. validate: pyshacl-turbo (the build's engine, validate.shacl_report) with shapes.ttl on an in-memory Oxigraph
   store bulk-loaded from that file; the build stops if anything is reported;
3. publish: EmbeddedStore.publish of that file (RocksDB bulk load, quad count, swap of `current`), and, with
   `--stores ...,virtuoso`, the same file into a fresh Virtuoso by its bulk loader (ld_dir, rdf_loader_run,
   checkpoint), then RemoteStore.publish without graphs: it checks the server's count of the graph against the
   build's and writes the build description `almerekg serve --store` reads.

Per step: wall time, CPU time and peak memory, the CPU seconds and maximum resident size of the step's process
(its rusage, from wait4); for Virtuoso, the server's (/proc: utime + stime, VmHWM). On a shared machine the CPU
seconds are the figure that compares: the wall time includes the waits for the cores.

With --pyshacl-at, pyshacl (the reference) and pyshacl-turbo also validate synthetic sets of those sizes with
four broken establishments among them, from an rdflib graph as the build hands the report's graph over, and
pyshacl-turbo again from an Oxigraph store as step 2 does, each set in a process of its own: their times, the
process's peak memory, their findings compared (all three must agree).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/scale/generate.py)

from bench import du, vm_hwm  # noqa: E402  (bench/scale/bench.py)

SHAPES = Path(__file__).resolve().parent / "shapes.ttl"
BUILD_ID = "synthetic-" + "0" * 54
# Broken establishments for the comparison with pyshacl: each breaks one property shape of shapes.ttl.
BROKEN = (
    '<{b}/id/establishment/broken-year> <{r}> <{d}Establishment> ; <{d}foundingYear> "1850"^^<{i}> .',
    '<{b}/id/establishment/broken-sector> <{r}> <{d}Establishment> ; <{d}sector> <{b}/id/sector/Z> .',
    '<{b}/id/establishment/broken-size> <{r}> <{d}Establishment> ; <{d}sizeClass> <{b}/id/size-class/1>, '
    '<{b}/id/size-class/huge> .',
    '<{b}/id/establishment/broken-place> <{r}> <{d}Establishment> ; <{d}place> <{b}/id/place/nowhere> .',
)
STORES = ("embedded", "virtuoso")


# -- the steps, each run by a process of its own (`--step NAME`) --------------------------------------------

def step_assemble(nq: Path, n: int) -> dict:
    triples = generate.write(n, nq, quads=True)
    return {"triples": triples, "detail": f"{nq.stat().st_size / 2**20:,.0f} MiB of N-Quads"}


def step_validate(nq: Path) -> dict:
    import pyoxigraph as ox
    from rdflib import Graph

    from almerekg.validate import BUILD_ENGINE, shacl_report

    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    found = len(findings(shacl_report(store, Graph().parse(SHAPES, format="turtle"), BUILD_ENGINE)))
    return {"results": found, "detail": f"{len(store):,} quads, {found} results"}


def step_publish(nq: Path, folder: Path, triples: int) -> dict:
    from almerekg.store import EmbeddedStore

    EmbeddedStore(folder).publish(nq, build_info(triples))
    return {"detail": f"{triples:,} quads in RocksDB, {du(folder) / 2**20:,.0f} MiB on disk"}


def step_rdflib(nq: Path) -> dict:
    from rdflib import Dataset

    return {"detail": f"{len(Dataset().parse(nq, format='nquads')):,} triples in rdflib"}


def step_compare(n: int, tmp: Path) -> dict:
    """pyshacl and pyshacl-turbo on `n` synthetic establishments plus the broken ones, from one rdflib graph
    (and pyshacl-turbo from a store of the same triples, as step 2 validates)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from almerekg.validate import BUILD_ENGINE, REFERENCE_ENGINE, shacl_report

    nt = tmp / f"small-{n}.nt"
    generate.write(n, nt)
    extra = "\n".join(b.format(b=generate.BASE, r=generate.RDF_TYPE, d=generate.DEF, i=generate.XSD_INT)
                      for b in BROKEN)
    data = Graph().parse(nt, format="nt").parse(data=extra, format="turtle")
    nt.unlink()
    shapes = Graph().parse(SHAPES, format="turtle")
    out: dict = {"n": n, "triples": len(data)}
    for engine in (BUILD_ENGINE, REFERENCE_ENGINE):
        t, cpu = time.perf_counter(), time.process_time()
        out[engine] = findings(shacl_report(data, shapes, engine))
        out[engine + " s"], out[engine + " cpu"] = time.perf_counter() - t, time.process_time() - cpu
        print(f"  {engine} on {n:,}: {out[engine + ' s']:.1f}s, {out[engine + ' cpu']:.1f} CPU s", file=sys.stderr)
    store = ox.Store()
    store.load(input=data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    out["store"] = findings(shacl_report(store, shapes, BUILD_ENGINE))
    return out


def build_info(triples: int):  # noqa: ANN201 - almerekg.store.BuildInfo
    from almerekg.store import BuildInfo

    return BuildInfo(build_id=BUILD_ID, created="2026-01-01T00:00:00Z", base=generate.BASE,
                     graphs={generate.GRAPH: triples})


def findings(report) -> list[list[str]]:  # noqa: ANN001 - an rdflib Graph
    from almerekg.vocab import SH

    keys = ("focusNode", "resultPath", "value", "resultSeverity", "sourceConstraintComponent")
    return sorted([str(report.value(r, SH[k])) for k in keys] for r in report.subjects(None, SH.ValidationResult))


def run_step(step: str, *args: str) -> tuple[float, float, int, dict]:
    """Run one step in a child process: its wall time, its CPU seconds, its peak resident memory (bytes) and
    what it printed."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--step", step, *args], stdout=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"step {step} failed with exit status {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    print(f"  {step}: {seconds:.1f}s, {cpu:.1f} CPU s, peak {usage.ru_maxrss / 1024:,.0f} MiB", file=sys.stderr)
    return seconds, cpu, usage.ru_maxrss * 1024, json.loads(out.decode().strip().splitlines()[-1])


def child(step: str, args: list[str]) -> None:
    path = Path(args[0])
    if step == "assemble":
        out = step_assemble(path, int(args[1]))
    elif step == "validate":
        out = step_validate(path)
    elif step == "publish":
        out = step_publish(path, Path(args[1]), int(args[2]))
    elif step == "rdflib":
        out = step_rdflib(path)
    elif step == "virtuoso":
        seconds, cpu, peak, out = publish_virtuoso(path, Path(args[1]), int(args[2]), int(args[3]))
        out.update(seconds=seconds, server_cpu_seconds=cpu, server_peak_mib=peak / 2**20)
    else:
        out = step_compare(int(args[1]), path)
    print(json.dumps(out))


# -- Virtuoso: the same file by its bulk loader ---------------------------------------------------------------

def isql(port: int, sql: str) -> str:
    proc = subprocess.run(["isql-vt", f"127.0.0.1:{port}", "dba", "dba", f"exec={sql}"],
                          capture_output=True, text=True, timeout=6 * 3600)
    if proc.returncode != 0 or "*** Error" in proc.stdout + proc.stderr:
        raise SystemExit(f"Virtuoso refused {sql!r}: {proc.stdout[-1500:]} {proc.stderr[-1500:]}")
    return proc.stdout


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def publish_virtuoso(nq: Path, folder: Path, triples: int, buffers: int) -> tuple[float, float, int, dict]:
    """Load the build's N-Quads into a fresh Virtuoso with its bulk loader; the server's CPU time and peak memory
    while it loads and counts."""
    sys.path.insert(0, str(ROOT / "tests"))
    from backends import servers

    from almerekg.store.remote import RemoteStore

    why = servers.virtuoso_available()
    if why:
        raise SystemExit(f"--stores virtuoso: {why}")
    server = servers.start_virtuoso(folder, buffers)
    try:
        t, cpu = time.perf_counter(), cpu_seconds(server.proc.pid)
        try:
            os.link(nq, folder / nq.name)  # the same file, inside the server's DirsAllowed
        except OSError:
            shutil.copyfile(nq, folder / nq.name)
        isql(server.sql_port, f"ld_dir('{folder}', '{nq.name}', '{generate.GRAPH}'); rdf_loader_run(); checkpoint;")
        failed = isql(server.sql_port, "select ll_file, ll_error from DB.DBA.LOAD_LIST where ll_error is not null;")
        if not re.search(r"^0 Rows\.", failed, re.M):
            raise SystemExit(f"Virtuoso's bulk loader reported errors: {failed[-1500:]}")
        # The project's publish without graphs: the server's count of each graph against the build's, then the
        # build description.
        RemoteStore(server.url, generate.BASE, env=server.env).publish((), build_info(triples))
        seconds, cpu = time.perf_counter() - t, cpu_seconds(server.proc.pid) - cpu
        peak = vm_hwm(server.proc.pid)
        size = du(folder) - (folder / nq.name).stat().st_size
    finally:
        server.stop()
    print(f"  publish to Virtuoso: {seconds:.1f}s, server {cpu:.1f} CPU s, peak {peak / 2**20:,.0f} MiB",
          file=sys.stderr)
    return seconds, cpu, peak, {"detail": f"{triples:,} quads counted, {size / 2**20:,.0f} MiB on disk"}


# -- the run --------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--establishments", "-n", type=int, default=100_000)
    p.add_argument("--stores", default=",".join(STORES), help="where to publish: embedded, virtuoso or both")
    p.add_argument("--virtuoso-buffers", type=int, default=100_000,
                   help="Virtuoso's NumberOfBuffers (8 KiB pages held in memory), as bench.py uses")
    p.add_argument("--rdflib", action="store_true",
                   help="first time an rdflib graph of the same triples, as the report's families build theirs")
    p.add_argument("--pyshacl-at", default="1000",
                   help="comma-separated sizes to run pyshacl at, beside pyshacl-turbo (0: none)")
    p.add_argument("--step", choices=("assemble", "validate", "publish", "virtuoso", "rdflib", "compare"),
                   help="run one step alone, on the arguments that follow, as this script runs each in a process "
                        "of its own, and print its result as JSON (e.g. `--step virtuoso FILE.nq FOLDER TRIPLES "
                        "BUFFERS`: an assembled file into a fresh Virtuoso in FOLDER)")
    args, rest = p.parse_known_args(argv)
    if args.step:
        child(args.step, rest)
        return 0
    if rest:
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    if not stores or set(stores) - set(STORES):
        p.error(f"--stores takes {' and/or '.join(STORES)}")
    sizes = [int(s) for s in args.pyshacl_at.split(",") if int(s) > 0]
    tmp = Path(tempfile.mkdtemp(prefix="almerekg-scale-build-"))
    load = os.getloadavg()[0]
    try:
        nq = tmp / "synthetic.nq"
        rows: list[tuple[str, float, float, int, dict]] = [("assemble", *run_step("assemble", str(nq),
                                                                                   str(args.establishments)))]
        n_triples = rows[0][4]["triples"]
        if args.rdflib:
            rows.append(("(rdflib graph of the same triples)", *run_step("rdflib", str(nq))))
        rows.append(("validate", *run_step("validate", str(nq))))
        if rows[-1][4]["results"]:
            raise SystemExit(f"{rows[-1][4]['results']} result(s) of the shapes: a build would stop here")
        if "embedded" in stores:
            rows.append(("publish", *run_step("publish", str(nq), str(tmp / "store"), str(n_triples))))
            shutil.rmtree(tmp / "store")
        if "virtuoso" in stores:
            rows.append(("publish to Virtuoso",
                         *publish_virtuoso(nq, tmp / "virtuoso", n_triples, args.virtuoso_buffers)))
            shutil.rmtree(tmp / "virtuoso")
        nq.unlink()
        comparisons = [run_step("compare", str(tmp), str(n)) for n in sizes]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_tables(args.establishments, n_triples, rows, comparisons, (load, os.getloadavg()[0]))
    return 0


def print_tables(n: int, n_triples: int, rows: list, comparisons: list, load: tuple[float, float]) -> None:
    from almerekg.validate import BUILD_ENGINE, REFERENCE_ENGINE

    mib = 2**20
    print(f"SYNTHETIC, {n:,} establishments, {n_triples:,} triples (load average {load[0]:.1f} at the start, "
          f"{load[1]:.1f} at the end, {os.cpu_count()} cores)")
    print("| step | seconds | CPU seconds | peak memory (MiB) | result |\n|---|---|---|---|---|")
    for name, seconds, cpu, peak, out in rows:
        print(f"| {name} | {seconds:.1f} | {cpu:.1f} | {peak / mib:,.0f} | {out['detail']} |")
    by_name = {r[0]: r for r in rows}
    for publish in ("publish", "publish to Virtuoso"):
        if publish in by_name:
            steps = [by_name["assemble"], by_name["validate"], by_name[publish]]
            print(f"| **build (assemble + validate + {publish})** | {sum(r[1] for r in steps):.1f} | "
                  f"{sum(r[2] for r in steps):.1f} | {max(r[3] for r in steps) / mib:,.0f} | steps one after another |")
    if not comparisons:
        return
    print(f"\n| establishments | triples | {BUILD_ENGINE} (s) | {REFERENCE_ENGINE} (s) | {BUILD_ENGINE} CPU (s) | "
          f"{REFERENCE_ENGINE} CPU (s) | peak memory (MiB) | results | same results |\n" + "|---" * 9 + "|")
    for _seconds, _cpu, peak, c in comparisons:
        same = "yes" if c[BUILD_ENGINE] == c[REFERENCE_ENGINE] == c["store"] else "NO"
        print(f"| {c['n']:,} | {c['triples']:,} | {c[BUILD_ENGINE + ' s']:.2f} | {c[REFERENCE_ENGINE + ' s']:.2f} | "
              f"{c[BUILD_ENGINE + ' cpu']:.2f} | {c[REFERENCE_ENGINE + ' cpu']:.2f} | {peak / mib:,.0f} | "
              f"{len(c[REFERENCE_ENGINE])} | {same} |")
    last = comparisons[-1][3]
    if last["n"] < n:
        rate = last[REFERENCE_ENGINE + " cpu"] / last["triples"]
        print(f"\npyshacl NOT run at {n:,} establishments; at the rate measured on {last['n']:,} "
              f"({rate * 1e4:.1f} CPU s per 10,000 triples) it would need ~{rate * n_triples / 60:,.0f} CPU min for "
              f"{n_triples:,} triples (a linear extrapolation, not a measurement)")


if __name__ == "__main__":
    sys.exit(main())
