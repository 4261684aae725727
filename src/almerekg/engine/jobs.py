"""What goes to a query process and what comes back, and how they travel over the pipe between them.

Both sides are our own code, so the messages are plain tuples of strings, bytes, numbers and tuples, written
with `marshal`: several times cheaper than pickling dataclasses, which matters on a query the engine answers
in microseconds (bench/README.md).
"""

from __future__ import annotations

import marshal
from dataclasses import astuple, dataclass, field, fields

from ..settings import Settings
from .guard import Plan

# The one sentence a client gets for any failure of a network call (where it went is never shown).
SERVICE_FAILED = "the query failed while calling a SERVICE (details are in the server log)"


@dataclass(frozen=True)
class Job:
    query: str
    results_type: str | None  # media type for SELECT/ASK answers (None: not acceptable to the client)
    graph_type: str | None  # media type for CONSTRUCT/DESCRIBE answers
    plan: Plan = field(default_factory=Plan)  # where the engine could read SERVICE or FROM (engine/guard.py)
    union_default: bool = True  # default graph = union of all graphs, unless the query has FROM or a dataset
    default_graphs: tuple[str, ...] | None = None  # protocol dataset (default-graph-uri); None: not given
    named_graphs: tuple[str, ...] | None = None  # protocol dataset (named-graph-uri)
    max_bytes: int = Settings.max_result_bytes
    max_rows: int | None = None  # SELECT only: write at most this many rows (SPARQL JSON), say if there were more
    prefixes: tuple[tuple[str, str], ...] = ()  # for readable Turtle/TriG output
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint's IRI)
    check_only: bool = False  # stop after the checks (a remote store runs the query itself)

    def to_wire(self) -> bytes:
        values = [getattr(self, f.name) for f in fields(self)]
        values[2 + 1] = astuple(self.plan)  # the plan's three tuples of offsets
        return marshal.dumps(tuple(values))

    @classmethod
    def from_wire(cls, data: bytes) -> Job:
        values = list(marshal.loads(data))  # noqa: S302 - written by our own process over a private pipe
        values[3] = Plan(*values[3])
        return cls(*values)


@dataclass
class Outcome:
    # ok syntax refused not_acceptable too_large error timeout busy crashed out_of_memory closed unavailable
    status: str
    body: bytes = b""
    media_type: str = ""
    message: str = ""  # safe to show the client
    kind: str = ""  # solutions | boolean | graph
    seconds: float = 0.0
    truncated: bool = False  # max_rows cut the answer short
    http_status: int = 0  # for "refused": the status that says why
    uses_from: bool = False  # the engine read FROM / FROM NAMED in the query
    detail: str = ""  # for the server log only (never sent to the client)
    stopped_by_sandbox: bool = False  # a sealed process met a network error: the sandbox stopped the query

    def to_wire(self) -> bytes:
        return marshal.dumps(astuple(self))

    @classmethod
    def from_wire(cls, data: bytes) -> Outcome:
        return cls(*marshal.loads(data))  # noqa: S302 - written by our own process over a private pipe
