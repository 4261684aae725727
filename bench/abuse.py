"""What a hostile client can make the server spend: the figures of the robustness battery, before and after.

    .venv/bin/python bench/abuse.py                          # this checkout
    git worktree add /tmp/old f3dba7f                        # an older checkout, run with this venv
    .venv/bin/python bench/abuse.py --old /tmp/old           # the same measurements on it

Each measurement starts a fresh server on a build of data/ (2 query processes, loopback) and reports:

1. CPU in the web process: eight 13 KB queries at once (a 2,000-item object list beside a visible
   SERVICE, which the old check parsed with rdflib in a web thread); the slowest /healthz meanwhile.
2. Memory: the web processes' resident memory after 300 distinct 1 MB queries with a tiny answer, after 300
   distinct 200 KB ones, after 28 distinct answers of ~45 MB, and with 20 clients that never read a ~40 MB
   answer (and how many deleted temporary files the server holds open then).
3. Connections and headers: /healthz with 110 idle connections open; one request with a 200 KB Accept header.
4. Protocol abuse (`--only h2c,slow-bodies,silent,readers`): one connection speaking HTTP/2 without TLS that
   leaves 20 POST streams unfinished (web CPU and /healthz after it); 100 request bodies sent a byte every 3 s;
   5,000 connections that never send a byte; 200 clients that never read a 5 MB cached answer (/healthz
   meanwhile, web memory, and what the attacking clients got).
5. Process deaths (`--only panic`): up to 300 variants of a query that panics pyoxigraph 0.5.13, each differing
   in one character or name (`#1`, `#2`, a renamed variable, spacing, `LIMIT n`), sent one at a time by one
   client for at most 60 s: the query processes they ended and the statuses.
6. Limits (`--only cartesian,runaways`): the 43-byte cartesian query's status, time and message; the wait of
   another client's cheap query while one client runs two runaway queries at once (clients told apart by
   X-Forwarded-For through `--trusted-proxy 127.0.0.1` where the checkout has it).
7. `service` (issue 20, finding 1): with `--sandbox off`, the SERVICE bypass family (`true`/`false` glued to
   SERVICE with a prefix declared to mimic the changed text, lower case, `true.SERVICE`, `, trueSERVICE:x`,
   hosts 127.1, localhost, 2130706433, a BASE-relative `PREFIX : <>`) sent GET and POST: contacts a loopback
   listener counts.
8. `lexer` (issue 20, finding 6): a POST body of `"` and 64,000 `\\"` (128 KB) and one of 1 MiB: time to the
   answer, and the slowest /healthz meanwhile.

An old checkout is started the way it was started then: `python -m almerekg.cli serve` when its command line
has `serve`, else `python -m almerekg.web.serve --workers 2`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from hostile import CARTESIAN, RUNAWAY, panic_variant
from processes import cpu_seconds, descendants, free_port, is_query_process, rss_kib, stop, wait_ok

ROOT = Path(__file__).resolve().parents[1]


def web_pids(pid: int) -> list[int]:
    """The server's processes that are not query processes (those of either version)."""
    return [p for p in {pid} | descendants(pid) if not is_query_process(p)]


def rss_mib(pid: int) -> float:
    return sum(rss_kib(p) for p in web_pids(pid)) / 1024


def deleted_files(pid: int) -> int:
    n = 0
    for p in web_pids(pid):
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                if os.readlink(f"/proc/{p}/fd/{fd}").endswith("(deleted)"):
                    n += 1
        except OSError:
            pass
    return n


class Server:
    def __init__(self, store: Path, old: Path | None, log: Path, *extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.clients_apart = False
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALMEREKG_")}
        src = (old if old is not None else ROOT) / "src"
        env["PYTHONPATH"] = str(src)
        cli = (src / "almerekg" / "cli.py").read_text(encoding="utf-8")
        if '"serve"' not in cli:
            cmd = [sys.executable, "-m", "almerekg.web.serve", "--store", str(store), "--port", str(self.port),
                   "--workers", "2"]
        else:
            cmd = [sys.executable, "-m", "almerekg.cli", "serve", "--store", str(store), "--port", str(self.port),
                   "--query-workers", "2", *extra]
            # Clients told apart through a declared proxy on loopback, where the checkout knows the setting.
            self.clients_apart = "--trusted-proxy" in (src / "almerekg" / "settings.py").read_text(encoding="utf-8")
            if self.clients_apart:
                cmd += ["--trusted-proxy", "127.0.0.1"]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(log, "ab"))  # noqa: SIM115
        wait_ok(self.base + "/healthz", proc=self.proc)

    def stop(self) -> None:
        family = descendants(self.proc.pid)
        stop(self.proc, grace=20)
        for pid in family:  # a web process its master could not stop (one spinning on h2c streams did not)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def rss(self) -> float:
        return rss_mib(self.proc.pid)


def worst_health_during(server: Server, work) -> tuple[float, list]:  # noqa: ANN001
    stop = threading.Event()
    worst = [0.0]

    def probe() -> None:
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                requests.get(server.base + "/healthz", timeout=120)
            except requests.RequestException:
                pass
            worst[0] = max(worst[0], time.monotonic() - t0)
            time.sleep(0.05)

    t = threading.Thread(target=probe)
    t.start()
    try:
        result = work()
    finally:
        stop.set()
        t.join()
    return worst[0], result


def cpu(server: Server) -> str:
    big = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } ?s ?p " + ", ".join(
        f"?o{i}" for i in range(2000)) + " }"

    def eight() -> list[tuple[int, float]]:
        def one(i: int) -> tuple[int, float]:
            t0 = time.monotonic()
            r = requests.post(server.sparql, data={"query": big + f" # {i}"}, timeout=300)
            return r.status_code, time.monotonic() - t0

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(8)))

    server.sparql = server.base + "/sparql"
    worst, answers = worst_health_during(server, eight)
    slowest = max(s for _c, s in answers)
    return (f"8 x 13 KB queries at once: answered {sorted({c for c, _s in answers})} in at most {slowest:.2f} s; "
            f"slowest /healthz meanwhile {worst * 1000:.0f} ms")


def distinct_keys(server: Server, size: int, n: int = 300) -> str:
    padding = "#" + "x" * size + "\n"
    before = server.rss()
    statuses = set()
    with ThreadPoolExecutor(4) as pool:
        for status in pool.map(lambda i: requests.post(server.base + "/sparql", data={"query": f"ASK {{}} #{i}\n"
                                                                                                  + padding},
                                                       timeout=60).status_code, range(n)):
            statuses.add(status)
    grown = server.rss() - before
    return f"{n} distinct {size // 1024} KB queries (answered {sorted(statuses)}): web RSS {grown:+.0f} MiB"


def large_answers(server: Server, rows: int, n: int = 28) -> str:
    values = " ".join(str(i) for i in range(1, rows + 1))
    before = server.rss()
    sizes, statuses = [], set()
    for i in range(n):
        q = f"SELECT * WHERE {{ ?s ?p ?o . VALUES ?n {{ {values} }} }} # {i}"
        r = requests.get(server.base + "/sparql", params={"query": q}, headers={"Accept": "text/csv"}, timeout=300)
        sizes.append(len(r.content))
        statuses.add(r.status_code)
    return (f"{n} distinct answers of {max(sizes) / 2**20:.0f} MiB (answered {sorted(statuses)}): web RSS "
            f"{server.rss() - before:+.0f} MiB")


def slow_readers(server: Server, rows: int, n: int = 20) -> str:
    values = " ".join(str(i) for i in range(1, rows + 1))
    q = f"SELECT * WHERE {{ ?s ?p ?o . VALUES ?n {{ {values} }} }} # slow readers"
    before = server.rss()
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(f"GET /sparql?query={urllib.parse.quote(q)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode())
        socks.append(s)
    time.sleep(20)
    grown, files = server.rss() - before, deleted_files(server.proc.pid)
    for s in socks:
        s.close()
    return f"{n} clients not reading a ~40 MiB answer: web RSS {grown:+.0f} MiB, {files} deleted temporary files held"


def idle_connections(server: Server) -> str:
    socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(110)]
    try:
        t0 = time.monotonic()
        try:
            status = requests.get(server.base + "/healthz", timeout=120).status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        return f"110 idle connections: /healthz {status} in {(time.monotonic() - t0) * 1000:.0f} ms"
    finally:
        for s in socks:
            s.close()


def big_accept(server: Server) -> str:
    accept = "text/html;q=0.1, " * 12_000  # 200 KB
    t0 = time.monotonic()
    try:
        status = requests.get(server.base + "/sparql", params={"query": "ASK {}"}, headers={"Accept": accept},
                              timeout=60).status_code
    except requests.RequestException as exc:
        status = type(exc).__name__
    return f"a 200 KB Accept header: {status} in {(time.monotonic() - t0) * 1000:.0f} ms"


# A cache large enough to keep the ~8 MB answer of `readers` (an entry may take an eighth, its body counted twice).
EXTRA_ARGS = {"readers": ("--cache-bytes", str(192 * 2**20)), "service": ("--sandbox", "off")}


def _health_times(server: Server, seconds: float) -> list[float]:
    """Time of each /healthz asked one after another for `seconds` (a request that failed counts its wait)."""
    times = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.monotonic()
        try:
            requests.get(server.base + "/healthz", timeout=10)
        except requests.RequestException:
            pass
        times.append(time.monotonic() - t0)
        time.sleep(0.1)
    return times


def _cpu_share(pid: int, seconds: float) -> float:
    """Cores the web processes kept busy over `seconds`."""
    before = sum(cpu_seconds(p) for p in web_pids(pid))
    time.sleep(seconds)
    return (sum(cpu_seconds(p) for p in web_pids(pid)) - before) / seconds


def h2_streams(server: Server, n: int = 20) -> str:
    """One connection speaking HTTP/2 without TLS opens n POSTs to /sparql, sends 3 of 100 bytes each, closes."""
    import h2.config
    import h2.connection

    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(conn.data_to_send())
    for _ in range(n):
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, [(":method", "POST"), (":path", "/sparql"), (":scheme", "http"),
                                   (":authority", f"127.0.0.1:{server.port}"),
                                   ("content-type", "application/sparql-query"), ("content-length", "100")])
        conn.send_data(stream, b"ASK")
    s.sendall(conn.data_to_send())
    s.settimeout(2)
    try:
        first = s.recv(64)
    except OSError:
        first = b""
    s.close()
    spoken = "HTTP/2 (SETTINGS)" if first[3:4] == b"\x04" else repr(first[:12])
    cores = _cpu_share(server.proc.pid, 5)
    times = _health_times(server, 5)
    return (f"{n} unfinished h2c streams (server answered {spoken}): web CPU {cores:.2f} cores over 5 s after; "
            f"/healthz slowest {max(times) * 1000:.0f} ms of {len(times)}")


def slow_bodies(server: Server, n: int = 100, seconds: float = 20) -> str:
    """n connections send a POST head with Content-Length: 100000, then one byte every 3 s."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 100000\r\n\r\nquery=")
        s.setblocking(False)
        socks.append(s)
    stop_event = threading.Event()
    answers: dict[str, int] = {}

    def trickle() -> None:
        while not stop_event.wait(3):
            for s in socks:
                try:
                    s.send(b"A")
                except OSError:
                    pass

    t = threading.Thread(target=trickle)
    t.start()
    try:
        before = server.rss()
        times = _health_times(server, seconds)
        grown = server.rss() - before
    finally:
        stop_event.set()
        t.join()
    for s in socks:
        try:
            head = s.recv(64).split(b"\r\n", 1)[0].decode(errors="replace") or "closed"
        except BlockingIOError:
            head = "open"
        except OSError:
            head = "closed"
        answers[head] = answers.get(head, 0) + 1
        s.close()
    return (f"{n} slow bodies for {seconds:g} s: /healthz slowest {max(times) * 1000:.0f} ms of {len(times)}, "
            f"web RSS {grown:+.0f} MiB; the slow clients got {answers}")


def silent_connections(server: Server, n: int = 5000, seconds: float = 15) -> str:
    """n connections that never send a byte."""
    before = server.rss()
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        except OSError:
            break
    opened = len(socks)
    times = _health_times(server, seconds)
    grown = server.rss() - before
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    return (f"{opened} of {n} silent connections opened, for {seconds:g} s: /healthz slowest "
            f"{max(times) * 1000:.0f} ms of {len(times)}, web RSS {grown:+.0f} MiB; {closed} closed by the server")


def readers(server: Server, n: int = 200, seconds: float = 10) -> str:
    """n clients ask for SELECT * { ?s ?p ?o } (kept in the cache after a first full read) and never read it."""
    query = "SELECT * { ?s ?p ?o }"
    size = len(requests.get(server.base + "/sparql", params={"query": query}, timeout=120).content)
    before = server.rss()
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n".encode())
        socks.append(s)
    times = _health_times(server, seconds)
    grown = server.rss() - before
    statuses: dict[str, int] = {}
    for s in socks:
        s.settimeout(1)
        try:
            status = s.recv(12)[9:12].decode() or "closed"
        except OSError:
            status = "nothing"
        statuses[status] = statuses.get(status, 0) + 1
        s.close()
    return (f"{n} clients not reading a {size / 1e6:.1f} MB answer for {seconds:g} s: web RSS {grown:+.0f} MiB, "
            f"/healthz slowest {max(times) * 1000:.0f} ms of {len(times)}; statuses {statuses}")


def killed(server: Server) -> int:
    return requests.get(server.base + "/healthz", timeout=60).json()["workers"]["killed"]


def panics(server: Server, n: int = 300, seconds: float = 60.0) -> str:
    before, statuses, sent = killed(server), {}, 0
    t0 = time.monotonic()
    while sent < n and time.monotonic() - t0 < seconds:
        r = requests.post(server.base + "/sparql", data={"query": panic_variant(sent)}, timeout=120)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        sent += 1
    elapsed = time.monotonic() - t0
    time.sleep(0.5)
    ended = killed(server) - before
    return (f"{sent} one-change variants of a panicking query in {elapsed:.0f} s, one client: {ended} query processes "
            f"ended ({ended / elapsed * 60:.0f} a minute over the run); statuses {dict(sorted(statuses.items()))}")


def cartesian(server: Server) -> str:
    t0 = time.monotonic()
    r = requests.post(server.base + "/sparql", data={"query": CARTESIAN}, timeout=120)
    return (f"the {len(CARTESIAN)}-byte cartesian query: {r.status_code} in {time.monotonic() - t0:.1f} s, "
            f"{r.text.strip()[:110]!r}")


def runaways(server: Server) -> str:
    results: list[int] = []

    def runaway(n: int) -> None:
        results.append(requests.post(server.base + "/sparql", data={"query": f"{RUNAWAY} LIMIT {n}"},
                                     headers={"X-Forwarded-For": "192.0.2.1"}, timeout=120).status_code)

    threads = [threading.Thread(target=runaway, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    t0 = time.monotonic()
    r = requests.post(server.base + "/sparql", data={"query": "SELECT ?s { ?s ?p ?o } LIMIT 3"},
                      headers={"X-Forwarded-For": "192.0.2.2"}, timeout=120)
    waited = time.monotonic() - t0
    for t in threads:
        t.join()
    apart = "clients told apart" if server.clients_apart else "one address (no --trusted-proxy)"
    return (f"two runaway queries of one client at once ({apart}): another client's cheap query {r.status_code} after "
            f"{waited:.2f} s; the runaways {sorted(results)}")


class Tripwire:
    """Counts the connections made to one loopback port, answering each with one SPARQL JSON row."""

    def __init__(self) -> None:
        self.contacts = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"tripwire"}}]}}'
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.contacts += 1
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
            except OSError:
                pass
            conn.close()


def bypass_family(port: int) -> list[str]:
    """Issue 20's SERVICE spellings that passed the x-neutralising check: each names the listener."""
    out = []
    for host in (f"127.0.0.1:{port}", f"127.1:{port}", f"localhost:{port}", f"2130706433:{port}"):
        here = f"http://{host}/"
        for word, service in (("true", "SERVICE"), ("false", "SERVICE"), ("true", "service"), ("false", "Service")):
            mimic = service[:3] + ("X" if service[3].isupper() else "x") + service[4:]
            decl = f"PREFIX {word}{mimic}: <http://a/> PREFIX : <{here}>"
            out += [f"{decl} SELECT ?x {{ ?s ?p {word}{service}:sparql {{ ?x ?y ?z }} }} LIMIT 1",
                    f"{decl} SELECT ?x {{ ?s ?p ?o , {word}{service}:sparql {{ ?x ?y ?z }} }} LIMIT 1"]
        out.append(f"BASE <{here}> PREFIX trueSERXICE: <http://a/> PREFIX : <> "
                   "SELECT ?x { ?s ?p trueSERVICE:sparql { ?x ?y ?z } } LIMIT 1")
    return out


def service_bypass(server: Server) -> str:
    wire = Tripwire()
    statuses: dict[int, int] = {}
    try:
        for query in bypass_family(wire.port):
            for send in (lambda q: requests.get(server.base + "/sparql", params={"query": q}, timeout=60),
                         lambda q: requests.post(server.base + "/sparql", data=q.encode(), timeout=60,
                                                 headers={"Content-Type": "application/sparql-query"})):
                code = send(query).status_code
                statuses[code] = statuses.get(code, 0) + 1
    finally:
        wire.sock.close()
    return (f"SERVICE bypass family with --sandbox off, {sum(statuses.values())} requests: {wire.contacts} "
            f"contact(s) with the listener; answers {dict(sorted(statuses.items()))}")


LEXER_WAIT_S = 30  # a run stays short: cfa20c2 would lex 1 MiB of escaped quotes for about half an hour


def escaped_quotes(server: Server) -> str:
    out = []
    for name, body in (("128 KB", '"' + '\\"' * 64000), ("1 MiB", '"' + '\\"' * (512 * 1024 - 16))):
        def post(body: str = body) -> tuple[int | str, float]:
            t0 = time.monotonic()
            try:
                r = requests.post(server.base + "/sparql", data=body.encode(), timeout=LEXER_WAIT_S,
                                  headers={"Content-Type": "application/sparql-query"})
            except requests.Timeout:
                return f"no answer within {LEXER_WAIT_S} s", time.monotonic() - t0
            return r.status_code, time.monotonic() - t0

        worst, (code, seconds) = worst_health_during(server, post)
        out.append(f"{name} of escaped quotes: {code} after {seconds:.2f} s, slowest /healthz {worst * 1000:.0f} ms")
        if isinstance(code, str):
            break  # the server is still lexing: the larger body would only wait longer
    return "; ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", help="an older checkout to measure instead (run with this venv)")
    ap.add_argument("--store", help="a built store (default: a fresh build of data/)")
    ap.add_argument("--rows", type=int, default=14, help="VALUES rows of the large answers (~3 MiB each per row)")
    ap.add_argument("--only", help="comma-separated: cpu, keys-1m, keys-200k, large, slow, idle, accept, h2c, "
                    "slow-bodies, silent, readers, panic, cartesian, runaways, service, lexer")
    args = ap.parse_args()
    old = Path(args.old).resolve() if args.old else None
    tmp = Path(tempfile.mkdtemp(prefix="almerekg-abuse-"))
    try:
        if args.store:
            store = Path(args.store)
        else:
            from almerekg.graph.pipeline import run_build
            from almerekg.settings import from_values

            store = tmp / "store"
            run_build(from_values(store=str(store)), progress=lambda _m: None)
        print(f"# {'checkout ' + str(old) if old else 'this checkout'}; build {store}", flush=True)
        measures = {"cpu": cpu, "keys-1m": lambda s: distinct_keys(s, 1024 * 1024 - 4096),
                    "keys-200k": lambda s: distinct_keys(s, 200 * 1024), "large": lambda s: large_answers(s, args.rows),
                    "slow": lambda s: slow_readers(s, args.rows), "idle": idle_connections, "accept": big_accept,
                    "h2c": h2_streams, "slow-bodies": slow_bodies, "silent": silent_connections, "readers": readers,
                    "panic": panics, "cartesian": cartesian, "runaways": runaways,
                    "service": service_bypass, "lexer": escaped_quotes}
        chosen = args.only.split(",") if args.only else list(measures)
        for name in chosen:
            measure = measures[name]
            server = Server(store, old, tmp / "server.log", *EXTRA_ARGS.get(name, ()))
            try:
                print("-", measure(server), flush=True)
            finally:
                server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
