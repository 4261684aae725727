"""The facts about the engine that the SERVICE check rests on, checked on the installed engine.

engine/guard.py decides on the engine's own reading of a query. That holds because of two properties
of the engine; if an upgrade changes either, these tests fail before anyone relies on a wrong reading:

1. SERVICE is read only where the ASCII letters s-e-r-v-i-c-e stand in the text (any case): no Unicode
   case folding, no \\u escapes decoded outside IRIs and strings.
2. With the `v` of every `vice` changed to the marker letter (`q`, or `j`; engine/guard.py), the engine
   parses the text if and only if no occurrence is a SERVICE keyword in its reading of the original; the
   marker letters stand wherever `v` stands (names, IRIs, language tags, strings, escapes).

Parsing a neutralised text contacts nothing (it holds no SERVICE); texts with SERVICE are only ever
given to the engine here inside a sealed process, so these tests make no connection either.
"""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from almerekg.engine import guard
from almerekg.engine.worker import parse_error

BASE = "http://endpoint.example/sparql"
# A target no test ever serves: these texts are only parsed in a sealed process, never evaluated freely.
T = "<http://192.0.2.1/sparql>"


def _parses_sealed(texts: list[str]) -> list[bool]:
    """Whether the engine parses each text, asked in a process sealed off the network (SERVICE inside)."""
    code = (
        "import json, sys\n"
        "from almerekg.engine import sandbox\n"
        "sandbox.install(sandbox.SEALED)\n"
        "import pyoxigraph as ox\n"
        "out = []\n"
        "for text in json.load(sys.stdin):\n"
        "    try:\n"
        f"        ox.Store().query(text, base_iri={BASE!r})\n"
        "        out.append(True)\n"
        "    except SyntaxError:\n"
        "        out.append(False)\n"
        "    except Exception:\n"
        "        out.append(True)\n"
        "print(json.dumps(out))\n"
    )
    import json

    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("spelling", ["ſERVICE", "SERVİCE", "ＳＥＲＶＩＣＥ", "\\u0053ERVICE", "S\\u0045RVICE",
                                      "SERV\\u0049CE", "SER VICE", "SERVICE\u00ad"])
def test_the_engine_reads_service_only_from_the_ascii_letters(spelling: str) -> None:
    text = f"SELECT * WHERE {{ {spelling} {T} {{ ?s ?p ?o }} }}"
    assert guard.occurrences(text, guard.SERVICE) == () or spelling == "SERVICE\u00ad"
    assert _parses_sealed([text]) == [False]


@pytest.mark.parametrize("case", ["SERVICE", "service", "SeRvIcE", "sERVICE"])
def test_the_engine_reads_service_in_any_ascii_case(case: str) -> None:
    assert _parses_sealed([f"SELECT * WHERE {{ {case} {T} {{ ?s ?p ?o }} }}"]) == [True]


# Queries whose SERVICE the engine reads, in every position the grammar allows it.
WITH_SERVICE = [
    f"SELECT * WHERE {{ SERVICE {T} {{ ?s ?p ?o }} }}",
    f"SELECT ?x WHERE {{ BIND(1 AS ?o) .SERVICE {T} {{ ?x ?y ?z }} }}",
    f"SELECT * WHERE {{ {{}} SERVICE {T} {{}} }}",
    f"SELECT * WHERE {{ FILTER(1 <2#>\"\"\"\n) SERVICE {T} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o <2#>'''\n) SERVICE {T} {{}} }}",
    f"SELECT * WHERE {{ SERVICE SILENT {T} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ FILTER EXISTS {{ SERVICE {T} {{}} }} }}",
    f"SELECT * WHERE {{ FILTER NOT EXISTS {{ SERVICE {T} {{}} }} }}",
    f"SELECT * WHERE {{ OPTIONAL {{ SERVICE {T} {{}} }} }}",
    f"SELECT * WHERE {{ {{}} MINUS {{ SERVICE {T} {{}} }} }}",
    f"SELECT * WHERE {{ {{}} UNION {{ SERVICE {T} {{}} }} }}",
    f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE {T} {{}} }} }} }}",
    "PREFIX e: <http://192.0.2.1/> SELECT * WHERE { SERVICE e:sparql {} }",
    "PREFIX : <http://192.0.2.1/> SELECT * WHERE { SERVICE:x {} }",
    "BASE <http://192.0.2.1/> SELECT * WHERE { SERVICE <sparql> {} }",
    "SELECT * WHERE { SERVICE <relative> {} }",
    "SELECT * WHERE { SERVICE ?g {} }",
    f"ASK {{ SERVICE {T} {{}} }}",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {T} {{ ?s ?p ?o }} }}",
    f"DESCRIBE ?s WHERE {{ SERVICE {T} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?s ?p 1SERVICE {T} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p ?o.SERVICE {T} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p \"x\"SERVICE {T} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p <o>SERVICE {T} {{}} }}",
    f"SELECT * WHERE {{ #comment\nSERVICE\t{T}\n{{}} }}",
    f"SELECT * WHERE {{ SERVICE {T} {{ SERVICE {T} {{}} }} }}",
]

# Queries that hold the letters, but where the engine reads no SERVICE keyword.
WITHOUT_SERVICE = [
    'SELECT ?service WHERE { BIND("customer service" AS ?service) }',
    "SELECT * WHERE { ?s <http://x.example/service> ?o }",
    "PREFIX service: <http://x.example/> SELECT * WHERE { ?s service:p ?o }",
    "PREFIX ex: <http://x.example/> SELECT * WHERE { ?s ex:service ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://192.0.2.1/> {}",
    'SELECT * WHERE { ?s ?p "\\"} SERVICE <http://192.0.2.1/> {" }',
    "SELECT * WHERE { ?s ?p '''\nSERVICE <http://192.0.2.1/> {}\n''' }",
    'SELECT * WHERE { ?s ?p "x"@service }',
    "SELECT * WHERE { _:service ?p ?o }",
    "SELECT ?SERVICE WHERE { ?SERVICE ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), \"Service\")) }",
]


def test_neutralising_tells_exactly_where_the_engine_reads_service() -> None:
    assert all(_parses_sealed(WITH_SERVICE)), "every query of the corpus must be valid SPARQL for the engine"
    for text in WITH_SERVICE:
        plan = guard.plan(text)
        assert plan.needs_service_check
        assert parse_error(plan.service_check_text(text), BASE) is not None, text
    for text in WITHOUT_SERVICE:
        plan = guard.plan(text)
        assert plan.needs_service_check, text
        assert parse_error(plan.service_check_text(text), BASE) is None, text
        ox.Store().query(text, base_iri=BASE)  # valid, and safe to run: no SERVICE in the engine's reading


# Random queries: fragments with and without a SERVICE keyword, in random places and cases.
_FILLERS = ["?s ?p ?o .", "FILTER(?o > 1)", 'BIND("service" AS ?x)', "OPTIONAL { ?s ?q ?r }", "{ } UNION { }",
            "# service\n", "?s <http://x.example/Service> ?o .", "VALUES ?v { 1 2 }", "MINUS { ?s ?p 1 }"]


def _case(word: str, flips: list[bool]) -> str:
    return "".join(c.upper() if f else c for c, f in zip(word, flips + [False] * len(word), strict=False))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.lists(st.sampled_from(_FILLERS), max_size=4), after=st.lists(st.sampled_from(_FILLERS), max_size=4),
       flips=st.lists(st.booleans(), min_size=7, max_size=7), keyword=st.booleans(), silent=st.booleans())
def test_generated_queries_agree_with_the_engine(before: list[str], after: list[str], flips: list[bool],
                                                 keyword: bool, silent: bool) -> None:
    service = f"{_case('service', flips)} {'SILENT ' if silent else ''}{T} {{ ?a ?b ?c }}" if keyword else ""
    assume(parse_error(f"SELECT * WHERE {{ {' '.join(before)} {' '.join(after)} }}", BASE) is None)
    text = f"SELECT * WHERE {{ {' '.join(before)} {service} {' '.join(after)} }}"
    plan = guard.plan(text)
    refused = plan.needs_service_check and parse_error(plan.service_check_text(text), BASE) is not None
    assert refused == keyword


# Places where a letter may stand, each with `vice` in it: the engine must treat the marker letters as it treats v.
LETTER_PLACES = [
    "PREFIX ex{w}: <http://x.example/{w}> SELECT * WHERE {{ ?s ex{w}:{w} ?o }}",
    "SELECT ?{w} WHERE {{ _:{w} ?p ?{w} }}",
    'SELECT * WHERE {{ ?s ?p "{w}"@{w} }}',
    'SELECT * WHERE {{ ?s ?p "{w}"@en-{w} }}',
    "SELECT * WHERE {{ ?s ?p <{w}:x> }}",
    "SELECT * WHERE {{ ?s ?p <http://{w}.example:80/{w}?{w}#{w}> }}",
    "SELECT * WHERE {{ ?s ?p <%{w}> }}",
    'SELECT * WHERE {{ ?s ?p "\\{w}" }}',
    "SELECT * WHERE {{ ?s ?p 1e{w} }}",
    "PREFIX : <http://x.example/> SELECT * WHERE {{ ?s ?p :a%{w} }}",
    "PREFIX : <http://x.example/> SELECT * WHERE {{ ?s ?p :a\\{w} }}",
]


@pytest.mark.parametrize("place", LETTER_PLACES)
@pytest.mark.parametrize("case", ["vice", "VICE", "Vice"])
def test_the_marker_letters_stand_wherever_v_stands(place: str, case: str) -> None:
    verdicts = {m: parse_error(place.format(w=m.upper() + case[1:] if case[0].isupper() else m + case[1:]), BASE)
                is None for m in ("v", *guard.MARKERS)}
    assert len(set(verdicts.values())) == 1, (place, verdicts)
