"""Fixtures of the graph tests: the session's build, opened in memory once per module."""

from __future__ import annotations

import pytest

from almerekg.store import EmbeddedStore


@pytest.fixture(scope="module")
def store(built_store):  # noqa: ANN001, ANN201 - the session's build folder; a pyoxigraph Store
    s, _info = EmbeddedStore(built_store).open()
    return s
