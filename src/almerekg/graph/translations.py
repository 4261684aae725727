"""The project's translations: English labels for the report's Dutch names of concepts, places and report parts
(data/labels-en.csv), English definitions of the project's own code lists (data/definitions-en.csv), English
texts of the notes (data/notes-en.csv) and both languages of every qualifier (data/qualifiers-en.csv).

The report is in Dutch; these texts are the project's translations, not facts of the report, so they live in
files of their own and never replace the text they translate. Each goes into the graph that holds what it
translates, beside it, with the language tag of its language, and the subject says which of its properties
carry a translation (ak:translatedProperty), so that a SPARQL user can tell a translation from the report's
words. Names that read the same in English (municipalities, firms, networks) get none.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .context import Context
from .rows import Row

FILE = "labels-en.csv"
DEFINITIONS_FILE = "definitions-en.csv"
NOTES_FILE = "notes-en.csv"
QUALIFIERS_FILE = "qualifiers-en.csv"


def _once(ctx: Context, file: str, columns: tuple[str, ...], what: str = "") -> Iterator[tuple[str, Row]]:
    """(key, row) for each row of a translation file, keyed by its first column; a key given twice is refused with
    its row."""
    done: set[str] = set()
    for row in ctx.read(file, columns):
        key = row.required(columns[0])
        if key in done:
            raise row.fail(f"{what}{key!r} is translated twice")
        done.add(key)
        yield key, row


def _mark(ctx: Context, g, subject: URIRef, prop: URIRef) -> None:
    g.add((subject, ctx.term("translatedProperty"), prop))


def build_english_labels(ctx: Context) -> None:
    for thing, row in _once(ctx, FILE, ("thing", "label_en")):
        kind, sep, ref = thing.partition("/")
        if not sep or not ref:
            raise row.fail(f"column 'thing' must be TYPE/REF as in the IRI {{base}}/id/TYPE/REF, found {thing!r}")
        iri = ctx.id(kind, ref, row)
        english = Literal(row.required("label_en"), lang="en")
        for name, g in ctx.graphs.items():
            if any(getattr(o, "language", None) == "en" for prop in (SKOS.prefLabel, RDFS.label)
                   for o in g.objects(iri, prop)):
                raise row.fail(f"{thing} already has an English label (graph {name}); translate it in one place")
        if not _beside_dutch(ctx, iri, (SKOS.prefLabel, RDFS.label), english):
            raise row.fail(f"{thing}: the graph has no thing {iri} with a Dutch label to translate")
        ctx.rows.setdefault(iri, []).append(row.where)


def _beside_dutch(ctx: Context, iri: URIRef, props: tuple[URIRef, ...], english: Literal) -> bool:
    """Add the English beside each Dutch value of the properties, in the graph that holds it; False if none."""
    found = False
    for g in ctx.graphs.values():
        for prop in props:
            if any(getattr(o, "language", None) == "nl" for o in g.objects(iri, prop)):
                g.add((iri, prop, english))
                _mark(ctx, g, iri, prop)
                found = True
    return found


def build_english_definitions(ctx: Context) -> None:
    """The English definition (skos:definition @en) of a concept of the project's own code lists, whose Dutch
    definition data/code-labels.csv gives. Definitions that are the report's own text stay Dutch only."""
    for thing, row in _once(ctx, DEFINITIONS_FILE, ("thing", "definition_en")):
        iri = ctx.described(row, "thing")
        if any(getattr(o, "language", None) == "en" for g in ctx.graphs.values()
               for o in g.objects(iri, SKOS.definition)):
            raise row.fail(f"{thing} already has an English definition")
        if not _beside_dutch(ctx, iri, (SKOS.definition,), Literal(row.required("definition_en"), lang="en")):
            raise row.fail(f"{thing}: the graph has no Dutch definition of {iri} to translate")
        ctx.rows.setdefault(iri, []).append(row.where)


def build_note_translations(ctx: Context) -> None:
    """The English text of each note (rdfs:comment @en beside the Dutch one), in the graph of the notes."""
    g = ctx.graph("notes")
    for key, row in _once(ctx, NOTES_FILE, ("id", "text_en"), "note "):
        note = ctx.id("note", key, row)
        if not any(getattr(o, "language", None) == "nl" for o in g.objects(note, RDFS.comment)):
            raise row.fail(f"note {key!r} is not a note of notes.csv with a Dutch text to translate")
        g.add((note, RDFS.comment, Literal(row.required("text_en"), lang="en")))
        _mark(ctx, g, note, RDFS.comment)
        ctx.rows.setdefault(note, []).append(row.where)


def build_qualifier_translations(ctx: Context) -> None:
    """Every qualifier (ak:qualifier, written as one plain text by the families of facts and relationships)
    in Dutch and in English: the file gives both for each text as the data write it (Dutch, or the English of
    a firm's own words). A qualifier the file does not list stays as the data write it."""
    both: dict[str, tuple[str, str]] = {}
    for text, row in _once(ctx, QUALIFIERS_FILE, ("qualifier", "nl", "en"), "qualifier "):
        both[text] = (row.required("nl"), row.required("en"))
    prop = ctx.term("qualifier")
    for g in ctx.graphs.values():
        for subject, value in list(g.subject_objects(prop)):
            if not isinstance(subject, URIRef) or not isinstance(value, Literal) or value.language is not None \
                    or str(value) not in both:
                continue
            nl, en = both[str(value)]
            g.remove((subject, prop, value))
            g.add((subject, prop, Literal(nl, lang="nl")))
            g.add((subject, prop, Literal(en, lang="en")))
            _mark(ctx, g, subject, prop)
