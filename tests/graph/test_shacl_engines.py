"""The build's SHACL engine (pyshacl-turbo) reports exactly what the reference (pyshacl) reports.

On one copy of data/ carrying every broken row of test_bad_data.py that reaches the shapes (the real data
and every break at once), and on a small broken graph per constraint component used in shapes/. A finding is compared
whole, as `almerekg build` prints it: severity, focus node, path, value, message (the shape's sh:message;
the texts engines make up themselves differ and are not used), source shape, component and data rows.
Both engines get the same rdflib graphs, so a blank-node shape or path is the same node in both reports.
"""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

import pytest
from rdflib import Graph

from almerekg.graph.pipeline import assemble, read_turtle_dir
from almerekg.settings import from_values
from almerekg.validate import BUILD_ENGINE, REFERENCE_ENGINE, validate
from almerekg.vocab import SH, Iris

from .test_bad_data import SHACL_BREAKS, broken_copy, edit_csv

SHAPES_DIR = Path(__file__).resolve().parents[2] / "shapes"
BASE = "https://almerekg.example"



def shapes() -> Graph:
    return read_turtle_dir(SHAPES_DIR, Iris(BASE))


def findings(data: Graph, shape_graph: Graph, rows: dict, engine: str) -> list[tuple]:
    result = validate(data, shape_graph, rows, engine)
    return sorted(astuple(f) for f in result.violations + result.warnings)


def both(data: Graph, shape_graph: Graph, rows: dict | None = None) -> list[tuple]:
    """The findings of the build's engine, after checking that the reference reports exactly them."""
    build = findings(data, shape_graph, rows or {}, BUILD_ENGINE)
    assert build == findings(data, shape_graph, rows or {}, REFERENCE_ENGINE)
    return build


def test_the_real_data():
    """The build's engine finds the report's two sums that do not add up. The reference's check runs on the
    next test's copy, which is this data with every break added: pyshacl takes 40 s of CPU on either, and the
    two warnings are among what both engines report there (bench/build.py compares the three engines on this
    data as it is)."""
    graphs = assemble(from_values())
    found = findings(graphs.union(), shapes(), graphs.rows, BUILD_ENGINE)
    assert [(f[0], f[7]) for f in found] == [("Warning", "SPARQLConstraintComponent")] * 2


def test_every_broken_data_set_of_test_bad_data(tmp_path):
    name, edit, _expected = SHACL_BREAKS[0]
    data = broken_copy(tmp_path, name, edit)
    for name, edit, _expected in SHACL_BREAKS[1:]:
        edit_csv(data, name, edit)
    graphs = assemble(from_values(data=str(data)))
    found = both(graphs.union(), shapes(), graphs.rows)
    for _name, _edit, expected in SHACL_BREAKS:
        assert ("Violation", expected) in {(f[0], f[4]) for f in found}
    # The real data's two warnings (previous test) are found by both engines here too.
    assert [(f[0], f[7]) for f in found if f[0] == "Warning"] == [("Warning", "SPARQLConstraintComponent")] * 2


PREFIXES = """
@prefix ak: <https://almerekg.example/def/> . @prefix id: <https://almerekg.example/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix schema: <https://schema.org/> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix qb: <http://purl.org/linked-data/cube#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
"""

# A broken graph per constraint component the shapes use: (component, Turtle). Each is checked to make its
# component fail, so the list cannot silently stop exercising it.
BROKEN = {
    "MinCount": "id:r a ak:Relationship ; ak:partner id:o ; ak:relationKind id:k . id:o a org:Organization .",
    "MaxCount": "id:o a org:Organization ; ak:country id:nl, id:be . id:nl a schema:Country . id:be a schema:Country .",
    "Datatype": 'id:s a ak:SizeClass ; ak:minPersons "3" .',
    "Class": "id:r a ak:Relationship ; ak:organisation id:nothing .",
    "Pattern": 'id:s a ak:Sector ; skos:notation "Z9" .',
    "In": "id:n a ak:Note ; oa:hasTarget id:x ; ak:noteKind id:note-kind\\/other .",
    "NodeKind": 'id:n a ak:Note ; oa:hasTarget "a literal" .',
    "LanguageIn": 'id:f a ak:Firm ; schema:name "A name"@en .',
    "QualifiedMinCount": 'ak:Foo a owl:Class ; rdfs:label "foo"@nl ; rdfs:comment "x"@nl, "y"@en .',
    "QualifiedMaxCount": 'ak:Foo a owl:Class ; rdfs:label "foo"@nl, "bar"@nl, "foo"@en ; rdfs:comment "x"@nl, "y"@en .',
    "Or": 'id:o a qb:Observation ; sdmx-measure:obsValue "many" .',
    "Xone": "id:s a ak:Specialisation ; ak:cluster id:c ; ak:specialisationField id:f . "
            "id:c a ak:Cluster . id:f a skos:Concept .",
    "Node": "id:e a ak:Establishment ; ak:activity id:wrong . id:wrong skos:inScheme id:scheme\\/other .",
    "HasValue": "id:u a ak:UnquantifiedObservation .",
    "MinInclusive": "id:r a ak:Relationship ; ak:sharePercent -1.0 .",
    "MaxInclusive": "id:r a ak:Relationship ; ak:sharePercent 140.0 .",
    "MinLength": 'id:l a ak:ReviewedLink ; ak:reviewedBy "" .',
    "SPARQL": "id:s a ak:SizeClass ; ak:minPersons 10 ; ak:maxPersons 4 .",
}

# The constraint parameters of SHACL Core and SHACL-SPARQL, by the component they belong to.
PARAMETERS = {
    "minCount": "MinCount", "maxCount": "MaxCount", "datatype": "Datatype", "class": "Class",
    "pattern": "Pattern", "flags": "Pattern", "in": "In", "nodeKind": "NodeKind", "languageIn": "LanguageIn",
    "qualifiedMinCount": "QualifiedMinCount", "qualifiedMaxCount": "QualifiedMaxCount", "or": "Or",
    "xone": "Xone", "and": "And", "not": "Not", "node": "Node", "hasValue": "HasValue",
    "minInclusive": "MinInclusive", "maxInclusive": "MaxInclusive", "minExclusive": "MinExclusive",
    "maxExclusive": "MaxExclusive", "minLength": "MinLength", "maxLength": "MaxLength",
    "uniqueLang": "UniqueLang", "equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals", "closed": "Closed", "sparql": "SPARQL",
}


def test_a_broken_fixture_for_every_constraint_component_of_the_shapes():
    used = {PARAMETERS[p.removeprefix(str(SH))] for p in set(shapes().predicates())
            if p.startswith(str(SH)) and p.removeprefix(str(SH)) in PARAMETERS}
    assert used == set(BROKEN)


@pytest.mark.parametrize("component", sorted(BROKEN))
def test_both_engines_on_a_broken_fixture(component):
    data = Graph().parse(data=PREFIXES + BROKEN[component], format="turtle")
    assert f"{component}ConstraintComponent" in {f[7] for f in both(data, shapes())}
