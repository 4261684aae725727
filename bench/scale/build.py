"""The build path at KvK's size: a SYNTHETIC linkset assembled, validated and published, step by step.

    .venv/bin/python bench/scale/build.py --establishments 100000
    .venv/bin/python bench/scale/build.py -n 2000000 --pyshacl-at 0          # all of KvK's order
    .venv/bin/python bench/scale/build.py -n 10000 --pyshacl-at 1000,10000   # pyshacl where it finishes

SYNTHETIC DATA only (generate.py; shapes.ttl beside this file): everything lives in a temporary folder that is
removed at the end. The steps are those of `almerekg build` for a linkset, at a size rdflib cannot hold:

1. assemble: the linkset's N-Triples into the build's in-memory Oxigraph store, in its named graph
   (dumps.canonical_store, the store `almerekg build` publishes from);
2. validate: pyshacl-turbo (the build's engine, validate.py) on that store, with shapes.ttl; the build stops if
   anything is reported;
3. publish: EmbeddedStore.publish of that store (RocksDB bulk load, quad count, swap of `current`).

Per step: wall time, and the peak memory of the process during the step (VmHWM, reset before each step through
/proc/self/clear_refs) and its resident memory after it. With --pyshacl-at, pyshacl (the reference) and
pyshacl-turbo also validate smaller synthetic sets, with broken establishments among them, from an rdflib
graph as the build hands the report's graph over, and pyshacl-turbo again from an Oxigraph store as step 2
does: their times, their findings compared (all three must agree), and pyshacl's time extrapolated linearly
to the asked size (stated as such: it is not run there).
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/scale/generate.py)

SHAPES = Path(__file__).resolve().parent / "shapes.ttl"
# Broken establishments for the comparison with pyshacl: each breaks one property shape of shapes.ttl.
BROKEN = (
    '<{b}/id/establishment/broken-year> <{r}> <{d}Establishment> ; <{d}foundingYear> "1850"^^<{i}> .',
    '<{b}/id/establishment/broken-sector> <{r}> <{d}Establishment> ; <{d}sector> <{b}/id/sector/Z> .',
    '<{b}/id/establishment/broken-size> <{r}> <{d}Establishment> ; <{d}sizeClass> <{b}/id/size-class/1>, '
    '<{b}/id/size-class/huge> .',
    '<{b}/id/establishment/broken-place> <{r}> <{d}Establishment> ; <{d}place> <{b}/id/place/nowhere> .',
)


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def measured(name: str, fn: Callable[[], object], rows: list[tuple[str, float, int, int]]) -> object:
    """Run one step; record its wall time, the peak memory of this process during it and the memory after it."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident size
    t = time.perf_counter()
    out = fn()
    rows.append((name, time.perf_counter() - t, _status("VmHWM"), _status("VmRSS")))
    print(f"  {name}: {rows[-1][1]:.1f}s", file=sys.stderr)
    return out


def build(nt: Path, folder: Path, with_rdflib: bool = False) -> list[tuple[str, float, int, int]]:
    import pyoxigraph as ox
    from rdflib import Graph

    from almerekg.store import BuildInfo, EmbeddedStore
    from almerekg.validate import BUILD_ENGINE, shacl_report

    rows: list[tuple[str, float, int, int]] = []
    shapes = Graph().parse(SHAPES, format="turtle")
    if with_rdflib:
        # What the report's families would cost: they assemble their graphs in rdflib (not a step here).
        held = measured("(rdflib graph of the same triples)", lambda: Graph().parse(nt, format="nt"), rows)
        del held

    def assemble() -> ox.Store:
        store = ox.Store()
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(generate.GRAPH))
        return store

    store = measured("assemble", assemble, rows)
    report = measured("validate", lambda: shacl_report(store, shapes, BUILD_ENGINE), rows)
    found = len(list(report.subjects(None, _sh("ValidationResult"))))
    if found:
        raise SystemExit(f"{found} result(s) of the shapes: a build would stop here")
    info = BuildInfo(build_id="synthetic-" + "0" * 54, created="", base=generate.BASE,
                     graphs={generate.GRAPH: len(store)})
    measured("publish", lambda: EmbeddedStore(folder).publish(store, info), rows)
    return rows


def _sh(name: str):  # noqa: ANN202 - an rdflib URIRef
    from almerekg.vocab import SH

    return SH[name]


def findings(report) -> list[tuple[str, ...]]:  # noqa: ANN001 - an rdflib Graph
    keys = ("focusNode", "resultPath", "value", "resultSeverity", "sourceConstraintComponent")
    return sorted(tuple(str(report.value(r, _sh(k))) for k in keys)
                  for r in report.subjects(None, _sh("ValidationResult")))


def compare_with_pyshacl(n: int, tmp: Path) -> dict:
    """pyshacl and pyshacl-turbo on `n` synthetic establishments plus the broken ones, from one rdflib graph
    (and pyshacl-turbo from a store of the same triples, as build() validates)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from almerekg.validate import BUILD_ENGINE, REFERENCE_ENGINE, shacl_report

    nt = tmp / f"small-{n}.nt"
    generate.write(n, nt)
    extra = "\n".join(b.format(b=generate.BASE, r=generate.RDF_TYPE, d=generate.DEF, i=generate.XSD_INT)
                      for b in BROKEN)
    data = Graph().parse(nt, format="nt").parse(data=extra, format="turtle")
    shapes = Graph().parse(SHAPES, format="turtle")
    out: dict = {"n": n, "triples": len(data)}
    for engine in (BUILD_ENGINE, REFERENCE_ENGINE):
        t = time.perf_counter()
        out[engine] = findings(shacl_report(data, shapes, engine))
        out[engine + " s"] = time.perf_counter() - t
        print(f"  {engine} on {n:,}: {out[engine + ' s']:.1f}s", file=sys.stderr)
    # The build's engine also as build() hands it the data: an Oxigraph store.
    store = ox.Store()
    store.load(input=data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    out["store"] = findings(shacl_report(store, shapes, BUILD_ENGINE))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--establishments", "-n", type=int, default=100_000)
    p.add_argument("--rdflib", action="store_true",
                   help="first time an rdflib graph of the same triples, as the report's families build theirs")
    p.add_argument("--pyshacl-at", default="1000",
                   help="comma-separated smaller sizes to run pyshacl at (0: none)")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.pyshacl_at.split(",") if int(s) > 0]
    tmp = Path(tempfile.mkdtemp(prefix="almerekg-scale-build-"))
    try:
        nt = tmp / "synthetic.nt"
        t = time.perf_counter()
        n_triples = generate.write(args.establishments, nt)
        print(f"generated {n_triples:,} SYNTHETIC triples ({args.establishments:,} establishments) in "
              f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
        comparisons = [compare_with_pyshacl(n, tmp) for n in sizes]
        rows = build(nt, tmp / "store", args.rdflib)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_tables(args.establishments, n_triples, rows, comparisons)
    return 0


def print_tables(n: int, n_triples: int, rows: list, comparisons: list[dict]) -> None:
    from almerekg.validate import BUILD_ENGINE, REFERENCE_ENGINE

    mib = 2**20
    print(f"SYNTHETIC, {n:,} establishments, {n_triples:,} triples")
    print("| step | seconds | peak memory (MiB) | memory after (MiB) |\n|---|---|---|---|")
    for name, seconds, peak, after in rows:
        print(f"| {name} | {seconds:.1f} | {peak / mib:,.0f} | {after / mib:,.0f} |")
    steps = [r for r in rows if not r[0].startswith("(")]
    print(f"| **build (assemble + validate + publish)** | {sum(r[1] for r in steps):.1f} | "
          f"{max(r[2] for r in steps) / mib:,.0f} | |")
    if not comparisons:
        return
    validate_s = next(r[1] for r in rows if r[0] == "validate")
    print(f"\n| establishments | triples | {BUILD_ENGINE} (s) | {REFERENCE_ENGINE} (s) | results | same results |"
          "\n|---|---|---|---|---|---|")
    for c in comparisons:
        same = "yes" if c[BUILD_ENGINE] == c[REFERENCE_ENGINE] == c["store"] else "NO"
        print(f"| {c['n']:,} | {c['triples']:,} | {c[BUILD_ENGINE + ' s']:.2f} | {c[REFERENCE_ENGINE + ' s']:.2f} | "
              f"{len(c[REFERENCE_ENGINE])} | {same} |")
    last = comparisons[-1]
    rate = last[REFERENCE_ENGINE + " s"] / last["triples"]
    print(f"\npyshacl extrapolated linearly from {last['n']:,} establishments (not run at this size): "
          f"~{rate * n_triples:,.0f} s for {n_triples:,} triples, against {validate_s:.1f} s for the build's "
          f"engine on the store")


if __name__ == "__main__":
    sys.exit(main())
