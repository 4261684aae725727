"""Linear time before limits (issue 20, finding 6): the size limit comes first, and every reading of client
text in the engine and the endpoint is linear.

On cfa20c2 the query lexer (guard.hints) blanked strings with a pattern that backtracked: a POST body of `"`
followed by 64,000 `\\"` took 8.2 s in the web process, and it ran before the 413 on anything up to the 1 MiB
body limit. Each function that reads client text gets hostile inputs of 64 KB and 1 MiB here; a quadratic
one takes minutes at 1 MiB, a linear one a fraction of a second. The bound is CPU time of this process, wide
enough for a loaded machine, far below what quadratic work would need.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from endpoint.conftest import http
from serverproc import start_server

from almerekg.engine import guard
from almerekg.engine.worker import network_words
from almerekg.web.core.report_text import segments
from almerekg.web.sparql.protocol import _params

BOUND_S = 0.5
SIZES = (64 * 1024, 1024 * 1024)


def _fill(unit: str, size: int, head: str = "") -> str:
    return head + unit * ((size - len(head)) // len(unit))


# Inputs each built to make a backtracking pattern scan ahead from every position.
HOSTILE: dict[str, Callable[[int], str]] = {
    "escaped quotes": lambda n: _fill('\\"', n, '"'),
    "escaped single quotes, long string": lambda n: _fill("\\'", n, "'''"),
    "open IRIs": lambda n: _fill("<a", n),
    "angle brackets": lambda n: _fill("<", n),
    "comments": lambda n: _fill("#\n", n),
    "open strings": lambda n: _fill('"\n', n),
    "prefix declarations": lambda n: _fill("PREFIX a: <", n),
    "prefix words": lambda n: _fill("PREFIX ", n),
    "volatile words": lambda n: _fill("NOW ", n),
    "spaces": lambda n: _fill(" ", n) + "x",
    "service letters": lambda n: _fill("SERVICE ", n),
    "service and gaps": lambda n: _fill("SERVICE #\n", n),
    "vice": lambda n: _fill("vice", n),
}

READERS: dict[str, Callable[[str], object]] = {
    "guard.hints": guard.hints,
    "guard.plan": lambda t: guard.plan(t, ("127.0.0.1:1",)),
    "guard.mask": guard.mask,
    "Plan.service_check_text": lambda t: guard.plan(t).service_check_text(t),
    "Plan.from_check_text": lambda t: guard.plan(t).from_check_text(t),
    "guard.refusal_for": lambda t: guard.refusal_for(t, guard.plan(t), (1, len(t)), ()),
    "guard.error_position": lambda t: guard.error_position(t),
    "worker.network_words": network_words,
    "protocol parameters": lambda t: _params(("query=" + t.replace("&", "%26")).encode(), "URL"),
    # /report?mark=: the client's words (up to MAX_MARK) marked in the report's text; here the words are the hostile
    # text's first 600 characters with one changed, searched in the whole of it (exact and ignoring case).
    "report_text.segments": lambda t: (segments(t, t[:599] + "\u00e9"), segments(t.upper(), t[:599] + "\u00e9")),
}


@pytest.mark.parametrize("size", SIZES, ids=("64KB", "1MiB"))
@pytest.mark.parametrize("reader", list(READERS))
def test_every_reading_of_client_text_is_linear(reader: str, size: int) -> None:
    slow = []
    for name, make in HOSTILE.items():
        text = make(size)
        started = time.process_time()
        READERS[reader](text)
        spent = time.process_time() - started
        if spent > BOUND_S:
            slow.append(f"{name}: {spent:.2f} s")
    assert not slow, f"{reader} on {size} bytes: {slow}"


@pytest.fixture(scope="module")
def roomy_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Bodies up to 1 MiB accepted, queries up to 32 KiB: the query limit is the one that must answer."""
    srv = start_server(built_store, tmp_path_factory.mktemp("linear-log"), "--max-request-bytes", str(1024 * 1024),
                       "--max-query-bytes", str(32 * 1024), "--query-workers", "1")
    yield srv
    srv.stop()


def test_the_query_size_limit_comes_before_the_lexer(roomy_server) -> None:  # noqa: ANN001
    # cfa20c2 lexed this 1 MiB body of escaped quotes before its 413 (extrapolated: about 34 minutes).
    body = _fill('\\"', 1024 * 1024 - 16, '"').encode()
    for headers, data in (({"Content-Type": "application/sparql-query"}, body),
                          ({"Content-Type": "application/x-www-form-urlencoded"}, b"query=" + body[:-8])):
        started = time.monotonic()
        r = http.post(roomy_server.sparql, data=data, headers=headers, timeout=60)
        assert r.status_code == 413, r.text[:200]
        assert "32768 bytes" in r.text
        assert time.monotonic() - started < 5
    # A body under the limit is read in linear time too: its 400 (not valid SPARQL) comes at once.
    started = time.monotonic()
    r = http.post(roomy_server.sparql, data=_fill('\\"', 30 * 1024, '"').encode(),
                  headers={"Content-Type": "application/sparql-query"}, timeout=60)
    assert r.status_code == 400, r.text[:200]
    assert time.monotonic() - started < 5
    assert http.get(roomy_server.url + "/healthz", timeout=5).status_code == 200
