"""Fixtures shared by every test folder: one real build of data/ into a temporary store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from almerekg.build import run_build
from almerekg.config import from_env

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT.parent / "shared" / "report" / "groei-door-samenwerking-in-almere-2011.txt"


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """A store built once per test session from the real data/ (the default base IRI)."""
    store = tmp_path_factory.mktemp("store")
    run_build(from_env(store=str(store)), progress=lambda _m: None)
    return store


@pytest.fixture(scope="session")
def report_text() -> str:
    if not REPORT.is_file():
        pytest.fail(f"the report text is missing at {REPORT} (shared/ must sit beside the checkout)")
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


def pytest_configure(config):
    # The test suite never reads the developer's store by accident.
    os.environ.pop("ALMEREKG_STORE", None)
