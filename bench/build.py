"""Where the time of `almerekg build` goes, and how it compares with pyshacl alone on the same triples.

    .venv/bin/python bench/build.py                          # this checkout, 3 rounds
    git worktree add /tmp/old cfa20c2                        # an older checkout, run with this venv
    .venv/bin/python bench/build.py --old /tmp/old           # the same measurements on it, interleaved

Each round, in fresh processes one after the other (so a busy machine slows all of them alike):

1. `almerekg build --store TMP` of each checkout: its wall time, its CPU time (user + system) and each step
   as the build reports it (`  step NAME: 1.23s`); a checkout that does not report steps is timed between
   the lines it prints (reading -> validating -> warnings -> publishing -> loading -> done).
2. The SHACL engines alone on the same triples with the same shapes (the union of the build's graphs, as
   this checkout assembles it; assembling is not timed): pyshacl (the reference), pyshacl-turbo (the build's
   engine) and pyrudof (the other Rust engine), each with the number of results, and whether they are
   pyshacl's (focus node, component, severity).

The figure the issue asks for is the ratio of the build's wall time to pyshacl's, taken in the same round.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("pyshacl", "pyshacl_turbo", "pyrudof")
STEP = re.compile(r"^\s+step ([\w-]+): ([0-9.]+)s$")
# An older build's lines, in order, and the step that ends at each (the time since the line before).
MARKERS = (("validating ", "assemble"), ("  warning: ", "union + validate"), ("publishing ", "n-quads + report"),
           ("loading ", "dumps"), ("done in ", "load + count + files"))


def run_build(checkout: Path, store: Path) -> dict:
    """One `almerekg build`, its lines timestamped as they arrive; wall and CPU seconds, and its steps."""
    env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "almerekg.cli", "build", "--store", str(store)], cwd=checkout,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[tuple[float, str]] = [(time.perf_counter() - started, line.rstrip("\n")) for line in proc.stderr]
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build in {checkout} failed:\n" + "\n".join(t for _, t in lines[-20:]))
    steps = {m.group(1): float(m.group(2)) for _, text in lines if (m := STEP.match(text))}
    if not steps:
        steps = _steps_between_lines(lines)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "steps": steps}


def _steps_between_lines(lines: list[tuple[float, str]]) -> dict[str, float]:
    steps: dict[str, float] = {}
    last = next(t for t, text in lines if text.startswith("reading "))
    for prefix, name in MARKERS:
        at = next((t for t, text in lines if text.startswith(prefix)), None)
        if at is not None and name not in steps:
            steps[name] = at - last
            last = at
    return steps


def engines_child() -> None:
    """In a process of its own: assemble (untimed), then time each engine on the union."""
    from rdflib import Graph

    from almerekg.graph.pipeline import assemble, read_turtle_dir
    from almerekg.settings import from_values
    from almerekg.vocab import SH, Iris

    cfg = from_values()
    graphs = assemble(cfg)
    union = graphs.union()
    shapes = read_turtle_dir(cfg.shapes_dir, Iris(cfg.base))
    out: dict = {"triples": len(union)}

    def keys(report: Graph) -> list[list[str]]:
        return sorted([str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)),
                       str(report.value(r, SH.resultSeverity))] for r in report.subjects(None, SH.ValidationResult))

    for name in ("pyshacl", "pyshacl_turbo"):
        module = __import__(name)
        t = time.perf_counter()
        _conforms, report, _text = module.validate(union, shacl_graph=shapes, inference="none", advanced=True,
                                                   allow_warnings=True)
        out[name] = {"seconds": time.perf_counter() - t, "results": keys(report)}
    import pyrudof

    with tempfile.TemporaryDirectory() as tmp:
        data, shape_file = Path(tmp) / "data.nt", Path(tmp) / "shapes.ttl"
        union.serialize(data, format="nt")
        shapes.serialize(shape_file, format="turtle")
        t = time.perf_counter()
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(str(data), format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(str(shape_file))
        entries = list(rudof.validate_shacl())
        out["pyrudof"] = {"seconds": time.perf_counter() - t, "results": sorted(
            [e.focus_node, e.constraint_component, f"{SH}{e.severity}"] for e in entries)}
    print(json.dumps(out))


def run_engines() -> dict:
    proc = subprocess.run([sys.executable, __file__, "--engines-child"], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--old", type=Path, help="an older checkout to build the same way, interleaved with this one")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--engines-child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.engines_child:
        engines_child()
        return 0
    checkouts = {"this": ROOT, **({"old": args.old.resolve()} if args.old else {})}
    builds: dict[str, list[dict]] = {name: [] for name in checkouts}
    engines: list[dict] = []
    tmp = Path(tempfile.mkdtemp(prefix="almerekg-build-bench-"))
    try:
        for r in range(args.rounds):
            for name, checkout in checkouts.items():
                print(f"round {r + 1}: build ({name})", file=sys.stderr)
                builds[name].append(run_build(checkout, tmp / f"store-{name}"))
            print(f"round {r + 1}: SHACL engines alone", file=sys.stderr)
            engines.append(run_engines())
            print(json.dumps({"round": r + 1, "builds": {n: b[-1] for n, b in builds.items()},
                              "engines": {e: engines[-1][e]["seconds"] for e in ENGINES}}), file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(builds, engines)
    return 0


def report(builds: dict[str, list[dict]], engines: list[dict]) -> None:
    med = statistics.median
    print(f"{engines[0]['triples']:,} triples; median of {len(engines)} rounds (each round: builds, then engines)")
    print("\n| step | " + " | ".join(f"{n} (s)" for n in builds) + " |\n|---|" + "---|" * len(builds))
    for name, runs in builds.items():
        for step in runs[0]["steps"]:
            cells = [f"{med([r['steps'].get(step, 0.0) for r in rs]):.2f}" if n == name else "" for n, rs in
                     builds.items()]
            print(f"| {step} | " + " | ".join(cells) + " |")
    for label, key in (("build, wall", "wall"), ("build, CPU (user + system)", "cpu")):
        print(f"| **{label}** | " + " | ".join(f"{med([r[key] for r in rs]):.2f}" for rs in builds.values()) + " |")
    reference = engines[0]["pyshacl"]["results"]
    print("\n| engine alone | seconds | results | same as pyshacl |\n|---|---|---|---|")
    for e in ENGINES:
        same = all(run[e]["results"] == reference for run in engines)
        print(f"| {e} | {med([run[e]['seconds'] for run in engines]):.2f} | {len(engines[0][e]['results'])} | "
              f"{'yes' if same else 'NO'} |")
    print("\n| ratio, same round (median) | " + " | ".join(builds) + " |\n|---|" + "---|" * len(builds))
    ratios = [f"{med([b['wall'] / e['pyshacl']['seconds'] for b, e in zip(rs, engines, strict=True)]):.2f}"
              for rs in builds.values()]
    print("| build wall / pyshacl alone | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    sys.exit(main())
