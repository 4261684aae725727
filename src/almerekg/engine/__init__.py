"""The query engine: the one path every front end takes to run a query.

- `guard.py`    how a query is read before it runs; SERVICE and FROM decided on the engine's own parser
- `sandbox.py`  the operating-system layer: query processes that cannot open a network connection
- `worker.py`   a query process (one in-memory copy of a build, a large stack, a memory cap)
- `pool.py`     query processes that are killed at the timeout and replaced when they die
- `cache.py`    answers per build, bounded in bytes (keys counted)
- `quarantine.py` what a query or a client that kills query processes is refused (canonical form, 429)
- `formats.py`  the one registry of answer formats
- `rows.py`     answers as typed rows (one Term class): the one reader of SPARQL JSON results
- `engine.py`   Engine: prepare (check, ETag) and answer (cache, processes or a remote store, errors)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import ActiveBuild, Answer, Engine, QueryRequest, Ticket, etag_for

__all__ = ["ActiveBuild", "Answer", "Engine", "QueryRequest", "Ticket", "etag_for"]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - whichever of the engine's names is asked for
    """The engine's names, imported on first use, so that `formats` (read by the command line's parser at every
    start) and a query process (`worker`) load without the engine and everything behind it."""
    if name in __all__:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
