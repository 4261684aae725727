"""A build that dies half-way never damages the store that is being served."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from serverproc import wait_until

from almerekg.graph.pipeline import run_build
from almerekg.settings import from_values
from almerekg.store import BuildInfo, EmbeddedStore


def copy_store(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def triples(store_dir: Path) -> int:
    s, _ = EmbeddedStore(store_dir).open(in_memory=False)
    return sum(1 for _ in s.quads_for_pattern(None, None, None, None))


def start_build(store: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "almerekg.cli", "build", "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(predicate) -> bool:  # noqa: ANN001 - a callable
    """Asked every 5 ms: a build's steps can be short."""
    return wait_until(predicate, timeout=120.0, interval=0.005)


@pytest.mark.parametrize("moment", ["validating", "loading"])
def test_kill_9_mid_build_keeps_the_old_build(tmp_path, built_store, moment):
    store = copy_store(built_store, tmp_path / "store")
    before = EmbeddedStore(store).info()
    expected = triples(store)
    proc = start_build(store)
    try:
        if moment == "validating":
            time.sleep(random.uniform(1.0, 4.0))
        else:
            assert wait_for(lambda: any(p.name.startswith(".tmp-") for p in (store / "builds").iterdir())), \
                "the build never started loading"
            time.sleep(random.uniform(0.0, 0.05))
        assert proc.poll() is None, "the build ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert EmbeddedStore(store).info().build_id == before.build_id
    assert EmbeddedStore(store).current_dir == (store / "current").resolve()
    assert triples(store) == expected

    # The next build succeeds and clears what the dead one left behind.
    info = run_build(from_values(store=str(store)), progress=lambda _m: None)
    assert info.build_id == before.build_id  # same inputs, same id
    assert EmbeddedStore(store).current_dir != (built_store / "current").resolve()
    assert not [p for p in (store / "builds").iterdir() if p.name.startswith(".tmp-")]
    assert triples(store) == expected


def test_swap_is_the_last_step(tmp_path, built_store):
    """Everything up to the rename of `current` may fail; the served build stays the old one."""
    store = copy_store(built_store, tmp_path / "store")
    es = EmbeddedStore(store)
    before = es.info()
    nq = tmp_path / "one.nq"
    nq.write_text('<http://e/s> <http://e/p> "o" <http://e/g> .\n', encoding="utf-8")
    info = BuildInfo(build_id="f" * 64, created="2026-01-01T00:00:00Z", base="http://e", graphs={"http://e/g": 1})

    def crash(_folder):
        raise RuntimeError("power cut just before the swap")

    with pytest.raises(RuntimeError):
        es.publish(nq, info, before_swap=crash)
    assert es.info().build_id == before.build_id

    es.publish(nq, info)
    assert es.info().build_id == "f" * 64
    s, _ = es.open()
    assert [q.object.value for q in s.quads_for_pattern(ox.NamedNode("http://e/s"), None, None, None)] == ["o"]


def test_a_wrong_quad_count_is_refused(tmp_path):
    es = EmbeddedStore(tmp_path / "store")
    nq = tmp_path / "two.nq"
    nq.write_text('<http://e/s> <http://e/p> "o" <http://e/g> .\n<http://e/s> <http://e/p> "p" <http://e/g> .\n')
    from almerekg.store import StoreError, StoreUnavailable

    with pytest.raises(StoreError, match="loaded 2 quads into the new store but the build produced 3"):
        es.publish(nq, BuildInfo(build_id="a" * 64, created="", base="http://e", graphs={"http://e/g": 3}))
    with pytest.raises(StoreUnavailable):
        es.info()
