"""Fixtures shared by every test folder: one real build of data/ into a temporary store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from almerekg.graph.pipeline import run_build
from almerekg.settings import from_values

ROOT = Path(__file__).resolve().parents[1]
# The checkout carries the report (data/report/README.md gives its origin); nothing is read from beside it.
REPORT = ROOT / "data" / "report" / "groei-door-samenwerking-in-almere-2011.txt"
REPORT_SHA256 = "26ac1a256d42aaae4610cf2bffc2a8a748ff6d44ac764145cb6d19079ffc3296"


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """A store built once per test session from the real data/ (the default base IRI)."""
    store = tmp_path_factory.mktemp("store")
    run_build(from_values(store=str(store)), progress=lambda _m: None)
    return store


@pytest.fixture(scope="session")
def report_text() -> str:
    data = REPORT.read_bytes()
    assert hashlib.sha256(data).hexdigest() == REPORT_SHA256, f"{REPORT} differs from the copy data/report/ records"
    return data.decode("utf-8")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


def pytest_configure(config):
    # The test suite never reads the developer's store by accident.
    os.environ.pop("ALMEREKG_STORE", None)
