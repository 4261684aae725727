"""A store on a SPARQL server, reached over the SPARQL 1.1 Protocol and the Graph Store HTTP Protocol.

When one process (or one machine) is not enough, the same graph goes onto an existing scalable
server (Oxigraph server, Virtuoso, Fuseki, GraphDB, ...) and the web tier only forwards queries.

A build is loaded graph by graph (PUT replaces one named graph), then the build description goes into
a small graph of its own, <{base}/id/graph/build>, last: `serve` reads the build id from there, so ETags
and the result cache change only once every graph of the new build is in. Graphs of the previous build
that the new one no longer has are deleted afterwards.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from .adapters import Endpoint, endpoint_for
from .embedded import BuildInfo, StoreError, StoreUnavailable

log = logging.getLogger("almerekg.store")

JSON_RESULTS = "application/sparql-results+json"
INFO_TTL = 3.0  # seconds the build id read from the server is trusted before it is read again
DESCRIPTION = "buildDescription"  # predicate local name under {base}/def/ holding BuildInfo as JSON


def build_graph(base: str) -> str:
    return f"{base.rstrip('/')}/id/graph/build"


class RemoteStore:
    def __init__(self, url: str, base: str, env: dict[str, str] | None = None) -> None:
        self.url = url
        self.endpoint: Endpoint = endpoint_for(url, env)
        self.adapter = self.endpoint.adapter
        self.base = base.rstrip("/")
        self.session = requests.Session()  # keeps connections open: most of a cheap query is connecting
        self._info: tuple[float, BuildInfo | StoreError] | None = None
        self._info_lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------------
    def post_query(self, query: str, accept: str, timeout: float, *, union_default: bool = False,
                   default_graphs: Iterable[str] | None = None, named_graphs: Iterable[str] | None = None,
                   stream: bool = False) -> requests.Response:
        """POST a query (form-encoded: no URL length limit); raises requests' connection errors."""
        data: list[tuple[str, str]] = [("query", query)]
        if default_graphs is not None or named_graphs is not None:
            data += [("default-graph-uri", g) for g in default_graphs or ()]
            data += [("named-graph-uri", g) for g in named_graphs or ()]
        elif union_default and self.adapter.union_params:
            data += list(self.adapter.union_params)
        return self.session.post(self.endpoint.url(self.adapter.query_path), data=data,
                                 headers={"Accept": accept}, timeout=(min(5.0, timeout), timeout), stream=stream)

    def select_json(self, query: str, timeout: float = 30.0) -> list[dict]:
        try:
            resp = self.post_query(query, JSON_RESULTS, timeout, union_default=True)
        except requests.RequestException as exc:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint.base} does not answer ({exc})") from exc
        if resp.status_code != 200:
            raise StoreError(f"{self.endpoint.base}: query failed with HTTP {resp.status_code}: {resp.text[:300]}")
        try:
            return resp.json()["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.endpoint.base}: not a SPARQL JSON answer ({exc}): {resp.text[:200]}") from exc

    def info(self, max_age: float = INFO_TTL) -> BuildInfo:
        """The build the server holds, read from its build graph at most every `max_age` seconds."""
        now = time.monotonic()
        cached = self._info
        if cached is None or now - cached[0] > max_age:
            with self._info_lock:
                cached = self._info
                if cached is None or time.monotonic() - cached[0] > max_age:
                    try:
                        value: BuildInfo | StoreError = self._read_info()
                    except StoreError as exc:
                        value = exc
                    cached = self._info = (time.monotonic(), value)
        if isinstance(cached[1], StoreError):
            raise cached[1]
        return cached[1]

    def _read_info(self) -> BuildInfo:
        graph = build_graph(self.base)
        rows = self.select_json(
            f"SELECT ?d WHERE {{ GRAPH <{graph}> {{ ?b <{self.base}/def/{DESCRIPTION}> ?d }} }} LIMIT 1",
            timeout=5.0)
        if not rows:
            raise StoreUnavailable(f"{self.endpoint.base}: no build has been loaded for base {self.base} "
                                   f"(no graph <{graph}>; run `almerekg build --store {self.url}`)")
        try:
            return BuildInfo(**json.loads(rows[0]["d"]["value"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise StoreError(f"{self.endpoint.base}: the build description in <{graph}> is unreadable ({exc})") \
                from exc

    def graph_counts(self) -> dict[str, int]:
        rows = self.select_json("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                                timeout=600.0)
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}

    # -- writing ------------------------------------------------------------------------------
    def _auth(self) -> AuthBase | None:
        ep = self.endpoint
        if ep.user is None:
            return None
        return HTTPDigestAuth(ep.user, ep.password or "") if self.adapter.auth == "digest" \
            else HTTPBasicAuth(ep.user, ep.password or "")

    def _gsp(self, method: str, graph: str, body: bytes | None = None, timeout: float = 600.0) -> None:
        headers = {"Content-Type": self.adapter.upload_type} if body is not None else {}
        try:
            resp = self.session.request(method, self.endpoint.url(self.adapter.gsp_path),
                                        params={self.adapter.gsp_graph_param: graph}, data=body,
                                        headers=headers, auth=self._auth(), timeout=(10.0, timeout))
        except requests.RequestException as exc:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint.base} does not answer ({exc})") from exc
        if method == "DELETE" and resp.status_code == 404:
            return  # already gone
        if resp.status_code not in (200, 201, 204):
            hint = ""
            if resp.status_code in (401, 403):
                hint = " (set ALMEREKG_STORE_USER and ALMEREKG_STORE_PASSWORD to an account that may write)"
            raise StoreError(f"{method} <{graph}> at {self.endpoint.base} failed with HTTP {resp.status_code}"
                             f"{hint}: {resp.text[:300]}")

    def publish(self, graphs: Iterable[tuple[str, bytes]], info: BuildInfo,
                progress: Callable[[str], None] = lambda _m: None) -> BuildInfo:
        """Replace every named graph of the build, then the build description, then drop stale graphs."""
        try:
            previous: BuildInfo | None = self._read_info()
        except StoreUnavailable:
            previous = None
        progress(f"loading into {self.endpoint.base} ({self.adapter.kind}): {self.adapter.atomicity}")
        for name, body in graphs:
            started = time.perf_counter()
            self._gsp("PUT", name, body)
            progress(f"  PUT <{name}>: {len(body):,} bytes in {time.perf_counter() - started:.2f}s")
        counts = self.graph_counts()
        wrong = {g: (counts.get(g, 0), n) for g, n in info.graphs.items() if counts.get(g, 0) != n}
        if wrong:
            raise StoreError("the server holds other triple counts than the build produced (graph: held, built): "
                             + "; ".join(f"{g}: {a}, {b}" for g, (a, b) in sorted(wrong.items())[:5]))
        self._gsp("PUT", build_graph(self.base), self._description(info))
        if previous is not None:
            for stale in sorted(set(previous.graphs) - set(info.graphs)):
                progress(f"  DELETE <{stale}> (not in this build)")
                self._gsp("DELETE", stale)
        self._info = None
        return info

    def _description(self, info: BuildInfo) -> bytes:
        subject = f"<{self.base}/id/build/{info.build_id}>"
        text = json.dumps(json.dumps(json.loads(info.to_json()), ensure_ascii=True, sort_keys=True))
        lines = [
            f"{subject} <http://purl.org/dc/terms/identifier> {json.dumps(info.build_id)} .",
            f"{subject} <http://purl.org/dc/terms/created> \"{info.created}\""
            "^^<http://www.w3.org/2001/XMLSchema#dateTime> .",
            f"{subject} <{self.base}/def/{DESCRIPTION}> {text} .",
        ]
        return ("\n".join(lines) + "\n").encode("utf-8")
