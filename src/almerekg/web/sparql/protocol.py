"""Read a SPARQL 1.1 Protocol request (section 2.1 query operation) from raw bytes.

We parse the query string and bodies ourselves rather than through Flask's form parsing, because
the protocol needs things Werkzeug hides: a repeated `query` parameter is an error, and bytes that are
not UTF-8 must be refused rather than silently replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes, urlsplit

from flask import Request

from ...errors import AppError

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


class ProtocolError(AppError):
    """A request the protocol does not allow: its status (400, 413, 414, 415) and why."""


@dataclass
class ProtocolRequest:
    query: str | None = None
    update: bool = False  # an update operation arrived (refused: this endpoint is read-only)
    default_graphs: tuple[str, ...] | None = None  # None: no default-graph-uri given
    named_graphs: tuple[str, ...] | None = None
    formats: tuple[str, ...] = ()  # format / output / results values, in order
    params: dict[str, list[str]] = field(default_factory=dict)

    @property
    def dataset_given(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            400, f"{what} is not valid UTF-8 (bad byte 0x{raw[exc.start]:02x} at byte offset {exc.start})"
        ) from None


def _params(raw: bytes, where: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    # By hand rather than parse_qsl: that one replaces bad UTF-8 silently, and we must refuse it.
    for pair in raw.split(b"&"):
        if not pair:
            continue
        k, _, v = pair.partition(b"=")
        key = unquote_to_bytes(k.replace(b"+", b" "))
        value = unquote_to_bytes(v.replace(b"+", b" "))
        name = _decode(key, f"a parameter name in the {where}")
        out.setdefault(name, []).append(_decode(value, f"the {name!r} parameter in the {where}"))
    return out


def _graph_iris(values: list[str] | None, name: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    iris = []
    for value in values:
        iri = value.strip()
        parts = urlsplit(iri)
        if not parts.scheme or any(c in iri for c in ' <>"{}|^`\\') or any(ord(c) < 0x21 for c in iri):
            raise ProtocolError(400, f"{name} must be an absolute IRI, got {value!r}")
        iris.append(iri)
    return tuple(iris)


def parse(request: Request, max_request_bytes: int) -> ProtocolRequest:
    """The operation a request carries. Raises ProtocolError with the status the protocol names."""
    if len(request.query_string) > max_request_bytes:
        raise ProtocolError(
            414, f"the URL is longer than this endpoint accepts ({max_request_bytes} bytes); "
                 "send long queries with POST"
        )
    url = _params(request.query_string, "URL")
    body_params: dict[str, list[str]] = {}
    direct_query: str | None = None

    if request.method == "POST":
        length = request.content_length
        if length is not None and length > max_request_bytes:
            raise ProtocolError(
                413, f"the request body ({length} bytes) is larger than this endpoint accepts "
                     f"({max_request_bytes} bytes)"
            )
        mimetype = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        body = request.get_data(cache=False)
        if len(body) > max_request_bytes:
            raise ProtocolError(
                413, f"the request body is larger than this endpoint accepts ({max_request_bytes} bytes)"
            )
        if mimetype == FORM:
            body_params = _params(body, "request body")
        elif mimetype == SPARQL_QUERY:
            if charset not in ("utf-8", "utf8"):
                raise ProtocolError(415, f"a {SPARQL_QUERY} body must be UTF-8, not {charset}")
            direct_query = _decode(body, "the request body").lstrip("\ufeff")
        elif mimetype == SPARQL_UPDATE:
            return ProtocolRequest(update=True)
        elif not mimetype and not body:
            pass  # a bare POST with everything in the URL: treat like GET
        else:
            raise ProtocolError(
                415, f"unsupported request body type {mimetype or '(none)'!r}: send the query as "
                     f"{FORM} (query=...) or as {SPARQL_QUERY}"
            )

    merged: dict[str, list[str]] = {k: list(v) for k, v in url.items()}
    for key, values in body_params.items():
        merged.setdefault(key, []).extend(values)

    if "update" in merged:
        if "query" in merged or direct_query is not None:
            raise ProtocolError(400, "a request may carry a query or an update, not both")
        return ProtocolRequest(update=True)

    queries = merged.get("query", [])
    if direct_query is not None:
        queries = [*queries, direct_query]
    if len(queries) > 1:
        raise ProtocolError(400, f"the request carries {len(queries)} queries; send exactly one")
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise ProtocolError(400, "the query is empty")

    formats = tuple(v for name in ("format", "output", "results") for v in merged.get(name, []))
    return ProtocolRequest(
        query=query,
        default_graphs=_graph_iris(merged.get("default-graph-uri"), "default-graph-uri"),
        named_graphs=_graph_iris(merged.get("named-graph-uri"), "named-graph-uri"),
        formats=formats,
        params=merged,
    )
