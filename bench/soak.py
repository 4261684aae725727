"""A soak: the real server under a steady mixed load for minutes, loopback only, bounded by --seconds.

    .venv/bin/python bench/soak.py --seconds 300 [--clients 8] [--store PATH] [--processes 2] [--query-workers 2]

Without --store it builds data/ into a temporary store first. It starts `almerekg serve` on a
free loopback port, runs client threads that mix saved queries (table, CSV, JSON, with parameters), /sparql
(cached texts and texts that differ every time, so the engine answers), linked-data pages, search and a
runaway query now and then, and reports every --report seconds and at the end: requests served, errors
(any answer other than the expected status), latency percentiles, and the resident memory (RSS from
/proc/PID/status) of the server with its web processes and of all query processes, first sample against last.

With --abuse (the default; --no-abuse turns it off) a hostile client joins: it holds --idle idle connections
and a few half-sent request heads open for the whole run, and every --abuse-every seconds sends, in turn, a
SERVICE hidden from a naive scanner and aimed at the server itself (403 expected), a distinct 200 KB query
text (a new cache key; 200), and a slow reader that asks for a ~10 MB answer and never reads it (200 or 503
when the process already sends its share of large answers). The slowest /healthz while all that is open is
reported with the memory growth.
Exit status 1 when any request failed or the server died.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import requests
from processes import descendants, free_port, is_query_process, rss_kib, stop, wait_ok

ROOT = Path(__file__).resolve().parents[1]
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"

GETS = [
    "/queries/tabel-1", "/queries/tabel-1.json", "/queries/tabel-3.csv", "/queries/tabel-3",
    "/queries/joint-ventures.json?soort=joint-venture-share", "/queries/netwerken-buiten-almere?focus=provincie",
    "/queries", "/", "/search?q=almere", "/doc/firm/usg-people", "/doc/firm/usg-people.ttl",
    "/dataset", "/def", "/def/Firm", "/healthz",
]


def memory(pid: int) -> tuple[int, int]:
    """(RSS of the server and its web processes, RSS of all query processes) in KiB."""
    tree = descendants(pid)
    query = {p for p in tree if is_query_process(p)}
    return rss_kib(pid) + sum(rss_kib(p) for p in tree - query), sum(rss_kib(p) for p in query)


def pick(rng: random.Random, n: int) -> tuple[str, str, dict, tuple[int, ...]]:
    """(method, path, request kwargs, acceptable statuses) of one request."""
    roll = rng.random()
    if roll < 0.55:
        return "GET", rng.choice(GETS), {}, (200,)
    if roll < 0.75:
        q = f"SELECT ?s ?l WHERE {{ ?s {LABEL} ?l }} LIMIT {1 + n % 50}"  # few texts: mostly cache hits
        return "GET", "/sparql", {"params": {"query": q}}, (200,)
    if roll < 0.98:
        q = (f"SELECT ?s WHERE {{ ?s {LABEL} ?l FILTER(CONTAINS(LCASE(STR(?l)), \"{rng.choice('aeiou')}\")) }} "
             f"LIMIT {n % 100_000 + 1}")  # a new text each time: the engine answers
        return "POST", "/sparql", {"data": {"query": q}}, (200,)
    return "GET", "/id/firm/usg-people", {"allow_redirects": False}, (303,)


# Each runaway differs in meaning (LIMIT n): the quarantine equates texts that differ only in a comment.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} LIMIT {n}"
HIDDEN_SERVICE = [  # SERVICE where a lexer that looks for it would not see it; aimed at this very server
    "SELECT ?x WHERE {{ BIND(1 AS ?o) .SERVICE <http://127.0.0.1:{port}/sparql> {{ ?x ?y ?z }} }} # {n}",
    'SELECT ?x WHERE {{ FILTER(1 <2#>"""\n) .SERVICE <http://2130706433:{port}/sparql> {{ ?x ?y ?z }} }} # {n}',
    "ASK {{ OPTIONAL {{ sErViCe SILENT <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }} }} # {n}",
]
LARGE_ANSWER = "SELECT * WHERE {{ ?s ?p ?o . VALUES ?n {{ 1 2 3 4 5 }} }} # slow reader {n}"


class Abuser:
    """A hostile client beside the load: idle connections, hidden SERVICE, new cache keys, slow readers."""

    def __init__(self, port: int, idle: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.sent: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.held: list[socket.socket] = []
        self.readers: list[tuple[float, socket.socket]] = []
        for i in range(idle + 10):
            sock = socket.create_connection(("127.0.0.1", port))
            if i >= idle:  # a request head that never ends
                sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
            self.held.append(sock)

    def step(self, n: int) -> None:
        kind = ("hidden SERVICE", "200 KB key", "slow reader")[n % 3]
        try:
            if kind == "hidden SERVICE":
                query = HIDDEN_SERVICE[n % len(HIDDEN_SERVICE)].format(port=self.port, n=n)
                status, ok = self._post(query), (403,)
            elif kind == "200 KB key":
                status, ok = self._post(f"ASK {{}} # {n}\n#" + "x" * 200_000 + "\n"), (200,)
            else:
                status, ok = self._slow_reader(n), (200, 503)
        except (OSError, requests.RequestException) as exc:
            status, ok = type(exc).__name__, ()
        self.sent[f"{kind} {status}"] += 1
        if status not in ok:
            self.errors[f"abuse: {kind} answered {status}"] += 1
        now = time.monotonic()
        for started, sock in [r for r in self.readers if now - r[0] > 20]:
            sock.close()
            self.readers.remove((started, sock))

    def _post(self, query: str) -> int:
        return requests.post(self.base + "/sparql", data={"query": query}, timeout=60).status_code

    def _slow_reader(self, n: int) -> int:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        path = "/sparql?query=" + urllib.parse.quote(LARGE_ANSWER.format(n=n))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode())
        sock.settimeout(60)
        head = sock.recv(64).decode("latin-1")  # the status line; the rest is never read
        self.readers.append((time.monotonic(), sock))
        return int(head.split()[1]) if head.startswith("HTTP/") else 0

    def close(self) -> None:
        for sock in self.held + [r[1] for r in self.readers]:
            sock.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=300.0, help="how long to run the load (default 300)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--store", help="a built store folder (default: build data/ into a temporary one)")
    ap.add_argument("--processes", type=int, default=2, help="web processes of the server (almerekg serve --processes)")
    ap.add_argument("--query-workers", type=int, default=2, help="query processes per web process")
    ap.add_argument("--query-timeout", type=float, default=2.0)
    ap.add_argument("--report", type=float, default=15.0, help="seconds between progress lines")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--abuse", action=argparse.BooleanOptionalAction, default=True,
                    help="add the hostile client (idle connections, hidden SERVICE, new cache keys, slow readers)")
    ap.add_argument("--abuse-every", type=float, default=1.0, help="seconds between the hostile client's requests")
    ap.add_argument("--idle", type=int, default=100, help="idle connections the hostile client holds open")
    ap.add_argument("--runaway-every", type=float, default=10.0,
                    help="seconds between runaway queries (one at a time; 0: none). Each holds a worker until "
                         "the timeout: with more runaways than workers, ordinary queries get 503 busy by design")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="almerekg-soak-"))
    server = None
    try:
        if args.store:
            store = Path(args.store)
        else:
            sys.path.insert(0, str(ROOT / "src"))
            from almerekg.graph.pipeline import run_build
            from almerekg.settings import from_values

            store = tmp / "store"
            print(f"building data/ into {store} ...", flush=True)
            run_build(from_values(store=str(store)), progress=lambda _m: None)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALMEREKG_")}
        log = open(tmp / "server.log", "wb")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [sys.executable, "-m", "almerekg.cli", "serve", "--store", str(store), "--host", "127.0.0.1",
             "--port", str(port), "--processes", str(args.processes), "--query-workers", str(args.query_workers),
             "--query-timeout", str(args.query_timeout),
             # The runaways come from clients of their own (X-Forwarded-For through this declared proxy), as they
             # would in production: one client's queries hold at most all query processes but one, and a client
             # whose queries end --client-deaths processes within a minute gets 429.
             "--trusted-proxy", "127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=log, env=env)
        try:
            wait_ok(base + "/healthz", proc=server)
        except RuntimeError as exc:
            print(f"the server did not come up ({exc}):\n" + (tmp / "server.log").read_text()[-3000:])
            return 1
        for path in GETS:  # warm up, as a server that has been up a while is
            requests.get(base + path, timeout=30)
        time.sleep(1)
        mem_start = memory(server.pid)
        lock = threading.Lock()
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        statuses: Counter[int] = Counter()
        counter = [0]
        stop_at = time.monotonic() + args.seconds

        def client(idx: int) -> None:
            rng = random.Random(args.seed * 1000 + idx)  # noqa: S311 - a load mix, not a secret
            session = requests.Session()
            session.headers["X-Forwarded-For"] = f"198.51.100.{idx % 250 + 1}"  # each client its own (see the serve)
            while time.monotonic() < stop_at:
                with lock:
                    counter[0] += 1
                    n = counter[0]
                method, path, kwargs, ok = pick(rng, n)
                t0 = time.perf_counter()
                try:
                    r = session.request(method, base + path, timeout=60, **kwargs)
                    status = r.status_code
                    bad = status not in ok or "Traceback" in r.text
                    key = f"{status} {method} {path.split('?')[0]}"
                except requests.RequestException as exc:
                    status, bad, key = 0, True, f"{type(exc).__name__} {method} {path}"
                elapsed = time.perf_counter() - t0
                with lock:
                    statuses[status] += 1
                    latencies.append(elapsed)
                    if bad:
                        errors[key] += 1

        runaways: Counter[int] = Counter()

        def runaway_client() -> None:
            # A runaway now and then: it must be stopped (503 with a message), never a cut-off 200.
            n = 0
            while args.runaway_every > 0 and time.monotonic() + args.runaway_every < stop_at:
                time.sleep(args.runaway_every)
                n += 1
                try:
                    r = requests.post(base + "/sparql", data={"query": RUNAWAY.format(n=n)}, timeout=60,
                                      headers={"X-Forwarded-For": f"192.0.2.{n % 250 + 1}"})
                    status = r.status_code
                    ok = status == 503 and "limit" in r.text
                except requests.RequestException:
                    status, ok = 0, False
                with lock:
                    runaways[status] += 1
                    if not ok:
                        errors[f"runaway answered {status}"] += 1

        abuser = Abuser(port, args.idle) if args.abuse else None

        def abuse_client() -> None:
            n = 0
            while abuser is not None and time.monotonic() + args.abuse_every < stop_at:
                time.sleep(args.abuse_every)
                abuser.step(n)
                n += 1

        health_ms: list[float] = []

        def health_probe() -> None:
            # /healthz while the hostile client holds its connections: it must keep answering at once.
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    ok = requests.get(base + "/healthz", timeout=30).status_code == 200
                except requests.RequestException:
                    ok = False
                with lock:
                    health_ms.append((time.perf_counter() - t0) * 1000)
                    if not ok:
                        errors["healthz failed"] += 1
                time.sleep(0.5)

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
        threads.append(threading.Thread(target=runaway_client, daemon=True))
        threads.append(threading.Thread(target=abuse_client, daemon=True))
        threads.append(threading.Thread(target=health_probe, daemon=True))
        started = time.monotonic()
        for t in threads:
            t.start()
        samples = [mem_start]
        while time.monotonic() < stop_at and any(t.is_alive() for t in threads):
            time.sleep(min(args.report, max(0.1, stop_at - time.monotonic())))
            samples.append(memory(server.pid))
            with lock:
                done, n_err = sum(statuses.values()), sum(errors.values())
            print(f"  {time.monotonic() - started:6.0f} s  {done:7d} requests  {n_err} errors  "
                  f"web RSS {samples[-1][0] / 1024:.1f} MiB  query processes RSS {samples[-1][1] / 1024:.1f} MiB",
                  flush=True)
            if server.poll() is not None:
                print("the server died")
                break
        for t in threads:
            t.join(timeout=70)
        wall = time.monotonic() - started
        mem_end = memory(server.pid)
        if abuser is not None:
            abuser.close()
            errors.update(abuser.errors)
        health = requests.get(base + "/healthz", timeout=10).json()
        q = statistics.quantiles(latencies, n=1000) if len(latencies) > 1 else [0.0] * 999
        total = sum(statuses.values())
        print()
        print(f"soak: {args.clients} clients, {wall:.0f} s, loopback {base}")
        print(f"requests served: {total} ({total / wall:.0f}/s); statuses {dict(sorted(statuses.items()))}")
        print(f"runaway queries (one every {args.runaway_every:g} s, stopped by the timeout): "
              f"{dict(runaways)}")
        if abuser is not None:
            print(f"hostile client: {args.idle} idle connections and 10 half-sent heads held; "
                  f"{dict(sorted(abuser.sent.items()))}")
        print(f"/healthz meanwhile: {len(health_ms)} probes, slowest {max(health_ms, default=0):.0f} ms")
        print(f"errors: {sum(errors.values())}" + (f" {dict(errors.most_common(10))}" if errors else ""))
        print(f"latency of the mixed requests: p50 {q[499] * 1000:.1f} ms  p90 {q[899] * 1000:.1f} ms  "
              f"p99 {q[989] * 1000:.1f} ms  p99.9 {q[998] * 1000:.1f} ms  max {max(latencies) * 1000:.1f} ms")
        print(f"web RSS (server + web processes): {mem_start[0] / 1024:.1f} -> {mem_end[0] / 1024:.1f} MiB "
              f"({(mem_end[0] - mem_start[0]) / 1024:+.1f}); max {max(s[0] for s in samples) / 1024:.1f}")
        print(f"query processes RSS (sum): {mem_start[1] / 1024:.1f} -> {mem_end[1] / 1024:.1f} MiB "
              f"({(mem_end[1] - mem_start[1]) / 1024:+.1f})")
        print(f"workers: {health.get('workers')}; cache: {health.get('cache')}")
        return 1 if errors or server.poll() is not None else 0
    finally:
        if server is not None:
            stop(server, grace=15)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
