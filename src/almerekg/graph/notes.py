"""Assumptions, reconstructions and inconsistencies, attached to the cell, row or table they concern."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..vocab import SDMX_ATT
from .context import Context
from .rows import Row

KINDS = ("assumption", "reconstruction", "inconsistency", "spelling")
OA = "http://www.w3.org/ns/oa#"

# Where a note about a whole file points when it names no row: the dataset or code list it became.
FILE_TARGETS = {
    "tabel-1.csv": ("dataset", "tabel-1"),
    "tabel-2.csv": ("dataset", "tabel-2"),
    "tabel-5.csv": ("dataset", "tabel-5"),
    "tabel-6.csv": ("dataset", "tabel-6"),
    "tabel-6-printed.tsv": ("dataset", "tabel-6"),
    "city-facts.csv": ("dataset", "city-facts"),
    "survey-figures.csv": ("dataset", "survey-figures"),
    "survey-funnel.csv": ("dataset", "survey-funnel"),
    "literature-figures.csv": ("dataset", "literature-figures"),
    "sectors.csv": ("scheme", "sbi-2008-sections"),
    "size-classes.csv": ("scheme", "size-classes"),
    "tabel-6-regions.csv": ("scheme", "tabel-6-regions"),
    "partner-kinds.csv": ("scheme", "partner-kinds"),
    "business-typology.csv": ("scheme", "business-typology"),
    "rd-forms.csv": ("scheme", "rd-forms"),
    # A copy in data/registers/ that is not to be edited (checksummed): its notes point at the register.
    "registers/nace-r2-sections.ttl": ("register", "nace-r2-ramon"),
}


def _target(ctx: Context, row: Row) -> URIRef:
    """The cell, row or table a note is about; a note on a whole file points at its dataset or report part."""
    file = row.required("file")
    key = row.get("row").strip()
    column = row.get("column").strip()
    cells = ctx.index.get("cell", {})
    rows = ctx.index.get("row", {})
    if key:
        candidates = [f"{file}|{key}|{column}"] if column else []
        for wanted in candidates:
            if wanted in cells:
                return cells[wanted]
        prefixes = ([f"{file}|{key}|{column}|"] if column else []) + [f"{file}|{key}|"]
        if f"{file}|{key}" in rows:
            return rows[f"{file}|{key}"]
        for prefix in prefixes:
            for k, iri in rows.items():
                if k.startswith(prefix):
                    return iri
        raise row.fail(f"note points at row {key!r} of {file}, which the build does not know")
    if file in FILE_TARGETS:
        kind, ref = FILE_TARGETS[file]
        return ctx.index["dataset"][ref] if kind == "dataset" else ctx.id(kind, ref)
    return ctx.source(row.required("source"))


def build_notes(ctx: Context, files: tuple[str, ...] = ("notes.csv",)) -> None:
    g = ctx.graph("notes")
    seen: set[str] = set()
    for name in files:
        for row in ctx.read(name, ("id", "kind", "file", "row", "column", "printed", "used", "text", "source")):
            key = row.required("id")
            if key in seen:
                raise row.fail(f"note id {key!r} is used twice")
            seen.add(key)
            kind = row.required("kind")
            if kind not in KINDS:
                raise row.fail(f"column 'kind' must be one of {', '.join(KINDS)}, found {kind!r}")
            note = ctx.id("note", key, row)
            target = _target(ctx, row)
            g.add((note, RDF.type, ctx.term("Note")))
            g.add((note, RDF.type, URIRef(OA + "Annotation")))
            g.add((note, URIRef(OA + "hasTarget"), target))
            motive = "editing" if kind == "reconstruction" else "commenting"
            g.add((note, URIRef(OA + "motivatedBy"), URIRef(OA + motive)))
            g.add((note, ctx.term("noteKind"), ctx.id("note-kind", kind)))
            g.add((note, RDFS.label, Literal(f"Noot {key} ({kind})", lang="nl")))
            g.add((note, RDFS.label, Literal(f"Note {key} ({kind})", lang="en")))
            g.add((note, RDFS.comment, ctx.nl(row.required("text"))))
            g.add((note, DCTERMS.source, ctx.source(row.required("source"))))
            where = "|".join(p for p in (row["file"].strip(), row["row"].strip(), row["column"].strip()) if p)
            g.add((note, ctx.term("dataLocation"), Literal(where)))
            if row.get("printed").strip():
                g.add((note, ctx.term("printedValue"), Literal(row["printed"].strip())))
            if row.get("used").strip():
                g.add((note, ctx.term("usedValue"), Literal(row["used"].strip())))
            g.add((target, ctx.term("hasNote"), note))
            if kind == "reconstruction" and (target, RDF.type, None) in ctx.graph("tabel-6"):
                # A reconstructed cell says so itself, so a table view can flag it without reading notes.
                ctx.graph("tabel-6").add((target, SDMX_ATT.obsStatus, ctx.id("observation-status", "reconstructed")))
                ctx.graph("tabel-6").add((target, ctx.term("printedValue"), Literal(row["printed"].strip())))
            ctx.trace(note, row)
