"""The one way any front end runs a query: check, cache, query processes or a remote store, errors.

`/sparql`, the query editor, saved-query pages, linked-data pages, the dataset pages and the command line
all call `Engine.prepare` (what would be answered, and its ETag) and `Engine.answer` (the answer, from
the cache or the query processes). Failures come out as one error type with its HTTP status (errors.py).

The build being served: a rebuild publishes a new folder and swaps the store's `current` link. Reading
that link costs one system call, so every request checks it; when it moved, one request starts query
processes on the new build while the others are answered by the old ones; then the two are swapped and
the old processes closed. Answers are cached per build id, so nothing of the old build is served after.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ..errors import AppError, unavailable
from ..settings import Settings
from ..store import BuildInfo, EmbeddedStore, StoreError, StoreUnavailable
from ..store.remote import RemoteStore
from . import formats, guard, sandbox
from .cache import CachedAnswer, ResultCache
from .jobs import SERVICE_FAILED, Job, Outcome
from .pool import PoolError, WorkerOptions, WorkerPool
from .quarantine import ClientDeaths, Quarantine
from .remote import RemoteRunner

log = logging.getLogger("almerekg.engine")

RETRY_FAILED_BUILD_AFTER = 5.0  # seconds before trying again to load a build that failed to load
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


@dataclass(frozen=True)
class QueryRequest:
    """What a front end asks for."""

    text: str
    results_type: str | None = JSON_RESULTS  # for SELECT/ASK (None: not acceptable)
    graph_type: str | None = TURTLE  # for CONSTRUCT/DESCRIBE (None: not acceptable)
    default_graphs: tuple[str, ...] | None = None  # the protocol's dataset, when given
    named_graphs: tuple[str, ...] | None = None
    union_default: bool = True  # the default graph is the union of all graphs (unless FROM or a dataset)
    max_rows: int | None = None  # SELECT: at most this many rows, the rest never computed (the editor)
    max_bytes: int | None = None  # None: the max_result_bytes setting
    prefixes: tuple[tuple[str, str], ...] = ()  # for Turtle output (the query's own PREFIXes are added)
    cache: bool = True
    client: str = ""  # who asks (web/http/client.py); "" for the server's own pages and the command line

    @property
    def dataset_given(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass(frozen=True)
class ActiveBuild:
    link: str  # what `current` pointed at when this build was loaded
    folder: Path
    info: BuildInfo
    last_modified: datetime
    pool: WorkerPool | RemoteRunner
    federation: WorkerPool | None = None  # supervised processes for allow-listed SERVICE
    checker: WorkerPool | None = None  # remote store: an empty sealed process that checks queries

    def pools(self) -> list[WorkerPool | RemoteRunner]:
        return [p for p in (self.pool, self.federation, self.checker) if p is not None]


@dataclass(frozen=True)
class Ticket:
    """A prepared query: what it is, which build answers it, and the ETag of its answer."""

    request: QueryRequest
    build: ActiveBuild
    hints: guard.Hints
    plan: guard.Plan
    key: Hashable | None  # None: not cached (volatile functions, or the caller said so)
    etag: str | None


@dataclass
class Answer:
    body: bytes
    media_type: str
    kind: str  # solutions | boolean | graph
    build: ActiveBuild
    cache: str  # HIT (from the cache) | MISS (computed now)
    etag: str | None
    truncated: bool = False
    entry: CachedAnswer | None = field(default=None, repr=False)


def etag_for(key: Hashable) -> str:
    # Weak: the gzip and identity encodings of one answer share it, and weak comparison is what
    # If-None-Match uses anyway.
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
    return f'W/"{digest}"'


def _build_time(info: BuildInfo, folder: Path) -> datetime:
    """When the build was made, for Last-Modified (whole seconds, as HTTP dates have no fractions)."""
    try:
        stamp = datetime.fromisoformat(info.created.replace("Z", "+00:00"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
    except (ValueError, AttributeError):
        stamp = datetime.fromtimestamp((folder / "build.json").stat().st_mtime, tz=UTC)
    return stamp.astimezone(UTC).replace(microsecond=0)


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cache = ResultCache(settings.cache_bytes)
        self.quarantine = Quarantine(settings.quarantine_seconds)
        self.deaths = ClientDeaths(settings.client_deaths, settings.client_deaths_window)
        self._store = None if settings.store_is_remote else EmbeddedStore(settings.store)
        # Remote mode: the SPARQL server does the work; the build id is read from the server's build graph
        # (cached for a few seconds) and plays the part of the `current` link.
        self._remote = RemoteStore(settings.store, settings.base) if settings.store_is_remote else None
        self._runner = RemoteRunner(self._remote) if self._remote is not None else None
        self.pool_size = 0 if self._remote is not None else settings.pool_size
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
        if self._store is None or self._link_path is None:
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

    def build(self) -> ActiveBuild:
        """The active build, or the 503 a request gets when there is none."""
        try:
            return self.active()
        except (StoreError, PoolError) as exc:
            raise unavailable(f"no data to query: {exc}") from None

    def _options(self, mode: str) -> WorkerOptions:
        s = self.settings
        if s.sandbox == "off":
            mode = "off"
        return WorkerOptions(memory_limit=s.worker_memory, sandbox=mode, sandbox_required=s.sandbox == "required",
                             allowlist=s.service_allow, max_query_bytes=s.max_query_bytes,
                             client_processes=s.client_processes)

    def _load(self, link: str) -> ActiveBuild:
        failed = self._failed
        if failed and failed[0] == link and time.monotonic() - failed[1] < RETRY_FAILED_BUILD_AFTER:
            raise StoreError(failed[2])
        started = time.perf_counter()
        try:
            if self._remote is not None and self._runner is not None:
                info = self._remote.info()
                # No local folder: downloads and the validation report are not published with a remote store
                # (their pages answer 404), and /dev/null never holds a file of that name.
                folder = Path(os.devnull)
                checker = self._active.checker if self._active is not None else None
                checker = checker or WorkerPool(None, size=1, options=self._options(sandbox.SEALED)).start()
                new = ActiveBuild(link=link, folder=folder, info=info, last_modified=_build_time(info, folder),
                                  pool=self._runner, checker=checker)
            elif self._store is not None:
                folder = self._store.current_dir
                info = BuildInfo.from_file(folder / "build.json")
                pool = WorkerPool(folder, size=self.pool_size, options=self._options(sandbox.SEALED)).start()
                federation = None
                if self.settings.service_allow:
                    federation = WorkerPool(folder, size=1, options=self._options(sandbox.SUPERVISED)).start()
                new = ActiveBuild(link=link, folder=folder, info=info, last_modified=_build_time(info, folder),
                                  pool=pool, federation=federation)
            else:
                raise StoreError("no store configured")
        except (StoreError, PoolError) as exc:
            self._failed = (link, time.monotonic(), str(exc))
            raise
        self._failed = None
        old, self._active = self._active, new
        self.cache.keep_only(info.build_id)
        log.info("serving build %s (%d triples), loaded in %.2f s", info.build_id, info.triples,
                 time.perf_counter() - started)
        if old is not None:
            for p in old.pools():
                if p is not new.checker:
                    p.close()
        return new

    def warm_up(self) -> None:
        """Load the build before taking traffic, so that the first query is fast."""
        try:
            build = self.active()
            log.info("build %s ready", build.info.build_id)
        except (StoreError, PoolError) as exc:
            log.warning("starting without data: %s (/healthz answers 503 until a build is published)", exc)

    def close(self) -> None:
        self._closed = True
        active, self._active = self._active, None
        if active is not None:
            for p in active.pools():
                p.kill_all()

    # -- queries ----------------------------------------------------------------------------------
    def prepare(self, request: QueryRequest, hints: guard.Hints | None = None) -> Ticket:
        """Read the query, pick the build, compute the answer's cache key and ETag; nothing runs yet.

        `hints`: guard.hints(request.text), when the caller has read them already.
        """
        text = request.text
        self.admit(text)
        hints = hints or guard.hints(text)
        if hints.update_verb:
            raise AppError(403, READ_ONLY)
        self.quarantine.check(text)
        plan = guard.plan(text, self.settings.service_allow)
        build = self.build()
        self._fail_closed(build, text, plan)
        key = None
        if request.cache and not hints.volatile:
            key = (build.info.build_id, text, request.results_type, request.graph_type, request.default_graphs,
                   request.named_graphs, request.union_default, request.max_rows, request.max_bytes,
                   request.prefixes)
        return Ticket(request, build, hints, plan, key, etag_for(key) if key is not None else None)

    def admit(self, text: str) -> None:
        """The size limit, before anything reads the text (every reading after it is linear, engine/guard.py)."""
        limit = self.settings.max_query_bytes
        # A str holds at most 4 bytes of UTF-8 per character: only a text near the limit is encoded to count.
        size = len(text) if len(text) * 4 <= limit else len(text.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise AppError(413, f"the query is {size} bytes long; this endpoint accepts queries of at most "
                                f"{limit} bytes")

    def _fail_closed(self, build: ActiveBuild, text: str, plan: guard.Plan) -> None:
        """Where the operating system could not seal the query processes (`--sandbox auto` on a kernel without
        seccomp), the query check is the only layer left: then every text in which the letters s-e-r-v-i-c-e
        could be read as SERVICE at all is refused, without asking the engine."""
        if self.settings.sandbox != "auto" or not plan.needs_service_check:
            return
        pool = build.checker if build.checker is not None else build.pool
        state = getattr(pool, "sandbox_state", "")
        if not state.startswith("unavailable"):
            return
        at = plan.service_at[0]
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        raise AppError(403, f"the letters SERVICE (line {line}, column {col}) are not accepted here: this server "
                            "cannot seal its query processes off the network, so it refuses every query that holds "
                            "them, in any case, even inside a name, string or comment")

    def answer(self, ticket: Ticket) -> Answer:
        """The answer: from the cache, or from the query processes (errors raise AppError)."""
        if ticket.key is not None:
            entry = self.cache.get(ticket.key)
            if entry is not None:
                return Answer(entry.body, entry.media_type, entry.kind, ticket.build, "HIT", ticket.etag,
                              entry.truncated, entry)
        self.deaths.check(ticket.request.client)  # a client whose queries ended too many processes lately: 429
        outcome = self._run(ticket)
        if outcome.status != "ok":
            raise self._failure(ticket, outcome)
        entry = CachedAnswer(outcome.body, outcome.media_type, outcome.kind, outcome.truncated)
        cached = ticket.key is not None and self.cache.put(ticket.key, entry)
        # An answer not kept (volatile, or too large to keep) has no ETag: it could not be revalidated.
        return Answer(outcome.body, outcome.media_type, outcome.kind, ticket.build, "MISS",
                      ticket.etag if cached else None, outcome.truncated, entry)

    def query(self, request: QueryRequest) -> Answer:
        return self.answer(self.prepare(request))

    def _job(self, ticket: Ticket) -> Job:
        r = ticket.request
        return Job(query=r.text, results_type=r.results_type, graph_type=r.graph_type, plan=ticket.plan,
                   union_default=r.union_default, default_graphs=r.default_graphs, named_graphs=r.named_graphs,
                   max_bytes=r.max_bytes or self.settings.max_result_bytes, max_rows=r.max_rows,
                   prefixes=tuple(dict((*ticket.hints.prefixes, *r.prefixes)).items()),
                   base_iri=self.settings.endpoint_iri)

    def _run(self, ticket: Ticket) -> Outcome:
        job = self._job(ticket)
        build = ticket.build
        timeout = self.settings.query_timeout
        if build.checker is not None:  # a remote store: check here, then let the server answer
            checked = self._pool_run(build, build.checker, replace(job, check_only=True), timeout,
                                     ticket.request.client)
            if checked.status != "ok":
                return checked
            job = replace(job, union_default=job.union_default and not checked.uses_from)
            return build.pool.run(job, timeout)
        pool = build.federation if ticket.plan.federated and build.federation is not None else build.pool
        return self._pool_run(build, pool, job, timeout, ticket.request.client)

    def _pool_run(self, build: ActiveBuild, pool: WorkerPool | RemoteRunner, job: Job, timeout: float,
                  client: str = "") -> Outcome:
        outcome = pool.run(job, timeout, client) if isinstance(pool, WorkerPool) else pool.run(job, timeout)
        if outcome.status == "closed":
            # The pool was retired under us by a rebuild: answer from the new build.
            fresh = self.active()
            if fresh is not build:
                return self._pool_run(fresh, fresh.pool, job, timeout, client)
            return Outcome("busy", message="the query workers are restarting")
        return outcome

    def _count_death(self, client: str) -> None:
        if self.deaths.add(client):
            log.warning("client %s: its queries ended %d query processes within %g s; its queries get 429 for a while",
                        client, self.deaths.limit, self.deaths.window)

    def _failure(self, ticket: Ticket, outcome: Outcome) -> AppError:
        """The one place an outcome becomes what the client is told; process killers go to quarantine."""
        s = self.settings
        status = outcome.status
        text = ticket.request.text
        if status == "syntax":
            if ticket.hints.update_verb:
                return AppError(403, READ_ONLY)
            return AppError(400, syntax_message(text, outcome.message))
        if status == "refused":
            return AppError(outcome.http_status or 403, outcome.message)
        if status == "not_acceptable":
            return not_acceptable(outcome.kind)
        if status == "timeout":
            error = AppError(503, f"the query ran longer than this endpoint's limit of {s.query_timeout:g} s and "
                                  "was stopped; narrow it down (LIMIT, more specific patterns) and try again",
                             {"Retry-After": "1"})
            self.quarantine.add(text, error)
            self._count_death(ticket.request.client)
            return error
        if status in ("crashed", "out_of_memory"):
            hint = "; narrow it down (LIMIT, more specific patterns) and try again" if status == "out_of_memory" \
                else ""
            log.warning("query process died (%s): %s", status, outcome.detail[-2000:])
            error = AppError(422, f"the query was stopped: {outcome.message}{hint}")
            self.quarantine.add(text, error)
            self._count_death(ticket.request.client)
            return error
        if status == "unavailable":  # a remote store stopped answering (never passed on as a cut-off 200)
            return unavailable(f"the store is not available: {outcome.message}; try again shortly")
        if status == "client_busy":  # the client's own queries hold its share of the processes
            return AppError(429, f"{outcome.message}; try again when they have finished", {"Retry-After": "5"})
        if status in ("busy", "closed"):
            return unavailable(f"the endpoint is busy ({outcome.message or 'restarting'}); try again shortly", 5)
        if status == "too_large":
            limit = ticket.request.max_bytes or s.max_result_bytes
            # The client's own query crossed a limit it is told about: a 4xx (README, "Security defaults"), sent as
            # soon as the serialised answer passed the limit.
            return AppError(422, f"the answer is larger than this endpoint's limit of {limit} bytes "
                                 f"(--max-result-bytes) and was not sent; add LIMIT or select fewer rows/columns")
        if outcome.stopped_by_sandbox:
            log.warning("the sandbox stopped a network connection attempted by a query from %s (the query check "
                        "had let it through): %s; query %r", ticket.request.client or "an unknown client",
                        outcome.detail[:500], text[:2000])
        if ticket.plan.federated or outcome.message == SERVICE_FAILED:
            return AppError(502, outcome.message or SERVICE_FAILED)
        return AppError(400, f"the query failed: {outcome.message or 'unknown error'}")


def not_acceptable(kind: str) -> AppError:
    results, graphs = formats.media_types(formats.RESULTS), formats.media_types(formats.GRAPH)
    if kind in ("solutions", "boolean", "SELECT", "ASK"):
        offer = f"results are available as: {formats.describe(results)}"
    elif kind in ("graph", "CONSTRUCT", "DESCRIBE"):
        offer = f"graphs are available as: {formats.describe(graphs)}"
    else:
        offer = f"results as {formats.describe(results)}; graphs as {formats.describe(graphs)}"
    return AppError(406, f"none of the requested formats is available; {offer}")


def syntax_message(query: str, engine_message: str) -> str:
    """The parser's message, shortened, with the offending line and a caret under the position."""
    first = engine_message.strip().splitlines()[0] if engine_message.strip() else "syntax error"
    if "expected one of" in first and ", [" in first:
        # The engine lists character classes too; the keyword/punctuation part is what helps a person.
        first = first.split(", [", 1)[0] + ", …"
    if len(first) > 240:
        first = first[:240].rstrip() + " …"
    text = f"malformed query: {first}"
    position = guard.error_position(first)
    if position is not None:
        line_no, col = position
        lines = query.splitlines() or [""]
        if 1 <= line_no <= len(lines):
            line = lines[line_no - 1]
            if len(line) <= 200:
                text += f"\n  {line}\n  {' ' * max(0, col - 1)}^"
    return text
