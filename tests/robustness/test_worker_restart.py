"""A query worker that cannot be started again is retried until it is back: the pool never shrinks for good."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from endpoint.conftest import publish

from almerekg.engine import pool as pool_module
from almerekg.engine.jobs import Job
from almerekg.engine.pool import WorkerPool

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = "application/sparql-results+json"


def job(query: str) -> Job:
    return Job(query=query, results_type=JSON, graph_type=None, union_default=True)


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    return publish(tmp_path / "store", "build-restart")


def test_failed_replacement_is_retried_until_the_build_can_be_read(build_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "RETRY_START_AFTER", 0.2)
    pool = WorkerPool(build_dir, size=1).start()
    try:
        assert pool.run(job("ASK { ?s ?p ?o }"), timeout=10).status == "ok"
        # The engine's files vanish (a disk fault, an operator's mistake) while a runaway query runs.
        engine_files = build_dir / "oxigraph"
        hidden = build_dir / "oxigraph.hidden"
        engine_files.rename(hidden)
        assert pool.run(job(CROSS), timeout=0.5).status == "timeout"
        time.sleep(1.0)
        stats = pool.stats()
        assert stats.killed == 1
        assert stats.started >= 3  # the first worker, then at least two failed attempts to replace it
        assert stats.idle == 0
        assert pool.run(job("ASK { ?s ?p ?o }"), timeout=0.2).status == "busy"
        # The files come back: the next attempt succeeds and queries are answered again.
        hidden.rename(engine_files)
        outcome = pool.run(job("ASK { ?s ?p ?o }"), timeout=10)
        assert outcome.status == "ok"
        assert outcome.body == b'{"head":{},"boolean":true}'
        assert pool.stats().idle == 1
    finally:
        pool.kill_all()


def test_a_closed_pool_stops_retrying(build_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "RETRY_START_AFTER", 0.1)
    pool = WorkerPool(build_dir, size=1).start()
    (build_dir / "oxigraph").rename(build_dir / "oxigraph.hidden")
    assert pool.run(job(CROSS), timeout=0.5).status == "timeout"
    time.sleep(0.5)
    pool.kill_all()
    started = pool.stats().started
    time.sleep(1.0)
    assert pool.stats().started == started
