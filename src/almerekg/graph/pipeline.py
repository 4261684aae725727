"""data/ -> RDF in named graphs -> SHACL validation -> a new store folder, swapped in atomically."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDFS, SKOS

from .. import __version__, dumps
from ..settings import DEFAULT_BASE, Settings
from ..store import BuildInfo, EmbeddedStore
from ..validate import ValidationResult, validate
from ..vocab import Iris
from . import (
    citations,
    claims,
    clusters,
    codes,
    cubes,
    findings,
    linksets,
    notes,
    organisations,
    registers,
    report,
    translations,
)
from .context import Context
from .provenance import build_provenance
from .rows import DataError

__all__ = ["BuildFailed", "DataError", "GraphSet", "assemble", "build_id_for", "run_build"]

NOTE_FILES = ("notes.csv",)

# The order matters: later families look up what earlier ones registered.
FAMILIES: tuple[Callable[[Context], None], ...] = (
    codes.build_sources,
    codes.build_code_lists,
    codes.build_code_labels,
    codes.build_sectors,
    codes.build_sector_notes,
    codes.build_size_classes,
    codes.build_places,
    codes.build_place_parts,
    codes.build_partner_kinds,
    organisations.build_firms,
    organisations.build_organisations,
    organisations.build_networks,
    organisations.build_relations,
    organisations.build_firm_facts,
    clusters.build_clusters,
    report.build_report,
    clusters.build_specialisations,
    findings.build_findings,
    cubes.build_sector_tables,
    cubes.build_partner_tables,
    cubes.build_figures,
    # After every family whose things a claim can be about or restate (firms, places, clusters, observations).
    claims.build_claims,
    # After every family whose things a footnote or source line can be cited for.
    citations.build_citations,
    # Codes of other registers come from data/registers/; what `almerekg link` fetched comes from linksets/,
    # each into graphs of its own so the report's graphs stay as the report states them.
    registers.build_registers,
    linksets.build_cbs_linksets,
    linksets.build_kvk_linksets,
    # Last: it translates Dutch labels that any family above may have made.
    translations.build_english_labels,
    translations.build_english_definitions,
    translations.build_qualifier_translations,
)


class BuildFailed(Exception):
    """The data do not validate; nothing was published."""

    def __init__(self, message: str, result: ValidationResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class GraphSet:
    graphs: dict[str, Graph]
    rows: dict
    build_id: str

    def union(self) -> Graph:
        union = Graph()
        for g in self.graphs.values():
            for prefix, ns in g.namespaces():
                union.bind(prefix, ns, override=False)
            for triple in g:
                union.add(triple)
        return union

    def counts(self) -> dict[str, int]:
        return {str(g.identifier): len(g) for g in self.graphs.values()}


def _inputs(cfg: Settings) -> list[tuple[str, Path]]:
    """Every file that decides the graph, named by its role and its path inside that folder."""
    files: list[tuple[str, Path]] = []
    roles = (("data", cfg.data_dir), ("ontology", cfg.ontology_dir), ("shapes", cfg.shapes_dir),
             ("code", Path(__file__).resolve().parents[1]), ("linksets", cfg.linksets_dir))
    for role, folder in roles:
        if not folder.is_dir():
            continue  # linksets/ exists only once a link step has written something
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files.append((f"{role}/{path.relative_to(folder).as_posix()}", path))
    return files


def build_id_for(cfg: Settings) -> str:
    """A hash of everything that decides the graph: data, ontology, shapes, code and base IRI.

    Files are named by their path inside their folder, never by where the checkout lies: the same
    commit in two folders has one build id.
    """
    h = hashlib.sha256()
    h.update(cfg.base.encode())
    h.update(__version__.encode())
    for name, path in _inputs(cfg):
        h.update(name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def read_turtle_dir(folder: Path, iris: Iris) -> Graph:
    """Turtle files written against the default base, moved onto the configured base."""
    g = Graph()
    for path in sorted(folder.glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        if iris.base != DEFAULT_BASE:
            text = text.replace(DEFAULT_BASE + "/", iris.base + "/")
            text = text.replace(f"<{DEFAULT_BASE}/def>", f"<{iris.base}/def>")
        try:
            g.parse(data=text, format="turtle", publicID=path.as_uri())
        except Exception as exc:  # rdflib raises several parser exception types
            raise DataError(f"{path.name}: not valid Turtle ({exc})") from exc
    return g


def assemble(cfg: Settings, progress: Callable[[str], None] = lambda _m: None) -> GraphSet:
    """Turn data/ and ontology/ into named graphs (nothing is written)."""
    iris = Iris(cfg.base)
    ctx = Context(iris=iris, data_dir=cfg.data_dir, linksets_dir=cfg.linksets_dir)
    for family in FAMILIES:
        started = time.perf_counter()
        family(ctx)
        progress(f"  {family.__module__.rsplit('.', 1)[1]}.{family.__name__}: {time.perf_counter() - started:.2f}s")
    notes.build_notes(ctx, NOTE_FILES)
    translations.build_note_translations(ctx)
    onto = ctx.graph("ontology")
    for triple in read_turtle_dir(cfg.ontology_dir, iris):
        onto.add(triple)
    # Code lists in ontology/ carry skos:prefLabel; rdfs:label too, so every thing answers the same label query.
    for s, o in list(onto.subject_objects(SKOS.prefLabel)):
        onto.add((s, RDFS.label, o))
    bid = build_id_for(cfg)
    build_provenance(ctx, bid)
    return GraphSet(graphs=ctx.graphs, rows=ctx.rows, build_id=bid)


def write_nquads(graphs: GraphSet, path: Path) -> dict[str, int]:
    """All graphs as one N-Quads file, as the build publishes them (for tests and tools that load a build
    without publishing it)."""
    bodies = ntriples(graphs)
    dumps.canonical_store(bodies).dump(path, format=ox.RdfFormat.N_QUADS)
    return {name: dumps.count_lines(body) for name, body in bodies}


def ntriples(graphs: GraphSet) -> list[tuple[str, bytes]]:
    """Each named graph as N-Triples, in the order of its name: what both kinds of store are loaded from."""
    return [(str(graphs.graphs[name].identifier), graphs.graphs[name].serialize(format="nt", encoding="utf-8"))
            for name in sorted(graphs.graphs)]


class Steps:
    """Times the steps of a build and says each (`  step NAME: 1.23s`; bench/build.py reads these lines)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started
        self.say(f"  step {name}: {self.seconds[name]:.2f}s")


def run_build(cfg: Settings, progress: Callable[[str], None] | None = None) -> BuildInfo:
    say = progress or (lambda m: print(m, file=sys.stderr))
    t0 = time.perf_counter()
    step = Steps(say)
    say(f"reading {cfg.data_dir} (base {cfg.base})")
    with step("assemble"):
        graphs = assemble(cfg, say)
    with step("union"):
        union = graphs.union()
    say(f"validating {len(union):,} triples against {cfg.shapes_dir} ({cfg.shacl_engine})")
    with step("validate"):
        result = validate(union, read_turtle_dir(cfg.shapes_dir, Iris(cfg.base)), graphs.rows, cfg.shacl_engine)
    union_triples = len(union)
    del union
    for finding in result.warnings:
        say(f"  warning: {finding}")
    if not result.conforms:
        for finding in result.violations:
            say(f"  violation: {finding}")
        raise BuildFailed(f"{len(result.violations)} violation(s) of the shapes; the store was not changed", result)
    with step("n-triples"):
        bodies = ntriples(graphs)
        counts = {name: dumps.count_lines(body) for name, body in bodies}
    info = _build_info(cfg, graphs, result, counts, union_triples)
    if cfg.store_is_remote:
        return _publish_remote(cfg, bodies, info, say, t0)
    with step("canonical"):
        canonical = dumps.canonical_store(bodies)
    del bodies
    with step("dumps"):
        # The downloads are made from the very store the published one is loaded from, so they always match it.
        extra = [("validation.ttl", result.report_turtle()), *dumps.make_dumps(canonical, cfg.base)]
    say(f"publishing {info.triples:,} quads in {len(counts)} named graphs to {cfg.store}")
    with step("publish"):
        Path(cfg.store).mkdir(parents=True, exist_ok=True)
        EmbeddedStore(cfg.store).publish(canonical, info, extra_files=extra, progress=say)
    say(f"done in {time.perf_counter() - t0:.1f}s")
    return info


def _build_info(cfg: Settings, graphs: GraphSet, result: ValidationResult, counts: dict[str, int],
                union_triples: int) -> BuildInfo:
    """What a published build says about itself, the same for an embedded and a remote store."""
    return BuildInfo(
        build_id=graphs.build_id,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        base=cfg.base,
        graphs=counts,
        validation={"conforms": True, "violations": 0, "warnings": len(result.warnings)},
        code_version=__version__,
        union_triples=union_triples,
    )


def _publish_remote(cfg: Settings, bodies: list[tuple[str, bytes]], info: BuildInfo, say: Callable[[str], None],
                    t0: float) -> BuildInfo:
    """Load a validated build into a SPARQL server, one named graph per PUT (see store/remote.py)."""
    from ..store.remote import RemoteStore

    say(f"publishing {info.triples:,} triples in {len(bodies)} named graphs to {cfg.store}")
    RemoteStore(cfg.store, cfg.base).publish(bodies, info, progress=say)
    say(f"done in {time.perf_counter() - t0:.1f}s")
    return info
