"""The one way a WSGI layer lets go of a response body it took from the layer inside it.

PEP 3333: whoever iterates a body must call its `close()` if it has one (a query answer's slot, a file, the
access log's line hang on it). The access log, the flow control and the answer replay each wrap or consume
bodies; they close them here, so none forgets the rule or spells it differently.
"""

from __future__ import annotations

from collections.abc import Iterable


def close_body(body: Iterable[bytes]) -> None:
    """Call the body's close() when it has one (a plain list has none)."""
    close = getattr(body, "close", None)
    if close is not None:
        close()
