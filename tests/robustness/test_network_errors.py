"""Network error texts of every kind reach a client only as one sentence (issue 20, finding 1).

The engine's own messages say where a call went ("Connection refused (os error 111)", "failed to lookup
address information: Name or service not known" for an IPv6 literal host or an unknown name, a TLS error,
"Permission denied (os error 13)" from the sandbox): shown to a client they would make the endpoint a port
scanner. On cfa20c2 the lookup message of an IPv6 literal host reached the client. Each message here is the
engine's own, met for real (on loopback, or in a sealed process for the name lookup), and each must become
the one generic sentence; a sealed process that met one says the sandbox stopped the query.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from almerekg.engine import guard, worker
from almerekg.engine.jobs import Job

from .test_no_outbound import Listener


def _engine_error(query: str) -> Exception:
    try:
        result = ox.Store().query(query)
        list(result)
    except OSError as exc:
        return exc
    raise AssertionError(f"the engine did not fail on {query}")


@pytest.fixture(scope="module")
def closed_port() -> int:
    from serverproc import free_port

    return free_port()


def _messages(closed_port: int, plain: Listener) -> dict[str, Exception]:
    sealed = subprocess.run(
        [sys.executable, "-c", "from almerekg.engine import sandbox\nsandbox.install(sandbox.SEALED)\n"
         "import json, pyoxigraph as ox\nout = []\n"
         f"for q in ['SELECT * {{ SERVICE <http://no-such-host.invalid/> {{}} }}', "
         f"'SELECT * {{ SERVICE <http://127.0.0.1:{closed_port}/> {{}} }}']:\n"
         "    try:\n        list(ox.Store().query(q))\n    except OSError as exc:\n"
         "        out.append([type(exc).__name__, str(exc)])\nprint(json.dumps(out))\n"],
        capture_output=True, text=True, timeout=120, check=True)
    (dns_type, dns), (perm_type, perm) = json.loads(sealed.stdout)
    return {
        "refused": _engine_error(f"SELECT * {{ SERVICE <http://127.0.0.1:{closed_port}/sparql> {{}} }}"),
        "IPv6 literal": _engine_error(f"SELECT * {{ SERVICE <http://[::1]:{closed_port}/sparql> {{}} }}"),
        "TLS": _engine_error(f"SELECT * {{ SERVICE <https://127.0.0.1:{plain.port}/sparql> {{}} }}"),
        "DNS (sealed)": OSError(dns),
        "sandbox": PermissionError(perm),
    }


def test_every_network_error_becomes_the_one_sentence(closed_port: int) -> None:
    plain = Listener()  # answers anything with plain HTTP: a TLS handshake with it fails
    try:
        messages = _messages(closed_port, plain)
    finally:
        plain.close()
    assert "lookup" in str(messages["IPv6 literal"]) and "lookup" in str(messages["DNS (sealed)"])
    assert "os error 13" in str(messages["sandbox"])
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{closed_port}/sparql> {{}} }}"
    job = Job(query=text, results_type="application/sparql-results+json", graph_type=None, plan=guard.plan(text))
    for kind, exc in messages.items():
        outcome = worker._failed(exc, job, "solutions")
        assert outcome.message == worker.SERVICE_FAILED, (kind, str(exc), outcome.message)
        assert str(exc) in outcome.detail  # the server log keeps what happened


SEALED_EXECUTE = """
import json, sys
from almerekg.engine import sandbox, worker
from almerekg.engine.guard import Plan
from almerekg.engine.jobs import Job
sandbox.install(sandbox.SEALED)
worker._sandbox_state = sandbox.SEALED
import pyoxigraph as ox
# A plan that says "no SERVICE here": what a check that misread the text would hand on.
job = Job(query=sys.argv[1], results_type="application/sparql-results+json", graph_type=None, plan=Plan())
out = worker.execute(ox.Store(), job)
print(json.dumps([out.status, out.message, out.stopped_by_sandbox]))
"""


def test_a_sealed_process_says_when_its_sandbox_stopped_a_query(closed_port: int) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{closed_port}/sparql> {{}} }}"
    done = subprocess.run([sys.executable, "-c", SEALED_EXECUTE, query], capture_output=True, text=True,
                          timeout=120, check=True)
    status, message, stopped = json.loads(done.stdout)
    assert (status, message, stopped) == ("error", worker.SERVICE_FAILED, True)


def test_the_engine_logs_what_the_sandbox_stopped_as_a_warning_naming_the_client(
        built_store, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    from almerekg.engine import Engine, QueryRequest
    from almerekg.engine.jobs import Outcome
    from almerekg.settings import from_values

    engine = Engine(from_values(store=str(built_store), query_workers=1))
    try:
        query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
        ticket = engine.prepare(QueryRequest(query, client="203.0.113.7"))
        # What the sealed process of the test above answers when its sandbox stopped a query.
        outcome = Outcome("error", message=worker.SERVICE_FAILED, stopped_by_sandbox=True,
                          detail="PermissionError: Permission denied (os error 13)")
        with caplog.at_level("WARNING", logger="almerekg.engine"):
            error = engine._failure(ticket, outcome)
    finally:
        engine.close()
    assert error.message == worker.SERVICE_FAILED
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "sandbox stopped" in r.getMessage()]
    assert len(warnings) == 1
    assert "203.0.113.7" in warnings[0].getMessage() and query in warnings[0].getMessage()
