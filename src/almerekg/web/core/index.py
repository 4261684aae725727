"""What the linked-data pages need to know about the whole build, loaded once per build id.

Labels, types, the set of IRIs that exist, report parts with their pages, the provenance of every
subject and per-graph statistics are asked of the query workers (through the Engine, like every other
query) the first time a page needs them for a build, and kept until the next build is served. The graph
is small (tens of thousands of triples); these indexes hold a few thousand entries.

Queries for one resource (its statements, its incoming links) also go through the Engine and its
result cache. The resource IRI is spliced into the query text, but only after `resource_path` accepted
it against the slug pattern the build mints IRIs with, which admits no character that could end the
IRI; text a user types (search) never goes into SPARQL at all.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from babel import dates as babel_dates
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ...dumps import prefixes
from ...engine import ActiveBuild, QueryRequest
from ...engine.rows import Term
from ...engine.rows import select as rows_of
from ...vocab import link_for
from ..state import AppState
from .citations import cite_href
from .i18n import LANGS, with_lang
from .phrases import format_number, relation_phrase

INTERNAL_MAX_BYTES = 1024 * 1024 * 1024

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
DCT_TYPE = "http://purl.org/dc/terms/type"
ORG_ORGANIZATION = "http://www.w3.org/ns/org#Organization"
QB_OBSERVATION = "http://purl.org/linked-data/cube#Observation"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS_NS = str(DCTERMS)
# The licence when neither the settings nor the ontology name one.
DEFAULT_LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"

# Which label wins when a thing has several (lower is better).
LABEL_RANK = {RDFS_LABEL: 0, SKOS + "prefLabel": 1, SCHEMA + "name": 2}
# Names that only help finding a thing (the report spells some names in more than one way).
SEARCH_ONLY = (SKOS + "altLabel", SKOS + "hiddenLabel", SCHEMA + "alternateName")

# /id/{type}/{ref}: lower-case slugs, exactly what vocab.Iris.id mints; nothing else is ours.
_ID_PATH = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)+$")
_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


PART_LABEL_RANK = {"nl": 0, "": 1}


@dataclass(frozen=True)
class ReportPart:
    iri: str
    label: str
    page: int | None
    kind: str  # table | section | appendix | list

    def cite(self, lang: str) -> str:
        if self.page is None:
            return self.label
        return f"{self.label}, {'p.' if lang == 'en' else 'blz.'} {self.page}"

    def short(self, lang: str) -> str:
        """'Tabel 3, blz. 13': the number of a table or appendix without its caption."""
        name = self.label.split(":", 1)[0] if ":" in self.label else self.label
        return name if self.page is None else f"{name}, {'p.' if lang == 'en' else 'blz.'} {self.page}"


@dataclass
class GraphStats:
    iri: str
    triples: int = 0
    subjects: int = 0
    properties: int = 0
    objects: int = 0
    classes: int = 0
    entities: int = 0


@dataclass
class Observation:
    """A table cell (qb:Observation): its data set, its dimension values in the table's order, its figure."""

    iri: str
    dataset: str
    dims: list[tuple[str, Term]]
    value: Term | None = None
    printed: str | None = None
    unit: str | None = None
    status: str | None = None


QB = "http://purl.org/linked-data/cube#"
DCTERMS_RELATION = "http://purl.org/dc/terms/relation"
# What CBS's symbols say (CBS's legend), where a CBS cell has no number (ak:UnpublishedFigure).
CBS_SYMBOLS = {"x": ("geheim (CBS: x)", "secret (CBS: x)"),
               ".": ("niet beschikbaar (CBS: .)", "not available (CBS: .)")}
SDMX_UNIT = "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"
SDMX_STATUS = "http://purl.org/linked-data/sdmx/2009/attribute#obsStatus"


@dataclass
class SearchEntry:
    """A thing the site's search can find: its kind (site/search.py's KINDS) and its names, display name first."""

    iri: str
    kind: str
    names: list[str]


def format_date(value: str, lang: str) -> str:
    """'2011-01' -> 'januari 2011' / 'January 2011' (the month's name from Babel's CLDR data); anything else as
    it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if m and 1 <= int(m.group(2)) <= 12:
        return babel_dates.format_date(date(int(m.group(1)), int(m.group(2)), 1), "MMMM y", locale=lang or "nl")
    return value


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for searching ("Café" finds "cafe")."""
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c)).casefold()


# -------------------------------------------------------------------------------------------------
# Running queries through the engine
# -------------------------------------------------------------------------------------------------


def select(state: AppState, build: ActiveBuild, query: str, cache_key: tuple | None = None
           ) -> list[dict[str, Term]]:
    """Rows of a SELECT as typed terms (engine/rows.py); cached per build when a key is given."""
    return rows_of(state.engine, _request(state, build, query, cache_key)).rows


def construct(state: AppState, build: ActiveBuild, query: str, media_type: str,
              cache_key: tuple | None = None) -> bytes:
    """A CONSTRUCT answer serialised by the worker in the given RDF media type."""
    request = replace(_request(state, build, query, cache_key), results_type=None, graph_type=media_type)
    return state.engine.query(request).body


def _request(state: AppState, build: ActiveBuild, query: str, cache_key: tuple | None) -> QueryRequest:
    """One of the pages' own queries, through the engine like every query (its failures raise errors.AppError)."""
    return QueryRequest(
        query,
        union_default=False,
        # The result limit protects the server from what users ask; these are our own queries, whose
        # answers are bounded by the graph itself, so a deployment's small limit must not break pages.
        max_bytes=max(state.settings.max_result_bytes, INTERNAL_MAX_BYTES),
        prefixes=tuple(prefixes(build.info.base).items()),
        cache=cache_key is not None,
    )


def iri_ref(iri: str) -> str:
    """<iri> for query text, refusing anything that could break out of the IRI."""
    if any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        raise ValueError(f"not a safe IRI: {iri!r}")
    return f"<{iri}>"


# -------------------------------------------------------------------------------------------------
# The index
# -------------------------------------------------------------------------------------------------


@dataclass
class GraphIndex:
    build_id: str
    base: str
    graphs: list[str]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    types: dict[str, list[str]] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)
    # VoID class partitions: the entities (typed IRIs under /id/) of each class; class_counts counts every subject.
    class_entities: dict[str, int] = field(default_factory=dict)
    parts: dict[str, ReportPart] = field(default_factory=dict)
    graph_parts: dict[str, str] = field(default_factory=dict)
    derived: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, list[str]] = field(default_factory=dict)
    stats: dict[str, GraphStats] = field(default_factory=dict)
    class_counts: dict[str, int] = field(default_factory=dict)
    property_counts: dict[str, int] = field(default_factory=dict)
    distinct_triples: int = 0  # the union of all graphs, a triple stated in two graphs counted once
    distinct_subjects: int = 0
    distinct_objects: int = 0
    report: dict[str, list[Term]] = field(default_factory=dict)
    report_iri: str = ""
    search_entries: list[SearchEntry] = field(default_factory=list)
    made_labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # statement -> (fact kind, value)
    quotes: dict[str, str] = field(default_factory=dict)  # thing -> the report's words it was made from (ak:quote)
    observations: dict[str, Observation] = field(default_factory=dict)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # relationship -> lang -> title in words
    totals: set[str] = field(default_factory=set)  # codes that stand for a table's total row or column
    measures: dict[str, str] = field(default_factory=dict)  # data set -> the property its cells' figure is in
    # (relationship, kind, organisation, partner, share): every ak:Relationship, for the network picture
    relationships: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)
    ontology: Graph | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _diagram: list | None = field(default=None, repr=False)

    def license_iri(self, configured: str = "") -> str:
        """The dataset's licence: the configured one (--license), else the ontology's dct:license, else CC0 1.0."""
        onto = self.ontology.value(URIRef(self.base + "/def"), DCTERMS.license) if self.ontology is not None else None
        return str(configured or onto or DEFAULT_LICENSE)

    def report_title(self) -> str:
        return next((t.value for t in self.report.get(DCTERMS_NS + "title", [])), "")

    # -- IRIs and paths ---------------------------------------------------------------------------
    @property
    def id_prefix(self) -> str:
        return self.base + "/id/"

    @property
    def def_prefix(self) -> str:
        return self.base + "/def/"

    @property
    def provenance_graph(self) -> str:
        return self.base + "/id/graph/provenance"

    @property
    def ontology_graph(self) -> str:
        return self.base + "/id/graph/ontology"

    def href(self, iri: str) -> str | None:
        """Where a browser on this server finds a thing (vocab.link_for: no link for a non-web IRI)."""
        return link_for(iri, self.base)

    def link(self, iri: str, lang: str) -> str | None:
        """href, naming the page's language on our own pages (so that a followed link keeps it)."""
        href = link_for(iri, self.base)
        if href is not None and lang in LANGS and href.startswith("/"):
            return with_lang(href, lang)
        return href

    def is_ours(self, iri: str) -> bool:
        return iri.startswith(self.base + "/")

    def curie(self, iri: str) -> str:
        for prefix, ns in prefixes(self.base).items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    # -- labels -----------------------------------------------------------------------------------
    def label(self, iri: str, lang: str = "nl") -> str | None:
        titled = self.titles.get(iri)
        if titled:
            return titled.get(lang) or titled.get("nl")
        found = self.labels.get(iri)
        if not found:
            return None
        for want in (lang, "nl", "", "en"):
            if want in found:
                return found[want]
        return next(iter(found.values()))

    def display(self, iri: str, lang: str = "nl") -> str:
        """A label, or a short form of the IRI when the graph has no label for it."""
        found = self.label(iri, lang) or self.fallback_label(iri, lang) or self.obs_title(iri, lang)
        if found:
            return found
        if iri.startswith(self.id_prefix):
            return iri[len(self.id_prefix):]
        return self.curie(iri)

    def fallback_label(self, iri: str, lang: str) -> str | None:
        """A made-up label for things the data leave unlabelled (a statement: 'founded: 1972')."""
        made = self.made_labels.get(iri)
        if made is None:
            return None
        kind, value = made
        return f"{self.label(kind, lang) or kind.rsplit('/', 1)[-1]}: {value}"

    # -- table cells ------------------------------------------------------------------------------
    def obs_title(self, iri: str, lang: str, skip: str | None = None) -> str | None:
        """'Tabel 1: Informatie en communicatie, 2-4': the table and the cell's row and column (not `skip`)."""
        obs = self.observations.get(iri)
        if obs is None:
            return None
        table = self.display(obs.dataset, lang)
        short = table.split(":", 1)[0] if ":" in table else table
        dims = [self.display(t.value, lang) if t.is_iri else t.value for p, t in obs.dims if t.value != skip]
        return f"{short}: {', '.join(dims)}" if dims else short

    def obs_value(self, iri: str, lang: str) -> str:
        """The figure of a cell as the reader's language writes it, with its unit ('1.174', '46 procent')."""
        obs = self.observations.get(iri)
        if obs is not None and obs.value is None and obs.printed in CBS_SYMBOLS:
            return CBS_SYMBOLS[obs.printed][lang == "en"]
        if obs is None or obs.value is None:
            return ""
        if obs.printed == "-":
            return "-"
        text = format_number(obs.value.value, lang) if obs.value.datatype.startswith(XSD) else obs.value.value
        unit = self.label(obs.unit, lang) if obs.unit else None
        return f"{text} {unit}" if unit else text

    def row_order(self, iri: str) -> tuple[str, int]:
        """Where a thing's first data row is: the order in which data/ (and the report) list things."""
        best = ("~", 0)
        for where in self.rows.get(iri, []):
            file, _sep, line = where.rpartition(":")
            key = (file, int(line) if line.isdigit() else 0)
            best = min(best, key)
        return best

    def report_values(self, prop: str) -> list[Term]:
        """Values of a property of the report, things in the order the report names them."""
        return sorted(self.report.get(prop, []), key=lambda t: (self.row_order(t.value), t.value))

    # -- provenance -------------------------------------------------------------------------------
    def sources(self, graph: str, subject: str) -> list[ReportPart]:
        """The report parts a statement in `graph` about `subject` comes from.

        A table graph (tabel-3, bijlage-3, ...) holds only what its part of the report prints, so its
        statements cite that part. Elsewhere a statement cites the parts its subject derives from,
        leaving out parts that have a graph of their own (those parts' statements live there).
        """
        own = self.graph_parts.get(graph)
        if own is not None:
            return [self.parts[own]]
        derived = [p for p in self.derived.get(subject, []) if p in self.parts]
        outside = [p for p in derived if p not in self.graph_parts.values()]
        return [self.parts[p] for p in (outside or derived)]

    def cite(self, part: ReportPart, lang: str, quote: str | None = None) -> str | None:
        """The link of a citation: the passage in /report, with the quoted words highlighted when given."""
        prefix = self.id_prefix + "report-part/"
        if not part.iri.startswith(prefix):
            return self.link(part.iri, lang)
        return cite_href(part.iri[len(prefix):], quote, lang)

    # -- ontology diagram (made on first use: only /def needs it) ------------------------------------
    def main_type(self, iri: str) -> str | None:
        """The one class that best says what a thing is, for the overview diagram."""
        types = self.types.get(iri, [])
        for t in types:
            if t.startswith(self.def_prefix):
                return t
        for preferred in (SCHEMA + "Report", QB_OBSERVATION, "http://purl.org/linked-data/cube#DataSet",
                          SCHEMA + "Place", ORG_ORGANIZATION, SKOS + "ConceptScheme", SKOS + "Concept"):
            if preferred in types:
                return preferred
        return types[0] if types else None


# Kinds of things the search box finds, in the order results are shown.
SEARCH_KINDS = (
    ("firm", "Firm"), ("network", "Network"), ("organisation", ORG_ORGANIZATION), ("sector", "Sector"),
    ("place", SCHEMA + "Place"), ("cluster", "Cluster"),
)


def _q(index: GraphIndex) -> dict[str, str]:
    return {"base": index.base, "prov": iri_ref(index.provenance_graph), "onto": iri_ref(index.ontology_graph),
            "ak": index.def_prefix}


def _load(state: AppState, build: ActiveBuild) -> GraphIndex:
    info = build.info
    base = info.base.rstrip("/")
    index = GraphIndex(build_id=info.build_id, base=base, graphs=sorted(info.graphs))
    q = _q(index)

    ranks: dict[tuple[str, str], int] = {}
    names: dict[str, list[str]] = defaultdict(list)
    for row in select(state, build, f"""
        SELECT DISTINCT ?s ?p ?l WHERE {{ GRAPH ?g {{ ?s ?p ?l }}
          VALUES ?p {{ <{RDFS_LABEL}> <{SKOS}prefLabel> <{SCHEMA}name> <{SKOS}altLabel> <{SKOS}hiddenLabel>
                       <{SCHEMA}alternateName> }}
          FILTER(isIRI(?s) && isLiteral(?l)) }}"""):
        s, p, lit = row["s"].value, row["p"].value, row["l"]
        if lit.value not in names[s]:
            names[s].append(lit.value)
        if p in SEARCH_ONLY:
            continue
        rank = LABEL_RANK[p]
        if rank < ranks.get((s, lit.lang), 99):
            ranks[(s, lit.lang)] = rank
            index.labels.setdefault(s, {})[lit.lang] = lit.value

    for row in select(state, build, "SELECT DISTINCT ?s ?t WHERE { GRAPH ?g { ?s a ?t } FILTER(isIRI(?t)) }"):
        index.types.setdefault(row["s"].value, []).append(row["t"].value)
    for types in index.types.values():
        types.sort()

    for row in select(state, build, f"""
        SELECT DISTINCT ?x WHERE {{
          {{ GRAPH ?g {{ ?x ?p ?o }} }} UNION {{ GRAPH ?g {{ ?s ?p ?x }} }}
          FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{q['base']}/id/")) }}"""):
        index.known.add(row["x"].value)
    index.known.update(g for g in index.graphs if g.startswith(index.id_prefix))

    part_rank: dict[str, int] = {}
    for row in select(state, build, f"""
        SELECT ?part ?label ?page ?kind WHERE {{
          GRAPH ?g {{ ?part a <{q['ak']}ReportPart> ; <{RDFS_LABEL}> ?label }}
          OPTIONAL {{ GRAPH ?g2 {{ ?part <{SCHEMA}pageStart> ?page }} }}
          OPTIONAL {{ GRAPH ?g3 {{ ?part <{DCT_TYPE}> ?kind }} }} }}"""):
        # Cited by the report's own (Dutch) name on pages in either language, as a reader finds it in the
        # report; an untagged label where a store has no Dutch one, any other only as a last resort.
        rank = PART_LABEL_RANK.get(row["label"].lang, len(PART_LABEL_RANK))
        known = part_rank.get(row["part"].value)
        if known is not None and known <= rank:
            continue
        part_rank[row["part"].value] = rank
        page = row.get("page")
        index.parts[row["part"].value] = ReportPart(
            iri=row["part"].value, label=row["label"].value,
            page=int(page.value) if page is not None and page.value.isdigit() else None,
            kind=row["kind"].value if "kind" in row else "")
    for g in index.graphs:
        # Convention of the build: graph <.../id/graph/tabel-3> holds what report part tabel-3 prints.
        part = index.id_prefix + "report-part/" + g.rsplit("/", 1)[-1]
        if part in index.parts:
            index.graph_parts[g] = part

    for row in select(state, build, f"SELECT ?s ?o WHERE {{ GRAPH {q['prov']} {{ ?s <{PROV_DERIVED}> ?o }} }}"):
        index.derived.setdefault(row["s"].value, []).append(row["o"].value)
    for row in select(state, build, f"SELECT ?s ?o WHERE {{ GRAPH {q['prov']} {{ ?s <{q['ak']}sourceRow> ?o }} }}"):
        index.rows.setdefault(row["s"].value, []).append(row["o"].value)
    for values in (*index.derived.values(), *index.rows.values()):
        values.sort()

    for row in select(state, build, """
        SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
               (COUNT(DISTINCT ?o) AS ?objects)
        WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"""):
        index.stats[row["g"].value] = GraphStats(
            iri=row["g"].value, triples=int(row["triples"].value), subjects=int(row["subjects"].value),
            properties=int(row["properties"].value), objects=int(row["objects"].value))
    # VoID's entities, at every level one definition: the distinct IRIs under {base}/id/ that have a type.
    entity = f'isIRI(?s) && STRSTARTS(STR(?s), "{q["base"]}/id/")'
    for row in select(state, build, f"""
        SELECT ?g (COUNT(DISTINCT ?c) AS ?classes) (COUNT(DISTINCT ?e) AS ?entities)
        WHERE {{ GRAPH ?g {{ ?s a ?c }} BIND(IF({entity}, ?s, ?unbound) AS ?e) }} GROUP BY ?g"""):
        st = index.stats.setdefault(row["g"].value, GraphStats(iri=row["g"].value))
        st.classes, st.entities = int(row["classes"].value), int(row["entities"].value)
    for row in select(state, build, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c"):
        index.class_counts[row["c"].value] = int(row["n"].value)
    for row in select(state, build, f"""
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER({entity}) }} GROUP BY ?c"""):
        index.class_entities[row["c"].value] = int(row["n"].value)
    # Triples, at every level: distinct (a triple stored in two graphs is one triple of the union).
    for row in select(state, build, """
        SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?p"""):
        index.property_counts[row["p"].value] = int(row["n"].value)
    rows = select(state, build, """
        SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
        WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }""")
    if rows:
        index.distinct_triples = int(rows[0]["n"].value)
        index.distinct_subjects = int(rows[0]["subjects"].value)
        index.distinct_objects = int(rows[0]["objects"].value)

    for row in select(state, build, f"""
        SELECT ?r ?p ?o WHERE {{ GRAPH ?g {{ ?r a <{SCHEMA}Report> ; ?p ?o }} }} ORDER BY ?p ?o"""):
        index.report_iri = row["r"].value
        index.report.setdefault(row["p"].value, []).append(row["o"])

    for row in select(state, build, f"""
        SELECT ?s ?fact ?v WHERE {{ GRAPH ?g {{ ?s a <{q['ak']}Statement> ; <{q['ak']}fact> ?fact ;
          <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v }} }}"""):
        index.made_labels[row["s"].value] = (row["fact"].value, row["v"].value)

    for row in select(state, build, f"""
        SELECT ?s ?quote WHERE {{ GRAPH ?g {{ ?s <{q['ak']}quote> ?quote }} }} ORDER BY ?s ?quote"""):
        index.quotes.setdefault(row["s"].value, row["quote"].value)

    _load_observations(state, build, index)
    _load_relationship_titles(state, build, index)

    nt = construct(state, build, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {q['onto']} {{ ?s ?p ?o }} }}",
                   "application/n-triples")
    index.ontology = Graph()
    index.ontology.parse(data=nt.decode("utf-8"), format="nt")

    kinds = [(key, cls if cls.startswith("http") else index.def_prefix + cls) for key, cls in SEARCH_KINDS]
    seen: set[str] = set()
    for key, cls in kinds:
        for iri, types in index.types.items():
            if cls in types and iri not in seen and iri in names:
                seen.add(iri)
                display = index.label(iri) or names[iri][0]
                ordered = [display] + [n for n in names[iri] if n != display]
                index.search_entries.append(SearchEntry(iri, key, ordered))
    return index


def _load_observations(state: AppState, build: ActiveBuild, index: GraphIndex) -> None:
    """Every table cell with its dimension values in the order of its data set's structure."""
    dims: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in select(state, build, f"""
        SELECT DISTINCT ?ds ?dim ?order WHERE {{ GRAPH ?g {{ ?ds <{QB}structure> ?dsd . ?dsd <{QB}component> ?c .
          ?c <{QB}dimension> ?dim OPTIONAL {{ ?c <{QB}order> ?order }} }} }}"""):
        rank = row.get("order")
        dims[row["ds"].value].append((int(rank.value) if rank and rank.value.isdigit() else 99, row["dim"].value))
    measures: dict[str, str] = {}
    for row in select(state, build, f"""
        SELECT DISTINCT ?ds ?m WHERE {{ GRAPH ?g {{ ?ds <{QB}structure> ?dsd . ?dsd <{QB}component> ?c .
          ?c <{QB}measure> ?m }} }}"""):
        measures.setdefault(row["ds"].value, row["m"].value)
    index.measures = measures
    for row in select(state, build, f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s <{index.def_prefix}isTotal> true }} }}"):
        index.totals.add(row["s"].value)
    every_dim = {d for found in dims.values() for _o, d in found}
    props: dict[str, dict[str, Term]] = defaultdict(dict)
    for row in select(state, build, f"""
        SELECT ?obs ?p ?o WHERE {{ GRAPH ?g {{ {{ ?obs a <{QB}Observation> }} UNION
          {{ ?obs a <{index.def_prefix}UnpublishedFigure> }} ?obs ?p ?o }} }}"""):
        if row["p"].value == SDMX_STATUS and "/observation-status/cbs-" in row["o"].value:
            continue  # CBS's symbol (ak:cbsSymbol) says it; the status kept is the period's (provisional)
        props[row["obs"].value].setdefault(row["p"].value, row["o"])
    for iri, have in props.items():
        # A CBS cell printed as x or . sits beside its data set (dcterms:relation): shown in its place, as words.
        dataset = have.get(QB + "dataSet") or have.get(DCTERMS_RELATION)
        if dataset is None:
            continue
        order = [d for _o, d in sorted(dims.get(dataset.value, []))] or sorted(p for p in have if p in every_dim)
        measure = measures.get(dataset.value)
        printed = have.get(index.def_prefix + "printedValue") or have.get(index.def_prefix + "cbsSymbol")
        unit, status = have.get(SDMX_UNIT), have.get(SDMX_STATUS)
        index.observations[iri] = Observation(
            iri, dataset.value, [(d, have[d]) for d in order if d in have],
            value=have.get(measure) if measure else None, printed=printed.value if printed else None,
            unit=unit.value if unit else None, status=status.value if status else None)


def _load_relationship_titles(state: AppState, build: ActiveBuild, index: GraphIndex) -> None:
    """'Emotional Brain: onderzoekssamenwerking met Turing Institute Almere', for every relationship."""
    ak = index.def_prefix
    for row in select(state, build, f"""
        SELECT ?rel ?kind ?who ?partner ?share WHERE {{ GRAPH ?g {{ ?rel <{ak}relationKind> ?kind ;
          <{ak}organisation> ?who ; <{ak}partner> ?partner OPTIONAL {{ ?rel <{ak}sharePercent> ?share }} }} }}
        ORDER BY ?rel"""):
        kind = row["kind"].value
        share = row["share"].value if "share" in row else None
        index.relationships.append((row["rel"].value, kind, row["who"].value, row["partner"].value, share))
        index.titles[row["rel"].value] = {
            lang: f"{index.display(row['who'].value, lang)}: " + relation_phrase(
                kind.rsplit("/", 1)[-1], index.display(kind, lang), True, index.display(row["partner"].value, lang),
                share, lang)
            for lang in ("nl", "en")}


def diagram_edges(state: AppState, build: ActiveBuild, index: GraphIndex) -> list[tuple[str, str, str, int]]:
    """(class, property, class, count) of the links between things, by each thing's main class.

    Computed from the data rather than from rdfs:domain/range, which the ontology leaves open for many
    properties: the diagram then shows how the graph really connects.
    """
    with index._lock:
        if index._diagram is not None:
            return index._diagram
        counts: dict[tuple[str, str, str], int] = defaultdict(int)
        for row in select(state, build, f"""
            SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
              FILTER(isIRI(?o) && ?p != <{RDF_TYPE}> && STRSTARTS(STR(?o), "{index.base}/id/")) }}"""):
            a, b = index.main_type(row["s"].value), index.main_type(row["o"].value)
            if a and b:
                counts[(a, row["p"].value, b)] += 1
        index._diagram = sorted(((a, p, b, n) for (a, p, b), n in counts.items()), key=lambda x: -x[3])
        return index._diagram


# -------------------------------------------------------------------------------------------------
# One index per build, kept on the app
# -------------------------------------------------------------------------------------------------


class IndexHolder:
    """The index of the build being served; a new build id loads a new one (once, under a lock)."""

    def __init__(self) -> None:
        self._index: GraphIndex | None = None
        self._lock = threading.Lock()

    def get(self, state: AppState, build: ActiveBuild) -> GraphIndex:
        current = self._index
        if current is not None and current.build_id == build.info.build_id:
            return current
        with self._lock:
            current = self._index
            if current is not None and current.build_id == build.info.build_id:
                return current
            fresh = _load(state, build)
            self._index = fresh
            return fresh


def resource_path(path: str) -> str | None:
    """The {type}/{ref} part of an /id or /doc path, if it is one the build could have minted."""
    return path if _ID_PATH.match(path) else None


def term_name(name: str) -> str | None:
    return name if _TERM.match(name) else None
