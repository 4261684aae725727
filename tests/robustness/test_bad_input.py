"""Bad input of every kind gets a clear 4xx (never a 500, never a stack trace) and the server keeps serving."""

from __future__ import annotations

import http.client as http_client
import socket
from pathlib import Path

import requests
from endpoint.conftest import http
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from almerekg.saved_queries.catalogue import load_catalogue

from .conftest import MAX_REQUEST_BYTES, assert_clean, assert_healthy

ROOT = Path(__file__).resolve().parents[2]

MALFORMED = [
    "SELECT",
    "SELECT * WHERE {",
    "SELECT * WHERE { ?s ?p }",
    "SELECT ?s WHERE { ?s ?p ?o } GROUP BY",
    "ASK { ?s ?p ?o ",
    "}}}}{{{{",
    "SELECT * WHERE { ?s ?p \"unterminated }",
    "SELECT * WHERE { <http://a b> ?p ?o }",
    "PREFIX : <x> SELECT * WHERE { :a :b :c }",
    "SELECT (COUNT(*) AS ?n) (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { ?s ?p ?o } ORDER BY",
    "SELECT * WHERE { ?s ?p ?o } LIMIT -1",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o > ) }",
    "SELECT * WHERE { VALUES ?x { 1 2 } VALUES (?y ?z) { (1) } }",
    "DESCRIBE",
    "CONSTRUCT { ?s ?p } WHERE { ?s ?p ?o }",
    "\x00\x01\x02",
    "SELECT * WHERE { ?s ?p ?o } \x00",
    "\ufeffSELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE { ?s <\u202e> ?o }",
    "SELECT * { ?s ?p 'a\\uD800' }",
    "SELECT * WHERE { ?s ?p ?o } %00",
    "SELECT * WHERE { BIND(1/0 AS ?x) } ",
    "SELECT * WHERE { ?s ?p ?o FILTER(REGEX(?o, '(')) } LIMIT 5",
    "SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), '(a+)+$')) } LIMIT 5",
    "SELECT * WHERE { ?s ?p ?o . FILTER(xsd:integer(?o)) }",
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "LOAD <http://127.0.0.1:1/x>",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "CLEAR DEFAULT",
]


def _sparql_get(server, query: str) -> requests.Response:  # noqa: ANN001
    return http.get(server.sparql, params={"query": query})


def test_hand_written_malformed_queries(robust_server) -> None:  # noqa: ANN001
    for q in MALFORMED:
        for r in (_sparql_get(robust_server, q),
                  http.post(robust_server.sparql, data=q.encode("utf-8"),
                            headers={"Content-Type": "application/sparql-query"})):
            assert_clean(r)
            assert r.status_code in (200, 400, 403), (q, r.status_code, r.text[:300])
            if r.status_code in (400, 403):
                assert r.text.strip(), q  # a message says why
    assert_healthy(robust_server)


# Text that looks a bit like SPARQL: keywords, punctuation, variables, IRIs and random characters.
_PIECES = st.sampled_from([
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "$x", "*", ".",
    ";", ",", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "BIND", "AS", "VALUES", "LIMIT",
    "OFFSET", "ORDER BY", "GROUP BY", "COUNT", "<http://e/x>", "rdfs:label", "PREFIX", "'a'", '"b"@nl',
    "1", "-2.5e3", "true", "#c\n", "\n", " ", "^^", "|", "/", "!", "<", ">", "\\", "\"\"\"", "INSERT", "FROM",
])
_SPARQLISH = st.one_of(
    st.lists(_PIECES, min_size=1, max_size=25).map(" ".join),
    st.text(min_size=1, max_size=200),
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(query=_SPARQLISH)
def test_generated_queries_never_500(robust_server, query: str) -> None:  # noqa: ANN001
    r = http.post(robust_server.sparql, data={"query": query})
    assert_clean(r)
    assert r.status_code in (200, 400, 403, 406, 503), (query, r.status_code, r.text[:300])


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(raw=st.binary(min_size=1, max_size=300))
def test_generated_bytes_as_query_body(robust_server, raw: bytes) -> None:  # noqa: ANN001
    r = http.post(robust_server.sparql, data=raw, headers={"Content-Type": "application/sparql-query"})
    assert_clean(r)
    assert r.status_code in (200, 400, 403, 406, 415), (raw, r.status_code, r.text[:300])


def test_generated_batches_left_the_server_healthy(robust_server) -> None:  # noqa: ANN001
    assert_healthy(robust_server)


def test_huge_and_deeply_nested_queries(robust_server) -> None:  # noqa: ANN001
    over = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (MAX_REQUEST_BYTES + 10)
    r = http.post(robust_server.sparql, data=over.encode(), headers={"Content-Type": "application/sparql-query"})
    assert_clean(r)
    assert r.status_code == 413
    r = http.post(robust_server.sparql, data={"query": over})
    assert_clean(r)
    assert r.status_code == 413
    # Far over the body limit: refused by the HTTP server or the app, never buffered into a 500.
    try:
        r = http.post(robust_server.sparql, data=b"x" * (8 * 1024 * 1024),
                      headers={"Content-Type": "application/sparql-query"})
        assert_clean(r)
        assert r.status_code == 413
    except requests.ConnectionError:
        pass  # the server may close the connection on an oversized body instead of reading it
    # A very long GET URL.
    r = http.get(robust_server.sparql + "?query=" + "A" * 200_000)
    assert_clean(r)
    assert 400 <= r.status_code < 500
    # Deep nesting: groups, parentheses in an expression, nested sub-selects, OPTIONALs.
    for depth in (50, 500, 3000):
        nested = [
            "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth + " LIMIT 1",
            "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "1" + ")" * depth + ") } LIMIT 1",
            "SELECT * WHERE " + "{ SELECT * WHERE " * depth + "{ ?s ?p ?o }" + " LIMIT 1 }" * depth,
            "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * depth + "}" * depth + "} LIMIT 1",
        ]
        for q in nested:
            r = http.post(robust_server.sparql, data=q.encode(), headers={"Content-Type": "application/sparql-query"})
            # The engine reads them all (its query thread has the stack for it); the deepest may take longer
            # than the 2 s limit here: a 503, never a crash.
            assert_clean(r, allow=(503,))
            assert r.status_code in (200, 400, 413, 503), (depth, q[:60], r.status_code, r.text[:300])
    assert_healthy(robust_server)


def test_invalid_utf8_and_wrong_content_types(robust_server) -> None:  # noqa: ANN001
    bad = b"SELECT * WHERE { ?s ?p \"\xff\xfe\xc3\x28\" } LIMIT 1"
    cases = [
        (bad, "application/sparql-query"),
        (bad, "application/sparql-query; charset=utf-8"),
        (b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-query; charset=latin-1"),
        (b"query=" + bad.replace(b" ", b"+"), "application/x-www-form-urlencoded"),
        (b"query=%FF%FE%C3%28", "application/x-www-form-urlencoded"),
        (b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/plain"),
        (b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", "application/json"),
        (b'{"query": "SELECT * {?s ?p ?o}"}', "application/json"),
        (b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", "multipart/form-data; boundary=xyz"),
        (b"--xyz\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\nASK{}\r\n--xyz--\r\n",
         "multipart/form-data"),
        (b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", ""),
        (b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-update"),
        (b"update=DROP+ALL", "application/x-www-form-urlencoded"),
        (b"<x/>", "application/xml"),
        (b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", "\x00/\x01"),
    ]
    for body, ctype in cases:
        headers = {"Content-Type": ctype} if ctype else {}
        r = http.post(robust_server.sparql, data=body, headers=headers)
        assert_clean(r)
        assert r.status_code in (200, 400, 403, 415), (body[:40], ctype, r.status_code, r.text[:300])
    # Invalid UTF-8 in the URL: the query string, a path, a parameter.
    for path in ("/sparql?query=%FF%FE", "/search?q=%C3%28", "/doc/firm/%FF", "/queries/tabel-3?x=%FF",
                 "/queries/%FF%FE", "/def/%C0%AF", "/downloads/%FF", "/id/%ED%A0%80"):
        r = http.get(robust_server.url + path)
        assert_clean(r)
        assert r.status_code in (200, 400, 404), (path, r.status_code, r.text[:300])
    # Methods and Accept headers the endpoint does not offer.
    for method in ("PUT", "DELETE", "PATCH"):
        r = http.request(method, robust_server.sparql, data=b"DROP ALL")
        assert_clean(r)
        assert r.status_code == 405
    r = http.get(robust_server.sparql, params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert_clean(r)
    assert r.status_code == 406
    r = http.get(robust_server.sparql, params={"query": "ASK {}"}, headers={"Accept": "\x7f;;;q=abc, */*;q=x"})
    assert_clean(r)
    assert_healthy(robust_server)


def _raw_request(port: int, payload: bytes) -> bytes:
    """Bytes the client libraries would refuse to send, straight onto the socket."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server answered (431 on a long head) and closed before all was sent: read what it said
        chunks = []
        while True:
            try:
                data = s.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)


def test_raw_malformed_http(robust_server) -> None:  # noqa: ANN001
    port = robust_server.port
    payloads = [
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 99999999999\r\n\r\nASK{}",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/sparql-query\r\n\r\nzz\r\nASK{}\r\n0\r\n\r\n",
        b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /doc/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello
        b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"a" * 100_000 + b"\r\n\r\n",
        b"GARBAGE\r\n\r\n",
    ]
    for p in payloads:
        answer = _raw_request(port, p)
        assert b"Traceback" not in answer and b"site-packages" not in answer, answer[:300]
        if answer.startswith(b"HTTP/"):
            status = int(answer.split(b" ", 2)[1])
            assert status < 500 or status == 501, (p[:60], answer[:300])
    assert_healthy(robust_server)


TRAVERSAL = [
    "..", "../..", "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2E%2E/%2E%2E/etc/passwd", "..%5c..%5cwindows", "%252e%252e%252fetc", "....//....//etc/passwd",
    "firm/..%2f..%2f..%2fcurrent%2fbuild.json", "..;/etc/passwd", "%c0%ae%c0%ae/etc/passwd", "/etc/passwd",
    "%2fetc%2fpasswd", "..%00/etc/passwd", "build.json", "../build.json", "..%2fbuild.json", "oxigraph/CURRENT",
    "..%2f..%2f..%2f..%2f..%2fproc%2fself%2fenviron",
]
PREFIXES = ["/doc/", "/doc/firm/", "/id/", "/id/firm/", "/def/", "/downloads/", "/queries/", "/dataset/"]
SECRETS = (b"root:x:0:0", b"build_id", b"PATH=", b"MANIFEST", b"rocksdb")


def _get_verbatim(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET with the path exactly as written (requests/urllib3 would remove the dot segments)."""
    conn = http_client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_path_traversal_on_every_route(robust_server) -> None:  # noqa: ANN001
    n = 0
    for prefix in PREFIXES:
        for t in TRAVERSAL:
            for suffix in ("", ".ttl", ".csv", ".json"):
                path = prefix + t + suffix
                status, headers, body = _get_verbatim(robust_server.port, path)
                n += 1
                assert status in (301, 302, 303, 308, 400, 404), (path, status, body[:200])
                assert b"Traceback" not in body and b"site-packages" not in body
                if status in (301, 302, 303, 308):
                    assert headers["location"].startswith(("/", robust_server.url)), headers["location"]
                for secret in SECRETS:
                    assert secret not in body, (path, secret)
    assert n >= 600
    assert_healthy(robust_server)


_INJECTIONS = [
    "' } ; DROP ALL ; #", "\" } } SELECT * WHERE { ?s ?p ?o } #", "> } SERVICE <http://127.0.0.1:1/> { ?s ?p ?o }",
    "x\" . ?s ?p ?o } #", "1 || true", "1; DROP ALL", "0) || (1=1", "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1:1/a}", "{{7*7}}", "%00", "\x00", "\n} INSERT DATA { <a> <b> <c> }", "-1", "1e9",
    "99999999999999999999999999999", "true\" || \"", "' OR '1'='1", "../../etc/passwd", "a" * 5000, "\u202e",
    "?_soort", "<http://evil.example/>", "FILTER(true)",
]


def test_injection_on_every_saved_query_parameter(robust_server) -> None:  # noqa: ANN001
    cat = load_catalogue(ROOT / "queries")
    with_params = [q for q in cat.queries if q.params]
    assert with_params, "no saved query declares parameters"
    base_counts: dict[str, int] = {}
    tried = 0
    for q in with_params:
        ok = http.get(f"{robust_server.url}/queries/{q.name}.json")
        assert ok.status_code == 200, (q.name, ok.text[:300])
        base_counts[q.name] = len(ok.json().get("rows", ok.json().get("results", [])))
        for p in q.params:
            for value in _INJECTIONS:
                for suffix in (".json", ".csv", ""):
                    r = http.get(f"{robust_server.url}/queries/{q.name}{suffix}", params={p.name: value})
                    tried += 1
                    assert_clean(r)
                    if p.type in ("code", "integer", "boolean") or p.values:
                        assert r.status_code == 400, (q.name, p.name, value, r.status_code, r.text[:200])
                        assert p.name in r.text
                    else:
                        # A free string is a literal: accepted or refused, never code.
                        assert r.status_code in (200, 400), (q.name, p.name, value, r.status_code)
                    if suffix == "" and r.status_code == 200:
                        assert "<script>alert(1)</script>" not in r.text
            # The same parameter twice (refused unless it takes several values, each of them allowed), and an
            # unknown parameter.
            r = http.get(f"{robust_server.url}/queries/{q.name}.json", params=[(p.name, "a"), (p.name, "b")])
            assert_clean(r)
            assert r.status_code == (200 if p.multiple and {"a", "b"} <= set(p.values) else 400), (q.name, p.name)
    r = http.get(f"{robust_server.url}/queries/{with_params[0].name}.json", params={"no_such_param": "x"})
    assert_clean(r)
    assert tried >= 3 * len(_INJECTIONS)
    print(f"\ninjection: {tried} requests on {sum(len(q.params) for q in with_params)} parameters "
          f"of {len(with_params)} saved queries")
    # Nothing was changed by any of it.
    for q in with_params:
        again = http.get(f"{robust_server.url}/queries/{q.name}.json").json()
        assert len(again.get("rows", again.get("results", []))) == base_counts[q.name]
    assert_healthy(robust_server)


def test_search_and_page_parameters(robust_server) -> None:  # noqa: ANN001
    for q in ["", "a" * 10_000, "*", "%", "\\", "(", "[", "?s ?p ?o", "\" } DROP ALL #", "'", "\x00", "\u0000x",
              "<script>alert(1)</script>", ".*" * 500]:
        r = http.get(robust_server.url + "/search", params={"q": q})
        assert_clean(r)
        assert r.status_code in (200, 400), (q[:40], r.status_code)
        assert "<script>alert(1)</script>" not in r.text
    for args in ({"page": "-1"}, {"page": "abc"}, {"page": "9" * 40}, {"per_page": "0"}, {"per_page": "10000000"},
                 {"lang": "<x>"}, {"layout": "../../x"}, {"format": "../../etc/passwd"}):
        for path in ("/queries/tabel-3", "/queries/tabel-3.json", "/queries/tabel-3.csv", "/", "/dataset"):
            r = http.get(robust_server.url + path, params=args)
            assert_clean(r)
            assert r.status_code in (200, 400, 404), (path, args, r.status_code)
    assert_healthy(robust_server)
