"""A rebuild (the store's `current` link swapped) is picked up: new workers, validators and cache."""

from __future__ import annotations

import shutil
import time

import pytest
import requests
from serverproc import start_server

from .conftest import PREFIXES, http, publish

SUM = PREFIXES + "SELECT (SUM(?v) AS ?total) WHERE { ?o ex:value ?v }"


@pytest.fixture(scope="module")
def rebuild_server(endpoint_store, tmp_path_factory):  # noqa: ANN001, ANN201
    root = tmp_path_factory.mktemp("rebuild") / "store"
    shutil.copytree(endpoint_store, root, symlinks=True)
    srv = start_server(root, tmp_path_factory.mktemp("rebuild-log"), "--query-workers", "2")
    yield srv
    srv.stop()


def total(r: requests.Response) -> int:
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["total"]["value"])


def test_rebuild_invalidates_cache_and_restarts_workers(rebuild_server) -> None:  # noqa: ANN001
    url = rebuild_server.sparql
    first = http.get(url, params={"query": SUM})
    assert total(first) == sum(range(10))
    cached = http.get(url, params={"query": SUM})
    assert cached.headers["X-Cache"] == "HIT"
    old_workers = rebuild_server.children()

    publish(rebuild_server.store, "build-two", value_offset=100, created="2026-03-04T05:06:07Z")

    after = http.get(url, params={"query": SUM})
    assert total(after) == sum(range(10)) + 10 * 100
    assert after.headers["X-Almerekg-Build"] == "build-two"
    assert after.headers["X-Cache"] == "MISS"
    assert after.headers["ETag"] != first.headers["ETag"]
    assert after.headers["Last-Modified"] == "Wed, 04 Mar 2026 05:06:07 GMT"
    # The old validator no longer matches.
    r = http.get(url, params={"query": SUM}, headers={"If-None-Match": first.headers["ETag"]})
    assert r.status_code == 200 and total(r) == 1045
    health = http.get(rebuild_server.url + "/healthz").json()
    assert health["build_id"] == "build-two"
    # The old pool's processes are gone; new ones serve the new build.
    deadline = time.monotonic() + 10
    while rebuild_server.children() & old_workers and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not rebuild_server.children() & old_workers
    assert len(rebuild_server.children()) == 2
