"""The command line: sparql on a built store, a configurable base IRI, build output."""

from __future__ import annotations

import json
import subprocess
import sys

from almerekg.graph.pipeline import run_build
from almerekg.settings import from_values
from almerekg.store import EmbeddedStore


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "almerekg.cli", *args], capture_output=True, text=True, timeout=300)


def test_sparql_prints_a_table(built_store):
    proc = cli("sparql", "--store", str(built_store),
               "PREFIX ak: <https://almerekg.example/def/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
               "SELECT ?n WHERE { ?o ak:sector/skos:notation 'G' ; ak:sizeClass/skos:notation 'totaal' ; "
               "ak:establishments ?n }")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["n", "----", "2714"]
    assert proc.stderr.strip() == "(1 row)"


def test_sparql_formats_and_errors(built_store):
    q = "SELECT (COUNT(*) AS ?firms) WHERE { ?f a <https://almerekg.example/def/Firm> ; <http://www.w3.org/ns/org#hasSite> ?s }"
    proc = cli("sparql", "--store", str(built_store), "--format", "json", q)
    assert json.loads(proc.stdout)["results"]["bindings"][0]["firms"]["value"] == "49"
    proc = cli("sparql", "--store", str(built_store), "--format", "csv", q)
    assert proc.stdout.splitlines() == ["firms", "49"]
    proc = cli("sparql", "--store", str(built_store), "SELECT ?x WHERE { ?x ")
    assert proc.returncode == 2 and proc.stderr.startswith("error: malformed query: error at 1:22")
    proc = cli("sparql", "--store", str(built_store) + "-missing", "ASK {}")
    assert proc.returncode == 2 and "no build has been published yet" in proc.stderr


def test_build_prints_triples_per_graph(tmp_path):
    proc = cli("build", "--store", str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    info = EmbeddedStore(tmp_path / "s").info()
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"build {info.build_id[:16]}  {info.triples:,} triples")
    for graph, n in info.graphs.items():
        assert any(ln.split() == [graph, f"{n:,}"] for ln in lines), graph
    assert "validating" in proc.stderr and "publishing" in proc.stderr


def test_base_iri_is_configurable(tmp_path):
    base = "http://data.test/almere"
    info = run_build(from_values(store=str(tmp_path / "s"), base=base), progress=lambda _m: None)
    assert info.base == base
    assert all(g.startswith(base + "/id/graph/") for g in info.graphs)
    s, _ = EmbeddedStore(tmp_path / "s").open()
    iris = {t.value for q in s.quads_for_pattern(None, None, None, None) for t in (q.subject, q.predicate, q.object)
            if hasattr(t, "value") and t.value.startswith("http")}
    assert not [i for i in iris if "almerekg.example" in i]
    assert f"{base}/id/firm/usg-people" in iris and f"{base}/def/Firm" in iris and f"{base}/def" in iris
