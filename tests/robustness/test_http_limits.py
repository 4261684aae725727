"""Protocol-level abuse cannot hang or exhaust the web process (web/serve.py, web/http/flow.py).

Each test starts its own `almerekg serve` (an attack that worked left the process spinning or full), attacks it
over loopback the way a hostile client would, and asserts that /healthz still answers while the attack lasts:

* HTTP/2 without TLS (h2c): unfinished streams on one connection spun the process on every core; the server
  now speaks HTTP/1.1 only, and stops on SIGTERM afterwards;
* slow request bodies held every request thread; a body now has `--body-timeout` to arrive (408, the
  connection closed) and is read before the app takes a thread;
* connections that never send a byte were never closed and used up the descriptors; they are now closed after
  `--header-timeout`, and the descriptor limit is raised to the hard limit at start;
* clients that do not read a 5 MB answer each held a copy of it; all answers being sent now share one budget.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import h2.config
import h2.connection
import pytest
import requests
from serverproc import Server, descendants, start_server

from almerekg.web.http.flow import BodyTimeout, SendBudget, _read_body
from robustness.test_resources import rss, web_processes

HEALTH_BOUND = 6.0  # seconds: the figure is 1 s; cfa20c2 took 8.4 s to no answer at all. A loaded shared machine
# answered once in 4 s: the bound guards against the hang, with room for load.


@contextlib.contextmanager
def serving(store: Path, log_dir: Path, *extra: str) -> Iterator[Server]:
    """A server of its own; on the way out every process of it is gone (an attacked one may ignore SIGTERM)."""
    srv = start_server(store, log_dir, "--query-workers", "2", *extra)
    try:
        yield srv
    finally:
        family = descendants(srv.proc.pid)
        srv.stop()
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def health_seconds(srv: Server) -> float:
    """How long /healthz took to answer 200 (the bound plus one when it did not)."""
    t0 = time.monotonic()
    try:
        ok = requests.get(srv.url + "/healthz", timeout=HEALTH_BOUND + 1).status_code == 200
    except requests.RequestException:
        ok = False
    return time.monotonic() - t0 if ok else HEALTH_BOUND + 1


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def closed_by_server(sock: socket.socket, within: float) -> bytes | None:
    """What the server sent before it closed the connection, or None if it was still open after `within` s."""
    sock.settimeout(0.2)
    got = b""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            data = sock.recv(4096)
        except TimeoutError:
            continue
        except OSError:
            return got
        if not data:
            return got
        got += data
    return None


def test_h2c_streams_left_unfinished_cannot_hang_the_process(built_store: Path, tmp_path: Path) -> None:
    with serving(built_store, tmp_path) as srv:
        conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
        conn.initiate_connection()
        sock = socket.create_connection(("127.0.0.1", srv.port))
        sock.sendall(conn.data_to_send())
        for _ in range(20):
            stream = conn.get_next_available_stream_id()
            conn.send_headers(stream, [(":method", "POST"), (":path", "/sparql"), (":scheme", "http"),
                                       (":authority", f"127.0.0.1:{srv.port}"),
                                       ("content-type", "application/sparql-query"), ("content-length", "100")])
            conn.send_data(stream, b"ASK")
        with contextlib.suppress(OSError):
            sock.sendall(conn.data_to_send())
        reply = closed_by_server(sock, within=5)
        sock.close()
        # An HTTP/2 server's first frame is SETTINGS (type 4 at byte 3); an HTTP/1.1 server refuses the preface.
        assert reply is not None and reply[3:4] != b"\x04", f"the server spoke HTTP/2: {reply!r}"
        web = web_processes(srv)
        before = cpu_seconds(web)
        time.sleep(2)
        assert cpu_seconds(web) - before < 1.0, "the web process keeps spinning after the connection closed"
        assert max(health_seconds(srv) for _ in range(3)) < HEALTH_BOUND
        srv.proc.terminate()
        srv.proc.wait(timeout=15)  # SIGTERM stops it (the spinning process ignored it)


def test_slow_bodies_get_408_and_leave_threads_for_others(built_store: Path, tmp_path: Path) -> None:
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 60000\r\n\r\nquery=")
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n6\r\nquery=\r\n")
    with serving(built_store, tmp_path, "--body-timeout", "2", "--threads", "4") as srv:
        slow = []
        for i in range(100):
            sock = socket.create_connection(("127.0.0.1", srv.port))
            sock.sendall(chunked if i % 10 == 0 else head)
            slow.append(sock)
        stop = threading.Event()

        def trickle() -> None:  # one more byte each half second: never a whole body
            while not stop.wait(0.5):
                for i, sock in enumerate(slow):
                    with contextlib.suppress(OSError):
                        sock.sendall(b"1\r\nA\r\n" if i % 10 == 0 else b"A")

        sender = threading.Thread(target=trickle)
        sender.start()
        try:
            time.sleep(1)
            assert health_seconds(srv) < HEALTH_BOUND
            answers = [closed_by_server(sock, within=8) for sock in slow]
        finally:
            stop.set()
            sender.join()
            for sock in slow:
                sock.close()
        assert None not in answers, f"{answers.count(None)} slow bodies still held after the body timeout"
        firsts = {a.split(b"\r\n", 1)[0] for a in answers}
        assert firsts <= {b"HTTP/1.1 408 Request Timeout", b"HTTP/1.1 503 Service Unavailable"}, firsts
        timed_out = [a for a in answers if a.startswith(b"HTTP/1.1 408")]
        assert len(timed_out) >= 32
        assert b"the request body did not arrive within 2 s" in timed_out[0]
        # A body that arrives whole is answered as before.
        r = requests.post(srv.sparql, data={"query": "ASK {}"}, headers={"Accept": "application/json"}, timeout=30)
        assert r.status_code == 200 and r.json()["boolean"] is True


def test_silent_connections_are_closed_and_descriptors_raised(built_store: Path, tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 4096:
        pytest.skip(f"the hard descriptor limit ({hard}) leaves no room above 1,024")
    # The server starts with the usual soft limit of 1,024 (inherited), as on most systems.
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    try:
        ctx = serving(built_store, tmp_path, "--header-timeout", "2")
        srv = ctx.__enter__()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        for pid in web_processes(srv):
            limits = Path(f"/proc/{pid}/limits").read_text()
            line = next(x for x in limits.splitlines() if x.startswith("Max open files"))
            assert line.split()[3] == str(hard), line
        silent = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(1100)]
        try:
            assert health_seconds(srv) < HEALTH_BOUND
            open_after = [s for s in silent if closed_by_server(s, within=0.01) is None]
            time.sleep(3)
            still_open = sum(closed_by_server(s, within=0.01) is None for s in open_after)
            assert still_open == 0, f"{still_open} silent connections still open 3 s after the header timeout"
        finally:
            for s in silent:
                s.close()
        assert health_seconds(srv) < HEALTH_BOUND
    finally:
        ctx.__exit__(None, None, None)


def test_clients_that_do_not_read_share_one_budget(built_store: Path, tmp_path: Path) -> None:
    query = "SELECT * { ?s ?p ?o }"
    # The cache keeps the answer (an entry may take an eighth of it, the body counted twice; the answer is about
    # 8 MB since the graph holds CBS's figures and the claims): the clients cost no query, only the sending.
    with serving(built_store, tmp_path, "--cache-bytes", str(192 * 2**20)) as srv:
        size = len(requests.get(srv.sparql, params={"query": query}, timeout=60).content)  # now cached
        assert size > 4_000_000
        before = rss(srv)
        target = "/sparql?" + urllib.parse.urlencode({"query": query})
        readers = []
        for _ in range(200):
            sock = socket.create_connection(("127.0.0.1", srv.port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            readers.append(sock)
        try:
            time.sleep(3)
            grown = rss(srv) - before
            print(f"\n200 clients not reading a {size / 1e6:.1f} MB answer: web process {grown / 2**20:+.0f} MiB")
            assert grown < 300 * 2**20
            assert health_seconds(srv) < HEALTH_BOUND
            statuses = set()
            for sock in readers:
                sock.settimeout(5)
                head = sock.recv(4096)
                statuses.add(head[9:12])
                if head[9:12] == b"503":
                    assert b"Retry-After: 5" in head or b"retry-after: 5" in head
            assert statuses == {b"200", b"503"}, statuses
        finally:
            for sock in readers:
                sock.close()


def test_the_send_budget_counts_answers_and_bytes() -> None:
    budget = SendBudget(slots=2, max_bytes=10)
    assert budget.take(6)
    assert not budget.take(6)  # 12 bytes would be over the budget
    assert budget.take(4)
    assert budget.in_use == (2, 10)
    budget.give_back(6)
    assert budget.take(1)
    assert not budget.take(1)  # 2 answers already: no slot left, whatever the bytes
    budget.give_back(4)
    budget.give_back(1)
    assert budget.in_use == (0, 0)
    assert budget.take(50)  # one answer larger than the whole budget is still sent, alone


def test_a_body_trickling_in_meets_the_deadline_at_its_next_byte() -> None:
    ours, theirs = socket.socketpair()
    stream = ours.makefile("rb", buffering=0)
    stop = threading.Event()

    def trickle() -> None:
        theirs.sendall(b"query=")
        while not stop.wait(0.2):
            with contextlib.suppress(OSError):
                theirs.sendall(b"A")

    sender = threading.Thread(target=trickle)
    sender.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(BodyTimeout):
            _read_body(stream, limit=60000, deadline=time.monotonic() + 1)
        assert time.monotonic() - t0 < 2
    finally:
        stop.set()
        sender.join()
        ours.close()
        theirs.close()


def test_a_whole_body_is_read_in_few_pieces_and_a_long_one_cut_after_the_limit() -> None:
    ours, theirs = socket.socketpair()

    def send() -> None:
        with contextlib.suppress(OSError):
            theirs.sendall(b"x" * 300_000)
        theirs.close()

    sender = threading.Thread(target=send)
    sender.start()
    stream = ours.makefile("rb", buffering=0)
    reads = []
    real_read = stream.read

    def counting(n: int) -> bytes:
        reads.append(n)
        return real_read(n)

    stream.read = counting  # type: ignore[method-assign]
    assert _read_body(stream, limit=200_000, deadline=time.monotonic() + 5) == b"x" * 200_001
    assert len(reads) < 30, reads  # pieces double while the bytes are there: 1, 2, 4, ... 64 KiB
    ours.close()
    sender.join()
