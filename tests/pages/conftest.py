"""Fixtures for the page tests: the real build served by a real server, and Debian's chromium driven by
Playwright (clicks, typing, the clipboard, axe-core injected into the page).

Playwright comes from the `test` extra and drives /usr/bin/chromium (its own browser download is never
used); axe-core comes from npm (scripts/setup.sh --test). Screenshots go to one folder, named at the end of
the test run.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from serverproc import CHROMIUM, Server, start_server

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(tempfile.gettempdir()) / "almerekg-page-shots"
WIDTHS = (1280, 375)
# WCAG 2.1 A and AA, as axe-core tags them.
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def page_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(built_store, tmp_path_factory.mktemp("pages-server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def site(page_server: Server) -> str:
    return page_server.url


@pytest.fixture(scope="session")
def shots() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - a playwright Browser
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE} is missing: scripts/setup.sh --test installs axe-core from npm"
    return AXE.read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SHOTS.is_dir() and any(SHOTS.iterdir()):
        terminalreporter.write_line(f"page screenshots: {SHOTS} ({len(list(SHOTS.iterdir()))} files)")
