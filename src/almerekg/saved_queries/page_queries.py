"""The queries pages ask about a saved query's answer: the notes on a table, the labels and the RDF of the
things it shows; and picking a label in the reader's language from the rows that come back."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Literal

from ..engine.rows import Rows
from .binding import prologue

LANGS = ("nl", "en")


def iri_values(iris: Iterable[str]) -> str:
    """IRIs from a result as a VALUES list. They come from the store, but are checked anyway."""
    out = []
    for iri in iris:
        if re.search(r"[<>\"{}|^`\\\x00-\x20]", iri):
            continue  # not writable as an IRIREF; such a term cannot be asked about
        out.append(f"<{iri}>")
    return " ".join(out)


def notes_query(base: str, anchors: Iterable[str], parts: Iterable[str], lang: str) -> str:
    """Notes about a table: those targeting its dataset, report part or anything in its result,
    and those citing its report part that are about the table as a whole (not some other thing)."""
    if lang not in LANGS:
        raise ValueError(lang)
    anchor_list = iri_values(anchors) or "<urn:x-none>"
    part_list = iri_values(parts) or "<urn:x-none>"
    return prologue(base) + f"""
SELECT DISTINCT ?note ?target ?kind ?kindLabel ?comment ?printed ?used
WHERE {{
  {{ VALUES ?target {{ {anchor_list} }} ?note oa:hasTarget ?target . }}
  UNION
  {{ VALUES ?part {{ {part_list} }}
    ?note dcterms:source ?part ; oa:hasTarget ?target .
    FILTER NOT EXISTS {{ ?target a ?type .
      FILTER(?type IN (qb:Observation, org:Organization, ak:Network, ak:Relationship, ak:Statement)) }} }}
  ?note a ak:Note .
  # The note in the page's language (the project's translation), else in Dutch, the language it was written in.
  OPTIONAL {{ ?note rdfs:comment ?inLang FILTER(LANG(?inLang) = {Literal(lang).n3()}) }}
  OPTIONAL {{ ?note rdfs:comment ?inDutch FILTER(LANG(?inDutch) = "nl") }}
  BIND(COALESCE(?inLang, ?inDutch) AS ?comment)
  FILTER(BOUND(?comment))
  OPTIONAL {{ ?note ak:noteKind ?kind .
             OPTIONAL {{ ?kind skos:prefLabel ?kindLabel FILTER(LANG(?kindLabel) = {Literal(lang).n3()}) }} }}
  OPTIONAL {{ ?note ak:printedValue ?printed }}
  OPTIONAL {{ ?note ak:usedValue ?used }}
}}
ORDER BY ?note ?target
"""


def labels_query(base: str, iris: Iterable[str]) -> str:
    return prologue(base) + f"""
SELECT ?s ?label
WHERE {{
  VALUES ?s {{ {iri_values(iris) or "<urn:x-none>"} }}
  {{ ?s skos:prefLabel ?label }} UNION {{ ?s rdfs:label ?label }}
}}
"""


def describe_query(base: str, iris: Iterable[str]) -> str:
    """The triples about every IRI a result shows: the RDF underneath a saved query's table."""
    return prologue(base) + f"""
CONSTRUCT {{ ?s ?p ?o }}
WHERE {{
  VALUES ?s {{ {iri_values(iris) or "<urn:x-none>"} }}
  ?s ?p ?o .
}}
"""


def pick_labels(result: Rows, lang: str) -> dict[str, str]:
    """IRI -> label in the wanted language (then Dutch, then untagged, then any)."""
    ranked: dict[str, tuple[int, str]] = {}
    order = {lang: 0, "nl": 1, None: 2, "": 2}
    for row in result.rows:
        s, label = row.get("s"), row.get("label")
        if s is None or label is None:
            continue
        rank = order.get(label.lang, 3)
        current = ranked.get(s.value)
        if current is None or rank < current[0] or (rank == current[0] and label.value < current[1]):
            ranked[s.value] = (rank, label.value)
    return {k: v[1] for k, v in ranked.items()}


def exact_labels(result: Rows, lang: str) -> dict[str, str]:
    """IRI -> a label tagged with exactly this language (none when the graph has no such label)."""
    out: dict[str, str] = {}
    for row in result.rows:
        s, label = row.get("s"), row.get("label")
        if s is not None and label is not None and label.lang == lang:
            out.setdefault(s.value, label.value)
    return out
