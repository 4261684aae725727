"""No outbound connection unless allow-listed: two independent layers, each shown to hold alone.

A listener on loopback counts every connection made to it. A corpus of SERVICE spellings that point at it
(hidden after `.` `}` `)`, glued to `true`/`false` beside a prefix that mimics the changed text, behind `<…#`
with long strings, mixed case, SILENT, inside EXISTS / NOT EXISTS /
OPTIONAL / MINUS / UNION / sub-selects, prefixed names, BASE-relative IRIs, and the listener's address written
as decimal, hex, octal, short, localhost, 0.0.0.0, IPv6 ...) goes in four ways (GET, POST form, POST direct,
the editor page) and through saved-query parameters:

* to a server with both layers (the query check and sealed query processes);
* to a server started with `--sandbox off`: the query check alone;
* to a sealed process with no check at all: the sandbox alone (engine/sandbox.py).

The listener must see zero connections, and nothing it would answer reaches a client. An allow-listed host
that redirects to a forbidden one is not followed, and federation to an allow-listed `oxigraph serve` works.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from endpoint.conftest import http
from serverproc import free_port, start_server

from almerekg.engine import sandbox

MARKER = "LISTENER-ANSWER-7f3c"
NO_SUCH_HOST = "no-such-host.invalid"  # RFC 6761: never resolves
CLOSED_PORT = free_port()  # nothing listens there (bound for a moment, then released)


class Listener:
    """Accepts and counts connections on one port, on 127.0.0.1 and (when it can) on ::1."""

    def __init__(self) -> None:
        self.contacts = 0
        self._lock = threading.Lock()
        self.sockets = [socket.create_server(("127.0.0.1", 0))]
        self.port = self.sockets[0].getsockname()[1]
        try:
            self.sockets.append(socket.create_server(("::1", self.port), family=socket.AF_INET6))
        except OSError:
            pass
        for s in self.sockets:
            threading.Thread(target=self._serve, args=(s,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with self._lock:
                self.contacts += 1
            body = json.dumps({"head": {"vars": ["x"]},
                               "results": {"bindings": [{"x": {"type": "literal", "value": MARKER}}]}}).encode()
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            except OSError:
                pass
            conn.close()

    def close(self) -> None:
        for s in self.sockets:
            s.close()


class _Redirect(BaseHTTPRequestHandler):
    target = ""

    def _go(self) -> None:
        self.send_response(302)
        self.send_header("Location", type(self).target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = _go
    do_POST = _go

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def redirector(listener: Listener) -> Iterator[str]:
    """An allow-listed host whose every answer redirects to the forbidden listener."""
    _Redirect.target = f"http://127.0.0.1:{listener.port}/sparql"
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def host_spellings(port: int) -> list[str]:
    return [f"127.0.0.1:{port}", f"2130706433:{port}", f"0x7f000001:{port}", f"0177.0.0.1:{port}",
            f"017700000001:{port}", f"127.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"0.0.0.0:{port}",
            f"[::1]:{port}", f"[::ffff:127.0.0.1]:{port}", f"127.0.0.1.:{port}"]


SHAPES = [
    "SELECT * WHERE {{ SERVICE <{t}> {{ ?s ?p ?o }} }}",
    "SELECT ?x WHERE {{ BIND(1 AS ?o) .SERVICE <{t}> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ {{}} SERVICE <{t}> {{}} }}",
    "SELECT * WHERE {{ FILTER(1 <2#>\"\"\"\n) SERVICE <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o <2#>'''\n) SERVICE <{t}> {{}} }} LIMIT 1",
    "SELECT * WHERE {{ sErViCe <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{t}> {{}} }} }} LIMIT 1",
    "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{t}> {{}} }} }} LIMIT 1",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{t}> {{}} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ ?s ?p ?o }} MINUS {{ SERVICE <{t}> {{}} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{t}> {{}} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{t}> {{}} }} }} }}",
    "PREFIX e: <{t}> SELECT * WHERE {{ SERVICE e:sparql {{}} }}",
    "PREFIX : <{t}> SELECT * WHERE {{ SERVICE:x {{}} }}",
    "BASE <{t}> SELECT * WHERE {{ SERVICE <sparql> {{}} }}",
    "ASK {{ SERVICE <{t}> {{}} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o.SERVICE <{t}> {{}} }} LIMIT 1",
    "SELECT * WHERE {{ #c\nSERVICE\t<{t}>\n{{}} }}",
    # Issue 20: `true`/`false` glued to SERVICE, with a prefix declared that mimics the changed text.
    "PREFIX trueSERXICE: <http://a.example/> PREFIX : <{t}> SELECT ?x {{ ?s ?p trueSERVICE:x {{ ?x ?y ?z }} }} LIMIT 1",
    "PREFIX falseserqice: <http://a.example/> PREFIX : <{t}> SELECT ?x {{ ?s ?p ?o , falseservice:x {{}} }} LIMIT 1",
]


def corpus(port: int) -> list[str]:
    out = []
    for host in host_spellings(port):
        for shape in SHAPES:
            out.append(shape.format(t=f"http://{host}/sparql"))
    out.append(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/\\u0078> {{}} }}")
    return out


def test_the_corpus_is_large_and_valid(listener: Listener) -> None:
    queries = corpus(listener.port)
    assert len(queries) >= 200
    # Each is a query the engine reads as SERVICE (checked in a sealed process, so nothing is contacted).
    code = ("import json, sys\nfrom almerekg.engine import sandbox\nsandbox.install(sandbox.SEALED)\n"
            "import pyoxigraph as ox\nout = []\nfor q in json.load(sys.stdin):\n"
            "    try:\n        ox.Store().query(q, base_iri='http://x.example/')\n        out.append(True)\n"
            "    except SyntaxError:\n        out.append(False)\n    except Exception:\n        out.append(True)\n"
            "print(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(queries), capture_output=True, text=True,
                          timeout=300, check=True)
    assert all(json.loads(done.stdout))
    assert listener.contacts == 0


def _send_every_way(server, query: str) -> list[tuple[int, str]]:  # noqa: ANN001
    answers = []
    r = http.get(server.sparql, params={"query": query})
    answers.append((r.status_code, r.text))
    r = http.post(server.sparql, data={"query": query})
    answers.append((r.status_code, r.text))
    r = http.post(server.sparql, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    answers.append((r.status_code, r.text))
    r = http.get(server.sparql, params={"query": query, "format": "html"})
    answers.append((r.status_code, r.text))
    return answers


@pytest.fixture(scope="module", params=["both layers", "the query check alone"])
def guarded_server(request, built_store: Path, redirector: str, oxigraph_server: str,  # noqa: ANN001, ANN201
                   tmp_path_factory: pytest.TempPathFactory):
    extra = ("--sandbox", "off") if request.param == "the query check alone" else ()
    # Allow-listed too: a name that never resolves and a loopback port where nothing listens, so that a
    # failed call's DNS and connection errors can be seen not to reach the client.
    srv = start_server(built_store, tmp_path_factory.mktemp("outbound-log"), "--query-timeout", "5",
                       "--service-allow", redirector, "--service-allow", oxigraph_server.removeprefix("http://"),
                       "--service-allow", NO_SUCH_HOST, "--service-allow", f"127.0.0.1:{CLOSED_PORT}", *extra)
    yield srv
    srv.stop()


def test_no_spelling_reaches_the_listener_by_any_way_in(guarded_server, listener: Listener) -> None:  # noqa: ANN001
    before = listener.contacts
    seen = 0
    for query in corpus(listener.port):
        for status, text in _send_every_way(guarded_server, query):
            seen += 1
            assert status in (400, 403), (query, status, text[:300])
            assert MARKER not in text
    assert seen >= 800
    assert listener.contacts == before, f"{listener.contacts - before} contact(s) with a forbidden host"


def test_saved_query_parameters_carry_no_service(guarded_server, listener: Listener) -> None:  # noqa: ANN001
    before = listener.contacts
    for payload in (f"}} SERVICE <http://127.0.0.1:{listener.port}/> {{", "x\" } SERVICE <http://localhost:"
                    f"{listener.port}/> {{ \"", f"<http://127.0.0.1:{listener.port}/>"):
        for path in ("/queries/pbl-specialisatie", "/queries/pbl-specialisatie.json", "/queries/joint-ventures.csv"):
            for name in ("basis", "soort", "min_aandeel"):
                r = http.get(guarded_server.url + path, params={name: payload})
                assert r.status_code == 400, (path, name, r.status_code, r.text[:200])
                assert MARKER not in r.text
    assert listener.contacts == before


def test_an_allow_listed_host_that_redirects_is_not_followed(guarded_server, listener: Listener,  # noqa: ANN001
                                                             redirector: str) -> None:
    before = listener.contacts
    r = http.get(guarded_server.sparql, params={"query": f"SELECT * WHERE {{ SERVICE <http://{redirector}/q> {{}} }}"})
    assert r.status_code == 502, r.text
    # What the call met (the redirect's target) is never shown: that would make the endpoint a port scanner.
    assert str(listener.port) not in r.text and MARKER not in r.text
    assert r.text.startswith("the query failed while calling a SERVICE")
    assert listener.contacts == before


def test_a_hidden_service_at_this_endpoint_itself_is_refused(guarded_server) -> None:  # noqa: ANN001
    # Issue 11: pointed at our own /sparql, a hidden SERVICE tied up every query process.
    own = guarded_server.port
    queries = [f"SELECT ?x WHERE {{ BIND(1 AS ?o) .SERVICE <http://127.0.0.1:{own}/sparql> {{ ?x ?y ?z }} }}",
               f"SELECT ?x WHERE {{ BIND(1 AS ?o) .SERVICE <http://localhost:{own}/sparql> {{ ?x ?y ?z }} }}",
               f'SELECT ?x WHERE {{ FILTER(1 <2#>"""\n) .SERVICE <http://[::1]:{own}/sparql> {{ ?x ?y ?z }} }}']
    for query in queries:
        for status, text in _send_every_way(guarded_server, query):
            assert status == 403, (query, status, text[:300])
    # No request came from a query process: every /sparql line of the log is one a test sent.
    lines = guarded_server.log_lines_once(lambda ls: True)
    assert not [line for line in lines if '"/sparql"' in line and "python-requests" not in line
                and '"path"' in line], "a query process called this endpoint"
    assert http.get(guarded_server.url + "/healthz", timeout=5).status_code == 200


@pytest.mark.parametrize("target, never_say", [
    (f"http://{NO_SUCH_HOST}/sparql", (NO_SUCH_HOST, "dns", "resolve", "lookup", "name")),
    (f"http://127.0.0.1:{CLOSED_PORT}/sparql", (str(CLOSED_PORT), "refused", "connect", "os error")),
    # TLS to a plain-HTTP server (the redirector answers the handshake with an HTTP 400 and closes).
    ("https://{plain}/query", ("{port}", "tls", "ssl", "certificate", "handshake")),
], ids=["no such host", "closed port", "tls to plain http"])  # ids without the port, drawn at collection time
def test_a_failed_call_to_an_allowed_host_says_nothing_of_where_it_went(  # noqa: ANN001
        guarded_server, redirector: str, target: str, never_say: tuple[str, ...]) -> None:
    target = target.format(plain=redirector)
    never_say = tuple(w.format(port=redirector.rsplit(":", 1)[1]) for w in never_say)
    r = http.get(guarded_server.sparql, params={"query": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"})
    assert r.status_code == 502, (target, r.status_code, r.text[:300])
    assert r.text.startswith("the query failed while calling a SERVICE (details are in the server log)"), r.text
    for word in never_say:
        assert word.lower() not in r.text.lower().replace("service", ""), (target, word, r.text)


def test_federation_to_an_allow_listed_oxigraph_server_works(guarded_server, oxigraph_server: str) -> None:  # noqa: ANN001
    q = f"SELECT ?o WHERE {{ SERVICE <{oxigraph_server}/query> {{ ?s ?p ?o }} }} ORDER BY ?o"
    r = http.get(guarded_server.sparql, params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert [b["o"]["value"] for b in r.json()["results"]["bindings"]] == ["remote 0", "remote 1", "remote 2"]


def test_query_processes_are_sealed(guarded_server) -> None:  # noqa: ANN001
    mode = "off" if "--sandbox" in guarded_server.args else "sealed"
    pids = guarded_server.children()
    assert len(pids) >= 2
    for pid in pids:
        seccomp, filters = sandbox.status(pid)
        assert (seccomp, filters >= 1) == ((2, True) if mode == "sealed" else (0, False)), (pid, seccomp, filters)


# ---------------------------------------------------------------------------------------------------
# The operating-system layer alone: the engine given SERVICE queries with no check at all
# ---------------------------------------------------------------------------------------------------


SEALED_RUN = """
import json, sys
from almerekg.engine import sandbox
sandbox.install(sandbox.SEALED)
import pyoxigraph as ox
out = []
for q in json.load(sys.stdin):
    try:
        r = ox.Store().query(q, base_iri="http://x.example/")
        list(r) if not isinstance(r, ox.QueryBoolean) else bool(r)
        out.append("answered")
    except Exception as exc:
        out.append(type(exc).__name__)
print(json.dumps(out))
"""


def test_a_sealed_process_cannot_reach_anything(listener: Listener) -> None:
    before = listener.contacts
    queries = corpus(listener.port)
    done = subprocess.run([sys.executable, "-c", SEALED_RUN], input=json.dumps(queries), capture_output=True,
                          text=True, timeout=300, check=True)
    results = json.loads(done.stdout)
    assert len(results) == len(queries)
    # SILENT swallows the failure; everything else fails. Nothing connects.
    assert set(results) <= {"OSError", "PermissionError", "ConnectionRefusedError", "RuntimeError", "answered"}
    assert listener.contacts == before


SUPERVISED_RUN = """
import json, os, socket, sys, threading
from multiprocessing import reduction
from almerekg.engine import sandbox
parent, child = socket.socketpair()
pid = os.fork()
if pid == 0:
    parent.close()
    fd = sandbox.install(sandbox.SUPERVISED)
    reduction.sendfds(child, [fd])
    child.recv(1)
    import pyoxigraph as ox
    out = []
    for q in json.loads(sys.argv[1]):
        try:
            out.append([str(s["x"].value) if s["x"] is not None else "" for s in ox.Store().query(q)])
        except Exception as exc:
            out.append(type(exc).__name__)
    child.sendall(json.dumps(out).encode() + b"\\n")
    os._exit(0)
child.close()
listener_fd = reduction.recvfds(parent, 1)[0]
allowed = sandbox.Addresses([("127.0.0.1", int(sys.argv[2]))])
threading.Thread(target=sandbox.supervise, args=(listener_fd, allowed), daemon=True).start()
parent.sendall(b"g")
data = b""
while not data.endswith(b"\\n"):
    data += parent.recv(65536)
os.waitpid(pid, 0)
print(data.decode())
"""


def test_a_supervised_process_reaches_only_the_allowed_port(listener: Listener) -> None:
    other = Listener()  # an allowed port: the only one the supervisor lets through
    try:
        queries = [f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{other.port}/sparql> {{ ?s ?p ?x }} }}",
                   f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?x }} }}",
                   f"SELECT * WHERE {{ SERVICE <http://localhost:{listener.port}/sparql> {{ ?s ?p ?x }} }}",
                   f"SELECT * WHERE {{ SERVICE <http://[::1]:{listener.port}/sparql> {{ ?s ?p ?x }} }}"]
        before = listener.contacts
        done = subprocess.run([sys.executable, "-c", SUPERVISED_RUN, json.dumps(queries), str(other.port)],
                              capture_output=True, text=True, timeout=120, check=True)
        results = json.loads(done.stdout)
        assert results[0] == [MARKER]
        assert all(isinstance(r, str) for r in results[1:]), results
        assert listener.contacts == before
        assert other.contacts == 1
    finally:
        other.close()
