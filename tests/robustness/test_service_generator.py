"""Layer 1 (the SERVICE check, engine/guard.py) tried the way an attacker works, against a tripwire.

A seeded enumerator glues words the engine reads without a word boundary (`true`, `false`, `a`, numbers,
strings, language tags, IRIs, function names) and every punctuation to SERVICE, in several cases, with and
without prefixes declared to mimic the changed text (`trueSERXICE:`, the marker letters `q` and `j`, the
name itself), before targets that all point at a listener on loopback. For each text:

* layer 1 decides (engine/worker.py `check`, the engine's own parser on the neutralised text);
* the text is then run with no check and no sandbox (what `--sandbox off` leaves when layer 1 passes a
  text) on a store where the patterns before the SERVICE match, and the listener counts the contacts.

Every text layer 1 passes must make 0 contacts; and so that the corpus proves something, many of the texts
it refuses must really contact the listener when run unchecked. Before this check the choice of `x` let
`PREFIX trueSERXICE: … trueSERVICE:x {…}` through (issue 20, finding 1).
"""

from __future__ import annotations

import itertools
import random

import pyoxigraph as ox
import pytest

from almerekg.engine import guard
from almerekg.engine.jobs import Job
from almerekg.engine.worker import check

from .test_no_outbound import Listener

SEED = 20
CORPUS_SIZE = 2400

# What stands right before SERVICE: (text before, words of it the engine reads without a boundary).
BEFORE = [
    "?s ?p true", "?s ?p false", "?s ?p 1", "?s ?p 1.5", "?s ?p 1e0", '?s ?p "x"', "?s ?p 'x'", '?s ?p "x"@en',
    "?s ?p <o>", "?s ?p ?o", "?s ?p ?o .", "?s ?p true .", "?s ?p ?o ; ?p ?o", "?s ?p ?o , true", "?s a <C>",
    "?s a <C> .", "{ ?s ?p ?o }", "FILTER(?o IN (true))", "FILTER(STR(?o))", "FILTER isIRI(?s)",
    "FILTER(true)", "BIND(1 AS ?z)", "OPTIONAL { ?s ?p ?o }", "?s ?p [ ?p ?o ]", "?s ?p ( ?o )",
    "?s ?p ?o FILTER(?o = true)", "VALUES ?v { true }", "?s ?p ?o MINUS { ?s ?p 1 }",
]
SEPARATORS = ["", " ", "\n", "#c\n", "."]
CASES = ["SERVICE", "service", "Service", "sErViCe"]
# The names a neutralised text could hold, declared so that it parses as a prefixed name.
MIMIC = ["", "SERXICE", "SERQICE", "SERJICE", "SERQICE SERJICE", "SERVICE"]


def _glue(before: str) -> str:
    """The word right before SERVICE (its last token), which a declared prefix may extend."""
    tail = before.rstrip(" .;,")
    word = ""
    for c in reversed(tail):
        if not (c.isalnum() or c in "_-."):
            break
        word = c + word
    return word if word and word[0].isalpha() else ""


def _text(before: str, sep: str, case: str, target: str, mimic: str, port: int) -> str:
    here = f"http://127.0.0.1:{port}/"
    decls = [f"PREFIX : <{here}>", f"PREFIX e: <{here}>"]
    glue = _glue(before) if sep == "" else ""
    for name in mimic.split():
        changed = "".join(n if c.isupper() else n.lower() for c, n in zip(case, name, strict=True))
        decls.append(f"PREFIX {glue}{changed}: <http://a.example/>")
    written = {"iri": f"<{here}sparql>", "pname": ":sparql", "glued": ":sparql", "relative": "<sparql>"}[target]
    space = "" if target == "glued" else " "
    return (f"{' '.join(decls)} SELECT * WHERE {{ {before}{sep}{case}{space}{written} {{ ?x ?y ?z }} }} LIMIT 1")


def corpus(port: int) -> list[str]:
    """Every text that glues a word, SERVICE and a prefixed target together (where a declared prefix can
    mimic the changed text), and a seeded sample of the other combinations: CORPUS_SIZE in all."""
    glued = [_text(b, "", c, "glued", m, port) for b, c, m in itertools.product(BEFORE, CASES, MIMIC)]
    rest = [_text(b, s, c, t, m, port) for b, s, c, t, m in
            itertools.product(BEFORE, SEPARATORS, CASES, ("iri", "pname", "glued", "relative"), MIMIC)
            if not (s == "" and t == "glued")]
    return glued + random.Random(SEED).sample(rest, CORPUS_SIZE - len(glued))


def _store() -> ox.Store:
    """Triples that make every pattern of BEFORE match, so evaluation reaches the SERVICE."""
    store = ox.Store()
    s, p = ox.NamedNode("http://endpoint.example/s"), ox.NamedNode("http://endpoint.example/p")
    objects = [ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
               ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
               ox.Literal("x"), ox.Literal("x", language="en"), ox.NamedNode("http://endpoint.example/o")]
    for o in objects:
        store.add(ox.Quad(s, p, o))
    store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("http://endpoint.example/C")))
    return store


def _contacts(store: ox.Store, text: str, base: str, listener: Listener) -> int:
    before = listener.contacts
    try:
        result = store.query(text, base_iri=base)
        list(result) if isinstance(result, ox.QuerySolutions) else bool(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return listener.contacts - before


@pytest.fixture(scope="module")
def tripwire():  # noqa: ANN201
    lst = Listener()
    yield lst
    lst.close()


def test_what_layer_1_passes_never_reaches_the_tripwire(tripwire: Listener) -> None:
    texts = corpus(tripwire.port)
    assert len(texts) >= 2000
    store = _store()
    base = f"http://127.0.0.1:{tripwire.port}/"
    contacted_when_refused, leaks = 0, []
    for text in texts:
        job = Job(query=text, results_type="application/sparql-results+json", graph_type=None,
                  plan=guard.plan(text), base_iri=base)
        allowed = check(job, ()) is None
        contacts = _contacts(store, text, base, tripwire)
        if allowed and contacts:
            leaks.append(text)
        elif contacts:
            contacted_when_refused += 1
    assert leaks == [], f"{len(leaks)} text(s) passed layer 1 and contacted the tripwire, e.g. {leaks[:3]}"
    # The corpus is hostile for real: hundreds of its texts call the tripwire when nothing checks them.
    assert contacted_when_refused >= 500, contacted_when_refused


@pytest.mark.parametrize("case", CASES)
def test_the_issue_20_bypass_is_refused(tripwire: Listener, case: str) -> None:
    store = _store()
    base = f"http://127.0.0.1:{tripwire.port}/"
    for mimic in ("SERXICE", "SERQICE", "SERJICE", "SERQICE SERJICE"):
        text = _text("?s ?p true", "", case, "glued", mimic, tripwire.port)
        assert _contacts(store, text, base, tripwire) == 1, text  # the engine reads SERVICE here
        assert check(Job(query=text, results_type="application/sparql-results+json", graph_type=None,
                         plan=guard.plan(text), base_iri=base), ()) is not None, text


def test_a_text_with_both_marker_words_is_refused_outright() -> None:
    text = "SELECT * WHERE { ?s ?p 'qice jice' } # no SERVICE keyword, but no marker is free"
    plan = guard.plan(text)
    assert plan.marker == ""
    outcome = check(Job(query=text, results_type="application/sparql-results+json", graph_type=None, plan=plan), ())
    assert outcome is not None and outcome.http_status == 403
    assert "cannot be checked" in outcome.message
    assert guard.plan("SELECT * WHERE { ?s ?p 'qice service' }").marker == "j"
    assert guard.plan("SELECT * WHERE { ?s ?p 'service' }").marker == "q"
