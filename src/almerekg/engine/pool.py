"""A pool of query processes that can be killed, replaced, and never take a query down with them.

pyoxigraph has no timeout and no cancellation: a runaway query keeps a thread busy until it ends. So
queries run in processes (engine/worker.py). A request sends a job over a pipe and waits with a
deadline; when the deadline passes the process is killed (SIGKILL: the engine does not look at signals
mid-query) and a fresh one is started in the background.

A process may also die on its own: a query that exhausts its memory cap, an engine defect (a panic), a
crash, or the kernel's OOM killer while it sat idle. The pool reads what the process wrote to stderr (all of
it, up to STDERR_KEPT; query processes run without RUST_BACKTRACE, so a panic is a few lines) to say which,
replaces it, and checks idle processes every second so that the next query never meets a dead one. The engine
quarantines a query that killed a process and limits the processes one client's queries may end
(engine/quarantine.py).

One client's queries hold at most a share of the processes at once (`client_share`: all but one, unless set):
its further queries wait for one of its own to finish, so runaway queries from one client never keep every
process from the others.
"""

from __future__ import annotations

import collections
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
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path

from ..settings import Settings
from . import guard, sandbox
from .jobs import Job, Outcome

log = logging.getLogger("almerekg.engine.pool")

RETRY_START_AFTER = 1.0  # seconds before starting a failed worker again; doubles up to the maximum
MAX_RETRY_START_AFTER = 30.0
IDLE_CHECK_EVERY = 1.0  # seconds between looks at idle workers (one may have been killed from outside)
STDERR_KEPT = 256 * 1024  # bytes of a worker's stderr kept and read to tell why it died
STDERR_LOGGED = 8192  # of which the last bytes go to the log
# Set in the environment, these make a panic print a backtrace of hundreds of lines: never for query processes.
NOISY_ENVIRONMENT = ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE")
KILLED_FROM_OUTSIDE = "killed from outside (SIGKILL, nothing on stderr)"


class PoolError(Exception):
    """The pool could not start a single worker."""


@dataclass(eq=False)  # identity semantics: kept in a set
class _Worker:
    proc: subprocess.Popen
    conn: Connection
    stderr: collections.deque = field(default_factory=collections.deque)  # chunks, at most STDERR_KEPT bytes
    stderr_bytes: int = 0
    stderr_lock: threading.Lock = field(default_factory=threading.Lock)
    jobs: int = 0
    sandbox: str = ""
    retired: bool = False  # dead or replaced: never handed out again

    def keep_stderr(self, chunk: bytes) -> None:
        """Keep a chunk of stderr, forgetting the oldest beyond STDERR_KEPT bytes (however small the chunks)."""
        with self.stderr_lock:
            self.stderr.append(chunk)
            self.stderr_bytes += len(chunk)
            while self.stderr_bytes > STDERR_KEPT and len(self.stderr) > 1:
                self.stderr_bytes -= len(self.stderr.popleft())

    def stderr_tail(self) -> str:
        """All of its stderr that is kept (at most STDERR_KEPT bytes, the last ones)."""
        with self.stderr_lock:
            return b"".join(self.stderr).decode("utf-8", "replace")


@dataclass
class PoolStats:
    size: int
    idle: int
    started: int
    killed: int
    pids: list[int] = field(default_factory=list)
    sandbox: str = ""


@dataclass(frozen=True)
class WorkerOptions:
    memory_limit: int = 0  # bytes a query may add beyond the loaded build (0: no cap)
    sandbox: str = sandbox.SEALED  # sealed | supervised | off
    sandbox_required: bool = False
    allowlist: tuple[str, ...] = ()  # SERVICE hosts (supervised processes only)
    max_query_bytes: int = Settings.max_query_bytes
    client_processes: int = 0  # processes one client's queries may hold at once (0: all but one, at least 1)


class WorkerPool:
    """N worker processes serving one build folder (or an empty store, when build_dir is None)."""

    def __init__(self, build_dir: Path | None, size: int = 2, start_timeout: float = 300.0,
                 options: WorkerOptions = WorkerOptions()) -> None:
        self.build_dir = Path(build_dir) if build_dir is not None else None
        self.size = max(1, size)
        self.options = options
        self.memory_limit = options.memory_limit
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.started = 0
        self.killed = 0
        self.sandbox_state = ""
        self._addresses = sandbox.Addresses(guard.parse_allowlist(options.allowlist)) \
            if options.sandbox == sandbox.SUPERVISED else None
        self.client_share = min(self.size, options.client_processes) if options.client_processes > 0 \
            else max(1, self.size - 1)
        self._holding: dict[str, int] = {}  # client -> processes its queries hold now
        self._share_freed = threading.Condition()

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
            self._start_in_background()
        threading.Thread(target=self._watch_idle, name="almerekg-worker-watch", daemon=True).start()
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
        self._idle.put(None)

    def kill_all(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for w in workers:
            self._kill(w)

    def stats(self) -> PoolStats:
        with self._lock:
            pids = sorted(w.proc.pid for w in self._all if not w.retired)
        return PoolStats(size=self.size, idle=self._idle.qsize(), started=self.started, killed=self.killed,
                         pids=pids, sandbox=self.sandbox_state)

    # -- running ----------------------------------------------------------------------------------
    def run(self, job: Job, timeout: float, client: str = "") -> Outcome:
        """Run a job within `timeout` seconds (waiting for the client's share and a free worker counts)."""
        started = time.monotonic()
        deadline = started + timeout
        if not client:
            return self._run(job, started, deadline)
        if not self._hold(client, deadline):
            return Outcome("client_busy", seconds=time.monotonic() - started,
                           message=f"your other queries hold the {self.client_share} query process"
                                   f"{'es' if self.client_share > 1 else ''} one client may use at once, and none "
                                   "finished in time")
        try:
            return self._run(job, started, deadline)
        finally:
            self._let_go(client)

    def _hold(self, client: str, deadline: float) -> bool:
        """Wait until `client` holds fewer than its share of processes, then count one more; False at the deadline."""
        with self._share_freed:
            while self._holding.get(client, 0) >= self.client_share:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._share_freed.wait(left)
            self._holding[client] = self._holding.get(client, 0) + 1
            return True

    def _let_go(self, client: str) -> None:
        with self._share_freed:
            held = self._holding.pop(client, 1) - 1
            if held > 0:
                self._holding[client] = held
            self._share_freed.notify_all()

    def _run(self, job: Job, started: float, deadline: float) -> Outcome:
        for attempt in (1, 2):
            w = self._take(deadline)
            if isinstance(w, Outcome):
                return w
            outcome = self._exchange(w, job, started, deadline)
            # Killed from outside (the OOM killer, an operator's kill -9) while it had this query: not the query's
            # doing (its own excesses end in an allocation failure first, see worker.cap_query_memory). The query
            # gets one more process.
            if attempt == 1 and outcome.detail == KILLED_FROM_OUTSIDE:
                continue
            return outcome
        raise AssertionError("unreachable")

    def _exchange(self, w: _Worker, job: Job, started: float, deadline: float) -> Outcome:
        try:
            w.conn.send_bytes(job.to_wire())
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(w, reason="timeout")
                return Outcome("timeout", seconds=time.monotonic() - started)
            outcome = Outcome.from_wire(w.conn.recv_bytes())
        except (EOFError, OSError, BrokenPipeError):
            return self._died(w, started)
        except BaseException:
            self._replace(w, reason="interrupted")
            raise
        if outcome.detail:
            log.info("query failed in worker %s: %s", w.proc.pid, outcome.detail[:2000])
        w.jobs += 1
        self._release(w)
        return outcome

    def _take(self, deadline: float) -> _Worker | Outcome:
        """A live idle worker; a dead one (killed while idle) is replaced and skipped, never used."""
        while True:
            try:
                w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return Outcome("busy", message=f"all {self.size} query workers stayed busy")
            if w is None:  # the pool was closed (a new build is being served): pass the wake-up on
                self._idle.put(None)
                return Outcome("closed")
            if w.retired:
                continue
            # A live idle process has nothing to say: a readable pipe means it has closed its end (died).
            if w.proc.poll() is not None or w.conn.poll(0):
                w.proc.poll()
                self._replace(w, reason=f"died while idle (exit {w.proc.returncode})")
                continue
            return w

    def _died(self, w: _Worker, started: float) -> Outcome:
        try:
            code = w.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        time.sleep(0.05)  # let the stderr reader take the last lines
        stderr = w.stderr_tail()
        self._replace(w, reason=f"died (exit {code})")
        seconds = time.monotonic() - started
        panic = stderr.find("panicked")
        # From the panic on when there is one (a backtrace may follow it), else the last lines.
        tail = stderr[max(0, panic - 200):][:STDERR_LOGGED] if panic >= 0 else stderr[-STDERR_LOGGED:]
        if "memory allocation of" in stderr or "MemoryError" in stderr or (
                code == -signal.SIGABRT and self.memory_limit and panic < 0):
            mib = self.memory_limit // (1024 * 1024)
            return Outcome("out_of_memory", seconds=seconds, detail=tail,
                           message=f"the query needed more than the {mib} MiB of memory a query may use")
        if "panicked" in tail:
            return Outcome("crashed", seconds=seconds, detail=tail,
                           message="the query engine stopped on this query with an internal error (a defect of "
                                   "the engine, not of the query): " + _panic_reason(tail))
        if code == -signal.SIGKILL and not tail.strip():
            return Outcome("crashed", seconds=seconds, detail=KILLED_FROM_OUTSIDE,
                           message="the query process was killed from outside (exit status -9)")
        if code == -signal.SIGSEGV:
            return Outcome("crashed", seconds=seconds, detail=tail,
                           message="the query engine crashed on this query (most likely it nests too deeply)")
        return Outcome("crashed", seconds=seconds, detail=tail, message=f"the query process died (exit status {code})")

    # -- internals --------------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent_sock, child_sock = socket.socketpair()
        child_fd = child_sock.fileno()
        o = self.options
        cmd = [sys.executable, "-m", "almerekg.engine.worker", "--fd", str(child_fd),
               "--build", str(self.build_dir or ""), "--memory", str(o.memory_limit), "--sandbox", o.sandbox,
               "--allow", ",".join(o.allowlist), "--max-query-bytes", str(o.max_query_bytes)]
        if o.sandbox_required:
            cmd.append("--sandbox-required")
        proc = subprocess.Popen(
            cmd,
            pass_fds=(child_fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # The engine writes to stderr only when it dies (a panic, an allocation that failed): kept to
            # say why, and logged by us as JSON.
            stderr=subprocess.PIPE,
            close_fds=True,
            # glibc gives each thread that allocates its own 64 MiB arena of address space, up to eight per
            # core; two keep a worker's footprint, and so its memory cap, the same on any machine.
            env={**{k: v for k, v in os.environ.items() if k not in NOISY_ENVIRONMENT}, "MALLOC_ARENA_MAX": "2"},
        )
        child_sock.close()
        conn = Connection(parent_sock.detach())
        w = _Worker(proc=proc, conn=conn)
        threading.Thread(target=_read_stderr, args=(w,), name="almerekg-worker-stderr", daemon=True).start()
        with self._lock:
            self._all.add(w)
            self.started += 1
        return w

    def _await_ready(self, w: _Worker) -> None:
        try:
            w.sandbox = self._sandbox_of(w)
            if not w.conn.poll(self.start_timeout):
                raise PoolError(f"worker did not load {self.build_dir} within {self.start_timeout:g} s")
            msg = w.conn.recv()
        except (EOFError, OSError) as exc:
            self._kill(w)
            raise PoolError(f"worker exited while loading {self.build_dir}: {w.stderr_tail()[-300:]}") from exc
        except PoolError:
            self._kill(w)
            raise
        if msg[0] != "ready":
            self._kill(w)
            raise PoolError(f"worker could not start on {self.build_dir}: {msg[1]}")
        if w.sandbox != self.sandbox_state:
            self.sandbox_state = w.sandbox
            if w.sandbox.startswith("unavailable"):
                log.warning("query processes run WITHOUT the operating-system sandbox (%s): SERVICE is refused "
                            "by the query check alone", w.sandbox)
            else:
                log.info("query processes are %s (seccomp)", w.sandbox)

    def _sandbox_of(self, w: _Worker) -> str:
        """The worker's first message says what its sandbox is; a supervised one then sends its listener."""
        if not w.conn.poll(self.start_timeout):
            raise PoolError("worker did not start its sandbox")
        msg = w.conn.recv()
        if msg[0] != "sandbox":
            raise PoolError(f"worker could not start: {msg[1]}")
        if msg[1] == sandbox.SUPERVISED:
            listener = reduction.recv_handle(w.conn)
            threading.Thread(target=sandbox.supervise, args=(listener, self._addresses), daemon=True,
                             name=f"almerekg-supervise-{w.proc.pid}").start()
        return msg[1]

    def _release(self, w: _Worker) -> None:
        with self._lock:
            closed = self._closed
        if closed:
            self._kill(w)
        else:
            self._idle.put(w)

    def _kill(self, w: _Worker) -> None:
        w.retired = True
        with contextlib.suppress(OSError):
            w.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            w.proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            w.conn.close()
        with self._lock:
            self._all.discard(w)

    def _replace(self, w: _Worker, reason: str) -> None:
        if w.retired:
            return
        log.warning("query worker %s %s; replacing it", w.proc.pid, reason)
        self._kill(w)
        with self._lock:
            self.killed += 1
            if self._closed:
                return
        self._start_in_background()

    def _start_in_background(self) -> None:
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

    def _watch_idle(self) -> None:
        """Replace workers that died while idle (the OOM killer, kill -9) before a query needs them."""
        while True:
            time.sleep(IDLE_CHECK_EVERY)
            with self._lock:
                if self._closed:
                    return
                workers = [w for w in self._all if not w.retired]
            for w in workers:
                if w.proc.poll() is not None and not w.retired:
                    self._replace(w, reason=f"died while idle (exit {w.proc.returncode})")


def _read_stderr(w: _Worker) -> None:
    stream = w.proc.stderr
    if not isinstance(stream, io.BufferedReader):  # stderr=PIPE with the default buffering: always one
        return
    with contextlib.suppress(OSError, ValueError):
        for chunk in iter(lambda: stream.read1(4096), b""):
            w.keep_stderr(chunk)


def _panic_reason(tail: str) -> str:
    for line in tail.splitlines():
        if "panicked" in line:
            continue
        text = line.strip()
        if text and not text.startswith(("note:", "stack backtrace", "thread")):
            return text[:300]
    return "see the server log"
