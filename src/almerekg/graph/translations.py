"""English labels for the report's Dutch names of concepts, places and report parts (data/labels-en.csv).

The report is in Dutch; these labels are the project's translations, not facts of the report, so they live in a
file of their own and never replace the Dutch label. Each goes into the graph that holds the Dutch label it
translates. Names that read the same in English (municipalities, firms, networks) get none.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import RDFS, SKOS

from .context import Context

FILE = "labels-en.csv"


def build_english_labels(ctx: Context) -> None:
    done: set[str] = set()
    for row in ctx.read(FILE, ("thing", "label_en")):
        thing = row.required("thing")
        if thing in done:
            raise row.fail(f"{thing!r} is translated twice")
        done.add(thing)
        kind, sep, ref = thing.partition("/")
        if not sep or not ref:
            raise row.fail(f"column 'thing' must be TYPE/REF as in the IRI {{base}}/id/TYPE/REF, found {thing!r}")
        iri = ctx.id(kind, ref, row)
        english = Literal(row.required("label_en"), lang="en")
        for name, g in ctx.graphs.items():
            if any(getattr(o, "language", None) == "en" for prop in (SKOS.prefLabel, RDFS.label)
                   for o in g.objects(iri, prop)):
                raise row.fail(f"{thing} already has an English label (graph {name}); translate it in one place")
        found = False
        for g in ctx.graphs.values():
            for prop in (SKOS.prefLabel, RDFS.label):
                if any(getattr(o, "language", None) == "nl" for o in g.objects(iri, prop)):
                    g.add((iri, prop, english))
                    found = True
        if not found:
            raise row.fail(f"{thing}: the graph has no thing {iri} with a Dutch label to translate")
        ctx.rows.setdefault(iri, []).append(row.where)
