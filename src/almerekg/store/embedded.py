"""An on-disk Oxigraph store that is only ever replaced whole.

Layout of the store folder::

    builds/<stamp>-<build id>/oxigraph/   RocksDB of one complete, validated build
    builds/<stamp>-<build id>/build.json  what the build was (id, time, base, triples per graph)
    builds/<stamp>-<build id>/*           files the build publishes beside it (validation report, ...)
    current -> builds/<stamp>-<build id>  symbolic link, swapped with one rename

A build writes a fresh folder under builds/ with a temporary name, renames it when complete and
then swaps `current`. A crash at any point leaves `current` pointing at the previous build.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox


class StoreError(Exception):
    """The store folder is not usable (corrupt, locked, wrong layout)."""


class StoreUnavailable(StoreError):
    """There is no published build yet."""


@dataclass
class BuildInfo:
    build_id: str
    created: str
    base: str
    graphs: dict[str, int] = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    code_version: str = ""
    # The distinct triples of the union of all graphs (the default graph queries see): a triple stated in two
    # graphs counts once. 0 in a build description written before it was recorded: then it is not known.
    union_triples: int = 0

    @property
    def triples(self) -> int:
        """Quads: the named graphs' triples summed (a triple stated in two graphs counts twice)."""
        return sum(self.graphs.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_file(cls, path: Path) -> BuildInfo:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(**raw)
        except (OSError, ValueError, TypeError) as exc:
            raise StoreError(f"{path}: not a readable build description ({exc})") from exc


KEEP_BUILDS = 3


class EmbeddedStore:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    # -- reading ------------------------------------------------------------------------------
    @property
    def current_dir(self) -> Path:
        link = self.root / "current"
        if not link.is_symlink() and not link.exists():
            raise StoreUnavailable(f"{self.root}: no build has been published yet (run `almerekg build`)")
        target = link.resolve()
        if not (target / "build.json").is_file() or not (target / "oxigraph").is_dir():
            raise StoreError(f"{self.root}: current build {target.name} is incomplete or damaged")
        return target

    def info(self) -> BuildInfo:
        return BuildInfo.from_file(self.current_dir / "build.json")

    def open(self, in_memory: bool = True) -> tuple[ox.Store, BuildInfo]:
        """Open the current build read-only; by default copied into memory, where scans run faster."""
        folder = self.current_dir
        info = BuildInfo.from_file(folder / "build.json")
        return (load_in_memory(folder) if in_memory else _read_only(folder)), info

    def file(self, name: str) -> Path:
        """A file published beside the current build (validation report, dumps)."""
        return self.current_dir / name

    # -- writing ------------------------------------------------------------------------------
    def publish(
        self,
        source: Path | ox.Store,
        info: BuildInfo,
        extra_files: Iterable[tuple[str, bytes]] = (),
        progress: Callable[[str], None] = lambda _msg: None,
        before_swap: Callable[[Path], None] = lambda _dir: None,
    ) -> Path:
        """Load a build (an N-Quads file, or the in-memory store a build made) into a new build folder and
        make it current in one rename."""
        builds = self.root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        final = builds / f"{stamp}-{info.build_id[:12]}"
        n = 1
        while final.exists():
            n += 1
            final = builds / f"{stamp}-{info.build_id[:12]}-{n}"
        tmp = builds / f".tmp-{final.name}-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        try:
            store = ox.Store(str(tmp / "oxigraph"))
            if isinstance(source, ox.Store):
                progress(f"loading {len(source):,} quads into {tmp}")
                # As N-Quads bytes, parsed and loaded in Rust, not as one Python object per quad (bulk_extend).
                store.bulk_load(input=source.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
            else:
                progress(f"loading {source.stat().st_size:,} bytes of N-Quads into {tmp}")
                store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
            store.flush()
            loaded = len(store)
            del store
            expected = info.triples
            if loaded != expected:
                raise StoreError(f"loaded {loaded} quads into the new store but the build produced {expected}")
            for name, content in extra_files:
                _write_synced(tmp / name, content)
            _write_synced(tmp / "build.json", info.to_json().encode("utf-8"))
            _fsync_dir(tmp)
        except BaseException:
            # A failed load (a full disk, a bad count) gives its space back at once: on a full disk the
            # next build would otherwise fail for want of the room this half-written folder still takes.
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        os.rename(tmp, final)
        _fsync_dir(builds)
        before_swap(final)
        link_tmp = self.root / f".current-{os.getpid()}"
        if link_tmp.is_symlink() or link_tmp.exists():
            link_tmp.unlink()
        os.symlink(os.path.relpath(final, self.root), link_tmp)
        os.replace(link_tmp, self.root / "current")
        _fsync_dir(self.root)
        self._prune(keep=final)
        return final

    def _prune(self, keep: Path) -> None:
        """Drop half-written folders of dead builds and all but the newest complete builds."""
        builds = self.root / "builds"
        complete = sorted(p for p in builds.iterdir() if not p.name.startswith("."))
        for old in complete[:-KEEP_BUILDS]:
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)
        for tmp in builds.glob(".tmp-*"):
            pid = tmp.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_synced(path: Path, content: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_only(build_dir: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(build_dir / "oxigraph"))
    except OSError as exc:
        raise StoreError(f"{build_dir / 'oxigraph'}: cannot open the store ({exc})") from exc


def load_in_memory(build_dir: Path) -> ox.Store:
    """A published build's quads copied into an in-memory store (scans run several times faster than on disk).

    The one loader of a build: `EmbeddedStore.open` and every query process (engine/worker.py) use it."""
    mem = ox.Store()
    mem.bulk_extend(_read_only(build_dir).quads_for_pattern(None, None, None, None))
    return mem
