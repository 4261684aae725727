"""Fixtures of the link tests: the fake CBS/KvK services (TEST DATA, see fake_services.py) and a scratch project."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake_services import FakeServices


@pytest.fixture()
def services() -> Iterator[FakeServices]:
    with FakeServices() as svc:
        yield svc


@pytest.fixture(scope="module")
def module_services() -> Iterator[FakeServices]:
    with FakeServices() as svc:
        yield svc
