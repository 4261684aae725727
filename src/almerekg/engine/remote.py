"""Running queries on a SPARQL server: the remote store's side of the engine (engine/engine.py).

RemoteRunner has the interface of a WorkerPool (run a Job within a timeout, return an Outcome), so the engine
does not care where a query runs. The server does the work; the timeout is enforced here on the whole exchange,
the answer is read up to max_bytes and passed through, or re-serialised where the server's answer needs it
(Virtuoso writes ASK as a binding and literals as "typed-literal").
"""

from __future__ import annotations

import json
import time
from typing import cast

import requests

from ..store.remote import JSON_RESULTS, RemoteStore
from . import formats
from .jobs import Job, Outcome
from .pool import PoolStats


class RemoteRunner:
    """Runs Jobs on the server: the same interface as engine.pool.WorkerPool, so the web layer does not care.

    No local worker processes: the server does the work. The timeout is enforced here on the whole
    exchange (a server that has not finished in time gets its connection closed and the client a 503);
    the answer is read up to max_bytes and passed through unless the adapter needs it re-serialised.
    """

    def __init__(self, store: RemoteStore) -> None:
        self.store = store
        self.size = 0  # no query workers of our own
        self.started = self.killed = 0

    def stats(self) -> PoolStats:
        return PoolStats(size=0, idle=0, started=0, killed=0, pids=[], sandbox="remote")

    def close(self) -> None:
        pass

    def kill_all(self) -> None:
        self.store.session.close()

    def run(self, job: Job, timeout: float) -> Outcome:
        started = time.monotonic()
        deadline = started + timeout
        normalise = self.store.adapter.normalise_results
        accept = [t for t in (job.results_type, job.graph_type) if t]
        if normalise and job.results_type:
            accept = [JSON_RESULTS, *(t for t in accept if t != job.results_type)]
        if not accept:
            return Outcome("not_acceptable")
        try:
            resp = self.store.post_query(job.query, ", ".join(accept), timeout, union_default=job.union_default,
                                         default_graphs=job.default_graphs, named_graphs=job.named_graphs,
                                         stream=True)
        except requests.Timeout:
            return Outcome("timeout", seconds=time.monotonic() - started)
        except requests.RequestException as exc:
            return Outcome("unavailable", message=f"the SPARQL server at {self.store.endpoint.base} does not "
                                                  f"answer ({type(exc).__name__})")
        try:
            body, status = _read_limited(resp, job.max_bytes, deadline)
        finally:
            resp.close()
        seconds = time.monotonic() - started
        if status != "ok":
            msg = f"the SPARQL server at {self.store.endpoint.base} broke off the answer" if status == "unavailable" \
                else ""
            return Outcome(status, message=msg, seconds=seconds)
        media = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if resp.headers.get("X-SQL-State", "").startswith("S1TAT"):
            # Virtuoso's "anytime query": its own time limit hit, the 200 holds partial results. Not an answer.
            return Outcome("timeout", seconds=seconds)
        if resp.status_code != 200:
            text = body.decode("utf-8", "replace")[:1000]
            if resp.status_code == 400:
                return Outcome("syntax", message=text, seconds=seconds)
            if resp.status_code in (502, 503, 504):
                return Outcome("unavailable", message=f"the SPARQL server answered HTTP {resp.status_code}",
                               seconds=seconds)
            return Outcome("error", message=f"HTTP {resp.status_code} from the SPARQL server: {text}",
                           seconds=seconds)
        outcome = _finish(body, media, job, seconds, normalise)
        return _first_rows(outcome, job.max_rows) if job.max_rows is not None else outcome


def _read_limited(resp: requests.Response, limit: int, deadline: float) -> tuple[bytes, str]:
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in resp.iter_content(64 * 1024):
            size += len(chunk)
            if size > limit:
                return b"", "too_large"
            if time.monotonic() > deadline:
                return b"", "timeout"
            parts.append(chunk)
    except requests.Timeout:
        return b"", "timeout"
    except requests.RequestException:
        # The server went away mid-answer (a dead store must not become a truncated 200).
        return b"", "unavailable"
    return b"".join(parts), "ok"


def _finish(body: bytes, media: str, job: Job, seconds: float, normalise: bool) -> Outcome:
    """Pass the answer through, converting with pyoxigraph when the server answered in another format."""
    import pyoxigraph as ox

    results = {f.media_type: f.engine for f in formats.of_kind(formats.RESULTS) if f.engine is not None}
    graphs = {f.media_type: f.engine for f in formats.of_kind(formats.GRAPH) if f.engine is not None}
    if media in results or media == "application/json":
        kind = "solutions"
        if media in (JSON_RESULTS, "application/json"):
            # Virtuoso also writes "typed-literal" (an old draft's term) and ASK as a binding: re-serialised.
            body, kind = _fix_ask(body)
            media = JSON_RESULTS
        if media == job.results_type and not normalise:
            return Outcome("ok", body=body, media_type=media, kind=kind, seconds=seconds)
        if job.results_type is None:
            return Outcome("not_acceptable", kind=kind)
        try:
            parsed = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, results[media]))
            # Without an output file the bytes come back (the stub says bytes | None for both cases).
            out = cast(bytes, parsed.serialize(format=getattr(ox.QueryResultsFormat, results[job.results_type])))
        except (SyntaxError, ValueError, OSError) as exc:
            return Outcome("error", message=f"unreadable answer from the SPARQL server: {exc}", seconds=seconds)
        kind = "boolean" if isinstance(parsed, ox.QueryBoolean) else "solutions"
        return Outcome("ok", body=out, media_type=job.results_type, kind=kind, seconds=seconds)
    fmt = graphs.get(media)
    if fmt is None:
        return Outcome("error", message=f"the SPARQL server answered in an unexpected format {media!r}",
                       seconds=seconds)
    if job.graph_type is None:
        return Outcome("not_acceptable", kind="graph")
    if media == job.graph_type and not job.prefixes:
        return Outcome("ok", body=body, media_type=media, kind="graph", seconds=seconds)
    try:
        # Re-serialised with the query's prefixes, as the embedded store does: Turtle reads far better.
        quads = ox.parse(body, getattr(ox.RdfFormat, fmt))
        target = getattr(ox.RdfFormat, graphs[job.graph_type])
        prefixes = dict(job.prefixes) if target in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        # Without an output file the bytes come back (the stub says bytes | None for both cases).
        out = cast(bytes, ox.serialize(triples, format=target, prefixes=prefixes) if prefixes else
                   ox.serialize(triples, format=target))
    except (SyntaxError, ValueError, OSError) as exc:
        return Outcome("error", message=f"unreadable answer from the SPARQL server: {exc}", seconds=seconds)
    return Outcome("ok", body=out, media_type=job.graph_type, kind="graph", seconds=seconds)


def _first_rows(outcome: Outcome, max_rows: int) -> Outcome:
    """The first rows of a SELECT answer (the editor's view): the server computed them all, we keep these."""
    if outcome.status != "ok" or outcome.kind != "solutions" or outcome.media_type != JSON_RESULTS:
        return outcome
    doc = json.loads(outcome.body)
    rows = doc.get("results", {}).get("bindings", [])
    if len(rows) > max_rows:
        doc["results"]["bindings"] = rows[:max_rows]
        outcome.body = json.dumps(doc, ensure_ascii=False).encode()
        outcome.truncated = True
    return outcome


def _fix_ask(body: bytes) -> tuple[bytes, str]:
    """Virtuoso answers ASK as one solution binding __ASK_RETVAL; turn that into a standard boolean."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body, "solutions"
    if "boolean" in doc:
        return body, "boolean"
    if doc.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        rows = doc.get("results", {}).get("bindings", [])
        value = bool(rows) and rows[0].get("__ASK_RETVAL", {}).get("value") in ("1", "true")
        return json.dumps({"head": {}, "boolean": value}).encode(), "boolean"
    return body, "solutions"
