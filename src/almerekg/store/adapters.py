"""What differs between SPARQL servers: endpoint paths, graph-store parameters, authentication, quirks.

Every server speaks the SPARQL 1.1 Protocol (queries) and the Graph Store HTTP Protocol (whole
graphs), but each mounts them elsewhere and bends them a little. One small adapter per server keeps
those differences here, so remote.py is written once against the standards.

`--store` takes the server's base URL; the adapter is picked from the URL (a `virtuoso+`/`fuseki+`/
`oxigraph+` scheme prefix forces one) or from ALMEREKG_STORE_KIND:

    oxigraph  http://127.0.0.1:7878            (`oxigraph serve`: /query, /update, /store?graph=)
    virtuoso  virtuoso+http://127.0.0.1:8890   (/sparql, /sparql-graph-crud-auth?graph-uri=, digest auth)
    generic   fuseki+http://127.0.0.1:3030/ds  (Fuseki and most others: /sparql, /data?graph=)

Credentials come from ALMEREKG_STORE_USER / ALMEREKG_STORE_PASSWORD, never from the URL or a flag,
so they stay out of process listings and logs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

KINDS = ("oxigraph", "virtuoso", "generic")


@dataclass(frozen=True)
class Adapter:
    kind: str
    query_path: str
    gsp_path: str  # Graph Store HTTP Protocol endpoint
    gsp_graph_param: str  # name of the parameter naming the graph ("graph" in the standard)
    upload_type: str  # media type graphs are PUT in
    # Extra query parameters that make the default graph the union of all named graphs, which is what
    # the embedded store answers with. None: the server does so already or it is configured there.
    union_params: tuple[tuple[str, str], ...] | None
    auth: str = "none"  # none | basic | digest (for writes; reads stay anonymous)
    # Servers whose result serialisations differ from the standard get their answers as SPARQL JSON
    # and re-serialised here (Virtuoso writes ASK as a binding `__ASK_RETVAL`, not {"boolean": ...}).
    normalise_results: bool = False
    # How atomic replacing the whole dataset is there (shown by `almerekg build`, stated in the README).
    atomicity: str = ""


ADAPTERS = {
    "oxigraph": Adapter(
        kind="oxigraph", query_path="/query", gsp_path="/store", gsp_graph_param="graph",
        upload_type="application/n-triples", union_params=(("union-default-graph", ""),),
        atomicity="each graph is replaced in one transaction; readers may see a mix of old and new graphs "
                  "while a build loads, the build id switches when the last graph is in",
    ),
    "virtuoso": Adapter(
        kind="virtuoso", query_path="/sparql", gsp_path="/sparql-graph-crud-auth", gsp_graph_param="graph-uri",
        # Virtuoso's default graph is already the union of all graphs (its own system graphs included).
        upload_type="text/turtle", union_params=None, auth="digest", normalise_results=True,
        atomicity="each graph PUT is committed on its own (large graphs may be loaded row by row); readers "
                  "may see a mix of graphs while a build loads, the build id switches last",
    ),
    "generic": Adapter(
        kind="generic", query_path="/sparql", gsp_path="/data", gsp_graph_param="graph",
        # Fuseki: set `tdb2:unionDefaultGraph true` on the dataset (the default graph cannot be chosen per query).
        upload_type="application/n-triples", union_params=None, auth="basic",
        atomicity="depends on the server (Fuseki/TDB2: one transaction per graph)",
    ),
}


@dataclass(frozen=True)
class Endpoint:
    base: str  # http(s)://host:port[/path] without the adapter prefix and trailing slash
    adapter: Adapter
    user: str | None
    password: str | None

    def url(self, path: str) -> str:
        return self.base + path


def endpoint_for(store: str, env: dict[str, str] | None = None) -> Endpoint:
    """The server a `--store URL` names, with the adapter and credentials for it."""
    env = dict(os.environ) if env is None else env
    kind = env.get("ALMEREKG_STORE_KIND", "").strip().lower() or "oxigraph"
    url = store
    scheme = url.split("://", 1)[0]
    if "+" in scheme:
        kind, _, real = scheme.partition("+")
        url = real + url[len(scheme):]
    if kind == "fuseki":
        kind = "generic"
    if kind not in ADAPTERS:
        raise ValueError(f"unknown store kind {kind!r} (known: {', '.join(KINDS)}, fuseki)")
    return Endpoint(base=url.rstrip("/"), adapter=ADAPTERS[kind], user=env.get("ALMEREKG_STORE_USER") or None,
                    password=env.get("ALMEREKG_STORE_PASSWORD") or None)
