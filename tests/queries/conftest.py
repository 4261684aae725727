"""Fixtures for the saved-query tests: the real build served by a real server process, a copy of it
with hostile labels, Debian's headless chromium, and an HTML reader for the report tables."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import serverproc
from serverproc import TIMEOUT, InProcess, Server, get, start_server  # noqa: F401 - used by tests

from almerekg.store import BuildInfo, EmbeddedStore

BASE = "https://almerekg.example"
# A label that would run if a page pasted it in unescaped: it marks the body for the test to see.
SCRIPT_LABEL = "<script>document.body.setAttribute('data-pwned','label')</script>Landbouw & <b>co</b>"
IMG_NAME = "USG <img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> People"


@pytest.fixture(scope="session")
def q_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_server(built_store, tmp_path_factory.mktemp("queries-server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def live_site(q_server: Server) -> str:
    """The real server process, for the browser."""
    return q_server.url


@pytest.fixture(scope="session")
def site(built_store: Path) -> Iterator[str]:
    """The same build, served by the app in this process: what a route answers (serverproc.InProcess)."""
    with InProcess(built_store, query_workers=2) as app:
        yield app.url


@pytest.fixture(scope="session")
def hostile_store(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real build with two labels replaced by markup: sector A (a Tabel 1 row label, printed
    by the query itself) and USG People (a firm in the R&D list, also shown through the label
    lookup)."""
    src = ox.Store.read_only(str(built_store / "current" / "oxigraph"))
    info = BuildInfo.from_file(built_store / "current" / "build.json")
    sector_a = ox.NamedNode(BASE + "/id/sector/a")
    usg = ox.NamedNode(BASE + "/id/firm/usg-people")
    labels = {ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
              ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")}
    quads = []
    counts: dict[str, int] = {}
    for q in src.quads_for_pattern(None, None, None, None):
        if q.predicate in labels and q.subject == sector_a:
            q = ox.Quad(q.subject, q.predicate, ox.Literal(SCRIPT_LABEL, language="nl"), q.graph_name)
        elif q.predicate in labels and q.subject == usg:
            q = ox.Quad(q.subject, q.predicate, ox.Literal(IMG_NAME), q.graph_name)
        quads.append(q)
    unique = list(dict.fromkeys(quads))
    for q in unique:
        counts[q.graph_name.value] = counts.get(q.graph_name.value, 0) + 1
    root = tmp_path_factory.mktemp("hostile") / "store"
    nq = root.parent / "hostile.nq"
    nq.write_bytes(ox.serialize(unique, format=ox.RdfFormat.N_QUADS))
    EmbeddedStore(root).publish(nq, BuildInfo(build_id="hostile-" + info.build_id[:8],
                                              created=info.created, base=info.base, graphs=counts))
    return root


@pytest.fixture(scope="session")
def hostile_site(hostile_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_server(hostile_store, tmp_path_factory.mktemp("hostile-log"))
    yield srv.url
    srv.stop()


def chromium(*args: str) -> str:
    """Headless chromium in Dutch (the pages' default language without ?lang=)."""
    return serverproc.chromium("--lang=nl", *args)


class ReportTable(HTMLParser):
    """The table with id=report-table: rows of cells; a cell is its text, or the list of its items
    when it holds a list. Note references (sup.noteref) and 'printed' remarks are left out; they are
    collected apart (cell -> notes, cell -> printed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str | list[str]]] = []
        self.cell_tags: list[list[str]] = []  # per row: the tag of each cell (th/td)
        self.notes: dict[tuple[int, int], list[str]] = {}
        self.printed: dict[tuple[int, int], str] = {}
        self.classes: dict[tuple[int, int], str] = {}
        self.scopes: list[str] = []
        self.caption = ""
        self.links: list[str] = []
        self._in_table = False
        self._caption: list[str] | None = None
        self._row: list | None = None
        self._tags: list[str] | None = None
        self._cell: list[str] | None = None
        self._items: list[str] | None = None
        self._item: list[str] | None = None
        self._skip = 0  # inside sup.noteref or span.printed
        self._skip_kind = ""
        self._skip_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id") == "report-table":
            self._in_table = True
            return
        if not self._in_table:
            return
        cls = a.get("class") or ""
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if self._skip:
            self._skip += 1 if tag in ("sup", "span") else 0
            return
        if tag in ("sup", "span") and ("noteref" in cls or "printed" in cls):
            self._skip, self._skip_kind, self._skip_text = 1, "note" if "noteref" in cls else "printed", []
            return
        if tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row, self._tags = [], []
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._items = [], None
            self._tags.append(tag)
            if a.get("scope"):
                self.scopes.append(a["scope"])
            self.classes[(len(self.rows), len(self._row))] = cls
        elif tag == "ul" and self._cell is not None:
            self._items = []
        elif tag == "li" and self._items is not None:
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if not self._in_table:
            return
        if self._skip:
            if tag in ("sup", "span"):
                self._skip -= 1
                if self._skip == 0 and self._row is not None:
                    key = (len(self.rows), len(self._row))
                    text = " ".join("".join(self._skip_text).split())
                    if self._skip_kind == "note":
                        self.notes.setdefault(key, []).append(text)
                    else:
                        self.printed[key] = text
            return
        if tag == "table":
            self._in_table = False
        elif tag == "caption" and self._caption is not None:
            self.caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "li" and self._item is not None and self._items is not None:
            self._items.append(" ".join("".join(self._item).split()))
            self._item = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(self._items if self._items is not None else " ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self.cell_tags.append(self._tags or [])
            self._row = None

    def handle_data(self, data: str) -> None:
        if not self._in_table:
            return
        if self._skip:
            self._skip_text.append(data)
        elif self._caption is not None:
            self._caption.append(data)
        elif self._item is not None:
            self._item.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def report_table(html: str) -> ReportTable:
    parser = ReportTable()
    parser.feed(html)
    assert parser.rows, "no table with id=report-table on the page"
    return parser
