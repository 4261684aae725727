"""A small pool of query processes that can be killed.

pyoxigraph has no timeout and no cancellation: a runaway query keeps a thread busy until it ends.
So queries run in worker processes, each holding its own in-memory copy of one build (scans are
several times faster in memory than in RocksDB, and the report graph is small). The web thread sends a
job over a pipe and waits with a deadline; when the deadline passes the worker is killed (SIGKILL: the
engine does not look at signals mid-query) and a fresh one is started in the background.

Each worker serialises the answer itself and sends back finished bytes, so the web side never starts
a 200 response it might have to cut short, and the size limit is enforced while writing.

The worker is started as `python -m almerekg.runner --fd N --build DIR`: it imports pyoxigraph only,
not Flask, and talks over one end of a socketpair (multiprocessing's Connection framing).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

log = logging.getLogger("almerekg.runner")

# Media type -> pyoxigraph format name, for each kind of answer.
RESULT_FORMATS = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_FORMATS = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "application/n-quads": "N_QUADS",
    "application/trig": "TRIG",
}


@dataclass(frozen=True)
class Job:
    query: str
    results_type: str | None  # media type for SELECT/ASK answers (None: not acceptable to the client)
    graph_type: str | None  # media type for CONSTRUCT/DESCRIBE answers
    union_default: bool  # default graph = union of all graphs (only when no dataset is given)
    default_graphs: tuple[str, ...] | None = None  # protocol dataset (default-graph-uri); None: not given
    named_graphs: tuple[str, ...] | None = None  # protocol dataset (named-graph-uri)
    max_bytes: int = 50 * 1024 * 1024
    prefixes: tuple[tuple[str, str], ...] = ()  # for readable Turtle/TriG output


@dataclass
class Outcome:
    status: str  # ok syntax error too_large not_acceptable timeout busy crashed out_of_memory closed
    body: bytes = b""
    media_type: str = ""
    message: str = ""
    kind: str = ""  # solutions | boolean | graph
    seconds: float = 0.0


class _LimitedBuffer(io.RawIOBase):
    """Collects the serialised answer and stops the serialiser as soon as it exceeds the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # noqa: ANN001 - bytes-like from the engine
        n = len(b)
        self.size += n
        if self.size > self.limit:
            raise _TooLarge()
        self.parts.append(bytes(b))
        return n


class _TooLarge(Exception):
    pass


# ---------------------------------------------------------------------------------------------------
# Worker side
# ---------------------------------------------------------------------------------------------------


def _open_build(build_dir: Path):  # noqa: ANN202 - pyoxigraph.Store, imported lazily
    import pyoxigraph as ox

    disk = ox.Store.read_only(str(build_dir / "oxigraph"))
    mem = ox.Store()
    mem.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    del disk
    return mem


def _execute(store, job: Job) -> Outcome:  # noqa: ANN001 - pyoxigraph.Store
    import pyoxigraph as ox

    kwargs: dict = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        # The protocol's dataset replaces the query's own FROM/FROM NAMED (SPARQL 1.1 Protocol 2.1.4).
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif job.union_default:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        return Outcome("syntax", message=str(exc))
    except ValueError as exc:  # bad graph IRI and the like
        return Outcome("syntax", message=str(exc))
    if isinstance(result, ox.QueryTriples):
        kind, media = "graph", job.graph_type
        fmt = getattr(ox.RdfFormat, GRAPH_FORMATS[media]) if media else None
    else:
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        media = job.results_type
        fmt = getattr(ox.QueryResultsFormat, RESULT_FORMATS[media]) if media else None
    if fmt is None:
        return Outcome("not_acceptable", kind=kind)
    buf = _LimitedBuffer(job.max_bytes)
    try:
        if kind == "graph" and job.prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            # Turtle with the query's own prefixes reads far better; only the module function takes them.
            ox.serialize(result, buf, fmt, prefixes=dict(job.prefixes))
        else:
            result.serialize(buf, fmt)
    except _TooLarge:
        return Outcome("too_large", kind=kind, media_type=media)
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        # Evaluation errors (a failing SERVICE, a bad regex, ...) surface only while iterating.
        return Outcome("error", kind=kind, message=str(exc))
    return Outcome("ok", body=b"".join(buf.parts), media_type=media, kind=kind)


def _orphan_watch(parent: int) -> None:
    # If the web process dies without killing us, do not linger computing a runaway query.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _address_space() -> int:
    """This process's mapped address space now (VmSize), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise OSError("no VmSize in /proc/self/status")


def cap_query_memory(allowance: int) -> int:
    """Let this process map at most `allowance` bytes beyond what it maps now; returns the cap.

    A cross product under ORDER BY can eat all memory long before its timeout. With a cap the
    allocation fails, the worker aborts and is replaced, and the OOM killer never picks a victim.
    The cap is set after the build is loaded and counts from there: what Python, the engine and the
    loaded graph map depends on the machine (the storage engine starts a thread per core, each with
    its own stack), so a fixed total would let a worker start on one machine and not on another.
    """
    import resource

    cap = _address_space() + allowance
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return cap


def worker_main(fd: int, build_dir: str, memory_limit: int = 0) -> None:
    conn = Connection(fd)
    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True).start()
    try:
        store = _open_build(Path(build_dir))
        if memory_limit > 0:
            cap_query_memory(memory_limit)
    except Exception as exc:  # noqa: BLE001 - report any failure to open, then exit
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        try:
            outcome = _execute(store, job)
        except Exception as exc:  # noqa: BLE001 - never let one query take the worker down silently
            outcome = Outcome("error", message=f"{type(exc).__name__}: {exc}")
        outcome.seconds = time.perf_counter() - started
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return


# ---------------------------------------------------------------------------------------------------
# Web side
# ---------------------------------------------------------------------------------------------------


RETRY_START_AFTER = 1.0  # seconds before starting a failed worker again; doubles up to the maximum
MAX_RETRY_START_AFTER = 30.0


class PoolError(Exception):
    """The pool could not start a single worker."""


@dataclass(eq=False)  # identity semantics: kept in a set
class _Worker:
    proc: subprocess.Popen
    conn: Connection
    jobs: int = 0


@dataclass
class PoolStats:
    size: int
    idle: int
    started: int
    killed: int
    pids: list[int] = field(default_factory=list)


class WorkerPool:
    """N worker processes serving one build folder."""

    def __init__(self, build_dir: Path, size: int = 2, start_timeout: float = 300.0,
                 memory_limit: int = 0) -> None:
        self.build_dir = Path(build_dir)
        self.size = max(1, size)
        self.memory_limit = memory_limit
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.started = 0
        self.killed = 0

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> WorkerPool:
        """Start all workers in parallel and wait until each has loaded the build."""
        pending = [self._spawn() for _ in range(self.size)]
        errors = []
        for w in pending:
            try:
                self._await_ready(w)
            except PoolError as exc:
                errors.append(str(exc))
                continue
            self._idle.put(w)
        if errors and self._idle.empty():
            raise PoolError(errors[0])
        for msg in errors:
            log.error("query worker failed to start, trying again in the background: %s", msg)
            threading.Thread(target=self._start_one, name="almerekg-worker-start", daemon=True).start()
        return self

    def close(self) -> None:
        """Kill idle workers now; busy ones are killed as soon as they hand back their answer."""
        with self._lock:
            self._closed = True
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            if w is not None:
                self._kill(w)
        # Wake requests still waiting for a worker of this pool: they retry on the new one.
        self._idle.put(None)  # type: ignore[arg-type]

    def kill_all(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for w in workers:
            self._kill(w)

    def stats(self) -> PoolStats:
        with self._lock:
            pids = sorted(w.proc.pid for w in self._all)
        return PoolStats(size=self.size, idle=self._idle.qsize(), started=self.started, killed=self.killed,
                         pids=pids)

    # -- running ----------------------------------------------------------------------------------
    def run(self, job: Job, timeout: float) -> Outcome:
        """Run a job within `timeout` seconds (waiting for a free worker counts)."""
        started = time.monotonic()
        deadline = started + timeout
        try:
            w = self._idle.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return Outcome("busy", message=f"all {self.size} query workers stayed busy for {timeout:g} s")
        if w is None:  # the pool was closed (a new build is being served): pass the wake-up on
            self._idle.put(None)  # type: ignore[arg-type]
            return Outcome("closed")
        try:
            w.conn.send(job)
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(w, reason="timeout")
                return Outcome("timeout", seconds=time.monotonic() - started)
            outcome: Outcome = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            try:
                code = w.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            self._replace(w, reason=f"died (exit {code})")
            if code == -signal.SIGABRT and self.memory_limit:
                return Outcome("out_of_memory", message=f"the query needed more than the "
                                                        f"{self.memory_limit // (1024 * 1024)} MiB a query may use")
            return Outcome("crashed", message=f"the query worker died (exit status {code})")
        except BaseException:
            self._replace(w, reason="interrupted")
            raise
        w.jobs += 1
        self._release(w)
        return outcome

    # -- internals --------------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent_sock, child_sock = socket.socketpair()
        child_fd = child_sock.fileno()
        proc = subprocess.Popen(
            [sys.executable, "-m", "almerekg.runner", "--fd", str(child_fd), "--build", str(self.build_dir),
             "--memory", str(self.memory_limit)],
            pass_fds=(child_fd,),
            stdin=subprocess.DEVNULL,
            # The engine writes to stderr only when it aborts (out of memory): we log that ourselves,
            # as JSON, from the exit status.
            stderr=subprocess.DEVNULL,
            close_fds=True,
            # glibc gives each thread that allocates its own 64 MiB arena of address space, up to eight per
            # core; two keep a worker's footprint, and so its memory cap, the same on any machine.
            env={**os.environ, "MALLOC_ARENA_MAX": "2"},
        )
        child_sock.close()
        conn = Connection(parent_sock.detach())
        w = _Worker(proc=proc, conn=conn)
        with self._lock:
            self._all.add(w)
            self.started += 1
        return w

    def _await_ready(self, w: _Worker) -> None:
        try:
            if not w.conn.poll(self.start_timeout):
                raise PoolError(f"worker did not load {self.build_dir} within {self.start_timeout:g} s")
            msg = w.conn.recv()
        except (EOFError, OSError) as exc:
            self._kill(w)
            raise PoolError(f"worker exited while loading {self.build_dir}") from exc
        except PoolError:
            self._kill(w)
            raise
        if msg[0] != "ready":
            self._kill(w)
            raise PoolError(f"worker could not open {self.build_dir}: {msg[1]}")

    def _release(self, w: _Worker) -> None:
        with self._lock:
            closed = self._closed
        if closed:
            self._kill(w)
        else:
            self._idle.put(w)

    def _kill(self, w: _Worker) -> None:
        with contextlib.suppress(OSError):
            w.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            w.proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            w.conn.close()
        with self._lock:
            self._all.discard(w)

    def _replace(self, w: _Worker, reason: str) -> None:
        log.warning("query worker %s %s; replacing it", w.proc.pid, reason)
        self._kill(w)
        with self._lock:
            self.killed += 1
            if self._closed:
                return
        # Loading a build takes a moment: do it off the request thread, which answers right away.
        threading.Thread(target=self._start_one, name="almerekg-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        # A pool that gave up after one failed start would shrink for good (and with it the protection
        # against runaway queries), so keep trying, less and less often, until the pool is closed.
        delay = RETRY_START_AFTER
        while True:
            with self._lock:
                if self._closed:
                    return
            try:
                w = self._spawn()
                self._await_ready(w)
            except (PoolError, OSError) as exc:
                log.error("could not start a replacement query worker, trying again in %g s: %s", delay, exc)
                time.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_START_AFTER)
                continue
            self._release(w)
            return


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="almerekg query worker (started by the web server)")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--memory", type=int, default=0, help="address-space limit in bytes (0: none)")
    args = parser.parse_args(argv)
    worker_main(args.fd, args.build, args.memory)


if __name__ == "__main__":
    # Run from the imported module, not __main__, so pickled Outcomes name almerekg.runner.Outcome.
    from almerekg import runner

    runner.main()
