"""The hostile queries the abuse benchmark sends and the robustness tests assert on, written once.

PANIC makes pyoxigraph 0.5.13 abort: sorting this mix of typed literals, IRIs and plain literals, its comparison is
not a total order and Rust's sort panics ("user-provided comparison function does not correctly implement a total
order"; shared notes, measured-facts.md). The terms are in the query (VALUES), not read from the graph: a panic that
depended on the store's order came and went with each build's timestamps, and a test that relied on it failed one
run in several. Each of the 300 variants of `panic_variant` panics too (checked with the embedded engine).
"""

from __future__ import annotations

_TERMS = ("26 '26'^^xsd:gYear '2020-01-02'^^xsd:date '2020-01-03T00:00:00'^^xsd:dateTime 28 <http://a/15> "
          "<http://a/25> '2020-01-08'^^xsd:date '2020-01-04'^^xsd:date 'P6D'^^xsd:duration 10.5 6 's9' "
          "'6'^^xsd:gYear '2020-01-09T00:00:00'^^xsd:dateTime '2020-01-23T00:00:00'^^xsd:dateTime "
          "'2020-01-15'^^xsd:date 16.5 true 1 '2020-01-13'^^xsd:date")
PANIC = ("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT ?o { VALUES ?o { " + _TERMS
         + " } FILTER(!isBlank(?o)) } ORDER BY DESC(?o)")
CARTESIAN = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def panic_variant(i: int) -> str:
    """The i-th one-change variant of PANIC, in five families: a comment, a renamed variable, spacing and keyword
    case, another prefix name (in a filter that changes nothing), and `LIMIT i` (the one family whose texts differ in
    meaning, so that only the per-client limit stops it)."""
    family = i % 5
    if family == 0:
        return f"{PANIC} #{i}"
    if family == 1:
        return PANIC.replace("?o", f"?o{i}")
    if family == 2:
        return PANIC.replace("{ VALUES", "{" + " " * (i % 7 + 2) + "VALUES").replace("ORDER BY", "order  by")
    if family == 3:
        return f"PREFIX p{i}: <http://www.w3.org/2001/XMLSchema#> " + PANIC.replace(")) }", f") && ?o != p{i}:x) }}")
    return f"{PANIC} LIMIT {i}"
