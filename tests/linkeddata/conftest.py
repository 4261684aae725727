"""Fixtures for the linked-data tests: the real build served by a real server process, a small store
holding hostile literals, and Debian's headless chromium.

Servers are started as `almerekg serve` on free loopback ports, as in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from serverproc import TIMEOUT, InProcess, Server, chromium, get, head, start_server  # noqa: F401 - used by tests

from almerekg.store import BuildInfo, EmbeddedStore

BASE = "https://almerekg.example"
AK = BASE + "/def/"


@pytest.fixture(scope="session")
def ld_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_server(built_store, tmp_path_factory.mktemp("ld-server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def live_site(ld_server: Server) -> str:
    """The real server process (browsers, rebuilds): where the process is the point."""
    return ld_server.url


@pytest.fixture(scope="session")
def ld_app(built_store: Path) -> Iterator[InProcess]:
    """The same build, served by the app in this process: what a route answers (serverproc.InProcess)."""
    with InProcess(built_store, query_workers=2) as app:
        yield app


@pytest.fixture(scope="session")
def site(ld_app: InProcess) -> str:
    return ld_app.url


@pytest.fixture(scope="session")
def client(ld_app: InProcess):  # noqa: ANN201 - Flask's test client
    """Flask's test client of that app, for tests that read a response as Flask gives it."""
    return ld_app.client


@pytest.fixture(scope="session")
def store_quads(built_store: Path) -> list[ox.Quad]:
    """Every quad of the build the server serves, read straight from the store on disk."""
    store = ox.Store.read_only(str(built_store / "current" / "oxigraph"))
    return list(store.quads_for_pattern(None, None, None, None))


# -------------------------------------------------------------------------------------------------
# A store with hostile literals (only what the pages need; no ontology, no report, no downloads)
# -------------------------------------------------------------------------------------------------

SCRIPT_LABEL = "<script>document.body.setAttribute('data-xss','label')</script>Evil & Co"
IMG_QUOTE = "<img src=x onerror=\"document.body.setAttribute('data-xss','quote')\">"
PART_LABEL = "Tabel 9: </td></tr><script>document.body.setAttribute('data-xss','part')</script>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="session")
def xss_server(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    root = tmp_path_factory.mktemp("xss") / "store"
    g_firms, g_prov = f"<{BASE}/id/graph/firms>", f"<{BASE}/id/graph/provenance>"
    firm, part = f"<{BASE}/id/firm/evil>", f"<{BASE}/id/report-part/tabel-9>"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    lines = [
        f"{firm} {rdf_type} <{AK}Firm> {g_firms} .",
        f"{firm} {label} {_lit(SCRIPT_LABEL)}@nl {g_firms} .",
        f"{firm} <{AK}quote> {_lit(IMG_QUOTE)}@nl {g_firms} .",
        f"{firm} <http://www.w3.org/ns/prov#wasDerivedFrom> {part} {g_prov} .",
        f"{part} {rdf_type} <{AK}ReportPart> {g_firms} .",
        f"{part} {label} {_lit(PART_LABEL)} {g_firms} .",
        f'{part} <https://schema.org/pageStart> "9"^^<http://www.w3.org/2001/XMLSchema#integer> {g_firms} .',
    ]
    nq = root.parent / "xss.nq"
    nq.write_text("\n".join(lines) + "\n", encoding="utf-8")
    info = BuildInfo(build_id="xss-build", created="2026-01-01T00:00:00Z", base=BASE,
                     graphs={f"{BASE}/id/graph/firms": 6, f"{BASE}/id/graph/provenance": 1})
    EmbeddedStore(root).publish(nq, info)
    srv = start_server(root, tmp_path_factory.mktemp("xss-log"))
    yield srv
    srv.stop()


# -------------------------------------------------------------------------------------------------
# Headless chromium and HTML reading
# -------------------------------------------------------------------------------------------------




class TableRows(HTMLParser):
    """Text of every table row (cells joined by ' | '), and every link target, of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_html(text: str) -> TableRows:
    parser = TableRows()
    parser.feed(text)
    return parser
