"""A query process: one in-memory copy of a build, sealed off the network, answering jobs over a pipe.

Started by the pool as `python -m almerekg.engine.worker --fd N --build DIR ...`; it imports pyoxigraph,
not Flask. In this order it
1. seals itself (engine/sandbox.py) before it opens anything, so every thread it starts is sealed too;
2. runs everything else in one thread with a large stack: the engine's parser and evaluator recurse once
   per level of nesting and overflow an 8 MiB stack at a few thousand levels (a crash); the stack is
   sized for the largest query text the endpoint accepts (the `max_query_bytes` setting);
3. loads the build into memory (scans are several times faster than on disk), then caps the memory a
   query may add (RLIMIT_AS), so a runaway allocation ends this process, not the machine;
4. answers jobs: the checks of engine/guard.py on the engine's own parser, then the query, serialised
   here so the web side never starts a 200 it might have to cut short.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path

from ..settings import Settings
from . import formats, guard, sandbox
from .jobs import SERVICE_FAILED, Job, Outcome

# Stack of the query thread per byte of the largest accepted query text: measured with the deepest
# constructs the engine recurses on (nested groups, EXISTS, paths; tests/robustness/test_crash.py).
STACK_PER_QUERY_BYTE = 4096
MIN_STACK = 256 * 1024 * 1024
# Engine messages about a failed connection say where it went: never passed to the client. Every kind the
# engine's HTTP client writes: "failed to lookup address information: Name or service not known" (DNS, an
# IPv6 literal host), "Connection refused (os error 111)", TLS and certificate errors, "The port 9 is not
# allowed for HTTP(S) ...", "Permission denied (os error 13)" (the sandbox), timeouts, redirects.
_NETWORK_WORDS = re.compile(r"://|os error|connect|\bdns\b|resolv|lookup|\baddress|\bhost|name or service|"
                            r"\btls\b|\bssl\b|certificate|handshake|redirect|socket|refused|unreachable|"
                            r"permission denied|timed out|network|\bhttps?\b|\bport\b", re.IGNORECASE)
NETWORK_WORDS_READ = 4096  # characters of an engine message searched (the words come first; a message may
# quote a client's megabyte-long IRI)
# What seals this process (set once at start: "sealed", "supervised", "off" or "unavailable: why").
_sandbox_state = "off"


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
# The checks, on the engine's own parser
# ---------------------------------------------------------------------------------------------------


def parse_error(text: str, base_iri: str | None) -> str | None:
    """The engine's syntax error for a text, or None when it parses.

    Only ever asked about neutralised texts (engine/guard.py), which hold no SERVICE: parsing them on an
    empty store in this sealed process contacts nothing. Evaluation errors mean the text parsed.
    """
    import pyoxigraph as ox

    try:
        result = ox.Store().query(text, base_iri=base_iri)
        if isinstance(result, ox.QueryBoolean):
            bool(result)
    except SyntaxError as exc:
        return str(exc) or "syntax error"
    except (OSError, RuntimeError, ValueError, TypeError):
        return None
    return None


def check(job: Job, allowlist: tuple[str, ...]) -> Outcome | None:
    """None when the query may run; otherwise the refusal (or the syntax error) to answer with."""
    plan = job.plan
    if not plan.needs_service_check:
        return None
    if not plan.marker:
        refused = guard.unmarkable(job.query)
        return Outcome("refused", message=refused.message, http_status=refused.status)
    message = parse_error(plan.service_check_text(job.query), job.base_iri)
    if message is None:
        return None
    refusal = guard.refusal_for(job.query, plan, guard.error_position(message), allowlist)
    if refusal.message:
        return Outcome("refused", message=refusal.message, http_status=refusal.status)
    return Outcome("syntax", message=message)


def uses_from(job: Job) -> bool:
    """Whether the engine reads FROM / FROM NAMED in the query (then the union default must not apply)."""
    if not job.plan.from_at:
        return False
    return parse_error(job.plan.from_check_text(job.query), job.base_iri) is not None


# ---------------------------------------------------------------------------------------------------
# Running a job
# ---------------------------------------------------------------------------------------------------


def execute(store, job: Job, allowlist: tuple[str, ...] = ()) -> Outcome:  # noqa: ANN001 - pyoxigraph.Store
    import pyoxigraph as ox

    refused = check(job, allowlist)
    if refused is not None:
        return refused
    dataset_given = job.default_graphs is not None or job.named_graphs is not None
    from_ = uses_from(job) if job.union_default and not dataset_given else False
    if job.check_only:
        return Outcome("ok", uses_from=from_)
    kwargs: dict = {"base_iri": job.base_iri}
    if dataset_given:
        # The protocol's dataset replaces the query's own FROM/FROM NAMED (SPARQL 1.1 Protocol 2.1.4).
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif job.union_default and not from_:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        return Outcome("syntax", message=str(exc))
    except ValueError as exc:  # a bad graph IRI and the like
        return Outcome("syntax", message=str(exc))
    except (OSError, RuntimeError) as exc:  # evaluation that starts at once (SERVICE, ASK)
        return _failed(exc, job)
    return _serialise(result, job)


def _serialise(result, job: Job) -> Outcome:  # noqa: ANN001 - a pyoxigraph query result
    import pyoxigraph as ox

    if isinstance(result, ox.QueryTriples):
        kind, media = "graph", job.graph_type
        fmt = getattr(ox.RdfFormat, formats.engine_format(media)) if media else None
    else:
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        media = job.results_type
        fmt = getattr(ox.QueryResultsFormat, formats.engine_format(media)) if media else None
    if fmt is None or media is None:
        return Outcome("not_acceptable", kind=kind)
    buf = _LimitedBuffer(job.max_bytes)
    truncated = False
    try:
        if kind == "solutions" and job.max_rows is not None:
            truncated = _first_rows_json(result, job.max_rows, buf)
            media = "application/sparql-results+json"
        elif kind == "graph" and job.prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            # Turtle with the query's own prefixes reads far better; only the module function takes them.
            # pyoxigraph writes to any object with write(); its stub asks for typing.IO, which no IOBase is.
            ox.serialize(result, buf, fmt, prefixes=dict(job.prefixes))  # type: ignore[arg-type]
        else:
            result.serialize(buf, fmt)
    except _TooLarge:
        return Outcome("too_large", kind=kind, media_type=media or "")
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        # Evaluation errors (a bad regex, an unsupported function, ...) surface while iterating.
        return _failed(exc, job, kind)
    return Outcome("ok", body=b"".join(buf.parts), media_type=media, kind=kind, truncated=truncated)


def _failed(exc: Exception, job: Job, kind: str = "") -> Outcome:
    detail = f"{type(exc).__name__}: {exc}"
    words = network_words(str(exc))
    network = isinstance(exc, OSError) or words
    if job.plan.federated or (network and job.plan.needs_service_check) or words:
        # What a SERVICE call met (an address, a status, a payload) is never shown: it would make the
        # endpoint a port scanner. The log keeps it. A sealed process that met a network error was stopped
        # by its sandbox: the query check let through something that tried to reach out.
        stopped = network and _sandbox_state in (sandbox.SEALED, sandbox.SUPERVISED) and (
            not job.plan.federated or "os error 13" in str(exc))
        return Outcome("error", kind=kind, message=SERVICE_FAILED, detail=detail, stopped_by_sandbox=stopped)
    first = str(exc).strip().splitlines()[0][:500] if str(exc).strip() else type(exc).__name__
    return Outcome("error", kind=kind, message=first, detail=detail)


def network_words(message: str) -> bool:
    """Whether an engine message speaks of the network (a failed connection, a lookup, TLS, the sandbox)."""
    return _NETWORK_WORDS.search(message[:NETWORK_WORDS_READ]) is not None


def _first_rows_json(result, max_rows: int, buf: _LimitedBuffer) -> bool:  # noqa: ANN001 - QuerySolutions
    """SPARQL JSON of the first rows only, read lazily: the rest of the answer is never computed."""
    names = [v.value for v in result.variables]
    rows: list[dict[str, dict]] = []
    more = False
    for solution in result:
        if len(rows) == max_rows:
            more = True
            break
        rows.append({n: _json_term(solution[n]) for n in names if solution[n] is not None})
    buf.write(json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}, ensure_ascii=False).encode())
    return more


def _json_term(term) -> dict:  # noqa: ANN001 - a pyoxigraph term
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


# ---------------------------------------------------------------------------------------------------
# The process
# ---------------------------------------------------------------------------------------------------


def _open_build(build_dir: Path | None):  # noqa: ANN202 - pyoxigraph.Store, imported lazily
    import pyoxigraph as ox

    from ..store.embedded import load_in_memory

    return ox.Store() if build_dir is None else load_in_memory(build_dir)


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

    Set after the build is loaded and counting from there: what Python, the engine and the loaded
    graph map depends on the machine, so a fixed total would let a worker start on one machine and not
    on another.
    """
    import resource

    cap = _address_space() + allowance
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return cap


def _seal(conn: Connection, mode: str, required: bool) -> str:
    """Install the sandbox and tell the pool what holds: ("sandbox", state), then a supervised
    process's seccomp listener. Returns the state: "sealed", "supervised", "off" or why not."""
    state = mode
    listener = None
    if mode != "off":
        try:
            listener = sandbox.install(mode)
        except sandbox.SandboxUnavailable as exc:
            if required:
                raise
            state = f"unavailable: {exc}"
    conn.send(("sandbox", state))
    if listener is not None:
        reduction.send_handle(conn, listener, os.getppid())
        os.close(listener)
    return state


def worker_main(args: argparse.Namespace) -> None:
    conn = Connection(args.fd)
    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True).start()
    try:
        state = _seal(conn, args.sandbox, args.sandbox_required)
    except sandbox.SandboxUnavailable as exc:
        conn.send(("failed", f"the sandbox is required and unavailable: {exc}"))
        return
    threading.stack_size(max(MIN_STACK, STACK_PER_QUERY_BYTE * args.max_query_bytes))
    thread = threading.Thread(target=_serve, args=(conn, args, state), name="almerekg-query")
    thread.start()
    thread.join()


def _serve(conn: Connection, args: argparse.Namespace, sandbox_state: str) -> None:
    global _sandbox_state  # noqa: PLW0603 - one value per process, set before the first job
    _sandbox_state = sandbox_state
    allowlist = tuple(a for a in (args.allow or "").split(",") if a)
    try:
        store = _open_build(Path(args.build) if args.build else None)
        if args.memory > 0:
            cap_query_memory(args.memory)
    except Exception as exc:  # noqa: BLE001 - report any failure to open, then exit
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid(), sandbox_state))
    while True:
        try:
            job = Job.from_wire(conn.recv_bytes())
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        try:
            outcome = execute(store, job, allowlist)
        except Exception as exc:  # noqa: BLE001 - never let one query take the worker down silently
            outcome = Outcome("error", message="the query failed inside the engine (see the server log)",
                              detail=f"{type(exc).__name__}: {exc}")
        outcome.seconds = time.perf_counter() - started
        try:
            conn.send_bytes(outcome.to_wire())
        except (BrokenPipeError, OSError):
            return


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="almerekg query process (started by the web server)")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--build", default="", help="build folder to load (empty: an empty store, for checks)")
    parser.add_argument("--memory", type=int, default=0, help="bytes a query may add to the address space")
    parser.add_argument("--sandbox", choices=(sandbox.SEALED, sandbox.SUPERVISED, "off"), default=sandbox.SEALED)
    parser.add_argument("--sandbox-required", action="store_true")
    parser.add_argument("--allow", default="", help="allow-listed SERVICE hosts, comma-separated")
    parser.add_argument("--max-query-bytes", type=int, default=Settings.max_query_bytes)
    worker_main(parser.parse_args(argv))


if __name__ == "__main__":
    main()
