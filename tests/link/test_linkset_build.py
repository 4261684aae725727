"""Linksets written by the link steps (from TEST DATA) build into graphs of their own, validate, and compare."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from almerekg.cli import main
from almerekg.graph.pipeline import assemble, read_turtle_dir, write_nquads
from almerekg.saved_queries.catalogue import load_query
from almerekg.settings import from_values
from almerekg.validate import validate
from almerekg.vocab import ROV, SDMX_ATT, SDMX_DIM, Iris

from .fake_services import MEASURES, PERIODS, REGIONS, SBI, TEST_KEY, TEST_TABLE, cell_value

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://almerekg.example"
AK = BASE + "/def/"
GRAPH = f"{BASE}/id/graph/linkset-cbs-{TEST_TABLE.lower()}-gm0034"


@pytest.fixture(scope="module")
def linked(module_services, tmp_path_factory):
    """Run both link steps against the fake services, review one KvK candidate, then assemble and validate."""
    tmp = tmp_path_factory.mktemp("linked")
    linksets = tmp / "linksets"
    common = ["--cache-dir", str(tmp / "cache"), "--linksets", str(linksets), "--backoff", "0"]
    assert main(["link", "cbs", "--table", TEST_TABLE, "--base-url", f"{module_services.url}/ODataApi/odata",
                 "--municipality", "GM0034", "--years", "2009", "2010", "--measure", "TestVestigingen_1=establishments",
                 "--measure", "TestBanen_2=jobs", *common]) == 0
    mp = pytest.MonkeyPatch()
    mp.setenv("KVK_API_KEY", TEST_KEY)
    review = tmp / "review.csv"
    assert main(["link", "kvk", "--base-url", f"{module_services.url}/api/v2", "--out", str(review),
                 "--firm", "usg-people", *common]) == 0
    mp.undo()
    with open(review, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    accept = next(r for r in rows if r["kvk_number"] == "00000001")
    accept.update(decision="accept", reviewer="J. Tester", reviewed_at="2026-01-31T10:00:00Z")
    with open(review, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["link", "kvk", "--apply", str(review), "--linksets", str(linksets)]) == 0
    cfg = from_values(linksets=str(linksets))
    graphs = assemble(cfg)
    result = validate(graphs.union(), read_turtle_dir(cfg.shapes_dir, Iris(cfg.base)), graphs.rows)
    return graphs, result, tmp


def test_the_linked_build_validates(linked):
    _graphs, result, _tmp = linked
    assert result.violations == [], "\n".join(map(str, result.violations))


def test_cbs_figures_sit_in_their_own_graph_on_the_report_s_concepts(linked):
    graphs, _result, _tmp = linked
    g = {str(x.identifier): x for x in graphs.graphs.values()}[GRAPH]
    obs = URIRef(f"{BASE}/id/observation/cbs-{TEST_TABLE.lower()}-gm0034/2009/a/establishments")
    assert (obs, SDMX_DIM.refArea, URIRef(f"{BASE}/id/place/almere")) in g  # the place of Tabel 1 and 2
    assert (obs, URIRef(AK + "sector"), URIRef(f"{BASE}/id/sector/a")) in g  # the sector concept of Tabel 1
    assert (obs, URIRef(AK + "establishments"), Literal(1101, datatype=XSD.integer)) in g
    assert (obs, SDMX_DIM.refPeriod, Literal("2009", datatype=XSD.gYear)) in g
    # B and U are sections the report's tables do not have: kept in the CSV, not invented as concepts.
    assert not list(g.triples((None, URIRef(AK + "sector"), URIRef(f"{BASE}/id/sector/b"))))
    cat = g.value(obs, URIRef(AK + "cbsCategory"))
    assert g.value(cat, SKOS.notation) == Literal("TA") and (cat, SKOS.exactMatch, URIRef(f"{BASE}/id/sector/a")) in g
    # No report graph holds a CBS triple.
    for name, other in graphs.graphs.items():
        if not name.startswith("linkset-"):
            assert not list(other.triples((None, RDF.type, URIRef(AK + "LinkedDataSet")))), name
            assert not list(other.triples((obs, None, None))), name


def test_provenance_names_cbs_the_url_and_the_time(linked, module_services):
    graphs, _result, _tmp = linked
    g = graphs.graphs[f"linkset-cbs-{TEST_TABLE.lower()}-gm0034"]
    ds = URIRef(f"{BASE}/id/dataset/cbs-{TEST_TABLE.lower()}-gm0034-establishments")
    table_url = URIRef(f"{module_services.url}/ODataApi/odata/{TEST_TABLE}")
    assert (ds, DCTERMS.source, table_url) in g and (ds, PROV.wasDerivedFrom, table_url) in g
    run = g.value(ds, PROV.wasGeneratedBy)
    assert g.value(run, PROV.endedAtTime).datatype == XSD.dateTime
    assert str(g.value(ds, DCTERMS.publisher)) == "Centraal Bureau voor de Statistiek"
    assert not any(p == PROV.wasDerivedFrom and str(o).endswith("/report/groei-door-samenwerking-in-almere")
                   for p, o in graphs.graphs["provenance"].predicate_objects(g.identifier))


def test_kvk_link_carries_number_reviewer_and_time(linked):
    graphs, _result, _tmp = linked
    g = graphs.graphs["linkset-kvk"]
    firm = URIRef(f"{BASE}/id/firm/usg-people")
    ident = g.value(firm, ROV.registration)
    assert (firm, RDF.type, ROV.RegisteredOrganization) in g and g.value(ident, SKOS.notation) == Literal("00000001")
    link = URIRef(f"{BASE}/id/kvk-link/usg-people/00000001")
    assert str(g.value(link, URIRef(AK + "reviewedBy"))) == "J. Tester"
    assert g.value(link, URIRef(AK + "reviewedAt")) == Literal("2026-01-31T10:00:00Z", datatype=XSD.dateTime)
    # Only the accepted candidate: the other one (Utrecht) is not linked.
    assert [str(o) for o in g.objects(firm, ROV.registration)] == [str(ident)]


def test_saved_comparison_query_puts_report_and_cbs_side_by_side(linked):
    graphs, _result, tmp = linked
    nq = tmp / "graph.nq"
    write_nquads(graphs, nq)
    store = ox.Store()
    store.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    q = load_query(ROOT / "queries" / "cbs-vergelijking.rq")
    rows = list(store.query(q.sparql(BASE, q.bind({})), use_default_graph_as_union=True))

    def cell(r, v):
        return r[v].value if r[v] is not None else None
    a = [r for r in rows if cell(r, "sector").endswith("/sector/a") and cell(r, "measure").endswith("establishments")]
    # Tabel 1 prints 98 establishments in sector A for 2009; the TEST DATA gives 1101 (2009) and 1111 (2010): the
    # comparison takes CBS's year of the report (2009) only.
    assert sorted((cell(r, "report"), cell(r, "cbsYear"), cell(r, "cbs"), cell(r, "difference")) for r in a) == [
        ("98", "2009", "1101", "1003")]
    # Sectors CBS has nothing for keep the report's value and empty CBS columns.
    g = [r for r in rows if cell(r, "sector").endswith("/sector/g") and cell(r, "measure").endswith("establishments")]
    assert [(cell(r, "report"), cell(r, "cbs")) for r in g] == [("2714", None)]


def _tabel2_total(letter: str) -> int:
    with open(ROOT / "data" / "tabel-2.csv", encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["sector"] == letter)
    return int(row["totaal"].replace(".", ""))  # the report prints thousands with a dot


def _jobs_a(pi: int) -> tuple[float, int]:
    """TEST DATA jobs of section A in Almere for period pi, as published (thousands) and as a count."""
    published = cell_value([k for k, _ in SBI].index("TA    "), [k for k, _ in REGIONS].index("GM0034  "), pi, 1)
    return published, int(Decimal(str(published)) * 1000)


def test_jobs_in_thousands_land_as_counts_with_unit_and_status(linked):
    graphs, _result, _tmp = linked
    g = graphs.graphs[f"linkset-cbs-{TEST_TABLE.lower()}-gm0034"]
    for pi, (year, status) in enumerate((("2009", "definitive"), ("2010", "provisional"))):
        obs = URIRef(f"{BASE}/id/observation/cbs-{TEST_TABLE.lower()}-gm0034/{year}/a/jobs")
        published, count = _jobs_a(pi)
        assert g.value(obs, URIRef(AK + "jobs")) == Literal(count, datatype=XSD.integer)
        assert g.value(obs, SDMX_ATT.unitMeasure) == URIRef(f"{BASE}/id/unit/jobs")
        assert str(g.value(obs, URIRef(AK + "cbsUnit"))) == MEASURES[1][2]
        assert g.value(obs, URIRef(AK + "cbsPublishedValue")).toPython() == Decimal(str(published))
        assert g.value(obs, URIRef(AK + "cbsUnitMultiplier")) == Literal(1000, datatype=XSD.integer)
        assert g.value(obs, SDMX_ATT.obsStatus) == URIRef(f"{BASE}/id/observation-status/{status}")
        assert str(g.value(obs, URIRef(AK + "cbsPeriodStatus"))) == PERIODS[pi][2]


def test_comparison_query_scales_cbs_jobs_by_their_unit(linked):
    graphs, _result, tmp = linked
    nq = tmp / "graph-jobs.nq"
    write_nquads(graphs, nq)
    store = ox.Store()
    store.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    q = load_query(ROOT / "queries" / "cbs-vergelijking.rq")
    rows = list(store.query(q.sparql(BASE, q.bind({})), use_default_graph_as_union=True))

    def cell(r, v):
        return r[v].value if r[v] is not None else None
    a = sorted((cell(r, "cbsYear"), cell(r, "report"), cell(r, "cbsPublished"), cell(r, "cbsUnit"), cell(r, "cbs"),
                cell(r, "cbsStatus"), cell(r, "difference")) for r in rows
               if cell(r, "sector").endswith("/sector/a") and cell(r, "measure").endswith("jobs"))
    report = _tabel2_total("A")
    published, count = _jobs_a(0)  # 2009, CBS status Definitief: the status column names its concept
    assert a == [("2009", str(report), str(Decimal(str(published))), MEASURES[1][2], str(count),
                  f"{BASE}/id/observation-status/definitive", str(count - report))]
    assert PERIODS[0][2] == "Definitief"
