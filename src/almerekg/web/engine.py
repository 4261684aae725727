"""The build being served, its pool of query workers, and the switch to a new build.

A rebuild publishes a new folder and swaps the store's `current` link. Reading that link costs one
system call, so every request checks it; when it changed, one request starts a pool on the new build
while the others keep being answered by the old pool; then the pools are swapped and the old one is
closed. Answers are cached per build id, so nothing from the old build is served after the swap.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..config import Config
from ..runner import Job, Outcome, PoolError, WorkerPool
from ..store import BuildInfo, EmbeddedStore, StoreError, StoreUnavailable
from ..store.remote import RemoteRunner, RemoteStore
from .cache import ResultCache

log = logging.getLogger("almerekg.engine")

DEFAULT_WORKER_MEMORY = 2 * 1024**3  # address space a query may add to its worker's, once the build is loaded
RETRY_FAILED_BUILD_AFTER = 5.0  # seconds before trying again to load a build that failed to load


@dataclass(frozen=True)
class ActiveBuild:
    link: str  # what `current` pointed at when this build was loaded
    folder: Path
    info: BuildInfo
    last_modified: datetime
    pool: WorkerPool | RemoteRunner


def _build_time(info: BuildInfo, folder: Path) -> datetime:
    """When the build was made, for Last-Modified (whole seconds, as HTTP dates have no fractions)."""
    try:
        stamp = datetime.fromisoformat(info.created.replace("Z", "+00:00"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
    except (ValueError, AttributeError):
        stamp = datetime.fromtimestamp((folder / "build.json").stat().st_mtime, tz=UTC)
    return stamp.astimezone(UTC).replace(microsecond=0)


def default_pool_size() -> int:
    # One process per core runs engine-bound queries in parallel; at least two, so that one runaway
    # query (until its timeout) never leaves everyone else waiting.
    return max(2, min(8, os.cpu_count() or 2))


class Engine:
    def __init__(self, config: Config, pool_size: int | None = None, cache_bytes: int | None = None) -> None:
        self.config = config
        self.pool_size = pool_size or int(config.extra.get("query_workers") or default_pool_size())
        self.worker_memory = int(config.extra.get("worker_memory_bytes", DEFAULT_WORKER_MEMORY))
        self.cache = ResultCache(
            cache_bytes if cache_bytes is not None else int(config.extra.get("cache_bytes", 64 * 1024 * 1024))
        )
        self._store = None if config.store_is_remote else EmbeddedStore(config.store)
        # Remote mode: the SPARQL server does the work, so no query workers; the build id is read from the
        # server's build graph (cached for a few seconds) and plays the part of the `current` link.
        self._remote = RemoteStore(config.store, config.base) if config.store_is_remote else None
        self._runner = RemoteRunner(self._remote) if self._remote is not None else None
        if self._remote is not None:
            self.pool_size = 0
        self._link_path = None if self._store is None else self._store.root / "current"
        self._active: ActiveBuild | None = None
        self._lock = threading.Lock()
        self._failed: tuple[str, float, str] | None = None  # (link, when, why)
        self._closed = False
        atexit.register(self.close)

    # -- the build --------------------------------------------------------------------------------
    def _read_link(self) -> str:
        if self._remote is not None:
            return "remote:" + self._remote.info().build_id
        if self._store is None:
            raise StoreError("no store configured")
        try:
            return os.readlink(self._link_path)
        except FileNotFoundError:
            raise StoreUnavailable(
                f"{self._store.root}: no build has been published yet (run `almerekg build`)"
            ) from None
        except OSError:
            # `current` may be a plain folder (hand-made store): use its resolved path as the identity.
            if self._link_path.is_dir():
                return str(self._link_path.resolve())
            raise StoreUnavailable(f"{self._store.root}: no build has been published yet") from None

    def current_link(self) -> str | None:
        """Where `current` points now (None when there is no build): one system call."""
        try:
            return self._read_link()
        except StoreError:
            return None

    def serving(self) -> ActiveBuild | None:
        """The build answers come from at this moment (possibly older than `current` while loading)."""
        return self._active

    def active(self) -> ActiveBuild:
        """The build to answer from, switching to a newly published one when `current` moved."""
        if self._closed:
            raise StoreError("the endpoint is shutting down")
        link = self._read_link()
        current = self._active
        if current is not None and current.link == link:
            return current
        if current is None:
            with self._lock:  # nothing to serve meanwhile: wait for whoever is loading
                if self._active is not None and self._active.link == link:
                    return self._active
                return self._load(link)
        if not self._lock.acquire(blocking=False):
            return current  # someone else is loading the new build; keep answering from the old one
        try:
            if self._active is not None and self._active.link == link:
                return self._active
            try:
                return self._load(link)
            except (StoreError, PoolError) as exc:
                log.error("new build at %s could not be loaded, still serving %s: %s",
                          link, current.info.build_id, exc)
                return current
        finally:
            self._lock.release()

    def _load(self, link: str) -> ActiveBuild:
        failed = self._failed
        if failed and failed[0] == link and time.monotonic() - failed[1] < RETRY_FAILED_BUILD_AFTER:
            raise StoreError(failed[2])
        if self._remote is not None and self._runner is not None:
            info = self._remote.info()
            # No local folder: downloads and the validation report are not published with a remote store
            # (their pages answer 404), and /dev/null never holds a file of that name.
            folder = Path(os.devnull)
            new = ActiveBuild(link=link, folder=folder, info=info, last_modified=_build_time(info, folder),
                              pool=self._runner)
            self._active = new
            self.cache.keep_only(info.build_id)
            log.info("serving build %s (%d triples) from %s", info.build_id, info.triples, self._remote.url)
            return new
        try:
            folder = self._store.current_dir
            info = BuildInfo.from_file(folder / "build.json")
            started = time.perf_counter()
            pool = WorkerPool(folder, size=self.pool_size, memory_limit=self.worker_memory).start()
        except (StoreError, PoolError) as exc:
            self._failed = (link, time.monotonic(), str(exc))
            raise
        self._failed = None
        new = ActiveBuild(link=link, folder=folder, info=info, last_modified=_build_time(info, folder),
                          pool=pool)
        old, self._active = self._active, new
        self.cache.keep_only(info.build_id)
        log.info("serving build %s (%d triples) with %d query workers, loaded in %.2f s",
                 info.build_id, info.triples, pool.size, time.perf_counter() - started)
        if old is not None:
            old.pool.close()
        return new

    # -- queries ----------------------------------------------------------------------------------
    def run(self, build: ActiveBuild, job: Job, timeout: float) -> Outcome:
        outcome = build.pool.run(job, timeout)
        if outcome.status == "closed":
            # The pool was retired under us by a rebuild: answer from the new build.
            fresh = self.active()
            if fresh is not build:
                return fresh.pool.run(job, timeout)
            return Outcome("busy", message="the query workers are restarting")
        return outcome

    def close(self) -> None:
        self._closed = True
        active, self._active = self._active, None
        if active is not None:
            active.pool.kill_all()
