"""Literals carrying XSS payloads are escaped on every kind of HTML page that shows them."""

from __future__ import annotations

import re
from pathlib import Path

from endpoint.conftest import http

from almerekg.saved_queries.catalogue import load_catalogue

from .conftest import XSS_ATTR, XSS_SCRIPT, assert_clean, assert_healthy

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://almerekg.example"
RAW = (XSS_SCRIPT, "<img src=x onerror", "<script>alert", 'onerror=alert(1)>"')
ESCAPED = re.compile(r"&lt;script&gt;alert\(1\)&lt;/script&gt;")


def _ids(xss_store: Path) -> tuple[str, str]:
    firm, note = (xss_store.parent / "ids.txt").read_text(encoding="utf-8").split()
    return firm, note


def _html(server, path: str) -> str:  # noqa: ANN001
    r = http.get(server.url + path, headers={"Accept": "text/html"})
    assert_clean(r)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("text/html"), (path, r.headers["Content-Type"])
    for raw in RAW:
        assert raw not in r.text, f"{path} shows {raw!r} unescaped"
    # The attribute payload must not close an attribute: its quote is escaped wherever it appears.
    assert '"><img' not in r.text, path
    return r.text


def test_every_html_view_escapes_payloads(xss_server, xss_store) -> None:  # noqa: ANN001
    firm, note = _ids(xss_store)
    cat = load_catalogue(ROOT / "queries")
    shown = {}
    pages = [
        f"/doc/firm/{firm}", f"/doc/firm/{firm}?lang=en", f"/doc/note/{note}", f"/doc/note/{note}.html",
        "/", "/?lang=en", "/search?q=Evil", "/search?q=" + XSS_SCRIPT, "/search?q=" + XSS_ATTR, "/search?q=Note",
        "/queries", "/dataset", "/dataset.html", "/dataset/validation.html", "/def", "/def/Firm", "/def/Note",
    ] + [f"/queries/{q.name}" for q in cat.queries] + [f"/queries/{q.name}?lang=en" for q in cat.queries]
    for path in pages:
        text = _html(xss_server, path)
        shown[path] = bool(ESCAPED.search(text))
    # The payload really is on the pages that show the firm and the note (escaped, so the test means something).
    for path in (f"/doc/firm/{firm}", f"/doc/note/{note}", "/search?q=Evil", "/queries/tabel-3"):
        assert shown[path], f"{path} does not show the escaped payload at all"
    assert sum(shown.values()) >= 4
    print(f"\nxss: {len(pages)} HTML pages checked, {sum(shown.values())} show the payload escaped")
    # The RDF views carry the literal unchanged (escaping belongs to HTML, not to data).
    r = http.get(xss_server.url + f"/doc/firm/{firm}.ttl")
    assert r.status_code == 200 and "alert(1)" in r.text
    assert_healthy(xss_server)


def test_error_pages_do_not_reflect_markup(xss_server) -> None:  # noqa: ANN001
    for path in ("/doc/firm/" + XSS_SCRIPT, "/queries/" + XSS_SCRIPT, "/def/" + XSS_ATTR,
                 "/queries/tabel-3?lang=" + XSS_SCRIPT, "/queries/joint-ventures?soort=" + XSS_SCRIPT,
                 "/sparql?query=" + XSS_SCRIPT):
        r = http.get(xss_server.url + path, headers={"Accept": "text/html"})
        assert_clean(r)
        if r.headers.get("Content-Type", "").startswith("text/html"):
            for raw in RAW:
                assert raw not in r.text, (path, raw)
        else:
            # Plain-text errors are never rendered as HTML by a browser.
            assert r.headers["X-Content-Type-Options"] == "nosniff"
