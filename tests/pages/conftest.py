"""Fixtures for the page tests: the real build served by a real server process, the data files the expected
values are computed from, and Debian's chromium driven by Playwright (clicks, typing, the clipboard, axe-core
injected into the page) for the journeys a reader takes.

Playwright comes from the `test` extra and drives /usr/bin/chromium (its own browser download is never used);
axe-core comes from npm (scripts/setup.sh --test). The journeys' screenshots go to var/screenshots/
(ALMEREKG_SCREENSHOTS moves them), named at the end of the test run. The accessibility walk's 164 full pages
are taken only when ALMEREKG_SCREENSHOTS names a folder: they are for a person to look through, and took a
quarter of the walk's time.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from serverproc import CHROMIUM, TIMEOUT, Server, get, start_server  # noqa: F401 - used by tests

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
BASE = "https://almerekg.example"
SCREENSHOTS = Path(os.environ.get("ALMEREKG_SCREENSHOTS", ROOT / "var" / "screenshots"))
SHOTS = SCREENSHOTS
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)
# WCAG 2.1 A and AA, as axe-core tags them.
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def pages_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(built_store, tmp_path_factory.mktemp("pages-server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def page_server(pages_server: Server) -> Server:
    return pages_server


@pytest.fixture(scope="session")
def site(pages_server: Server) -> str:
    return pages_server.url


@pytest.fixture(scope="session")
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE} is missing: scripts/setup.sh --test installs axe-core from npm"
    return AXE.read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"page screenshots: {SCREENSHOTS} ({len(list(SCREENSHOTS.iterdir()))} files)")


@pytest.fixture(scope="session")
def store_quads(built_store: Path) -> list:
    """Every quad of the build the server serves, read straight from the store on disk."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(built_store / "current" / "oxigraph"))
    return list(store.quads_for_pattern(None, None, None, None))


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - a Playwright Browser
    """Debian's chromium, headless, driven by Playwright (its own browser download is never used)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup.sh installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def follow(tab, selector: str) -> None:  # noqa: ANN001 - a Playwright Page
    """Click a link or button that loads a page, and wait for that page: a look right after a click can
    otherwise land on the page that is unloading (no document element, under load)."""
    with tab.expect_navigation():
        tab.click(selector)


def walk_shots() -> Path | None:
    """Where the accessibility walk leaves a screenshot of every page kind: the folder ALMEREKG_SCREENSHOTS names,
    or nowhere."""
    folder = os.environ.get("ALMEREKG_SCREENSHOTS")
    return Path(folder) if folder else None


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


class Page(HTMLParser):
    """A page as tests read it: links, ids, the text of elements with a given id, table rows by caption."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tables: dict[str, list[list[str]]] = {}
        self.marks: list[tuple[str, str]] = []  # (id or "", text) of every <mark>
        self._caption: list[str] | None = None
        self._table: list[list[str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._mark: list[str] | None = None
        self._mark_id = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a":
            self.links.append(a.get("href") or "")
        elif tag == "table":
            self._table = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "mark":
            self._mark, self._mark_id = [], a.get("id") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "caption" and self._caption is not None:
            self._caption_text = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "table" and self._table is not None:
            self.tables[getattr(self, "_caption_text", "")] = self._table
            self._table, self._caption_text = None, ""
        elif tag == "mark" and self._mark is not None:
            self.marks.append((self._mark_id, "".join(self._mark)))
            self._mark = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._caption, self._mark):
            if part is not None:
                part.append(data)


def read(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page
