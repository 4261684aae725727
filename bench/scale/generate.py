"""A synthetic, KvK-sized graph of establishments: SYNTHETIC DATA, never the report's.

    .venv/bin/python bench/scale/generate.py --establishments 100000 --out /tmp/synthetic.nt

Every IRI lives under https://synthetic.almerekg.example/ (the reserved .example domain, and a host
that says what it is), the graph is named .../id/graph/synthetic-establishments, and the writer
refuses any path inside the project's data/ or var/ folders, so this can never be mixed into the
report's graph or store. Deterministic for a given --seed, so runs compare.

Shape, per establishment (5 triples): rdf:type, sector (21 SBI sections, skewed like KvK: trade and
business services dominate), size class (9 classes, most establishments have 0-1 employees), place
(~400 places) and founding year (1900-2024, recent years more common). ~2 million establishments is
the order of all of KvK's.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

BASE = "https://synthetic.almerekg.example"
GRAPH = f"{BASE}/id/graph/synthetic-establishments"
DEF = f"{BASE}/def/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"

SECTORS = list("ABCDEFGHIJKLMNOPQRSTU")
SECTOR_WEIGHTS = [3, 0.1, 5, 0.2, 0.3, 9, 20, 4, 4, 6, 4, 3, 18, 6, 1, 3, 6, 3, 5, 0.1, 0.1]
SIZES = ["0", "1", "2-4", "5-9", "10-19", "20-49", "50-99", "100-199", "200-plus"]
SIZE_WEIGHTS = [15, 55, 15, 6, 4, 3, 1, 0.6, 0.4]
PLACES = 400
ROOT = Path(__file__).resolve().parents[2]


def _check_out(path: Path) -> None:
    resolved = path.resolve()
    for forbidden in (ROOT / "data", ROOT / "var"):
        if resolved.is_relative_to(forbidden.resolve()):
            raise SystemExit(f"refusing to write synthetic data into {forbidden} (the report's data and store)")


def triples(n: int, seed: int = 20110) -> Iterator[str]:
    """N-Triples lines: the code lists first, then `n` establishments."""
    rnd = random.Random(seed)  # noqa: S311 - synthetic data must be reproducible, not secret
    for s in SECTORS:
        yield f"<{BASE}/id/sector/{s}> <{RDFS_LABEL}> \"Synthetic sector {s}\" .\n"
    for c in SIZES:
        yield f"<{BASE}/id/size-class/{c}> <{RDFS_LABEL}> \"Synthetic size class {c}\" .\n"
    for p in range(PLACES):
        yield f"<{BASE}/id/place/p{p}> <{RDFS_LABEL}> \"Synthetic place {p}\" .\n"
    sectors = rnd.choices(SECTORS, SECTOR_WEIGHTS, k=n)
    sizes = rnd.choices(SIZES, SIZE_WEIGHTS, k=n)
    est = f"<{DEF}Establishment>"
    for i in range(n):
        e = f"<{BASE}/id/establishment/{i}>"
        place = min(PLACES - 1, int(rnd.paretovariate(1.2)) - 1)  # a few big cities, a long tail
        year = 2024 - min(124, int(rnd.expovariate(1 / 18)))
        yield (f"{e} <{RDF_TYPE}> {est} .\n"
               f"{e} <{DEF}sector> <{BASE}/id/sector/{sectors[i]}> .\n"
               f"{e} <{DEF}sizeClass> <{BASE}/id/size-class/{sizes[i]}> .\n"
               f"{e} <{DEF}place> <{BASE}/id/place/p{place}> .\n"
               f"{e} <{DEF}foundingYear> \"{year}\"^^<{XSD_INT}> .\n")


def write(n: int, out: Path, seed: int = 20110, quads: bool = False) -> int:
    """Write N-Triples to `out` (with `quads`, N-Quads in GRAPH), streaming; returns the number of triples."""
    _check_out(out)
    count = 0
    in_graph = f" <{GRAPH}> .\n"
    with open(out, "w", encoding="ascii") as fh:
        for chunk in triples(n, seed):
            # Every line ends " .\n" and no literal holds one: the graph goes before the final dot.
            fh.write(chunk.replace(" .\n", in_graph) if quads else chunk)
            count += chunk.count("\n")
    return count


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--establishments", "-n", type=int, default=100_000, help="up to ~2,000,000 (all of KvK)")
    p.add_argument("--out", type=Path, required=True, help="N-Triples file to write (not under data/ or var/)")
    p.add_argument("--seed", type=int, default=20110)
    args = p.parse_args(argv)
    n = write(args.establishments, args.out, args.seed)
    print(f"{n:,} synthetic triples for {args.establishments:,} establishments in {args.out} "
          f"(graph <{GRAPH}>)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
