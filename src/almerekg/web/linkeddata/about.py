"""What a thing's page answers before it lists triples: a sector's figures in Tabel 1 and 2, a place's figures
by table, a firm's facts as sentences with the report's words and page, its relationships said in words, its
networks; and the long lists of table cells grouped by table, labelled and capped.

Everything comes from the build being served: table cells from the index (GraphIndex.observations), facts and
relationships from one query each (the thing's IRI is one the build minted, see index.resource_path). The
phrasing is core/phrases.py's; the quotes are the report's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass, field

from ...engine import ActiveBuild
from ..core.i18n import N_, tr
from ..core.index import GraphIndex, Observation, ReportPart, Term, iri_ref, select
from ..core.phrases import fact_sentence, relation_parts
from ..state import AppState

CAP = 12  # cells, facts or links shown per group before "show all"


@dataclass
class Cite:
    text: str
    href: str | None
    title: str = ""


@dataclass
class Cell:
    text: str
    href: str | None = None
    note: str = ""  # e.g. "gedrukt: 7" where the value used differs from the print


@dataclass
class FigureRow:
    label: str  # the table's number ("Tabel 1"): short enough for a column heading on a phone
    measure: str  # what its figures count ("aantal vestigingen")
    href: str | None
    cells: list[Cell]
    cites: list[Cite] = field(default_factory=list)


@dataclass
class FigureTable:
    """One table of figures about a thing: rows are data sets, columns the values of the one dimension left."""

    datasets: set[str]
    caption: str
    corner: str
    columns: list[str]
    rows: list[FigureRow]


@dataclass
class CellGroup:
    """The cells of one data set that name the thing, labelled, capped."""

    key: str
    title: str
    href: str | None  # the saved query that shows the whole table
    total: int
    cells: list[CellItem]
    cites: list[Cite] = field(default_factory=list)


@dataclass
class CellItem:
    label: str
    figure: str
    href: str | None
    quote: str | None = None  # the report's words, where the figure comes from the running text
    cites: list[Cite] = field(default_factory=list)


@dataclass
class Fact:
    sentence: str
    qualifier: str
    quote: str | None
    cites: list[Cite]
    href: str | None
    doubt: list[tuple[str, str | None]] = field(default_factory=list)  # the notes that doubt it: (name, link)
    qualifier_lang: str = ""  # the language of the qualifier's words (the page's, where the data have it)
    # The sentence around a value in words of another language than the page's (the report's own words, e.g.
    # "het produceren van elektrische heftrucks" on an English page): before, the words, after, their language.
    words: tuple[str, str, str, str] | None = None


def in_language(terms: list[Term], lang: str) -> Term | None:
    """Of the same text in several languages (a qualifier, a note), the one in the page's language, else the
    Dutch one (the report's language), else any."""
    for want in (lang, "nl", "", "en"):
        for t in terms:
            if t.lang == want:
                return t
    return terms[0] if terms else None


# A statement the data mark uncertain (ak:certainty) reads as a possibility, never as a plain fact.
POSSIBLY = N_("Possibly")


@dataclass
class Said:
    """A claim in words about the thing: the report's words, in their language, and who says it."""

    text: str
    lang: str
    kind: str
    by: list[tuple[str, str | None]]  # (name, link) of each author, or the publication it first appeared in
    cites: list[Cite]
    href: str | None


@dataclass
class Relation:
    before: str
    other: str
    other_href: str | None
    after: str
    details: list[str]  # the year and the qualifier, in the page's language where the data have it
    quote: str | None
    cites: list[Cite]
    href: str | None
    network: bool
    details_lang: str = ""  # the language of the qualifier's words, where it is not the page's


def cites(index: GraphIndex, thing: str, lang: str, quote: str | None = None) -> list[Cite]:
    parts = [index.parts[p] for p in index.derived.get(thing, []) if p in index.parts]
    if not parts and thing.startswith(index.id_prefix + "dataset/"):
        # A data set reproduces the report part of the same name (the build's convention, as for graphs).
        same = index.id_prefix + "report-part/" + thing.rsplit("/", 1)[-1]
        parts = [index.parts[same]] if same in index.parts else []
    return [cite(index, p, lang, quote) for p in parts]


def cite(index: GraphIndex, part: ReportPart, lang: str, quote: str | None = None) -> Cite:
    return Cite(part.short(lang), index.cite(part, lang, quote), part.cite(lang))


# -------------------------------------------------------------------------------------------------
# Table cells
# -------------------------------------------------------------------------------------------------


def cells_about(index: GraphIndex, iri: str) -> dict[str, list[Observation]]:
    """The table cells that have the thing as one of their dimension values, by data set."""
    found: dict[str, list[Observation]] = defaultdict(list)
    for obs in index.observations.values():
        if any(t.value == iri for _p, t in obs.dims):
            found[obs.dataset].append(obs)
    return found


def _varying(cells: list[Observation], iri: str) -> list[str]:
    """The dimensions whose values differ between the cells (the thing's own dimension excluded)."""
    values: dict[str, set[str]] = defaultdict(set)
    for obs in cells:
        for p, t in obs.dims:
            if t.value != iri:
                values[p].add(t.value)
    return [p for p, vs in values.items() if len(vs) > 1]


def _order(index: GraphIndex, iri: str) -> tuple:
    return (index.row_order(iri), iri)


def _dataset_order(index: GraphIndex, dataset: str) -> tuple:
    """The report's own tables first (a data set named as a part of the report), then what was linked to them."""
    own = index.id_prefix + "report-part/" + dataset.rsplit("/", 1)[-1] in index.parts
    return (not own, *_order(index, dataset))


def _cell(index: GraphIndex, obs: Observation, lang: str) -> Cell:
    note = ""
    if obs.printed is not None and obs.value is not None and obs.printed not in ("-", obs.value.value) and \
            obs.printed.replace(".", "") != obs.value.value:
        note = tr(lang, "printed: %(printed)s", printed=obs.printed or tr(lang, "nothing"))
    return Cell(index.obs_value(obs.iri, lang), index.link(obs.iri, lang), note)


def figure_tables(index: GraphIndex, iri: str, lang: str, queries: dict[str, str]) -> list[FigureTable]:
    """Data sets in which the thing's cells vary along one dimension (a sector: by size class) as one table,
    one row per data set; data sets sharing that dimension share the table (Tabel 1 and 2)."""
    by_dim: dict[str, list[tuple[str, dict[str, Observation]]]] = defaultdict(list)
    for dataset, cells in sorted(cells_about(index, iri).items(), key=lambda kv: _dataset_order(index, kv[0])):
        varying = _varying(cells, iri)
        if len(varying) != 1 or len(cells) > CAP:
            continue
        dim = varying[0]
        by_dim[dim].append((dataset, {t.value: obs for obs in cells for p, t in obs.dims if p == dim}))
    tables = []
    for dim, rows in by_dim.items():
        columns = sorted({c for _d, cells in rows for c in cells}, key=lambda c: _order(index, c))
        name = index.display(iri, lang)
        figure_rows = [FigureRow(_short(index, d, lang), index.display(index.measures[d], lang)
                                 if d in index.measures else "", queries.get(d),
                                 [_cell(index, cells[c], lang) if c in cells else Cell("") for c in columns],
                                 cites(index, d, lang))
                       for d, cells in rows]
        what = (" " + tr(lang, "and") + " ").join(f"{r.measure} ({r.label})" if r.measure else r.label
                                           for r in figure_rows)
        tables.append(FigureTable(datasets={d for d, _c in rows}, caption=f"{name}: {what}",
                                  corner=index.display(dim, lang), columns=[index.display(c, lang) for c in columns],
                                  rows=figure_rows))
    return tables


@dataclass
class Bar:
    year: str  # '2009*' where CBS marks the year provisional
    text: str
    width: float  # per cent of the longest bar; 0 where CBS gives no number
    provisional: bool


@dataclass
class CbsBeside:
    """A sector's report figure (2009) beside CBS's (Almere, 2009), and CBS's series for Almere as bars."""

    measure: str  # 'establishments' or 'jobs' (the template words the definitions)
    table: str
    href: str | None
    report: Cell | None
    cbs: Cell | None
    bars: list[Bar]


REPORT_DATASETS = {"establishments": "tabel-1", "jobs": "tabel-2"}
CBS_YEAR = "2009"  # the year of Tabel 1 and 2


def cbs_beside(index: GraphIndex, iri: str, lang: str, queries: dict[str, str]) -> list[CbsBeside]:
    """For a sector: per measure, the report's total (Tabel 1 or 2) and CBS's linked figures for Almere."""
    cells = cells_about(index, iri)
    almere = index.id_prefix + "place/almere"
    provisional = index.id_prefix + "observation-status/provisional"
    out: list[CbsBeside] = []
    for measure, part in REPORT_DATASETS.items():
        report = next((o for o in cells.get(index.id_prefix + "dataset/" + part, [])
                       if any(t.value in index.totals for _p, t in o.dims if t.value != iri)), None)
        before = len(out)
        for dataset, found in sorted(cells.items()):
            if index.def_prefix + "LinkedDataSet" not in index.types.get(dataset, []) or \
                    index.measures.get(dataset) != index.def_prefix + measure:
                continue
            mine = sorted((o for o in found if any(t.value == almere for _p, t in o.dims)), key=_period)
            if not mine:
                continue
            top = max((float(o.value.value) for o in mine if o.value is not None), default=0.0) or 1.0
            bars = [Bar(_period(o) + ("*" if o.status == provisional else ""), index.obs_value(o.iri, lang),
                        round(100 * float(o.value.value) / top, 1) if o.value is not None else 0.0,
                        o.status == provisional) for o in mine]
            now = next((o for o in mine if _period(o) == CBS_YEAR), None)
            href = queries.get(dataset) or index.link(dataset, lang)
            out.append(CbsBeside(measure, _short(index, dataset, lang), href,
                                 _cell(index, report, lang) if report else None,
                                 _cell(index, now, lang) if now else None, bars))
        if len(out) == before and report is not None:  # no CBS table has this section: say so beside the report
            out.append(CbsBeside(measure, "", None, _cell(index, report, lang), None, []))
    return out


def _period(obs: Observation) -> str:
    return next((t.value for p, t in obs.dims if p.endswith("#refPeriod")), "")


def _short(index: GraphIndex, dataset: str, lang: str) -> str:
    label = index.display(dataset, lang)
    return label.split(":", 1)[0] if ":" in label else label


def cell_groups(index: GraphIndex, iri: str, lang: str, queries: dict[str, str], show_all: bool,
                skip: Set[str] = frozenset()) -> list[CellGroup]:
    """Every data set with cells about the thing (but those in `skip`, shown as figure tables): the cells
    labelled by what else they are about, the total cell first where the table has one, in the table's
    order, at most CAP unless all are asked for."""
    groups = []
    for dataset, cells in sorted(cells_about(index, iri).items(), key=lambda kv: _dataset_order(index, kv[0])):
        if dataset in skip:
            continue
        varying = _varying(cells, iri)
        ordered = sorted(cells, key=lambda o: (not _is_total(index, o, varying), _dim_order(index, o, varying)))
        shown = ordered if show_all else ordered[:CAP]
        groups.append(CellGroup(
            key=dataset.rsplit("/", 1)[-1], title=index.display(dataset, lang), href=queries.get(dataset),
            total=len(cells),
            cells=[_item(index, o, varying, lang) for o in shown],
            cites=cites(index, dataset, lang)))
    return groups


def _item(index: GraphIndex, obs: Observation, varying: list[str], lang: str) -> CellItem:
    quote = index.quotes.get(obs.iri)
    return CellItem(_cell_label(index, obs, varying, lang), index.obs_value(obs.iri, lang), index.link(obs.iri, lang),
                    quote, cites(index, obs.iri, lang, quote) if quote else [])


def _dim_order(index: GraphIndex, obs: Observation, varying: list[str]) -> tuple:
    return tuple(_order(index, t.value) for p, t in obs.dims if p in varying)


def _is_total(index: GraphIndex, obs: Observation, varying: list[str]) -> bool:
    """A cell in the total row and column of its table (as far as the cells shown differ)."""
    values = [t.value for p, t in obs.dims if p in varying]
    return bool(values) and all(v in index.totals for v in values)


def _cell_label(index: GraphIndex, obs: Observation, varying: list[str], lang: str) -> str:
    """What sets a cell apart from the others of its group: its values of the dimensions that vary."""
    shown = [index.display(t.value, lang) if t.is_iri else t.value for p, t in obs.dims if p in varying]
    if shown:
        return ", ".join(shown)
    title = index.obs_title(obs.iri, lang) or obs.iri
    return title.split(": ", 1)[1] if ": " in title else title


# -------------------------------------------------------------------------------------------------
# Facts and relationships
# -------------------------------------------------------------------------------------------------


def facts(state: AppState, build: ActiveBuild, index: GraphIndex, iri: str, lang: str) -> list[Fact]:
    """The statements about the thing (firm facts of Bijlage 3 and the text) as sentences, in data order."""
    ak, thing = index.def_prefix, iri_ref(iri)
    rows = select(state, build, f"""
        SELECT ?st ?fact ?value ?place ?unit ?qualifier ?certainty ?note WHERE {{ GRAPH ?g {{
          ?st <{ak}about> {thing} ;
          <{ak}fact> ?fact ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?value .
          OPTIONAL {{ ?st <{ak}valuePlace> ?place }}
          OPTIONAL {{ ?st <{ak}unit> ?unit }} OPTIONAL {{ ?st <{ak}qualifier> ?qualifier }}
          OPTIONAL {{ ?st <{ak}certainty> ?certainty }} }}
          OPTIONAL {{ GRAPH ?n {{ ?note <http://www.w3.org/ns/oa#hasTarget> ?st ; a <{ak}Note> }}
            FILTER(BOUND(?certainty)) }} }}""",
                  cache_key=("facts", iri, "doubt", "place"))
    by_statement: dict[str, list[dict[str, Term]]] = defaultdict(list)
    for r in rows:
        by_statement[r["st"].value].append(r)
    return [_fact(index, st, found, lang)
            for st, found in sorted(by_statement.items(), key=lambda kv: (index.row_order(kv[0]), kv[0]))]


def _fact(index: GraphIndex, st: str, rows: list[dict[str, Term]], lang: str) -> Fact:
    """One statement as a sentence: a place it names by the place's label in the page's language (Europa,
    Europe), its qualifier in the page's language, the notes that doubt it."""
    r = rows[0]
    kind, unit = r["fact"].value, r["unit"].value if "unit" in r else ""
    value = index.display(r["place"].value, lang) if "place" in r else r["value"].value
    sentence = fact_sentence(kind.rsplit("/", 1)[-1], index.display(kind, lang), value, unit, lang)
    if "certainty" in r:
        sentence = f"{tr(lang, POSSIBLY)} {sentence[:1].lower()}{sentence[1:]}"
    foreign = "place" not in r and r["value"].lang and r["value"].lang != lang
    before, mark, after = sentence.rpartition(value) if foreign else ("", "", "")
    qualifier = in_language(list({x["qualifier"] for x in rows if "qualifier" in x}), lang)
    quote = index.quotes.get(st)
    fact = Fact(sentence=sentence, qualifier=qualifier.value if qualifier else "",
                qualifier_lang=(qualifier.lang or "nl") if qualifier else "",
                quote=quote, cites=cites(index, st, lang, quote), href=index.link(st, lang),
                words=(before, value, after, r["value"].lang) if mark else None)
    for note in sorted({x["note"].value for x in rows if "note" in x}):
        fact.doubt.append((index.display(note, lang), index.link(note, lang)))
    return fact


def claims(state: AppState, build: ActiveBuild, index: GraphIndex, iri: str, lang: str) -> list[Said]:
    """The claims in words about the thing (graph claims), in data order: the report's words, the kind of claim,
    who makes it (schema:author, or the publication it first appeared in) and the passage it quotes."""
    ak, sdo, thing = index.def_prefix, "https://schema.org/", iri_ref(iri)
    rows = select(state, build, f"""
        SELECT ?claim ?text ?kind ?by WHERE {{ GRAPH ?g {{ ?claim <{sdo}about> {thing} ; <{sdo}text> ?text ;
          <{ak}claimKind> ?kind .
          OPTIONAL {{ {{ ?claim <{sdo}author> ?by }} UNION {{ ?claim <{sdo}firstAppearance> ?by }} }} }} }}""",
                  cache_key=("claims", iri))
    found: dict[str, Said] = {}
    for r in sorted(rows, key=lambda r: (index.row_order(r["claim"].value), r["claim"].value,
                                         r["by"].value if "by" in r else "")):
        claim = r["claim"].value
        said = found.get(claim)
        if said is None:
            text = r["text"]
            said = found[claim] = Said(text.value, text.lang or "nl", index.display(r["kind"].value, lang), [],
                                       cites(index, claim, lang, text.value), index.link(claim, lang))
        if "by" in r:
            said.by.append((index.display(r["by"].value, lang), index.link(r["by"].value, lang)))
    return list(found.values())


def relations(state: AppState, build: ActiveBuild, index: GraphIndex, iri: str, lang: str) -> list[Relation]:
    """The thing's relationships said from its side: 'onderzoekssamenwerking met Turing Institute Almere'."""
    ak, thing = index.def_prefix, iri_ref(iri)
    rows = select(state, build, f"""
        SELECT ?rel ?kind ?who ?partner ?share ?year ?qualifier WHERE {{
          {{ GRAPH ?g {{ ?rel <{ak}organisation> {thing} }} }} UNION {{ GRAPH ?g {{ ?rel <{ak}partner> {thing} }} }}
          GRAPH ?h {{ ?rel <{ak}relationKind> ?kind ; <{ak}organisation> ?who ; <{ak}partner> ?partner .
            OPTIONAL {{ ?rel <{ak}sharePercent> ?share }} OPTIONAL {{ ?rel <https://schema.org/startDate> ?year }}
            OPTIONAL {{ ?rel <{ak}qualifier> ?qualifier }} }} }}""", cache_key=("relations", iri))
    network = index.def_prefix + "Network"
    qualifiers: dict[str, list[Term]] = defaultdict(list)
    for r in rows:
        if "qualifier" in r and r["qualifier"] not in qualifiers[r["rel"].value]:
            qualifiers[r["rel"].value].append(r["qualifier"])
    out = []
    done: set[str] = set()
    for r in sorted(rows, key=lambda r: (index.row_order(r["rel"].value), r["rel"].value)):
        rel, kind = r["rel"].value, r["kind"].value
        if rel in done:  # one row per qualifier language
            continue
        done.add(rel)
        qualifier = in_language(qualifiers[rel], lang)
        own = r["who"].value == iri
        other = r["partner"].value if own else r["who"].value
        share = r["share"].value if "share" in r else None
        before, after = relation_parts(kind.rsplit("/", 1)[-1], index.display(kind, lang), own, share, lang)
        details = [d for d in (_year(r.get("year")), qualifier.value if qualifier else "") if d]
        quote = index.quotes.get(rel)
        out.append(Relation(before, index.display(other, lang), index.link(other, lang), after, details, quote,
                            cites(index, rel, lang, quote), index.link(rel, lang),
                            network in index.types.get(other, []) or network in index.types.get(iri, []),
                            (qualifier.lang or "nl") if qualifier else ""))
    return out


def _year(term: Term | None) -> str:
    return term.value if term is not None else ""


def establishment(state: AppState, build: ActiveBuild, index: GraphIndex, iri: str, lang: str) -> list[Fact]:
    """A firm's entry in Tabel 3 as sentences: its kind of establishment, what it does in Almere, its rank."""
    ak, thing = index.def_prefix, iri_ref(iri)
    rows = select(state, build, f"""
        SELECT ?site ?category ?activity ?marker WHERE {{
          GRAPH ?g {{ {thing} <http://www.w3.org/ns/org#hasSite> ?site }}
          GRAPH ?h {{ ?site <{ak}establishmentCategory> ?category ; <{ak}activity> ?activity .
            OPTIONAL {{ ?site <{ak}printedRankMarker> ?marker }} }} }}""", cache_key=("establishment", iri))
    out = []
    for r in rows:
        site = r["site"].value
        marker = r["marker"].value if "marker" in r else ""
        sentence = tr(lang, "Kind of establishment in Almere: %(kind)s; does: %(activity)s",
                      kind=index.display(r["category"].value, lang), activity=index.display(r["activity"].value, lang))
        qualifier = tr(lang, "rank in Table 3: %(marker)s", marker=marker) if marker else ""
        out.append(Fact(sentence, qualifier, None, cites(index, site, lang), index.link(site, lang)))
    return out
