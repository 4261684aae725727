"""The ontology and the built graph under a real OWL 2 reasoner (HermiT, shipped inside owlready2 and run on Java).

Why: our own checks read the ontology as we meant it; a reasoner reads it as OWL 2 defines it. HermiT refuses an
ontology that names a datatype outside the OWL 2 datatype map (it refused `xsd:date` as a range), finds classes
that can have no member, and finds data that contradicts a domain, range or disjointness.

The ontology alone is reasoned over strictly. With the data, HermiT's own switch `ignore_unsupported_datatypes`
is needed: the graph holds literals typed `xsd:gYear`, `xsd:gYearMonth` and `xsd:date` (Data Cube periods and
register dates), which are right for their readers but outside the OWL 2 map, so HermiT does not reason over those
values. The test pins that set, so a new datatype outside the map cannot hide behind the switch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import owlready2
import pytest
import rdflib

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
# Open namespaces: pytest's collection probes module attributes, and rdflib's closed ones warn on every probe.
OWL = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
RDFS = rdflib.Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")

# https://www.w3.org/TR/owl2-syntax/#Datatype_Maps (section 4): the datatypes a conforming OWL 2 reasoner supports.
OWL2_DATATYPES = {str(XSD[n]) for n in (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte "
    "unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token language Name "
    "NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp").split()} | {
    str(rdflib.RDF.PlainLiteral), str(rdflib.RDF.XMLLiteral), str(RDFS.Literal), str(rdflib.RDF.langString),
    "http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational"}


def _ontology_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for ttl in sorted(ONTOLOGY.glob("*.ttl")):
        g.parse(ttl)
    return g


def _reason(g: rdflib.Graph, tmp_path: Path, *, ignore_unsupported: bool) -> list[str]:
    """HermiT over `g`: raises on an inconsistent ontology; returns the classes that can have no member."""
    if shutil.which(owlready2.JAVA_EXE) is None and shutil.which("java") is None:
        pytest.fail("java is not installed (scripts/setup.sh installs Debian's default-jre-headless)")
    # owlready2 would fetch the imported W3C vocabularies from the web; what is reasoned about is our own terms and
    # data (the build carries the ontology and its imports too).
    g.remove((None, OWL.imports, None))
    path = tmp_path / "reasoned.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    with onto:
        owlready2.sync_reasoner_hermit([onto], infer_property_values=False, debug=0,
                                       ignore_unsupported_datatypes=ignore_unsupported)
    return sorted(str(c.iri) for c in world.inconsistent_classes())


def test_every_datatype_the_ontology_names_is_in_the_owl2_map() -> None:
    g = _ontology_graph()
    named = {str(o) for o in g.objects(None, RDFS.range) if str(o).startswith(str(XSD))}
    assert named, "the ontology states no datatype range at all"
    assert sorted(named - OWL2_DATATYPES) == []


def test_the_ontology_alone_is_consistent_for_hermit(tmp_path: Path) -> None:
    assert _reason(_ontology_graph(), tmp_path, ignore_unsupported=False) == []


def test_ontology_and_data_are_consistent_for_hermit(built_store: Path, tmp_path: Path) -> None:
    g = _ontology_graph()
    g.parse(built_store / "current" / "almerekg.ttl")
    outside = sorted({str(o.datatype) for o in g.objects() if isinstance(o, rdflib.Literal) and o.datatype}
                     - OWL2_DATATYPES)
    assert outside == [str(XSD.date), str(XSD.gYear), str(XSD.gYearMonth)]
    assert _reason(g, tmp_path, ignore_unsupported=True) == []


def test_hermit_does_find_a_contradiction(tmp_path: Path) -> None:
    """The check can fail: a thing typed as both of two disjoint classes is refused."""
    g = _ontology_graph()
    a, b, thing = rdflib.URIRef("urn:x:A"), rdflib.URIRef("urn:x:B"), rdflib.URIRef("urn:x:thing")
    g.add((a, rdflib.RDF.type, OWL.Class))
    g.add((b, rdflib.RDF.type, OWL.Class))
    g.add((a, OWL.disjointWith, b))
    g.add((thing, rdflib.RDF.type, a))
    g.add((thing, rdflib.RDF.type, b))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(g, tmp_path, ignore_unsupported=False)
