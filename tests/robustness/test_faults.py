"""Faults: kill -9 of a build at a random point, a full disk during a build, a damaged store folder.

In every case the server keeps serving the previous build or says clearly (503) that it is unavailable,
never a 500 with a trace; after recovery (a rebuild) everything is intact.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from endpoint.conftest import http
from serverproc import Server, start_server, wait_ok

from almerekg.graph.pipeline import run_build
from almerekg.settings import from_values
from almerekg.store import EmbeddedStore

from .conftest import SERVER_ARGS, assert_clean

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PROBES = ["/healthz", "/", "/queries/tabel-3.json", "/doc/firm/usg-people", "/dataset", "/downloads/almerekg.ttl",
          "/search?q=almere", "/def/Firm"]


def _count(server: Server) -> int:
    r = http.get(server.sparql, params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text[:300]
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def _serving(server: Server, build_id: str, triples: int) -> None:
    """Every kind of page answers 200 from the given build."""
    health = http.get(server.url + "/healthz").json()
    assert health["status"] == "ok" and health["build_id"] == build_id, health
    assert _count(server) == triples
    for p in PROBES:
        r = http.get(server.url + p)
        assert r.status_code == 200, (p, r.status_code, r.text[:200])


def _unavailable(server: Server) -> None:
    """Every kind of page says clearly that the data is unavailable: 503 with a message, no trace."""
    for p in ["/sparql?query=ASK%7B%7D", *PROBES]:
        r = http.get(server.url + p)
        assert_clean(r, allow=(503,))
        assert r.status_code in (503, 404) if p.startswith("/downloads/") else r.status_code == 503, \
            (p, r.status_code, r.text[:300])
        assert r.text.strip()
    assert server.proc.poll() is None


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def _build_proc(store: Path, output: int = subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "almerekg.cli", "build", "--store", str(store)],
                            stdout=output, stderr=output)


@pytest.fixture()
def store_copy(tmp_path: Path, built_store: Path) -> Path:
    return _copy(built_store, tmp_path / "store")


def test_kill_9_at_a_random_point_while_serving(store_copy: Path, tmp_path: Path) -> None:
    """The existing kill -9 tests pick two moments; here any moment of the whole build, with a server running."""
    before = EmbeddedStore(store_copy).info()
    server = start_server(store_copy, tmp_path, *SERVER_ARGS)
    try:
        triples = _count(server)
        moment = random.uniform(0.2, 25.0)  # a build takes ~20 s here: validating, loading, or already done
        proc = _build_proc(store_copy, subprocess.DEVNULL)  # nobody reads a pipe meanwhile
        deadline = time.monotonic() + moment
        while time.monotonic() < deadline and proc.poll() is None:
            assert _count(server) == triples  # served throughout
            time.sleep(0.2)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        print(f"\nkill -9 after {moment:.2f} s (build exit {proc.returncode}; -9: killed, 0: it had finished)")
        _serving(server, before.build_id, triples)
        assert EmbeddedStore(store_copy).info().build_id == before.build_id
    finally:
        server.stop()


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def test_full_disk_during_the_build(tmp_path: Path, built_store: Path) -> None:
    """A store on a small tmpfs with room for the served build but not for the next one."""
    mnt = tmp_path / "small-disk"
    used = sum(f.stat().st_size for f in built_store.rglob("*") if f.is_file() and not f.is_symlink())
    size_kib = used // 1024 + 2048  # the current build plus 2 MiB
    if os.geteuid() != 0 or not _mount_tmpfs(mnt, f"{size_kib}k"):
        pytest.skip("mounting a small tmpfs is not permitted here (needs root: mount -t tmpfs)")
    server = None
    try:
        store = _copy(built_store, mnt / "store")
        before = EmbeddedStore(store).info()
        before_dir = EmbeddedStore(store).current_dir.name
        server = start_server(store, tmp_path, *SERVER_ARGS)
        triples = _count(server)
        proc = _build_proc(store)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode != 0, "the build fitted on the small disk; the test proves nothing"
        message = (out + err).decode("utf-8", "replace")
        assert "No space left on device" in message or "space" in message.lower(), message[-2000:]
        print(f"\nfull disk: build exit {proc.returncode}: {message.strip().splitlines()[-1][:200]}")
        _serving(server, before.build_id, triples)
        assert EmbeddedStore(store).info().build_id == before.build_id
        assert "Traceback" not in message, message[-2000:]
        assert not [p for p in (store / "builds").iterdir() if p.name.startswith(".tmp-")], \
            "the failed build still takes the space it could not finish using"
        # Recovery: more room, a rebuild, and the server switches to it with everything intact.
        subprocess.run(["mount", "-o", "remount,size=256m", str(mnt)], check=True, timeout=10)
        info = run_build(from_values(store=str(store)), progress=lambda _m: None)
        assert not [p for p in (store / "builds").iterdir() if p.name.startswith(".tmp-")]
        assert not [p for p in store.iterdir() if p.name.startswith(".nq-")], "the dead build's scratch files stay"
        assert EmbeddedStore(store).current_dir.name != before_dir
        _serving(server, info.build_id, triples)  # the first request after the swap loads the new build
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=10)


def _truncate_ssts(folder: Path) -> None:
    for f in (folder / "oxigraph").glob("*.sst"):
        with open(f, "r+b") as fh:
            fh.truncate(100)


def _scramble_ssts(folder: Path) -> None:
    for f in (folder / "oxigraph").glob("*.sst"):
        data = bytearray(f.read_bytes())
        for i in range(0, len(data), 97):
            data[i] ^= 0x5A
        f.write_bytes(bytes(data))


def _break_build_json(folder: Path) -> None:
    (folder / "build.json").write_text('{"build_id": "x", "graphs": {"a": ', encoding="utf-8")


def _remove_manifest(folder: Path) -> None:
    for f in (folder / "oxigraph").glob("MANIFEST-*"):
        f.unlink()
    (folder / "oxigraph" / "CURRENT").write_text("MANIFEST-999999\n")


DAMAGE = {"truncated-sst": _truncate_ssts, "scrambled-sst": _scramble_ssts, "broken-build-json": _break_build_json,
          "missing-manifest": _remove_manifest}


def _publish_damaged_copy(store: Path, damage) -> Path:  # noqa: ANN001
    """A new build folder, a damaged copy of the current one, made current the way a build does it."""
    current = EmbeddedStore(store).current_dir
    bad = store / "builds" / (current.name + "-damaged")
    shutil.copytree(current, bad)
    damage(bad)
    link_tmp = store / ".current-test"
    os.symlink(os.path.relpath(bad, store), link_tmp)
    os.replace(link_tmp, store / "current")
    return bad


def test_damaged_store(store_copy: Path, tmp_path: Path) -> None:
    before = EmbeddedStore(store_copy).info()
    good = EmbeddedStore(store_copy).current_dir
    server = start_server(store_copy, tmp_path, *SERVER_ARGS)
    try:
        triples = _count(server)
        # 1. A damaged build becomes current while serving: the previous one keeps being served.
        for name, damage in DAMAGE.items():
            bad = _publish_damaged_copy(_relink(store_copy, good), damage)
            time.sleep(0.1)
            for _ in range(3):
                _serving(server, before.build_id, triples)
            assert server.proc.poll() is None, name
            shutil.rmtree(bad)
        log = server.log_path.read_text(encoding="utf-8")
        assert log.count("could not be loaded, still serving") >= len(DAMAGE), log[-3000:]
        # 2. A dangling `current`: still the previous build in memory (nothing better to switch to).
        os.symlink("builds/no-such-build", store_copy / ".current-test")
        os.replace(store_copy / ".current-test", store_copy / "current")
        _serving(server, before.build_id, triples)
    finally:
        server.stop()

    # 3. A server started on each damaged store says clearly that it is unavailable.
    for name, damage in {**DAMAGE, "dangling-link": None, "no-link": None}.items():
        if name == "dangling-link":
            pass  # `current` dangles already
        elif name == "no-link":
            (store_copy / "current").unlink()
        else:
            (store_copy / "current").unlink(missing_ok=True)
            bad = _publish_damaged_copy(_relink(store_copy, good), damage)
        srv = start_server(store_copy, tmp_path, *SERVER_ARGS, expect_ready=False)
        try:
            r = http.get(srv.url + "/healthz")
            assert r.status_code == 503, (name, r.text[:300])
            assert r.json()["status"] == "unavailable" and r.json()["reason"], r.text
            _unavailable(srv)
        finally:
            srv.stop()
        if name in DAMAGE:
            shutil.rmtree(bad)

    # 4. Recovery: a rebuild publishes a sound build; a server on it serves everything intact.
    (store_copy / "current").unlink(missing_ok=True)
    info = run_build(from_values(store=str(store_copy)), progress=lambda _m: None)
    srv = start_server(store_copy, tmp_path, *SERVER_ARGS)
    try:
        _serving(srv, info.build_id, triples)
        assert info.build_id == before.build_id
    finally:
        srv.stop()


def _relink(store: Path, folder: Path) -> Path:
    link_tmp = store / ".current-test"
    if link_tmp.is_symlink():
        link_tmp.unlink()
    os.symlink(os.path.relpath(folder, store), link_tmp)
    os.replace(link_tmp, store / "current")
    return store


def test_server_started_before_any_build_comes_up_when_one_is_published(tmp_path: Path, built_store: Path) -> None:
    store = tmp_path / "empty"
    store.mkdir()
    srv = start_server(store, tmp_path, *SERVER_ARGS, expect_ready=False)
    try:
        _unavailable(srv)
        shutil.copytree(built_store / "builds", store / "builds", symlinks=True)
        os.symlink(os.readlink(built_store / "current"), store / "current")
        wait_ok(srv.url + "/healthz", timeout=30)
        _serving(srv, EmbeddedStore(store).info().build_id, _count(srv))
    finally:
        srv.stop()
