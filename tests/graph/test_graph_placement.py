"""A named graph called after a part of the report (tabel-3, bijlage-3, h2-stad, ...) holds only what that part prints.

Readers rely on it: the web pages cite a statement by the graph it sits in. A fact from a footnote of chapter 2 in
the graph bijlage-3 would be shown as printed in appendix 3.
"""

from __future__ import annotations

ID = "https://almerekg.example/id/"
PROVENANCE = f"<{ID}graph/provenance>"
PREFIXES = """PREFIX ak: <https://almerekg.example/def/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def select(store, query: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + query)
    names = [v.value for v in result.variables]
    return sorted(tuple(sol[n].value for n in names) for sol in result)


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def test_every_statement_sits_in_the_graph_of_the_part_it_cites(store):
    got = select(store, f"""SELECT ?statement ?g ?part WHERE {{
        GRAPH ?g {{ ?statement a ak:Statement }}
        GRAPH {PROVENANCE} {{ ?statement prov:wasDerivedFrom ?part }} }}""")
    assert len(got) > 150
    assert [(s, local(g), local(p)) for s, g, p in got if local(g) != local(p)] == []


def test_statements_from_outside_appendix_3_have_graphs_of_their_own(store):
    """The facts that chapters 2-5 print about firms (footnotes, running text) are not filed under appendix 3."""
    got = {local(g) for (g,) in select(store, """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ak:Statement } }""")}
    assert "bijlage-3" in got
    assert {"h2-stad", "h4-bedrijvenbestand", "h5-mogelijkheden", "h5-aanbevelingen"} <= got


def test_what_a_part_graph_types_derives_from_that_part(store):
    """Every thing a graph named after a part of the report describes, and that cites a part, cites that one."""
    got = select(store, f"""SELECT DISTINCT ?g ?s WHERE {{
        GRAPH ?g {{ ?s a ?type }}
        BIND(IRI(CONCAT("{ID}report-part/", STRAFTER(STR(?g), "/id/graph/"))) AS ?part)
        GRAPH ?parts {{ ?part a ak:ReportPart }}
        GRAPH {PROVENANCE} {{ ?s prov:wasDerivedFrom ?any }}
        FILTER NOT EXISTS {{ GRAPH {PROVENANCE} {{ ?s prov:wasDerivedFrom ?part }} }} }}""")
    assert got == []
